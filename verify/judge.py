"""Judge a party's event claim against evidence about the same incident.

The verdict is split in two pure steps so that a trained classifier can replace either:
``pair_features`` turns a (claim, evidence) pair into a typed :class:`PairFeatures`, then
``decide`` applies the rules below and ``confidence`` scores how strong the cue was.

Facets are compared only where **both** texts state them: silence on a facet is never a
difference, let alone a denial.  Rules, first match wins:

1. The evidence explicitly denies that the event happened ("denied", "no attack took place",
   "نفى", "لم يحدث"; "denied responsibility" is not a denial) -> ``contradicts``.
2. An opposing party says the attack was intercepted or missed where the claim says it hit or
   caused damage -> ``contradicts``.
3. The claim says more than the evidence on count, casualties or effect (``multiple`` vs 1
   rocket; 5 killed vs 2; hit vs intercepted from an independent source; casualties vs an
   intercepted attack) -> ``overstates``; less -> ``understates``; more on one facet and less
   on another -> ``partial``.  ``multiple`` vs 2 or more is no difference.
4. A casualty difference between reports published on different dates is a revised toll, not a
   contradiction: ``understates`` when the evidence is the later, higher toll, else ``partial``.
5. A claimed hit against "no casualties reported" (with no stated outcome), a different weapon,
   target, place or date, or evidence silent on the claim's key assertion (its outcome or
   casualties) -> ``partial``: the attack is confirmed, the claim is not borne out in full.
6. Everything stated agrees and weapon, target or outcome overlap -> ``corroborates``.
7. No facet can be compared at all (and no denial) -> ``unrelated``; otherwise ``partial``.

Rockets and missiles are one weapon here (Arabic "صاروخ" is both); hit and damage are one effect.
Attackers named differently are listed as a difference but only weigh when both names are
canonical registry names: a monitor's "Iran-backed groups" and a faction's own name routinely
differ for the same actor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from verify.bundled import bundled_json
from verify.records import (
    Casualties,
    Claim,
    Entity,
    FacetDiff,
    Facets,
    Relation,
    SourceType,
)
from verify.text.arabic import normalize_key

Similarity = Callable[[str, str], float]

_UP, _DOWN, _WEAK_UP, _MINOR, _NOTE = "up", "down", "weak_up", "minor", "note"


@dataclass(frozen=True)
class Judgement:
    relation: Relation
    confidence: float
    facets: tuple[FacetDiff, ...]
    explanation: str


@dataclass(frozen=True)
class PairFeatures:
    """What the rules (or a later classifier) see of one claim/evidence pair."""

    diffs: tuple[FacetDiff, ...]
    comparable: int
    """Facets stated on both sides (plus cross-facet cues such as hit vs no casualties)."""
    overlap: int
    """Weapon, target and outcome stated on both sides and agreeing."""
    up: tuple[str, ...]
    """Facets on which the claim asserts more (count, casualties, effect)."""
    down: tuple[str, ...]
    weak_up: bool
    """The claim's hit or damage set only against 'no casualties reported'."""
    minor: tuple[str, ...]
    """Differences with no direction: weapon, target, place, date, canonical attacker."""
    revision: int
    """Sign of a casualty difference between reports of different dates (0: none)."""
    evidence_later: bool
    negated_effect: bool
    """The claim says hit/damage, the evidence says intercepted/missed."""
    denial: bool
    """The evidence explicitly denies that the event happened."""
    claim_denial: bool
    """The claim is itself a denial, and the evidence reports the event."""
    opposing: bool
    silent_on_key: bool


@cache
def _config() -> dict[str, Any]:
    return bundled_json("judge.json")


@cache
def _denial_cues() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_key(c).split()) for c in _config()["denial_cues"])


def _compatible(group_key: str, a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _config()[group_key])


def _entity_json(e: Entity) -> dict[str, str | None]:
    return {"text": e.text, "canonical": e.canonical}


def _same_entity(a: Entity, b: Entity, similarity: Similarity) -> bool:
    left, right = (a.canonical, b.canonical) if a.canonical and b.canonical else (a.text, b.text)
    return similarity(left, right) >= float(_config()["entity_threshold"])


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _count_sign(claimed: int | str, reported: int | str) -> int | None:
    """+1/-1 when the claim says more/fewer, 0 when different but not ordered, None when same."""
    if claimed == reported:
        return None
    if isinstance(claimed, int) and isinstance(reported, int):
        return _sign(claimed - reported)
    # "multiple" is any number from 2 up: it only differs from a single item
    if isinstance(reported, int):
        return 1 if reported < 2 else None
    if isinstance(claimed, int):
        return -1 if claimed < 2 else None
    return 0


