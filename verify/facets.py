"""Facets of an event claim: actor, weapon, count, target, location, time, outcome, casualties.

Rules over the bundled lexicon (``data/lexicon.json``), the source registry and the gazetteer, in
Arabic and English. A clause giving background ("ردا على ...", "after vowing ...") is blanked out
first, so that a motive or a pledge does not lend its weapon, place or toll to the event. Text with
no event cue at all gets empty ``Facets()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from verify.places import Gazetteer
from verify.records import Casualties, Count, Entity, Facets, Outcome, SourceType, Weapon
from verify.sources import Mention, SourceRegistry
from verify.text.arabic import has_arabic
from verify.text.numbers import NumberMention, find_numbers, find_phrases, fold, fold_key, load_lexicon
from verify.text.timeexpr import find_time

_TARGET_KINDS = ("base", "airport", "field")
_AREA_RANK = {"city": 0, "region": 1, "country": 2, "sea": 3}
_CLAUSE_END = re.compile(r"[،,;؛:!?؟\n]|(?<![A-Z])\.")  # "U.S." does not end a clause


@dataclass(frozen=True)
class _Hit:
    """A lexicon phrase in the claim, in original offsets; ``label`` is what it stands for."""

    start: int
    end: int
    label: str
    form: str = ""
    definite: bool = False
    preposition: bool = False


@functools.cache
def _phrases(kind: str) -> tuple[tuple[str, str], ...]:
    lex = load_lexicon()
    cas = lex["casualties"]
    if kind == "arms":
        arms = [
            (p, f"{w}:{form}")
            for w, forms in lex["weapons"].items()
            for form, ps in forms.items()
            for p in ps
        ]
        return (*arms, *((p, f"attack:{form}") for form, ps in lex["attacks"].items() for p in ps))
    if kind == "outcomes":
        return tuple((p, o) for o, ps in lex["outcomes"].items() if not o.startswith("_") for p in ps)
    if kind == "cues":
        return (*((p, "killed") for p in cas["killed"]), *((p, "injured") for p in cas["injured"]))
    if kind == "victims":
        return (*((p, "1") for p in cas["victims_singular"]), *((p, "2") for p in cas["victims_dual"]))
    source = {"none": cas["none_reported"], "actors": lex["actors"], "targets": lex["targets"]}
    source |= {
        "verbs": lex["attack_verbs"],
        "passive": lex["passive_agent"],
        "background": lex["background_cues"],
    }
    return tuple((p, kind) for p in source[kind])


@functools.cache
def _words(key: str) -> frozenset[str]:
    lex = load_lexicon()
    cas = lex["casualties"]
    table = {"negations": cas["negations"], "gap": cas["gap_words"], "ambiguous": cas["ambiguous_injured"]}
    table["uncertainty"] = cas["uncertainty"]
    table |= {"markers": lex["object_markers"], "reporting": lex["reporting_verbs"]}
    table |= {"reporting_after": lex["reporting_verbs_after"]}
    return frozenset(fold_key(w) for w in table[key])


def _glued_preposition(prefix: str) -> bool:
    """Whether clitics glued to a word hold 'ل' ('لمجموعات', 'للفصائل'): an object or possessor.

    'ب' is left alone: it also introduces a subject ('ما وصفها بمجموعات ... أطلقت').
    """
    if prefix.endswith("لل"):
        return True
    return "ل" in (prefix[:-2] if prefix.endswith("ال") else prefix)


def _find(text: str, kind: str) -> list[_Hit]:
    folded = fold(text)
    hits = []
    for h in find_phrases(folded.text, _phrases(kind)):
        start, end = folded.span(h.start, h.end)
        label, _, form = h.label.partition(":")
        hits.append(_Hit(start, end, label, form, h.definite, _glued_preposition(h.prefix)))
    return hits


def _words_before(text: str, at: int, n: int) -> list[str]:
    return fold_key(text[max(0, at - 60) : at]).split()[-n:]


def _overlaps(a: _Hit | Mention, others: Iterable[_Hit | Mention]) -> bool:
    return any(a.start < o.end and o.start < a.end for o in others)


def _mask_background(text: str) -> str:
    """Blank out (same length) each background clause, from its cue to the clause's end."""
    out = list(text)
    for hit in _find(text, "background"):
        end = _CLAUSE_END.search(text, hit.end)
        out[hit.start : end.start() if end else len(text)] = " " * (
            (end.start() if end else len(text)) - hit.start
        )
    return "".join(out)


# -- weapon and count ---------------------------------------------------------------------------


