"""A calibrated discrepancy classifier over claim/evidence pair features.

The explainable rules of :mod:`verify.judge.rules` stay: their :class:`~verify.judge.rules.PairFeatures`
(facet conflicts, denials, directions) are among the features (:mod:`verify.model.features`), and
:func:`combine` lets a strong facet rule keep its relation while the classifier supplies
calibrated probabilities. The classifier does not feed the hashed lexical columns to its
trees; it fits a logistic regression on them and stacks its out-of-fold probabilities (see
:class:`DiscrepancyClassifier`), which learns from the training pairs which changed words flip a
claim and which evidence words hedge or refute.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from verify.errors import ModelError
from verify.judge import PairFeatures, decide, group_probability
from verify.model.align import AlignData, AlignNet
from verify.model.alignfit import fit_align, out_of_fold
from verify.model.features import FEATURE_VERSION, LEXICAL_DIM, Matrix
from verify.records import Relation


class DiscrepancyClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Gradient-boosted trees (balanced classes), calibrated by ``CalibratedClassifierCV``,
    over the dense features and a stacked logistic regression on the last ``lexical`` columns.

    Trees suit the mix of counts, flags and cosines here without scaling; class balancing keeps
    rare relations (unrelated, partial) from being swamped, and the sigmoid calibration over
    seeded folds turns the scores back into probabilities that can be read as confidences.
    The lexical columns are sparse word hashes, which trees use poorly: a logistic regression
    reads them, and its probabilities join the trees' features, out-of-fold while fitting (so
    the trees never see a probability of a row the regression was fitted on).
    """

    def __init__(
        self,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        method: str = "sigmoid",
        cv: int = 3,
        random_state: int = 0,
        lexical: int = 0,
        lexical_c: float = 1.0,
        max_leaf_nodes: int = 31,
        l2_regularization: float = 0.0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.method = method
        self.cv = cv
        self.random_state = random_state
        self.lexical = lexical
        self.lexical_c = lexical_c
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> DiscrepancyClassifier:
        """Validate ``X``/``y``, fit and calibrate; returns ``self``."""
        X_, y_ = validate_data(self, X, y)
        self.classes_ = unique_labels(y_)
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to fit")
        if not 0 <= self.lexical < X_.shape[1]:
            raise ValueError(f"lexical={self.lexical} columns do not fit in {X_.shape[1]}")
        smallest = int(min(np.sum(y_ == c) for c in self.classes_))
        folds = StratifiedKFold(max(2, min(self.cv, smallest)), shuffle=True, random_state=self.random_state)
        dense = X_
        if self.lexical:
            words = sparse.csr_matrix(X_[:, -self.lexical :])
            regression = LogisticRegression(C=self.lexical_c, max_iter=2000, class_weight="balanced")
            oof = cross_val_predict(regression, words, y_, cv=folds, method="predict_proba")
            self.lexical_ = regression.fit(words, y_)
            dense = np.hstack([X_[:, : -self.lexical], oof])
        base = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            class_weight="balanced",
            random_state=self.random_state,
        )
        # One thread: on a few thousand rows OpenMP's thread start-up and contention cost more
        # than they save (measured 4x slower with two threads on a 2-core machine).
        with threadpool_limits(limits=1, user_api="openmp"):
            self.calibrated_ = CalibratedClassifierCV(base, method=self.method, cv=folds).fit(dense, y_)
        return self

    def _dense(self, X: Matrix) -> Matrix:
        if not self.lexical:
            return X
        words = sparse.csr_matrix(X[:, -self.lexical :])
        return np.hstack([X[:, : -self.lexical], self.lexical_.predict_proba(words)])

    def predict_proba(self, X: npt.ArrayLike) -> Matrix:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "calibrated_")
        X_ = validate_data(self, X, reset=False)
        # One thread, as in fit: the trees are 1,200 small OpenMP loops, and on a busy 2-core
        # machine each one waits for a second thread (measured 0.1 s -> 10 s for 1,300 rows).
        with threadpool_limits(limits=1, user_api="openmp"):
            proba: Matrix = self.calibrated_.predict_proba(self._dense(X_))
        return proba

    def predict(self, X: npt.ArrayLike) -> npt.NDArray[Any]:
        """The most probable class of each row."""
        check_is_fitted(self, "calibrated_")
        result: npt.NDArray[Any] = self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return result


def judge_classifier(random_state: int = 0) -> DiscrepancyClassifier:
    """The classifier ``verify train`` ships and the eval cross-validates, for :func:`featurize` rows."""
    return DiscrepancyClassifier(random_state=random_state, lexical=LEXICAL_DIM)


