"""articles/**/*.md -> Articles, and every problem in every record that was rejected.

A bad record never stops the load: it is reported and left out, and every good
record is still returned. Records are read in path order so the result, and the
choice of which duplicate id wins, never depends on the file system.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from feedpub.errors import Problem
from feedpub.load.record import RecordResult, file_stat, read_record
from feedpub.model import Article, Site


@dataclass(frozen=True, slots=True)
class LoadedArticles:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    rejected: int  # how many record files were left out


def find_records(articles_dir: Path) -> list[Path]:
    """Every ``*.md`` under ``articles_dir``, in a stable order; README.md files and
    anything hidden (editor backups, .git) are not records."""
    return [articles_dir / relative for relative in _walk(str(articles_dir), "")]


def _walk(folder: str, prefix: str) -> list[str]:
    """Relative paths of the records under ``folder``, sorted; os.scandir, because a
    warm run over 100,000 records must not spend its time in pathlib."""
    found: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            found += _walk(entry.path, f"{prefix}{name}/")
        elif name.endswith(".md") and name.lower() != "readme.md":
            found.append(prefix + name)
    found.sort()
    return found


def load_articles(
    articles_dir: Path,
    site: Site,
    display_dir: str,
    progress: Callable[[int, int], None] | None = None,
    index: RecordCache | None = None,
) -> LoadedArticles:
    """Read every record under ``articles_dir``; ``display_dir`` prefixes paths in messages.
    ``progress(done, total)`` is called after each record, for a progress bar. With an
    ``index``, a file whose size, mtime and inode are unchanged is not read again."""
    root = articles_dir.resolve()
    records = _walk(str(articles_dir), "")
    prefix = display_dir.rstrip("/") + "/"
    results: dict[str, RecordResult] = {}
    stats: dict[str, tuple[int, int, int] | None] = {}
    for relative in records:
        stat = stats[relative] = file_stat(articles_dir / relative) if index is not None else None
        cached = index.get(relative, stat) if index is not None and stat else None
        if cached is not None:
            results[relative] = cached
            if progress is not None:
                progress(len(results), len(records))
    missing = [relative for relative in records if relative not in results]
    jobs = [(articles_dir / relative, prefix + relative) for relative in missing]
    done = len(results)
    for relative, result in zip(missing, _read_all(jobs, root, site), strict=True):
        results[relative] = result
        stat = stats.get(relative)
        if index is not None and stat is not None:
            index.put(relative, stat, result)
        done += 1
        if progress is not None:
            progress(done, len(records))
    if index is not None:
        index.save(set(records))
    return combine_results((prefix + relative, results[relative]) for relative in records)


PARALLEL_FROM = 2000  # records to parse before a second process pays for its start-up


def _read_all(jobs: list[tuple[Path, str]], root: Path, site: Site) -> Iterator[RecordResult]:
    """read_record for every job, in order; over several processes when there are many
    (parsing YAML is CPU-bound, and a cold build of a big archive parses every record)."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        yield from (read_record(path, display, root, site) for path, display in jobs)
        return
    read = functools.partial(_read_job, root=root, site=site)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read, jobs, chunksize=256)


def _read_job(job: tuple[Path, str], *, root: Path, site: Site) -> RecordResult:
    return read_record(job[0], job[1], root, site)


class RecordCache(Protocol):
    def get(self, path: str, stat: tuple[int, int, int]) -> RecordResult | None: ...

    def put(self, path: str, stat: tuple[int, int, int], result: RecordResult) -> None: ...

    def save(self, paths: set[str]) -> None: ...


def combine_results(results: Iterable[tuple[str, RecordResult]]) -> LoadedArticles:
    """The records in path order, with every id claimed once: a later record with an id
    already claimed, by a good record or a rejected one, is rejected. Otherwise fixing the
    first record later would silently swap which of the two stories is published."""
    articles: list[Article] = []
    problems: list[Problem] = []
    rejected = 0
    claimed: dict[str, str] = {}
    for display, result in results:
        found = list(result.problems)
        if result.claim is not None:
            article_id, line = result.claim
            if article_id in claimed:
                found.append(
                    Problem(
                        display,
                        line,
                        "id",
                        f"{article_id!r} is already used by {claimed[article_id]}",
                        "Give every story its own id",
                    )
                )
            else:
                claimed[article_id] = display
        if found:
            problems.extend(found)
            rejected += 1
        elif result.article is not None:
            articles.append(result.article)
    return LoadedArticles(tuple(articles), tuple(problems), rejected)
