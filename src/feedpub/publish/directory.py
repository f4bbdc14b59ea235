"""Publish target ``dir``: another local folder, such as a web server's document root."""

from __future__ import annotations

import contextlib
from pathlib import Path

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
