"""Facets of an event claim: actor, weapon, count, target, location, time, outcome, casualties.

Rules over the bundled lexicon (``data/lexicon.json``), the source registry and the gazetteer, in
Arabic and English. A clause giving background ("ردا على ...", "after vowing ...") is blanked out
first, so that a motive or a pledge does not lend its weapon, place or toll to the event. Text with
no event cue at all gets empty ``Facets()``.

This module assembles the facets; the extractors live beside it: lexicon matching in
:mod:`verify.facets.lexicon`, weapon, count, outcome and casualties in :mod:`verify.facets.counts`, and
actor, target and location in :mod:`verify.facets.entities`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from verify.facets.counts import find_casualties, find_outcome, find_weapon_and_count, number_before
from verify.facets.entities import find_actor, find_location, find_places, find_target
from verify.facets.lexicon import find_terms, mask_background
from verify.records import Entity, Facets, Weapon
from verify.registry import Gazetteer, SourceRegistry
from verify.text import date_spans, find_numbers, find_time, occupied_by, reported_clause_start


def _extract(
    text: str, lang: str, published: dt.date | None, registry: SourceRegistry, places: Gazetteer
) -> Facets:
    arms = find_terms(text, "arms")
    outcomes = find_terms(text, "outcomes")
    armed = occupied_by(arms)
    verbs = [v for v in find_terms(text, "verbs") if not armed.overlaps(v.start, v.end)]
    dates = date_spans(text)
    # '16 Apr 2017': a date's day and year are never a count or a toll
    numbers = [n for n in find_numbers(text) if not any(s <= n.start and n.end <= e for s, e in dates)]
    used = {m.start for h in arms if (m := number_before(h.start, numbers, text)) is not None}
    casualties = find_casualties(text, numbers, outcomes, used)
    if not (arms or outcomes or verbs or casualties):
        return Facets()
    weapon, count = find_weapon_and_count(arms, numbers, text)
    anchor = verbs[0] if verbs else (arms[0] if arms else None)
    located, towns = find_places(text, registry, places, [*arms, *find_terms(text, "actors")])
    target, target_id = find_target(text, places, located, anchor)
    sites = [m for m in located if m.id == target_id]
    weapons = [h for h in arms if h.label != "attack"]
    actor = find_actor(text, registry, anchor, [*find_terms(text, "targets"), *sites, *towns], weapons)
    return Facets(
        actor=actor,
        weapon=weapon,
        count=count,
        target=target,
        location=find_location(places, located, target_id, lang, reported_clause_start(text)),
        time=find_time(text, published),
        outcome=find_outcome(outcomes, text),
        casualties=casualties,
    )


def weapons_named(text: str) -> frozenset[Weapon]:
    """Every weapon ``text`` names ('drones and some 300 rockets': drone and rocket)."""
    return frozenset(Weapon(h.label) for h in find_terms(text, "arms") if h.label != "attack")


def extract_facets(
    text: str, *, lang: str, published: dt.date | None, registry: SourceRegistry, places: Gazetteer
) -> Facets:
    """Facets a claim states; a facet the text does not state is ``None``."""
    masked = mask_background(text)
    facets = _extract(masked, lang, published, registry, places)
    if facets == Facets() and masked != text:
        facets = _extract(text, lang, published, registry, places)
    return _named(facets, registry, places)


def _named(facets: Facets, registry: SourceRegistry, places: Gazetteer) -> Facets:
    """Registry and gazetteer ids replaced by their canonical names, as the contract has them."""

    def place(entity: Entity | None) -> Entity | None:
        if entity is None or entity.canonical is None:
            return entity
        return Entity(entity.text, places.get(entity.canonical).name)

    actor = facets.actor
    if actor is not None and actor.canonical is not None:
        actor = Entity(actor.text, registry.get(actor.canonical).name)
    return replace(facets, actor=actor, target=place(facets.target), location=place(facets.location))
