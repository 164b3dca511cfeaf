"""The incremental store: one SQLite file that keeps a corpus between runs (``verify run --store``).

It holds the documents (with a hash of their text), their claims (in the report.json shape),
the embedding cache (:class:`~verify.embed.CachedEmbedder`'s ``vectors`` table, in the same
file), the incidents and their findings, the component of the matching graph each event claim
was grouped in, the fact-checkers' reviews and one row per run with what it changed. A later
run reads it back (:meth:`Store.load`), works out what is new (:func:`plan_documents`), and
saves only what changed (:meth:`Store.save`).

The rows are the store's truth. Beside them the saves keep a snapshot of :class:`Stored`,
which a run reads three times faster than it decodes the rows' JSON: a base, every record as
tuples in one ``marshal`` blob (see :mod:`verify.codec`), then one delta per later run with
what that run wrote, so that a run does not write the whole store again. Every
``_BASE_EVERY``-th save, or once the deltas grow large, the save writes a new base instead.
Each blob is written in its save's transaction and labelled with its run's number and a
checksum; a chain that does not end at the last run (a save by a verify that keeps none), of
another format, or that does not decode, is passed over for the rows, and the next save
writes a new base. (``marshal`` builds plain values only; unlike pickle it runs no code.)

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
import marshal
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from verify.codec import (
    Row,
    claim_from_dict,
    claim_from_row,
    claim_to_dict,
    claim_to_row,
    document_from_dict,
    document_from_row,
    document_to_dict,
    document_to_row,
    finding_from_dict,
    finding_to_dict,
    incident_from_dict,
    incident_from_row,
    incident_to_dict,
    incident_to_row,
)
from verify.embed import CachedEmbedder, Embedder
from verify.errors import InputError
from verify.records import Claim, Document, Finding, Incident, Review
from verify.report.writer import atomic_write
from verify.review import ReviewRow

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
_SNAPSHOT_FORMAT = 10_000 + 100 * sys.version_info.major + sys.version_info.minor
"""The snapshot's rows (the ten thousands, bumped when they change) and the Python that wrote
them (``marshal`` keeps no format across versions); a snapshot of another format is passed over."""
_BASE_EVERY = 16
"""At most this many deltas follow a base."""
_DELTA_SHARE = 0.25
"""The deltas together weigh at most this share of the base: past it, reading them costs a run
more than writing a new base."""
_PACKAGE = Path(__file__).resolve().parent


def text_hash(doc: Document) -> str:
    """What decides whether a stored document must be read again: its text and metadata."""
    data = document_to_dict(doc)
    data.pop("origin")  # the same document read from another file is the same document
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
    return path.suffix == ".py" and path.parts[0] not in ("report", "templates", "cli.py", "__main__.py")


@dataclass(frozen=True)
class Stored:
    """What the store holds after its last run."""

    run: int = 0
    fingerprint: str | None = None
    documents: dict[str, tuple[str, Document]] = field(default_factory=dict)
    """By id, in store order: the document and its :func:`text_hash`."""
    claims: dict[str, tuple[Claim, ...]] = field(default_factory=dict)
    """By document id."""
    components: dict[str, str] = field(default_factory=dict)
    """Event claim id -> its component's label (the id of the component's first claim)."""
    incidents: dict[str, Incident] = field(default_factory=dict)
    reviews: tuple[ReviewRow, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The documents of this run and which of them need extracting."""

    documents: list[Document]
    """Every document the report covers: the stored ones in store order, then the new ones."""
    extract: frozenset[str]
    """Ids of the documents whose claims are computed in this run."""
    new: list[str]
    changed: list[str]
    removed_claims: frozenset[str]
    """Ids of stored claims that no longer exist (their document's text changed)."""


def plan_documents(stored: Stored, loaded: Sequence[Document], rebuild: bool = False) -> Plan:
    """Which documents are new, which changed (same id, other text), which are known.

    A document the store holds and this run does not name stays in the report: the store
    grows with every run. ``rebuild`` re-extracts every document.
    """
    incoming = {doc.id: doc for doc in loaded}
    documents, new, changed = [], [], []
    for doc_id, (digest, doc) in stored.documents.items():
        fresh = incoming.pop(doc_id, None)
        if fresh is not None and text_hash(fresh) != digest:
            changed.append(doc_id)
            doc = fresh
        documents.append(doc)
    for doc in incoming.values():
        new.append(doc.id)
        documents.append(doc)
    extract = {d.id for d in documents} if rebuild else {*new, *changed}
    removed = {c.id for doc_id in changed for c in stored.claims.get(doc_id, ())}
    return Plan(documents, frozenset(extract), new, changed, frozenset(removed))


