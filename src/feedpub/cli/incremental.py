"""An incremental run: a few stories changed since the last complete run, so only the
documents they are in, or were in, are planned again.

A full run plans every feed from every story's Listing, which at 100,000 records
takes about a second just to read them back. When the last run is known and the
change is plain (records edited, added or removed, each visible now and before, no
record rejected anywhere, no feed empty), the stored membership of each document
(``members`` in the index) says what moved: for each feed the change touches, its
newest stories are chosen again from the stored ones near the top plus the changed
ones; each archive month that gains, loses or changes a story is split into its
documents again (select.archive_documents), and the documents whose links change
are planned too. Anything else returns None and the caller runs a full build; the output
is the same bytes either way (tests compare the two).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from feedpub.cli.runs import files_stamp, recall, remember
from feedpub.cli.summary import BuildOutcome

if TYPE_CHECKING:
    from feedpub.build.select import FeedPlan
    from feedpub.load.index import LastRun, RecordIndex
    from feedpub.load.record import RecordResult
    from feedpub.load.scan import Scan, Stat
    from feedpub.model import Feed, Listing, Site

MAX_CHANGED = 50  # records changed before a full run is as cheap, and simpler
MAX_FOLDERS = 8  # folders with changes before a full run is as cheap


@dataclass(frozen=True, slots=True)
class Change:
    """The records that changed: their stored Listings before, and what they give now."""

    old: dict[str, Listing]  # edited and removed records, by path
    new: dict[str, Listing]  # edited and added records, by path
    results: dict[str, RecordResult]  # what reading each edited or added record gave
    stats: dict[str, Stat | None]  # their files' stats, as scanned


def incremental_run(
    site: Site, articles: Path, output: Path, moment: datetime, index: RecordIndex, scan: Scan
) -> BuildOutcome | None:
    """Build only what a plain change touches; None when a full run is needed."""
    output_key = str(output.resolve())
    try:
        last = index.last_run(output_key)
        if last is None or not _same_settings(last, moment) or index.records_by() != output_key:
            return None  # (another output's build since: what changed is not known here)
        change = _find_change(site, articles, index, scan, last, moment)
        if change is None:
            return None
        plans = _replan(site, index, output_key, change, moment)
        if plans is None:
            return None
    except (sqlite3.Error, ValueError, KeyError):
        return None  # the index cannot say: a full run will
    return _write(site, articles, output, moment, index, scan, last, change, plans)


def _same_settings(last: LastRun, moment: datetime) -> bool:
    from feedpub.build.provenance import renderer_files

    return (
        last.renderer == renderer_files()
        and last.covers(moment.timestamp())
        # A rejected record may be waiting for an id another record gives up.
        and json.loads(last.summary)["rejected"] == 0
    )


def _find_change(
    site: Site, articles: Path, index: RecordIndex, scan: Scan, last: LastRun, moment: datetime
) -> Change | None:
    from feedpub.build.lead import lead_text
    from feedpub.load.record import read_record
    from feedpub.model import listing_of

    before: dict[str, str] = json.loads(last.folders)
    now = scan.folders
    folders = {f for f in before.keys() | now.keys() if before.get(f) != now.get(f)}
    if not folders or len(folders) > MAX_FOLDERS:
        return None
    if scan.unread:  # a file left out for its name is rejected: the full run says so
        return None
    stored = index.rows_in_folders(folders)
    present = scan.in_folders(folders)
    changed = sorted(p for p, stat in present.items() if p not in stored or stored[p][0] != stat)
    removed = sorted(stored.keys() - present)
    if not (changed or removed) or len(changed) + len(removed) > MAX_CHANGED:
        return None
    old: dict[str, Listing] = {}
    for path in [*changed, *removed]:
        if path in stored:
            listing = stored[path][1].listing
            if listing is None:
                return None
            old[path] = listing
    root, prefix = articles.resolve(), str(articles).rstrip("/") + "/"
    results = {p: read_record(articles / p, prefix + p, root, site, lead_text) for p in changed}
    new: dict[str, Listing] = {}
    for path, result in results.items():
        if result.problems or result.article is None:
            return None  # the full run reports it
        new[path] = listing_of(result.article, path, zone=site.zone)
        if path in old and old[path].id != new[path].id:
            return None
        if path not in old and index.claimed_by(new[path].id) is not None:
            return None
    if len({listing.id for listing in new.values()}) != len(new):
        return None
    instant = moment.timestamp()
    for listing in [*old.values(), *new.values()]:
        if listing.draft or listing.release > instant or listing.withdrawn is not None:
            return None  # on the clock's side of things: the full run decides
    return Change(old, new, results, {path: present[path] for path in changed})


@dataclass(frozen=True, slots=True)
class Replanned:
    plans: list[FeedPlan]
    members: dict[tuple[str, str], tuple[Listing, ...]]  # (feed, month) -> its stories
    removed: list[str]  # paths of archive documents left empty


def _replan(
    site: Site, index: RecordIndex, output: str, change: Change, moment: datetime
) -> Replanned | None:
    from feedpub.build.select import combined_feed, section_feed

    feeds = {"": combined_feed(site)} | {s.slug: section_feed(site, s) for s in site.sections}
    if any(not index.newest_members(output, name, 1) for name in feeds):
        return None  # an empty feed is dated by the site's newest story, wherever it is
    touched = [f for f in feeds if any(_in(f, item) for item in _everything(change))]
    result = Replanned([], {}, [])
    for name in touched:
        done = _replan_feed(site, index, output, feeds[name], change, moment, result)
        if not done:
            return None
    return result


def _everything(change: Change) -> list[Listing]:
    return [*change.old.values(), *change.new.values()]


def _in(feed: str, listing: Listing) -> bool:
    return not feed or feed in listing.sections


def _replan_feed(
    site: Site,
    index: RecordIndex,
    output: str,
    feed: Feed,
    change: Change,
    moment: datetime,
    result: Replanned,
) -> bool:
    """Plan the documents of ``feed`` that the change touches, into ``result``."""
    from feedpub.build.select import (
        archive_documents,
        feed_documents,
        in_archive_order,
        in_feed_order,
    )
    from feedpub.model import archive_order, archive_path

    size = site.items_per_feed
    olds = [item for item in change.old.values() if _in(feed.path, item)]
    news = [item for item in change.new.values() if _in(feed.path, item)]
    gone = {item.key for item in olds}
    top = index.newest_members(output, feed.path, size + len(olds))
    was_current = [m.key for m in top if not m.doc]
    kept = [m.key for m in top if m.key not in gone]
    known = index.listings(kept)
    if len(known) != len(kept):
        return False
    current = in_feed_order([known[key] for key in kept] + news, moment.timestamp())[:size]
    if not current:
        return False  # an empty feed is dated by the whole site: the full run knows how
    now_current = {item.key for item in current}
    # Stories newly archived (new ones, and those the feed no longer shows), by month;
    # and every story that leaves the archive document it was in.
    arriving: dict[str, list[Listing]] = {}
    for item in [*news, *(known[k] for k in was_current if k in known)]:
        if item.key not in now_current:
            arriving.setdefault(item.month, []).append(item)
    leaving = gone | {k for k in now_current if k not in was_current}
    months = set(arriving)
    months |= {item.month for item in olds if item.key not in was_current}
    months |= {known[k].month for k in now_current if k not in was_current and k in known}
    before = sorted(index.archive_documents(output, feed.path), key=archive_order, reverse=True)
    documents: dict[str, list[Listing]] = {}  # the planned ones; [] for those now gone
    for month in sorted(months):
        old_documents = [name for name in before if name[:7] == month]
        staying = [
            m.key
            for name in old_documents
            for m in index.doc_members(output, feed.path, name)
            if m.key not in leaving
        ]
        listings = index.listings(staying)
        if len(listings) != len(staying):
            return False
        stories = in_archive_order([listings[k] for k in staying] + arriving.get(month, []))
        parts = dict(archive_documents(month, stories)) if stories else {}
        documents |= {name: [] for name in old_documents} | parts
    after = sorted(
        {name for name in before if name[:7] not in months}
        | {name for name, items in documents.items() if items},
        key=archive_order,
        reverse=True,
    )
    for name in set(after) - set(documents):  # a neighbour whose links changed
        if _links(before, name) != _links(after, name):
            stored = [m.key for m in index.doc_members(output, feed.path, name)]
            listings = index.listings(stored)
            if len(listings) != len(stored):
                return False
            documents[name] = in_archive_order(list(listings.values()))
    shown = {name: items for name, items in documents.items() if items}
    result.plans.extend(feed_documents(feed, current, after, shown, moment.timestamp()))
    result.members[(feed.path, "")] = tuple(current)
    for name, items in documents.items():
        result.members[(feed.path, name)] = tuple(items)
        if not items:
            result.removed.append(archive_path(feed.path, name))
    return True


def _links(months: list[str], month: str) -> tuple[str | None, str | None]:
    if month not in months:
        return (None, None)
    index = months.index(month)
    newer = months[index - 1] if index else None
    older = months[index + 1] if index + 1 < len(months) else None
    return newer, older


def _write(
    site: Site,
    articles: Path,
    output: Path,
    moment: datetime,
    index: RecordIndex,
    scan: Scan,
    last: LastRun,
    change: Change,
    replanned: Replanned,
) -> BuildOutcome | None:
    from feedpub.build import FILENAMES, FeedBuild
    from feedpub.build.lead import lead_text
    from feedpub.build.provenance import renderer_files
    from feedpub.load import read_body
    from feedpub.load.articles import article_source, parsed
    from feedpub.load.index import LastRun
    from feedpub.model import file_in
    from feedpub.publish.local import write_files

    output_key = str(output.resolve())
    known = index.feed_digests(output_key)
    planned = {plan.feed.path for plan in replanned.plans}
    others = [p for p in known if p not in planned and p not in replanned.removed]
    if any(files_stamp(output, path) != known[path][1] for path in others):
        return None  # a file changed or deleted by hand: the full run writes it again
    fresh = {path: result.article for path, result in change.results.items() if result.article}
    fetch = article_source(articles, site, str(articles), index, lead_text, fresh)

    def unchanged(path: str, digest: str) -> bool:
        return known.get(path) == (digest, files_stamp(output, path))

    index.save_run(output_key, None)  # a run killed from here on leaves no record
    built = FeedBuild(site, tuple(replanned.plans), fetch, read_body, unchanged)
    kept = [file_in(path, name) for path in others for name in FILENAMES]
    # built.skipped fills while the build is iterated: chained, it is read after.
    report = write_files(built, output, kept=itertools.chain(kept, built.skipped))
    for path, result in change.results.items():
        stat = change.stats[path] or (0, -1, 0, -1)  # unreadable stats never match
        record = parsed(result, path, site)
        index.put(path, scan.trusted(stat), record.outcome, record.encoded)
    index.remove(change.old.keys() - change.new.keys())
    index.replace_members(output_key, replanned.members, moment.timestamp())
    index.update_feed_digests(
        output_key,
        {path: (digest, files_stamp(output, path)) for path, digest in built.digests.items()},
        replanned.removed,
    )
    # Held stories and the next release are the last run's: every story changed is
    # visible now and was before.
    before = recall(last, output, report)
    added = len(change.new.keys() - change.old.keys())
    removed = len(change.old.keys() - change.new.keys())
    new_docs = len(planned - known.keys())
    outcome = dataclasses.replace(
        before,
        good=before.good + added - removed,
        feeds=before.feeds + (new_docs - len(replanned.removed)) * len(FILENAMES),
    )
    releases = [item.release for item in change.new.values()]
    since = max([x for x in (last.valid_from, *releases) if x is not None], default=None)
    index.save_run(output_key, LastRun(scan.digest, renderer_files(), since, last.valid_until,
                                       remember(outcome), json.dumps(scan.folders)))  # fmt: skip
    return outcome