@dataclass(frozen=True)
class JudgeModel:
    """A fitted classifier with what it was trained on; saved with joblib inside the package."""

    estimator: DiscrepancyClassifier
    embedder: str
    """Name of the embedder whose vectors the interaction features were computed from."""
    feature_version: int = FEATURE_VERSION
    trained_on: tuple[str, ...] = ()
    aligner: AlignNet | None = None
    """The word-alignment network whose probabilities the trees read (:func:`fit_judge`)."""

    def proba(self, X: Matrix, align: AlignData | None = None) -> list[dict[Relation, float]]:
        """Per row, the probability of each relation the model knows.

        ``align`` (the same pairs as the network reads them) is needed when the model has an
        aligner; its probabilities join ``X`` before the trees see it.
        """
        if self.aligner is not None:
            if align is None:
                raise ValueError("this judge model reads word alignments: pass the pairs' AlignData")
            X = with_alignment(X, self.aligner.proba(align))
        classes = [Relation(str(c)) for c in self.estimator.classes_]
        return [dict(zip(classes, map(float, row), strict=True)) for row in self.estimator.predict_proba(X)]


def with_alignment(X: Matrix, aligned: Matrix) -> Matrix:
    """``X`` with the alignment network's probabilities inserted before the lexical block."""
    return np.hstack([X[:, :-LEXICAL_DIM], aligned, X[:, -LEXICAL_DIM:]])


def fit_judge(
    X: Matrix,
    align: AlignData,
    y: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[DiscrepancyClassifier, AlignNet]:
    """Fit the alignment network and the trees stacked on it.

    The trees are fitted on the network's out-of-fold probabilities (folds grouped by
    ``groups``, so rewrites of one claim never train the network that scores them), and the
    network kept for prediction is fitted on every pair.
    """
    labels = np.asarray(y).astype(str)
    classes = sorted(set(labels))
    oof = out_of_fold(
        align,
        list(labels),
        list(np.asarray(groups).astype(str)),
        classes=classes,
        seed=random_state,
        progress=progress,
    )
    aligner = fit_align(align, list(labels), seed=random_state)
    if progress:
        progress("alignment network fitted; fitting the trees")
    estimator = judge_classifier(random_state).fit(with_alignment(X, oof), labels)
    return estimator, aligner


DEFAULT_MODEL_PATH = "data/judge_model.joblib"


def save_model(model: JudgeModel, path: Path) -> None:
    """Write ``model`` to ``path`` (joblib, compressed), replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(model, tmp, compress=3)
    tmp.replace(path)


def load_model(path: Path | None = None) -> JudgeModel:
    """The shipped model (or the one at ``path``); a missing or foreign file is a ModelError.

    A process keeps the last models it read, by path, size and modification time, so that a
    second run in one process (a later store run, the tests) does not read the file again:
    joblib's pure-Python unpickler takes 0.2 s over the shipped model. Predicting does not
    change a model.
    """
    where = path or Path(str(resources.files("verify").joinpath(DEFAULT_MODEL_PATH)))
    if not where.is_file():
        raise ModelError(f"{where}: judge model not found; build it with 'verify train'")
    stat = where.stat()
    return _read_model(str(where.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_model(where: str, size: int, mtime_ns: int) -> JudgeModel:
    try:
        model = joblib.load(where)
    except Exception as exc:  # a truncated or foreign pickle raises almost anything
        raise ModelError(f"{where}: cannot read judge model ({type(exc).__name__})") from exc
    if not isinstance(model, JudgeModel) or model.feature_version != FEATURE_VERSION:
        raise ModelError(f"{where}: judge model is from another version; rebuild it with 'verify train'")
    return model


_STRONG = frozenset({"count", "casualties"})


def combine(rules: PairFeatures, proba: Mapping[Relation, float]) -> tuple[Relation, float]:
    """One verdict from the rules and the classifier's probabilities.

    The classifier decides and its probability is the confidence, except that an explicit
    denial or a count/casualty conflict found by the facet rules keeps the rule's relation
    (overstates, understates, contradicts, partial) when the classifier does not find the pair
    unrelated: whole articles carry many numbers about other events, and a conflict with one of
    them says nothing about the claim. The confidence of a kept rule verdict is the classifier's
    probability that the pair differs at all (see :func:`group_probability`).
    """
    best = max(proba, key=lambda r: proba[r])
    rule = decide(rules)
    strong = rules.denial or rules.claim_denial or bool(_STRONG & set(rules.up + rules.down))
    if strong and rule not in (Relation.CORROBORATES, Relation.UNRELATED) and best is not Relation.UNRELATED:
        return rule, group_probability(rule, proba)
    return best, float(proba[best])
