"""Rebuild the shipped judge model from data files, reproducibly.

The shipped model is trained only on clean-licence data: ANS (Khouja 2020, Apache-2.0; see
NOTICE) and the pairs we wrote ourselves in ``verify/data/train_pairs.csv``. Seeds are fixed
(the classifier's ``random_state`` and the feature projection), so the same files and embedder
give the same model.

ANS labels map to relations as ``agree -> corroborates``, ``disagree -> contradicts`` and
``other -> unrelated``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from verify.errors import InputError
from verify.model.judgemodel import JudgeModel, save_model
from verify.model.pairs import PairJudge

ANS_LABELS = {"agree": "corroborates", "disagree": "contradicts", "other": "unrelated"}
DEFAULT_ANS = Path("../shared/eval/ans/train.csv")


@dataclass(frozen=True)
class LabelledPairs:
    claims: tuple[str, ...]
    evidences: tuple[str, ...]
    labels: tuple[str, ...]
    origin: str


def read_labelled(
    path: Path, claim: str, evidence: str, label: str, mapping: dict[str, str] | None = None
) -> LabelledPairs:
    """Rows of a labelled CSV; labels pass through ``mapping`` when given (unknown ones are errors)."""
    claims, evidences, labels = [], [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for column in (claim, evidence, label):
                if column not in (reader.fieldnames or []):
                    raise InputError(
                        str(path), f"no column {column!r}; columns found: {reader.fieldnames}", 1
                    )
            for row in reader:
                value = row[label].strip()
                if mapping is not None:
                    if value not in mapping:
                        raise InputError(str(path), f"unknown label {value!r}", reader.line_num)
                    value = mapping[value]
                claims.append(row[claim])
                evidences.append(row[evidence])
                labels.append(value)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    return LabelledPairs(tuple(claims), tuple(evidences), tuple(labels), str(path))


def own_pairs() -> LabelledPairs:
    """The pairs we wrote ourselves (conflict reporting in Arabic and English)."""
    path = Path(str(resources.files("verify").joinpath("data/train_pairs.csv")))
    return read_labelled(path, "claim", "evidence", "relation")


def train_model(
    judge: PairJudge,
    datasets: list[LabelledPairs],
    *,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> JudgeModel:
    """Featurize every pair with ``judge`` and fit the alignment network and the calibrated
    classifier stacked on it on all of them (the network's folds grouped by claim text)."""
    # scikit-learn (and SciPy's statistics under it) are imported when training, not with the
    # package: ``verify run`` and ``verify pairs`` predict from the model's compact form.
    from verify.model.classify import fit_judge

    claims = [c for d in datasets for c in d.claims]
    evidences = [e for d in datasets for e in d.evidences]
    labels = np.array([y for d in datasets for y in d.labels])
    prepared = judge.prepare(claims, evidences, progress)
    if prepared.align is None:
        raise ValueError("training needs a judge without a model (it prepares the word alignments)")
    estimator, aligner = fit_judge(
        prepared.X, prepared.align, labels, claims, random_state=random_state, progress=progress
    )
    origins = tuple(Path(d.origin).name for d in datasets)
    return JudgeModel(estimator, judge.embedder.name, trained_on=origins, aligner=aligner)


def train_and_save(
    judge: PairJudge, ans: Path, out: Path, progress: Callable[[str], None] | None = None
) -> JudgeModel:
    """Train on ANS train plus our own pairs and write the model to ``out``."""
    data = [read_labelled(ans, "s1", "s2", "stance", ANS_LABELS), own_pairs()]
    model = train_model(judge, data, progress=progress)
    save_model(model, out)
    return model
