"""The same-incident model: its NumPy trees against scikit-learn, its name overlaps against a
plain reference, and what its features and the shipped model say of pairs written for this test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.errors import ModelError
from verify.match.incident_model import (
    FEATURES,
    MONOTONE,
    fit_incident_model,
    load_incident_model,
    save_incident_model,
)
from verify.match.names import name_keys, name_rows, name_weights, row_overlaps


def _pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES)))
    x[:, FEATURES.index("date_gap")] = rng.integers(0, 5, n)
    score = 3 * x[:, FEATURES.index("cosine")] + 2 * x[:, FEATURES.index("names_document")] - x[:, 6]
    same = score + rng.normal(0, 0.5, n) > 2.0
    return x, same


def test_numpy_trees_give_scikit_learns_probabilities() -> None:
    from verify.match.incident_model import new_estimator

    x, same = _pairs(600, 1)
    model = fit_incident_model(x, same, seed=3)
    reference = new_estimator(3).fit(x, same.astype(np.int64))
    probe, _ = _pairs(300, 2)
    expected = reference.predict_proba(probe)[:, 1]
    assert np.allclose(model.probability(probe), expected, rtol=0, atol=1e-12)


def test_a_saved_model_reads_back_the_same(tmp_path: pytest.TempPathFactory) -> None:
    x, same = _pairs(300, 4)
    model = fit_incident_model(x, same, threshold=0.55)
    path = tmp_path / "m.npz"  # type: ignore[operator]
    save_incident_model(model, path)
    back = load_incident_model(path)
    assert back.threshold == 0.55 and back.possible == 0.55
    assert np.array_equal(back.probability(x), model.probability(x))


def test_a_broken_model_file_is_a_model_error(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "m.npz"  # type: ignore[operator]
    path.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot read the same-incident model"):
        load_incident_model(path)


def test_fitting_needs_both_kinds_of_pair() -> None:
    x, _ = _pairs(50, 5)
    with pytest.raises(ValueError, match="both"):
        fit_incident_model(x, np.zeros(50, dtype=bool))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    num = sum(a[k] * b[k] for k in a.keys() & b.keys())
    den = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return num / den if den else 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from("abcdefgh"), st.floats(0.01, 5.0), max_size=6),
        min_size=1,
        max_size=12,
    ),
    st.data(),
)
def test_row_overlaps_equal_the_plain_cosine(texts: list[dict[str, float]], data: st.DataObject) -> None:
    rows = name_rows(texts)
    index = st.integers(0, len(texts) - 1)
    pairs = data.draw(st.lists(st.tuples(index, index), min_size=1, max_size=30))
    a = np.asarray([p for p, _ in pairs], dtype=np.int64)
    b = np.asarray([q for _, q in pairs], dtype=np.int64)
    got = row_overlaps(rows, a, b, chunk=7)
    expected = [_cosine(texts[p], texts[q]) for p, q in pairs]
    assert np.allclose(got, expected, atol=1e-12)


def test_names_are_keyed_across_scripts_and_common_words_are_not_names() -> None:
    # One town written in Arabic with a preposition glued on, and in two Latin spellings.
    arabic = name_weights("وسقطت القذائف بالقرب من بمنبج صباحا")
    latin = name_weights("Shells fell near Manbij in the morning")
    assert set(arabic) & set(latin)
    assert name_keys("the") == () and name_keys("قال") == () and name_keys("morning") == ()
    assert name_keys("al-Qaim")  # a capitalised part is enough
    # Numbers of two digits or more count, years do not.
    assert "#37" in name_weights("37 people were hurt in 2023") and "#2023" not in name_weights("in 2023")


def _row(**values: float) -> np.ndarray:
    row = np.zeros(len(FEATURES))
    row[FEATURES.index("published_unknown")] = 0
    for name, value in values.items():
        row[FEATURES.index(name)] = value
    return row


def test_the_shipped_model_is_monotone_where_the_direction_is_known() -> None:
    model = load_incident_model()
    base = dict(cosine=0.5, document_cosine=0.6, names_document=0.3, names_fewer=8.0, place_unknown=1.0,
                weapon_unknown=1.0, date_unknown=1.0)  # fmt: skip
    for name, sign in MONOTONE.items():
        low, high = dict(base), dict(base)
        low[name], high[name] = 0.0, (1.0 if "gap" not in name else 5.0)
        p_low, p_high = model.probability(np.vstack([_row(**low), _row(**high)]))
        assert (p_high - p_low) * sign >= 0, name


def test_the_shipped_model_separates_a_paraphrase_from_another_place() -> None:
    model = load_incident_model()
    same = _row(cosine=0.6, document_cosine=0.7, names_document=0.6, names_fewer=6.0, place_similarity=1.0,
                weapon_compatible=1.0, weapon_same=1.0, date_unknown=1.0)  # fmt: skip
    elsewhere = _row(cosine=0.25, document_cosine=0.3, names_fewer=6.0, place_similarity=0.0,
                     weapon_unknown=1.0, date_unknown=1.0, published_gap=2)  # fmt: skip
    p_same, p_elsewhere = model.probability(np.vstack([same, elsewhere]))
    assert p_same > 0.5 > p_elsewhere
