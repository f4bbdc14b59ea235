"""articles/**/*.md -> Articles, and every problem in every record that was rejected.

A bad record never stops the load: it is reported and left out, and every good
record is still returned. Records are read in path order so the result, and the
choice of which duplicate id wins, never depends on the file system.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from feedpub.errors import BuildError, Problem
from feedpub.load.record import RecordResult, read_record
from feedpub.load.scan import NOT_MD, Scan, Stat, scan_records
from feedpub.model import Article, Listing, Site, encode_article, listing_of
from feedpub.parallel import Workers, ordered_map, workers


class Outcome(NamedTuple):
    """What a record gave, without its Article: all that judging the set of records
    needs (the id it claims, its problems) and, when good, its Listing."""

    claim: tuple[str, int] | None
    problems: tuple[Problem, ...]
    listing: Listing | None


class Parsed(NamedTuple):
    """A record as read: its Outcome, and its Article encoded for the index (see
    encode_article) or, when there is no index to keep it in, the Article itself."""

    outcome: Outcome
    encoded: bytes | None
    article: Article | None


def parsed(result: RecordResult, key: str, site: Site, *, keep: bool = False) -> Parsed:
    """``keep``: hand back the Article rather than its encoding."""
    article = result.article
    if article is None:
        return Parsed(Outcome(result.claim, result.problems, None), None, None)
    encoded = encode_article(article)
    listing = listing_of(article, key, encoded, zone=site.zone)
    outcome = Outcome(result.claim, result.problems, listing)
    return Parsed(outcome, None, article) if keep else Parsed(outcome, encoded, None)


@dataclass(frozen=True, slots=True)
class LoadedArticles:
    """The good stories as Listings, and the way to fetch any one's whole Article."""

    listings: tuple[Listing, ...]
    problems: tuple[Problem, ...]
    rejected: int  # how many record files were left out
    fetch: Callable[[Listing], Article]
    # The same, for use in other processes (cheap to pickle: it reads the index with
    # a connection of its own); None when Articles are held in this process's memory.
    portable: Callable[[Listing], Article] | None = None

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every good story's Article, fetched: for small sites and tools, not the build."""
        return tuple(self.fetch(listing) for listing in self.listings)


def find_records(articles_dir: Path) -> list[Path]:
    """Every record file under ``articles_dir``, in a stable order (see scan_records)."""
    return [articles_dir / relative for relative in scan_records(articles_dir, stats=False).records]


def load_articles(
    articles_dir: Path,
    site: Site,
    display_dir: str,
    progress: Callable[[int, int], None] | None = None,
    index: RecordCache | None = None,
    lead: Callable[[str], str] | None = None,
    scan: Scan | None = None,
    pool: Workers | None = None,
) -> LoadedArticles:
    """Read every record under ``articles_dir``; ``display_dir`` prefixes paths in messages.
    ``progress(done, total)`` is called after each record, for a progress bar. With an
    ``index``, a file whose size, mtime and inode are unchanged is not read again, and
    Articles stay in the index until fetched; without one they are held in memory.
    ``lead(body)`` sets each Article's lead (see read_record). ``scan``: the files, if
    already found. ``pool``: workers to parse with, if started already."""
    root = articles_dir.resolve()
    if scan is None:
        scan = scan_records(articles_dir, stats=index is not None)
    records, stats = scan.records, scan.stats
    prefix = display_dir.rstrip("/") + "/"
    outcomes: dict[str, Outcome] = {}
    if index is not None:
        for relative in records:
            stat = stats.get(relative)
            cached = index.get(relative, stat) if stat else None
            if cached is not None:
                outcomes[relative] = cached
        if progress is not None and outcomes:
            progress(len(outcomes), len(records))
    missing = [relative for relative in records if relative not in outcomes]
    held: dict[str, Article] = {}
    keep = index is None  # else Articles go to the index, encoded by the workers
    read = functools.partial(_read_job, folder=articles_dir, prefix=prefix, root=root,
                             site=site, lead=lead, keep=keep)  # fmt: skip
    for relative, record in zip(missing, _read_all(missing, read, pool), strict=True):
        outcomes[relative] = record.outcome
        stat = stats.get(relative)
        if index is not None and stat is not None:
            index.put(relative, scan.trusted(stat), record.outcome, record.encoded)
        elif record.article is not None:
            held[relative] = record.article
        if progress is not None:
            progress(len(outcomes), len(records))
    if index is not None:
        index.save(set(records))
    fetch = article_source(articles_dir, site, display_dir, index, lead, held)
    reader = index.reader() if index is not None and not held else None
    portable = None if reader is None else article_source(
        articles_dir, site, display_dir, reader, lead, {}
    )  # fmt: skip
    results = ((prefix + relative, outcomes[relative]) for relative in records)
    unreadable = ((prefix + name, _unread(prefix + name, why)) for name, why in scan.unread)
    return combine_results(itertools.chain(results, unreadable), fetch, portable)


