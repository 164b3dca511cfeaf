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

from collections.abc import Callable
from typing import Any

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

from verify.model.align import AlignData, AlignNet
from verify.model.alignfit import EPOCHS, FOLDS, fit_align, out_of_fold
from verify.model.features import LEXICAL_DIM, Matrix
from verify.model.judgemodel import with_alignment


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


def fit_judge(
    X: Matrix,
    align: AlignData,
    y: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
    epochs: int = EPOCHS,
    folds: int = FOLDS,
) -> tuple[DiscrepancyClassifier, AlignNet]:
    """Fit the alignment network and the trees stacked on it.

    The trees are fitted on the network's out-of-fold probabilities (``folds`` grouped by
    ``groups``, so rewrites of one claim never train the network that scores them), and the
    network kept for prediction is fitted on every pair. ``epochs`` and ``folds`` shrink the
    network's training for a quicker model (:mod:`verify.usertrain`); the shipped model keeps
    the defaults.
    """
    labels = np.asarray(y).astype(str)
    classes = sorted(set(labels))
    oof = out_of_fold(
        align,
        list(labels),
        list(np.asarray(groups).astype(str)),
        classes=classes,
        seed=random_state,
        folds=folds,
        epochs=epochs,
        progress=progress,
    )
    aligner = fit_align(align, list(labels), seed=random_state, epochs=epochs)
    if progress:
        progress("alignment network fitted; fitting the trees")
    estimator = judge_classifier(random_state).fit(with_alignment(X, oof), labels)
    return estimator, aligner
