"""Facet extractors for who and where: the actor, the target and the location of an attack.

The actor is a party from the source registry or an attacker phrase in a subject position next to
the attack verb; the target and location are gazetteer places (or a generic target phrase), with
the location the most specific mentioned place that contains the target.
"""

from __future__ import annotations

from verify.facets.lexicon import TermHit, find_terms, glued_preposition, overlaps, word_set, words_before
from verify.records import Entity, SourceType
from verify.registry import Gazetteer, Mention, SourceRegistry
from verify.text import fold_key, has_arabic

_TARGET_KINDS = ("base", "airport", "field", "camp", "crossing")
_AREA_RANK = {"city": 0, "province": 1, "region": 2, "country": 3, "sea": 4}


# -- actor, target, location --------------------------------------------------------------------


def find_actor(
    text: str,
    registry: SourceRegistry,
    anchor: TermHit | None,
    avoid: list[TermHit | Mention],
    arms: list[TermHit],
) -> Entity | None:
    """The attacker: a party or attacker phrase nearest the attack verb, in a subject position."""
    found: list[tuple[int, int, str | None, bool]] = []  # start, end, source id, glued preposition
    for m in registry.find_mentions(text):
        inside_weapon = any(h.start <= m.start and m.end <= h.end for h in arms)  # 'المسيرة' is a drone
        if (
            registry.get(m.id).source_type is SourceType.PARTY
            and not overlaps(m, avoid)
            and not inside_weapon
        ):
            glued = fold_key(text[: m.start].split(" ")[-1])
            found.append((m.start, m.end, m.id, glued_preposition(glued)))
    for hit in find_terms(text, "actors"):
        if not overlaps(hit, avoid):
            inner = [f for f in found if hit.start <= f[0] and f[1] <= hit.end]
            found = [f for f in found if f not in inner]
            source = registry.lookup(text[hit.start : hit.end])
            source_id = source.id if source else (inner[0][2] if inner else None)
            found.append((hit.start, hit.end, source_id, hit.preposition))
    agents = [h.end for h in find_terms(text, "passive")]
    scored = []
    for start, end, source_id, preposition in found:
        prev = words_before(text, start, 2)
        reporter = bool(prev) and (
            prev[-1] in word_set("reporting") or " ".join(prev) in word_set("reporting")
        )
        # 'CENTCOM said ...' names the reporter; 'the group said it fired ...' names the attacker.
        following = [w for w in fold_key(text[end : end + 40]).split()[:3] if w != "that"]
        reporter = reporter or (
            bool(following)
            and following[0] in word_set("reporting_after")
            and following[1:2] not in (["it"], ["they"], ["we"])
        )
        if preposition or reporter or (prev and prev[-1] in word_set("markers")):
            continue  # the reporter, or an object or place ('on US forces', 'لمجموعات')
        if anchor is None:
            distance = start
        elif end <= anchor.start:
            distance = anchor.start - end
        elif has_arabic(text[start:end]) or any(0 <= start - a <= 2 for a in agents):
            distance = start - anchor.end + 1  # Arabic verb-subject order, or an English passive 'by'
        else:
            continue
        scored.append((distance, start, end, source_id))
    if not scored:
        return None
    _, start, end, source_id = min(scored)
    return Entity(text[start:end], source_id)


def find_target(
    text: str, places: Gazetteer, located: list[Mention], anchor: TermHit | None
) -> tuple[Entity | None, str | None]:
    """The first named base, airport or field, else a generic target phrase ('القاعدة الأميركية')."""
    for m in located:
        if places.get(m.id).kind in _TARGET_KINDS:
            return Entity(m.text, m.id), m.id
    generic = find_terms(text, "targets")
    after = [h for h in generic if anchor is None or h.start >= anchor.start] or generic
    return (Entity(text[after[0].start : after[0].end].strip()), None) if after else (None, None)


def find_location(
    places: Gazetteer, located: list[Mention], target_id: str | None, lang: str
) -> Entity | None:
    """The most specific mentioned place containing the target; its parent when none is mentioned."""
    areas = [m for m in located if places.get(m.id).kind in _AREA_RANK and m.id != target_id]
    if target_id is not None:
        chain = places.ancestors(target_id)
        inside = [m for m in areas if m.id in chain]
        if inside:
            best = min(inside, key=lambda m: chain.index(m.id))
            return Entity(best.text, best.id)
        if not areas and chain:
            parent = places.get(chain[0])
            return Entity(parent.name_ar if lang == "ar" else parent.name, parent.id)
    if not areas:
        return None
    best = min(areas, key=lambda m: (_AREA_RANK[places.get(m.id).kind], m.start))
    return Entity(best.text, best.id)


def find_places(
    text: str, registry: SourceRegistry, places: Gazetteer, taken: list[TermHit]
) -> tuple[list[Mention], list[Mention]]:
    """Place mentions outside source, weapon and group names; and those that win over a source name."""
    sources = registry.find_mentions(text)
    located, won = [], []
    for m in places.find(text):
        clashing = [s for s in sources if s.start < m.end and m.start < s.end]
        prev = words_before(text, m.start, 1)
        # 'ريف دمشق' is a place though 'دمشق' alone may stand for the government; after 'في' or
        # 'in', 'الميادين' is the town, not the channel; so is 'Damascus' after 'downtown'
        inside = all(
            m.start <= s.start and s.end <= m.end and (s.start, s.end) != (m.start, m.end) for s in clashing
        )
        at = (
            all((s.start, s.end) == (m.start, m.end) for s in clashing)
            and prev
            and (prev[0] in word_set("markers") or prev[0] in word_set("place_markers"))
        )
        if overlaps(m, taken) or (clashing and not (inside or at)):
            continue
        located.append(m)
        if clashing:
            won.append(m)
    return located, won
