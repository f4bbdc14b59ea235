"""What a publish sends: the files of the output folder, with their hashes and types."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from feedpub.errors import OutputError
from feedpub.model import ARCHIVE_FOLDER, FEED_FILENAMES

# One place for the feed media types; any other file gets the standard guess.
FEED_MEDIA_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
FEED_NAMES = frozenset(FEED_FILENAMES)
# The built-in table only: /etc/mime.types differs from one machine to the next.
_MIME_TYPES = mimetypes.MimeTypes(filenames=())


def content_type(path: str) -> str:
    """The Content-Type a file is served and uploaded with, by its name."""
    name = PurePosixPath(path).name
    if name in FEED_MEDIA_TYPES:
        return FEED_MEDIA_TYPES[name]
    guessed, encoding = _MIME_TYPES.guess_type(name)
    if guessed is None or encoding is not None:
        # An archive such as x.tar.gz is opaque bytes; naming what is inside would make a
        # browser try to decode it as that.
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def is_feed(path: str) -> bool:
    return PurePosixPath(path).name in FEED_NAMES


def is_subscription_feed(path: str) -> bool:
    """A feed readers subscribe to, not one of its archive documents (RFC 5005)."""
    return is_feed(path) and ARCHIVE_FOLDER not in PurePosixPath(path).parts[-3:-1]


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: str  # relative, '/'-separated
    content: bytes
    sha256: str
    content_type: str


def collect_files(output_dir: Path) -> tuple[LocalFile, ...]:
    """Every file under ``output_dir`` except dot-files (temporaries, manifests)."""
    if not output_dir.is_dir():
        raise OutputError(f"{output_dir}: no such folder. Run 'feedpub build' first.")
    files = []
    for path in sorted(output_dir.rglob("*")):
        relative = path.relative_to(output_dir).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        content = path.read_bytes()
        files.append(
            LocalFile(
                path=relative,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                content_type=content_type(relative),
            )
        )
    return tuple(files)
