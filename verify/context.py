"""Facets a claim leaves to its context: "the factions added that they hit the base directly".

News copy states the weapon, target and place of an attack once and then comes back to it
("وأضافت الفصائل أنها أصابت القاعدة", "the group added that ..."). A later event claim by the same
source in the same document that names nothing conflicting is read as speaking of the same
attack, and takes the facets it does not state from the nearest earlier such claim. What the
claim asserts itself (outcome, casualties) is never inherited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from verify.records import Claim, ClaimKind, Entity, Facets

_INHERITED = ("actor", "weapon", "count", "target", "location", "time")


def _canonical(entity: Entity | None) -> str | None:
    return entity.canonical if entity is not None else None


def _conflicts(later: Facets, earlier: Facets) -> bool:
    """True when the later claim names something the earlier one contradicts: another attack."""
    if later.weapon is not None and earlier.weapon is not None and later.weapon != earlier.weapon:
        return True
    for name in ("actor", "target", "location"):
        a, b = _canonical(getattr(later, name)), _canonical(getattr(earlier, name))
        if a is not None and b is not None and a != b:
            return True
    a_date = later.time.date if later.time else None
    b_date = earlier.time.date if earlier.time else None
    return a_date is not None and b_date is not None and a_date != b_date


def _inherit(later: Facets, earlier: Facets) -> Facets:
    filled: dict[str, object] = {}
    for name in _INHERITED:
        mine, theirs = getattr(later, name), getattr(earlier, name)
        if theirs is None:
            continue
        # A generic "the base" (no canonical name) gives way to the named base it refers to.
        generic = isinstance(mine, Entity) and mine.canonical is None and _canonical(theirs) is not None
        if mine is None or generic:
            filled[name] = theirs
    return replace(later, **filled) if filled else later  # type: ignore[arg-type]


def resolve_in_document(claims: Sequence[Claim], own_source: str | None = None) -> list[Claim]:
    """Claims of one document, later event claims completed from earlier ones by the same source.

    Claims in the document's own voice (``own_source``) are left alone: headlines and
    sub-headlines of one page often speak of different attacks.
    """
    resolved: list[Claim] = []
    last_by_source: dict[str, Claim] = {}
    for claim in claims:
        if claim.kind != ClaimKind.EVENT or claim.source == own_source:
            resolved.append(claim)
            continue
        earlier = last_by_source.get(claim.source)
        if earlier is not None and not _conflicts(claim.facets, earlier.facets):
            claim = replace(claim, facets=_inherit(claim.facets, earlier.facets))
        last_by_source[claim.source] = claim
        resolved.append(claim)
    return resolved
