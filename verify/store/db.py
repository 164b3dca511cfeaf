"""The incremental store: one SQLite file that keeps a corpus between runs (``verify run --store``).

It holds the documents (with a hash of their text), their claims (in the report.json shape),
the embedding cache (:class:`~verify.embed.CachedEmbedder`'s ``vectors`` table, in the same
file), the incidents and their findings, the component of the matching graph each event claim
was grouped in, the fact-checkers' reviews and one row per run with what it changed. A later
run reads it back (:meth:`Store.load`), works out what is new (:func:`plan_documents`), and
saves only what changed (:meth:`Store.save`).

Beside the rows the saves keep a snapshot, which a run reads three times faster than the rows'
JSON (see :mod:`verify.store.snapshot`): a base, then one delta per later run, until ``_BASE_EVERY``
deltas follow it or they weigh ``_DELTA_SHARE`` of it and the next save writes a new base.
The rows are encoded and read in :mod:`verify.store.rows`; the records a store reads and writes
(:class:`Stored`, :class:`Plan`, :class:`Saved`) are in :mod:`verify.store.state`.

Interrupting a run never half-writes the store: the run computes first, reading only, then
writes everything in one transaction (WAL journal), so Ctrl-C or a kill leaves the last run's
state. Vectors are committed as they are computed; they are a content-addressed cache, so a
vector with no claim yet is harmless and saves the next run the work. A store records a
fingerprint of the code, the data files and the embedder that built it; when that changes,
the next run recomputes every claim and incident from the stored documents.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from verify.codec import Row
from verify.embed import CachedEmbedder, Embedder
from verify.errors import InputError
from verify.files import atomic_write
from verify.store.rows import encode_rows, read_rows, write_rows
from verify.store.snapshot import read_snapshot, save_snapshot, snapshot_delta
from verify.store.state import Saved, Stored, text_hash

_CORRUPTED = "corrupted store (move it away and run again to rebuild it from your inputs)"
STORE_VERSION = 1
"""Bumped when the tables change; an older store is refused with a clear message."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL,
    component TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_document ON claims (document_id);
CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT NOT NULL, incident_id TEXT NOT NULL, pos INTEGER NOT NULL, claim_id TEXT NOT NULL,
    relation TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (incident_id, pos));
CREATE TABLE IF NOT EXISTS reviews (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL, reviewer TEXT NOT NULL,
    note TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, inputs TEXT NOT NULL, changes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    run INTEGER PRIMARY KEY, kind TEXT NOT NULL, format INTEGER NOT NULL, checksum INTEGER NOT NULL,
    data BLOB NOT NULL);
