"""Which files a target needs, in which order: the one place publishing decides.

Uploads go in the order that keeps every link a reader can follow leading to a file:
archive documents the target does not have yet first (nothing there links to them), then
the rest below the top (a section's archive documents before its feeds, which sort
after "archive/"), then the combined feeds, then anything else at the top (an index).
Deletes come after every upload.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedpub.model import FEED_FILENAMES, in_archive
from feedpub.publish.files import LocalFile
from feedpub.publish.manifest import Manifest, ManifestEntry


@dataclass(frozen=True, slots=True)
class SyncPlan:
    uploads: tuple[LocalFile, ...]
    unchanged: tuple[LocalFile, ...]
    deletes: tuple[str, ...]

    def manifest_after(self) -> Manifest:
        """What the target holds once the plan has run."""
        return {
            file.path: ManifestEntry(sha256=file.sha256, size=len(file.content))
            for file in self.uploads + self.unchanged
        }


def upload_order(file: LocalFile, manifest: Manifest) -> tuple[int, str]:
    if in_archive(file.path) and file.path not in manifest:
        return (0, file.path)
    if "/" in file.path:
        return (1, file.path)
    return (2 if file.path in FEED_FILENAMES else 3, file.path)


def plan_sync(files: tuple[LocalFile, ...], manifest: Manifest) -> SyncPlan:
    """Compare the local files with the target's manifest."""
    uploads = []
    unchanged = []
    for file in sorted(files, key=lambda file: upload_order(file, manifest)):
        held = manifest.get(file.path)
        if held is not None and held.sha256 == file.sha256:
            unchanged.append(file)
        else:
            uploads.append(file)
    local = {file.path for file in files}
    deletes = tuple(sorted(path for path in manifest if path not in local))
    return SyncPlan(tuple(uploads), tuple(unchanged), deletes)
