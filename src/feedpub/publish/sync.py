"""Bringing one target up to date with the output folder: plan, upload, delete, record.

The order matters and is fixed: read the target's manifest, upload what changed (in
plan.py's order, which keeps every link whole), delete what is no longer built (never
more than allowed), then write the new manifest. Any failure stops this target with a PublishError
naming it and the file; what was already sent stays, and a rerun completes the job.
A dry run stops after the plan: it reports it whole, with the refusal a real run would
meet, and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from feedpub.errors import FeedpubError, PublishError
from feedpub.model import DirTarget, S3Target, SftpTarget, Target
from feedpub.publish.files import LocalFile
from feedpub.publish.manifest import MANIFEST_NAME, read_manifest, render_manifest
from feedpub.publish.plan import SyncPlan, plan_sync
from feedpub.publish.target import RetryPolicy, TargetStore, TransientError

DEFAULT_MAX_DELETES = 10
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TargetReport:
    target: str
    uploaded: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]
    bytes_sent: int
    seconds: float
    dry_run: bool
    refused: PublishError | None = None  # a dry run's plan a real run would refuse
    warning: str | None = None  # what the operator should know, though the publish went on


def open_store(target: Target) -> TargetStore:
    """The store for a configured target; its library is imported only now."""
    if isinstance(target, DirTarget):
        from feedpub.publish.directory import DirectoryStore

        return DirectoryStore(target)
    if isinstance(target, S3Target):
        from feedpub.publish.s3 import S3Store

        return S3Store(target)
    if isinstance(target, SftpTarget):
        from feedpub.publish.sftp import SftpStore

        return SftpStore(target)
    raise TypeError(target)  # pragma: no cover - the config loader knows every type


def sync_target(
    target: Target,
    files: tuple[LocalFile, ...],
    *,
    max_deletes: int = DEFAULT_MAX_DELETES,
    dry_run: bool = False,
    retry: RetryPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> TargetReport:
    retry = retry or RetryPolicy()
    started = clock()
    with open_store(target) as store:
        manifest = _step(target, MANIFEST_NAME, retry, lambda: store.read(MANIFEST_NAME))
        entries, unreadable = read_manifest(manifest)
        plan = plan_sync(files, entries)
        refused = _deletes_refusal(target, plan, max_deletes)
        if refused is not None and not dry_run:
            raise refused
        if not dry_run:
            _apply(target, store, plan, retry)
    return TargetReport(
        target=target.name,
        uploaded=tuple(file.path for file in plan.uploads),
        unchanged=len(plan.unchanged),
        deleted=plan.deletes,
        bytes_sent=0 if dry_run else sum(len(file.content) for file in plan.uploads),
        seconds=clock() - started,
        dry_run=dry_run,
        refused=refused,
        warning=None
        if unreadable is None
        else f"target {target.name}: {MANIFEST_NAME} could not be read ({unreadable}): every "
        "file was sent again, and files it listed that are no longer built stay there. "
        "Delete those by hand",
    )


def _apply(target: Target, store: TargetStore, plan: SyncPlan, retry: RetryPolicy) -> None:
    for file in plan.uploads:
        _step(target, file.path, retry, _putter(store, file))
    for path in plan.deletes:
        _step(target, path, retry, _deleter(store, path))
    if plan.uploads or plan.deletes:
        manifest = render_manifest(plan.manifest_after())
        _step(
            target,
            MANIFEST_NAME,
            retry,
            lambda: store.put(MANIFEST_NAME, manifest, "application/json", ""),
        )


def _putter(store: TargetStore, file: LocalFile) -> Callable[[], None]:
    return lambda: store.put(file.path, file.content, file.content_type, file.sha256)


def _deleter(store: TargetStore, path: str) -> Callable[[], None]:
    return lambda: store.delete(path)


def _deletes_refusal(target: Target, plan: SyncPlan, max_deletes: int) -> PublishError | None:
    if len(plan.deletes) <= max_deletes:
        return None
    return PublishError(
        f"{len(plan.deletes)} files would be deleted, more than --max-deletes "
        f"{max_deletes} allows ({', '.join(plan.deletes[:5])}"
        f"{', …' if len(plan.deletes) > 5 else ''}). Check the output folder; if they "
        f"really should go, rerun with --max-deletes {len(plan.deletes)}",
        target=target.name,
    )


def _step(target: Target, path: str, retry: RetryPolicy, action: Callable[[], T]) -> T:
    """Run one store operation with retries; any failure becomes a PublishError there."""
    try:
        return retry.run(action)
    except TransientError as error:
        reason = str(error).rstrip(".")
        raise PublishError(
            f"{reason}; gave up after {retry.attempts} attempts", target=target.name, path=path
        ) from error
    except PublishError as error:
        raise error.at(target.name, path) from error
    except FeedpubError as error:
        raise PublishError(str(error), target=target.name, path=path) from error
