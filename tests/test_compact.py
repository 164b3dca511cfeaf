"""The judge classifier without scikit-learn: hashed columns and compact trees against scikit-learn's own."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32 as sklearn_murmur

from verify.model.classify import DiscrepancyClassifier
from verify.model.compact import (
    CompactClassifier,
    classifier_arrays,
    classifier_from_arrays,
    compact_classifier,
)
from verify.model.hashing import hashed_rows, murmurhash3_32
from verify.model.judgemodel import JudgeModel, compact_path, load_model, save_model

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 :?éüقالجيشإنغاراتأصابت"


def _tokens(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 18))) for _ in range(n)]


def test_murmurhash_matches_scikit_learn_on_every_tail_length() -> None:
    rng = random.Random(1)
    for token in [*_tokens(rng, 3000), "", "a", "ab", "abc", "abcd", "c:قال"]:
        data = token.encode("utf-8")
        assert murmurhash3_32(data) == sklearn_murmur(data, seed=0)
        assert murmurhash3_32(data, seed=7) == sklearn_murmur(data, seed=7)


def test_hashed_rows_are_the_feature_hashers_columns_bit_for_bit() -> None:
    rng = random.Random(2)
    vocabulary = _tokens(rng, 500)
    rows = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 40))] for _ in range(400)]
    hasher = FeatureHasher(n_features=256, input_type="string", alternate_sign=False)
    expected = normalize(hasher.transform(rows)).toarray()
    got = hashed_rows(rows, 256)
    assert got.dtype == np.float64
    assert np.array_equal(got, expected)
    assert hashed_rows([], 256).shape == (0, 256)


@pytest.fixture(scope="module")
def estimator() -> DiscrepancyClassifier:
    model = load_model(compact=False)
    assert isinstance(model.estimator, DiscrepancyClassifier)
    return model.estimator


def _rows_at_the_thresholds(estimator: DiscrepancyClassifier, n: int, seed: int) -> npt.NDArray[np.float64]:
    """Feature rows whose dense values sit on, just below and just above the trees' thresholds.

    The lexical block is hashed random words, as the features make it.
    """
    rng = np.random.default_rng(seed)
    width = estimator.n_features_in_
    dense = width - estimator.lexical
    thresholds: list[list[float]] = [[0.0, 1.0] for _ in range(dense)]
    for fold in estimator.calibrated_.calibrated_classifiers_:
        for per_iteration in fold.estimator._predictors:
            for predictor in per_iteration:
                for node in predictor.nodes:
                    if not node["is_leaf"] and node["feature_idx"] < dense:
                        thresholds[int(node["feature_idx"])].append(float(node["num_threshold"]))
    X = np.zeros((n, width))
    for column, values in enumerate(thresholds):
        choices = np.asarray(values)
        picked = rng.choice(choices, size=n)
        X[:, column] = np.nextafter(picked, picked + rng.integers(-1, 2, size=n))
    words = random.Random(seed)
    vocabulary = _tokens(words, 300)
    X[:, dense:] = hashed_rows(
        [[words.choice(vocabulary) for _ in range(words.randint(0, 30))] for _ in range(n)], estimator.lexical
    )
    return X


def test_compact_classifier_gives_scikit_learns_probabilities_bit_for_bit(
    estimator: DiscrepancyClassifier,
) -> None:
    compact = compact_classifier(estimator)
    assert list(compact.classes_) == [str(c) for c in estimator.classes_]
    X = _rows_at_the_thresholds(estimator, 600, seed=3)
    expected = estimator.predict_proba(X)
    got = compact.predict_proba(X)
    assert np.array_equal(got, expected)
    # Rows in more than one chunk, and a single row, come out the same.
    assert np.array_equal(compact.predict_proba(np.vstack([X] * 2)), np.vstack([expected] * 2))
    assert np.array_equal(compact.predict_proba(X[:1]), expected[:1])
    assert compact.predict_proba(X[:0]).shape == (0, len(compact.classes_))


def test_compact_classifier_survives_its_arrays(estimator: DiscrepancyClassifier) -> None:
    compact = compact_classifier(estimator)
    again = classifier_from_arrays(classifier_arrays(compact))
    assert isinstance(again, CompactClassifier)
    X = _rows_at_the_thresholds(estimator, 50, seed=4)
    assert np.array_equal(again.predict_proba(X), compact.predict_proba(X))


def test_compact_classifier_refuses_what_it_cannot_reproduce(estimator: DiscrepancyClassifier) -> None:
    compact = compact_classifier(estimator)
    with pytest.raises(ValueError, match="2-d"):
        compact.predict_proba(np.zeros(3))
    X = _rows_at_the_thresholds(estimator, 2, seed=5)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        compact.predict_proba(X)


def test_the_shipped_compact_model_is_the_shipped_joblib_model(estimator: DiscrepancyClassifier) -> None:
    shipped = load_model()
    assert isinstance(shipped.estimator, CompactClassifier)
    full = load_model(compact=False)
    assert shipped.embedder == full.embedder and shipped.trained_on == full.trained_on
    assert shipped.aligner is not None and full.aligner is not None
    assert shipped.aligner.classes == full.aligner.classes
    assert all(np.array_equal(shipped.aligner.weights[k], v) for k, v in full.aligner.weights.items())
    X = _rows_at_the_thresholds(estimator, 200, seed=6)
    assert np.array_equal(shipped.estimator.predict_proba(X), estimator.predict_proba(X))


def test_save_writes_both_forms_and_a_stale_compact_form_is_ignored(
    estimator: DiscrepancyClassifier, tmp_path: Path
) -> None:
    full = load_model(compact=False)
    path = tmp_path / "judge.joblib"
    save_model(full, path)
    assert compact_path(path).is_file()
    loaded = load_model(path)
    assert isinstance(loaded.estimator, CompactClassifier)
    X = _rows_at_the_thresholds(estimator, 20, seed=8)
    assert np.array_equal(loaded.estimator.predict_proba(X), estimator.predict_proba(X))
    # The compact form of another model beside this joblib file names other bytes: not used.
    other = tmp_path / "other.joblib"
    save_model(JudgeModel(full.estimator, "another-embedder", aligner=full.aligner), other)
    compact_path(path).write_bytes(compact_path(other).read_bytes())
    assert isinstance(load_model(path).estimator, DiscrepancyClassifier)
    assert load_model(path).embedder == full.embedder
