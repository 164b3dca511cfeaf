"""Records <-> JSON-ready dicts: a claim's report.json shape, and the incremental store's forms.

:func:`claim_to_dict` and :func:`jsonable` are the one place a claim and a facet value become
JSON (``verify.report.serialize`` builds report.json from them; ``verify extract`` writes them).
Claims are written exactly as ``report.json`` writes them (:func:`claim_to_dict`) and read back
here into the same frozen records, so a stored claim and a freshly extracted one compare equal.
Documents keep their text and origin (report.json leaves those out); incidents keep their
findings. A finding's facet differences are JSON values already (see ``verify.judge.rules``), so they
round-trip as they are.

The ``*_row`` functions write the same records as tuples of plain values (dates as ordinals), the
form of the store's snapshot (see :mod:`verify.store.snapshot`): ``marshal`` reads those many times faster
than ``json`` reads the dicts, and building a record from a tuple skips the keys. A record read
back from a row equals the record read back from its dict.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any, TypeVar

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
    PossibleLink,
    Relation,
    Review,
    SourceType,
    TimeRef,
    Weapon,
)

__all__ = [
    "FACET_NAMES",
    "Row",
    "claim_from_dict",
    "claim_from_row",
    "claim_to_dict",
    "claim_to_row",
    "document_from_dict",
    "document_from_row",
    "document_to_dict",
    "document_to_row",
    "finding_from_dict",
    "finding_to_dict",
    "incident_from_dict",
    "incident_from_row",
    "incident_to_dict",
    "incident_to_row",
    "jsonable",
]


FACET_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Facets))
"""Facet names in their contract order."""


def jsonable(value: object) -> Any:
    """Any facet value (or a FacetDiff's claimed/reported) as a JSON-ready value."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Entity):
        return {"text": value.text, "canonical": value.canonical}
    if isinstance(value, TimeRef):
        return {"text": value.text, "date": value.date.isoformat() if value.date else None}
    if isinstance(value, Casualties):
        return {"killed": value.killed, "injured": value.injured, "none_reported": value.none_reported}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    # Unknown objects still serialise rather than crash a finished run.
    return str(value)


def _facets_to_dict(facets: Facets) -> dict[str, Any]:
    return {name: jsonable(getattr(facets, name)) for name in FACET_NAMES}


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """One claim in its report.json shape (also the line format of ``verify extract``)."""
    return {
        "id": claim.id,
        "document_id": claim.document_id,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "source": claim.source,
        "source_type": claim.source_type.value,
        "lang": claim.lang,
        "kind": claim.kind.value,
        "facets": _facets_to_dict(claim.facets),
        "side": claim.side,
        "speaker": claim.speaker,
        "published": jsonable(claim.published),
    }


E = TypeVar("E", bound=Enum)


def _members(kind: type[E]) -> dict[Any, E]:
    # A dict look-up, ten times faster than calling the enum: a store holds ~10^5 of them.
    return {member.value: member for member in kind}


_SOURCE_TYPE, _KIND, _WEAPON = _members(SourceType), _members(ClaimKind), _members(Weapon)
_OUTCOME, _RELATION, _GRADE = _members(Outcome), _members(Relation), _members(Grade)
# The other way, for rows: ``member.value`` is a property, slow over 10^5 records.
_VALUE: dict[Enum | None, Any] = {
    member: member.value
    for kind in (SourceType, ClaimKind, Weapon, Outcome, Relation, Grade)
    for member in kind
}
_VALUE[None] = None


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
        source_type=_SOURCE_TYPE[data["source_type"]],
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
        weapon=_WEAPON[data["weapon"]] if data["weapon"] is not None else None,
        count=data["count"],
        target=_entity(data["target"]),
        location=_entity(data["location"]),
        time=TimeRef(time["text"], _date(time["date"])) if time is not None else None,
        outcome=_OUTCOME[data["outcome"]] if data["outcome"] is not None else None,
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
        source_type=_SOURCE_TYPE[data["source_type"]],
        lang=data["lang"],
        kind=_KIND[data["kind"]],
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
        relation=_RELATION[data["relation"]],
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
        "possible_links": [[k.incident_id, k.probability, k.reason] for k in incident.possible_links],
    }


def incident_from_dict(data: dict[str, Any], findings: tuple[Finding, ...]) -> Incident:
    """The incident :func:`incident_to_dict` wrote, with its findings."""
    return Incident(
        id=data["id"],
        title=data["title"],
        claim_ids=tuple(data["claim_ids"]),
        grade=_GRADE[data["grade"]],
        grade_rule=data["grade_rule"],
        findings=findings,
        review=_review(data["review"]),
        possible_links=tuple(PossibleLink(i, p, r) for i, p, r in data.get("possible_links", ())),
    )


