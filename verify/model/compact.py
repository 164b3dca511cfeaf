"""The fitted judge classifier as plain arrays, predicted in NumPy without scikit-learn.

:class:`verify.classify.DiscrepancyClassifier` is a logistic regression on the hashed word
columns stacked under gradient-boosted trees calibrated by ``CalibratedClassifierCV``
(sigmoid, three folds). Unpickling it needs scikit-learn, whose import (with SciPy's
statistics) costs a cold ``verify run`` about a second, more than the run's own work on a
small folder. :func:`compact_classifier` copies out what prediction reads (the regression's
coefficients; per fold the trees' nodes, the baseline and the sigmoid calibrators) and
:class:`CompactClassifier` predicts from them, doing each floating-point step in the order
scikit-learn does, so its probabilities are bit-for-bit scikit-learn's (the tests compare
them). It is saved as a ``.npz`` file beside the model's joblib file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
_ROWS_PER_CHUNK = 128  # rows x trees node indices stay in cache: 128 x 1200 x 4 B = 0.6 MB


@dataclass(frozen=True)
class Forest:
    """All trees of all folds in flat node arrays; ``roots[t]`` is tree ``t``'s first node.

    Trees are ordered fold, then boosting iteration, then class, as scikit-learn adds them.
    A split node sends a row to ``children[2 * node]`` when its feature is at most the
    node's threshold and to ``children[2 * node + 1]`` otherwise; a leaf is its own child
    both ways, so ``max(depth)`` steps bring every row to its leaf in every tree at once.
    """

    feature: npt.NDArray[np.int32]
    threshold: Matrix
    children: npt.NDArray[np.int32]
    value: Matrix
    roots: npt.NDArray[np.int32]
    depth: npt.NDArray[np.int32]
    """Per tree, the depth of its deepest leaf."""

    def leaf_values(self, X: Matrix) -> Matrix:
        """``(len(X), n_trees)``: the value of the leaf each row reaches in each tree."""
        # Deepest trees first, so that after step s only the first count[s] trees still move.
        order = np.argsort(-self.depth, kind="stable")
        moving = [int(np.sum(self.depth > step)) for step in range(int(self.depth.max(initial=0)))]
        flat = np.ascontiguousarray(X).ravel()
        node = np.broadcast_to(self.roots[order], (len(X), len(order))).copy()
        row_start = (np.arange(len(X), dtype=np.int32) * X.shape[1])[:, None]
        for count in moving:
            at = node[:, :count]
            right = flat[row_start + self.feature[at]] > self.threshold[at]
            node[:, :count] = self.children[2 * at + right]
        values: Matrix = self.value[node][:, np.argsort(order)]
        return values


@dataclass(frozen=True)
class CompactClassifier:
    """Predicts like the fitted ``DiscrepancyClassifier`` it was copied from (same bits)."""

    classes_: npt.NDArray[np.str_]
    lexical: int
    lexical_coef: Matrix
    """``(n_classes, lexical)`` coefficients of the regression on the hashed word columns."""
    lexical_intercept: Matrix
    forest: Forest
    folds: int
    iterations: int
    baseline: Matrix
    """``(folds, n_classes)`` raw score each fold's trees start from."""
    sigmoid_a: Matrix
    sigmoid_b: Matrix
    """``(folds, n_classes)`` sigmoid calibration ``1 / (1 + exp(a * score + b))`` per class."""
    class_index: npt.NDArray[np.intp]
    """``(folds, n_classes)``: the probability column each fold's class ``k`` fills."""

    def _lexical_proba(self, words: Matrix) -> Matrix:
        # scikit-learn multiplies the sparse rows by the coefficients one stored (non-zero)
        # entry at a time, in column order, then adds the intercept and takes a softmax.
        scores = np.zeros((len(words), self.lexical_coef.shape[0]))
        row, col = np.nonzero(words)
        if len(row):
            counts = np.bincount(row, minlength=len(words))
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            rank = np.arange(len(row)) - starts[row]
            coef_t = self.lexical_coef.T
            for position in range(int(counts.max())):
                at = rank == position
                scores[row[at]] += words[row[at], col[at]][:, None] * coef_t[col[at]]
        scores = scores + self.lexical_intercept
        scores -= scores.max(axis=1).reshape(-1, 1)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1).reshape(-1, 1)
        return scores

    def _dense(self, X: Matrix) -> Matrix:
        if not self.lexical:
            return X
        return np.hstack([X[:, : -self.lexical], self._lexical_proba(X[:, -self.lexical :])])

    def predict_proba(self, X: npt.ArrayLike) -> Matrix:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        matrix = np.asarray(X, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError(f"expected a 2-d matrix of features, got shape {matrix.shape}")
        if not np.isfinite(matrix).all():
            raise ValueError("the features must be finite (scikit-learn refuses NaN and infinity too)")
        out = np.zeros((len(matrix), len(self.classes_)))
        for start in range(0, len(matrix), _ROWS_PER_CHUNK):
            out[start : start + _ROWS_PER_CHUNK] = self._predict_chunk(
                matrix[start : start + _ROWS_PER_CHUNK]
            )
        return out

    def _predict_chunk(self, X: Matrix) -> Matrix:
        dense = self._dense(X)
        n_classes = len(self.classes_)
        leaves = self.forest.leaf_values(dense).reshape(len(X), self.folds, self.iterations, n_classes)
        mean = np.zeros((len(X), n_classes))
        for fold in range(self.folds):
            raw = np.zeros((len(X), n_classes)) + self.baseline[fold]
            for iteration in range(self.iterations):
                raw += leaves[:, fold, iteration]
            proba = np.zeros((len(X), n_classes))
            for k in range(n_classes):
                # scipy's expit is 1 / (1 + exp(-t)) with the C library's exp, which NumPy's
                # vectorised exp does not always match to the last bit; math.exp is that exp.
                t = -(self.sigmoid_a[fold, k] * raw[:, k] + self.sigmoid_b[fold, k])
                proba[:, self.class_index[fold, k]] = [1 / (1 + math.exp(-v)) for v in t.tolist()]
            if n_classes == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = np.sum(proba, axis=1)[:, np.newaxis]
                uniform = np.full_like(proba, 1 / n_classes)
                proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        mean /= self.folds
        return mean


def compact_classifier(estimator: Any) -> CompactClassifier:
    """Copy what prediction needs out of a fitted ``DiscrepancyClassifier``.

    Only the sigmoid-calibrated, numerical-feature trees that ``verify train`` fits are
    supported; anything else is a ``ValueError`` (the joblib model still works).
    """
    calibrated = estimator.calibrated_
    if calibrated.method != "sigmoid":
        raise ValueError(f"only sigmoid calibration can be compacted, not {calibrated.method}")
    classes = np.asarray(estimator.classes_).astype(str)
    arrays: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "children", "value")}
    roots: list[int] = []
    depths: list[int] = []
    baseline, sig_a, sig_b, index = [], [], [], []
    iterations = None
    for fold in calibrated.calibrated_classifiers_:
        trees = fold.estimator
        if getattr(trees, "is_categorical_", None) is not None and np.any(trees.is_categorical_):
            raise ValueError("categorical features cannot be compacted")
        if iterations is not None and trees.n_iter_ != iterations:
            raise ValueError("folds with different numbers of iterations cannot be compacted")
        iterations = int(trees.n_iter_)
        if trees.n_trees_per_iteration_ != len(classes) or len(fold.calibrators) != len(classes):
            raise ValueError("only multi-class models (one tree per class and iteration) can be compacted")
        baseline.append(np.asarray(trees._baseline_prediction, dtype=np.float64).reshape(-1))
        sig_a.append([float(c.a_) for c in fold.calibrators])
        sig_b.append([float(c.b_) for c in fold.calibrators])
        fold_classes = np.asarray(fold.classes).astype(str)
        index.append(np.searchsorted(np.sort(fold_classes), np.asarray(trees.classes_).astype(str)))
        for per_iteration in trees._predictors:
            for predictor in per_iteration:
                nodes = predictor.nodes
                if np.any(nodes["is_categorical"]):
                    raise ValueError("categorical splits cannot be compacted")
                offset = sum(len(a) for a in arrays["value"])
                roots.append(offset)
                leaf = nodes["is_leaf"].astype(bool)
                own = np.arange(len(nodes), dtype=np.int32) + offset
                children = np.stack([nodes["left"], nodes["right"]], 1).astype(np.int32) + offset
                children[leaf] = own[leaf, None]
                # Input is finite (checked when predicting), so a split's missing-value side never applies.
                arrays["feature"].append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.int32))
                arrays["threshold"].append(nodes["num_threshold"].astype(np.float64))
                arrays["children"].append(children.ravel())
                arrays["value"].append(nodes["value"].astype(np.float64))
                depths.append(int(nodes["depth"].max()))
    forest = Forest(
        feature=np.concatenate(arrays["feature"]),
        threshold=np.concatenate(arrays["threshold"]),
        children=np.concatenate(arrays["children"]),
        value=np.concatenate(arrays["value"]),
        roots=np.asarray(roots, dtype=np.int32),
        depth=np.asarray(depths, dtype=np.int32),
    )
    lexical = int(estimator.lexical)
    if lexical:
        coef = np.asarray(estimator.lexical_.coef_, dtype=np.float64)
        intercept = np.asarray(estimator.lexical_.intercept_, dtype=np.float64)
        if coef.shape[0] != len(classes):
            raise ValueError("only a multinomial lexical regression can be compacted")
    else:
        coef, intercept = np.zeros((len(classes), 0)), np.zeros(len(classes))
    return CompactClassifier(
        classes_=classes,
        lexical=lexical,
        lexical_coef=coef,
        lexical_intercept=intercept,
        forest=forest,
        folds=len(calibrated.calibrated_classifiers_),
        iterations=int(iterations or 0),
        baseline=np.vstack(baseline),
        sigmoid_a=np.asarray(sig_a, dtype=np.float64),
        sigmoid_b=np.asarray(sig_b, dtype=np.float64),
        class_index=np.vstack(index).astype(np.intp),
    )


