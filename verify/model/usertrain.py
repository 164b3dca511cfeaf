"""The judge trained on a user's own labelled spreadsheet (``verify train FILE.csv --label ...``).

A newsroom's labels are kept as the model's classes (``for``/``against``/``observing``, or
``true``/``false``/``misleading``); ``--map LABEL=RELATION,...`` ties each to one of
``verify``'s relations, so that the model also gives relations (``verify pairs``' ``relation``
column, the pipeline's findings). ``--with-builtin`` mixes in the pairs shipped with the package
(``verify/data/train_pairs.csv``, ours), their relations turned into the user's labels through
the map (:func:`labels_of`).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from verify.errors import InputError
from verify.model.judgemodel import JudgeModel
from verify.model.pairs import PairJudge, Prepared
from verify.records import Relation

NETWORK_EPOCHS = 10
NETWORK_FOLDS = 3
"""The alignment network of a user-trained model trains for fewer epochs, with fewer inner folds,
than the shipped model's (25 and 5): on Emergent train (2,071 headlines) cross-validated by claim
that takes 18 minutes instead of about an hour on 2 busy cores, and still adds 1.4 accuracy over
the trees alone (docs/eval.md)."""

JUDGED = tuple(r for r in Relation if r is not Relation.UNVERIFIED)
"""The relations a judge model can stand for."""

_FALLBACK: dict[Relation, tuple[Relation, ...]] = {
    Relation.OVERSTATES: (Relation.CONTRADICTS, Relation.UNDERSTATES),
    Relation.UNDERSTATES: (Relation.CONTRADICTS, Relation.OVERSTATES),
    Relation.CONTRADICTS: (Relation.OVERSTATES, Relation.UNDERSTATES),
    Relation.PARTIAL: (Relation.UNRELATED,),
    Relation.UNRELATED: (Relation.PARTIAL,),
    Relation.CORROBORATES: (),
}
"""Where a relation no label names goes: a misstated number is a contradiction, a text that
takes no side is closest to one that is about something else, and the other way round."""


def parse_map(text: str) -> dict[str, Relation]:
    """``"agree=corroborates,disagree=contradicts"`` as a dict; a ValueError names what is wrong."""
    mapping: dict[str, Relation] = {}
    names = ", ".join(str(r) for r in JUDGED)
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        label, sep, relation = (s.strip() for s in item.partition("="))
        if not sep or not label:
            raise ValueError(f"--map: {item!r} is not LABEL=RELATION")
        if relation not in names.split(", "):
            raise ValueError(f"--map: {relation!r} (for {label!r}) is not a relation; one of {names}")
        if label in mapping:
            raise ValueError(f"--map: label {label!r} is mapped twice")
        mapping[label] = Relation(relation)
    if not mapping:
        raise ValueError("--map: no LABEL=RELATION given")
    return mapping


def labels_of(mapping: Mapping[str, Relation]) -> dict[Relation, str]:
    """Each judged relation's label: the first label mapped to it, else one of its kin's
    (:data:`_FALLBACK`); relations with neither are left out."""
    out: dict[Relation, str] = {}
    for relation in JUDGED:
        for candidate in (relation, *_FALLBACK[relation]):
            named = [label for label, r in mapping.items() if r is candidate]
            if named:
                out[relation] = named[0]
                break
    return out


@dataclass(frozen=True)
class LabelledRows:
    """A user's labelled rows: claim, evidence and label per row, and the row's group."""

    path: str
    claims: tuple[str, ...]
    evidences: tuple[str, ...]
    labels: tuple[str, ...]
    groups: tuple[str, ...]
    lines: tuple[int, ...]
    """The line each row starts on, for errors."""


def read_sheet(path_: str, claim: str, evidence: str, label: str, group: str | None = None) -> LabelledRows:
    """The labelled rows of a CSV; a missing column, an empty cell or a short row is an InputError.

    Rows are grouped by ``group`` when given, else by claim text (so that cross-validation never
    trains on one claim's rows and scores another of its rows).
    """
    path = Path(path_)
    wanted = [claim, evidence, label] + ([group] if group else [])
    claims, evidences, labels, groups, lines = [], [], [], [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            if not header:
                raise InputError(str(path), "empty file: expected a header row")
            for column in wanted:
                if column not in header:
                    found = ", ".join(repr(h) for h in header)
                    raise InputError(str(path), f"no column {column!r}; columns found: {found}", 1)
            start = 2
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise InputError(str(path), f"expected {len(header)} fields", start)
                for column in wanted:
                    if not row[column].strip():
                        raise InputError(str(path), f"empty {column!r} cell", start)
                claims.append(row[claim])
                evidences.append(row[evidence])
                labels.append(row[label].strip())
                groups.append(row[group].strip() if group else row[claim].strip())
                lines.append(start)
                start = reader.line_num + 1
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(str(path), f"malformed CSV ({exc})") from None
    if not labels:
        raise InputError(str(path), "no labelled rows")
    return LabelledRows(
        str(path), tuple(claims), tuple(evidences), tuple(labels), tuple(groups), tuple(lines)
    )


def check_trainable(sheet: LabelledRows, mapping: Mapping[str, Relation] | None) -> None:
    """InputErrors for a sheet a model cannot be trained on: one label only, a label seen once,
    a label the map leaves out."""
    counts = Counter(sheet.labels)
    if len(counts) < 2:
        raise InputError(sheet.path, f"only one label ({sheet.labels[0]!r}): a model needs two or more")
    for label, n in sorted(counts.items()):
        if n == 1:
            line = sheet.lines[sheet.labels.index(label)]
            raise InputError(
                sheet.path, f"label {label!r} is on this row only: each label needs two rows or more", line
            )
    if mapping is not None:
        for label in sorted(counts):
            if label not in mapping:
                line = sheet.lines[sheet.labels.index(label)]
                raise InputError(sheet.path, f"label {label!r} is not in --map", line)


def builtin_as_labels(mapping: Mapping[str, Relation]) -> LabelledRows:
    """The shipped pairs of ours with their relations turned into the user's labels (rows
    whose relation no label stands for are left out)."""
    from verify.model.train import own_pairs

    own = own_pairs()
    to_label = labels_of(mapping)
    keep = [i for i, r in enumerate(own.labels) if Relation(r) in to_label]
    return LabelledRows(
        own.origin,
        tuple(own.claims[i] for i in keep),
        tuple(own.evidences[i] for i in keep),
        tuple(to_label[Relation(own.labels[i])] for i in keep),
        tuple(f"builtin:{own.claims[i]}" for i in keep),
        tuple(i + 2 for i in keep),
    )


def combined(sheets: Sequence[LabelledRows]) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Claims, evidences, labels and groups of ``sheets`` one after the other."""
    claims = [c for s in sheets for c in s.claims]
    evidences = [e for s in sheets for e in s.evidences]
    labels = np.array([y for s in sheets for y in s.labels])
    groups = np.array([g for s in sheets for g in s.groups])
    return claims, evidences, labels, groups


