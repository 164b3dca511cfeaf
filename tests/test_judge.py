"""Judging party claims against evidence: every relation on small English and Arabic pairs."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from verify.judge import compare_facets, is_denial
from verify.judge.findings import (
    default_finding_id,
    group_probability,
    incident_probability,
    judge_incident,
    judge_pair,
)
from verify.judge.rules import PairFeatures, decide
from verify.records import (
    Casualties,
    Claim,
    ClaimKind,
    Entity,
    Facets,
    Outcome,
    Relation,
    SourceType,
    TimeRef,
    Weapon,
)
from verify.text.arabic import transliterate

PARTY, INDEPENDENT, MEDIA = SourceType.PARTY, SourceType.INDEPENDENT, SourceType.MEDIA
FACTION, USA = "iraqi_factions", "united_states"
BASE_EN = Entity("the Khirbet al-Jir base", "Kharab al-Jir")
BASE_AR = Entity("قاعدة خراب الجير", "Kharab al-Jir")


def sim(a: str, b: str) -> float:
    """A small script-aware stand-in for verify.registry.sources.entity_similarity."""
    return fuzz.ratio(transliterate(a), transliterate(b)) / 100


def opposing(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def make(
    cid: str,
    text: str,
    *,
    source: str = "Islamic Resistance in Iraq",
    source_type: SourceType = PARTY,
    side: str | None = FACTION,
    doc: str | None = None,
    kind: ClaimKind = ClaimKind.EVENT,
    published: dt.date | None = None,
    **facets: Any,
) -> Claim:
    return Claim(
        id=cid,
        document_id=doc or f"doc-{cid}",
        text=text,
        start=0,
        end=len(text),
        source=source,
        source_type=source_type,
        lang="ar" if any("\u0600" <= ch <= "\u06ff" for ch in text) else "en",
        kind=kind,
        facets=Facets(**facets),
        side=side,
        published=published,
    )


def sohr(cid: str, text: str, **kw: Any) -> Claim:
    return make(cid, text, source="SOHR", source_type=INDEPENDENT, side=None, **kw)


def centcom(cid: str, text: str, **kw: Any) -> Claim:
    return make(cid, text, source="US Central Command", side=USA, **kw)


HIT_CLAIM = make(
    "c1",
    "The Islamic Resistance said its fighters fired rockets at the Khirbet al-Jir base and hit it directly.",
    weapon=Weapon.ROCKET,
    count="multiple",
    target=BASE_EN,
    outcome=Outcome.HIT,
)
HIT_CLAIM_AR = make(
    "c2",
    "أعلنت المقاومة الإسلامية أنها استهدفت قاعدة خراب الجير بطائرة مسيرة وأصابتها بشكل مباشر.",
    weapon=Weapon.DRONE,
    count=1,
    target=BASE_AR,
    outcome=Outcome.HIT,
)


def test_corroborates_english_and_arabic() -> None:
    ev = sohr(
        "e1",
        "Several rockets struck the Khirbet al-Jir base, damaging buildings.",
        weapon=Weapon.MISSILE,
        count=3,
        target=BASE_EN,
        outcome=Outcome.DAMAGE,
    )
    j = judge_pair(HIT_CLAIM, ev, similarity=sim)
    assert j.relation is Relation.CORROBORATES
    assert j.facets == ()
    assert "SOHR" in j.explanation and "Islamic Resistance in Iraq" in j.explanation

    ev_ar = sohr(
        "e2",
        "أفاد المرصد بأن طائرة مسيرة أصابت قاعدة خراب الجير.",
        weapon=Weapon.DRONE,
        target=Entity("قاعدة خراب الجير"),
        outcome=Outcome.HIT,
    )
    assert judge_pair(HIT_CLAIM_AR, ev_ar, similarity=sim).relation is Relation.CORROBORATES


def test_opposing_denial_contradicts_in_both_languages() -> None:
    denial_ar = centcom("e3", "ونفى متحدث باسم التحالف وقوع أي هجوم على القاعدة.", target=BASE_AR)
    j = judge_pair(HIT_CLAIM_AR, denial_ar, similarity=sim, opposing=True)
    assert j.relation is Relation.CONTRADICTS
    assert j.explanation.startswith("US Central Command denies")

    denial_en = centcom("e4", "A Pentagon spokesman said no attack took place at the base.")
    assert judge_pair(HIT_CLAIM, denial_en, similarity=sim).relation is Relation.CONTRADICTS


def test_opposing_intercepted_vs_hit_contradicts_but_independent_overstates() -> None:
    text = "US forces shot down the incoming rockets before they reached the base."
    intercepted = dict(weapon=Weapon.ROCKET, target=BASE_EN, outcome=Outcome.INTERCEPTED)
    j = judge_pair(HIT_CLAIM, centcom("e5", text, **intercepted), similarity=sim, opposing=True)
    assert j.relation is Relation.CONTRADICTS
    assert [(d.name, d.claimed, d.reported) for d in j.facets] == [("outcome", "hit", "intercepted")]
    assert "intercepted" in j.explanation and "direct hits" in j.explanation

    independent = judge_pair(HIT_CLAIM, sohr("e6", text, **intercepted), similarity=sim)
    assert independent.relation is Relation.OVERSTATES


def test_multiple_rockets_with_hits_vs_one_rocket_no_casualties_overstates() -> None:
    ev = sohr(
        "e7",
        "A single rocket landed near the base and no casualties were reported.",
        weapon=Weapon.ROCKET,
        count=1,
        target=BASE_EN,
        casualties=Casualties(none_reported=True),
    )
    j = judge_pair(HIT_CLAIM, ev, similarity=sim)
    assert j.relation is Relation.OVERSTATES
    diffs = {d.name: (d.claimed, d.reported) for d in j.facets}
    assert diffs == {"count": ("multiple", 1), "outcome": ("hit", "none_reported")}
    assert j.explanation == (
        "SOHR reports 1 rocket with no casualties; "
        "Islamic Resistance in Iraq claims multiple rockets with direct hits."
    )


def test_more_killed_overstates_and_fewer_understates_in_arabic() -> None:
    claim = make("c3", "قالت الفصائل إن الهجوم أسفر عن مقتل خمسة جنود.", casualties=Casualties(killed=5))
    ev = sohr("e8", "وثق المرصد مقتل عنصرين في الهجوم.", casualties=Casualties(killed=2))
    j = judge_pair(claim, ev, similarity=sim)
    assert j.relation is Relation.OVERSTATES
    assert j.facets[0].claimed == {"killed": 5, "injured": None, "none_reported": False}
    assert "2 killed" in j.explanation and "5 killed" in j.explanation

    low = make("c4", "The army said two soldiers were wounded.", side=USA, casualties=Casualties(injured=2))
    high = sohr("e9", "Nine soldiers were injured, the monitor said.", casualties=Casualties(injured=9))
    assert judge_pair(low, high, similarity=sim).relation is Relation.UNDERSTATES


def test_party_saying_intercepted_understates_an_independent_hit() -> None:
    claim = centcom(
        "c5", "Air defences intercepted the drone.", weapon=Weapon.DRONE, outcome=Outcome.INTERCEPTED
    )
    ev = sohr("e10", "The drone hit a hangar at the base.", weapon=Weapon.DRONE, outcome=Outcome.HIT)
    assert judge_pair(claim, ev, similarity=sim).relation is Relation.UNDERSTATES


def test_evidence_silent_on_outcome_is_partial_not_denial() -> None:
    ev = sohr(
        "e11",
        "Rockets were fired at the Khirbet al-Jir base on Thursday.",
        weapon=Weapon.ROCKET,
        target=BASE_EN,
    )
    assert compare_facets(HIT_CLAIM, ev, similarity=sim) == ()
    j = judge_pair(HIT_CLAIM, ev, similarity=sim)
    assert j.relation is Relation.PARTIAL
    assert "says nothing of direct hits" in j.explanation


def test_direct_hits_vs_no_casualties_alone_is_partial() -> None:
    ev = sohr(
        "e12",
        "Rockets targeted the base; no casualties were reported.",
        weapon=Weapon.ROCKET,
        count="multiple",
        casualties=Casualties(none_reported=True),
    )
    j = judge_pair(HIT_CLAIM, ev, similarity=sim)
    assert j.relation is Relation.PARTIAL
    assert j.explanation == "SOHR reports no casualties; Islamic Resistance in Iraq claims direct hits."


def test_silence_is_not_a_difference() -> None:
    bare = sohr("e13", "An attack was reported in the area.")
    assert compare_facets(HIT_CLAIM, bare, similarity=sim) == ()
    assert judge_pair(HIT_CLAIM, bare, similarity=sim).relation is Relation.UNRELATED


def test_revised_toll_is_not_a_contradiction() -> None:
    early = make("c6", "Three people were killed, the faction said.", published=dt.date(2024, 1, 1))
    early = make(
        "c6", early.text, published=dt.date(2024, 1, 1), casualties=Casualties(killed=3), target=BASE_EN
    )
    later = sohr(
        "e14", "The toll rose to seven dead.", published=dt.date(2024, 1, 3), casualties=Casualties(killed=7)
    )
    j = judge_pair(early, later, similarity=sim)
    assert j.relation is Relation.UNDERSTATES
    assert "revised toll" in j.explanation and "later" in j.explanation

    earlier_lower = sohr(
        "e15", "Two dead, the monitor said.", published=dt.date(2023, 12, 31), casualties=Casualties(killed=2)
    )
    assert judge_pair(early, earlier_lower, similarity=sim).relation is Relation.PARTIAL


def test_count_rules() -> None:
    def diff(claimed: int | str, reported: int | str) -> Relation:
        c = make("c7", "x", weapon=Weapon.ROCKET, count=claimed)
        return judge_pair(c, sohr("e16", "y", weapon=Weapon.ROCKET, count=reported), similarity=sim).relation

    assert diff("multiple", 1) is Relation.OVERSTATES
    assert diff(1, "multiple") is Relation.UNDERSTATES
    assert diff(4, 2) is Relation.OVERSTATES
    assert diff("multiple", 3) is Relation.CORROBORATES
    assert diff("multiple", "multiple") is Relation.CORROBORATES


def test_entities_compared_on_canonical_when_both_have_one() -> None:
    seen: list[tuple[str, str]] = []

    def spy(a: str, b: str) -> float:
        seen.append((a, b))
        return 1.0 if a == b else 0.0

    c = make("c8", "x", target=Entity("Koniko field", "Conoco"), location=Entity("Deir ez-Zor"))
    e = sohr("e17", "y", target=Entity("حقل كونيكو", "Conoco"), location=Entity("دير الزور"))
    diffs = compare_facets(c, e, similarity=spy)
    assert ("Conoco", "Conoco") in seen and ("Deir ez-Zor", "دير الزور") in seen
    assert [d.name for d in diffs] == ["location"]
    assert diffs[0].reported == {"text": "دير الزور", "canonical": None}


def test_attacker_described_differently_does_not_decide() -> None:
    c = make("c9", "x", actor=Entity("Islamic Resistance in Iraq"), weapon=Weapon.ROCKET, target=BASE_EN)
    e = sohr("e18", "y", actor=Entity("Iran-backed groups"), weapon=Weapon.ROCKET, target=BASE_EN)
    j = judge_pair(c, e, similarity=sim)
    assert [d.name for d in j.facets] == ["actor"]
    assert j.relation is Relation.CORROBORATES


def test_a_party_named_in_its_own_report_is_not_a_different_attacker() -> None:
    # The base's operator reports the strike on it; a reader takes its own name for the attacker.
    resistance = Entity("the Resistance", "Islamic Resistance in Iraq")
    c = make("c10", "x", actor=resistance, target=BASE_EN, weapon=Weapon.DRONE, outcome=Outcome.HIT)
    struck = {"actor": Entity("CENTCOM", "US Central Command"), "target": BASE_EN, "weapon": Weapon.DRONE}
    j = judge_pair(c, centcom("e19", "y", outcome=Outcome.DAMAGE, **struck), similarity=sim)
    assert [d.name for d in j.facets] == ["actor"]
    assert j.relation is Relation.CORROBORATES
    # A third party naming another attacker is still a difference.
    e = make("e20", "y", source="Kataib Hezbollah", side=None, outcome=Outcome.DAMAGE, **struck)
    assert judge_pair(c, e, similarity=sim).relation is Relation.PARTIAL


def test_an_announced_attack_said_to_be_intercepted() -> None:
    claim = make("c11", "x", weapon=Weapon.DRONE, target=BASE_EN)  # announced, no outcome stated
    stopped = {"weapon": Weapon.DRONE, "target": BASE_EN, "outcome": Outcome.INTERCEPTED}
    assert judge_pair(claim, centcom("e21", "y", **stopped), similarity=sim).relation is Relation.CONTRADICTS
    assert judge_pair(claim, sohr("e22", "y", **stopped), similarity=sim).relation is Relation.PARTIAL
    landed = {"weapon": Weapon.DRONE, "target": BASE_EN, "outcome": Outcome.HIT}
    assert judge_pair(claim, sohr("e23", "y", **landed), similarity=sim).relation is not Relation.CONTRADICTS


def test_a_report_naming_both_weapons_does_not_differ_on_the_weapon() -> None:
    claim = make(
        "c12",
        "The Resistance said it fired rockets at the base and hit it.",
        weapon=Weapon.ROCKET,
        target=BASE_EN,
        outcome=Outcome.HIT,
    )
    both = sohr(
        "e24",
        "Drones and a dozen rockets hit the base.",
        weapon=Weapon.DRONE,
        target=BASE_EN,
        outcome=Outcome.HIT,
    )
    assert judge_pair(claim, both, similarity=sim).relation is Relation.CORROBORATES
    drones = sohr("e25", "Two drones hit the base.", weapon=Weapon.DRONE, target=BASE_EN, outcome=Outcome.HIT)
    assert judge_pair(claim, drones, similarity=sim).relation is Relation.PARTIAL


def test_denial_cues() -> None:
    assert is_denial("The ministry denied that the strike happened.")
    assert is_denial("فنفت الوزارة الخبر")
    assert is_denial("قال المصدر إن الهجوم لم يحدث")
    assert not is_denial("The group denied responsibility for the attack.")
    assert not is_denial("نفت الجماعة مسؤوليتها عن الهجوم")
    assert not is_denial("Rockets hit the base, the monitor said.")


def test_decide_is_pure_rules_on_features() -> None:
    base = PairFeatures(
        diffs=(),
        comparable=2,
        overlap=2,
        up=(),
        down=(),
        weak_up=False,
        minor=(),
        revision=0,
        evidence_later=False,
        negated_effect=False,
        denial=False,
        claim_denial=False,
        opposing=False,
        silent_on_key=False,
    )
    assert decide(base) is Relation.CORROBORATES
    assert (
        decide(PairFeatures(**{**base.__dict__, "up": ("count",), "down": ("casualties",)}))
        is Relation.PARTIAL
    )
    assert decide(PairFeatures(**{**base.__dict__, "negated_effect": True})) is Relation.CORROBORATES
    both = {**base.__dict__, "negated_effect": True, "opposing": True}
    assert decide(PairFeatures(**both)) is Relation.CONTRADICTS


def test_judge_incident_pairs_and_unverified() -> None:
    same_doc_same_source = make("c10", "The faction repeated its claim.", doc="doc-c1", weapon=Weapon.ROCKET)
    claims = [
        HIT_CLAIM,
        same_doc_same_source,
        sohr("e19", "Rockets hit the base.", weapon=Weapon.ROCKET, target=BASE_EN, outcome=Outcome.HIT),
        make(
            "m1",
            "An outlet relayed the claim.",
            source="Outlet",
            source_type=MEDIA,
            side=None,
            weapon=Weapon.ROCKET,
        ),
        make(
            "i1",
            "We will strike again.",
            source="SOHR",
            source_type=INDEPENDENT,
            side=None,
            kind=ClaimKind.INTENT,
        ),
    ]
    findings = judge_incident(claims, opposing=opposing, similarity=sim)
    by_claim = {(f.claim_id, f.evidence_claim_id): f for f in findings}
    # Every other source speaks to a party claim, media included; its own source and intents do not.
    assert set(by_claim) == {("c1", "e19"), ("c10", "e19"), ("c1", "m1"), ("c10", "m1")}
    assert by_claim[("c1", "e19")].relation is Relation.CORROBORATES

    alone = judge_incident([HIT_CLAIM, claims[4]], opposing=opposing, similarity=sim)
    assert len(alone) == 1
    assert alone[0].relation is Relation.UNVERIFIED and alone[0].evidence_claim_id is None
    assert alone[0].explanation.startswith("No other source reports on Islamic Resistance in Iraq's claim")


def test_same_source_in_other_document_and_opposing_party_are_evidence() -> None:
    other_doc = sohr("e20", "Rockets hit the base.", doc="doc-c1", weapon=Weapon.ROCKET, outcome=Outcome.HIT)
    denial = centcom("e21", "The command denied any attack took place.")
    findings = judge_incident([HIT_CLAIM, other_doc, denial], opposing=opposing, similarity=sim)
    relations = {(f.claim_id, f.evidence_claim_id): f.relation for f in findings}
    assert relations == {
        ("c1", "e20"): Relation.CORROBORATES,
        ("c1", "e21"): Relation.CONTRADICTS,
        # the denial is itself a party claim: the faction's and the monitor's reports contradict it
        ("e21", "c1"): Relation.CONTRADICTS,
        ("e21", "e20"): Relation.CONTRADICTS,
    }
    denial_finding = next(f for f in findings if (f.claim_id, f.evidence_claim_id) == ("e21", "e20"))
    assert (
        denial_finding.explanation == "SOHR reports rockets and direct hits, which US Central Command denies."
    )


def test_finding_ids_are_stable() -> None:
    expected = "f-" + hashlib.sha256(b"c1|e22").hexdigest()[:12]
    assert default_finding_id("c1", "e22") == expected
    assert default_finding_id("c1", None) == "f-" + hashlib.sha256(b"c1|none").hexdigest()[:12]
    claims = [HIT_CLAIM, sohr("e22", "Rockets hit the base.", weapon=Weapon.ROCKET, outcome=Outcome.HIT)]
    first = judge_incident(claims, opposing=opposing, similarity=sim)
    again = judge_incident(list(claims), opposing=opposing, similarity=sim)
    assert [f.id for f in first] == [f.id for f in again] == [expected]
    custom = judge_incident(claims, opposing=opposing, similarity=sim, finding_id=lambda c, e: f"{c}:{e}")
    assert custom[0].id == "c1:e22"


_entities = st.sampled_from(
    [None, BASE_EN, BASE_AR, Entity("Tal Baydar base"), Entity("Erbil airport", "Erbil")]
)
_facets = st.builds(
    Facets,
    actor=st.sampled_from([None, Entity("Hezbollah"), Entity("Islamic Resistance in Iraq")]),
    weapon=st.none() | st.sampled_from(list(Weapon)),
    count=st.none() | st.just("multiple") | st.integers(1, 6),
    target=_entities,
    location=_entities,
    time=st.none() | st.dates(dt.date(2023, 10, 1), dt.date(2023, 10, 9)).map(lambda d: TimeRef("t", d)),
    outcome=st.none() | st.sampled_from(list(Outcome)),
    casualties=st.none()
    | st.builds(Casualties, st.none() | st.integers(0, 9), st.none() | st.integers(0, 9), st.booleans()),
)


@settings(max_examples=150, deadline=None)
@given(_facets, _facets, st.booleans())
def test_properties_confidence_bounds_and_silence(claimed: Facets, reported: Facets, against: bool) -> None:
    c = Claim("c", "d1", "claim", 0, 5, "Faction", PARTY, "en", ClaimKind.EVENT, claimed, FACTION)
    e = Claim("e", "d2", "report", 0, 6, "Monitor", INDEPENDENT, "en", ClaimKind.EVENT, reported)
    j = judge_pair(c, e, similarity=sim, opposing=against)
    assert 0.0 <= j.confidence <= 1.0
    assert j.explanation.endswith(".") and "Monitor" in j.explanation
    # without a denial in the text, only an opposing "intercepted/missed" can contradict
    if j.relation is Relation.CONTRADICTS:
        assert against and reported.outcome in (Outcome.INTERCEPTED, Outcome.MISSED)
    # a facet that either side leaves unstated is never reported as a difference
    for d in j.facets:
        if d.name == "outcome" and d.reported == "none_reported":
            assert reported.casualties is not None and reported.casualties.none_reported
        elif d.name == "casualties" and isinstance(d.reported, str):
            assert reported.outcome is not None
        else:
            assert getattr(claimed, d.name) is not None and getattr(reported, d.name) is not None


def test_other_claims_are_evidence_only_when_they_deny() -> None:
    motive = sohr(
        "o1", "The monitor said the strike was retaliation.", kind=ClaimKind.OTHER, weapon=Weapon.ROCKET
    )
    denial = centcom("o2", "نفت القيادة الأمريكية تعرض قواعدها لأي هجوم.", kind=ClaimKind.OTHER)
    findings = judge_incident([HIT_CLAIM, motive, denial], opposing=opposing, similarity=sim)
    assert [(f.evidence_claim_id, f.relation) for f in findings] == [("o2", Relation.CONTRADICTS)]


def test_within_an_incident_confidence_leaves_out_the_unrelated_share() -> None:
    proba = {
        Relation.CORROBORATES: 0.2,
        Relation.CONTRADICTS: 0.05,
        Relation.OVERSTATES: 0.05,
        Relation.UNRELATED: 0.7,
    }
    assert incident_probability(Relation.CORROBORATES, proba) == pytest.approx(0.2 / 0.3)
    # A difference counts the whole group of differences, as group_probability does.
    assert incident_probability(Relation.UNDERSTATES, proba) == pytest.approx(0.1 / 0.3)
    assert incident_probability(Relation.UNRELATED, proba) == pytest.approx(0.7)
    # Nothing but "unrelated": nothing to renormalise, and no verdict gets any confidence.
    only = {Relation.UNRELATED: 1.0, Relation.CORROBORATES: 0.0}
    assert incident_probability(Relation.CORROBORATES, only) == 0.0
    assert group_probability(Relation.CORROBORATES, proba) == pytest.approx(0.2)
