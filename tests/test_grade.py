"""Incident grades: each rule of the scale, and its precedence over the next."""

from __future__ import annotations

from typing import Any

from verify.judge.grade import grade_incident
from verify.records import (
    Claim,
    ClaimKind,
    Facets,
    Finding,
    Grade,
    Outcome,
    Relation,
    SourceType,
    Weapon,
)

FACTION, USA = "iraqi_factions", "united_states"


def claim(cid: str, source: str, source_type: SourceType, side: str | None = None, **facets: Any) -> Claim:
    text = f"{source} statement {cid}"
    return Claim(
        cid,
        f"doc-{cid}",
        text,
        0,
        len(text),
        source,
        source_type,
        "en",
        ClaimKind.EVENT,
        Facets(**facets),
        side,
    )


PARTY_HIT = claim(
    "p1", "Islamic Resistance in Iraq", SourceType.PARTY, FACTION, weapon=Weapon.ROCKET, outcome=Outcome.HIT
)
SOHR = claim("s1", "SOHR", SourceType.INDEPENDENT, weapon=Weapon.ROCKET, outcome=Outcome.HIT)
UN = claim("u1", "UN OCHA", SourceType.INDEPENDENT, weapon=Weapon.ROCKET, outcome=Outcome.HIT)
SOHR_INTERCEPTED = claim("s2", "SOHR", SourceType.INDEPENDENT, outcome=Outcome.INTERCEPTED)
CENTCOM = claim("a1", "US Central Command", SourceType.PARTY, USA, weapon=Weapon.ROCKET, outcome=Outcome.HIT)
CLAIMS = [PARTY_HIT, SOHR, UN, SOHR_INTERCEPTED, CENTCOM]


def finding(evidence: Claim | None, relation: Relation, of: Claim = PARTY_HIT) -> Finding:
    eid = evidence.id if evidence else None
    return Finding(f"f-{of.id}-{eid}", of.id, eid, relation, 0.7, "explanation")


def test_independent_denial_discounts() -> None:
    grade, rule = grade_incident(CLAIMS, [finding(SOHR, Relation.CONTRADICTS)])
    assert grade is Grade.DISCOUNTED
    assert "SOHR" in rule and rule.endswith(".")


def test_independent_intercepted_against_claimed_hit_discounts() -> None:
    grade, _ = grade_incident(CLAIMS, [finding(SOHR_INTERCEPTED, Relation.OVERSTATES)])
    assert grade is Grade.DISCOUNTED


def test_independent_overstatement_without_negation_is_contested_not_discounted() -> None:
    grade, rule = grade_incident(CLAIMS, [finding(SOHR, Relation.OVERSTATES)])
    assert grade is Grade.CONTESTED
    assert "SOHR" in rule


def test_negation_with_independent_support_is_contested() -> None:
    findings = [finding(SOHR_INTERCEPTED, Relation.OVERSTATES), finding(UN, Relation.CORROBORATES)]
    assert grade_incident(CLAIMS, findings)[0] is Grade.CONTESTED


def test_two_independent_sources_confirm() -> None:
    findings = [finding(SOHR, Relation.CORROBORATES), finding(UN, Relation.UNDERSTATES)]
    grade, rule = grade_incident(CLAIMS, findings)
    assert grade is Grade.CONFIRMED
    assert "SOHR" in rule and "UN OCHA" in rule


def test_two_claims_from_one_source_do_not_confirm() -> None:
    sohr_again = claim("s3", "SOHR", SourceType.INDEPENDENT, weapon=Weapon.ROCKET)
    findings = [finding(SOHR, Relation.CORROBORATES), finding(sohr_again, Relation.CORROBORATES)]
    assert grade_incident([*CLAIMS, sohr_again], findings)[0] is Grade.FAIR


def test_opposing_party_concession_confirms() -> None:
    grade, rule = grade_incident(CLAIMS, [finding(CENTCOM, Relation.CORROBORATES)])
    assert grade is Grade.CONFIRMED
    assert "US Central Command" in rule
    # a same-side echo is no concession
    ally = claim("a2", "Kataib Hezbollah", SourceType.PARTY, FACTION, outcome=Outcome.HIT)
    assert grade_incident([*CLAIMS, ally], [finding(ally, Relation.CORROBORATES)])[0] is Grade.WEAK
    # the caller's notion of opposing sides wins over the default
    allies = grade_incident(CLAIMS, [finding(CENTCOM, Relation.CORROBORATES)], opposing=lambda a, b: False)
    assert allies[0] is Grade.WEAK


def test_independent_dispute_blocks_confirmation() -> None:
    airwars = claim("m1", "Airwars", SourceType.INDEPENDENT)
    findings = [
        finding(SOHR, Relation.CORROBORATES),
        finding(UN, Relation.CORROBORATES),
        finding(airwars, Relation.OVERSTATES),
    ]
    assert grade_incident([*CLAIMS, airwars], findings)[0] is Grade.CONTESTED


def test_opposing_denial_is_contested_but_cannot_outweigh_two_independent_sources() -> None:
    denial = [finding(CENTCOM, Relation.CONTRADICTS)]
    grade, rule = grade_incident(CLAIMS, denial)
    assert grade is Grade.CONTESTED and "US Central Command" in rule
    confirmed = [*denial, finding(SOHR, Relation.CORROBORATES), finding(UN, Relation.CORROBORATES)]
    assert grade_incident(CLAIMS, confirmed)[0] is Grade.CONFIRMED


def test_one_consistent_independent_source_is_fair() -> None:
    assert grade_incident(CLAIMS, [finding(SOHR, Relation.CORROBORATES)])[0] is Grade.FAIR
    grade, rule = grade_incident(CLAIMS, [finding(SOHR, Relation.PARTIAL)])
    assert grade is Grade.FAIR and "SOHR" in rule


def test_party_claims_only_are_weak() -> None:
    grade, rule = grade_incident(CLAIMS, [finding(None, Relation.UNVERIFIED)])
    assert grade is Grade.WEAK
    assert "party" in rule
    # an opposing party quibbling over the count is not independent evidence
    assert grade_incident(CLAIMS, [finding(CENTCOM, Relation.OVERSTATES)])[0] is Grade.WEAK


def test_incident_without_party_claims_graded_on_independent_reports() -> None:
    assert grade_incident([SOHR, UN], [])[0] is Grade.CONFIRMED
    assert grade_incident([SOHR], [])[0] is Grade.FAIR
    assert grade_incident([claim("x", "Outlet", SourceType.MEDIA)], [])[0] is Grade.WEAK
