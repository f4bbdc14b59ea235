"""The record files under ``articles/``, and their stats, in one walk.

A run that finds nothing changed spends most of its time here: at 100,000 records,
about 0.3 s of stat calls alone. So this is os.scandir and stat relative to an open
folder, not pathlib, and with two cores half the files are stat'ed by a forked child.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import io
import marshal
import os
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

# Size, mtime, inode and ctime (ns): changes whenever the file does, and whenever its
# permissions, its mtime set back by hand, or what a link leads to do (a rename or
# chmod sets ctime), which mtime and size alone miss.
Stat = tuple[int, int, int, int]
# A file or folder left out and reported: its relative path, and why (NOT_UTF8: the
# name is shown escaped, as such a path could be neither stored nor printed; NOT_MD: a
# story file named story.MD or story.markdown, which an editor meant as a record; both
# are rejected files. LINKED: a link to a folder, a warning).
Unread = tuple[str, str]
NOT_UTF8, NOT_MD = "not utf-8", "not .md"
LINKED = "linked folder"  # not entered (see scan_records)
# The folder, its prefix in paths, its record names, and what in it is left out.
Folder = tuple[str, str, list[str], list[Unread]]
Found = tuple[str, list[tuple[str, "Stat | None"]], list[Unread]]  # prefix, stats, left out
MISNAMED = (".md", ".markdown")  # lower-cased: a record whose name is not quite right
FORK_FROM = 8  # folders two levels down (e.g. section/year) before a fork pays off
RACY_NS = 2_000_000_000  # a file modified this shortly before a scan is read again next time


class Scan:
    """The record files found, and a digest that changes whenever one appears, goes,
    or changes in any way. Sorted paths and the stats by path are made when first
    asked for: a run that finds the digest unchanged never needs them."""

    def __init__(
        self,
        found: list[Found],
        started_ns: int,
        folders: dict[str, str] | None = None,
        pending: bytes = b"",
    ) -> None:
        """``folders``: the digests of the folders in ``found`` and in ``pending``, when
        made already. ``pending``: more Found, marshalled (a forked child's share),
        read only when the files are asked for: a run that finds the digest unchanged
        never does."""
        self._found: list[Found] | None = found
        self._pending = pending
        # A file changed again within the file system's timestamp tick of being stat'ed
        # keeps its stat (when its size stays the same too). So a file modified shortly
        # before the scan is "racy" (as in git): not to be trusted by its stat next time.
        self._racy_from = started_ns - RACY_NS
        self.folders = folder_digests(found, started_ns) if folders is None else folders
        self.digest = _digest(sorted(self.folders.items()))

    def release_files(self) -> None:
        """Forget the files found; ``digest`` and ``folders`` stay. Once the records are
        loaded, a big build has better use for the memory (about 40 MB at 100,000
        records) while it renders."""
        self._found = None
        self._pending = b""
        self.__dict__.pop("records", None)  # the cached properties' values
        self.__dict__.pop("stats", None)

    def _files(self) -> list[Found]:
        if self._found is None:
            raise RuntimeError("the files of this scan were released")
        if self._pending:
            with no_cycle_collection():
                self._found += marshal.loads(self._pending)  # noqa: S302 our own child's
            self._pending = b""
        return self._found

    def in_folders(self, folders: Collection[str]) -> dict[str, Stat | None]:
        """The stats of the records directly in these folders (see ``folders``): what an
        incremental run compares, without sorting or indexing every record."""
        return {
            path: stat for prefix, entries, _ in self._files() if prefix in folders
            for path, stat in entries
        }  # fmt: skip

    def trusted(self, stat: Stat) -> Stat:
        """The stat to store for a record: a racy file's can never match again."""
        return stat if stat[1] < self._racy_from else (stat[0], -1, stat[2], stat[3])

    @functools.cached_property
    def records(self) -> list[str]:
        """Relative paths, sorted."""
        return sorted(path for _, entries, _ in self._files() for path, _ in entries)

    @functools.cached_property
    def stats(self) -> dict[str, Stat | None]:
        """By relative path; None: cannot be stat'ed (a broken link, say)."""
        return {path: stat for _, entries, _ in self._files() for path, stat in entries}

    @property
    def unread(self) -> list[Unread]:
        """Files and folders left out for their names, and why (see Unread): each is
        reported as a rejected file."""
        return sorted(item for _, _, bad in self._files() for item in bad if item[1] != LINKED)

    @property
    def linked_folders(self) -> list[str]:
        """Links to folders, which are not entered: relative paths."""
        return sorted(name for _, _, bad in self._files() for name, why in bad if why == LINKED)


def folder_digests(found: list[Found], started_ns: int) -> dict[str, str]:
    """A digest per folder ("" for the top, else "politics/2026/"), so that an
    incremental run compares the stored stats of changed folders only; a folder with a
    file modified less than RACY_NS before the scan started gets one that no later scan
    repeats. marshal: the fastest stable bytes for a list of tuples (a Python upgrade
    that changed them, or a file system that listed a folder in another order, would
    cost one full run). Its format 0, which has no references: later formats mark an
    object referred to more than once (the reason every Unread shares) or interned, so
    equal lists could give other bytes walked here than in a forked child."""
    racy_from = started_ns - RACY_NS
    return {
        prefix: f"racy {started_ns}"
        if max((s[1] for _, s in entries if s), default=0) >= racy_from
        else _digest((entries, bad))
        for prefix, entries, bad in found
    }


def _digest(value: tuple[Any, ...] | list[Any]) -> str:
    return hashlib.sha256(marshal.dumps(value, 0)).hexdigest()


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic records
    (tuples of strings and numbers): it would walk them again and again for nothing,
    a quarter of the time of a scan of 100,000 records."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def scan_records(articles_dir: Path, *, stats: bool = True) -> Scan:
    """Every ``*.md`` under ``articles_dir``, with its stat unless ``stats`` is false;
    README.md files and anything hidden (editor backups, .git) are not records, and
    linked folders are not entered."""
    with no_cycle_collection():
        return _scan(articles_dir, stats)


def _scan(articles_dir: Path, stats: bool) -> Scan:
    started = time.time_ns()
    near: list[Folder] = []
    deeper: list[tuple[str, str]] = []  # folders two levels down, each walked whole
    _walk(str(articles_dir), "", near, depth=1, deeper=deeper)
    if not stats:
        for folder, prefix in deeper:
            _walk(folder, prefix, near)
        return Scan(
            [(prefix, [(prefix + name, None) for name in names], bad)
             for _, prefix, names, bad in near],
            started,
        )  # fmt: skip
    first = _stat_folders(near)
    if len(deeper) < FORK_FROM or (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
        return Scan(first + _scan_whole(deeper), started)
    found, folders, pending = _scan_in_two(deeper, started)
    return Scan(first + found, started, folder_digests(first, started) | folders, pending)


def _walk(
    folder: str,
    prefix: str,
    folders: list[Folder],
    depth: int = -1,
    deeper: list[tuple[str, str]] | None = None,
) -> None:
    """The record names of ``folder`` and of every folder under it; at ``depth`` levels
    down, folders are put in ``deeper`` instead of being walked."""
    names: list[str] = []
    bad: list[Unread] = []
    folders.append((folder, prefix, names, bad))
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # gone, or not a folder: nothing in it
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if not (name.isascii() or _is_utf8(name)):
            if entry.is_dir(follow_symlinks=False) or name.endswith(".md"):
                bad.append((escaped(prefix + name), NOT_UTF8))
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth == 0 and deeper is not None:
                deeper.append((f"{folder}/{name}", f"{prefix}{name}/"))
            else:
                _walk(f"{folder}/{name}", f"{prefix}{name}/", folders, depth - 1, deeper)
        elif name.endswith(".md"):
            if name.lower() != "readme.md":
                names.append(name)
        elif name.lower().endswith(MISNAMED) and not name.lower().startswith("readme."):
            bad.append((prefix + name, NOT_MD))
        elif entry.is_symlink() and _leads_to_folder(entry):
            bad.append((prefix + name, LINKED))


def _leads_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows the link: one stat, for links only
    except OSError:
        return False


def _is_utf8(name: str) -> bool:
    """Whether a name the OS gave holds only UTF-8 (undecodable bytes come as lone
    surrogates, which no str may carry to a database or a terminal)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def escaped(name: str) -> str:
    """A name as UTF-8 text, each byte that is not UTF-8 written as \\xNN."""
    raw = name.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")


def _scan_whole(tops: list[tuple[str, str]]) -> list[Found]:
    folders: list[Folder] = []
    for folder, prefix in tops:
        _walk(folder, prefix, folders)
    return _stat_folders(folders)


def _scan_in_two(
    tops: list[tuple[str, str]], started_ns: int
) -> tuple[list[Found], dict[str, str], bytes]:
    """_scan_whole, every other folder walked, stat'ed and digested by a forked child:
    stat calls are most of a quiet run, and they scale with cores. Gives the files
    found here (all of them when the child failed), the digests of every folder (see
    folder_digests), and the child's files as it sent them (marshalled: a run that
    finds nothing changed never reads them). A fork copies only the calling thread, so
    the caller makes sure there is no other."""
    try:
        reader, writer = os.pipe()
    except OSError:
        return _scan_alone(tops, started_ns)  # out of file descriptors: one process will do
    try:
        child = os.fork()
    except OSError:  # out of processes or memory for one
        os.close(reader)
        os.close(writer)
        return _scan_alone(tops, started_ns)
    if child == 0:  # the child: scan its share, send it, and leave at once
        code = 1
        with contextlib.suppress(BaseException):
            os.close(reader)
            theirs = _scan_whole(tops[1::2])
            with os.fdopen(writer, "wb") as stream:
                stream.write(marshal.dumps(folder_digests(theirs, started_ns)))
                stream.write(marshal.dumps(theirs))
            code = 0
        os._exit(code)
    os.close(writer)
    mine = _scan_whole(tops[0::2])
    folders = folder_digests(mine, started_ns)  # while the child works on
    with os.fdopen(reader, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(child, 0)
    if status != 0 or not data:  # the child failed: do its share here
        theirs = _scan_whole(tops[1::2])
        return mine + theirs, folders | folder_digests(theirs, started_ns), b""
    sent = io.BytesIO(data)
    folders |= marshal.load(sent)  # noqa: S302 our own child's
    return mine, folders, data[sent.tell() :]


def _scan_alone(
    tops: list[tuple[str, str]], started_ns: int
) -> tuple[list[Found], dict[str, str], bytes]:
    found = _scan_whole(tops)
    return found, folder_digests(found, started_ns), b""


def _stat_folders(folders: list[Folder]) -> list[Found]:
    found: list[Found] = []
    for folder, prefix, names, bad in folders:
        if not names:
            if bad:
                found.append((prefix, [], bad))
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            found.append((prefix, [(prefix + name, None) for name in names], bad))
            continue
        try:
            found.append((prefix, [(prefix + name, _stat(name, fd)) for name in names], bad))
        finally:
            os.close(fd)
    return found


def _stat(name: str, folder: int) -> Stat | None:
    try:
        info = os.stat(name, dir_fd=folder)  # a link counts as what it points to
    except OSError:
        return None  # a broken link and the like: read (and report) it every time
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