def add_changes(report_json: Path, changes: Mapping[str, Any]) -> None:
    """Add ``changes`` to a written report.json under ``"changes"``, atomically."""
    data = json.loads(report_json.read_text(encoding="utf-8"))
    data["changes"] = changes
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write(report_json, text.encode("utf-8"))


def merge_reviews(stored: Sequence[ReviewRow], given: Sequence[ReviewRow]) -> list[ReviewRow]:
    """The stored reviews, each replaced by a newer one of the same id, then the new ones."""
    latest = {row.id: row for row in given}
    merged = [latest.pop(row.id, row) for row in stored]
    return merged + list(latest.values())


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
            self._conn.executescript(_SCHEMA)
            version = self._meta("store_version")
            if version is None:
                self._conn.execute("INSERT INTO meta VALUES ('store_version', ?)", (str(STORE_VERSION),))
            elif version != str(STORE_VERSION):
                raise InputError(str(path), f"store version {version}, this verify reads {STORE_VERSION}")
        except (sqlite3.Error, OSError) as exc:
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
        """Everything the last run saved: from the snapshot when that is good, else the rows."""
        with closing(self._conn.cursor()) as cur, _collector_paused():
            cur.execute("BEGIN")  # one consistent snapshot across the tables
            try:
                run, print_ = int(self._meta("run") or 0), self._meta("fingerprint")
                stored = _read_snapshot(cur, run, print_)
                self._snapshot_run = run if stored is not None else None
                return stored or _read_rows(cur, run, print_)
            finally:
                cur.execute("COMMIT")

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
                encoded = _encode(after)
                _write(conn, before, after, encoded)
                run = before.run + 1
                self._write_snapshot(before, _delta(before, after, encoded), run)
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
        conn, blob = self._conn, marshal.dumps(delta)
        chain = conn.execute("SELECT kind, length(data) FROM snapshots ORDER BY run").fetchall()
        deltas = len(blob) + sum(size for _, size in chain[1:])
        if (
            self._snapshot_run == before.run
            and len(chain) <= _BASE_EVERY
            and deltas <= _DELTA_SHARE * chain[0][1]
        ):
            kind = "delta"
        else:
            rows = _Rows.of(before)
            rows.apply(delta)
            kind, blob = "base", rows.base()
            conn.execute("DELETE FROM snapshots")
        conn.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
            (run, kind, _SNAPSHOT_FORMAT, zlib.crc32(blob), blob),
        )
        self._snapshot_run = None


@dataclass(frozen=True)
class Saved:
    """What one run writes to the store."""

    fingerprint: str
    documents: Sequence[Document]
    hashes: Mapping[str, str]
    plan: Plan
    claims: Sequence[Claim]
    components: Mapping[str, str]
    """Component label of every event claim whose component changed (all of them on a rebuild)."""
    incidents: Sequence[Incident]
    """Every incident of the report, before reviews are applied."""
    built: frozenset[str]
    """Ids of the incidents grouped, judged and graded in this run."""
    reviews: Sequence[ReviewRow]
    changes: Mapping[str, Any]
    inputs: Sequence[str]
    rebuild: bool


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class _Encoded:
    """The records a save writes, each with the JSON text of its row."""

    documents: list[tuple[Document, str]]
    """New and changed documents."""
    claims: list[tuple[Claim, str]]
    """The claims of the documents extracted in the run."""
    incidents: list[tuple[Incident, str, list[str]]]
    """The incidents built in the run, with their findings' texts."""


def _encode(after: Saved) -> _Encoded:
    """The JSON texts of what ``after`` writes: the rows' data, and what the snapshot reads back."""
    plan = after.plan
    return _Encoded(
        [
            (d, _json(document_to_dict(d)))
            for d in after.documents
            if d.id in plan.new or d.id in plan.changed
        ],
        [(c, _json(claim_to_dict(c))) for c in after.claims if c.document_id in plan.extract],
        [
            (i, _json(incident_to_dict(i)), [_json(finding_to_dict(f)) for f in i.findings])
            for i in after.incidents
            if i.id in after.built
        ],
    )