def _casualty_values(c: Casualties) -> tuple[int | None, int | None]:
    zero = 0 if c.none_reported else None
    return (c.killed if c.killed is not None else zero, c.injured if c.injured is not None else zero)


def _casualties_json(c: Casualties) -> dict[str, int | bool | None]:
    return {"killed": c.killed, "injured": c.injured, "none_reported": c.none_reported}


def _level(outcome: object) -> int:
    return int(_config()["outcome_levels"][str(outcome)])


def _compare(c: Facets, e: Facets, similarity: Similarity) -> tuple[list[tuple[FacetDiff, str]], int, int]:
    """Differences with their kind, the number of comparable facets, and the overlap."""
    out: list[tuple[FacetDiff, str]] = []
    comparable = overlap = 0
    for name in ("actor", "target", "location"):
        a, b = getattr(c, name), getattr(e, name)
        if a is None or b is None:
            continue
        comparable += 1
        if _same_entity(a, b, similarity):
            overlap += name == "target"
            continue
        both_canonical = name != "actor" or bool(a.canonical and b.canonical)
        out.append((FacetDiff(name, _entity_json(a), _entity_json(b)), _MINOR if both_canonical else _NOTE))
    if c.weapon is not None and e.weapon is not None:
        comparable += 1
        if _compatible("compatible_weapons", c.weapon, e.weapon):
            overlap += 1
        else:
            out.append((FacetDiff("weapon", str(c.weapon), str(e.weapon)), _MINOR))
    if c.count is not None and e.count is not None:
        comparable += 1
        sign = _count_sign(c.count, e.count)
        if sign is not None:
            kind = {1: _UP, -1: _DOWN}.get(sign, _MINOR)
            out.append((FacetDiff("count", c.count, e.count), kind))
    if c.time is not None and e.time is not None and c.time.date and e.time.date:
        comparable += 1
        if abs((c.time.date - e.time.date).days) > int(_config()["time_tolerance_days"]):
            out.append((FacetDiff("time", c.time.date.isoformat(), e.time.date.isoformat()), _MINOR))
    if c.outcome is not None and e.outcome is not None:
        comparable += 1
        if _compatible("compatible_outcomes", c.outcome, e.outcome):
            overlap += 1
        else:
            kind = {1: _UP, -1: _DOWN}.get(_sign(_level(c.outcome) - _level(e.outcome)), _MINOR)
            out.append((FacetDiff("outcome", str(c.outcome), str(e.outcome)), kind))
    elif c.outcome is not None and _level(c.outcome) == 2 and e.casualties and e.casualties.none_reported:
        comparable += 1
        out.append((FacetDiff("outcome", str(c.outcome), "none_reported"), _WEAK_UP))
    if c.casualties is not None and e.casualties is not None:
        pairs = [
            (x, y)
            for x, y in zip(_casualty_values(c.casualties), _casualty_values(e.casualties), strict=True)
        ]
        signs = {_sign(x - y) for x, y in pairs if x is not None and y is not None} - {0}
        if any(x is not None and y is not None for x, y in pairs):
            comparable += 1
        if signs:
            kind = {frozenset({1}): _UP, frozenset({-1}): _DOWN}.get(frozenset(signs), _MINOR)
            diff = FacetDiff("casualties", _casualties_json(c.casualties), _casualties_json(e.casualties))
            out.append((diff, kind))
    elif (
        c.casualties
        and e.outcome is not None
        and _level(e.outcome) == 0
        and any(_casualty_values(c.casualties))
    ):
        comparable += 1
        out.append((FacetDiff("casualties", _casualties_json(c.casualties), str(e.outcome)), _UP))
    return out, comparable, overlap


def compare_facets(claim: Claim, evidence: Claim, *, similarity: Similarity) -> tuple[FacetDiff, ...]:
    """Facets on which the claim and the evidence differ; unstated facets never differ."""
    return tuple(d for d, _ in _compare(claim.facets, evidence.facets, similarity)[0])


@cache
def _denial_exclusions() -> tuple[str, ...]:
    return tuple(normalize_key(x) for x in _config()["denial_exclusions"])


