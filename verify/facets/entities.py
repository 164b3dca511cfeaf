"""Facet extractors for who and where: the actor, the target and the location of an attack.

The actor is a party from the source registry or an attacker phrase in a subject position next to
the attack verb; the target and location are gazetteer places (or a generic target phrase), with
the location the most specific mentioned place that contains the target.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from verify.facets.lexicon import TermHit, find_terms, glued_preposition, word_set, words_before
from verify.records import Entity, SourceType
from verify.registry import Gazetteer, Mention, SourceRegistry
from verify.text import fold_key, has_arabic, occupied_by

_TARGET_KINDS = ("base", "airport", "field", "camp", "crossing")
_AREA_RANK = {"city": 0, "province": 1, "region": 2, "country": 3, "sea": 4}


# -- actor, target, location --------------------------------------------------------------------


def _inside_any(m: Mention, hits: list[TermHit]) -> bool:
    """Whether ``m`` lies within one of ``hits`` (disjoint, in text order: only one can hold it)."""
    i = bisect.bisect_right(hits, m.start, key=lambda h: h.start) - 1
    return i >= 0 and hits[i].end >= m.end


def _overlapping(m: Mention, mentions: Sequence[Mention]) -> list[Mention]:
    """The ``mentions`` (disjoint, in text order) that overlap ``m``, found by binary search."""
    i = bisect.bisect_right(mentions, m.start, key=lambda s: s.end)
    out = []
    while i < len(mentions) and mentions[i].start < m.end:
        if m.start < mentions[i].end:
            out.append(mentions[i])
        i += 1
    return out


def find_actor(
    text: str,
    registry: SourceRegistry,
    anchor: TermHit | None,
    avoid: list[TermHit | Mention],
    arms: list[TermHit],
) -> Entity | None:
    """The attacker: a party or attacker phrase nearest the attack verb, in a subject position."""
    found: list[tuple[int, int, str | None, bool]] = []  # start, end, source id, glued preposition
    avoided = occupied_by(avoid)
    for m in registry.find_mentions(text):
        if (
            registry.get(m.id).source_type is SourceType.PARTY
            and not registry.get(m.id).outlet
            and not avoided.overlaps(m.start, m.end)
            and not _inside_any(m, arms)  # 'المسيرة' is a drone
        ):
            glued = fold_key(text[text.rfind(" ", 0, m.start) + 1 : m.start])
            found.append((m.start, m.end, m.id, glued_preposition(glued)))
    # An attacker phrase replaces the registry names inside it; both lists are disjoint and in
    # text order, so the names inside one phrase are found by binary search.
    inside_phrase: set[int] = set()
    phrases: list[tuple[int, int, str | None, bool]] = []
    for hit in find_terms(text, "actors"):
        if not avoided.overlaps(hit.start, hit.end):
            i = bisect.bisect_left(found, hit.start, key=lambda f: f[0])
            inner = []
            while i < len(found) and found[i][0] < hit.end:
                if found[i][1] <= hit.end:
                    inner.append(found[i])
                    inside_phrase.add(i)
                i += 1
            source = registry.lookup(text[hit.start : hit.end])
            source_id = source.id if source else (inner[0][2] if inner else None)
            phrases.append((hit.start, hit.end, source_id, hit.preposition))
    found = [f for i, f in enumerate(found) if i not in inside_phrase] + phrases
    agents = {h.end for h in find_terms(text, "passive")}
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
        elif has_arabic(text[start:end]) or any(start - d in agents for d in (0, 1, 2)):
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
    places: Gazetteer, located: list[Mention], target_id: str | None, lang: str, said_from: int = 0
) -> Entity | None:
    """The most specific mentioned place containing the target; its parent when none is mentioned.

    Places in the reported clause (from ``said_from`` on) win over those before it, which
    describe the speaker ("the minister in the capital told reporters that ...").
    """
    areas = [m for m in located if places.get(m.id).kind in _AREA_RANK and m.id != target_id]
    areas = [m for m in areas if m.start >= said_from] or areas
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
    occupied = occupied_by(taken)
    located, won = [], []
    for m in places.find(text):
        clashing = _overlapping(m, sources)
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
        if occupied.overlaps(m.start, m.end) or (clashing and not (inside or at)):
            continue
        located.append(m)
        if clashing:
            won.append(m)
    return located, won
