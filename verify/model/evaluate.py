"""How well a judge model does on labelled rows (``verify eval``): the figures ``bench.eval`` prints.

Macro-F1 is averaged over the labels of the gold rows (a label only ever predicted counts in the
confusion matrix, not in the average), as ``bench.eval`` does, so that the two agree exactly.
Confidences are checked against how often they are right: a reliability table and the
top-label Brier score.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    pairs: int
    mean_confidence: float
    right: float


@dataclass(frozen=True)
class Metrics:
    rows: int
    macro_f1: float
    accuracy: float
    brier: float
    classes: tuple[ClassScore, ...]
    matrix_labels: tuple[str, ...]
    """Rows and columns of :attr:`confusion`: the gold labels, then any label only predicted."""
    confusion: tuple[tuple[int, ...], ...]
    """``confusion[i][j]``: rows of gold ``matrix_labels[i]`` predicted ``matrix_labels[j]``."""
    reliability: tuple[Bin, ...]


def score(gold: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> Metrics:
    """The figures of ``predicted`` (with their ``confidence``) against ``gold``."""
    from sklearn.metrics import (  # scikit-learn: imported when measuring only
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    if len(gold) != len(predicted) or len(gold) != len(confidence):
        raise ValueError("gold, predicted and confidence differ in length")
    if not gold:
        raise ValueError("nothing to score")
    labels = sorted(set(gold))
    extra = sorted(set(predicted) - set(labels))
    conf = np.asarray(confidence, dtype=float)
    right = np.array([g == p for g, p in zip(gold, predicted, strict=True)], dtype=float)
    p, r, f, n = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    matrix = confusion_matrix(gold, predicted, labels=labels + extra)
    bins = []
    for low, high in itertools.pairwise(BINS):
        inside = (conf >= low) & (conf < high)
        if inside.any():
            bins.append(
                Bin(
                    low,
                    min(high, 1.0),
                    int(inside.sum()),
                    float(conf[inside].mean()),
                    float(right[inside].mean()),
                )
            )
    return Metrics(
        rows=len(gold),
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(gold, predicted)),
        brier=float(np.mean((conf - right) ** 2)),
        classes=tuple(
            ClassScore(label, float(a), float(b), float(c), int(d))
            for label, a, b, c, d in zip(labels, p, r, f, n, strict=True)
        ),
        matrix_labels=tuple(labels + extra),
        confusion=tuple(tuple(int(x) for x in row) for row in matrix[: len(labels)]),
        reliability=tuple(bins),
    )


def render(metrics: Metrics, title: str) -> str:
    """The figures as Markdown tables (what ``verify eval`` prints)."""
    m = metrics
    lines = [
        f"### {title}",
        "",
        f"rows {m.rows} | macro-F1 **{100 * m.macro_f1:.1f}** | accuracy **{100 * m.accuracy:.1f}**"
        f" | top-label Brier {m.brier:.3f}",
        "",
        "| class | precision | recall | F1 | rows |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.label} | {100 * c.precision:.1f} | {100 * c.recall:.1f} | {100 * c.f1:.1f} | {c.support} |"
        for c in m.classes
    ]
    lines += ["", "| gold \\ predicted | " + " | ".join(m.matrix_labels) + " |"]
    lines.append("|---|" + "---|" * len(m.matrix_labels))
    lines += [
        f"| {label} | " + " | ".join(str(n) for n in row) + " |"
        for label, row in zip(m.matrix_labels, m.confusion, strict=False)
    ]
    lines += ["", "| confidence | pairs | mean confidence | right |", "|---|---|---|---|"]
    lines += [
        f"| {b.low:.1f}-{b.high:.1f} | {b.pairs} | {b.mean_confidence:.2f} | {b.right:.2f} |"
        for b in m.reliability
    ]
    return "\n".join(lines) + "\n"


def as_json(metrics: Metrics) -> dict[str, Any]:
    """The figures as a JSON object (``verify eval -o``); rates in [0, 1]."""
    m = metrics
    return {
        "rows": m.rows,
        "macro_f1": m.macro_f1,
        "accuracy": m.accuracy,
        "brier": m.brier,
        "classes": {
            c.label: {"precision": c.precision, "recall": c.recall, "f1": c.f1, "support": c.support}
            for c in m.classes
        },
        "confusion": {"labels": list(m.matrix_labels), "matrix": [list(row) for row in m.confusion]},
        "reliability": [
            {
                "low": b.low,
                "high": b.high,
                "pairs": b.pairs,
                "mean_confidence": b.mean_confidence,
                "right": b.right,
            }
            for b in m.reliability
        ],
    }
