"""The manifest a target keeps of what feedpub put there: path -> sha256 and size.

It is how a publish knows, with one read, which files changed (so only those are
sent) and which files feedpub itself put there (so only those are ever deleted:
files someone else put beside the feeds are left alone). It is written last, after
every upload and delete succeeded; a publish that died leaves the old manifest, and
the next run simply sends again what may already be there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MANIFEST_NAME = ".feedpub-manifest.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    sha256: str
    size: int


Manifest = dict[str, ManifestEntry]


def read_manifest(data: bytes | None) -> tuple[Manifest, str | None]:
    """The manifest's entries, and why a manifest that is there cannot be read (then
    everything is sent again, and nothing it listed is deleted: the operator should know)."""
    if data is None:
        return {}, None
    try:
        document = json.loads(data)
        if document.get("version") != VERSION:
            return {}, f"it is version {document.get('version')!r}, not {VERSION}"
        return {
            str(path): ManifestEntry(sha256=str(entry["sha256"]), size=int(entry["size"]))
            for path, entry in document["files"].items()
        }, None
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}, "it is not a manifest feedpub wrote"


def render_manifest(entries: Manifest) -> bytes:
    files = {
        path: {"sha256": entry.sha256, "size": entry.size}
        for path, entry in sorted(entries.items())
    }
    return (json.dumps({"version": VERSION, "files": files}, indent=1) + "\n").encode()
