"""The trained pair model: features, cue lexicons, word deltas, the word-alignment network, the
calibrated classifier, training, pair mode (:class:`PairJudge`), the spreadsheet, and the scorer
that lends judging its probabilities."""

from __future__ import annotations

from verify.model.classify import DEFAULT_MODEL_PATH, load_model
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
