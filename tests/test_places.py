"""The place gazetteer: finding places in text, lookup across scripts, containment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.errors import ConfigError
from verify.registry import fold
from verify.registry.places import KINDS, Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_find_places_in_arabic_with_clitics_and_tatweel(gazetteer: Gazetteer) -> None:
    text = "استهدفت الصواريخ القاعدةَ بحقلِ كونيكـو في ريف دير الزور، ثم قاعدة حرير بأربيل."
    mentions = gazetteer.find(text)
    assert [(m.text, m.id) for m in mentions] == [
        ("حقلِ كونيكـو", "conoco_field"),
        ("ريف دير الزور", "deir_ez_zor_gov"),
        ("قاعدة حرير", "harir"),
        ("أربيل", "erbil_gov"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_find_places_in_english(gazetteer: Gazetteer) -> None:
    text = "Drones targeted Erbil International Airport and al-Asad Air Base in western Iraq."
    assert [m.id for m in gazetteer.find(text)] == ["erbil_airport", "ain_al_asad", "western_iraq"]


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("Conoco", "conoco_field"),
        ("Koniko", "conoco_field"),
        ("كونيكو", "conoco_field"),
        ("Erbil", "erbil_gov"),
        ("Arbil", "erbil_gov"),
        ("Irbil", "erbil_gov"),
        ("أربيل", "erbil_gov"),
        ("Deir ez-Zor", "deir_ez_zor_gov"),
        ("Deir al-Zour", "deir_ez_zor_gov"),
        ("دير الزور", "deir_ez_zor_gov"),
        ("Ayn al Assad", "ain_al_asad"),
        ("Rumeilan", "rmelan"),
        ("Al-Tanf", "tanf"),
        ("Kirkouk", "kirkuk_gov"),
        ("Harir base in Erbil", "harir"),
    ],
)
def test_lookup_variants(gazetteer: Gazetteer, name: str, place_id: str) -> None:
    place = gazetteer.lookup(name)
    assert place is not None and place.id == place_id


@pytest.mark.parametrize("name", ["Amman", "Oman", "Cairo", "Istanbul", "Baku", "Tehran", "base", "بمطار"])
def test_lookup_rejects_places_not_in_the_gazetteer(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.lookup(name) is None


def test_ancestors_and_related(gazetteer: Gazetteer) -> None:
    assert gazetteer.ancestors("conoco_field") == ["deir_ez_zor_gov", "eastern_syria", "syria"]
    assert gazetteer.ancestors("syria") == []
    assert gazetteer.related("conoco_field", "syria")
    assert gazetteer.related("syria", "conoco_field")
    assert gazetteer.related("erbil_airport", "northern_iraq")
    assert gazetteer.related("tanf", "tanf")
    assert not gazetteer.related("conoco_field", "al_omar_field")  # siblings, not containment
    assert not gazetteer.related("harir", "syria")


def test_bundled_data_is_consistent(gazetteer: Gazetteer) -> None:
    owner: dict[str, str] = {}
    for place in gazetteer:
        assert place.kind in KINDS
        names = (*place.aliases, *place.lookup_only, *place.exact_only)
        assert place.name in names and place.name_ar in names
        for alias in names:
            assert owner.setdefault(fold(alias), place.id) == place.id, f"{alias!r} is used twice"
    assert gazetteer.get("tower_22").parent == "jordan"
    assert len(gazetteer) >= 60


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "places.json"
    places = [
        {
            "id": "new_base",
            "name": "Camp Example",
            "name_ar": "معسكر المثال",
            "kind": "base",
            "parent": "conoco_field",
        },
        {"id": "tanf", "name": "al-Tanf", "name_ar": "التنف", "kind": "base", "parent": "jordan"},
    ]
    user.write_text(json.dumps({"places": places}), encoding="utf-8")
    gazetteer = Gazetteer.load(user)
    assert gazetteer.related("new_base", "syria")
    assert gazetteer.ancestors("tanf") == ["jordan"]
    assert [m.id for m in gazetteer.find("وفي معسكر المثال")] == ["new_base"]


@pytest.mark.parametrize(
    ("places", "problem"),
    [
        ([{"id": "x", "name": "X", "name_ar": "س", "kind": "village", "parent": None}], "kind"),
        ([{"id": "x", "name": "X", "name_ar": "س", "kind": "city", "parent": "atlantis"}], "unknown parent"),
        ([{"id": "x", "name": "X", "kind": "city"}], "name_ar"),
        (
            [
                {"id": "x", "name": "X", "name_ar": "س", "kind": "city", "parent": "y"},
                {"id": "y", "name": "Y", "name_ar": "ص", "kind": "city", "parent": "x"},
            ],
            "loops",
        ),
    ],
)
def test_malformed_user_file(tmp_path: Path, places: list[dict[str, object]], problem: str) -> None:
    user = tmp_path / "bad.json"
    user.write_text(json.dumps({"places": places}), encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as err:
        Gazetteer.load(user)
    assert str(user) in str(err.value)


def test_common_word_place_names_are_lookup_only(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("ثوب من حرير في بلد بعيد") == []  # 'silk', 'a country'
    harir = gazetteer.lookup("حرير")
    assert harir is not None and harir.id == "harir"
