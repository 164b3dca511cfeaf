"""Measure the pair judge on labelled data: ANS dev, our incident pairs, Baly folds 1-4, Emergent train.

Run from the repository root::

    .venv/bin/python -m bench.eval [--data ../shared/eval] [--only ans,incident,baly,emergent]

- ANS dev is scored with the shipped model (trained on ANS train and our own pairs only).
- Our incident pairs (``bench/data/incident_pairs.csv``, written for measurement and never
  trained on) are scored with the shipped model: the pipeline's setting, across languages.
- Baly and Emergent may not train the shipped model; each is cross-validated by claim
  (Baly: the authors' folds 1-4, four rounds of train-on-three; Emergent: 5 groups of claims),
  so no claim is in both the training and the scored part. The shipped model's zero-shot
  score on them is printed too, without the whole-article ladder (:mod:`verify.model.article`)
  and, for Baly, with it; its thresholds were chosen on Baly folds 1-4, so that row is
  in-sample: ``python -m bench.articles`` gives the leave-one-fold-out figure.

Our relations are mapped back to each dataset's labels before scoring (see ``MAPS``); the
confidence of each verdict is checked against how often it is right (reliability table,
top-label Brier score).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold

from verify.embed import CachedEmbedder, load_embedder
from verify.model.classify import fit_judge
from verify.model.judgemodel import JudgeModel, load_model
from verify.model.pairs import PairJudge, Prepared
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

_DISAGREE = {"contradicts", "overstates", "understates"}
MAPS: dict[str, dict[str, str]] = {
    "ans": {
        "corroborates": "agree",
        **dict.fromkeys(_DISAGREE, "disagree"),
        "partial": "other",
        "unrelated": "other",
    },
    "baly": {
        "corroborates": "agree",
        **dict.fromkeys(_DISAGREE, "disagree"),
        "partial": "discuss",
        "unrelated": "unrelated",
    },
    "incident": {
        "corroborates": "corroborates",
        **dict.fromkeys(_DISAGREE, "contradicts"),
        "partial": "partial",
        "unrelated": "unrelated",
    },
    "emergent": {
        "corroborates": "for",
        **dict.fromkeys(_DISAGREE, "against"),
        "partial": "observing",
        "unrelated": "observing",
    },
}
TO_RELATION: dict[str, dict[str, str]] = {
    "ans": {"agree": "corroborates", "disagree": "contradicts", "other": "unrelated"},
    "baly": {
        "agree": "corroborates",
        "disagree": "contradicts",
        "discuss": "partial",
        "unrelated": "unrelated",
    },
    "emergent": {"for": "corroborates", "against": "contradicts", "observing": "partial"},
}
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


@dataclass(frozen=True)
class Dataset:
    name: str
    claims: list[str]
    evidences: list[str]
    labels: list[str]
    groups: list[str]


def load_ans(root: Path) -> Dataset:
    rows = list(csv.DictReader((root / "ans" / "dev.csv").open(encoding="utf-8")))
    return Dataset(
        "ans",
        [r["s1"] for r in rows],
        [r["s2"] for r in rows],
        [r["stance"] for r in rows],
        [r["s1"] for r in rows],
    )


INCIDENT_PAIRS = Path(__file__).parent / "data" / "incident_pairs.csv"


def load_incident(root: Path) -> Dataset:
    """Our own held-out pairs in the pipeline's setting (``bench/data/incident_pairs.csv``).

    A party's claim against another source's report of the same incident, often across Arabic
    and English, written for measurement only: no model is trained on them. Over- and
    understatement are scored as ``contradicts``.
    """
    rows = list(csv.DictReader(INCIDENT_PAIRS.open(encoding="utf-8")))
    claims = [r["claim"] for r in rows]
    return Dataset("incident", claims, [r["evidence"] for r in rows], [r["relation"] for r in rows], claims)


def load_baly(root: Path) -> Dataset:
    folds = {}
    for line in (root / "baly2018" / "train_test_splits.txt").read_text(encoding="utf-8").splitlines():
        name, _, ids = line.partition(":")
        for claim_id in ids.split():
            folds[claim_id] = name.strip()
    data = Dataset("baly", [], [], [], [])
    for claim_id, fold in sorted(folds.items()):
        path = root / "baly2018" / "dataset" / f"{claim_id}.json"
        if not path.is_file():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        for article, stance in zip(record["article"], record["stance"], strict=True):
            data.claims.append(record["claim"])
            data.evidences.append(article)
            data.labels.append(stance)
            data.groups.append(fold)
    return data


def load_emergent(root: Path) -> Dataset:
    rows = list(csv.DictReader((root / "emergent" / "train.csv").open(encoding="utf-8")))
    return Dataset(
        "emergent",
        [r["claimHeadline"] for r in rows],
        [r["articleHeadline"] for r in rows],
        [r["articleHeadlineStance"] for r in rows],
        [r["claimId"] for r in rows],
    )


def _verdicts(
    judge: PairJudge, prepared: Prepared, model: JudgeModel, rows: Sequence[int]
) -> list[tuple[str, float]]:
    judge.model = model
    subset = prepared.take(list(rows))
    return [(str(v.relation), v.confidence) for v in judge.verdicts(subset)]


def cross_validate(
    judge: PairJudge,
    data: Dataset,
    prepared: Prepared,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[str, float]]:
    """Out-of-fold verdicts: each group of claims judged by a model fitted on the other groups."""
    y = np.array([TO_RELATION[data.name][label] for label in data.labels])
    groups = np.array(data.groups)
    out: list[tuple[str, float]] = [("", 0.0)] * len(y)
    splitter = GroupKFold(n_splits=min(5, len(set(data.groups))))
    for k, (train, test) in enumerate(splitter.split(prepared.X, y, groups), 1):
        assert not set(groups[train]) & set(groups[test])
        if progress:
            progress(f"cross-validation: fitting fold {k}/{splitter.n_splits}")
        assert prepared.align is not None
        estimator, aligner = fit_judge(
            prepared.X[train], prepared.align.take(train), y[train], groups[train], random_state=0
        )
        model = JudgeModel(estimator, judge.embedder.name, aligner=aligner)
        for i, verdict in zip(test, _verdicts(judge, prepared, model, test), strict=True):
            out[i] = verdict
    return out


def report(title: str, data: Dataset, verdicts: Sequence[tuple[str, float]]) -> None:
    """Print macro-F1, per-class F1, accuracy, confusion matrix, reliability and Brier score."""
    mapping = MAPS[data.name]
    gold = data.labels
    pred = [mapping[r] for r, _ in verdicts]
    conf = np.array([c for _, c in verdicts])
    right = np.array([g == p for g, p in zip(gold, pred, strict=True)], dtype=float)
    labels = sorted(set(gold))
    print(f"\n### {title}\n")
    macro = 100 * f1_score(gold, pred, labels=labels, average="macro")
    brier = np.mean((conf - right) ** 2)
    print(
        f"rows {len(gold)} | macro-F1 **{macro:.1f}** | accuracy **{100 * accuracy_score(gold, pred):.1f}**",
        end="",
    )
    print(f" | top-label Brier {brier:.3f}\n")
    per = f1_score(gold, pred, labels=labels, average=None)
    print("| class | F1 |\n|---|---|")
    for label, score in zip(labels, per, strict=True):
        print(f"| {label} | {100 * score:.1f} |")
    matrix = confusion_matrix(gold, pred, labels=labels)
    print("\n| gold \\ predicted | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels))
    for label, row in zip(labels, matrix, strict=True):
        print(f"| {label} | " + " | ".join(str(n) for n in row) + " |")
    print("\n| confidence | pairs | mean confidence | right |\n|---|---|---|---|")
    for lo, hi in itertools.pairwise(BINS):
        inside = (conf >= lo) & (conf < hi)
        if inside.any():
            row = f"{int(inside.sum())} | {conf[inside].mean():.2f} | {right[inside].mean():.2f}"
            print(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {row} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--only", default="ans,incident,baly,emergent")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "verify" / "embeddings")
    args = parser.parse_args(argv)
    shipped = load_model()
    judge = PairJudge(
        CachedEmbedder(load_embedder(None), args.cache_dir), SourceRegistry.load(), Gazetteer.load()
    )
    loaders = {"ans": load_ans, "incident": load_incident, "baly": load_baly, "emergent": load_emergent}
    for name in args.only.split(","):
        data = loaders[name](args.data)
        progress = lambda m, n=name: print(f"[{n}] {m}", file=sys.stderr, flush=True)  # noqa: E731
        prepared = judge.prepare(data.claims, data.evidences, progress)
        everything = range(len(data.labels))
        if name in ("ans", "incident"):
            title = "ANS dev" if name == "ans" else "Our incident pairs (held out)"
            report(f"{title} (shipped model)", data, _verdicts(judge, prepared, shipped, everything))
            continue
        # The whole-article ladder's thresholds were chosen on Baly folds 1-4 (bench.articles), so
        # the cross-validated rows go without it, and Baly's zero-shot row with it is in-sample.
        gate, judge.article_gate = judge.article_gate, None
        report(f"{name} (cross-validated by claim)", data, cross_validate(judge, data, prepared, progress))
        report(f"{name} (shipped model, zero-shot)", data, _verdicts(judge, prepared, shipped, everything))
        judge.article_gate = gate
        if name == "baly":
            title = (
                "baly (shipped model + article ladder chosen on these folds: in-sample; CV in bench.articles)"
            )
            report(title, data, _verdicts(judge, prepared, shipped, everything))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
