"""A cache of what each record file gave, so that a run reads only the files that changed.

An embedded SQLite database (``.feedpub-cache/records.sqlite`` beside feedpub.yaml,
never inside the output folder) maps each record's path to its size, mtime, inode and ctime
and to what it gave: the id it claims, its problems, its Listing (in columns, read at
start) and its Article (a JSON array, read only when a feed being rendered shows the story).
A file whose stat is unchanged is not read again.
Correctness never depends on the cache: a missing, unreadable or corrupt database, or
one written by another feedpub version or for another site configuration, is
rebuilt from the files, and the output is the same either way.

Results are stored as JSON, never pickled: the cache is data, and reading it must not
be able to run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from feedpub import __version__
from feedpub.errors import Problem
from feedpub.load.articles import Outcome
from feedpub.load.scan import Stat, no_cycle_collection
from feedpub.model import Article, Listing, Site, decode_article, feed_time, shared_sections

CACHE_DIR = ".feedpub-cache"
DATABASE = "records.sqlite"
# feedpub check keeps its own beside it: a check must never make the build's index
# busy, for a write that fails discards the index (see _write), and the next cron run
# would parse every record again.
CHECK_DATABASE = "check.sqlite"
SCHEMA = 12
FLUSH_EVERY = 2000  # rows buffered before they are written (bounds a cold build's memory)

_CREATE_RECORDS = (
    "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, "
    "inode INTEGER, ctime INTEGER, claim_id TEXT, claim_line INTEGER, problems TEXT, id TEXT, "
    "sections TEXT, published REAL, month TEXT, release REAL, draft INTEGER, withdrawn REAL, "
    "changed REAL, fingerprint TEXT, article BLOB)"
)
_SELECT_LISTED = (  # every column but the article
    "SELECT path, size, mtime, inode, ctime, claim_id, claim_line, problems, id, sections, "
    "published, month, release, draft, withdrawn, changed, fingerprint FROM records"
)
_INSERT = "INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
_Row = tuple[Stat, Outcome]


class LastRun(NamedTuple):
    """A complete build: the digest of its record files' stats (Scan.digest), what the
    rendering libraries were (renderer_files), the span of moments that show the same
    stories (None: unbounded), its summary (JSON) and each folder's digest (JSON)."""

    inputs: str
    renderer: str
    valid_from: float | None
    valid_until: float | None
    summary: str
    folders: str

    def covers(self, instant: float) -> bool:
        """Whether a run at ``instant`` shows the stories this one showed."""
        return (self.valid_from is None or instant >= self.valid_from) and (
            self.valid_until is None or instant < self.valid_until
        )


class Member(NamedTuple):
    """A story's place in a feed: the document it is in ("" for the feed itself), and
    its feed_time when the run that placed it ran (the feeds' order)."""

    key: str
    latest: float
    id: str
    doc: str


def _stored_article(connection: sqlite3.Connection, path: str) -> Article | None:
    try:
        row = connection.execute("SELECT article FROM records WHERE path = ?", (path,)).fetchone()
        return None if row is None or row[0] is None else decode_article(row[0])
    except (sqlite3.Error, ValueError, TypeError):
        return None  # a damaged row: the caller reads the file again


