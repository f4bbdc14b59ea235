"""Records -> feed bytes. Pure: no clock (``now`` is passed in), no I/O.

``select`` decides what every feed holds; ``rss``, ``atom`` and ``jsonfeed`` only write
that decision down, one module per format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from feedpub.build.select import FeedRenderer, choose_feeds
from feedpub.model import Article, Feed, FeedFile, Site

# The files of every feed, in the order serialisers() writes them (a test keeps the two
# in step); spelled out so that a run with nothing to render imports no serialiser.
FILENAMES = ("rss.xml", "atom.xml", "feed.json")


def serialisers() -> tuple[Callable[[Feed, str], FeedFile], ...]:
    """The three formats; imported on first use (lxml and feedgen are slow to import)."""
    from feedpub.build.atom import atom_file
    from feedpub.build.jsonfeed import jsonfeed_file
    from feedpub.build.rss import rss_file

    return (rss_file, atom_file, jsonfeed_file)


@dataclass(frozen=True, slots=True)
class BuildResult:
    files: tuple[FeedFile, ...]  # the feeds that were built
    digests: dict[str, str]  # feed path ("" or a section slug) -> digest of its inputs
    skipped: tuple[str, ...]  # files of feeds whose inputs did not change: not built


def build_changed_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str],
    unchanged: Callable[[str, str], bool],
) -> BuildResult:
    """Like build_feeds, but a feed for which ``unchanged(path, digest)`` is true is
    neither rendered nor serialised: its files on disk are already these bytes."""
    render = FeedRenderer(site, now, read_body)
    files: list[FeedFile] = []
    digests: dict[str, str] = {}
    skipped: list[str] = []
    for plan in choose_feeds(site, articles, now):
        digest = digests[plan.feed.path] = plan.digest(site)
        if unchanged(plan.feed.path, digest):
            skipped += [plan.feed.file_path(name) for name in FILENAMES]
            continue
        feed = render(plan)
        files += [serialise(feed, site.feeds_url) for serialise in serialisers()]
    return BuildResult(tuple(files), digests, tuple(skipped))


def build_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[FeedFile, ...]:
    """Every file of the site: per feed (combined, then sections) RSS, Atom, JSON Feed.
    ``read_body`` is the only I/O, injected: the loader's, for loaded records."""
    return build_changed_feeds(site, articles, now, read_body, lambda path, digest: False).files