Row = tuple[Any, ...]
"""A record as a tuple of ``marshal``-able values, fields in their dataclass order."""


def _ordinal(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def _day(ordinal: int | None) -> dt.date | None:
    return dt.date.fromordinal(ordinal) if ordinal is not None else None


def _entity_row(entity: Entity | None) -> Row | None:
    return (entity.text, entity.canonical) if entity is not None else None


def _entity_from_row(row: Row | None) -> Entity | None:
    return Entity(row[0], row[1]) if row is not None else None


def _review_row(review: Review | None) -> Row | None:
    return (review.value, review.reviewer, review.note) if review is not None else None


def _review_from_row(row: Row | None) -> Review | None:
    return Review(row[0], row[1], row[2]) if row is not None else None


def document_to_row(doc: Document) -> Row:
    """Every field of a document, as :func:`document_to_dict` keeps them."""
    return (
        doc.id, doc.text, doc.source, _VALUE[doc.source_type], doc.side, _ordinal(doc.published), doc.lang,
        doc.url, doc.title, doc.origin,
    )  # fmt: skip


def document_from_row(row: Row) -> Document:
    """The document :func:`document_to_row` wrote."""
    return Document(
        row[0], row[1], row[2], _SOURCE_TYPE[row[3]], row[4], _day(row[5]), row[6], row[7], row[8], row[9]
    )


def claim_to_row(claim: Claim) -> Row:
    """Every field of a claim, facets included."""
    f = claim.facets
    time = (f.time.text, _ordinal(f.time.date)) if f.time is not None else None
    casualties = f.casualties
    facets = (
        _entity_row(f.actor),
        _VALUE[f.weapon],
        f.count,
        _entity_row(f.target),
        _entity_row(f.location),
        time,
        _VALUE[f.outcome],
        (casualties.killed, casualties.injured, casualties.none_reported) if casualties is not None else None,
    )
    return (
        claim.id, claim.document_id, claim.text, claim.start, claim.end, claim.source,
        _VALUE[claim.source_type], claim.lang, _VALUE[claim.kind], facets, claim.side, claim.speaker,
        _ordinal(claim.published),
    )  # fmt: skip


def claim_from_row(row: Row) -> Claim:
    """The claim :func:`claim_to_row` wrote."""
    actor, weapon, count, target, location, time, outcome, casualties = row[9]
    facets = Facets(
        _entity_from_row(actor),
        _WEAPON[weapon] if weapon is not None else None,
        count,
        _entity_from_row(target),
        _entity_from_row(location),
        TimeRef(time[0], _day(time[1])) if time is not None else None,
        _OUTCOME[outcome] if outcome is not None else None,
        Casualties(casualties[0], casualties[1], casualties[2]) if casualties is not None else None,
    )
    return Claim(
        row[0], row[1], row[2], row[3], row[4], row[5], _SOURCE_TYPE[row[6]], row[7], _KIND[row[8]], facets,
        row[10], row[11], _day(row[12]),
    )  # fmt: skip


def _finding_row(finding: Finding) -> Row:
    return (
        finding.id, finding.claim_id, finding.evidence_claim_id, _VALUE[finding.relation], finding.confidence,
        finding.explanation, tuple((d.name, d.claimed, d.reported) for d in finding.facets),
        _review_row(finding.review),
    )  # fmt: skip


def _finding_from_row(row: Row) -> Finding:
    return Finding(
        row[0], row[1], row[2], _RELATION[row[3]], row[4], row[5],
        tuple(FacetDiff(name, claimed, reported) for name, claimed, reported in row[6]),
        _review_from_row(row[7]),
    )  # fmt: skip


def incident_to_row(incident: Incident) -> Row:
    """An incident with its findings.

    Facet differences are kept as they are: rows are written of records read back from their
    dicts, whose differences are JSON values.
    """
    return (
        incident.id, incident.title, incident.claim_ids, _VALUE[incident.grade], incident.grade_rule,
        tuple(_finding_row(f) for f in incident.findings), _review_row(incident.review),
        tuple((k.incident_id, k.probability, k.reason) for k in incident.possible_links),
    )  # fmt: skip


def incident_from_row(row: Row) -> Incident:
    """The incident :func:`incident_to_row` wrote, with its findings."""
    return Incident(
        row[0], row[1], tuple(row[2]), _GRADE[row[3]], row[4], tuple(_finding_from_row(f) for f in row[5]),
        _review_from_row(row[6]), tuple(PossibleLink(i, p, r) for i, p, r in row[7]),
    )  # fmt: skip
