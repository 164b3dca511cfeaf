"""How classifier changes are chosen: cross-validation on training splits only, never on ANS dev.

Run from the repository root::

    .venv/bin/python -m bench.variants [--data ../shared/eval]

ANS train plus our own pairs, 5-fold ``GroupKFold`` by ``s1`` (the rewrites of one headline
stay in one fold), and Emergent train, 5-fold grouped by claim. Each variant is fitted on four
folds and predicts the fifth; printed are macro-F1 and accuracy of the classifier's own
predictions (no rule override), for the shipped classifier (its alignment network fitted inside
each training split, with its own inner folds: :func:`verify.model.classify.fit_judge`), for the trees
without the alignment network, and for the trees without the stacked lexical regression either
(its hashed columns dropped).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from bench.eval import TO_RELATION, load_emergent
from verify.embed import CachedEmbedder, load_embedder
from verify.model.align import AlignData
from verify.model.classify import DiscrepancyClassifier, fit_judge, judge_classifier
from verify.model.features import LEXICAL_DIM, Matrix
from verify.model.judgemodel import with_alignment
from verify.model.pairs import PairJudge, Prepared
from verify.model.train import ANS_LABELS, own_pairs, read_labelled
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

Fitted = Callable[[Matrix, AlignData], np.ndarray]
"""Predicts the labels of test rows (their feature matrix and word alignments)."""
Variant = Callable[[Matrix, AlignData, np.ndarray, np.ndarray], Fitted]
"""Fits on training rows (features, alignments, labels, groups)."""


def _dense_only(X: Matrix) -> Matrix:
    return X[:, :-LEXICAL_DIM]


def _trees(make: Callable[[], DiscrepancyClassifier], columns: Callable[[Matrix], Matrix]) -> Variant:
    def fit(X: Matrix, align: AlignData, y: np.ndarray, groups: np.ndarray) -> Fitted:
        model = make().fit(columns(X), y)
        return lambda X_, align_: np.asarray(model.predict(columns(X_)))

    return fit


def _aligned(X: Matrix, align: AlignData, y: np.ndarray, groups: np.ndarray) -> Fitted:
    estimator, aligner = fit_judge(X, align, y, groups)
    return lambda X_, align_: np.asarray(estimator.predict(with_alignment(X_, aligner.proba(align_))))


VARIANTS: dict[str, Variant] = {
    "shipped (trees + stacked lexical regression + alignment network)": _aligned,
    "trees + stacked lexical regression, no alignment network": _trees(judge_classifier, lambda X: X),
    "trees only, no lexical columns": _trees(DiscrepancyClassifier, _dense_only),
}
GRID: dict[str, Variant] = {
    "no alignment network, 300 iterations at 0.05": _trees(
        lambda: DiscrepancyClassifier(max_iter=300, learning_rate=0.05, lexical=LEXICAL_DIM), lambda X: X
    ),
    "no alignment network, 15 leaves, l2 1.0": _trees(
        lambda: DiscrepancyClassifier(max_leaf_nodes=15, l2_regularization=1.0, lexical=LEXICAL_DIM),
        lambda X: X,
    ),
}


def cross_validate(
    name: str, prepared: Prepared, y: np.ndarray, groups: np.ndarray, variants: dict[str, Variant]
) -> None:
    """Print out-of-fold macro-F1 and accuracy of every variant."""
    assert prepared.align is not None
    X, align = prepared.X, prepared.align
    for label, fit in variants.items():
        predicted = np.empty(len(y), dtype=object)
        for train, test in GroupKFold(n_splits=5).split(X, y, groups):
            predict = fit(X[train], align.take(train), y[train], groups[train])
            predicted[test] = predict(X[test], align.take(test))
        macro = 100 * f1_score(y, predicted.astype(str), average="macro")
        accuracy = 100 * accuracy_score(y, predicted.astype(str))
        print(f"| {name} | {label} | {macro:.1f} | {accuracy:.1f} |", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "verify" / "embeddings")
    parser.add_argument(
        "--grid", action="store_true", help="gradient-boosting settings instead of the feature variants"
    )
    args = parser.parse_args(argv)
    variants = GRID if args.grid else VARIANTS
    judge = PairJudge(
        CachedEmbedder(load_embedder(None), args.cache_dir), SourceRegistry.load(), Gazetteer.load()
    )
    ans = read_labelled(args.data / "ans" / "train.csv", "s1", "s2", "stance", ANS_LABELS)
    own = own_pairs()
    claims, evidences = [*ans.claims, *own.claims], [*ans.evidences, *own.evidences]
    print("| data | classifier | macro-F1 | accuracy |\n|---|---|---|---|")
    prepared = judge.prepare(claims, evidences)
    y = np.array([*ans.labels, *own.labels])
    cross_validate("ANS train + ours", prepared, y, np.array(claims), variants)
    emergent = load_emergent(args.data)
    prepared = judge.prepare(emergent.claims, emergent.evidences)
    y = np.array([TO_RELATION["emergent"][label] for label in emergent.labels])
    cross_validate("Emergent train", prepared, y, np.array(emergent.groups), variants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