Progress = Callable[[str], None]


def fit_rows(
    prepared: Prepared,
    labels: np.ndarray,
    groups: np.ndarray,
    rows: Sequence[int] | np.ndarray,
    *,
    embedder: str,
    mapping: Mapping[str, Relation] | None = None,
    trained_on: tuple[str, ...] = (),
    seed: int = 0,
    progress: Progress | None = None,
) -> JudgeModel:
    """A model of the user's labels fitted on the prepared pairs at ``rows``."""
    from verify.model.classify import fit_judge  # scikit-learn: imported when fitting only

    if prepared.align is None:
        raise ValueError("training needs pairs prepared by a judge without a model")
    take = np.asarray(rows, dtype=np.int64)
    estimator, aligner = fit_judge(
        prepared.X[take],
        prepared.align.take(take),
        labels[take],
        groups[take],
        random_state=seed,
        progress=progress,
        epochs=NETWORK_EPOCHS,
        folds=NETWORK_FOLDS,
    )
    label_map = tuple((label, str(r)) for label, r in mapping.items()) if mapping else ()
    return JudgeModel(estimator, embedder, trained_on=trained_on, aligner=aligner, label_map=label_map)


def train_on_sheets(
    judge: PairJudge,
    sheets: Sequence[LabelledRows],
    mapping: Mapping[str, Relation] | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> JudgeModel:
    """Featurize the sheets' pairs with ``judge`` (which has no model) and fit a model of their labels."""
    claims, evidences, labels, groups = combined(sheets)
    prepared = judge.prepare(claims, evidences, progress)
    names = tuple(Path(s.path).name for s in sheets)
    return fit_rows(
        prepared,
        labels,
        groups,
        range(len(labels)),
        embedder=judge.embedder.name,
        mapping=mapping,
        trained_on=names,
        seed=seed,
        progress=progress,
    )


def predicted_labels(
    judge: PairJudge, prepared: Prepared, model: JudgeModel, mapping: Mapping[str, Relation] | None
) -> list[tuple[str, float]]:
    """Each prepared pair's label and confidence by ``model``.

    A model of the user's own labels predicts them; the shipped model's relations are turned
    into the sheet's labels through ``mapping`` (:func:`labels_of`; a relation no label stands
    for is kept as the relation's name, and counts as wrong). Without a mapping the relations
    are the labels.
    """
    judge.model = model
    verdicts = judge.verdicts(prepared)
    if model.own_labels:
        return [(v.label or "", v.confidence) for v in verdicts]
    to_label = labels_of(mapping) if mapping is not None else {}
    return [(to_label.get(v.relation, str(v.relation)), v.confidence) for v in verdicts]


def check_folds(sheet: LabelledRows, folds: int) -> None:
    """An InputError unless ``folds`` is between 2 and the number of the sheet's groups."""
    distinct = len(set(sheet.groups))
    if folds < 2 or folds > distinct:
        raise InputError(sheet.path, f"--folds {folds}: needs 2 to {distinct} (the number of groups)")


def cross_validate(
    judge: PairJudge,
    sheet: LabelledRows,
    folds: int,
    *,
    mapping: Mapping[str, Relation] | None = None,
    builtin: LabelledRows | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[tuple[str, float]]:
    """Out-of-fold labels and confidences: each fold's groups judged by a model fitted on the
    other folds' rows (and ``builtin``'s, when given); ``GroupKFold`` over ``sheet.groups``."""
    from sklearn.model_selection import GroupKFold

    check_folds(sheet, folds)
    sheets = [sheet] + ([builtin] if builtin is not None else [])
    claims, evidences, labels, groups = combined(sheets)
    judge.model = None
    prepared = judge.prepare(claims, evidences, progress)
    own = np.arange(len(sheet.labels))
    extra = np.arange(len(sheet.labels), len(labels))
    out: list[tuple[str, float]] = [("", 0.0)] * len(own)
    splitter = GroupKFold(n_splits=folds)
    for k, (train, test) in enumerate(splitter.split(own, labels[own], groups[own]), 1):
        if progress:
            progress(f"cross-validation: fitting fold {k}/{folds}")
        if len(set(labels[train])) < 2:
            raise InputError(sheet.path, f"fold {k} would train on one label only: use fewer --folds")
        model = fit_rows(
            prepared,
            labels,
            groups,
            np.concatenate([train, extra]),
            embedder=judge.embedder.name,
            mapping=mapping,
            seed=seed,
        )
        for i, verdict in zip(
            test, predicted_labels(judge, prepared.take(test), model, mapping), strict=True
        ):
            out[i] = verdict
    judge.model = None
    return out