def _number_before(at: int, numbers: Sequence[NumberMention], text: str) -> NumberMention | None:
    """The number written just before ``at`` ('3 rockets', 'dozens of rockets', 'three armed drones')."""
    for m in reversed(numbers):
        if m.end > at:
            continue
        gap = text[m.end : at]
        one_word = re.fullmatch(r"\s*[A-Za-z-]+\s*", gap) is not None and fold_key(gap) != "of the"
        return m if fold_key(gap) in ("", "of", "من") or one_word else None
    return None


def _count(hit: _Hit, numbers: Sequence[NumberMention], text: str) -> tuple[Count | None, bool]:
    """The count one weapon or attack phrase states, and whether it is explicit (number or dual)."""
    if hit.form == "dual":
        return 2, True
    number = _number_before(hit.start, numbers, text) if hit.form != "mass" else None
    if number is not None:
        return (number.value, True) if number.value is not None else ("multiple", False)
    if hit.form == "plural":
        return "multiple", False
    if hit.form == "singular":
        arabic = has_arabic(text[hit.start : hit.end])
        if (arabic and not hit.definite) or (
            not arabic and _words_before(text, hit.start, 1) in (["a"], ["an"])
        ):
            return 1, False
    return None, False


def _weapon_and_count(
    arms: list[_Hit], numbers: Sequence[NumberMention], text: str
) -> tuple[Weapon | None, Count | None]:
    """The weapon tied to the counted attack, else the first named; the count that goes with it."""
    weapons = [h for h in arms if h.label != "attack"]
    attacks = [h for h in arms if h.label == "attack"]
    for attack in attacks:
        count, explicit = _count(attack, numbers, text)
        if explicit:  # 'شن هجومين بطائرات مسيرة': the attacks are counted, the weapon is beside them
            near = min(weapons, key=lambda w: abs(w.start - attack.end), default=None)
            return (Weapon(near.label) if near else None), count
    attack_count = next((c for c in (_count(a, numbers, text)[0] for a in attacks) if c is not None), None)
    if not weapons:
        return None, attack_count
    weapon = weapons[0].label
    counts = [_count(h, numbers, text) for h in weapons if h.label == weapon]
    stated = [c for c, is_explicit in counts if is_explicit]  # 'طائرات حربية ... غارتين': the dual counts
    implied = [c for c, _ in counts if c is not None]
    return Weapon(weapon), (stated or implied or [attack_count])[0]


# -- outcome and casualties ---------------------------------------------------------------------


def _negated(text: str, at: int, reach: int = 3) -> bool:
    """A negation among the ``reach`` words before ``at``, within the same clause.

    "دون معرفة حجم الأضرار" / "the damage was not immediately known" negate the knowing, not the
    damage: an uncertainty word between the negation and ``at`` cancels it.
    """
    before = re.split(r"[.,،;؛:]", text[max(0, at - 80) : at])[-1]
    words = fold_key(before).split()[-reach:]
    negations = [i for i, w in enumerate(words) if w in _words("negations")]
    if not negations:
        return False
    return not any(w in _words("uncertainty") for w in words[negations[-1] + 1 :])


def _outcome(hits: list[_Hit], text: str) -> Outcome | None:
    flip = {"hit": "missed", "damage": "no_damage"}
    found = {flip[h.label] if h.label in flip and _negated(text, h.start) else h.label for h in hits}
    return next((Outcome(o) for o in load_lexicon()["outcomes"]["_order"] if o in found), None)


def _toll(cue: _Hit, numbers: Sequence[NumberMention], used: set[int], text: str) -> int | None:
    """The number a casualty cue counts: after it ('killed 3', 'مقتل 3'), else just before ('3 قتلى')."""
    after = [m for m in numbers if m.start >= cue.end]
    if (
        after
        and after[0].start not in used
        and fold_key(text[cue.end : after[0].start]) in {"", *_words("gap")}
    ):
        used.add(after[0].start)
        return after[0].value
    before = [m for m in numbers if m.end <= cue.start]
    if before and before[-1].start not in used:
        gap = text[before[-1].end : cue.start]
        if len(gap.split()) <= 5 and not _CLAUSE_END.search(gap) and not re.search(r"\d", gap):
            used.add(before[-1].start)
            return before[-1].value
    window = text[cue.end : cue.end + 40]
    victims = [v for v in _find(window, "victims") if fold_key(window[: v.start]) in ("", "a", "an")]
    return int(victims[0].label) if victims else None