_ARRAYS = ("lexical_coef", "lexical_intercept", "baseline", "sigmoid_a", "sigmoid_b", "class_index")
_FOREST = ("feature", "threshold", "children", "value", "roots", "depth")


def classifier_arrays(model: CompactClassifier) -> dict[str, npt.NDArray[Any]]:
    """``model`` as named arrays (for ``np.savez``); :func:`classifier_from_arrays` reads them back."""
    out: dict[str, npt.NDArray[Any]] = {f"clf_{name}": getattr(model, name) for name in _ARRAYS}
    out.update({f"clf_forest_{name}": getattr(model.forest, name) for name in _FOREST})
    meta = {
        "classes": model.classes_.tolist(),
        "lexical": model.lexical,
        "folds": model.folds,
        "iterations": model.iterations,
    }
    out["clf_meta"] = np.asarray(json.dumps(meta))
    return out


def classifier_from_arrays(arrays: Any) -> CompactClassifier:
    """The classifier :func:`classifier_arrays` wrote (``arrays``: an ``np.load`` result or a dict)."""
    meta = json.loads(str(arrays["clf_meta"]))
    forest = Forest(**{name: np.asarray(arrays[f"clf_forest_{name}"]) for name in _FOREST})
    return CompactClassifier(
        classes_=np.asarray(meta["classes"]).astype(str),
        lexical=int(meta["lexical"]),
        forest=forest,
        folds=int(meta["folds"]),
        iterations=int(meta["iterations"]),
        **{name: np.asarray(arrays[f"clf_{name}"]) for name in _ARRAYS},
    )


def save_arrays(path: Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write ``arrays`` to ``path`` (compressed ``.npz``), replacing it atomically."""
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)
