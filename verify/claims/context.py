"""Facets a claim leaves to its context: "the factions added that they hit the base directly".

News copy states the weapon, target and place of an attack once and then comes back to it
("وأضافت الفصائل أنها أصابت القاعدة", "the group added that ..."). A later event claim by the same
source in the same document that names nothing conflicting is read as speaking of the same
attack, and takes the facets it does not state from the nearest earlier such claim. What the
claim asserts itself (outcome, casualties) is never inherited.

A report about one attack states its place and day in its lead (the headline and first sentence)
and then quotes reactions, tolls and witnesses without repeating them: :func:`fill_from_lead`
gives every later event claim that states no place or no date of its own the lead's.
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


def _unplaced(facets: Facets) -> bool:
    return facets.target is None and facets.location is None and facets.time is None


def resolve_in_document(claims: Sequence[Claim], outlet: str | None = None) -> list[Claim]:
    """Claims of one document, later event claims completed from earlier ones.

    Two readings, both limited to claims that name nothing conflicting:

    - a claim by the same source as an earlier one takes the facets it leaves out; claims in the
      voice of an outlet (``outlet``: the document's own source when it is a news outlet or
      unknown) are excluded, since headlines and sub-headlines of one page often speak of
      different attacks;
    - a claim by anyone that names no target, place or time ("a U.S. official said both drones
      were shot down") is about the attack just described, and takes its target, place and time.
    """
    resolved: list[Claim] = []
    last_by_source: dict[str, Claim] = {}
    last_event: Claim | None = None
    for claim in claims:
        if claim.kind != ClaimKind.EVENT:
            resolved.append(claim)
            continue
        earlier = last_by_source.get(claim.source)
        if claim.source != outlet and earlier is not None and not _conflicts(claim.facets, earlier.facets):
            claim = replace(claim, facets=_inherit(claim.facets, earlier.facets))
        elif (
            last_event is not None
            and _unplaced(claim.facets)
            and not _conflicts(claim.facets, last_event.facets)
        ):
            scene = Facets(
                target=last_event.facets.target,
                location=last_event.facets.location,
                time=last_event.facets.time,
            )
            claim = replace(claim, facets=_inherit(claim.facets, scene))
        last_by_source[claim.source] = claim
        last_event = claim
        resolved.append(claim)
    return resolved


LEAD_CHARS = 400
"""How far into a document its lead reaches (a headline and a first sentence or two)."""


def fill_from_lead(claims: Sequence[Claim], lead_chars: int = LEAD_CHARS) -> list[Claim]:
    """Event claims of one document given the place and date of its lead where they state none.

    The lead's place is the most specific place its event claims name, its date the first date
    they state. A claim that states its own place or date keeps it; a document whose lead names
    two different places or dates (a round-up of several attacks) gives nothing.
    """
    lead = [c for c in claims if c.kind == ClaimKind.EVENT and c.start < lead_chars]
    places = {c.facets.location.canonical for c in lead if c.facets.location and c.facets.location.canonical}
    dates = {c.facets.time.date for c in lead if c.facets.time and c.facets.time.date}
    location = next(
        (c.facets.location for c in lead if c.facets.location and c.facets.location.canonical), None
    )
    time = next((c.facets.time for c in lead if c.facets.time and c.facets.time.date), None)
    if len(places) > 1:
        location = None
    if len(dates) > 1:
        time = None
    if location is None and time is None:
        return list(claims)
    out = []
    for claim in claims:
        f = claim.facets
        if claim.kind == ClaimKind.EVENT and ((f.location is None and location) or (f.time is None and time)):
            f = replace(f, location=f.location or location, time=f.time or time)
            claim = replace(claim, facets=f)
        out.append(claim)
    return out
