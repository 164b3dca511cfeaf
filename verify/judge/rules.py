"""Judge a party's event claim against evidence about the same incident.

The verdict is split in two pure steps so that a trained classifier can replace either:
``pair_features`` turns a (claim, evidence) pair into a typed :class:`PairFeatures`, then
``decide`` applies the rules below and ``confidence`` scores how strong the cue was.

Facets are compared only where **both** texts state them: silence on a facet is never a
difference, let alone a denial.  Rules, first match wins:

1. The evidence explicitly denies that the event happened ("denied", "no attack took place",
   "نفى", "لم يحدث"; "denied responsibility" is not a denial) -> ``contradicts``.
2. An opposing party says the attack was intercepted or missed where the claim says it hit or
   caused damage, or where the claim announces the attack and states no outcome (an attack
   announced is an attack claimed to have succeeded) -> ``contradicts``; from anyone else,
   intercepted against an announced attack is ``partial`` (rule 5).
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
differ for the same actor. A party's report that names the party itself as the attacker is read
as its own name in the statement, not as a different attacker.

The steps live in small modules beside it: facet comparison in
:mod:`verify.judge.compare`, the denial test in :mod:`verify.judge.denial`, the explanations in
:mod:`verify.judge.explain`.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.facets import weapons_named
from verify.judge.compare import (
    DOWN,
    MINOR,
    NOTE,
    UP,
    WEAK_UP,
    casualty_values,
    compare_with_kinds,
    judge_config,
    outcome_level,
)
from verify.judge.denial import is_denial
from verify.records import Claim, FacetDiff, Facets, Relation, SourceType
from verify.registry import Similarity


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
    foiled: bool = False
    """The claim states an attack and no outcome, the evidence says it was intercepted or missed."""


def _asserts_effect(f: Facets) -> bool:
    """A hit, damage or a casualty: a text stating one is not denying the event."""
    hit = f.outcome is not None and outcome_level(f.outcome) == 2
    return hit or bool(f.casualties and any(casualty_values(f.casualties)))


def _names_itself(evidence: Claim) -> bool:
    """Whether a party's report names that party as the attacker.

    A party reporting an attack on it is named in its own statement ('the ministry's spokesman
    said a drone hit ...'), and the facet reader takes that name for the attacker's: measured on
    the real development incidents, weighing it lost corroborations (CV recall 0.44 -> 0.49
    without it, discrepancies unchanged).
    """
    actor = evidence.facets.actor
    party = evidence.source_type is SourceType.PARTY
    return party and actor is not None and actor.canonical == evidence.source


def _weapon_named_by_either(claim: Claim, evidence: Claim) -> bool:
    """Whether one text also names the other's weapon: 'drones and rockets' has the rockets too."""
    c, e = claim.facets.weapon, evidence.facets.weapon
    if c is None or e is None:
        return False
    return c in weapons_named(evidence.text) or e in weapons_named(claim.text)


def pair_features(
    claim: Claim, evidence: Claim, *, similarity: Similarity, opposing: bool | None = None
) -> PairFeatures:
    """Features of a pair; ``opposing`` defaults to evidence from a party on another named side."""
    if opposing is None:
        opposing = evidence.source_type is SourceType.PARTY and (
            claim.side is not None and evidence.side is not None and claim.side != evidence.side
        )
    signals, comparable, overlap = compare_with_kinds(claim.facets, evidence.facets, similarity)
    # listed, not weighed: the party's own name read as the attacker, a weapon the other text names too
    unweighed = {"actor"} if _names_itself(evidence) else set()
    if any(d.name == "weapon" for d, _ in signals) and _weapon_named_by_either(claim, evidence):
        unweighed.add("weapon")
    signals = [(d, NOTE if d.name in unweighed else kind) for d, kind in signals]
    cp, ep = claim.published, evidence.published
    later = cp is not None and ep is not None and ep > cp
    revision = 0
    if cp is not None and ep is not None and cp != ep:
        for d, kind in signals:
            if d.name == "casualties" and kind in (UP, DOWN) and isinstance(d.reported, dict):
                revision = 1 if kind == UP else -1
    c, e = claim.facets, evidence.facets
    denial = not _asserts_effect(e) and is_denial(evidence.text)
    reports_event = any(v is not None for v in (e.weapon, e.count, e.outcome, e.casualties))
    return PairFeatures(
        diffs=tuple(d for d, _ in signals),
        comparable=comparable,
        overlap=overlap,
        up=tuple(d.name for d, k in signals if k == UP and not (revision and d.name == "casualties")),
        down=tuple(d.name for d, k in signals if k == DOWN and not (revision and d.name == "casualties")),
        weak_up=any(k == WEAK_UP for _, k in signals),
        minor=tuple(d.name for d, k in signals if k == MINOR),
        revision=revision,
        evidence_later=later,
        negated_effect=(
            c.outcome is not None
            and e.outcome is not None
            and outcome_level(c.outcome) == 2
            and outcome_level(e.outcome) == 0
        ),
        denial=denial,
        claim_denial=not denial and reports_event and not _asserts_effect(c) and is_denial(claim.text),
        opposing=opposing,
        silent_on_key=(c.outcome is not None or c.casualties is not None)
        and e.outcome is None
        and e.casualties is None,
        foiled=c.outcome is None and e.outcome is not None and outcome_level(e.outcome) == 0,
    )


def decide(f: PairFeatures) -> Relation:
    """The rule verdict for a pair's features (see the module docstring, in order)."""
    if f.denial or f.claim_denial or (f.opposing and (f.negated_effect or f.foiled)):
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
    if f.weak_up or f.minor or f.silent_on_key or f.foiled or not f.overlap:
        return Relation.PARTIAL
    return Relation.CORROBORATES


def confidence(f: PairFeatures, relation: Relation) -> float:
    """A heuristic in [0, 1]: the strength of the deciding cue plus a bonus per comparable facet."""
    conf = judge_config()["confidence"]
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


def unverified_confidence() -> float:
    """The fixed confidence of an ``unverified`` finding (verify/data/judge.json)."""
    return float(judge_config()["confidence"]["base"]["unverified"])
