"""Grade an incident from its judged findings, in the spirit of Airwars' public grading.

Rules, in order of precedence (the first that applies gives the grade; docs/grading.md explains
each one and why):

1. ``discounted``: an independent source denies the event, or reports it intercepted or missed
   where a party claims a hit or damage, and no independent source supports the claim.
2. ``confirmed``: two or more distinct independent sources support the claim (corroborate it, or
   report at least as much), or the opposing party concedes it, and no independent source
   contradicts or overstates it.
3. ``contested``: some source contradicts a party claim (a denial, an opposing party's
   "intercepted"), or independent evidence finds the claim overstated.
4. ``fair``: one independent source reports the incident consistently with the claim, possibly
   with less detail (``corroborates``, ``understates`` or ``partial``).
5. ``weak``: only the parties speak to it (unverified, or same-side/opposing detail only).

An incident without any party event claim is graded on its independent reports alone: two or
more independent sources make it confirmed, one fair, none weak.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from verify.records import Claim, ClaimKind, Finding, Grade, Outcome, Relation, SourceType

_SUPPORT = frozenset({Relation.CORROBORATES, Relation.UNDERSTATES})
_NO_EFFECT = frozenset({Outcome.INTERCEPTED, Outcome.MISSED})
_EFFECT = frozenset({Outcome.HIT, Outcome.DAMAGE})


def _different_sides(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def _names(sources: set[str]) -> str:
    return ", ".join(sorted(sources))


def _negates(finding: Finding, claim: Claim, evidence: Claim) -> bool:
    """Independent evidence that the event did not happen as claimed."""
    if finding.relation is Relation.CONTRADICTS:
        return True
    return (
        finding.relation is Relation.OVERSTATES
        and claim.facets.outcome in _EFFECT
        and evidence.facets.outcome in _NO_EFFECT
    )


def grade_incident(
    claims: Sequence[Claim],
    findings: Sequence[Finding],
    *,
    opposing: Callable[[str | None, str | None], bool] | None = None,
) -> tuple[Grade, str]:
    """The incident's grade and the one-sentence rule that produced it.

    ``opposing`` tells whether two sides are opponents; by default any two different named sides.
    """
    against = opposing or _different_sides
    by_id = {c.id: c for c in claims}
    support: set[str] = set()
    partial: set[str] = set()
    negating: set[str] = set()
    disputing: set[str] = set()
    conceding: set[str] = set()
    independent_disputes: set[str] = set()
    for f in findings:
        claim, evidence = by_id.get(f.claim_id), by_id.get(f.evidence_claim_id or "")
        if claim is None or evidence is None:
            continue
        independent = evidence.source_type is SourceType.INDEPENDENT
        if f.relation is Relation.CONTRADICTS or (independent and f.relation is Relation.OVERSTATES):
            disputing.add(evidence.source)
            if independent:
                independent_disputes.add(evidence.source)
        if not independent:
            if f.relation in _SUPPORT and against(claim.side, evidence.side):
                conceding.add(evidence.source)
            continue
        if f.relation in _SUPPORT:
            support.add(evidence.source)
        elif f.relation is Relation.PARTIAL:
            partial.add(evidence.source)
        elif _negates(f, claim, evidence):
            negating.add(evidence.source)

    if not any(_is_party_event(c) for c in claims):
        reporters = _independent_sources(claims)
        if len(reporters) >= 2:
            return (
                Grade.CONFIRMED,
                f"No party claim to judge; independent sources ({_names(reporters)}) report it.",
            )
        if reporters:
            return (
                Grade.FAIR,
                f"No party claim to judge; one independent source ({_names(reporters)}) reports it.",
            )
        return Grade.WEAK, "No party claim and no independent source: nothing to grade it on."
    if negating and not support:
        return (
            Grade.DISCOUNTED,
            f"Independent evidence ({_names(negating)}) shows it did not happen as claimed, "
            "and no independent source supports the claim.",
        )
    if (len(support) >= 2 or conceding) and not independent_disputes:
        if len(support) >= 2:
            return (
                Grade.CONFIRMED,
                f"Two or more independent sources ({_names(support)}) corroborate the claim.",
            )
        return Grade.CONFIRMED, f"The opposing party ({_names(conceding)}) concedes what the claim says."
    if disputing:
        return Grade.CONTESTED, f"Sources disagree on whether or how it happened ({_names(disputing)})."
    if support or partial:
        return (
            Grade.FAIR,
            f"Independent reporting ({_names(support | partial)}) is consistent with the claim "
            "but does not confirm it.",
        )
    return Grade.WEAK, "Only party claims speak to it: no independent source reports it."


def _is_party_event(c: Claim) -> bool:
    return c.source_type is SourceType.PARTY and c.kind is ClaimKind.EVENT


def _independent_sources(claims: Sequence[Claim]) -> set[str]:
    return {c.source for c in claims if c.source_type is SourceType.INDEPENDENT and c.kind is ClaimKind.EVENT}
