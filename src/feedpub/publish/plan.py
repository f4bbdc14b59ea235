"""Which files a target needs, in which order: the one place publishing decides.

Uploads go section feeds first, then the combined feeds, then anything else at the top
(an index), so a reader following a link never lands on a file that is not there yet.
Deletes come after every upload.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedpub.model import FEED_FILENAMES
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


def upload_order(file: LocalFile) -> tuple[int, str]:
    depth = file.path.count("/")
    top_level_rank = 1 if file.path in FEED_FILENAMES else 2
    return (0 if depth else top_level_rank, file.path)


def plan_sync(files: tuple[LocalFile, ...], manifest: Manifest) -> SyncPlan:
    """Compare the local files with the target's manifest."""
    uploads = []
    unchanged = []
    for file in sorted(files, key=upload_order):
        held = manifest.get(file.path)
        if held is not None and held.sha256 == file.sha256:
            unchanged.append(file)
        else:
            uploads.append(file)
    local = {file.path for file in files}
    deletes = tuple(sorted(path for path in manifest if path not in local))
    return SyncPlan(tuple(uploads), tuple(unchanged), deletes)
