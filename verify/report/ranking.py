"""Which decision counts (the reviewer's over the machine's) and which incidents matter most.

Incidents are read in order of what is at stake: those where someone reports people killed or
injured first, then those an independent source disputes, then the largest toll, then the weakest
grade. Pure functions over records; the report keeps its own order in report.json.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verify.records import Claim, Finding, Grade, Incident, Relation, Report

CONTESTED = frozenset({Relation.CONTRADICTS, Relation.OVERSTATES, Relation.UNDERSTATES})
"""Relations by which independent evidence disputes a party claim."""
_GRADE_RANK = {
    Grade.CONTESTED: 0,
    Grade.DISCOUNTED: 1,
    Grade.WEAK: 2,
    Grade.FAIR: 3,
    Grade.CONFIRMED: 4,
}


def effective_relation(finding: Finding) -> Relation:
    """The reviewer's relation when a valid review exists, else the machine's."""
    if finding.review is not None:
        try:
            return Relation(finding.review.value.strip().lower())
        except ValueError:
            pass
    return finding.relation


def effective_grade(incident: Incident) -> Grade:
    """The reviewer's grade when a valid review exists, else the machine's."""
    if incident.review is not None:
        try:
            return Grade(incident.review.value.strip().lower())
        except ValueError:
            pass
    return incident.grade


@dataclass(frozen=True)
class Toll:
    """The highest casualty figures any claim of an incident gives."""

    killed: int = 0
    injured: int = 0

    @property
    def total(self) -> int:
        return self.killed + self.injured

    def __str__(self) -> str:
        parts = [f"{self.killed} killed"] if self.killed else []
        parts += [f"{self.injured} injured"] if self.injured else []
        return ", ".join(parts)


def toll(incident: Incident, claims: Mapping[str, Claim]) -> Toll:
    """The largest killed and injured figures among the incident's claims (0 when none say)."""
    killed = injured = 0
    for cid in incident.claim_ids:
        claim = claims.get(cid)
        casualties = claim.facets.casualties if claim else None
        if casualties is not None:
            killed = max(killed, casualties.killed or 0)
            injured = max(injured, casualties.injured or 0)
    return Toll(killed, injured)


def is_contested(incident: Incident) -> bool:
    """True when the (reviewed) grade is contested or a (reviewed) finding disputes a claim."""
    return effective_grade(incident) is Grade.CONTESTED or any(
        effective_relation(f) in CONTESTED for f in incident.findings
    )


def stake_key(incident: Incident, claims: Mapping[str, Claim]) -> tuple[bool, bool, int, int]:
    """Sort key: casualty claims first, then contested, then larger tolls, then weaker grades."""
    loss = toll(incident, claims)
    return (loss.total == 0, not is_contested(incident), -loss.total, _GRADE_RANK[effective_grade(incident)])


def by_stake(report: Report, incidents: Sequence[Incident] | None = None) -> tuple[Incident, ...]:
    """The report's incidents (or ``incidents``) most at stake first; ties keep report order."""
    claims = {c.id: c for c in report.claims}
    chosen = report.incidents if incidents is None else incidents
    return tuple(sorted(chosen, key=lambda i: stake_key(i, claims)))
