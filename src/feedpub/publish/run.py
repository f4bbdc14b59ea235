"""A whole publish: every chosen target in turn, then the WebSub announcements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feedpub.errors import ConfigError, FeedpubError, Problem, PublishError
from feedpub.model import DirTarget, Site, Target
from feedpub.publish.directory import folder_clash
from feedpub.publish.files import collect_files, is_subscription_feed
from feedpub.publish.notify import Ping, announce
from feedpub.publish.sync import TargetReport, sync_target
from feedpub.publish.target import RetryPolicy


@dataclass(frozen=True, slots=True)
class PublishSummary:
    reports: tuple[TargetReport, ...]
    failures: tuple[PublishError, ...]
    pings: tuple[Ping, ...]


class UnknownTargetError(FeedpubError):
    """--target names a target feedpub.yaml does not have: a mistake on the command line."""


def choose_targets(site: Site, names: tuple[str, ...]) -> tuple[Target, ...]:
    """The configured targets named (all when none are). No targets at all is a
    ConfigError; a name that is not configured, an UnknownTargetError."""
    if not site.targets:
        raise ConfigError(
            [
                Problem(
                    "feedpub.yaml",
                    None,
                    "targets",
                    "no targets are configured",
                    "Add a 'targets:' list (see README.md, Publishing)",
                )
            ]
        )
    known = {target.name: target for target in site.targets}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UnknownTargetError(
            f"unknown target {unknown[0]!r}. Configured targets: {', '.join(known)}."
        )
    return tuple(known[name] for name in names) if names else site.targets


def publish_output(
    site: Site,
    output_dir: Path,
    targets: tuple[Target, ...],
    *,
    max_deletes: int,
    dry_run: bool = False,
    retry: RetryPolicy | None = None,
    articles: Path | None = None,
) -> PublishSummary:
    """Bring every target up to date with ``output_dir``. A ``dir`` target that overlaps
    the output folder (or lies in ``articles``) is a ConfigError before anything is sent."""
    clashes = [
        problem
        for target in targets
        if isinstance(target, DirTarget)
        and (problem := folder_clash(target, output_dir, articles)) is not None
    ]
    if clashes:
        raise ConfigError(clashes)
    files = collect_files(output_dir)
    reports: list[TargetReport] = []
    failures: list[PublishError] = []
    for target in targets:
        try:
            report = sync_target(
                target, files, max_deletes=max_deletes, dry_run=dry_run, retry=retry
            )
        except PublishError as error:
            failures.append(error if error.target else error.at(target.name, error.path))
            continue
        reports.append(report)
        if report.refused is not None:
            failures.append(report.refused)
    changed = sorted(
        {
            path
            for report in reports
            if not report.dry_run
            for path in report.uploaded
            if is_subscription_feed(path)
        }
    )
    pings = announce(site.hubs, [site.feeds_url + path for path in changed])
    return PublishSummary(tuple(reports), tuple(failures), tuple(pings))
