"""The store's snapshot: a copy of :class:`~verify.store.state.Stored` a run reads faster than the rows.

The rows are the store's truth. Beside them the saves keep a snapshot of :class:`Stored`,
which a run reads three times faster than it decodes the rows' JSON: a base, every record as
tuples in one ``marshal`` blob (see :mod:`verify.codec`), then one delta per later run with
what that run wrote, so that a run does not write the whole store again. Every
``base_every``-th save, or once the deltas grow large, the save writes a new base instead
(:mod:`verify.store.db` sets both limits). Each blob is written in its save's transaction and
labelled with its run's number and a checksum; a chain that does not end at the last run (a
save by a verify that keeps none), of another format, or that does not decode, is passed over
for the rows, and the next save writes a new base. (``marshal`` builds plain values only;
unlike pickle it runs no code.)
"""

from __future__ import annotations

import json
import marshal
import sqlite3
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from verify.codec import (
    Row,
    claim_from_dict,
    claim_from_row,
    claim_to_row,
    document_from_dict,
    document_from_row,
    document_to_row,
    finding_from_dict,
    incident_from_dict,
    incident_from_row,
    incident_to_row,
)
from verify.records import Review
from verify.report import ReviewRow
from verify.store.rows import Encoded
from verify.store.state import Saved, Stored

_SNAPSHOT_FORMAT = 10_000 + 100 * sys.version_info.major + sys.version_info.minor
"""The snapshot's rows (the ten thousands, bumped when they change) and the Python that wrote
them (``marshal`` keeps no format across versions); a snapshot of another format is passed over."""


def save_snapshot(
    conn: sqlite3.Connection,
    before: Stored,
    delta: Row,
    run: int,
    *,
    extends: bool,
    base_every: int,
    delta_share: float,
) -> None:
    """Add run ``run``'s delta to the snapshot, or write a new base when that is due.

    ``extends``: the snapshot holds ``before`` (the load read it), so a delta may follow it, while
    at most ``base_every`` deltas follow the base and the deltas weigh at most ``delta_share`` of it.
    """
    blob = marshal.dumps(delta)
    chain = conn.execute("SELECT kind, length(data) FROM snapshots ORDER BY run").fetchall()
    deltas = len(blob) + sum(size for _, size in chain[1:])
    if extends and len(chain) <= base_every and deltas <= delta_share * chain[0][1]:
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
        """Apply a :func:`snapshot_delta`, following the tables' orders: an updated document keeps its
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


def snapshot_delta(before: Stored, after: Saved, encoded: Encoded) -> Row:
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


def read_snapshot(cur: sqlite3.Cursor, run: int, print_: str | None) -> Stored | None:
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
