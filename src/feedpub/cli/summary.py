"""What the CLI says after a run, as text lines or as a JSON document.

Pure formatting: the commands in ``feedpub.cli`` decide what to print and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from feedpub.errors import Problem
    from feedpub.publish.local import WriteReport
    from feedpub.publish.run import PublishSummary


class Upcoming(NamedTuple):
    """The embargoed or future story that appears next."""

    id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    good: int  # records built from
    rejected: int  # records left out
    problems: tuple[Problem, ...]  # why they were
    output: Path
    feeds: int  # files built
    report: WriteReport | None  # None when --strict stopped before writing
    next_release: Upcoming | None
    held: int  # stories held back at this run's moment
    warnings: tuple[str, ...] = ()  # what the operator should fix, though the run went on


def records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def build_lines(outcome: BuildOutcome, *, verbose: bool = False) -> list[str]:
    report = outcome.report
    if report is None:
        lines = ["Nothing written: --strict is set."]
    else:
        removed = f", {len(report.removed)} removed" if report.removed else ""
        lines = [
            f"Built {outcome.feeds} files from {records(outcome.good)} into "
            f"{outcome.output}: {len(report.written)} written, {len(report.unchanged)} "
            f"unchanged{removed}."
        ]
        if verbose:
            lines += [f"  wrote {path}" for path in report.written]
            lines += [f"  removed {path}" for path in report.removed]
    if outcome.rejected:
        lines[0] += f" {records(outcome.rejected).capitalize()} rejected (see above)."
    if outcome.next_release is not None:
        lines.append(
            f"Next held-back story appears at {outcome.next_release.at.isoformat()} "
            f"({outcome.next_release.id}; {outcome.held} held in all)."
        )
    return lines


def build_document(outcome: BuildOutcome, publish: PublishSummary | None) -> dict[str, Any]:
    report = outcome.report
    following = outcome.next_release
    return {
        "records": {
            "read": outcome.good + outcome.rejected,
            "good": outcome.good,
            "rejected": outcome.rejected,
            "problems": [
                {"path": p.path, "line": p.line, "field": p.field, "message": str(p)}
                for p in outcome.problems
            ],
        },
        "feeds": None
        if report is None
        else {
            "built": outcome.feeds,
            "written": list(report.written),
            "unchanged": len(report.unchanged),
            "removed": list(report.removed),
        },
        "held": outcome.held,
        "next_release": None
        if following is None
        else {"id": following.id, "at": following.at.isoformat()},
        "publish": None if publish is None else publish_document(publish),
        "warnings": list(outcome.warnings),
    }


def publish_lines(summary: PublishSummary, *, verbose: bool = False) -> list[str]:
    """Per target one line, then (verbose) every file uploaded and deleted, as build's
    are listed. A dry run always lists its plan: that is what it is run for."""
    lines = []
    for report in summary.reports:
        if report.dry_run:
            lines.append(
                f"{report.target}: {len(report.uploaded)} would be uploaded, "
                f"{report.unchanged} unchanged, {len(report.deleted)} would be deleted."
            )
            lines += [f"  would upload {path}" for path in report.uploaded]
            lines += [f"  would delete {path}" for path in report.deleted]
            continue
        lines.append(
            f"{report.target}: {len(report.uploaded)} uploaded, {report.unchanged} unchanged, "
            f"{len(report.deleted)} deleted, {report.bytes_sent:,} bytes sent in "
            f"{report.seconds:.1f} s."
        )
        if verbose:
            lines += [f"  uploaded {path}" for path in report.uploaded]
            lines += [f"  deleted {path}" for path in report.deleted]
    notified = sum(1 for ping in summary.pings if ping.error is None)
    if notified:
        lines.append(f"WebSub: {notified} changed feed URLs announced.")
    return lines


def publish_problems(summary: PublishSummary) -> list[str]:
    lines = [str(failure) for failure in summary.failures]
    lines += [report.warning for report in summary.reports if report.warning]
    lines += [f"WebSub hub {p.hub}: {p.url}: {p.error}." for p in summary.pings if p.error]
    return lines


def publish_document(summary: PublishSummary) -> dict[str, Any]:
    return {
        "targets": [
            {
                "name": report.target,
                "dry_run": report.dry_run,
                "uploaded": list(report.uploaded),
                "unchanged": report.unchanged,
                "deleted": list(report.deleted),
                "bytes_sent": report.bytes_sent,
                "warning": report.warning,
                "seconds": round(report.seconds, 3),
            }
            for report in summary.reports
        ],
        "failures": [
            {"target": f.target, "path": f.path, "message": str(f)} for f in summary.failures
        ],
        "websub": [{"hub": p.hub, "url": p.url, "error": p.error} for p in summary.pings],
    }