def _write(conn: sqlite3.Connection, before: Stored, after: Saved, encoded: _Encoded) -> None:
    plan = after.plan
    if after.rebuild:
        conn.execute("DELETE FROM claims")
        conn.execute("DELETE FROM incidents")
        conn.execute("DELETE FROM findings")
    else:
        conn.executemany("DELETE FROM claims WHERE id = ?", ((c,) for c in plan.removed_claims))
    conn.executemany(
        "INSERT INTO documents (id, hash, data) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, data = excluded.data",
        ((d.id, after.hashes[d.id], text) for d, text in encoded.documents),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO claims (id, document_id, component, data) VALUES (?, ?, ?, ?)",
        ((c.id, c.document_id, after.components.get(c.id), text) for c, text in encoded.claims),
    )
    conn.executemany(
        "UPDATE claims SET component = ? WHERE id = ?",
        ((label, claim_id) for claim_id, label in after.components.items()),
    )
    kept = {i.id for i in after.incidents}
    gone = [(i,) for i in before.incidents if i not in kept]
    conn.executemany("DELETE FROM incidents WHERE id = ?", gone)
    conn.executemany("DELETE FROM findings WHERE incident_id = ?", gone)
    conn.executemany("DELETE FROM findings WHERE incident_id = ?", ((i.id,) for i, _, _ in encoded.incidents))
    conn.executemany(
        "INSERT OR REPLACE INTO incidents VALUES (?, ?)", ((i.id, text) for i, text, _ in encoded.incidents)
    )
    conn.executemany(
        "INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?)",
        (
            (f.id, i.id, pos, f.claim_id, f.relation.value, text)
            for i, _, texts in encoded.incidents
            for pos, (f, text) in enumerate(zip(i.findings, texts, strict=True))
        ),
    )
    conn.execute("DELETE FROM reviews")
    conn.executemany(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?)",
        ((r.id, r.key, r.review.value, r.review.reviewer, r.review.note, r.origin) for r in after.reviews),
    )


@dataclass
class _Rows:
    """A :class:`Stored` as :mod:`verify.codec` rows in mutable dicts: what a base holds, and
    what deltas apply to (so neither a load nor a new base decodes a record twice)."""

    documents: dict[str, tuple[str, Row]]
    claims: dict[str, list[Row]]
    """By document id; a claim row starts with the claim's id."""
    components: dict[str, str]
    incidents: dict[str, Row]
    reviews: list[Row]

    @classmethod
    def of(cls, state: Stored) -> _Rows:
        return cls(
            {ident: (digest, document_to_row(doc)) for ident, (digest, doc) in state.documents.items()},
            {doc_id: [claim_to_row(c) for c in claims] for doc_id, claims in state.claims.items()},
            dict(state.components),
            {ident: incident_to_row(incident) for ident, incident in state.incidents.items()},
            _review_rows(state.reviews),
        )

    def apply(self, delta: Row) -> None:
        """Apply a :func:`_delta`, following the tables' orders: an updated document keeps its
        place, a new one comes last, and a replaced incident moves to the end."""
        documents, claims, components, gone, built, reviews = delta
        for ident, digest, row in documents:
            self.documents[ident] = (digest, row)
        for doc_id, rows in claims:  # every document extracted in the run, with its claims now
            for old in self.claims.get(doc_id, ()):
                self.components.pop(old[0], None)
            self.claims[doc_id] = rows
        if components:
            exists = {row[0] for rows in self.claims.values() for row in rows}
            self.components.update((claim_id, label) for claim_id, label in components if claim_id in exists)
        for ident in gone:
            del self.incidents[ident]
        for row in built:
            self.incidents.pop(row[0], None)
            self.incidents[row[0]] = row
        self.reviews = reviews

    def base(self) -> bytes:
        """These rows as one ``marshal`` blob."""
        return marshal.dumps(
            (
                [(ident, digest, row) for ident, (digest, row) in self.documents.items()],
                list(self.claims.items()),
                list(self.components.items()),
                list(self.incidents.values()),
                self.reviews,
            )
        )

    @classmethod
    def from_base(cls, blob: bytes) -> _Rows:
        documents, claims, components, incidents, reviews = marshal.loads(blob)
        return cls(
            {ident: (digest, row) for ident, digest, row in documents},
            dict(claims),
            dict(components),
            {row[0]: row for row in incidents},
            reviews,
        )

    def stored(self, run: int, print_: str | None) -> Stored:
        """The records these rows hold."""
        documents = {
            ident: (digest, document_from_row(row)) for ident, (digest, row) in self.documents.items()
        }
        claims = {doc_id: tuple(claim_from_row(row) for row in rows) for doc_id, rows in self.claims.items()}
        # Claims are ordered by document, as extraction produced them.
        by_doc = {doc_id: claims.get(doc_id, ()) for doc_id in documents}
        incidents = {ident: incident_from_row(row) for ident, row in self.incidents.items()}
        return Stored(
            run, print_, documents, by_doc, self.components, incidents, _reviews_from_rows(self.reviews)
        )


