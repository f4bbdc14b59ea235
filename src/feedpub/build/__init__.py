"""Records -> feed bytes. Pure: no clock (``now`` is passed in), and no I/O of its own
(fetching a story, reading a body and, in worker processes, staging a file are passed in).

``select`` decides what every feed holds; ``rss``, ``atom`` and ``jsonfeed`` only write
that decision down, one module per format; ``archive`` writes a month of archive
documents at a time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TypeVar

from feedpub.build.provenance import site_material
from feedpub.build.select import FeedPlan, FeedRenderer, choose_feeds, resolve
from feedpub.model import (
    FEED_FILENAMES,
    Article,
    Feed,
    FeedFile,
    Listing,
    Site,
    listing_of,
)
from feedpub.parallel import Workers, ordered_map, workers

S = TypeVar("S")  # what a worker makes of a file it rendered (FeedBuild.staged)

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
        pool: Workers | None = None,
    ) -> None:
        """``plans``: the feeds chosen (choose_feeds: all of them; an incremental run:
        those a change touches). ``portable``: ``fetch`` for other processes, if there
        is one (LoadedArticles.portable). ``pool``: workers to render with, if started
        already."""
        self._site = site
        self._fetch = fetch
        self._portable = portable
        self._read_body = read_body
        self._plans = plans
        self._unchanged = unchanged
        self._pool = pool
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
        return self.staged(unstaged)

    def staged(self, stage: Callable[[FeedFile], S]) -> Iterator[FeedFile | S]:
        """The files, as __iter__; archive documents rendered in other processes come
        back as ``stage`` made them there (publish.local.stage_file: written beside
        their place, so that only names travel back)."""
        material = site_material(self._site)
        feeds: list[FeedPlan] = []
        archives: list[FeedPlan] = []
        for plan in self._plans:
            digest = self.digests[plan.feed.path] = plan.digest(material)
            if self._unchanged(plan.feed.path, digest):
                self.skipped += [plan.feed.file_path(name) for name in FILENAMES]
            elif plan.feed.archive is not None:
                archives.append(plan)
            else:
                feeds.append(plan)
        yield from _files(feeds, archives, self._fetch, self._site, self._read_body,
                          self._portable, stage, self._pool)  # fmt: skip


PARALLEL_ARCHIVES = 24  # archive documents to render before a process pool pays off


def _files(
    feeds: list[FeedPlan],
    archives: list[FeedPlan],
    fetch: Callable[[Listing], Article],
    site: Site,
    read_body: Callable[[Article], str],
    portable: Callable[[Listing], Article] | None,
    stage: Callable[[FeedFile], S],
    pool: Workers | None,
) -> Iterator[FeedFile | S]:
    """The feeds' files, then the archive documents', a month at a time; over several
    processes when there are many archive documents (a cold build of a big archive
    writes every story once more). With a ``portable`` fetch the workers fetch the
    stories and stage the files themselves, and the feeds are one more of their jobs;
    otherwise the feeds are rendered here, and Articles go out to the workers."""
    from feedpub.build.archive import by_month, month_documents, month_files, resolve_month

    months = by_month(archives)
    processes = workers() if pool is None else pool.processes
    if len(archives) < PARALLEL_ARCHIVES or processes < 2:
        yield from feed_files(feeds, fetch, site, read_body)
        for month in months:
            yield from month_documents(resolve_month(month, fetch), site, read_body)
        return
    if portable is not None:
        jobs = [(feeds, False)] if feeds else []
        jobs += [(month, True) for month in months]
        job = functools.partial(_job, site=site, read_body=read_body, fetch=portable, stage=stage)
        # Results are only names, so many may wait: while one worker renders the feeds
        # (the first job), the other goes on through the months instead of idling.
        window = 2 if stage is unstaged else 16
        for files in ordered_map(job, jobs, pool or processes, chunk=1, window=window):
            yield from files
        return
    yield from feed_files(feeds, fetch, site, read_body)
    # A month at a time, two per process in flight: a month of the combined feed at
    # 100,000 stories is megabytes of Articles going out and of bytes coming back.
    write = functools.partial(month_files, site=site, read_body=read_body)
    resolved = (resolve_month(month, fetch) for month in months)  # as they are needed
    for written in ordered_map(write, resolved, pool or processes, chunk=1, window=2):
        yield from written


def feed_files(
    plans: list[FeedPlan],
    fetch: Callable[[Listing], Article],
    site: Site,
    read_body: Callable[[Article], str],
) -> Iterator[FeedFile]:
    """The files of feeds that are not archive documents (each story rendered once)."""
    render = FeedRenderer(site, read_body)
    for plan in plans:
        yield from _serialise(render(resolve(plan, fetch)), site)


def _job(
    job: tuple[list[FeedPlan], bool],
    *,
    site: Site,
    read_body: Callable[[Article], str],
    fetch: Callable[[Listing], Article],
    stage: Callable[[FeedFile], S],
) -> tuple[S, ...]:
    """In a worker: the feeds, or a month's archive documents (``job``: plans, and
    whether they are a month's), from their plans alone. The stories are fetched there
    and the files ``stage``d there (written beside their place: only names come back)."""
    from feedpub.build.archive import month_documents, resolve_month

    plans, month = job
    if month:
        files = month_documents(resolve_month(plans, fetch), site, read_body)
    else:
        files = feed_files(plans, fetch, site, read_body)
    return tuple(stage(file) for file in files)  # each file written away as it is made


def unstaged(file: FeedFile) -> FeedFile:
    """The stage of FeedBuild.__iter__: files come back as they are, bytes and all."""
    return file


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
    listings = [listing_of(article, key, zone=site.zone) for key, article in by_key.items()]
    fetch = functools.partial(_fetch_from, by_key)
    plans = choose_feeds(site, listings, now)
    return tuple(FeedBuild(site, plans, fetch, read_body, lambda path, digest: False))


def _fetch_from(articles: dict[str, Article], listing: Listing) -> Article:
    return articles[listing.key]
