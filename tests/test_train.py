"""`verify train`'s pieces: labelled CSVs read with clear errors, and a reproducible model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from verify.embed import HashingEmbedder
from verify.errors import InputError
from verify.model.judgemodel import load_model, save_model
from verify.model.pairs import PairJudge
from verify.model.train import ANS_LABELS, own_pairs, read_labelled, train_model
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(HashingEmbedder(), SourceRegistry.load(), Gazetteer.load())


def test_the_same_files_give_the_same_model(judge: PairJudge, tmp_path: Path) -> None:
    data = [own_pairs()]
    first = train_model(judge, data)
    second = train_model(judge, data)
    pair = judge.prepare(["Two rockets hit the depot"], ["The monitor said one rocket fell near the depot"])
    assert first.aligner is not None and second.aligner is not None
    assert np.array_equal(first.aligner.proba(pair.align), second.aligner.proba(pair.align))
    assert first.proba(pair.X, pair.align) == second.proba(pair.X, pair.align)
    assert first.trained_on == ("train_pairs.csv",) and first.embedder == judge.embedder.name
    save_model(first, tmp_path / "m.joblib")
    assert load_model(tmp_path / "m.joblib").proba(pair.X, pair.align) == first.proba(pair.X, pair.align)


def test_labelled_csv_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ans.csv"
    path.write_text("s1,s2,stance\nA claim,An evidence,agree\nB claim,B evidence,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown label 'maybe'") as caught:
        read_labelled(path, "s1", "s2", "stance", ANS_LABELS)
    assert "ans.csv" in str(caught.value) and "3" in str(caught.value)
    with pytest.raises(InputError, match="no column 'label'"):
        read_labelled(path, "s1", "s2", "label")
    with pytest.raises(InputError, match="no such file"):
        read_labelled(tmp_path / "missing.csv", "s1", "s2", "stance")


def test_our_held_out_incident_pairs_are_not_trained_on() -> None:
    from bench.eval import INCIDENT_PAIRS, MAPS, load_incident

    held = load_incident(INCIDENT_PAIRS.parent)
    trained = own_pairs()
    assert len(held.labels) >= 30 and set(held.labels) == set(MAPS["incident"].values())
    texts = set(trained.claims) | set(trained.evidences)
    assert not texts & (set(held.claims) | set(held.evidences))
    assert set(trained.labels) <= set(MAPS["incident"].values())
