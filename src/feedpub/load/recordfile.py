"""A record file on disk: opened without surprises, read, and stat'ed.

A pipe would block the build for ever, a link loop crash it, a link out of the
articles folder publish whatever it points at, a huge file fill memory: each is a
Problem here, with its own message, before anything is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from feedpub.errors import BuildError, Problem
from feedpub.load.frontmatter import MAX_RECORD_BYTES, size_problem, split_record
from feedpub.model import Article, xml_safe


def file_stat(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None  # a broken link and the like: read (and report) it every time
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def read_file(path: Path, display: str, root: Path) -> tuple[bytes, str] | Problem:
    """The record file's bytes and its stamp (size, mtime and inode), or why it cannot be
    read. A regular file, the usual case, is opened without following a link and read
    and stat'ed through that one descriptor; anything else (a link, a folder, a pipe)
    goes through _file_problem's checks first."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a pipe must not block
    except OSError:
        fd = -1  # a link (ELOOP), gone, unreadable: _file_problem says which
    if fd >= 0:
        try:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode):
                too_big = size_problem(info.st_size, display)
                if too_big is not None:
                    return too_big
                data = _read_to_end(fd, info.st_size)
                too_big = size_problem(len(data), display)  # it grew since the stat
                if too_big is not None:
                    return too_big
                return data, f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
        except OSError as error:
            return Problem(display, None, None, f"cannot be read ({error.strerror})")
        finally:
            os.close(fd)
    problem = _file_problem(path, display, root)
    if problem is not None:
        return problem
    try:
        data = path.read_bytes()
    except OSError as error:
        return Problem(display, None, None, f"cannot be read ({error.strerror})")
    return data, ":".join(str(part) for part in file_stat(path) or ())


def _read_to_end(fd: int, size: int) -> bytes:
    """Everything left in ``fd``, which held ``size`` bytes when stat'ed: as a rule one
    read, and one more that finds the end. (os.read, not a file object: on a cold build
    its set-up is a quarter of the time reading a record takes.)"""
    chunks: list[bytes] = []
    read = 0
    while read <= MAX_RECORD_BYTES and (chunk := os.read(fd, size + 1)):
        chunks.append(chunk)
        read += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _file_problem(path: Path, display: str, root: Path) -> Problem | None:
    """Why ``path`` cannot be read as a record file, before opening it (a pipe would
    block the build forever, a link loop would crash it, a huge file would fill memory)."""
    try:
        info = os.lstat(path)
    except OSError as error:
        return Problem(display, None, None, f"cannot be read ({error.strerror})")
    if stat.S_ISREG(info.st_mode):  # not a link; the walk never enters a linked folder
        return size_problem(info.st_size, display)
    try:
        resolved = path.resolve(strict=True)
        info = resolved.stat()
    except RuntimeError:
        return Problem(
            display, None, None, "the file is a link that points to itself", "Remove the link"
        )
    except FileNotFoundError:
        return Problem(
            display,
            None,
            None,
            "the file is a link to something that does not exist",
            "Remove the link or restore what it points to",
        )
    except OSError as error:
        return Problem(display, None, None, f"cannot be read ({error.strerror})")
    if not resolved.is_relative_to(root):
        return Problem(
            display,
            None,
            None,
            "the file links to a place outside the articles folder",
            "Copy the record into the folder instead",
        )
    if stat.S_ISDIR(info.st_mode):
        return Problem(
            display,
            None,
            None,
            "is a folder, not a record",
            "Rename the folder so that its name does not end in .md",
        )
    if not stat.S_ISREG(info.st_mode):
        return Problem(
            display, None, None, "is not a regular file (a pipe or a device)", "Remove it"
        )
    return size_problem(info.st_size, display)


def read_body(article: Article) -> str:
    """The Markdown body of a loaded article, read again from its file."""
    if article.body_path is None:
        return article.body
    display = article.source.path if article.source else article.body_path
    try:
        raw = split_record(Path(article.body_path).read_bytes(), display)
    except OSError as error:
        raise BuildError(
            f"{display}: cannot be read again ({error.strerror}). It changed "
            "during the build: run the build again"
        ) from error
    if isinstance(raw, Problem):
        raise BuildError(f"{raw}. It changed during the build: run the build again")
    return xml_safe(raw.body)
