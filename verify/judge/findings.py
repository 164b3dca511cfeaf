"""Findings: each party claim of an incident judged against the evidence that speaks to it.

:mod:`verify.judge.rules` holds the rules for one pair; this module pairs the claims of an incident
(:func:`incident_pairs`), takes a trained classifier's probabilities for those pairs when there
is one (a :data:`PairScorer`), and turns them into :class:`~verify.records.Finding` records,
with one ``unverified`` finding for a party claim no source speaks to (:func:`incident_findings`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from verify.judge.denial import is_denial
from verify.judge.explain import explain, facet_summary
from verify.judge.rules import (
    Judgement,
    PairFeatures,
    confidence,
    decide,
    pair_features,
    unverified_confidence,
)
from verify.records import Claim, ClaimKind, Finding, Relation, SourceType
from verify.registry import Similarity

_DIFFERS = frozenset({Relation.CONTRADICTS, Relation.OVERSTATES, Relation.UNDERSTATES, Relation.PARTIAL})


def group_probability(relation: Relation, proba: Mapping[Relation, float]) -> float:
    """A classifier's probability for a rule ``relation``, or for the group it belongs to.

    Corroborates and unrelated are read directly; a difference (contradicts, over- or
    understates, partial) is any of those four, because the rules name the direction of a
    difference more reliably than a model trained mostly on agree/disagree labels.
    """
    if relation in _DIFFERS:
        value = sum(p for r, p in proba.items() if r in _DIFFERS)
    else:
        value = proba.get(relation, 0.0)
    return float(min(1.0, max(0.0, value)))


def incident_probability(relation: Relation, proba: Mapping[Relation, float]) -> float:
    """:func:`group_probability` for a pair known to speak of one incident.

    Within an incident the matcher and the rules (a facet both claims state) have already found
    that the two claims report the same event, which a pair classifier cannot see. Its
    ``unrelated`` share (ANS's *other*: text on the topic that neither agrees nor disagrees) is
    therefore left out and the rest renormalised: the confidence says how sure the classifier
    is of this relation rather than an opposite one, not whether the claims are related.
    """
    related = 1.0 - proba.get(Relation.UNRELATED, 0.0)
    if relation is Relation.UNRELATED or related <= 0.0:
        return group_probability(relation, proba)
    return float(min(1.0, group_probability(relation, proba) / related))


ScoredPair = tuple[Claim, Claim, PairFeatures]
PairScorer = Callable[[Sequence[ScoredPair]], Sequence[Mapping[Relation, float]]]
"""A trained classifier's calibrated probabilities for a batch of (claim, evidence, features)."""


def judge_pair(
    claim: Claim,
    evidence: Claim,
    *,
    similarity: Similarity,
    opposing: bool | None = None,
    scorer: PairScorer | None = None,
) -> Judgement:
    """Judge one party claim against one evidence claim about the same incident.

    The rules give the relation and the differing facets; with a ``scorer`` the confidence is
    the classifier's probability for that relation (or its group), else the rules' heuristic.
    """
    f = pair_features(claim, evidence, similarity=similarity, opposing=opposing)
    relation = decide(f)
    if scorer is not None and relation is not Relation.UNRELATED:
        conf = incident_probability(relation, scorer([(claim, evidence, f)])[0])
    else:
        conf = confidence(f, relation)
    return Judgement(relation, conf, f.diffs, explain(claim, evidence, f, relation))


def default_finding_id(claim_id: str, evidence_id: str | None) -> str:
    """Stable finding id: 'f-' and 12 hex digits of sha256('claim|evidence')."""
    digest = hashlib.sha256(f"{claim_id}|{evidence_id or 'none'}".encode()).hexdigest()
    return "f-" + digest[:12]


Kept = tuple[Claim, Claim, PairFeatures, Relation]
"""A party claim, an evidence claim that speaks to it, their features and the rules' relation."""


def incident_pairs(
    claims: Sequence[Claim],
    *,
    opposing: Callable[[str | None, str | None], bool],
    similarity: Similarity,
) -> list[Kept]:
    """Every party event claim of one incident paired with every other source's report of it.

    A party's claim is compared with independent and media reports and with the claims of every
    other party, whether or not the registry knows that party's side: only the claim's own
    source and sources known to be on its own side are left out. Intent claims are never
    evidence, and ``other`` claims only when they deny the event. A report of the incident that
    states none of the facets the claim states confirms the attack and is silent on the rest:
    ``partial``, never dropped.
    """
    kept: list[Kept] = []
    for claim in claims:
        if claim.source_type is not SourceType.PARTY or claim.kind is not ClaimKind.EVENT:
            continue
        for other in claims:
            if other is claim or (other.source == claim.source and other.source_type is claim.source_type):
                continue
            if claim.side is not None and other.side == claim.side:
                continue
            if other.kind is ClaimKind.INTENT or (
                other.kind is ClaimKind.OTHER and not is_denial(other.text)
            ):
                continue
            against = opposing(claim.side, other.side)
            f = pair_features(claim, other, similarity=similarity, opposing=against)
            relation = decide(f)
            kept.append((claim, other, f, Relation.PARTIAL if relation is Relation.UNRELATED else relation))
    return kept


CORROBORATION = 0.5
"""The classifier's probability of agreement (given that the pair is related) at which a report
that differs from the claim only by saying less corroborates it."""


def settle(f: PairFeatures, relation: Relation, proba: Mapping[Relation, float]) -> tuple[Relation, float]:
    """The finding's relation and confidence, from the rules' relation and the classifier's probabilities.

    The rules see facets only: a report that states no outcome or toll where the claim does is
    ``partial`` to them. The classifier reads the wording; where it finds agreement and the rules
    found no difference but silence, the report corroborates the claim.
    """
    differs = f.denial or f.claim_denial or f.up or f.down or f.negated_effect or f.foiled
    differs = differs or bool(f.revision or f.minor)
    if relation is Relation.PARTIAL and not differs:
        agree = incident_probability(Relation.CORROBORATES, proba)
        if agree >= CORROBORATION:
            return Relation.CORROBORATES, agree
    return relation, incident_probability(relation, proba)


def incident_findings(
    claims: Sequence[Claim],
    kept: Sequence[Kept],
    probas: Sequence[Mapping[Relation, float]] | None = None,
    finding_id: Callable[[str, str | None], str] | None = None,
    confidences: Sequence[float] | None = None,
) -> tuple[Finding, ...]:
    """The findings of one incident from its :func:`incident_pairs` (and their probabilities).

    A party event claim with no kept pair gets one ``unverified`` finding. ``probas`` (one per
    kept pair, from a trained classifier) supply the confidences; without them the rules do.
    ``confidences`` (one per kept pair) are the confidences themselves, worked out before.
    """
    make_id = finding_id or default_finding_id
    by_claim: dict[str, list[Finding]] = {}
    for n, (claim, other, f, relation) in enumerate(kept):
        if confidences is not None:
            conf = confidences[n]
        elif probas:
            relation, conf = settle(f, relation, probas[n])
        else:
            conf = confidence(f, relation)
        text = explain(claim, other, f, relation)
        found = Finding(make_id(claim.id, other.id), claim.id, other.id, relation, conf, text, f.diffs)
        by_claim.setdefault(claim.id, []).append(found)
    findings: list[Finding] = []
    for claim in claims:
        if claim.source_type is not SourceType.PARTY or claim.kind is not ClaimKind.EVENT:
            continue
        judged = by_claim.get(claim.id, [])
        if not judged:
            what = "denial" if is_denial(claim.text) else f"claim of {facet_summary(claim.facets)}"
            text = f"No other source reports on {claim.source}'s {what}."
            unverified = unverified_confidence()
            judged.append(
                Finding(make_id(claim.id, None), claim.id, None, Relation.UNVERIFIED, unverified, text)
            )
        findings.extend(judged)
    return tuple(findings)


def judge_incident(
    claims: Sequence[Claim],
    *,
    opposing: Callable[[str | None, str | None], bool],
    similarity: Similarity,
    finding_id: Callable[[str, str | None], str] | None = None,
    scorer: PairScorer | None = None,
) -> tuple[Finding, ...]:
    """Findings for every party event claim of one incident, against independent and opposing evidence.

    :func:`incident_pairs` then :func:`incident_findings`; with a ``scorer`` (a trained
    classifier) the confidences are its calibrated probabilities, scored in one batch.
    """
    kept = incident_pairs(claims, opposing=opposing, similarity=similarity)
    probas = scorer([(c, e, f) for c, e, f, _ in kept]) if scorer and kept else None
    return incident_findings(claims, kept, probas, finding_id)
