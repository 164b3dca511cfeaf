"""Report -> plain JSON-ready dict, in the ``report.json`` shape promised by CONTRACT.md.

Enums become their string values, dates ISO strings, and a value the text does not state ``null``.
Extra keys (``side``, ``speaker``, ``grade_rule``, ``review``) extend the contract without
renaming anything in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

from verify.codec import claim_to_dict, jsonable
from verify.records import (
    Claim,
    Document,
    Finding,
    Incident,
    Report,
    Review,
)
from verify.report.jsontext import array_chunks, dumps_indented
from verify.report.review import UnmatchedReview


def _document(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "source_type": doc.source_type.value,
        "lang": doc.lang,
        "published": jsonable(doc.published),
        "url": doc.url,
        "title": doc.title,
        "side": doc.side,
    }


def _review(review: Review, key: str) -> dict[str, Any]:
    return {key: review.value, "reviewer": review.reviewer, "note": review.note}


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": finding.id,
        "claim_id": finding.claim_id,
        "evidence_claim_id": finding.evidence_claim_id,
        "relation": finding.relation.value,
        "confidence": float(finding.confidence),
        "explanation": finding.explanation,
        "facets": [
            {"name": d.name, "claimed": jsonable(d.claimed), "reported": jsonable(d.reported)}
            for d in finding.facets
        ],
    }
    if finding.review is not None:
        out["review"] = _review(finding.review, "relation")
    return out


def _incident(incident: Incident) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": incident.id,
        "title": incident.title,
        "claim_ids": list(incident.claim_ids),
        "grade": incident.grade.value,
        "grade_rule": incident.grade_rule,
        "findings": [_finding(f) for f in incident.findings],
    }
    if incident.possible_links:
        out["possible_links"] = [
            {"incident_id": k.incident_id, "probability": k.probability, "reason": k.reason}
            for k in incident.possible_links
        ]
    if incident.grouping_reviews:
        out["grouping_reviews"] = [
            {"action": g.action, "ids": list(g.ids), "reviewer": g.reviewer, "note": g.note}
            for g in incident.grouping_reviews
        ]
    if incident.review is not None:
        out["review"] = _review(incident.review, "grade")
    return out


def unmatched_to_dict(item: UnmatchedReview) -> dict[str, Any]:
    """A review that applies to nothing: its row as read, where it was read, and why."""
    row = item.row
    return {
        "id": row.id,
        **_review(row.review, row.key),
        "origin": row.origin,
        "reason": item.reason,
    }


def report_to_dict(report: Report, unmatched: Sequence[UnmatchedReview] = ()) -> dict[str, Any]:
    """The whole report as the JSON-ready dict written to ``report.json``.

    ``unmatched_reviews`` lists the reviews that applied to nothing (empty without reviews).
    """
    return {
        "schema_version": report.schema_version,
        "documents": [_document(d) for d in report.documents],
        "claims": [claim_to_dict(c) for c in report.claims],
        "incidents": [_incident(i) for i in report.incidents],
        "unmatched_reviews": [unmatched_to_dict(u) for u in unmatched],
    }


def report_json(
    report: Report,
    unmatched: Sequence[UnmatchedReview] = (),
    *,
    incidents: Mapping[str, str] | None = None,
    claims: Mapping[str, str] | None = None,
) -> str:
    """report.json's text, ``dumps_indented(report_to_dict(report, unmatched))``, built from
    records already encoded where given: ``incidents`` and ``claims`` map ids to a record's text
    as :func:`incident_json` and :func:`claim_json` give it."""
    return "".join(report_json_chunks(report, unmatched, incidents=incidents, claims=claims))


def report_json_chunks(
    report: Report,
    unmatched: Sequence[UnmatchedReview] = (),
    *,
    incidents: Mapping[str, str] | None = None,
    claims: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """:func:`report_json`'s text in pieces, record by record, so that a large report's file
    can be written without ever holding all of it."""
    given_incidents, given_claims = incidents or {}, claims or {}
    sections: list[tuple[str, Iterable[str]]] = [
        ("documents", (dumps_indented(_document(d), 2) for d in report.documents)),
        ("claims", (given_claims.get(c.id) or claim_json(c) for c in report.claims)),
        ("incidents", (given_incidents.get(i.id) or incident_json(i) for i in report.incidents)),
        ("unmatched_reviews", (dumps_indented(unmatched_to_dict(u), 2) for u in unmatched)),
    ]
    yield "{\n  " + encode_basestring("schema_version") + ": " + dumps_indented(report.schema_version)
    for name, items in sections:
        yield ",\n  " + encode_basestring(name) + ": "
        yield from array_chunks(items, 1)
    yield "\n}"


def claim_json(claim: Claim) -> str:
    """A claim's record as report.json holds it (indented for its place there)."""
    return dumps_indented(claim_to_dict(claim), 2)


def incident_json(incident: Incident) -> str:
    """An incident's record as report.json holds it (indented for its place there)."""
    return dumps_indented(_incident(incident), 2)
