"""Records -> feed bytes. Pure: no clock (``now`` is passed in), no I/O.

``select`` decides what every feed holds; ``rss``, ``atom`` and ``jsonfeed`` only write
that decision down, one module per format.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from feedpub.build.select import FeedPlan, FeedRenderer, choose_feeds, resolve, site_material
from feedpub.model import (
    FEED_FILENAMES,
    Article,
    Feed,
    FeedFile,
    Listing,
    Site,
    StagedFile,
    listing_of,
)
from feedpub.parallel import ordered_map, workers

# The files of every feed, in the order serialisers() writes them (a test keeps the two
# in step); named in model so that a run with nothing to render imports no serialiser.
FILENAMES = FEED_FILENAMES


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
    ``unchanged(path, digest)`` was true: those were neither fetched, rendered nor
    serialised, their files on disk are already these bytes."""

    def __init__(
        self,
        site: Site,
        plans: tuple[FeedPlan, ...],
        fetch: Callable[[Listing], Article],
        read_body: Callable[[Article], str],
        unchanged: Callable[[str, str], bool],
        portable: Callable[[Listing], Article] | None = None,
    ) -> None:
        """``plans``: the feeds chosen (choose_feeds: all of them; an incremental run:
        those a change touches). ``portable``: ``fetch`` for other processes, if there
        is one (LoadedArticles.portable)."""
        self._site = site
        self._fetch = fetch
        self._portable = portable
        self._read_body = read_body
        self._plans = plans
        self._unchanged = unchanged
        self.digests: dict[str, str] = {}
        self.skipped: list[str] = []

    @property
    def plans(self) -> tuple[FeedPlan, ...]:
        return self._plans

    @property
    def feeds(self) -> int:
        """How many files the site has, built or skipped."""
        return len(self._plans) * len(FILENAMES)

    def __iter__(self) -> Iterator[FeedFile]:
        for file in self.staged(None):
            assert isinstance(file, FeedFile)  # noqa: S101 - nothing is staged without stage
            yield file

    def staged(
        self, stage: Callable[[FeedFile], StagedFile] | None
    ) -> Iterator[FeedFile | StagedFile]:
        """The files, as __iter__; archive documents rendered in other processes come
        back ``stage``d by them, when a ``stage`` is given (see publish.local)."""
        render = FeedRenderer(self._site, self._read_body)
        material = site_material(self._site)
        archives: list[FeedPlan] = []
        for plan in self._plans:
            digest = self.digests[plan.feed.path] = plan.digest(material)
            if self._unchanged(plan.feed.path, digest):
                self.skipped += [plan.feed.file_path(name) for name in FILENAMES]
            elif plan.feed.archive is not None:
                archives.append(plan)  # below, after the feeds
            else:
                yield from _serialise(render(resolve(plan, self._fetch)), self._site)
        yield from _archive_files(archives, self._fetch, self._site, self._read_body,
                                  self._portable, stage)  # fmt: skip


PARALLEL_ARCHIVES = 24  # archive documents to render before a process pool pays off


def _archive_files(
    plans: list[FeedPlan],
    fetch: Callable[[Listing], Article],
    site: Site,
    read_body: Callable[[Article], str],
    portable: Callable[[Listing], Article] | None,
    stage: Callable[[FeedFile], StagedFile] | None,
) -> Iterator[FeedFile | StagedFile]:
    """The files of the archive documents, a month at a time; over several processes
    when there are many (a cold build of a big archive writes every story once more).
    With a ``portable`` fetch the workers fetch the stories and stage the files
    themselves; otherwise Articles go out to them and bytes come back."""
    from feedpub.build.archive import by_month, month_files, month_job, resolve_month

    months = by_month(plans)
    processes = workers()
    if len(plans) < PARALLEL_ARCHIVES or processes < 2:
        for month in months:
            yield from month_files(resolve_month(month, fetch), site, read_body)
        return
    if portable is not None:
        job = functools.partial(
            month_job, site=site, read_body=read_body, fetch=portable, stage=stage
        )
        for files in ordered_map(job, months, processes, chunk=1, window=2):
            yield from files
        return
    # A month at a time, two per process in flight: a month of the combined feed at
    # 100,000 stories is megabytes of Articles going out and of bytes coming back.
    write = functools.partial(month_files, site=site, read_body=read_body)
    resolved = (resolve_month(month, fetch) for month in months)  # as they are needed
    for files in ordered_map(write, resolved, processes, chunk=1, window=2):
        yield from files


def _serialise(feed: Feed, site: Site) -> tuple[FeedFile, ...]:
    return tuple(serialise(feed, site.feeds_url) for serialise in serialisers())


def own_body(article: Article) -> str:
    """The body an Article carries itself (records built in memory, as tests do)."""
    return article.body


def build_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = own_body,
) -> tuple[FeedFile, ...]:
    """Every file of the site from records held in memory: per feed (combined, then
    sections, then the archive documents a month at a time) RSS, Atom, JSON Feed.
    ``read_body`` is the only I/O, injected: the loader's, for loaded records."""
    by_key = {article.id: article for article in articles}
    listings = [listing_of(article, key) for key, article in by_key.items()]
    fetch = functools.partial(_fetch_from, by_key)
    plans = choose_feeds(site, listings, now)
    return tuple(FeedBuild(site, plans, fetch, read_body, lambda path, digest: False))


def _fetch_from(articles: dict[str, Article], listing: Listing) -> Article:
    return articles[listing.key]