def folder_warnings(scan: Scan, display_dir: str) -> tuple[str, ...]:
    """One line for each link to a folder under ``articles/``: not entered, so the
    records behind it are not read. A warning, not a rejected file: a site may link a
    folder on purpose, and exit 1 on every run would hide real rejections."""
    prefix = display_dir.rstrip("/") + "/"
    return tuple(
        f"{prefix}{name}: a link to a folder is not followed, so no record in it is read. "
        "Move the folder into the articles folder to publish them"
        for name in scan.linked_folders
    )


def _unread(display: str, why: str) -> Outcome:
    """The one line for a file left out for its name (see scan.Unread)."""
    if why == NOT_MD:
        stem, _, suffix = display.rpartition(".")
        problem = Problem(
            display, None, None, f"the name ends in '.{suffix}', so it is not read: records "
            "end in '.md' (lower case)", f"Rename it to {stem.rpartition('/')[2]}.md",
        )  # fmt: skip
    else:
        problem = Problem(
            display, None, None, "the name is not UTF-8, so it is not read",
            "Rename it in UTF-8 (convmv does it for a whole folder)",
        )  # fmt: skip
    return Outcome(None, (problem,), None)


def article_source(
    articles_dir: Path,
    site: Site,
    display_dir: str,
    index: ArticleStore | None,
    lead: Callable[[str], str] | None,
    held: dict[str, Article],
) -> Callable[[Listing], Article]:
    """Fetches a listing's whole Article: from ``held`` (by relative path), else the
    index, else its file read again (see _fetch)."""
    return functools.partial(
        _fetch, held=held, index=index, articles_dir=articles_dir,
        prefix=display_dir.rstrip("/") + "/", root=articles_dir.resolve(), site=site, lead=lead,
    )  # fmt: skip


def _fetch(
    listing: Listing,
    *,
    held: dict[str, Article],
    index: ArticleStore | None,
    articles_dir: Path,
    prefix: str,
    root: Path,
    site: Site,
    lead: Callable[[str], str] | None,
) -> Article:
    """The whole Article of a listing: held in memory, else from the index, else (a
    damaged or lost cache) read again from its file, which must not have changed."""
    article = held.get(listing.key)
    if article is None and index is not None:
        article = index.article(listing.key)
    if article is None:
        display = prefix + listing.key
        article = read_record(articles_dir / listing.key, display, root, site, lead).article
        if article is None or listing_of(article, listing.key, zone=site.zone) != listing:
            raise BuildError(f"{display}: changed during the build: run the build again")
    return article


PARALLEL_FROM = 2000  # records to parse before a second process pays for its start-up


def _read_all(
    records: list[str], read: Callable[[str], Parsed], pool: Workers | None
) -> Iterator[Parsed]:
    """Every record read, in order; over several processes when there are many
    (parsing YAML is CPU-bound, and a cold build of a big archive parses every record).
    The workers also encode each Article: the main process only stores it."""
    processes = workers() if pool is None else pool.processes
    if len(records) < PARALLEL_FROM or processes < 2:
        yield from map(read, records)
        return
    # Only the relative paths go out: short strings pickle faster than Paths.
    yield from ordered_map(read, records, pool or processes, chunk=256)


def _read_job(
    relative: str,
    *,
    folder: Path,
    prefix: str,
    root: Path,
    site: Site,
    lead: Callable[[str], str] | None,
    keep: bool,
) -> Parsed:
    record = read_record(folder / relative, prefix + relative, root, site, lead)
    return parsed(record, relative, site, keep=keep)


class ArticleStore(Protocol):
    def article(self, path: str) -> Article | None: ...


class RecordCache(ArticleStore, Protocol):
    def get(self, path: str, stat: Stat) -> Outcome | None: ...

    def put(self, path: str, stat: Stat, outcome: Outcome, article: bytes | None) -> None: ...

    def save(self, paths: set[str]) -> None: ...

    def reader(self) -> ArticleStore | None: ...


def combine_results(
    results: Iterable[tuple[str, Outcome]],
    fetch: Callable[[Listing], Article],
    portable: Callable[[Listing], Article] | None = None,
) -> LoadedArticles:
    """The records in path order, with every id claimed once: a later record with an id
    already claimed, by a good record or a rejected one, is rejected. Otherwise fixing the
    first record later would silently swap which of the two stories is published."""
    listings: list[Listing] = []
    problems: list[Problem] = []
    rejected = 0
    claimed: dict[str, str] = {}
    for display, outcome in results:
        found = list(outcome.problems)
        if outcome.claim is not None:
            article_id, line = outcome.claim
            if article_id in claimed:
                found.append(
                    Problem(
                        display,
                        line,
                        "id",
                        f"{article_id!r} is already used by {claimed[article_id]}, which "
                        "comes first in path order and keeps it",
                        "Give every story its own id",
                    )
                )
            else:
                claimed[article_id] = display
        if found:
            problems.extend(found)
            rejected += 1
        elif outcome.listing is not None:
            listings.append(outcome.listing)
    return LoadedArticles(tuple(listings), tuple(problems), rejected, fetch, portable)