@lru_cache(maxsize=1 << 14)
def is_denial(text: str) -> bool:
    """True when the text explicitly denies that an event happened (English or Arabic)."""
    tokens = normalize_key(text).split()
    exclusions = _denial_exclusions()
    for cue in _denial_cues():
        n = len(cue)
        for i in range(len(tokens) - n + 1):
            first = tokens[i]
            # Arabic attaches "and"/"so" to the verb: ونفى, فنفت
            if first != cue[0] and not (first[:1] in "وف" and first[1:] == cue[0]):
                continue
            if tuple(tokens[i + 1 : i + n]) != cue[1:]:
                continue
            if not any(t.startswith(exclusions) for t in tokens[i + n : i + n + 3]):
                return True
    return False


def _asserts_effect(f: Facets) -> bool:
    """A hit, damage or a casualty: a text stating one is not denying the event."""
    hit = f.outcome is not None and _level(f.outcome) == 2
    return hit or bool(f.casualties and any(_casualty_values(f.casualties)))


def pair_features(
    claim: Claim, evidence: Claim, *, similarity: Similarity, opposing: bool | None = None
) -> PairFeatures:
    """Features of a pair; ``opposing`` defaults to evidence from a party on another named side."""
    if opposing is None:
        opposing = evidence.source_type is SourceType.PARTY and (
            claim.side is not None and evidence.side is not None and claim.side != evidence.side
        )
    signals, comparable, overlap = _compare(claim.facets, evidence.facets, similarity)
    cp, ep = claim.published, evidence.published
    later = cp is not None and ep is not None and ep > cp
    revision = 0
    if cp is not None and ep is not None and cp != ep:
        for d, kind in signals:
            if d.name == "casualties" and kind in (_UP, _DOWN) and isinstance(d.reported, dict):
                revision = 1 if kind == _UP else -1
    c, e = claim.facets, evidence.facets
    denial = not _asserts_effect(e) and is_denial(evidence.text)
    reports_event = any(v is not None for v in (e.weapon, e.count, e.outcome, e.casualties))
    return PairFeatures(
        diffs=tuple(d for d, _ in signals),
        comparable=comparable,
        overlap=overlap,
        up=tuple(d.name for d, k in signals if k == _UP and not (revision and d.name == "casualties")),
        down=tuple(d.name for d, k in signals if k == _DOWN and not (revision and d.name == "casualties")),
        weak_up=any(k == _WEAK_UP for _, k in signals),
        minor=tuple(d.name for d, k in signals if k == _MINOR),
        revision=revision,
        evidence_later=later,
        negated_effect=(
            c.outcome is not None
            and e.outcome is not None
            and _level(c.outcome) == 2
            and _level(e.outcome) == 0
        ),
        denial=denial,
        claim_denial=not denial and reports_event and not _asserts_effect(c) and is_denial(claim.text),
        opposing=opposing,
        silent_on_key=(c.outcome is not None or c.casualties is not None)
        and e.outcome is None
        and e.casualties is None,
    )


def decide(f: PairFeatures) -> Relation:
    """The rule verdict for a pair's features (see the module docstring, in order)."""
    if f.denial or f.claim_denial or (f.opposing and f.negated_effect):
        return Relation.CONTRADICTS
    if f.up and f.down:
        return Relation.PARTIAL
    if f.up:
        return Relation.OVERSTATES
    if f.down:
        return Relation.UNDERSTATES
    if f.revision:
        return Relation.UNDERSTATES if f.revision < 0 and f.evidence_later else Relation.PARTIAL
    if f.comparable == 0:
        return Relation.UNRELATED
    if f.weak_up or f.minor or f.silent_on_key or not f.overlap:
        return Relation.PARTIAL
    return Relation.CORROBORATES


def confidence(f: PairFeatures, relation: Relation) -> float:
    """A heuristic in [0, 1]: the strength of the deciding cue plus a bonus per comparable facet."""
    conf = _config()["confidence"]
    base = conf["base"]
    if relation is Relation.CONTRADICTS:
        score = base["denial"] if f.denial or f.claim_denial else base["opposing_denial"]
    elif relation in (Relation.OVERSTATES, Relation.UNDERSTATES):
        score = base[str(relation)] if (f.up or f.down) else base["revision"]
    elif relation is Relation.PARTIAL:
        score = base["mixed"] if f.up and f.down else base["silent"] if f.silent_on_key else base["partial"]
    else:
        score = base[str(relation)]
    bonus = min(conf["max_facet_bonus"], conf["per_comparable_facet"] * max(0, f.comparable - 1))
    return float(min(conf["ceiling"], max(conf["floor"], score + bonus)))


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _noun(weapon: object, count: object) -> str:
    singular, plural = _config()["weapon_nouns"][str(weapon) if weapon is not None else "_none"]
    if isinstance(count, int):
        return f"{count} {singular if count == 1 else plural}"
    return f"multiple {plural}" if count == "multiple" else plural


