"""bench/reading.py's scoring pieces on examples of our own (the data sets are read by the bench only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.reading import GOVERNORATES, Tally, _place_names, _same_place, _within, extract, score_fakes
from verify.registry import Gazetteer, fold

FAKES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "fakes" / "dev.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_a_town_counts_for_its_governorate(gazetteer: Gazetteer) -> None:
    names = _place_names(gazetteer, {"text": "Mayadin", "canonical": "Mayadin"})
    assert any(fold(s) in n for n in names for s in GOVERNORATES["deir ezzor"])
    names = _place_names(gazetteer, {"text": "Syria", "canonical": "Syria"})
    assert not any(fold(s) in n for n in names for s in GOVERNORATES["idlib"])


def test_place_matching_by_containment_but_not_by_country(gazetteer: Gazetteer) -> None:
    assert _same_place(gazetteer, "Erbil", {"text": "Erbil airport", "canonical": "Erbil airport"})
    assert _same_place(gazetteer, "Musaffah, Abu Dhabi", {"text": "Abu Dhabi", "canonical": None})
    assert not _same_place(
        gazetteer, "Jeddah (Saudi Arabia)", {"text": "Saudi Arabia", "canonical": "Saudi Arabia"}
    )


def test_within_a_day_and_the_tally() -> None:
    day = dt.date(2020, 3, 4)
    assert _within(day, [dt.date(2020, 3, 5)]) and not _within(day, [dt.date(2020, 3, 6)])
    tally = Tally()
    tally.add("x", True, "a")
    tally.add("x", False, "b")
    assert list(tally.lines(5)) == ["  x                       0.500  (1/2)", "      misses: b"]


def test_extract_runs_the_product() -> None:
    claims = extract(
        [{"id": "d1", "text": "An airstrike killed four people in Idlib on Monday.", "lang": "en"}]
    )
    (claim,) = claims["d1"]
    assert claim["facets"]["casualties"]["killed"] == 4


@pytest.mark.skipif(
    not FAKES.exists(), reason="../shared/eval/fakes/dev.csv is not checked out beside the repo"
)
def test_fakes_bench_scores_every_row(gazetteer: Gazetteer) -> None:
    tally = score_fakes(FAKES, gazetteer, 0)
    assert tally.rows["governorate"] == 402 and tally.rows["date within a day"] == 402
