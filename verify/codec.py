"""Records <-> JSON-ready dicts for the incremental store: the inverse of ``verify.report.serialize``.

Claims are written exactly as ``report.json`` writes them (:func:`claim_to_dict`) and read back
here into the same frozen records, so a stored claim and a freshly extracted one compare equal.
Documents keep their text and origin (report.json leaves those out); incidents keep their
findings. A finding's facet differences are JSON values already (see ``verify.judge``), so they
round-trip as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from verify.records import (
    Casualties,
    Claim,
    ClaimKind,
    Document,
    Entity,
    FacetDiff,
    Facets,
    Finding,
    Grade,
    Incident,
    Outcome,
    Relation,
    Review,
    SourceType,
    TimeRef,
    Weapon,
)
from verify.report.serialize import claim_to_dict, jsonable

__all__ = [
    "claim_from_dict",
    "claim_to_dict",
    "document_from_dict",
    "document_to_dict",
    "finding_from_dict",
    "finding_to_dict",
    "incident_from_dict",
    "incident_to_dict",
]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _entity(value: Any) -> Entity | None:
    return Entity(value["text"], value["canonical"]) if value is not None else None


def document_to_dict(doc: Document) -> dict[str, Any]:
    """Every field of a document, text and origin included."""
    return {
        "id": doc.id,
        "text": doc.text,
        "source": doc.source,
        "source_type": doc.source_type.value,
        "side": doc.side,
        "published": jsonable(doc.published),
        "lang": doc.lang,
        "url": doc.url,
        "title": doc.title,
        "origin": doc.origin,
    }


def document_from_dict(data: dict[str, Any]) -> Document:
    """The document :func:`document_to_dict` wrote."""
    return Document(
        id=data["id"],
        text=data["text"],
        source=data["source"],
        source_type=SourceType(data["source_type"]),
        side=data["side"],
        published=_date(data["published"]),
        lang=data["lang"],
        url=data["url"],
        title=data["title"],
        origin=data["origin"],
    )


def _facets(data: dict[str, Any]) -> Facets:
    time, casualties = data["time"], data["casualties"]
    return Facets(
        actor=_entity(data["actor"]),
        weapon=Weapon(data["weapon"]) if data["weapon"] is not None else None,
        count=data["count"],
        target=_entity(data["target"]),
        location=_entity(data["location"]),
        time=TimeRef(time["text"], _date(time["date"])) if time is not None else None,
        outcome=Outcome(data["outcome"]) if data["outcome"] is not None else None,
        casualties=(
            Casualties(casualties["killed"], casualties["injured"], casualties["none_reported"])
            if casualties is not None
            else None
        ),
    )


def claim_from_dict(data: dict[str, Any]) -> Claim:
    """The claim :func:`claim_to_dict` wrote (the report.json shape)."""
    return Claim(
        id=data["id"],
        document_id=data["document_id"],
        text=data["text"],
        start=data["start"],
        end=data["end"],
        source=data["source"],
        source_type=SourceType(data["source_type"]),
        lang=data["lang"],
        kind=ClaimKind(data["kind"]),
        facets=_facets(data["facets"]),
        side=data["side"],
        speaker=data["speaker"],
        published=_date(data["published"]),
    )


def _review_to_dict(review: Review | None) -> dict[str, str] | None:
    if review is None:
        return None
    return {"value": review.value, "reviewer": review.reviewer, "note": review.note}


def _review(data: dict[str, str] | None) -> Review | None:
    return Review(data["value"], data["reviewer"], data["note"]) if data is not None else None


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding with its facet differences and review."""
    return {
        "id": finding.id,
        "claim_id": finding.claim_id,
        "evidence_claim_id": finding.evidence_claim_id,
        "relation": finding.relation.value,
        "confidence": float(finding.confidence),
        "explanation": finding.explanation,
        "facets": [[d.name, jsonable(d.claimed), jsonable(d.reported)] for d in finding.facets],
        "review": _review_to_dict(finding.review),
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """The finding :func:`finding_to_dict` wrote."""
    return Finding(
        id=data["id"],
        claim_id=data["claim_id"],
        evidence_claim_id=data["evidence_claim_id"],
        relation=Relation(data["relation"]),
        confidence=data["confidence"],
        explanation=data["explanation"],
        facets=tuple(FacetDiff(name, claimed, reported) for name, claimed, reported in data["facets"]),
        review=_review(data["review"]),
    )


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """An incident without its findings (the store keeps those in their own table)."""
    return {
        "id": incident.id,
        "title": incident.title,
        "claim_ids": list(incident.claim_ids),
        "grade": incident.grade.value,
        "grade_rule": incident.grade_rule,
        "review": _review_to_dict(incident.review),
    }


def incident_from_dict(data: dict[str, Any], findings: tuple[Finding, ...]) -> Incident:
    """The incident :func:`incident_to_dict` wrote, with its findings."""
    return Incident(
        id=data["id"],
        title=data["title"],
        claim_ids=tuple(data["claim_ids"]),
        grade=Grade(data["grade"]),
        grade_rule=data["grade_rule"],
        findings=findings,
        review=_review(data["review"]),
    )