def _delta(before: Stored, after: Saved, encoded: _Encoded) -> Row:
    """What :func:`_write` changes, as rows, such that :meth:`_Rows.apply` makes of ``before`` the
    state :func:`_read_rows` then reads. Each record is written as its JSON text reads back."""
    extract = after.plan.extract
    claims: dict[str, list[Row]] = {d.id: [] for d in after.documents if d.id in extract}
    for claim, text in encoded.claims:
        claims[claim.document_id].append(claim_to_row(claim_from_dict(json.loads(text))))
    kept = set() if after.rebuild else {i.id for i in after.incidents}
    built = [
        incident_to_row(
            incident_from_dict(json.loads(text), tuple(finding_from_dict(json.loads(f)) for f in findings))
        )
        for _, text, findings in encoded.incidents
    ]
    return (
        [
            (d.id, after.hashes[d.id], document_to_row(document_from_dict(json.loads(text))))
            for d, text in encoded.documents
        ],
        list(claims.items()),
        list(after.components.items()),
        [ident for ident in before.incidents if ident not in kept],
        built,
        _review_rows(after.reviews),
    )


def _review_rows(reviews: Sequence[ReviewRow]) -> list[Row]:
    return [(r.id, r.key, r.review.value, r.review.reviewer, r.review.note, r.origin) for r in reviews]


def _reviews_from_rows(rows: Sequence[Row]) -> tuple[ReviewRow, ...]:
    return tuple(
        ReviewRow(i, key, Review(value, who, note), origin) for i, key, value, who, note, origin in rows
    )


def _read_snapshot(cur: sqlite3.Cursor, run: int, print_: str | None) -> Stored | None:
    """The state of run ``run`` from the snapshot, or None when there is no good one."""
    chain = cur.execute("SELECT run, kind, format, checksum, data FROM snapshots ORDER BY run").fetchall()
    if not chain or [row[0] for row in chain] != list(range(run - len(chain) + 1, run + 1)):
        return None
    for n, (_, kind, form, checksum, data) in enumerate(chain):
        if (kind == "base") != (n == 0) or form != _SNAPSHOT_FORMAT or not isinstance(data, bytes):
            return None
        if zlib.crc32(data) != checksum:
            return None
    try:
        rows = _Rows.from_base(chain[0][4])
        for *_, data in chain[1:]:
            rows.apply(marshal.loads(data))
        return rows.stored(run, print_)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, EOFError, OverflowError):
        return None  # not a snapshot this verify wrote: the rows are read instead


def _read_rows(cur: sqlite3.Cursor, run: int, print_: str | None) -> Stored:
    """The state the tables hold."""
    documents = {
        doc_id: (digest, document_from_dict(json.loads(data)))
        for doc_id, digest, data in cur.execute("SELECT id, hash, data FROM documents ORDER BY seq")
    }
    claims: dict[str, list[Claim]] = {}
    components: dict[str, str] = {}
    for claim_id, doc_id, component, data in cur.execute(
        "SELECT id, document_id, component, data FROM claims ORDER BY seq"
    ):
        claims.setdefault(doc_id, []).append(claim_from_dict(json.loads(data)))
        if component is not None:
            components[claim_id] = component
    findings: dict[str, list[Finding]] = {}
    for incident_id, data in cur.execute("SELECT incident_id, data FROM findings ORDER BY pos"):
        findings.setdefault(incident_id, []).append(finding_from_dict(json.loads(data)))
    incidents = {
        incident_id: incident_from_dict(json.loads(data), tuple(findings.get(incident_id, ())))
        for incident_id, data in cur.execute("SELECT id, data FROM incidents ORDER BY rowid")
    }
    reviews = tuple(
        ReviewRow(ident, key, Review(value, reviewer, note), origin)
        for ident, key, value, reviewer, note, origin in cur.execute(
            "SELECT id, key, value, reviewer, note, origin FROM reviews ORDER BY rowid"
        )
    )
    # Claims are ordered by document, as extraction produced them.
    by_doc = {doc_id: tuple(claims.get(doc_id, ())) for doc_id in documents}
    return Stored(run, print_, documents, by_doc, components, incidents, reviews)
