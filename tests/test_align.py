"""The word-alignment network: its inputs, NumPy prediction of what PyTorch trained, folds."""

from __future__ import annotations

import numpy as np
import pytest

from verify.embed import HashingEmbedder
from verify.model.align import MAX_WORDS, align_data, concat, words
from verify.model.alignfit import fit_align, out_of_fold
from verify.model.classify import judge_classifier
from verify.model.features import LEXICAL_DIM
from verify.model.judgemodel import JudgeModel

EMBED = HashingEmbedder(dim=64).encode

SUBJECTS = [
    "the depot",
    "the airport",
    "a convoy",
    "the bridge",
    "the port",
    "a market",
    "the school",
    "a camp",
]
VERBS = ["was struck", "was shelled", "was hit", "was bombed"]


def _toy() -> tuple[list[str], list[str], list[str]]:
    """Claims against a restatement (corroborates) or the same sentence denied (contradicts)."""
    claims, evidences, labels = [], [], []
    for i, subject in enumerate(SUBJECTS):
        for j, verb in enumerate(VERBS):
            claim = f"{subject} {verb} on day {i + j}"
            claims += [claim, claim]
            evidences += [
                f"witnesses said {subject} {verb} on day {i + j}",
                f"{subject} was not hit on day {i + j}",
            ]
            labels += ["corroborates", "contradicts"]
    return claims, evidences, labels


def test_inputs_are_padded_flagged_and_cut() -> None:
    long = " ".join(f"w{i}" for i in range(MAX_WORDS + 10))
    data = align_data(["Rockets did not hit 2 sites", long, ""], ["Rockets hit two sites", "w1", "x"], EMBED)
    assert data.a_ids.shape == (3, MAX_WORDS) and data.spelling.shape == (3, MAX_WORDS, MAX_WORDS)
    assert list(data.a_len) == [6, MAX_WORDS, 1] and words("") == (".",)
    flags = dict(zip(words("Rockets did not hit 2 sites"), data.a_flags[0, :6].tolist(), strict=True))
    assert flags["rockets"][0] == 1.0 and flags["not"][0] == 0.0  # "rockets" is in the other text
    assert flags["not"][2] == 1.0 and flags["2"][3] == 1.0  # negation cue, digit
    assert data.spelling[0, 0, 0] == pytest.approx(1.0)  # rockets ~ rockets
    assert len(data.vectors) == len(
        {*words("Rockets did not hit 2 sites"), *words(long), ".", "rockets", "hit"}
        | {"two", "sites", "w1", "x"}
    )  # one vector per distinct word


def test_numpy_prediction_learns_what_torch_trained_and_is_reproducible() -> None:
    claims, evidences, labels = _toy()
    data = align_data(claims, evidences, EMBED)
    net = fit_align(data, labels, seed=0, epochs=30)
    proba = net.proba(data)
    assert proba.shape == (len(labels), 2) and np.allclose(proba.sum(axis=1), 1.0)
    predicted = np.array(net.classes)[proba.argmax(axis=1)]
    # The NumPy forward pass reads the trained weights as PyTorch used them: it fits the data.
    assert (predicted == np.array(labels)).mean() >= 0.9
    again = fit_align(data, labels, seed=0, epochs=30)
    assert np.array_equal(again.proba(data), proba)
    # Pieces prepared apart and joined predict as one batch does.
    joined = concat(
        [align_data(claims[:10], evidences[:10], EMBED), align_data(claims[10:], evidences[10:], EMBED)]
    )
    assert np.allclose(net.proba(joined), proba, atol=1e-6)


def test_out_of_fold_keeps_class_columns_when_a_fold_lacks_a_class() -> None:
    claims, evidences, labels = _toy()
    labels = [*labels[:-1], "unrelated"]  # one pair, one group: absent from the folds that score it
    groups = [c.split(" on day")[0] for c in claims]
    classes = sorted(set(labels))
    oof = out_of_fold(align_data(claims, evidences, EMBED), labels, groups, classes=classes, folds=3)
    assert oof.shape == (len(labels), 3) and np.allclose(oof.sum(axis=1), 1.0)
    assert oof[-1, classes.index("unrelated")] == 0.0


def test_a_model_with_an_aligner_needs_the_alignments() -> None:
    claims, evidences, labels = _toy()
    data = align_data(claims, evidences, EMBED)
    rng = np.random.default_rng(0)
    X = np.hstack([rng.random((len(labels), 5)), np.zeros((len(labels), LEXICAL_DIM))])
    net = fit_align(data, labels, epochs=2)
    dense = np.hstack([X[:, :-LEXICAL_DIM], net.proba(data), X[:, -LEXICAL_DIM:]])
    model = JudgeModel(judge_classifier().fit(dense, labels), "hashing", aligner=net)
    assert len(model.proba(X[:3], data.take([0, 1, 2]))) == 3
    with pytest.raises(ValueError, match="AlignData"):
        model.proba(X[:3])


def test_negligible_weights_are_zeroed_without_changing_predictions() -> None:
    from verify.model.align import AlignNet, flush_negligible

    claims, evidences, labels = _toy()
    data = align_data(claims, evidences, EMBED)
    net = fit_align(data, labels, epochs=2)
    assert all(not ((v != 0) & (np.abs(v) < 1e-12)).any() for v in net.weights.values())
    zeroed = {k: v.copy() for k, v in net.weights.items()}
    zeroed["g_w"][0, :5] = 0.0
    zeroed["f_w"][1, :5] = 0.0
    noisy = {k: v.copy() for k, v in zeroed.items()}
    noisy["g_w"][0, :5] = np.float32(1e-39)  # subnormal
    noisy["f_w"][1, :5] = np.float32(3e-20)
    assert not flush_negligible(noisy["g_w"])[0, :5].any() and not flush_negligible(noisy["f_w"])[1, :5].any()
    assert np.array_equal(AlignNet(net.classes, noisy).proba(data), AlignNet(net.classes, zeroed).proba(data))
