"""Writing feed files into a local folder: atomically, and only when the bytes changed.

A reader (a web server, an rsync, a poller) must never see half a file, and a
rebuild with nothing changed must leave every file, and its mtime, alone.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from feedpub.errors import OutputError
from feedpub.model import FeedFile

FILE_MODE = 0o644  # feeds are public; mkstemp would leave 0600 and a web server could not read


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]


def write_files(files: Iterable[FeedFile], output_dir: Path) -> WriteReport:
    """Write every file under ``output_dir`` whose bytes differ from what is there."""
    written: list[str] = []
    unchanged: list[str] = []
    for file in files:
        target = output_dir / file.path
        if _has_content(target, file.content):
            unchanged.append(file.path)
            continue
        atomic_write(target, file.content)
        written.append(file.path)
    return WriteReport(tuple(written), tuple(unchanged))


def _has_content(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except (FileNotFoundError, NotADirectoryError):
        return False  # not there yet: writing it will say what is wrong, if anything
    except OSError as error:
        raise OutputError(f"{path}: cannot be read ({error.strerror})") from error


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see the old file or the new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror})") from error
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())  # the data is on disk before the name points at it
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"{path}: cannot write ({error.strerror})") from error
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform or file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
