"""Publish target ``dir``: another local folder, such as a web server's document root."""

from __future__ import annotations

import contextlib
from pathlib import Path

from feedpub.errors import Problem
from feedpub.model import DirTarget
from feedpub.publish.local import atomic_write
from feedpub.publish.target import StoreBase


class DirectoryStore(StoreBase):
    def __init__(self, target: DirTarget) -> None:
        self.root = Path(target.path).expanduser()

    def read(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def put(self, path: str, content: bytes, content_type: str, sha256: str) -> None:
        atomic_write(self.root / path, content)

    def delete(self, path: str) -> None:
        target = self.root / path
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        _remove_empty_parents(target.parent, self.root)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    # A removed section leaves no empty folder behind.
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def folder_clash(target: DirTarget, output: Path, articles: Path | None = None) -> Problem | None:
    """Why ``target`` cannot receive this output folder, or None when it can.

    A target inside the output folder would be published into itself, one level deeper
    on every run; one that is the output folder or contains it would get its deletes and
    manifest among the feeds; one in the articles folder would mix feeds with records.
    Paths are compared resolved, so a link or a ``..`` does not hide an overlap.
    """
    folder = _resolved(target.path)
    places = [("the output folder", output, True)]
    if articles is not None:
        places.append(("the articles folder", articles, False))
    for name, place, refuse_containing in places:
        where = _resolved(place)
        if folder == where:
            relation = f"is {name}"
        elif folder.is_relative_to(where):
            relation = f"is inside {name}"
        elif refuse_containing and where.is_relative_to(folder):
            relation = f"contains {name}"
        else:
            continue
        return Problem(
            f"target {target.name}",
            None,
            "path",
            f"{target.path!r} {relation} {str(place)!r}",
            "Choose a folder outside the output and articles folders, such as a web "
            "server's document root",
        )
    return None


def _resolved(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()
