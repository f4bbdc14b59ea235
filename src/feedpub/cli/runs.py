"""One build run: load, build, write, and remember what it was made from; and one
check run, which builds every file and writes none.

Cron runs ``feedpub build`` every few minutes, and most runs find nothing changed.
A complete run records the digest of its record files' stats, the span of moments
that show the same stories, and its summary; a run that finds all three still true,
and every feed file as it was written, is done after one walk of ``articles/``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from feedpub.cli.summary import BuildOutcome, Upcoming
from feedpub.errors import Problem
from feedpub.model import feed_document

if TYPE_CHECKING:
    from feedpub.load.index import LastRun, RecordIndex
    from feedpub.load.scan import Scan
    from feedpub.model import FeedFile, Site
    from feedpub.parallel import Workers
    from feedpub.publish.local import WriteReport


def run_build(
    site: Site,
    articles: Path,
    output: Path,
    moment: datetime,
    *,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cache: Path | None = None,
) -> BuildOutcome:
    """Load the records, build and write; raises FeedpubError, never exits (serve --watch
    uses it too)."""
    from feedpub.cli.incremental import incremental_run
    from feedpub.load.articles import folder_warnings
    from feedpub.load.index import RecordIndex
    from feedpub.load.scan import scan_records

    if cache is None:
        scan = scan_records(articles, stats=False)
        warnings = folder_warnings(scan, str(articles))  # before the load releases the scan
        built = _full_run(site, articles, output, moment, strict, progress, None, scan)
        return dataclasses.replace(built, warnings=warnings)
    index = RecordIndex.for_site(cache, site, articles)
    try:
        scan = scan_records(articles)
        warnings = folder_warnings(scan, str(articles))
        outcome = _unchanged_run(index, scan, output, moment, strict)
        if outcome is None:
            outcome = incremental_run(site, articles, output, moment, index, scan)
        if outcome is None:
            outcome = _full_run(site, articles, output, moment, strict, progress, index, scan)
        if index.problem is not None:
            warnings += (index.problem,)
        return dataclasses.replace(outcome, warnings=warnings)
    finally:
        index.close()


def _full_run(
    site: Site,
    articles: Path,
    output: Path,
    moment: datetime,
    strict: bool,
    progress: Callable[[int, int], None] | None,
    index: RecordIndex | None,
    scan: Scan | None,
) -> BuildOutcome:
    from feedpub.build import FILENAMES, FeedBuild
    from feedpub.build.lead import lead_text
    from feedpub.build.provenance import renderer_files
    from feedpub.build.select import choose_feeds, held_back, next_release, stable_span
    from feedpub.load import load_articles, read_body
    from feedpub.load.index import LastRun
    from feedpub.publish.local import stage_file, write_files

    output_key = str(output.resolve())
    if index is not None:
        index.save_run(output_key, None)  # a run killed from here on leaves no record
    with _workers_for(scan) as pool:
        loaded = load_articles(articles, site, str(articles), progress, index, lead_text,
                               scan, pool)  # fmt: skip
        if scan is not None:
            scan.release_files()
        known = index.feed_digests(output_key) if index else {}

        def unchanged(path: str, digest: str) -> bool:
            # Skipped only while the files written last time are still exactly those.
            return known.get(path) == (digest, files_stamp(output, path))

        plans = choose_feeds(site, loaded.listings, moment)
        built = FeedBuild(site, plans, loaded.fetch, read_body, unchanged, loaded.portable,
                          pool)  # fmt: skip
        report = None
        if not (strict and loaded.problems):  # --strict: nothing is written at all
            stage = functools.partial(stage_file, output_dir=output)
            report = write_files(built.staged(stage), output, kept=built.skipped)
    following = next_release(loaded.listings, moment)
    outcome = BuildOutcome(
        good=len(loaded.listings),
        rejected=loaded.rejected,
        problems=loaded.problems,
        output=output,
        feeds=built.feeds,
        report=report,
        next_release=None
        if following is None
        else Upcoming(following.id, loaded.fetch(following).release()),
        held=len(held_back(loaded.listings, moment)),
    )
    if index is not None and scan is not None and report is not None:
        # Members before digests: a run killed between the two renders those feeds
        # again, and so writes their members again.
        skipped = set(built.skipped)
        index.replace_members(output_key, {
            feed_document(plan.feed.path): plan.chosen for plan in built.plans
            if plan.feed.file_path(FILENAMES[0]) not in skipped
        } | {feed_document(path): () for path in known.keys() - built.digests.keys()},
            moment.timestamp())  # fmt: skip
        index.save_feed_digests(output_key, {
            path: (digest, files_stamp(output, path)) for path, digest in built.digests.items()
        })  # fmt: skip
        since, until = stable_span(loaded.listings, moment)
        run = LastRun(scan.digest, renderer_files(), since, until, remember(outcome),
                      json.dumps(scan.folders))  # fmt: skip
        index.save_run(output_key, run)
    return outcome


class Checked(NamedTuple):
    """What feedpub check found."""

    good: int
    rejected: int
    problems: tuple[Problem, ...]
    files: int  # that a build would write
    warnings: tuple[str, ...]


def run_check(
    site: Site,
    articles: Path,
    moment: datetime,
    *,
    cache: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """Load every record and build, in memory, every feed no earlier check built from
    the same inputs; write no output. ``cache``: where check keeps its own record index
    (never the build's), so that a check after a few edits parses only those files and
    builds only the feeds they are in, and no check holds every story in memory."""
    from feedpub.build import FeedBuild
    from feedpub.build.lead import lead_text
    from feedpub.build.select import choose_feeds
    from feedpub.load import load_articles, read_body
    from feedpub.load.articles import folder_warnings
    from feedpub.load.index import CHECK_DATABASE, RecordIndex
    from feedpub.load.scan import scan_records

    index = None if cache is None else RecordIndex.for_site(cache, site, articles, CHECK_DATABASE)
    try:
        scan = scan_records(articles, stats=index is not None)
        warnings = folder_warnings(scan, str(articles))
        with _workers_for(scan) as pool:
            loaded = load_articles(articles, site, str(articles), progress, index, lead_text,
                                   scan, pool)  # fmt: skip
            scan.release_files()
            plans = choose_feeds(site, loaded.listings, moment)
            # A feed built from the same inputs by an earlier check builds the same again.
            known = index.feed_digests(CHECKED) if index is not None else {}
            built = FeedBuild(site, plans, loaded.fetch, read_body,
                              lambda path, digest: known.get(path, ("",))[0] == digest,
                              loaded.portable, pool)  # fmt: skip
            for _ in built.staged(file_path):  # each file built where it is, and dropped
                pass
        if index is not None:
            index.save_feed_digests(
                CHECKED, {path: (digest, "") for path, digest in built.digests.items()}
            )
            if index.problem is not None:
                warnings += (index.problem,)
        return Checked(len(loaded.listings), loaded.rejected, loaded.problems, built.feeds,
                       warnings)  # fmt: skip
    finally:
        if index is not None:
            index.close()


CHECKED = ""  # the "output" under which check records the feeds it built (see run_check)


def file_path(file: FeedFile) -> str:
    """A check's stage (see FeedBuild.staged): the file's bytes stay in the process that
    made them."""
    return file.path


def _workers_for(scan: Scan | None) -> contextlib.AbstractContextManager[Workers | None]:
    """Worker processes for a big site's parse and render, started now: forked before
    this process holds 100,000 stories, they do not share its pages, which it would
    otherwise copy one by one as it sends them work. The modules they render with are
    imported first, so that they share those."""
    from feedpub.load.articles import PARALLEL_FROM
    from feedpub.parallel import Workers, workers

    if scan is None or len(scan.records) < PARALLEL_FROM or workers() < 2:
        return contextlib.nullcontext()
    import feedpub.build.archive  # noqa: F401  (and through it every serialiser and Markdown)

    return Workers(workers())


def _unchanged_run(
    index: RecordIndex, scan: Scan, output: Path, moment: datetime, strict: bool
) -> BuildOutcome | None:
    """The outcome of the last run, when nothing it was made from has changed: the same
    record files, a moment in the same span, every feed file as written. None otherwise."""
    from feedpub.build import FILENAMES
    from feedpub.build.provenance import renderer_files
    from feedpub.model import file_in

    output_key = str(output.resolve())
    last = index.last_run(output_key)
    if (
        last is None
        or last.inputs != scan.digest
        or last.renderer != renderer_files()
        or not last.covers(moment.timestamp())
    ):
        return None
    known = index.feed_digests(output_key)
    if any(files_stamp(output, path) != files for path, (_, files) in known.items()):
        return None
    from feedpub.publish.local import WriteReport

    unchanged = tuple(file_in(path, name) for path in known for name in FILENAMES)
    outcome = recall(last, output, WriteReport(written=(), unchanged=unchanged))
    if strict and outcome.rejected:
        return None  # --strict writes nothing then: let the full run say so
    return outcome


def recall(last: LastRun, output: Path, report: WriteReport) -> BuildOutcome:
    """The outcome the last run remembered (see remember), with this run's report."""
    summary = json.loads(last.summary)
    following = summary["next_release"]
    return BuildOutcome(
        good=summary["good"],
        rejected=summary["rejected"],
        problems=tuple(Problem(*fields) for fields in summary["problems"]),
        output=output,
        feeds=summary["feeds"],
        report=report,
        next_release=None
        if following is None
        else Upcoming(following[0], datetime.fromisoformat(following[1])),
        held=summary["held"],
    )


def remember(outcome: BuildOutcome) -> str:
    following = outcome.next_release
    return json.dumps({
        "good": outcome.good,
        "rejected": outcome.rejected,
        "problems": [[p.path, p.line, p.field, p.message, p.hint] for p in outcome.problems],
        "feeds": outcome.feeds,
        "held": outcome.held,
        "next_release": None if following is None else [following.id, following.at.isoformat()],
    })  # fmt: skip


def files_stamp(output: Path, feed_path: str) -> str:
    """The size, mtime and inode of a feed's files: any change to them is noticed. (Paths
    as strings: a run that finds nothing changed stamps every file of every feed, and a
    Path each would be most of that run's time after the walk.)"""
    from feedpub.build import FILENAMES
    from feedpub.model import file_in

    folder = os.fspath(output)
    return "|".join(_stamp(os.path.join(folder, file_in(feed_path, name))) for name in FILENAMES)


def _stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "-"  # gone: written again
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