"""
_BASE_EVERY = 16
"""At most this many deltas follow a base."""
_DELTA_SHARE = 0.25
"""The deltas together weigh at most this share of the base: past it, reading them costs a run
more than writing a new base."""
_PACKAGE = Path(__file__).resolve().parents[1]


def fingerprint(embedder: str, files: Iterable[Path | None] = ()) -> str:
    """A digest of this package's code and data, the embedder and the user's registry/gazetteer files.

    Any change to them may change claims or incidents, so a store built under another
    fingerprint is recomputed rather than trusted.
    """
    digest = hashlib.sha256(f"{STORE_VERSION}\0{embedder}".encode())
    own = sorted(p for p in _PACKAGE.rglob("*") if _shapes_results(p.relative_to(_PACKAGE)))
    for path in [*own, *(p for p in files if p is not None)]:
        digest.update(str(path.relative_to(_PACKAGE) if path.is_relative_to(_PACKAGE) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


def _shapes_results(path: Path) -> bool:
    """Whether a package file can change claims or incidents (report writing and the CLI cannot)."""
    if path.parts[0] == "data":
        return True
    if path.parts[:2] == ("report", "review.py"):
        return True  # reviews are stored and merged, unlike the rest of report/
    return path.suffix == ".py" and path.parts[0] not in ("report", "templates", "cli.py", "__main__.py")


def add_changes(report_json: Path, changes: Mapping[str, Any]) -> None:
    """Add ``changes`` to a written report.json under ``"changes"``, atomically."""
    data = json.loads(report_json.read_text(encoding="utf-8"))
    data["changes"] = changes
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write(report_json, text.encode("utf-8"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a store is decoded.

    Decoding allocates ~10^5 records that form no cycles, and the collections their allocation
    sets off each walk the whole heap for nothing (a third of the rows' decoding time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Store:
    """An open store file. Use as a context manager; :meth:`save` is its only write."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are begun and ended explicitly in save().
            self._conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            # SQLite's own page and index checks: a damaged file is refused, not half read.
            check = self._conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise InputError(str(path), f"{_CORRUPTED}: {check[0] if check else 'no answer'}")
            self._conn.executescript(_SCHEMA)
            version = self._meta("store_version")
            if version is None:
                self._conn.execute("INSERT INTO meta VALUES ('store_version', ?)", (str(STORE_VERSION),))
            elif version != str(STORE_VERSION):
                raise InputError(str(path), f"store version {version}, this verify reads {STORE_VERSION}")
        except (sqlite3.Error, OSError, UnicodeError) as exc:
            raise InputError(str(path), f"not a usable verify store: {exc}") from exc
        self._snapshot_run: int | None = None
        """The run whose state :meth:`load` read from a good snapshot, which a save may extend."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row is not None else None

    def embedder(self, inner: Embedder) -> CachedEmbedder:
        """``inner`` behind the embedding cache, kept in this store's file."""
        return CachedEmbedder(inner, self.path.parent, file=self.path.name)

    def load(self) -> Stored:
        """Everything the last run saved: from the snapshot when that is good, else the rows.

        A store whose rows do not decode, or whose documents no longer match their hashes, is
        refused (``InputError``): read anyway, it would give a different report than the runs
        that built it.
        """
        try:
            with closing(self._conn.cursor()) as cur, _collector_paused():
                cur.execute("BEGIN")  # one consistent snapshot across the tables
                try:
                    run, print_ = int(self._meta("run") or 0), self._meta("fingerprint")
                    stored = read_snapshot(cur, run, print_)
                    self._snapshot_run = run if stored is not None else None
                    stored = stored or read_rows(cur, run, print_)
                finally:
                    cur.execute("COMMIT")
        except InputError:
            raise
        except (sqlite3.Error, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            # JSONDecodeError and UnicodeDecodeError are ValueErrors
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]  # one line
            raise InputError(str(self.path), f"{_CORRUPTED}: {detail}") from exc
        damaged = [doc_id for doc_id, (digest, doc) in stored.documents.items() if text_hash(doc) != digest]
        if damaged:
            raise InputError(str(self.path), f"{_CORRUPTED}: document {damaged[0]} does not match its hash")
        return stored

    def save(
        self,
        before: Stored,
        after: Saved,
    ) -> int:
        """Write one run's results in one transaction; returns the run's number.

        Refuses (``InputError``) when another run saved to the store since ``before`` was read.
        """
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if int(self._meta("run") or 0) != before.run:
                    raise InputError(str(self.path), "another run changed this store meanwhile; run again")
                encoded = encode_rows(after)
                write_rows(conn, before, after, encoded)
                run = before.run + 1
                self._write_snapshot(before, snapshot_delta(before, after, encoded), run)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('run', ?)", (str(run),))
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (after.fingerprint,))
                conn.execute(
                    "INSERT INTO runs VALUES (?, ?, ?)",
                    (run, json.dumps(after.inputs), json.dumps(after.changes, ensure_ascii=False)),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise InputError(str(self.path), f"cannot write the store: {exc}") from exc
        return run

    def _write_snapshot(self, before: Stored, delta: Row, run: int) -> None:
        """Add run ``run``'s delta to the snapshot, or write a new base when that is due."""
        save_snapshot(
            self._conn,
            before,
            delta,
            run,
            extends=self._snapshot_run == before.run,
            base_every=_BASE_EVERY,
            delta_share=_DELTA_SHARE,
        )
        self._snapshot_run = None
