"""Facet extraction on Arabic and English sentences written for these tests, and on the seed article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from verify.facets.extract import extract_facets
from verify.records import Casualties, Entity, Facets, Outcome, TimeRef, Weapon
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry
from verify.text.arabic import has_arabic
from verify.text.numbers import load_lexicon
from verify.text.split import split_sentences

PUBLISHED = dt.date(2023, 11, 9)
Extract = Callable[[str], Facets]


@pytest.fixture(scope="module")
def facets(registry: SourceRegistry, places: Gazetteer) -> Extract:
    def run(text: str) -> Facets:
        lang = "ar" if has_arabic(text) else "en"
        return extract_facets(text, lang=lang, published=PUBLISHED, registry=registry, places=places)

    return run


@pytest.mark.parametrize(
    ("text", "weapon", "count"),
    [
        ("أطلق مسلحون صاروخا على المطار", Weapon.ROCKET, 1),
        ("سقط صاروخان قرب القاعدة", Weapon.ROCKET, 2),
        ("قصفت الجماعة المعسكر بصاروخين", Weapon.ROCKET, 2),
        ("أطلقت الفصائل صواريخ على القاعدة", Weapon.ROCKET, "multiple"),
        ("قصفوا الموقع بالصواريخ", Weapon.ROCKET, "multiple"),
        ("أطلقوا خمسة صواريخ", Weapon.ROCKET, 5),
        ("أطلقوا 7 صواريخ", Weapon.ROCKET, 7),
        ("أطلقوا عشرات الصواريخ", Weapon.ROCKET, "multiple"),
        ("أطلقوا عدة صواريخ", Weapon.ROCKET, "multiple"),
        ("Militants fired a rocket at the base.", Weapon.ROCKET, 1),
        ("Militants fired three rockets at the base.", Weapon.ROCKET, 3),
        ("Militants fired rockets at the base.", Weapon.ROCKET, "multiple"),
        ("Militants fired dozens of rockets at the base.", Weapon.ROCKET, "multiple"),
        ("The Houthis launched a ballistic missile toward Eilat.", Weapon.MISSILE, 1),
        ("The Houthis launched two cruise missiles.", Weapon.MISSILE, 2),
        ("أطلق الحوثيون صاروخا باليستيا", Weapon.MISSILE, 1),
        ("استهدفت طائرة مسيرة القاعدة", Weapon.DRONE, 1),
        ("استهدفت طائرتان مسيرتان القاعدة", Weapon.DRONE, 2),
        ("هاجمت مسيرات القاعدة", Weapon.DRONE, "multiple"),
        ("هاجمت الفصائل القاعدة بطائرات مسيرة", Weapon.DRONE, "multiple"),
        ("A one-way attack drone struck the base.", Weapon.DRONE, 1),
        ("Two UAVs were launched at the base.", Weapon.DRONE, 2),
        ("شنت طائرات حربية غارتين على المدينة", Weapon.AIRSTRIKE, 2),
        ("شن الطيران غارة على المدينة", Weapon.AIRSTRIKE, 1),
        ("Warplanes carried out airstrikes on the town.", Weapon.AIRSTRIKE, "multiple"),
        ("An air strike hit a warehouse.", Weapon.AIRSTRIKE, 1),
        ("سقطت ثلاث قذائف هاون قرب المطار", Weapon.MORTAR, 3),
        ("سقطت قذيفتا هاون قرب المطار", Weapon.MORTAR, 2),
        ("Four mortar rounds landed near the embassy.", Weapon.MORTAR, 4),
        ("Artillery shelling hit the village.", Weapon.ARTILLERY, None),
        ("قصف مدفعي استهدف القرية", Weapon.ARTILLERY, None),
        ("انفجرت عبوة ناسفة بدورية", Weapon.EXPLOSIVE, 1),
        ("A roadside bomb hit a convoy.", Weapon.EXPLOSIVE, 1),
        ("Gunmen opened fire on a checkpoint.", Weapon.GUNFIRE, None),
        ("اندلعت اشتباكات بين الطرفين", Weapon.GUNFIRE, "multiple"),
    ],
)
def test_weapon_and_count(facets: Extract, text: str, weapon: Weapon, count: object) -> None:
    found = facets(text)
    assert (found.weapon, found.count) == (weapon, count)


@pytest.mark.parametrize(
    ("text", "weapon", "count"),
    [
        ("أعلنت الجماعة شن هجومين بطائرات مسيرة على قاعدتين", Weapon.DRONE, 2),
        ("The group claimed two drone attacks on US forces.", Weapon.DRONE, 2),
        ("تعرضت القوات لأكثر من 40 هجوما بالصواريخ والمسيرات", Weapon.ROCKET, 40),
        ("The militia carried out three attacks with rockets.", Weapon.ROCKET, 3),
    ],
)
def test_counted_attacks_give_the_count(facets: Extract, text: str, weapon: Weapon, count: int) -> None:
    found = facets(text)
    assert (found.weapon, found.count) == (weapon, count)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("The group said its rockets hit their targets.", Outcome.HIT),
        ("Two direct hits were recorded on the base.", Outcome.HIT),
        ("قالت الفصائل إن صواريخها أصابت أهدافها", Outcome.HIT),
        ("حققت المسيرة إصابة مباشرة", Outcome.HIT),
        ("Air defences intercepted the drone.", Outcome.INTERCEPTED),
        ("A drone was shot down over the base.", Outcome.INTERCEPTED),
        ("The attack was thwarted.", Outcome.INTERCEPTED),
        ("أسقطت الدفاعات الجوية طائرة مسيرة", Outcome.INTERCEPTED),
        ("تصدت الدفاعات لهجوم بالصواريخ", Outcome.INTERCEPTED),
        ("The rocket missed the base and landed harmlessly.", Outcome.MISSED),
        ("The rocket did not hit the base.", Outcome.MISSED),
        ("سقط الصاروخ في منطقة خالية", Outcome.MISSED),
        ("الصاروخ لم تصب القاعدة", Outcome.MISSED),
        ("The rocket attack caused damage to a hangar.", Outcome.DAMAGE),
        ("ألحق القصف أضرارا مادية بالمبنى", Outcome.DAMAGE),
        ("A rocket fell near the base without causing damage.", Outcome.NO_DAMAGE),
        ("سقطت قذيفة هاون دون أضرار", Outcome.NO_DAMAGE),
        ("قصف صاروخي لم تسفر عن أضرار", Outcome.NO_DAMAGE),
    ],
)
def test_outcome(facets: Extract, text: str, outcome: Outcome) -> None:
    assert facets(text).outcome == outcome


@pytest.mark.parametrize(
    ("text", "casualties"),
    [
        ("The strike killed 3 and wounded 5.", Casualties(3, 5)),
        ("أسفرت الغارة عن مقتل 3 وإصابة 5 آخرين", Casualties(3, 5)),
        ("Three soldiers were killed in the attack.", Casualties(3, None)),
        ("سقط 4 قتلى في القصف", Casualties(4, None)),
        ("The bombing killed at least 12 people.", Casualties(12, None)),
        ("أدى الانفجار إلى مقتل جندي", Casualties(1, None)),
        ("The drone attack wounded two service members.", Casualties(None, 2)),
        ("A rocket hit the base; no casualties were reported.", Casualties(None, None, True)),
        ("A rocket fell near the base and no one was hurt.", Casualties(None, None, True)),
        ("سقط صاروخ قرب القاعدة من دون ورود أنباء عن وقوع خسائر بشرية", Casualties(None, None, True)),
        ("استهدفت مسيرة القاعدة دون وقوع إصابات", Casualties(None, None, True)),
        ("قصف صاروخي لم يسفر عن خسائر بشرية", Casualties(None, None, True)),
        ("No soldiers were injured in the rocket attack.", Casualties(None, None, True)),
    ],
)
def test_casualties(facets: Extract, text: str, casualties: Casualties) -> None:
    assert facets(text).casualties == casualties


@pytest.mark.parametrize(
    "text",
    ["Militants fired three rockets at the base.", "حققت المسيرة إصابة مباشرة في القاعدة"],
)
def test_casualties_not_mentioned_is_none(facets: Extract, text: str) -> None:
    assert facets(text).casualties is None


def test_weapon_count_is_not_read_as_a_toll(facets: Extract) -> None:
    found = facets("Two rockets killed a civilian.")
    assert (found.count, found.casualties) == (2, Casualties(1, None))


def test_named_target_and_its_container(facets: Extract) -> None:
    found = facets("Iran-backed militants fired two rockets at Ain al-Asad air base in Anbar on Tuesday.")
    assert found.target == Entity("Ain al-Asad air base", "Ain al-Asad air base")
    assert found.location == Entity("Anbar", "Anbar governorate")
    assert found.actor == Entity("Iran-backed militants", "Iran-backed groups")
    assert found.time == TimeRef("Tuesday", dt.date(2023, 11, 7))


def test_location_defaults_to_the_targets_parent(facets: Extract) -> None:
    ar = facets("أطلقت فصائل مسلحة صاروخا على قاعدة حرير")
    assert ar.target == Entity("قاعدة حرير", "Harir air base")
    assert ar.location == Entity("أربيل", "Erbil governorate")
    en = facets("A drone targeted Harir air base.")
    assert en.location == Entity("Erbil governorate", "Erbil governorate")


def test_first_of_two_targets_is_kept(facets: Extract) -> None:
    found = facets("شنت الجماعة هجومين بطائرات مسيرة استهدف أحدهما قاعدة الشدادي والآخر مطار أربيل")
    assert (found.target, found.count, found.weapon) == (
        Entity("قاعدة الشدادي", "al-Shaddadi"),
        2,
        Weapon.DRONE,
    )


def test_generic_target_without_a_named_place(facets: Extract) -> None:
    found = facets("قصفت الفصائل القاعدة الأميركية في سوريا بالصواريخ")
    assert found.target == Entity("القاعدة الأميركية")
    assert found.location == Entity("سوريا", "Syria")
    assert facets("Rockets targeted US forces in eastern Syria.").target == Entity("US forces")


def test_actor_is_the_attacker_not_the_reporter(facets: Extract) -> None:
    found = facets("قال المرصد السوري إن طيران التحالف استهدف مواقع في البوكمال")
    assert found.actor is not None and found.actor.canonical == "US-led coalition"
    assert found.location == Entity("البوكمال", "Abu Kamal")
    en = facets("Kataib Hezbollah said it launched a drone at Erbil airport, the Pentagon said.")
    assert en.actor == Entity("Kataib Hezbollah", "Kataib Hezbollah")
    reported = facets("The monitor said coalition aircraft struck positions in Abu Kamal.")
    assert reported.actor == Entity("coalition aircraft")


def test_lexicon_uses_the_contract_values() -> None:
    lex = load_lexicon()
    assert set(lex["weapons"]) <= {w.value for w in Weapon}
    assert set(lex["outcomes"]["_order"]) == {o.value for o in Outcome}
    assert {k for k in lex["outcomes"] if not k.startswith("_")} == {o.value for o in Outcome}


def test_place_inside_a_group_name_is_not_the_location(facets: Extract) -> None:
    found = facets("أطلقت مجموعات مدعومة من إيران صاروخا على حقل العمر")
    assert found.actor == Entity("مجموعات مدعومة من إيران", "Iran-backed groups")
    assert found.location is not None and found.location.canonical != "Iran"


def test_background_clause_lends_nothing(facets: Extract) -> None:
    found = facets("قصفت الفصائل قاعدة التنف بصاروخين ردا على الغارات التي قتلت 30 شخصا في غزة")
    assert (found.weapon, found.count, found.casualties) == (Weapon.ROCKET, 2, None)
    assert found.location == Entity("حمص", "Homs governorate")


@pytest.mark.parametrize(
    "text", ["The weather in Damascus was pleasant today.", "", "وقال المسؤول إن الاجتماع كان مثمرا"]
)
def test_non_event_text_has_no_facets(facets: Extract, text: str) -> None:
    assert facets(text) == Facets()


def _seed_sentence(seed_path: Path, *words: str) -> str:
    for span in split_sentences(seed_path.read_text(encoding="utf-8")):
        if all(w in span.text for w in words):
            return span.text
    raise AssertionError(f"no seed sentence with {words}")


def test_seed_faction_claim(facets: Extract, seed_path: Path) -> None:
    found = facets(_seed_sentence(seed_path, "أعلنت", "بالصواريخ"))
    assert (found.weapon, found.count, found.outcome) == (Weapon.ROCKET, "multiple", Outcome.HIT)
    assert found.target is not None and found.target.canonical == "Conoco gas field"
    assert found.time is not None and found.time.date == PUBLISHED


def test_seed_monitor_report(facets: Extract, seed_path: Path) -> None:
    found = facets(_seed_sentence(seed_path, "المرصد السوري", "صاروخا"))
    assert (found.weapon, found.count) == (Weapon.ROCKET, 1)
    assert found.casualties == Casualties(None, None, True)
    assert found.actor is not None and found.actor.canonical == "Iran-backed groups"


def test_seed_drone_claim(facets: Extract, seed_path: Path) -> None:
    found = facets(_seed_sentence(seed_path, "هجومين"))
    assert (found.weapon, found.count) == (Weapon.DRONE, 2)
    assert found.actor is not None and found.actor.canonical == "Kataib Hezbollah"
    assert found.target is not None and found.target.canonical == "Harir air base"


@pytest.mark.parametrize(
    "text",
    [
        "سقطت قذيفة قرب القاعدة دون معرفة حجم الأضرار.",
        "A rocket struck near the base; the extent of the damage was not immediately known.",
    ],
)
def test_unknown_damage_is_not_no_damage(facets: Extract, text: str) -> None:
    assert facets(text).outcome != Outcome.NO_DAMAGE


def test_place_of_the_speaker_gives_way_to_the_place_reported(facets: Extract) -> None:
    en = facets("An official in Damascus told reporters that two rockets struck a market in Deir ez-Zor.")
    assert en.location is not None and en.location.canonical != "Damascus"
    ar = facets("قال مسؤول في دمشق إن صاروخين سقطا على سوق في حمص")
    assert ar.location is not None and ar.location.canonical == "Homs governorate"
    # Nothing reported after the saying: the place before it stands.
    alone = facets("Two rockets struck a market in Homs, an official said.")
    assert alone.location is not None and alone.location.canonical == "Homs governorate"


@pytest.mark.parametrize(
    "text",
    [
        "In a statement carried by the Saudi Press Agency, the ministry said drones struck a fuel depot.",
        "وقالت الوزارة في بيان نقلته وكالة الأنباء السعودية إن طائرات مسيرة ضربت مستودعا للوقود",
    ],
)
def test_a_news_outlet_that_carries_a_statement_is_not_the_attacker(facets: Extract, text: str) -> None:
    found = facets(text)
    assert found.weapon is Weapon.DRONE
    assert found.actor is None or found.actor.canonical != "Saudi Press Agency"


def test_a_hit_called_accurate_with_the_article_is_no_injury(facets: Extract) -> None:
    # 'الإصابة' is a hit here, not an injury: with the article it is as ambiguous as without
    found = facets("وقال المتحدث إن طائرات مسيرة قصفت المستودع وإن الإصابة كانت بالغة الدقة")
    assert found.weapon is Weapon.DRONE
    assert found.casualties is None


def test_an_article_before_a_weapon_attack_counts_the_attack(facets: Extract) -> None:
    # 'a mortar attack' is one attack of unstated rounds; 'a mortar round' is one round.
    assert facets("A guard was hurt in a rocket attack on the depot.").count is None
    assert facets("A guard was hurt in a mortar attack on the depot.").count is None
    assert facets("The militia fired a rocket at the depot.").count == 1
