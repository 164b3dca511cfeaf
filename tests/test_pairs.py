"""Pair mode: CSV input errors, rationale selection on whole articles, verdicts and output rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from verify.cli import main
from verify.embed import HashingEmbedder
from verify.errors import InputError
from verify.model import candidate_sentences, output_rows, read_pairs, select_rationale
from verify.model.classify import DiscrepancyClassifier
from verify.model.judgemodel import JudgeModel
from verify.model.pairs import PairJudge
from verify.records import Relation
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

ARTICLE = (
    "The city council met on Monday to discuss the new budget. "
    "Heavy rain is expected later in the week. "
    "Monitors said one rocket hit the oil field near the river and caused a fire. "
    "The football season opens next month."
)


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(HashingEmbedder(), SourceRegistry.load(), Gazetteer.load())


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pairs.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_column_lists_the_columns_found(tmp_path: Path) -> None:
    path = _csv(tmp_path, "claim,article\nx,y\n")
    with pytest.raises(InputError, match=r"no column 'evidence'; columns found: 'claim', 'article'"):
        read_pairs(path, "claim", "evidence")


def test_empty_cell_and_ragged_row_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"pairs.csv:3: empty 'evidence' cell"):
        read_pairs(_csv(tmp_path, "claim,evidence\na,b\nc,\n"), "claim", "evidence")
    with pytest.raises(InputError, match=r"pairs.csv:2: expected 2 fields"):
        read_pairs(_csv(tmp_path, "claim,evidence\na\n"), "claim", "evidence")
    with pytest.raises(InputError, match="no such file"):
        read_pairs(tmp_path / "absent.csv", "claim", "evidence")


def test_cli_reports_input_errors_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, "claim,article\nx,y\n")
    assert main(["pairs", str(path), "--claim", "claim", "--evidence", "evidence", "-q"]) == 1
    err = capsys.readouterr().err
    assert "no column 'evidence'" in err and "'article'" in err and "Traceback" not in err


def test_candidates_keep_text_order_and_the_overlapping_sentences() -> None:
    sentences = [f"Sentence number {i} about the weather." for i in range(20)]
    sentences[13] = "A rocket hit the oil field."
    kept = candidate_sentences("rocket hit oil field", " ".join(sentences), keep=3)
    assert "A rocket hit the oil field." in kept and len(kept) == 3
    assert kept == sorted(kept, key=sentences.index)


def test_select_rationale_picks_the_sentence_that_speaks_to_the_claim() -> None:
    sentences = ["Rain is expected.", "A rocket hit the oil field.", "The season opens."]
    chosen, score = select_rationale(
        "rocket hit the oil field", sentences, [0.1, 0.8, 0.1], lambda t: frozenset(), top_k=2, threshold=0.5
    )
    assert chosen == ("A rocket hit the oil field.",) and score > 0.8
    weak, _ = select_rationale("x", sentences, [0.0, 0.0, 0.0], lambda t: frozenset(), threshold=0.5)
    assert len(weak) == 1  # the best one is kept even when nothing passes the threshold


def test_whole_article_is_judged_on_its_rationale(judge: PairJudge) -> None:
    claim = "The group said its rockets hit the oil field near the river."
    [verdict] = judge.judge([claim], [ARTICLE])
    assert any("oil field" in s for s in verdict.rationale)
    assert not any("football" in s for s in verdict.rationale)


def test_rules_keep_count_conflicts(judge: PairJudge) -> None:
    verdicts = judge.judge(
        ["The faction said it fired five rockets at the base.", "The army said its jets struck the depot."],
        ["Monitors said one rocket was fired at the base.", "Rain flooded the streets of the capital."],
    )
    assert verdicts[0].relation is Relation.OVERSTATES
    assert "count" in {d.name for d in verdicts[0].facets}
    assert verdicts[1].relation is Relation.UNRELATED


def test_model_probabilities_become_confidences(judge: PairJudge) -> None:
    claims = [f"Rockets hit the base in town {i}" for i in range(40)]
    same = [f"Rockets hit the base in town {i}, monitors said" for i in range(40)]
    other = [f"The bank raised rates in year {i}" for i in range(40)]
    prepared = judge.prepare(claims * 2, same + other)
    labels = np.array(["corroborates"] * 40 + ["unrelated"] * 40)
    model = JudgeModel(DiscrepancyClassifier(max_iter=30, cv=3).fit(prepared.X, labels), "hashing-256-3")
    fitted = PairJudge(judge.embedder, judge.registry, judge.places, model, facets=judge.facets)
    verdicts = fitted.judge(["Rockets hit the base in town 77"], ["The bank raised rates in year 77"])
    assert verdicts[0].relation is Relation.UNRELATED and 0.5 < verdicts[0].confidence <= 1.0
    # The pipeline's scorer: sentence claims with their rule features, one batch.
    c = fitted.prepare(["Rockets hit the base in town 5"], ["Rockets hit the base in town 5, monitors said"])
    d = fitted.prepare(["Rockets hit the base in town 6"], ["The bank raised rates in year 6"])
    pair = c.pairs[0]
    far = d.pairs[0]
    (near_p, far_p) = fitted.probabilities(
        [(pair.claim, pair.evidence, pair.rules), (far.claim, far.evidence, far.rules)]
    )
    assert near_p[Relation.CORROBORATES] > 0.5 and far_p[Relation.UNRELATED] > 0.5
    assert fitted.probabilities([]) == []


def test_output_rows_add_the_verdict_columns(judge: PairJudge) -> None:
    header = ["id", "claim", "evidence"]
    rows = [{"id": "1", "claim": "Five rockets hit the base.", "evidence": "One rocket hit the base."}]
    verdicts = judge.judge([rows[0]["claim"]], [rows[0]["evidence"]])
    columns, out = output_rows(header, rows, verdicts)
    assert columns == [*header, "relation", "confidence", "rationale", "facets"]
    assert out[0]["id"] == "1" and out[0]["relation"] == "overstates"
    assert out[0]["rationale"] == "One rocket hit the base." and "count" in out[0]["facets"]
    assert 0.0 <= float(out[0]["confidence"]) <= 1.0


class _Counting(HashingEmbedder):
    """Records every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def test_remembered_and_repeated_texts_are_embedded_once() -> None:
    embedder = _Counting()
    judge = PairJudge(embedder, SourceRegistry.load(), Gazetteer.load())
    known = ["Two drones struck the depot", "One drone fell short of the depot"]
    judge.remember(known, HashingEmbedder().encode(known))
    vectors = judge.encode([*known, "A third text", "A third text", known[0]])
    assert embedder.seen == ["A third text"]
    assert np.array_equal(vectors[4], vectors[0]) and np.array_equal(vectors[2], vectors[3])
    judge.encode(["A third text"])
    assert embedder.seen == ["A third text"]


def test_a_full_memo_still_returns_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("verify.model.pairs._MEMO_MAX", 3)
    judge = PairJudge(_Counting(), SourceRegistry.load(), Gazetteer.load())
    judge.encode(["one", "two"])
    vectors = judge.encode(["one", "three", "four"])  # 2 known + 2 new > 3: the memo is cleared
    assert np.array_equal(vectors, HashingEmbedder().encode(["one", "three", "four"]))