def _phrase(name: str, value: object, facets: Facets) -> str:
    """Plain words for one facet value as a FacetDiff carries it."""
    phrases = _config()["outcome_phrases"]
    if isinstance(value, dict) and name == "casualties":
        if value.get("none_reported") and not value.get("killed") and not value.get("injured"):
            return str(phrases["none_reported"])
        bits = [f"{value[k]} {k}" for k in ("killed", "injured") if value.get(k) is not None]
        return _join(bits) if bits else "casualties"
    if isinstance(value, dict):
        role = {"actor": "the attacker", "target": "the target", "location": "the place"}[name]
        return f"{value.get('canonical') or value.get('text')} as {role}"
    if name == "time":
        return f"the date {value}"
    return str(phrases.get(str(value), value))


def _describe(diffs: Sequence[FacetDiff], side: str, facets: Facets) -> str:
    """One side's values of the given differences, e.g. '1 rocket with no casualties'."""
    names = {d.name for d in diffs}
    head = _noun(facets.weapon, facets.count) if names & {"count", "weapon"} else ""
    rest = [
        _phrase(d.name, d.claimed if side == "claimed" else d.reported, facets)
        for d in diffs
        if d.name not in ("count", "weapon")
    ]
    if head and rest:
        return f"{head} with {_join(rest)}"
    return head or _join(rest)


def _summary(f: Facets) -> str:
    """The claim's key facets in words (what it says happened)."""
    parts = []
    if f.weapon is not None or f.count is not None:
        parts.append(_noun(f.weapon, f.count))
    if f.target is not None:
        parts.append(_phrase("target", _entity_json(f.target), f))
    if f.outcome is not None:
        parts.append(_phrase("outcome", str(f.outcome), f))
    if f.casualties is not None:
        parts.append(_phrase("casualties", _casualties_json(f.casualties), f))
    return _join(parts) if parts else "an attack"


def explain(claim: Claim, evidence: Claim, f: PairFeatures, relation: Relation) -> str:
    """One plain sentence naming both sources and the values that decided the relation."""
    c, e = claim.source, evidence.source
    decisive = f.up + f.down + f.minor
    weighed = [d for d in f.diffs if d.name in decisive or (f.weak_up and d.reported == "none_reported")]
    if relation is Relation.CONTRADICTS and f.denial:
        return f"{e} denies the attack that {c} claims ({_summary(claim.facets)})."
    if relation is Relation.CONTRADICTS and f.claim_denial:
        return f"{e} reports {_summary(evidence.facets)}, which {c} denies."
    if relation is Relation.UNRELATED:
        return f"{e} states nothing that can be compared with {c}'s claim of {_summary(claim.facets)}."
    if f.revision and not (f.up or f.down):
        toll = [d for d in f.diffs if d.name == "casualties"]
        when = "later" if f.evidence_later else "earlier"
        return (
            f"{e}'s {when} report gives {_describe(toll, 'reported', evidence.facets)} against {c}'s "
            f"{_describe(toll, 'claimed', claim.facets)}, a revised toll rather than a contradiction."
        )
    if weighed:
        return (
            f"{e} reports {_describe(weighed, 'reported', evidence.facets)}; "
            f"{c} claims {_describe(weighed, 'claimed', claim.facets)}."
        )
    if f.silent_on_key:
        key = Facets(outcome=claim.facets.outcome, casualties=claim.facets.casualties)
        return f"{e} reports the attack but says nothing of {_summary(key)}, which {c} claims."
    if relation is Relation.CORROBORATES:
        return f"{e} reports {_summary(evidence.facets)}, as {c} claims."
    return f"{e} reports {_summary(evidence.facets)}; {c} claims {_summary(claim.facets)}."


def facet_summary(f: Facets) -> str:
    """A short phrase for what ``f`` states ("2 drones, hit"), as the explanations word it."""
    return _summary(f)


def unverified_confidence() -> float:
    """The fixed confidence of an ``unverified`` finding (verify/data/judge.json)."""
    return float(_config()["confidence"]["base"]["unverified"])
