"""Reading long reports: tolls anywhere in the article, war tolls, weapons of the region's wars, dates.

Sentences are our own, written for these tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from verify.claims import extract_claims
from verify.facets import extract_facets
from verify.records import ClaimKind, Document, Facets, Weapon
from verify.registry import Gazetteer, Knowledge, Settings, SourceRegistry
from verify.text import dateline, find_time, has_arabic, hijri_to_date

Extract = Callable[[str], Facets]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load(Settings())


@pytest.fixture(scope="module")
def facets(knowledge: Knowledge) -> Extract:
    registry: SourceRegistry = knowledge.registry
    places: Gazetteer = knowledge.places

    def run(text: str) -> Facets:
        lang = "ar" if has_arabic(text) else "en"
        return extract_facets(text, lang=lang, published=None, registry=registry, places=places)

    return run


@pytest.mark.parametrize(
    ("text", "weapon"),
    [
        ("Dozens choked after a chlorine attack on the district, doctors said.", Weapon.CHEMICAL),
        ("أصيب العشرات بحالات اختناق إثر قصف بغاز الكلور على البلدة.", Weapon.CHEMICAL),
        ("Helicopters dropped barrel bombs on the market, killing nine.", Weapon.BARREL_BOMB),
        ("قتل سبعة مدنيين بالبراميل المتفجرة التي ألقتها المروحيات.", Weapon.BARREL_BOMB),
        ("A car bomb exploded near the checkpoint, killing four soldiers.", Weapon.CAR_BOMB),
        ("انفجرت سيارة مفخخة قرب الحاجز وقتل أربعة جنود.", Weapon.CAR_BOMB),
        ("A suicide bomber blew himself up at the gate of the camp.", Weapon.SUICIDE_ATTACK),
        ("A boy was killed by sniper fire near the crossing.", Weapon.SNIPER),
        ("An explosion tore through a bus, killing six passengers.", Weapon.EXPLOSIVE),
    ],
)
def test_weapons_of_the_region(facets: Extract, text: str, weapon: Weapon) -> None:
    assert facets(text).weapon == weapon


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("At least 14 civilians including five children were killed in the strikes.", 14),
        ("At least 31 people mostly women and children were killed in the raids.", 31),
        ("The death toll from the blast at the bus station rose to at least 58.", 58),
        ("Death toll from the market bombing at least 23.", 23),
        ("قتل 12 مدنيا بينهم ثلاثة أطفال في القصف.", 12),
        ("Three dead, fifteen injured in shelling on the old market.", 3),
    ],
)
def test_the_incident_toll(facets: Extract, text: str, killed: int) -> None:
    casualties = facets(text).casualties
    assert casualties is not None and casualties.killed == killed


@pytest.mark.parametrize(
    "text",
    [
        "More than 300000 people have been killed since the conflict began in 2011.",
        "The war has killed more than 10000 civilians, the agency said.",
        "وقتل أكثر من 500 ألف شخص منذ اندلاع الحرب.",
        "More than 200000 people have been killed since the country's conflict erupted.",
    ],
)
def test_a_war_toll_is_not_an_incident_toll(facets: Extract, text: str) -> None:
    assert facets(text).casualties is None


def test_a_datelines_year_is_never_a_count(facets: Extract) -> None:
    casualties = facets("Mon 03 Mar 2014 Shelling killed at least 9 people in the old city.").casualties
    assert casualties is not None and casualties.killed == 9
    assert facets("Tue 4 Nov 2014 Death toll from the explosion").casualties in (None,) or (
        facets("Tue 4 Nov 2014 Death toll from the explosion").casualties.killed != 2014  # type: ignore[union-attr]
    )


def test_hijri_dates() -> None:
    assert hijri_to_date(1445, 9, 1) == dt.date(2024, 3, 11)
    ref = find_time("وقعت الغارة في 3 شوال 1445 هـ", None)
    assert ref is not None and ref.date == dt.date(2024, 4, 12)
    ref = find_time("وقعت الغارة في 3 شوال", dt.date(2024, 4, 20))
    assert ref is not None and ref.date == dt.date(2024, 4, 12)


def test_a_weekday_resolves_against_the_dateline(knowledge: Knowledge) -> None:
    text = (
        "Blast kills 5 in market. Sun 12 Oct 2014 An explosion killed five people in a crowded market "
        "on Saturday, medics said."
    )
    assert dateline(text) == dt.date(2014, 10, 12)
    claims = extract_claims(Document(id="d", text=text, lang="en"), knowledge)
    dates = {c.facets.time.date for c in claims if c.kind == ClaimKind.EVENT and c.facets.time}
    assert dt.date(2014, 10, 11) in dates


def test_levantine_month_and_yesterday(facets: Extract) -> None:
    ref = find_time("قتل خمسة أشخاص أمس في قصف على البلدة", dt.date(2015, 8, 4))
    assert ref is not None and ref.date == dt.date(2015, 8, 3)
    ref = find_time("في 3 آب 2015 قصفت الطائرات البلدة", None)
    assert ref is not None and ref.date == dt.date(2015, 8, 3)


@pytest.mark.parametrize(
    ("text", "weapon", "count"),
    [
        (
            "The group said it shelled the airport with rockets, hitting its target.",
            Weapon.ROCKET,
            "multiple",
        ),
        ("Militants shelled the outpost with four mortar rounds overnight.", Weapon.MORTAR, 4),
        ("Artillery shelling killed two farmers near the river.", Weapon.ARTILLERY, None),
    ],
)
def test_a_bombardment_word_gives_way_to_the_munition_it_used(
    facets: Extract, text: str, weapon: Weapon, count: object
) -> None:
    found = facets(text)
    assert (found.weapon, found.count) == (weapon, count)


@pytest.mark.parametrize(
    "text",
    [
        "A single rocket landed near the gate, with no reports of human casualties.",
        "The strike caused no human losses, officials said.",
        "No one was harmed when the drone came down.",
        "وسقطت قذيفة قرب المدرسة ولم ترد أنباء عن إصابات.",
    ],
)
def test_no_casualties_phrasings(facets: Extract, text: str) -> None:
    casualties = facets(text).casualties
    assert casualties is not None and casualties.none_reported and casualties.killed is None


@pytest.mark.parametrize(
    "text",
    [
        "The energy ministry said neither strike caused deaths or injuries.",
        "Both missiles were stopped and there were no US casualties, a spokesman said.",
        "وسقطت شظايا الصاروخ في منطقة زراعية دون أن تسفر عن خسائر بشرية.",
        "وقال المسؤول إن القذائف لم تخلف أي خسائر بشرية.",
    ],
)
def test_more_no_casualties_phrasings(facets: Extract, text: str) -> None:
    casualties = facets(text).casualties
    assert casualties is not None and casualties.none_reported


def test_an_affirmed_toll_is_not_none_reported(facets: Extract) -> None:
    casualties = facets("The strike caused deaths and injuries among the guards.").casualties
    assert casualties is None or not casualties.none_reported


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("A local farmer was killed and four others were wounded when the shell landed.", 1, 4),
        ("وأسفر القصف عن مقتل عامل وإصابة ثلاثة آخرين.", 1, 3),
        ("ارتفعت حصيلة الهجوم إلى 40 بين قتيل وجريح، منهم 12 قتيلا.", 12, None),
        ("Medics recovered the bodies of 15 people from the rubble.", 15, None),
    ],
)
def test_tolls_in_other_words(facets: Extract, text: str, killed: int, injured: int | None) -> None:
    casualties = facets(text).casualties
    assert casualties is not None and (casualties.killed, casualties.injured) == (killed, injured)


@pytest.mark.parametrize(
    "text",
    [
        "وأفاد مصدر بأن حريقين اندلعا في منشأتين نفطيتين بعد استهدافهما بطائرات من دون طيار.",
        "Heavy shelling and a bombing near the station were reported overnight, residents said.",
        "An ambush on the convoy was reported on the desert road, officials said.",
    ],
)
def test_an_attack_told_through_its_nouns_is_an_event(knowledge: Knowledge, text: str) -> None:
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    assert any(c.kind == ClaimKind.EVENT for c in claims)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Army kills 14 gunmen in dawn raid on hideout.", 14),
        ("The militants executed 9 men in the square, the monitor said.", 9),
        ("وأعلن المرصد إعدام 11 شخصا في ساحة البلدة.", 11),
    ],
)
def test_kills_and_executions_are_events_with_a_toll(knowledge: Knowledge, text: str, killed: int) -> None:
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    tolls = [c.facets.casualties.killed for c in claims if c.kind == ClaimKind.EVENT and c.facets.casualties]
    assert killed in tolls
