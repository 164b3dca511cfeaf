"""Incidents from groups of claims: the party claims judged, each incident graded.

:func:`matchers` turns the registry and the gazetteer into the memoised look-ups grouping and
judging ask of them (:class:`Matchers`); :func:`build_incidents` judges every group's
claim/evidence pairs in one batch and grades each group as an :class:`~verify.records.Incident` (the
scorer whose probabilities become the findings' confidences is
:func:`verify.model.scorer.judge_scorer`). Which claims are grouped together is decided before, in
:mod:`verify.match.groups`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from verify.claims.extraction import stable_digest
from verify.judge.findings import PairScorer, incident_findings, incident_pairs, settle
from verify.judge.grade import grade_incident
from verify.match import incident_title
from verify.records import Claim, Entity, Incident, PossibleLink, Progress, Relation
from verify.registry import Knowledge, entity_similarity


@dataclass(frozen=True)
class Matchers:
    """What grouping and judging ask of the registry and the gazetteer."""

    actor_side: Callable[[Entity], str | None]
    related_places: Callable[[str, str], bool]
    similarity: Callable[[str, str], float]
    """Entity similarity for judging: related places and a side's umbrella names count as the same."""
    scorer: PairScorer | None = None
    """The trained classifier whose calibrated probabilities are the findings' confidences."""
    place_agreement: Callable[[str, str], float | None] | None = None
    """Grouping's place agreement of two names: 1.0 when the gazetteer knows both and one holds
    the other below the scale of a country, 0.0 when it knows both otherwise (every town is in
    its country, and two reports naming one country say nothing of which town), None when it
    does not know both (then the names are compared as written)."""


def matchers(knowledge: Knowledge) -> Matchers:
    """The registry and gazetteer look-ups of :func:`verify.engine.pipeline.cross_reference`.

    Look-ups are memoised for the life of the returned object: a run asks about the same few
    hundred names tens of thousands of times, and each fuzzy look-up folds the name again.
    """
    registry, places = knowledge.registry, knowledge.places
    source_of, place_of = functools.cache(registry.lookup), functools.cache(places.lookup)

    def actor_side(actor: Entity) -> str | None:
        source = source_of(actor.canonical or actor.text)
        return source.side if source is not None else None

    @functools.cache
    def related_places(a: str, b: str) -> bool:
        place_a, place_b = place_of(a), place_of(b)
        return place_a is not None and place_b is not None and places.related(place_a.id, place_b.id)

    def same_side_umbrella(a: str, b: str) -> bool:
        source_a, source_b = source_of(a), source_of(b)
        if source_a is None or source_b is None or source_a.side is None:
            return False
        return source_a.side == source_b.side and (source_a.umbrella or source_b.umbrella)

    @functools.cache
    def similarity(a: str, b: str) -> float:
        # A base and the province that holds it name the same place at two scales; a monitor's
        # "Iran-backed groups" and the faction that names itself describe the same attacker.
        if related_places(a, b) or same_side_umbrella(a, b):
            return 1.0
        return entity_similarity(a, b)

    @functools.cache
    def place_agreement(a: str, b: str) -> float | None:
        place_a, place_b = place_of(a), place_of(b)
        if place_a is None or place_b is None:
            return None
        if "country" in (place_a.kind, place_b.kind):
            return 0.0
        return 1.0 if places.related(place_a.id, place_b.id) else 0.0

    return Matchers(actor_side, related_places, similarity, place_agreement=place_agreement)


Judged = Mapping[tuple[str, str, Relation], float]
"""Confidences of pairs judged before, by (party claim id, evidence claim id, rules' relation)."""


def build_incidents(
    groups: Sequence[Sequence[Claim]],
    knowledge: Knowledge,
    match: Matchers,
    progress: Progress | None = None,
    judged: Judged | None = None,
) -> list[Incident]:
    """One incident per group of claims: the party claims judged, each incident graded.

    The pairs of every group are scored by ``match.scorer`` in one batch, so a classifier's
    per-call costs (and its embedding of the words that differ) are paid once, not per incident.
    A pair in ``judged`` keeps the confidence it was given there and is not scored again: with a
    scorer, a pair's confidence depends on its two claims alone (the incremental store's
    incidents, kept as stored, rely on that too).
    """
    opposing = knowledge.registry.opposing
    kept = [incident_pairs(group, opposing=opposing, similarity=match.similarity) for group in groups]
    known = judged if match.scorer is not None and judged is not None else {}
    # A pair judged before keeps its verdict: its claims were not extracted again, so the rules
    # and the classifier would say what they said (the relation may be the classifier's).
    decided = {(c, e): (r, conf) for (c, e, r), conf in known.items()}
    flat = [(c, e, f) for pairs in kept for c, e, f, r in pairs if not _kept(decided.get((c.id, e.id)), r)]
    if progress and flat:
        progress(f"judging {len(flat)} claim/evidence pairs in {len(groups)} incidents")
    scored = iter(match.scorer(flat)) if match.scorer and flat else iter(())
    incidents = []
    for group, pairs in zip(groups, kept, strict=True):
        confidences = None
        if match.scorer is not None:
            verdicts = [
                decided[key] if _kept(decided.get(key := (c.id, e.id)), r) else settle(f, r, next(scored))
                for c, e, f, r in pairs
            ]
            pairs = [(c, e, f, r) for (c, e, f, _), (r, _) in zip(pairs, verdicts, strict=True)]
            confidences = [conf for _, conf in verdicts]
        findings = incident_findings(group, pairs, confidences=confidences)
        grade, rule = grade_incident(group, findings, opposing=opposing)
        ids = tuple(c.id for c in group)
        incidents.append(
            Incident(
                id="i-" + stable_digest(*sorted(ids)),
                title=incident_title(group),
                claim_ids=ids,
                grade=grade,
                grade_rule=rule,
                findings=findings,
            )
        )
    return incidents


def _kept(verdict: tuple[Relation, float] | None, rule: Relation) -> bool:
    """Whether a verdict judged before still stands for a pair the rules now call ``rule``: it
    does when it is that relation, or the corroboration the classifier made of a partial."""
    return verdict is not None and (
        verdict[0] is rule or (rule is Relation.PARTIAL and verdict[0] is Relation.CORROBORATES)
    )


def link_incidents(incidents: Sequence[Incident], links: Sequence[tuple[int, int, float]]) -> list[Incident]:
    """``incidents`` with their possible links set: ``(x, y, p)`` ties ``incidents[x]`` and ``incidents[y]``.

    A possible link is a pair of incidents the same-incident model kept apart although some pair
    of their claims probably reports one event: neither merged silently nor dropped, it is shown
    for a reviewer to decide (a review can merge the two).
    """
    found: dict[int, list[PossibleLink]] = {}
    for x, y, p in links:
        reason = f"one pair of their claims is one incident with probability {p:.2f}; their other pairs less"
        found.setdefault(x, []).append(PossibleLink(incidents[y].id, p, reason))
        found.setdefault(y, []).append(PossibleLink(incidents[x].id, p, reason))
    out = []
    for k, incident in enumerate(incidents):
        ranked = sorted(found.get(k, ()), key=lambda link: (-link.probability, link.incident_id))
        out.append(replace(incident, possible_links=tuple(ranked)))
    return out
