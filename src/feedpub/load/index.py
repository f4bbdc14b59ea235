"""A cache of what each record file gave, so that a run reads only the files that changed.

An embedded SQLite database (``.feedpub-cache/records.sqlite`` beside feedpub.yaml,
never inside the output folder) maps each record's path to its size, mtime and inode
and to the RecordResult it produced. A file whose stat is unchanged is not read again.
Correctness never depends on the cache: a missing, unreadable or corrupt database, or
one written by another feedpub version or for another site configuration, is
rebuilt from the files, and the output is the same either way.

Results are stored as JSON, never pickled: the cache is data, and reading it must not
be able to run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from feedpub import __version__
from feedpub.errors import Problem
from feedpub.load.record import RecordResult
from feedpub.model import Article, Dateline, Image, Site, Source

CACHE_DIR = ".feedpub-cache"
DATABASE = "records.sqlite"
SCHEMA = 2
Stat = tuple[int, int, int]  # size, mtime in ns, inode


class RecordIndex:
    """Cached RecordResults by relative path, valid while a file's stat is unchanged."""

    def __init__(self, database: Path, key: str) -> None:
        self.database = database
        self.key = key
        self._rows: dict[str, tuple[Stat, str]] = {}
        self._changed: dict[str, tuple[Stat, str]] = {}
        self._connection = self._open()
        if self._connection is None:  # corrupt or unreadable: start a new one at once
            self._connection = self._open()

    @classmethod
    def for_site(cls, cache_dir: Path, site: Site, display_dir: str) -> RecordIndex:
        # Results depend on the site (sections, agencies, time zone) and on how paths are
        # shown in messages; a change of either, or of feedpub, starts a new cache.
        material = f"{__version__}\n{SCHEMA}\n{site!r}\n{display_dir}"
        return cls(cache_dir / DATABASE, hashlib.sha256(material.encode()).hexdigest())

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.database.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.database)
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = connection.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
            if row is None or row[0] != self.key:
                with connection:  # another version or site: start from empty tables
                    connection.execute("DROP TABLE IF EXISTS records")
                    connection.execute("DROP TABLE IF EXISTS feeds")
                    connection.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            connection.execute(
                "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime INTEGER, inode INTEGER, result TEXT)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS feeds (output TEXT, path TEXT, digest TEXT, "
                "files TEXT, PRIMARY KEY (output, path))"
            )
            self._rows = {
                path: ((size, mtime, inode), result)
                for path, size, mtime, inode, result in connection.execute(
                    "SELECT path, size, mtime, inode, result FROM records"
                )
            }
            return connection
        except (sqlite3.Error, OSError):
            self._discard()
            return None  # a second failure: this run works without a cache

    def _discard(self) -> None:
        self._rows = {}
        with contextlib.suppress(OSError):
            self.database.unlink()

    def get(self, path: str, stat: Stat) -> RecordResult | None:
        found = self._rows.get(path)
        if found is None or found[0] != stat:
            return None
        try:
            return decode(found[1])
        except (ValueError, KeyError, TypeError):
            return None  # a damaged row: read the file again

    def put(self, path: str, stat: Stat, result: RecordResult) -> None:
        self._changed[path] = (stat, encode(result))

    def save(self, paths: set[str]) -> None:
        """Store the changes and forget records whose files are gone."""
        gone = [(path,) for path in self._rows if path not in paths]
        rows = [(path, *stat, result) for path, (stat, result) in self._changed.items()]
        self._write("DELETE FROM records WHERE path = ?", gone)
        self._write("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", rows)
        self._changed = {}

    def feed_digests(self, output: str) -> dict[str, tuple[str, str]]:
        """What each feed written to ``output`` was built from, by feed path, with the
        stat of its files as written (so a file changed or replaced since is noticed)."""
        if self._connection is None:
            return {}
        try:
            rows = self._connection.execute(
                "SELECT path, digest, files FROM feeds WHERE output = ?", (output,)
            ).fetchall()
        except sqlite3.Error:
            return {}
        return {path: (digest, files) for path, digest, files in rows}

    def save_feed_digests(self, output: str, digests: dict[str, tuple[str, str]]) -> None:
        """Record what the feeds now in ``output`` were built from (after writing them)."""
        self._write("DELETE FROM feeds WHERE output = ?", [(output,)])
        rows = [(output, path, digest, files) for path, (digest, files) in digests.items()]
        self._write("INSERT INTO feeds VALUES (?, ?, ?, ?)", rows)

    def _write(self, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
        if self._connection is None or not rows:
            return
        try:
            with self._connection:
                self._connection.executemany(statement, rows)
        except sqlite3.Error:
            self.close()
            self._discard()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def encode(result: RecordResult) -> str:
    article = None
    if result.article is not None:
        article = _plain(result.article)
        for name in ("published", "updated", "embargo", "withdrawn"):
            if article[name] is not None:
                article[name] = article[name].isoformat()
    problems = [[p.path, p.line, p.field, p.message, p.hint] for p in result.problems]
    return json.dumps({"a": article, "p": problems, "c": result.claim}, ensure_ascii=False)


def _plain(record: Any) -> dict[str, Any]:
    """A record's fields as a dict, nested records too (dataclasses.asdict, without its
    deep copies: a cold build encodes every record)."""
    return {
        field.name: _plain(value) if dataclasses.is_dataclass(value) else value
        for field in dataclasses.fields(record)
        for value in (getattr(record, field.name),)
    }


def decode(text: str) -> RecordResult:
    document = json.loads(text)
    claim = document["c"]
    return RecordResult(
        article=None if document["a"] is None else _article(document["a"]),
        problems=tuple(Problem(*fields) for fields in document["p"]),
        claim=None if claim is None else (str(claim[0]), int(claim[1])),
    )


def _article(fields: dict[str, Any]) -> Article:
    for name in ("published", "updated", "embargo", "withdrawn"):
        if fields[name] is not None:
            fields[name] = datetime.fromisoformat(fields[name])
    for name in ("sections", "byline", "tags"):
        fields[name] = tuple(fields[name])
    fields["dateline"] = Dateline(**fields["dateline"])
    if fields["image"] is not None:
        fields["image"] = Image(**fields["image"])
    if fields["source"] is not None:
        fields["source"] = Source(**fields["source"])
    return Article(**fields)
