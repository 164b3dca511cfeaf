"""The judge on a user's own labels: `verify train FILE --label`, `verify eval`, `verify pairs` with
such a model, through the real entry point, and the pieces behind them."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from verify.embed import HashingEmbedder
from verify.model import (
    PairJudge,
    builtin_as_labels,
    labels_of,
    parse_map,
    predicted_labels,
    read_sheet,
    score,
    train_on_sheets,
)
from verify.records import Relation
from verify.registry import Gazetteer, SourceRegistry

ROOT = Path(__file__).resolve().parents[1]
MAP = "yes=corroborates,no=contradicts,unclear=partial"

# Our own words: three verdicts a newsroom might use, on four everyday stories.
STORIES = {
    "ferry": "The ferry sank near the harbour on Monday",
    "schools": "The mayor closed every school in the city",
    "storm": "A storm cut power to the northern towns",
    "bridge": "The bridge was reopened to traffic on Friday",
}
REPORTS = [
    ("ferry", "Divers confirmed the ferry went down by the harbour", "yes"),
    ("ferry", "The ferry reached port safely on Monday", "no"),
    ("ferry", "Officials are asking whether a ferry sank there", "unclear"),
    ("schools", "All city schools were shut on the mayor's order", "yes"),
    ("schools", "Schools across the city stayed open all week", "no"),
    ("schools", "It is not known yet whether schools will close", "unclear"),
    ("storm", "Northern towns lost electricity in the storm", "yes"),
    ("storm", "Power stayed on in the north through the storm", "no"),
    ("storm", "Reports say the storm may have cut power", "unclear"),
    ("bridge", "Cars crossed the reopened bridge on Friday", "yes"),
    ("bridge", "The bridge remains closed to all traffic", "no"),
    ("bridge", "Engineers are discussing when it could reopen", "unclear"),
]
ROWS = [(STORIES[topic], report, verdict, topic) for topic, report, verdict in REPORTS]


def write_sheet(path: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["story", "report", "verdict", "topic"])
        writer.writerows(rows)
    return path


def verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def columns(*extra: str) -> list[str]:
    return ["--claim", "story", "--evidence", "report", "--label", "verdict", *extra]


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(HashingEmbedder(), SourceRegistry.load(), Gazetteer.load())


def test_map_parses_and_its_relations_find_labels() -> None:
    mapping = parse_map(" yes=corroborates, no = contradicts ,unclear=partial")
    assert mapping == {"yes": Relation.CORROBORATES, "no": Relation.CONTRADICTS, "unclear": Relation.PARTIAL}
    to_label = labels_of(mapping)
    assert to_label[Relation.OVERSTATES] == "no" and to_label[Relation.UNDERSTATES] == "no"
    assert to_label[Relation.UNRELATED] == "unclear" and to_label[Relation.PARTIAL] == "unclear"
    assert Relation.CORROBORATES not in labels_of({"no": Relation.CONTRADICTS})
    for bad, message in [
        ("yes=supports", "'supports' .* is not a relation"),
        ("yes", "not LABEL=RELATION"),
        ("yes=partial,yes=unrelated", "mapped twice"),
        (",", "no LABEL=RELATION"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_map(bad)


def test_builtin_pairs_take_the_users_labels() -> None:
    builtin = builtin_as_labels(parse_map(MAP))
    assert set(builtin.labels) == {"yes", "no", "unclear"} and len(builtin.labels) > 100
    only_two = builtin_as_labels(parse_map("yes=corroborates,no=contradicts"))
    assert set(only_two.labels) == {"yes", "no"} and len(only_two.labels) < len(builtin.labels)


def test_a_model_of_own_labels_is_seeded_and_serves_relations(judge: PairJudge, tmp_path: Path) -> None:
    sheet = read_sheet(str(write_sheet(tmp_path / "s.csv")), "story", "report", "verdict")
    first = train_on_sheets(judge, [sheet], parse_map(MAP), seed=3)
    second = train_on_sheets(judge, [sheet], parse_map(MAP), seed=3)
    pair = judge.prepare(["A ferry sank by the harbour"], ["Nobody knows if the ferry sank"])
    assert first.labels == ("no", "unclear", "yes") and first.own_labels
    assert first.label_proba(pair.X, pair.align) == second.label_proba(pair.X, pair.align)
    by_label = first.label_proba(pair.X, pair.align)[0]
    by_relation = first.proba(pair.X, pair.align)[0]
    assert by_relation[Relation.PARTIAL] == pytest.approx(by_label["unclear"])
    assert sum(by_relation.values()) == pytest.approx(1.0)
    verdicts = predicted_labels(judge, pair, first, None)
    assert verdicts[0][0] == max(by_label, key=lambda k: by_label[k])
    mixed = train_on_sheets(judge, [sheet, builtin_as_labels(parse_map(MAP))], parse_map(MAP))
    assert mixed.trained_on == ("s.csv", "train_pairs.csv") and mixed.labels == first.labels
    assert mixed.label_proba(pair.X, pair.align) != first.label_proba(pair.X, pair.align)


def test_scores_count_what_bench_eval_counts() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "x"]
    metrics = score(gold, predicted, [0.9, 0.6, 0.8, 0.7, 0.55])
    assert metrics.accuracy == pytest.approx(3 / 5)
    # Averaged over the gold labels only: a (2/3), b (0.8), c (0).
    assert metrics.macro_f1 == pytest.approx((2 / 3 + 0.8 + 0.0) / 3)
    assert metrics.matrix_labels == ("a", "b", "c", "x")
    assert metrics.confusion == ((1, 1, 0, 0), (0, 2, 0, 0), (0, 0, 0, 1))
    assert [(b.low, b.pairs) for b in metrics.reliability] == [
        (0.5, 1),
        (0.6, 1),
        (0.7, 1),
        (0.8, 1),
        (0.9, 1),
    ]
    right = np.array([1, 0, 1, 1, 0])
    assert metrics.brier == pytest.approx(np.mean((np.array([0.9, 0.6, 0.8, 0.7, 0.55]) - right) ** 2))


def test_user_errors_are_one_line_exit_1(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheet.csv")
    out = tmp_path / "m.joblib"
    empty = write_sheet(tmp_path / "empty.csv", [*ROWS[:3], ("A claim", "An evidence", "", "x"), *ROWS[3:]])
    once = write_sheet(tmp_path / "once.csv", [*ROWS, ("A claim", "An evidence", "maybe", "x")])
    two = "yes=corroborates,no=contradicts"
    cases = [
        (["train", sheet, *columns()[:3], "text", *columns()[4:]], "sheet.csv:1: no column 'text'"),
        (["train", empty, *columns()], "empty.csv:5: empty 'verdict' cell"),
        (["train", once, *columns()], "once.csv:14: label 'maybe' is on this row only"),
        (["train", sheet, *columns("--map", "yes=supports")], "--map: 'supports' (for 'yes') is not a"),
        (["train", sheet, *columns("--map", two)], "label 'unclear' is not in --map"),
        (["train", sheet, *columns("--with-builtin")], "--with-builtin needs --map"),
        (["eval", sheet, *columns(), "--folds", "9"], "--folds 9: needs 2 to 4"),
        (["eval", sheet, *columns()], "sheet.csv:2: label 'yes' is not a relation"),
    ]  # fmt: skip
    for args, message in cases:
        extra = ["-o", out] if args[0] == "train" else []
        done = verify(*args, *extra, "-q")
        assert done.returncode == 1, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr, (args, lines)
        assert not out.exists()
    usage = verify("train", sheet, *columns())  # a user model never replaces the shipped one silently
    assert usage.returncode == 2 and "-o MODEL is required" in usage.stderr


@pytest.mark.slow
def test_train_then_pairs_and_eval_through_the_entry_point(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheet.csv")
    model = tmp_path / "m.joblib"
    cache = ["--cache-dir", tmp_path / "cache"]
    done = verify("train", sheet, *columns("--map", MAP), "-o", model, *cache)
    assert done.returncode == 0, done.stderr
    assert "alignment network" in done.stderr and "labels no, unclear, yes" in done.stderr
    judged = tmp_path / "judged.csv"
    done = verify("pairs", sheet, "--claim", "story", "--evidence", "report", "--judge-model", model,
                  "-o", judged, "-q", *cache)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(judged.open(encoding="utf-8")))
    assert list(rows[0])[:6] == ["story", "report", "verdict", "topic", "label", "relation"]
    tied = {"yes": "corroborates", "no": "contradicts", "unclear": "partial"}
    assert all(r["label"] in tied and r["relation"] == tied[r["label"]] for r in rows)
    # The same model re-tied at judging time: its labels keep, their relations follow the new map.
    retied = {"yes": "corroborates", "no": "partial", "unclear": "unrelated"}
    done = verify("pairs", sheet, "--claim", "story", "--evidence", "report", "--judge-model", model,
                  "--map", ",".join(f"{k}={v}" for k, v in retied.items()), "-q", *cache)  # fmt: skip
    assert done.returncode == 0, done.stderr
    again = list(csv.DictReader(done.stdout.splitlines()))
    assert [r["label"] for r in again] == [r["label"] for r in rows]
    assert all(r["relation"] == retied[r["label"]] for r in again)
    done = verify("pairs", sheet, "--claim", "story", "--evidence", "report", "--judge-model", model,
                  "--map", "true=corroborates", "-q", *cache)  # fmt: skip
    assert done.returncode == 1 and "has no label 'true'" in done.stderr
    metrics = tmp_path / "metrics.json"
    done = verify("eval", sheet, *columns(), "--judge-model", model, "-o", metrics, "-q", *cache)
    assert done.returncode == 0, done.stderr
    figures = json.loads(metrics.read_text(encoding="utf-8"))
    assert figures["rows"] == 12 and set(figures["classes"]) == {"no", "unclear", "yes"}
    assert sum(map(sum, figures["confusion"]["matrix"])) == 12
    assert "macro-F1" in done.stdout and "| gold \\ predicted |" in done.stdout
    folds = verify("eval", sheet, *columns("--map", MAP), "--folds", "2", "--group", "topic", "-o", metrics,
                   *cache)  # fmt: skip
    assert folds.returncode == 0, folds.stderr
    assert (
        "fitting fold 2/2" in folds.stderr and "2-fold cross-validation, grouped by 'topic'" in folds.stdout
    )
    assert json.loads(metrics.read_text(encoding="utf-8"))["rows"] == 12


@pytest.mark.slow
def test_eval_of_ans_dev_gives_bench_evals_figures(tmp_path: Path) -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    from bench.eval import MAPS, load_ans
    from verify.embed import CachedEmbedder, load_embedder
    from verify.model import load_model

    shared = [Path(p) for p in (os.environ.get("VERIFY_SHARED"), ROOT.parent / "shared", "/work/shared") if p]
    root = next((p for p in shared if (p / "eval").is_dir()), shared[0])
    if not (root / "eval" / "ans" / "dev.csv").is_file():
        pytest.skip(f"ANS dev not found under {root / 'eval'} (../shared is not checked out here)")
    cache = tmp_path / "cache"
    metrics = tmp_path / "ans.json"
    done = verify("eval", root / "eval" / "ans" / "dev.csv", "--claim", "s1", "--evidence", "s2",
                  "--label", "stance", "--map", "agree=corroborates,disagree=contradicts,other=unrelated",
                  "--cache-dir", cache, "-o", metrics, "-q")  # fmt: skip
    assert done.returncode == 0, done.stderr
    ours = json.loads(metrics.read_text(encoding="utf-8"))
    data = load_ans(root / "eval")
    embedder = CachedEmbedder(load_embedder(None), cache)
    judge = PairJudge(embedder, SourceRegistry.load(), Gazetteer.load(), load_model())
    pred = [MAPS["ans"][str(v.relation)] for v in judge.judge(data.claims, data.evidences)]
    labels = sorted(set(data.labels))
    assert ours["macro_f1"] == pytest.approx(f1_score(data.labels, pred, labels=labels, average="macro"))
    assert ours["accuracy"] == pytest.approx(accuracy_score(data.labels, pred))
    assert ours["confusion"]["matrix"] == confusion_matrix(data.labels, pred, labels=labels).tolist()


def test_a_run_scores_with_a_model_of_own_labels_through_its_map(judge: PairJudge, tmp_path: Path) -> None:
    from verify.errors import ModelError
    from verify.model import judge_scorer, save_model
    from verify.registry import Knowledge

    sheet = read_sheet(str(write_sheet(tmp_path / "s.csv")), "story", "report", "verdict")
    prepared = judge.prepare(["The ferry sank near the harbour"], ["Divers say the ferry went down"])
    pairs = [(p.claim, p.evidence, p.rules) for p in prepared.pairs]
    mapped, unmapped = tmp_path / "mapped.joblib", tmp_path / "unmapped.joblib"
    save_model(train_on_sheets(judge, [sheet], parse_map(MAP)), mapped)
    save_model(train_on_sheets(judge, [sheet]), unmapped)
    scorer = judge_scorer(judge.embedder, Knowledge(SourceRegistry.load(), Gazetteer.load(), mapped))
    assert scorer is not None
    proba = scorer(pairs)[0]
    assert set(proba) == {Relation.CORROBORATES, Relation.CONTRADICTS, Relation.PARTIAL}
    with pytest.raises(ModelError, match="have no relation"):
        judge_scorer(judge.embedder, Knowledge(SourceRegistry.load(), Gazetteer.load(), unmapped))
    done = verify("run", tmp_path / "s.csv", "--judge-model", unmapped, "--out", tmp_path / "r", "-q")
    assert done.returncode == 1 and "have no relation; train it with --map" in done.stderr
    assert not (tmp_path / "r").exists()
