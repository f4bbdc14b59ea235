"""Records -> feed bytes. Pure: no clock (``now`` is passed in), no I/O.

``select`` decides what every feed holds; ``rss``, ``atom`` and ``jsonfeed`` only write
that decision down, one module per format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


class FeedBuild:
    """The files of the feeds whose inputs changed, produced one feed at a time as it is
    iterated (so that a big archive never sits in memory whole). Once iterated,
    ``digests`` holds every feed's digest and ``skipped`` the files of the feeds for which
    ``unchanged(path, digest)`` was true: those were neither rendered nor serialised,
    their files on disk are already these bytes."""

    def __init__(
        self,
        site: Site,
        articles: Iterable[Article],
        now: datetime,
        read_body: Callable[[Article], str],
        unchanged: Callable[[str, str], bool],
    ) -> None:
        self._site = site
        self._plans = choose_feeds(site, articles, now)
        self._render = FeedRenderer(site, now, read_body)
        self._unchanged = unchanged
        self.digests: dict[str, str] = {}
        self.skipped: list[str] = []

    @property
    def feeds(self) -> int:
        """How many files the site has, built or skipped."""
        return len(self._plans) * len(FILENAMES)

    def __iter__(self) -> Iterator[FeedFile]:
        for plan in self._plans:
            digest = self.digests[plan.feed.path] = plan.digest(self._site)
            if self._unchanged(plan.feed.path, digest):
                self.skipped += [plan.feed.file_path(name) for name in FILENAMES]
                continue
            feed = self._render(plan)
            for serialise in serialisers():
                yield serialise(feed, self._site.feeds_url)


def build_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[FeedFile, ...]:
    """Every file of the site: per feed (combined, then sections) RSS, Atom, JSON Feed.
    ``read_body`` is the only I/O, injected: the loader's, for loaded records."""
    return tuple(FeedBuild(site, articles, now, read_body, lambda path, digest: False))
