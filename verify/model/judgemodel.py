"""The judge model as prediction reads it: :class:`JudgeModel`, saving, loading, :func:`combine`.

Fitting needs scikit-learn (:mod:`verify.model.classify`); predicting does not. ``verify train``
saves the fitted model twice: the joblib file (scikit-learn objects, for refitting and
inspection) and, beside it with the suffix ``.npz``, its compact form (:mod:`verify.model.compact`:
the regression, trees and calibrators as arrays, and the alignment network's weights), which
names the joblib file it came from by SHA-256. :func:`load_model` reads the compact form when
it matches, so a run imports neither scikit-learn nor SciPy (about a second of a cold start);
the probabilities are the same bits (tests). A joblib file without a matching compact form is
read with joblib, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from verify.errors import ModelError
from verify.judge import PairFeatures, decide, group_probability
from verify.model.align import AlignData, AlignNet
from verify.model.compact import classifier_arrays, classifier_from_arrays, compact_classifier, save_arrays
from verify.model.features import FEATURE_VERSION, LEXICAL_DIM, Matrix
from verify.records import Relation

DEFAULT_MODEL_PATH = "data/judge_model.joblib"
COMPACT_SUFFIX = ".npz"


class Classifier(Protocol):
    """What prediction asks of a fitted classifier (scikit-learn's or the compact one)."""

    @property
    def classes_(self) -> npt.NDArray[Any]: ...

    def predict_proba(self, X: Matrix) -> Matrix: ...


@dataclass(frozen=True)
class JudgeModel:
    """A fitted classifier with what it was trained on; saved inside the package."""

    estimator: Classifier
    embedder: str
    """Name of the embedder whose vectors the interaction features were computed from."""
    feature_version: int = FEATURE_VERSION
    trained_on: tuple[str, ...] = ()
    aligner: AlignNet | None = None
    """The word-alignment network whose probabilities the trees read (``fit_judge``)."""
    label_map: tuple[tuple[str, str], ...] = ()
    """For a model trained on a user's own labels: each label and the relation it stands for
    (``verify train --map``); empty for the shipped model, whose classes are relations. A model
    file written before this field existed reads it as empty (the class default)."""

    @property
    def labels(self) -> tuple[str, ...]:
        """The model's classes as trained: relations, or the user's own labels."""
        return tuple(str(c) for c in self.estimator.classes_)

    @property
    def own_labels(self) -> bool:
        """Whether the model predicts labels of its user's own rather than ``verify``'s relations."""
        relations = {str(r) for r in Relation}
        return bool(self.label_map) or not set(self.labels) <= relations

    def relation_of(self) -> dict[str, Relation]:
        """Each class's relation: itself for the shipped model, else through :attr:`label_map`.

        A model of the user's own labels trained without a map has no relations: a ModelError.
        """
        if not self.own_labels:
            return {label: Relation(label) for label in self.labels}
        mapping = {label: Relation(relation) for label, relation in self.label_map}
        missing = [label for label in self.labels if label not in mapping]
        if missing:
            raise ModelError(
                f"the judge model's labels {', '.join(map(repr, missing))} have no relation; "
                "train it with --map LABEL=RELATION,..."
            )
        return mapping

    def label_proba(self, X: Matrix, align: AlignData | None = None) -> list[dict[str, float]]:
        """Per row, the probability of each of the model's own classes (:attr:`labels`).

        ``align`` (the same pairs as the network reads them) is needed when the model has an
        aligner; its probabilities join ``X`` before the trees see it.
        """
        if self.aligner is not None:
            if align is None:
                raise ValueError("this judge model reads word alignments: pass the pairs' AlignData")
            X = with_alignment(X, self.aligner.proba(align))
        labels = self.labels
        return [dict(zip(labels, map(float, row), strict=True)) for row in self.estimator.predict_proba(X)]

    def proba(self, X: Matrix, align: AlignData | None = None) -> list[dict[Relation, float]]:
        """Per row, the probability of each relation the model knows (a user's labels summed
        per relation through :attr:`label_map`)."""
        relation = self.relation_of()
        out = []
        for row in self.label_proba(X, align):
            summed: dict[Relation, float] = {}
            for label, p in row.items():
                summed[relation[label]] = summed.get(relation[label], 0.0) + p
            out.append(summed)
        return out


def with_alignment(X: Matrix, aligned: Matrix) -> Matrix:
    """``X`` with the alignment network's probabilities inserted before the lexical block."""
    return np.hstack([X[:, :-LEXICAL_DIM], aligned, X[:, -LEXICAL_DIM:]])


def compact_path(path: Path) -> Path:
    """Where the compact form of the joblib model at ``path`` lives."""
    return path.with_suffix(COMPACT_SUFFIX)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(model: JudgeModel, path: Path) -> None:
    """Write ``model`` to ``path`` (joblib, compressed) and its compact form beside it, atomically.

    A model the compact form cannot hold (:func:`verify.model.compact.compact_classifier` refuses it)
    is saved as joblib only, and a compact file left from an earlier model is removed.
    """
    import joblib  # type: ignore[import-untyped]  # only saving and the fallback need it

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(model, tmp, compress=3)
    tmp.replace(path)
    compact = compact_path(path)
    try:
        arrays = classifier_arrays(compact_classifier(model.estimator))
    except (ValueError, AttributeError):
        compact.unlink(missing_ok=True)
        return
    meta = {
        "joblib_sha256": _sha256(path),
        "embedder": model.embedder,
        "feature_version": model.feature_version,
        "trained_on": list(model.trained_on),
        "aligner_classes": list(model.aligner.classes) if model.aligner is not None else None,
        "label_map": [list(pair) for pair in model.label_map],
    }
    arrays["model_meta"] = np.asarray(json.dumps(meta))
    if model.aligner is not None:
        arrays.update({f"align_{name}": value for name, value in model.aligner.weights.items()})
    save_arrays(compact, arrays)


def load_model(path: Path | None = None, *, compact: bool = True) -> JudgeModel:
    """The shipped model (or the one at ``path``); a missing or foreign file is a ModelError.

    ``compact=False`` reads the joblib file even where a matching compact form exists (the
    scikit-learn estimator, for inspection and the tests). A process keeps the last models it
    read, by path, size and modification time, so that a second run in one process (a later
    store run, the tests) does not read the file again. Predicting does not change a model.
    """
    where = path or Path(str(resources.files("verify").joinpath(DEFAULT_MODEL_PATH)))
    if not where.is_file():
        raise ModelError(f"{where}: judge model not found; build it with 'verify train'")
    stat = where.stat()
    beside = compact_path(where)
    compact_stamp = beside.stat().st_mtime_ns if compact and beside.is_file() else None
    return _read_model(str(where.resolve()), stat.st_size, stat.st_mtime_ns, compact_stamp)


@functools.lru_cache(maxsize=4)
def _read_model(where: str, size: int, mtime_ns: int, compact_stamp: int | None) -> JudgeModel:
    if compact_stamp is not None:
        model = _read_compact(Path(where))
        if model is not None:
            return model
    import joblib

    try:
        loaded = joblib.load(where)
    except Exception as exc:  # a truncated or foreign pickle raises almost anything
        raise ModelError(f"{where}: cannot read judge model ({type(exc).__name__})") from exc
    if not isinstance(loaded, JudgeModel) or loaded.feature_version != FEATURE_VERSION:
        raise ModelError(f"{where}: judge model is from another version; rebuild it with 'verify train'")
    return loaded


def _read_compact(where: Path) -> JudgeModel | None:
    """The compact form of the model at ``where``, or None when it is unreadable or not this model's."""
    try:
        with np.load(compact_path(where), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["model_meta"]))
            if meta.get("joblib_sha256") != _sha256(where) or meta.get("feature_version") != FEATURE_VERSION:
                return None
            estimator = classifier_from_arrays(arrays)
            aligner = None
            if meta.get("aligner_classes") is not None:
                weights = {
                    name.removeprefix("align_"): np.asarray(arrays[name])
                    for name in arrays.files
                    if name.startswith("align_")
                }
                aligner = AlignNet(tuple(meta["aligner_classes"]), weights)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return JudgeModel(
        estimator=estimator,
        embedder=str(meta["embedder"]),
        feature_version=int(meta["feature_version"]),
        trained_on=tuple(meta["trained_on"]),
        aligner=aligner,
        label_map=tuple((str(a), str(b)) for a, b in meta.get("label_map", [])),
    )


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
