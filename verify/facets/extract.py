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

from verify.facets.counts import _casualties, _number_before, _outcome, _weapon_and_count
from verify.facets.entities import _actor, _location, _places, _target
from verify.facets.lexicon import _find, _mask_background, _overlaps
from verify.records import Entity, Facets
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry
from verify.text.numbers import find_numbers
from verify.text.timeexpr import find_time


def _extract(
    text: str, lang: str, published: dt.date | None, registry: SourceRegistry, places: Gazetteer
) -> Facets:
    arms = _find(text, "arms")
    outcomes = _find(text, "outcomes")
    verbs = [v for v in _find(text, "verbs") if not _overlaps(v, arms)]
    numbers = find_numbers(text)
    used = {m.start for h in arms if (m := _number_before(h.start, numbers, text)) is not None}
    casualties = _casualties(text, numbers, outcomes, used)
    if not (arms or outcomes or verbs or casualties):
        return Facets()
    weapon, count = _weapon_and_count(arms, numbers, text)
    anchor = verbs[0] if verbs else (arms[0] if arms else None)
    located, towns = _places(text, registry, places, [*arms, *_find(text, "actors")])
    target, target_id = _target(text, places, located, anchor)
    sites = [m for m in located if m.id == target_id]
    weapons = [h for h in arms if h.label != "attack"]
    actor = _actor(text, registry, anchor, [*_find(text, "targets"), *sites, *towns], weapons)
    return Facets(
        actor=actor,
        weapon=weapon,
        count=count,
        target=target,
        location=_location(places, located, target_id, lang),
        time=find_time(text, published),
        outcome=_outcome(outcomes, text),
        casualties=casualties,
    )


def extract_facets(
    text: str, *, lang: str, published: dt.date | None, registry: SourceRegistry, places: Gazetteer
) -> Facets:
    """Facets a claim states; a facet the text does not state is ``None``."""
    masked = _mask_background(text)
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
