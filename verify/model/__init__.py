"""The trained pair model and pair mode (``verify pairs``, ``verify train``).

::

    features.py   pair features the classifier learns from
    cues.py       negation, denial, hedge and antonym lexicons (verify/data/cues.json)
    delta.py      features over the words that differ between claim and evidence
    align.py      the word-alignment network (NumPy)
    alignfit.py   its training (PyTorch)
    classify.py   the calibrated classifier (scikit-learn; imported for training only)
    judgemodel.py :class:`JudgeModel`, saving and loading it, :func:`combine`
    compact.py    the fitted classifier as arrays, predicted in NumPy (same bits)
    hashing.py    the hashed word columns (MurmurHash3) without scikit-learn
    pairs.py      pair mode (:class:`PairJudge`): a claim against a sentence or an article
    rationale.py  the sentences of an article that speak to a claim
    article.py    a claim against a whole article: unrelated, partial, then agreement or denial
    sheet.py      the spreadsheet of ``verify pairs``
    train.py      rebuilding the shipped model reproducibly
    usertrain.py  the judge on a user's own labelled sheet (``verify train FILE --label``, ``--folds``)
    evaluate.py   the figures of ``verify eval``: macro-F1, per-class scores, confusion, reliability
    scorer.py     the shipped model as the scorer judging takes (:func:`judge_scorer`)
"""

from __future__ import annotations

from verify.model.evaluate import Metrics, as_json, render, score
from verify.model.judgemodel import DEFAULT_MODEL_PATH, JudgeModel, load_model, save_model
from verify.model.pairs import PairJudge, PairVerdict, Prepared
from verify.model.rationale import candidate_sentences, select_rationale
from verify.model.scorer import judge_scorer
from verify.model.sheet import output_rows, read_pairs, write_csv
from verify.model.train import DEFAULT_ANS, train_and_save
from verify.model.usertrain import (
    LabelledRows,
    builtin_as_labels,
    check_folds,
    check_trainable,
    cross_validate,
    labels_of,
    parse_map,
    predicted_labels,
    read_sheet,
    train_on_sheets,
)

__all__ = [
    "DEFAULT_ANS",
    "DEFAULT_MODEL_PATH",
    "JudgeModel",
    "LabelledRows",
    "Metrics",
    "PairJudge",
    "PairVerdict",
    "Prepared",
    "as_json",
    "builtin_as_labels",
    "candidate_sentences",
    "check_folds",
    "check_trainable",
    "cross_validate",
    "judge_scorer",
    "labels_of",
    "load_model",
    "output_rows",
    "parse_map",
    "predicted_labels",
    "read_pairs",
    "read_sheet",
    "render",
    "save_model",
    "score",
    "select_rationale",
    "train_and_save",
    "train_on_sheets",
    "write_csv",
]
