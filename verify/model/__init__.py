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
    sheet.py      the spreadsheet of ``verify pairs``
    train.py      rebuilding the shipped model reproducibly
    scorer.py     the shipped model as the scorer judging takes (:func:`judge_scorer`)
"""

from __future__ import annotations

from verify.model.judgemodel import DEFAULT_MODEL_PATH, load_model
from verify.model.pairs import PairJudge
from verify.model.rationale import candidate_sentences, select_rationale
from verify.model.scorer import judge_scorer
from verify.model.sheet import output_rows, read_pairs, write_csv
from verify.model.train import train_and_save

__all__ = [
    "DEFAULT_MODEL_PATH",
    "PairJudge",
    "candidate_sentences",
    "judge_scorer",
    "load_model",
    "output_rows",
    "read_pairs",
    "select_rationale",
    "train_and_save",
    "write_csv",
]
