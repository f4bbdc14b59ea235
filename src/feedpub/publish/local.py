"""Writing feed files into a local folder: atomically, and only when the bytes changed.

A reader (a web server, an rsync, a poller) must never see half a file, and a
rebuild with nothing changed must leave every file, and its mtime, alone.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from feedpub.errors import OutputError
from feedpub.model import ARCHIVE_FOLDER, FEED_FILENAMES, FeedFile, StagedFile, in_archive

FILE_MODE = 0o644  # feeds are public; mkstemp would leave 0600 and a web server could not read


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...] = ()


def write_files(
    files: Iterable[FeedFile | StagedFile], output_dir: Path, kept: Iterable[str] = ()
) -> WriteReport:
    """Write every file under ``output_dir`` whose bytes differ from what is there,
    then remove the feeds of sections that no longer exist. ``kept`` are files the
    build knows are current without producing them again: they count as unchanged.
    StagedFiles were written by stage_file (in another process) and are renamed here;
    ``files`` must stage them lazily, since temporaries a killed run left behind are
    removed first.

    Files land so that a reader never meets a link to a document that is not there,
    and a run that fails while writing changes no file that was there: a new archive
    document lands as soon as its batch is durable (nothing links to it yet), every
    other file only once all of ``files`` were written (see _Batch)."""
    written: list[str] = []
    unchanged: list[str] = []
    remove_leftover_temporaries(output_dir)
    with _Batch(output_dir) as batch:
        for file in files:
            target = output_dir / file.path
            if isinstance(file, StagedFile):
                if file.temporary is None:
                    unchanged.append(file.path)
                    continue
                temporary, size = file.temporary, file.size
            elif _has_content(target, file.content):
                unchanged.append(file.path)
                continue
            else:
                temporary, size = _write_temporary(target, file.content), len(file.content)
            batch.add_written(
                target, temporary, size, hold=not _new_archive_document(file.path, target)
            )
            written.append(file.path)
    unchanged += kept  # read only now: the build may fill it while ``files`` is iterated
    removed = remove_stale_feeds(output_dir, set(written) | set(unchanged))
    return WriteReport(tuple(written), tuple(unchanged), removed)


def _new_archive_document(path: str, target: Path) -> bool:
    """Whether ``path`` is an archive document's file (<feed>/archive/<name>/<file>)
    that is not in the output folder yet: no published file can link to it."""
    return in_archive(path) and not os.path.lexists(target)


class _Batch:
    """Files replaced atomically, a batch at a time: every temporary of a batch is
    written, then all are made durable together (a cold build writes thousands of
    files; one flush of the file system for a batch costs a fraction of one fsync per
    file), then each is renamed over its target, except those ``hold``: they are
    renamed only by the last commit, after every other file has landed.

    What the writes of a run link to (a new month's archive document) so lands before
    what links to it (the feed, the next month's document), and should the run fail
    before the last commit, every held file is dropped: no existing file changes, and
    none points at a file that was never written. A rename that fails during the last
    commit (a file made immutable) stops it there: the files renamed before it stay
    new, the rest stay old, and no temporary is left."""

    FILES = 256
    BYTES = 32 * 2**20

    def __init__(self, root: Path) -> None:
        self._root = root
        self._pending: list[tuple[str, Path]] = []  # (temporary, target) renamed at a flush
        self._held: list[tuple[str, Path]] = []  # renamed by the last commit only
        self._unsynced: list[str] = []  # temporaries not yet durable
        self._bytes = 0

    def __enter__(self) -> _Batch:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if error is None:
            try:
                self.commit()
            except OutputError:
                self._discard()  # a file that cannot be replaced: the rest stays as it was
                raise
            return
        # New archive documents written whole before the failure still land (nothing
        # links to them, and the next run need not write them again); should that fail
        # too, the first error is the one to report.
        with contextlib.suppress(OutputError):
            self._flush()
        self._discard()

    def _discard(self) -> None:
        for temporary, _ in self._pending + self._held:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        self._pending, self._held = [], []

    def add(self, target: Path, content: bytes) -> None:
        self.add_written(target, _write_temporary(target, content), len(content))

    def add_written(self, target: Path, temporary: str, size: int, *, hold: bool = False) -> None:
        """A temporary written already (stage_file), to be renamed over ``target``."""
        (self._held if hold else self._pending).append((temporary, target))
        self._unsynced.append(temporary)
        self._bytes += size
        if len(self._unsynced) >= self.FILES or self._bytes >= self.BYTES:
            self._flush()

    def commit(self) -> None:
        """Make every file durable and rename it over its target, held ones last. On an
        error, those not yet renamed stay pending."""
        self._flush()
        self._pending, self._held = self._held, []
        self._rename_pending()

    def _flush(self) -> None:
        """Make the files written so far durable, then rename those not held."""
        if self._unsynced:
            # The data is on disk before any name points at it.
            _make_durable(self._unsynced, self._root)
            self._unsynced = []
            self._bytes = 0
        self._rename_pending()

    def _rename_pending(self) -> None:
        folders: dict[Path, None] = {}
        while self._pending:
            temporary, target = self._pending[0]
            try:
                os.replace(temporary, target)
            except OSError as error:
                raise OutputError(f"{target}: cannot write ({error.strerror})") from error
            del self._pending[0]
            folders[target.parent] = None
        for folder in folders:  # once per folder, not per file: three share one
            _sync_directory(folder)


def _new_temporary(target: Path) -> tuple[int, str]:
    import tempfile  # not needed by a run that finds nothing changed

    return tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")


def stage_file(file: FeedFile, output_dir: Path) -> StagedFile:
    """The first half of writing ``file``, for a process other than write_files's:
    its bytes in a temporary beside its target, unless the target holds them already.
    Left behind by a run that stops, such a temporary is removed by the next."""
    target = output_dir / file.path
    if _has_content(target, file.content):
        return StagedFile(file.path, None, len(file.content))
    return StagedFile(file.path, _write_temporary(target, file.content), len(file.content))


def _write_temporary(target: Path, content: bytes) -> str:
    """A new temporary file beside ``target`` holding ``content``, not yet synced."""
    try:
        try:
            fd, temporary = _new_temporary(target)
        except FileNotFoundError:  # the folder is new (asked only then: a VM's mkdir is dear)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = _new_temporary(target)
    except OSError as error:
        raise OutputError(f"{target}: cannot write ({error.strerror})") from error
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            os.fchmod(stream.fileno(), FILE_MODE)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"{target}: cannot write ({error.strerror})") from error
    return temporary


SYNCFS_FROM = 8  # files in a batch from which one flush of the file system is cheaper


def _make_durable(paths: list[str], root: Path) -> None:
    """fsync every file, or, for a batch, flush the file system they are on once
    (Linux's syncfs; elsewhere, or should it fail, each file is fsynced). A file in a
    folder on another file system than ``root`` (a mount inside the output folder) is
    fsynced on its own."""
    if len(paths) >= SYNCFS_FROM and _syncfs(root):
        paths = _elsewhere(paths, root)
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise OutputError(f"{path}: cannot write ({error.strerror})") from error


def _elsewhere(paths: list[str], root: Path) -> list[str]:
    """The paths whose folder is not on ``root``'s file system."""
    try:
        device = os.stat(root).st_dev
        devices = {folder: os.stat(folder).st_dev for folder in {os.path.dirname(p) for p in paths}}
    except OSError:
        return paths  # cannot tell: fsync them all
    return [path for path in paths if devices[os.path.dirname(path)] != device]


def _syncfs(folder: Path) -> bool:
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


@functools.cache
def _libc_syncfs() -> Callable[[int], int] | None:
    try:
        import ctypes

        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # not Linux
        return None
    return function


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
    ours = tuple(f".{name}." for name in FEED_FILENAMES)
    for folder in ("", "*/", f"{ARCHIVE_FOLDER}/*/", f"*/{ARCHIVE_FOLDER}/*/"):
        for leftover in output_dir.glob(f"{folder}.*.tmp"):  # one listing of each folder
            if leftover.name.startswith(ours):
                with contextlib.suppress(OSError):
                    leftover.unlink()
                _remove_empty_folders(leftover.parent, output_dir)


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


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see the old file or the new one."""
    with _Batch(path.parent) as batch:
        batch.add(path, content)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform or file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
