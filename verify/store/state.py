"""The records the incremental store reads and writes, and the pure decisions made on them.

:class:`Stored` is what a store holds after its last run, :class:`Plan` which documents a run
extracts (:func:`plan_documents`), and :class:`Saved` what one run writes back. None of this
touches the file: :mod:`verify.store.db` does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verify.codec import document_to_dict
from verify.records import Claim, Document, Incident
from verify.report import ReviewRow


def text_hash(doc: Document) -> str:
    """What decides whether a stored document must be read again: its text and metadata."""
    data = document_to_dict(doc)
    data.pop("origin")  # the same document read from another file is the same document
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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


def merge_reviews(stored: Sequence[ReviewRow], given: Sequence[ReviewRow]) -> list[ReviewRow]:
    """The stored reviews, each replaced by a newer one of the same id, then the new ones."""
    latest = {row.id: row for row in given}
    merged = [latest.pop(row.id, row) for row in stored]
    return merged + list(latest.values())


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