class IndexReader:
    """Reads stored Articles in any process. Pickled, it is only the database's path:
    each process opens its own read-only connection (a connection must not cross a
    fork), so the workers that render archive documents fetch their own stories."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._connection: sqlite3.Connection | None = None

    def __getstate__(self) -> Path:
        return self.database

    def __setstate__(self, database: Path) -> None:
        self.database = database
        self._connection = None

    def article(self, path: str) -> Article | None:
        """The Article stored for ``path``; None when the cache cannot give it."""
        if self._connection is None:
            try:
                uri = self.database.resolve().as_uri() + "?mode=ro"
                self._connection = sqlite3.connect(uri, uri=True)
            except (sqlite3.Error, OSError, ValueError):
                return None
        return _stored_article(self._connection, path)


class RecordIndex:
    """What each record gave, by relative path, valid while its file's stat is unchanged:
    the Outcome (claim, problems, Listing) held in memory for every record, the Article
    itself left in the database until a feed being rendered needs it."""

    def __init__(self, database: Path, key: str) -> None:
        self.database = database
        self.key = key
        self._loaded: dict[str, _Row] | None = None  # read on first use: see _rows
        self._pending: list[tuple[object, ...]] = []
        # Why this run cannot use the cache, for the operator: without it every run
        # reads every record, a 50-fold slower quiet run at 100,000 that would
        # otherwise go unnoticed. A corrupt database that is simply rebuilt is not one.
        self.problem: str | None = None
        self._changing = False  # this run has changed the records (see _write_records)
        self._connection: sqlite3.Connection | None = None
        opened = self._open()
        if isinstance(opened, str):  # corrupt or unreadable: start a new one at once
            opened = self._open()
        if isinstance(opened, str):
            self._unusable("cannot be opened", opened)
        else:
            self._connection = opened

    @classmethod
    def for_site(
        cls, cache_dir: Path, site: Site, articles: Path, name: str = DATABASE
    ) -> RecordIndex:
        # Results depend on the site (sections, agencies, time zone), on how paths are
        # shown in messages, and on which folder they are: a change of any, or of
        # feedpub, starts a new cache. (Two sites run from their own folders with
        # --articles articles and one --cache would otherwise read each other's rows.)
        material = f"{__version__}\n{SCHEMA}\n{site!r}\n{articles}\n{articles.resolve()}"
        return cls(cache_dir / name, hashlib.sha256(material.encode()).hexdigest())

    def _open(self) -> sqlite3.Connection | str:
        """The database, or why it cannot be opened (it is discarded then)."""
        try:
            self.database.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.database)
            # A cache needs no durability: what a power cut loses or damages is read
            # again from the files (every use of a row checks a file's stat, and a
            # damaged database is discarded). So no fsync at all: the log's
            # checkpoints used to stall a cold build's parse by a quarter. With
            # write-ahead logging, readers in other processes (IndexReader) never
            # block on the writer, and a killed run cannot damage the database.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = connection.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
            if row is None or row[0] != self.key:
                with connection:  # another version or site: start from empty tables
                    connection.execute("DROP TABLE IF EXISTS records")
                    connection.execute("DROP TABLE IF EXISTS feeds")
                    connection.execute("DROP TABLE IF EXISTS runs")
                    connection.execute("DROP TABLE IF EXISTS members")
                    connection.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            connection.execute(_CREATE_RECORDS)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS feeds (output TEXT, path TEXT, digest TEXT, "
                "files TEXT, PRIMARY KEY (output, path))"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS runs (output TEXT PRIMARY KEY, inputs TEXT, "
                "renderer TEXT, valid_from REAL, valid_until REAL, summary TEXT, folders TEXT)"
            )
            connection.execute("CREATE INDEX IF NOT EXISTS records_claim ON records (claim_id)")
            # Which document of which feed each story is in, for incremental runs.
            connection.execute(
                "CREATE TABLE IF NOT EXISTS members (output TEXT, feed TEXT, doc TEXT, "
                "key TEXT, latest REAL, id TEXT, PRIMARY KEY (output, feed, key))"
            )
            connection.execute(
                "CREATE INDEX IF NOT EXISTS members_order "
                "ON members (output, feed, latest DESC, id)"
            )
            connection.execute(
                "CREATE INDEX IF NOT EXISTS members_doc ON members (output, feed, doc)"
            )
            return connection
        except (sqlite3.Error, OSError, ValueError, TypeError) as error:
            self._discard()
            return (error.strerror if isinstance(error, OSError) else None) or str(error)

    @property
    def _rows(self) -> dict[str, _Row]:
        """Every record's stat and Outcome, read at the first use: a run that finds
        nothing changed (see last_run) never reads them."""
        if self._loaded is None:
            self._loaded = {}
            if self._connection is not None:
                try:
                    with no_cycle_collection():
                        # Row by row, not fetchall(): the raw rows of 100,000 records
                        # and their Outcomes at once would set the run's peak memory.
                        rows = self._connection.execute(_SELECT_LISTED)
                        self._loaded = {row[0]: _row(row) for row in rows}
                except (sqlite3.Error, ValueError, TypeError):
                    self.close()
                    self._discard()
        return self._loaded

    def _discard(self) -> None:
        self._loaded = {}
        self._pending = []
        # The write-ahead log too: left beside a new database, it would be replayed on it.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                self.database.with_name(self.database.name + suffix).unlink()

    def get(self, path: str, stat: Stat) -> Outcome | None:
        found = self._rows.get(path)
        if found is None or found[0] != stat:
            return None
        return found[1]

    def put(self, path: str, stat: Stat, outcome: Outcome, article: bytes | None) -> None:
        """Store a record's outcome and its Article (encode_article), if good."""
        claim_id, claim_line = outcome.claim or (None, None)
        problems = _encode_problems(outcome.problems)
        columns = _listing_columns(outcome.listing)
        self._pending.append((path, *stat, claim_id, claim_line, problems, *columns, article))
        if len(self._pending) >= FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        rows, self._pending = self._pending, []
        self._write_records(_INSERT, rows)

    def save(self, paths: set[str]) -> None:
        """Store the changes and forget records whose files are gone."""
        self._flush()
        gone = [(path,) for path in self._rows if path not in paths]
        self._write_records("DELETE FROM records WHERE path = ?", gone)
        # The rows as read are not needed again (read anew if they are): a big build
        # has better use for their memory while it renders.
        self._loaded = None

    def _write_records(self, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
        """_write, for the records table. The first change a run makes to the records
        forgets which output's build left them: from then until a complete build
        records its output (save_run), no output's last build knows what changed, so
        every output's next run is a full one, whatever becomes of this one."""
        if rows and not self._changing:
            self._changing = True
            self._write("DELETE FROM meta WHERE key = 'records_by'", [()])
        self._write(statement, rows)

    def article(self, path: str) -> Article | None:
        """The Article stored for ``path``; None when the cache cannot give it."""
        if self._pending:
            self._flush()
        return None if self._connection is None else _stored_article(self._connection, path)

    def reader(self) -> IndexReader | None:
        """A reader of the stored Articles for other processes; None without a cache."""
        if self._pending:
            self._flush()
        return None if self._connection is None else IndexReader(self.database)

    def last_run(self, output: str) -> LastRun | None:
        """What the last complete build into ``output`` was made from, if known."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT inputs, renderer, valid_from, valid_until, summary, folders FROM runs "
                "WHERE output = ?",
                (output,),
            ).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else LastRun(*row)

    def save_run(self, output: str, run: LastRun | None) -> None:
        """Record a complete build into ``output``; None forgets the last one (before
        writing, so that a run killed half-way leaves no record of the one before)."""
        self._write("DELETE FROM runs WHERE output = ?", [(output,)])
        if run is not None:
            self._write("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)", [(output, *run)])
            self._write("INSERT OR REPLACE INTO meta VALUES ('records_by', ?)", [(output,)])

    def records_by(self) -> str | None:
        """The output of the last complete build, which left the records as they are
        (None when a build changed them since and did not complete). The records are
        shared by every output built with this cache, but what changed in them since a
        build is known only to the output that build wrote."""
        rows = self._query("SELECT value FROM meta WHERE key = 'records_by'", ())
        return str(rows[0][0]) if rows else None

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

    def update_feed_digests(
        self, output: str, changed: dict[str, tuple[str, str]], removed: Iterable[str]
    ) -> None:
        """Record the feeds an incremental run wrote, and forget those it removed."""
        gone = [(output, path) for path in [*changed, *removed]]
        self._write("DELETE FROM feeds WHERE output = ? AND path = ?", gone)
        rows = [(output, path, digest, files) for path, (digest, files) in changed.items()]
        self._write("INSERT INTO feeds VALUES (?, ?, ?, ?)", rows)

    def rows_in_folders(self, folders: Iterable[str]) -> dict[str, tuple[Stat, Outcome]]:
        """The stored rows of the records directly in each folder ("" for the top)."""
        found: dict[str, tuple[Stat, Outcome]] = {}
        for folder in folders:
            for row in self._query(_SELECT_LISTED + " WHERE path > ? AND path < ?",
                                   (folder, folder + "\U0010ffff")):  # fmt: skip
                if "/" not in row[0][len(folder) :]:
                    found[row[0]] = _row(row)
        return found

    def listings(self, keys: Iterable[str]) -> dict[str, Listing]:
        """The stored Listings of these records."""
        found: dict[str, Listing] = {}
        chosen = list(keys)
        for start in range(0, len(chosen), 500):  # SQLite's limit on parameters
            batch = chosen[start : start + 500]
            marks = ", ".join("?" * len(batch))
            for row in self._query(_SELECT_LISTED + f" WHERE path IN ({marks})", batch):
                listing = _row(row)[1].listing
                if listing is not None:
                    found[row[0]] = listing
        return found

    def claimed_by(self, article_id: str) -> str | None:
        """The record that claims ``article_id``, if any."""
        rows = self._query("SELECT path FROM records WHERE claim_id = ? LIMIT 1", (article_id,))
        return rows[0][0] if rows else None

    def newest_members(self, output: str, feed: str, limit: int) -> list[Member]:
        """A feed's newest stories, in feed order."""
        rows = self._query(
            "SELECT key, latest, id, doc FROM members WHERE output = ? AND feed = ? "
            "ORDER BY latest DESC, id LIMIT ?",
            (output, feed, limit),
        )
        return [Member(*row) for row in rows]

    def doc_members(self, output: str, feed: str, doc: str) -> list[Member]:
        rows = self._query(
            "SELECT key, latest, id, doc FROM members WHERE output = ? AND feed = ? AND doc = ?",
            (output, feed, doc),
        )
        return [Member(*row) for row in rows]

    def archive_documents(self, output: str, feed: str) -> list[str]:
        """The names of a feed's archive documents ("2026-10", "2026-10-2"...)."""
        rows = self._query(
            "SELECT DISTINCT doc FROM members WHERE output = ? AND feed = ? AND doc != ''",
            (output, feed),
        )
        return [row[0] for row in rows]

    def replace_members(
        self, output: str, docs: Mapping[tuple[str, str], Sequence[Listing]], now: float
    ) -> None:
        """Set the stories of each (feed, document) as placed by a run at ``now``; an
        empty list removes the document."""
        self._write("DELETE FROM members WHERE output = ? AND feed = ? AND doc = ?",
                    [(output, feed, doc) for feed, doc in docs])  # fmt: skip
        rows = (  # a generator: a cold build has a quarter of a million
            (output, feed, doc, listing.key, feed_time(listing, now), listing.id)
            for (feed, doc), listings in docs.items()
            for listing in listings
        )
        self._write("INSERT OR REPLACE INTO members VALUES (?, ?, ?, ?, ?, ?)", rows)

    def remove(self, paths: Iterable[str]) -> None:
        """Forget the records of files that are gone."""
        self._flush()
        self._write_records("DELETE FROM records WHERE path = ?", [(path,) for path in paths])

    def _query(self, statement: str, parameters: Sequence[object]) -> list[Any]:
        if self._connection is None:
            raise sqlite3.OperationalError("the index is closed")
        return self._connection.execute(statement, parameters).fetchall()

    def _write(self, statement: str, rows: Iterable[tuple[object, ...]]) -> None:
        if self._connection is None or (isinstance(rows, Sequence) and not rows):
            return
        try:
            with self._connection:
                self._connection.executemany(statement, rows)
        except sqlite3.Error as error:
            self.close()
            self._discard()
            self._unusable("could not be written", str(error))

    def _unusable(self, what: str, reason: str) -> None:
        self.problem = (
            f"{self.database}: the record index {what} ({reason}), so runs read every "
            f"record. Make {self.database.parent} a folder feedpub can write, or pass "
            "--cache"
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _row(row: tuple[Any, ...]) -> _Row:
    (path, size, mtime, inode, ctime, claim_id, claim_line, problems, article_id, sections,
     published, month, release, draft, withdrawn, changed, fingerprint) = row  # fmt: skip
    listing = None
    if article_id is not None:
        # Equal times kept once, as listing_of does (most stories have one time).
        release = published if release == published else release
        changed = published if changed == published else changed
        listing = Listing(
            path, article_id, shared_sections(tuple(sections.split(" "))), published,
            sys.intern(month), release, bool(draft), withdrawn, changed, fingerprint,
        )  # fmt: skip
    # A good record claims its own id: the same string, kept once.
    claim_id = article_id if claim_id == article_id else claim_id
    claim = None if claim_id is None else (str(claim_id), int(claim_line))
    found = () if problems is None else tuple(Problem(*p) for p in json.loads(problems))
    return (size, mtime, inode, ctime), Outcome(claim, found, listing)


def _listing_columns(listing: Listing | None) -> tuple[object, ...]:
    if listing is None:
        return (None,) * 9
    return (
        listing.id, " ".join(listing.sections), listing.published, listing.month,
        listing.release, int(listing.draft), listing.withdrawn, listing.changed,
        listing.fingerprint,
    )  # fmt: skip


def _encode_problems(problems: tuple[Problem, ...]) -> str | None:
    if not problems:
        return None
    return json.dumps([[p.path, p.line, p.field, p.message, p.hint] for p in problems])