def _casualties(
    text: str, numbers: Sequence[NumberMention], outcomes: list[_Hit], used: set[int]
) -> Casualties | None:
    """Killed and injured counts, or none reported; ``None`` when the text does not mention them."""
    nones = _find(text, "none")
    none_reported = bool(nones)
    counts: dict[str, int | None] = {"killed": None, "injured": None}
    mentioned = False
    for cue in _find(text, "cues"):
        if _overlaps(cue, [*nones, *outcomes]):
            continue
        # "دون ورود معلومات عن سقوط قتلى": the negation may stand a few words before the cue.
        if _negated(text, cue.start, reach=6):
            none_reported = True
            continue
        value = _toll(cue, numbers, used, text)
        if value is None and fold_key(text[cue.start : cue.end]).split()[-1] in _words("ambiguous"):
            continue  # 'إصابة' alone may be a hit, not an injury
        mentioned = True
        if counts[cue.label] is None:
            counts[cue.label] = value
    if not (mentioned or none_reported):
        return None
    return Casualties(counts["killed"], counts["injured"], none_reported and not any(counts.values()))


# -- actor, target, location --------------------------------------------------------------------


def _actor(
    text: str, registry: SourceRegistry, anchor: _Hit | None, avoid: list[_Hit | Mention], arms: list[_Hit]
) -> Entity | None:
    """The attacker: a party or attacker phrase nearest the attack verb, in a subject position."""
    found: list[tuple[int, int, str | None, bool]] = []  # start, end, source id, glued preposition
    for m in registry.find_mentions(text):
        inside_weapon = any(h.start <= m.start and m.end <= h.end for h in arms)  # 'المسيرة' is a drone
        if (
            registry.get(m.id).source_type is SourceType.PARTY
            and not _overlaps(m, avoid)
            and not inside_weapon
        ):
            glued = fold_key(text[: m.start].split(" ")[-1])
            found.append((m.start, m.end, m.id, _glued_preposition(glued)))
    for hit in _find(text, "actors"):
        if not _overlaps(hit, avoid):
            inner = [f for f in found if hit.start <= f[0] and f[1] <= hit.end]
            found = [f for f in found if f not in inner]
            source = registry.lookup(text[hit.start : hit.end])
            source_id = source.id if source else (inner[0][2] if inner else None)
            found.append((hit.start, hit.end, source_id, hit.preposition))
    agents = [h.end for h in _find(text, "passive")]
    scored = []
    for start, end, source_id, preposition in found:
        prev = _words_before(text, start, 2)
        reporter = bool(prev) and (prev[-1] in _words("reporting") or " ".join(prev) in _words("reporting"))
        # 'CENTCOM said ...' names the reporter; 'the group said it fired ...' names the attacker.
        following = [w for w in fold_key(text[end : end + 40]).split()[:3] if w != "that"]
        reporter = reporter or (
            bool(following)
            and following[0] in _words("reporting_after")
            and following[1:2] not in (["it"], ["they"], ["we"])
        )
        if preposition or reporter or (prev and prev[-1] in _words("markers")):
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


def _target(
    text: str, places: Gazetteer, located: list[Mention], anchor: _Hit | None
) -> tuple[Entity | None, str | None]:
    """The first named base, airport or field, else a generic target phrase ('القاعدة الأميركية')."""
    for m in located:
        if places.get(m.id).kind in _TARGET_KINDS:
            return Entity(m.text, m.id), m.id
    generic = _find(text, "targets")
    after = [h for h in generic if anchor is None or h.start >= anchor.start] or generic
    return (Entity(text[after[0].start : after[0].end].strip()), None) if after else (None, None)


def _location(places: Gazetteer, located: list[Mention], target_id: str | None, lang: str) -> Entity | None:
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


def _places(
    text: str, registry: SourceRegistry, places: Gazetteer, taken: list[_Hit]
) -> tuple[list[Mention], list[Mention]]:
    """Place mentions outside source, weapon and group names; and those that win over a source name."""
    sources = registry.find_mentions(text)
    located, won = [], []
    for m in places.find(text):
        clashing = [s for s in sources if s.start < m.end and m.start < s.end]
        prev = _words_before(text, m.start, 1)
        # 'ريف دمشق' is a place though 'دمشق' alone may stand for the government; after 'في' or
        # 'in', 'الميادين' is the town, not the channel
        inside = all(
            m.start <= s.start and s.end <= m.end and (s.start, s.end) != (m.start, m.end) for s in clashing
        )
        at = (
            all((s.start, s.end) == (m.start, m.end) for s in clashing)
            and prev
            and prev[0] in _words("markers")
        )
        if _overlaps(m, taken) or (clashing and not (inside or at)):
            continue
        located.append(m)
        if clashing:
            won.append(m)
    return located, won


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
