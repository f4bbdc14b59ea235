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
from feedpub.model import ARCHIVE_FOLDER, FEED_FILENAMES, FeedFile

FILE_MODE = 0o644  # feeds are public; mkstemp would leave 0600 and a web server could not read


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...] = ()


def write_files(
    files: Iterable[FeedFile], output_dir: Path, kept: Iterable[str] = ()
) -> WriteReport:
    """Write every file under ``output_dir`` whose bytes differ from what is there,
    then remove the feeds of sections that no longer exist. ``kept`` are files the
    build knows are current without producing them again: they count as unchanged."""
    written: list[str] = []
    unchanged: list[str] = []
    remove_leftover_temporaries(output_dir)
    folders: list[Path] = []
    for file in files:
        target = output_dir / file.path
        if _has_content(target, file.content):
            unchanged.append(file.path)
            continue
        atomic_write(target, file.content, sync_folder=False)
        written.append(file.path)
        if not folders or folders[-1] != target.parent:
            folders.append(target.parent)
    for folder in dict.fromkeys(folders):  # once per folder, not per file: three share one
        _sync_directory(folder)
    unchanged += kept  # read only now: the build may fill it while ``files`` is iterated
    removed = remove_stale_feeds(output_dir, set(written) | set(unchanged))
    return WriteReport(tuple(written), tuple(unchanged), removed)


def _remove_empty_folders(folder: Path, output_dir: Path) -> None:
    while folder != output_dir:
        try:
            folder.rmdir()  # succeeds only once the folder is empty
        except OSError:
            return
        folder = folder.parent


def remove_leftover_temporaries(output_dir: Path) -> None:
    """Delete the temporary files of a run that was killed mid-write. Safe because the
    caller holds the output folder's lock: no other run is writing one right now."""
    for name in FEED_FILENAMES:
        for pattern in (f".{name}.*.tmp", f"*/.{name}.*.tmp"):
            for leftover in output_dir.glob(pattern):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def remove_stale_feeds(output_dir: Path, keep: set[str]) -> tuple[str, ...]:
    """Remove feed files feedpub wrote earlier but no longer builds (a removed section,
    an archive month left empty).

    Only files with a feed's name where feedpub puts feeds are candidates: other files
    someone keeps in the output folder (an index page, a robots.txt) stay.
    """
    removed = []
    candidates = [
        *output_dir.glob("*"),
        *output_dir.glob("*/*"),
        *output_dir.glob(f"{ARCHIVE_FOLDER}/*/*"),
        *output_dir.glob(f"*/{ARCHIVE_FOLDER}/*/*"),
    ]
    for path in sorted(candidates):
        relative = path.relative_to(output_dir).as_posix()
        if path.name in FEED_FILENAMES and path.is_file() and relative not in keep:
            try:
                path.unlink()
            except OSError as error:
                raise OutputError(f"{path}: cannot remove ({error.strerror})") from error
            removed.append(relative)
            _remove_empty_folders(path.parent, output_dir)
    return tuple(removed)


def _has_content(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except (FileNotFoundError, NotADirectoryError):
        return False  # not there yet: writing it will say what is wrong, if anything
    except OSError as error:
        raise OutputError(f"{path}: cannot be read ({error.strerror})") from error


def atomic_write(path: Path, content: bytes, *, sync_folder: bool = True) -> None:
    """Replace ``path`` with ``content`` so that readers see the old file or the new one.
    ``sync_folder=False``: the caller makes the rename durable (see _sync_directory)."""
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
    if sync_folder:
        _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform or file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
