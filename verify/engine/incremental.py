"""What a run against the incremental store adds to the stages
(:func:`verify.engine.pipeline.run_incremental`).

Its result (:class:`StoreRun`); the regrouping (:func:`regroup_store`) that groups only the claims
new to the store, with those whose component lost a claim, and keeps every other incident as
stored, judged pairs included; and the collector freeze (:func:`heap_frozen`) that spares each
garbage collection a walk over the store just loaded. The stage order stays in
:mod:`verify.engine.pipeline`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from verify.claims.extraction import stable_digest
from verify.judge import PairScorer, build_incidents, link_incidents, matchers
from verify.match import grouping, regroup_incidents
from verify.records import Claim, Incident, Report
from verify.registry import Knowledge, entity_similarity
from verify.report import ReviewRow
from verify.store import Plan, Stored


@dataclass(frozen=True)
class StoreRun:
    """A run against the incremental store: the report, what changed, and every stored review."""

    report: Report
    """Every document in the store, before reviews are applied."""
    changes: dict[str, Any]
    reviews: list[ReviewRow]


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Have the garbage collector pass over every object alive now until the block ends.

    Modules, models and the store just loaded outlive the run, yet each full collection would
    walk them all again: over the 10k benchmark's store one took 0.3 s, and loading the store
    sets one off. ``gc.freeze`` sets them aside; ``gc.unfreeze`` hands them back at the end, so
    that whatever of them becomes garbage later is still collected.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def regroup_store(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    fresh: Sequence[int],
    before: Stored,
    plan: Plan,
    knowledge: Knowledge,
    rebuild: bool,
    scorer: PairScorer | None = None,
) -> tuple[list[Incident], dict[str, str], frozenset[str]]:
    """Incidents of all ``claims``, the changed components' labels, and the ids of incidents built.

    ``scorer`` is the same judge model a plain run uses, so that both give the same confidences.
    """
    match = replace(matchers(knowledge), scorer=scorer)
    options: dict[str, Any] = {
        "similarity": entity_similarity,
        "actor_side": match.actor_side,
        "related_places": match.related_places,
        "place_agreement": match.place_agreement,
    }
    if rebuild:
        found = grouping(claims, vectors, **options)
        incidents = build_incidents([[claims[i] for i in g] for g in found.clusters], knowledge, match)
        incidents = link_incidents(incidents, found.links)
        labels = {claims[i].id: claims[c[0]].id for c in found.components for i in c}
        return incidents, labels, frozenset(i.id for i in incidents)
    # A component that lost a claim may fall apart: its other claims are grouped again.
    broken = {before.components[c] for c in plan.removed_claims if c in before.components}
    is_fresh = set(fresh)
    numbers: dict[str, int] = {}
    old = [before.components.get(c.id) if i not in is_fresh else None for i, c in enumerate(claims)]
    component_of = [numbers.setdefault(label, len(numbers)) if label else -1 for label in old]
    dirty = is_fresh | {i for i, label in enumerate(old) if label in broken}
    found = regroup_incidents(claims, vectors, fresh=dirty, components=component_of, **options)
    touched = broken | {label for c in found.components for i in c if (label := old[i]) is not None}
    incidents = [i for i in before.incidents.values() if before.components.get(i.claim_ids[0]) not in touched]
    # A cluster with a fresh claim is judged again; an old cluster is kept as stored when found.
    groups = [[claims[i] for i in members] for members in found.clusters]
    kept: list[Incident | None] = [
        None
        if is_fresh & set(members)
        else before.incidents.get("i-" + stable_digest(*sorted(c.id for c in group)))
        for members, group in zip(found.clusters, groups, strict=True)
    ]
    # A pair judged in an earlier run keeps its confidence, unless either claim was extracted again.
    redone = {claims[i].id for i in is_fresh} | plan.removed_claims
    judged = {
        (f.claim_id, f.evidence_claim_id, f.relation): f.confidence
        for incident in before.incidents.values()
        if before.components.get(incident.claim_ids[0]) in touched
        for f in incident.findings
        if f.evidence_claim_id is not None and f.claim_id not in redone and f.evidence_claim_id not in redone
    }
    todo = [g for g, k in zip(groups, kept, strict=True) if k is None]
    rebuilt = iter(build_incidents(todo, knowledge, match, judged=judged))
    # Possible links are set anew on every incident of a changed component, kept ones included.
    linked = link_incidents([stored or next(rebuilt) for stored in kept], found.links)
    built = []
    for members, stored, incident in zip(found.clusters, kept, linked, strict=True):
        if incident.id not in before.incidents or is_fresh & set(members) or incident != stored:
            built.append(incident.id)
        incidents.append(incident)
    position = {c.id: i for i, c in enumerate(claims)}
    incidents.sort(key=lambda i: position[i.claim_ids[0]])
    labels = {claims[i].id: claims[c[0]].id for c in found.components for i in c}
    return incidents, labels, frozenset(built)
