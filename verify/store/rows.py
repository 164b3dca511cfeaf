"""The store's tables as rows of JSON text: what a save writes, and reading them all back.

The rows are the store's truth; :mod:`verify.store.snapshot` only keeps a faster copy of them.
:func:`encode_rows` turns a run's records into the JSON texts that both :func:`write_rows` and the
snapshot's delta use, so each record is encoded once per save.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from verify.codec import (
    claim_from_dict,
    claim_to_dict,
    document_from_dict,
    document_to_dict,
    finding_from_dict,
    finding_to_dict,
    incident_from_dict,
    incident_to_dict,
)
from verify.records import Claim, Document, Finding, Incident, Review
from verify.report import ReviewRow
from verify.store.state import Saved, Stored


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class Encoded:
    """The records a save writes, each with the JSON text of its row."""

    documents: list[tuple[Document, str]]
    """New and changed documents."""
    claims: list[tuple[Claim, str]]
    """The claims of the documents extracted in the run."""
    incidents: list[tuple[Incident, str, list[str]]]
    """The incidents built in the run, with their findings' texts."""


def encode_rows(after: Saved) -> Encoded:
    """The JSON texts of what ``after`` writes: the rows' data, and what the snapshot reads back."""
    plan = after.plan
    return Encoded(
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


def write_rows(conn: sqlite3.Connection, before: Stored, after: Saved, encoded: Encoded) -> None:
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


def read_rows(cur: sqlite3.Cursor, run: int, print_: str | None) -> Stored:
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
