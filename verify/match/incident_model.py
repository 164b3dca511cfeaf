"""The same-incident model: how likely two event claims are to report one incident.

Embedding cosine measures topic, not incident: the same base hit on another day, or a
neighbouring town struck the same night, reads almost the same, and one attack told in Arabic
and in English scores lower than either. So every candidate pair gets a feature vector
(:data:`FEATURES`): the cosine of the two claims and of their documents, how far apart their
event and publication dates are, whether their places, weapons and attackers' sides agree, and
how many rare names (places, people, units, in either script) the two texts share. A gradient
boosted classifier, monotone in the features whose direction is known (a larger date gap never
makes a pair more likely), turns them into a calibrated probability; clustering then cuts at
:attr:`IncidentModel.threshold`.

A facet that disagrees lowers the probability; it does not veto the pair, because facet
extraction errs (a target named two ways, an actor read wrongly). Only what is certain rules a
pair out: two stated event dates more than a day apart, or an event dated after the other
report was published (:func:`ruled_out`).

The shipped model (``data/incident_model.joblib``) is rebuilt by ``bench/incidents.py --write``
from real labelled incidents; its cross-validated quality is in docs/eval.md.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.errors import ModelError
from verify.match.names import NameRows, keys_of, name_rows, row_overlaps
from verify.match.pairarrays import ViewColumns
from verify.records import Claim

FEATURES = (
    "cosine",
    "document_cosine",
    "cross_language",
    "published_gap",
    "published_unknown",
    "date_gap",
    "date_unknown",
    "place_similarity",
    "place_unknown",
    "weapon_same",
    "weapon_compatible",
    "weapon_unknown",
    "side_same",
    "side_different",
    "names_claim",
    "names_document",
    "names_fewer",
)
"""The pair features, in the model's column order."""

MONOTONE = {
    "cosine": 1,
    "document_cosine": 1,
    "published_gap": -1,
    "date_gap": -1,
    "place_similarity": 1,
    "weapon_compatible": 1,
    "names_claim": 1,
    "names_document": 1,
}
"""Features whose effect has a known direction: +1 the larger the likelier, -1 the less likely."""

GAP_CAP_DAYS = 30
"""Date gaps are capped here: a month or a year apart are equally not one day."""
NAMES_CAP = 20.0
"""Name weight above which a text counts as naming a lot (about five rare names)."""
DATE_WINDOW_DAYS = 1
"""Stated event dates further apart than this rule a pair out (1 allows for midnight)."""


@dataclass(frozen=True)
class ClaimTable:
    """What the features need of the event claims being grouped, as arrays (row k: event claim k)."""

    columns: ViewColumns
    """The claims' facet columns (:class:`verify.match.pairarrays.ViewColumns`)."""
    matrix: npt.NDArray[np.float64]
    """Unit claim vectors."""
    document: npt.NDArray[np.int64]
    """Row of each claim's document in ``document_matrix`` and ``document_names``."""
    document_matrix: npt.NDArray[np.float64]
    """Unit mean of each document's event claim vectors."""
    names: NameRows
    """Unit rows of each claim's rare-name weights."""
    document_names: NameRows
    """The same for each document, over the text of all its claims."""
    document_weight: npt.NDArray[np.float64]
    """The sum of each document's rare-name weights."""
    claim_weight: npt.NDArray[np.float64]
    """The sum of each claim's rare-name weights."""


def claim_table(
    claims: Sequence[Claim], events: Sequence[int], columns: ViewColumns, matrix: npt.NDArray[np.float64]
) -> ClaimTable:
    """The table of the event claims ``events`` (indices into ``claims``; ``matrix`` rows follow them)."""
    doc_ids: dict[str, int] = {}
    document = np.asarray([doc_ids.setdefault(claims[i].document_id, len(doc_ids)) for i in events], np.int64)
    sums = np.zeros((len(doc_ids), matrix.shape[1]), dtype=np.float64)
    np.add.at(sums, document, matrix)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    texts: dict[str, list[str]] = {}
    for claim in claims:
        if claim.document_id in doc_ids:
            texts.setdefault(claim.document_id, []).append(claim.text)
    doc_keys = keys_of([" ".join(texts[d]) for d in doc_ids])
    claim_keys = keys_of([claims[i].text for i in events])
    return ClaimTable(
        columns=columns,
        matrix=matrix,
        document=document,
        document_matrix=sums / np.where(norms > 0, norms, 1.0),
        names=name_rows(claim_keys),
        document_names=name_rows(doc_keys),
        document_weight=np.asarray([sum(k.values()) for k in doc_keys], dtype=np.float64),
        claim_weight=np.asarray([sum(k.values()) for k in claim_keys], dtype=np.float64),
    )


def _gap(
    x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Capped day gaps of two ordinal columns (-1 unknown), and where either is unknown."""
    unknown = (x < 0) | (y < 0)
    gap = np.where(unknown, 0, np.minimum(np.abs(x - y), GAP_CAP_DAYS))
    return gap.astype(np.float64), unknown.astype(np.float64)


def ruled_out(
    columns: ViewColumns, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs that cannot be one incident: stated dates too far apart, or an event after the other's report."""
    da, db, pa, pb = columns.date[a], columns.date[b], columns.published[a], columns.published[b]
    dated_a, dated_b = da >= 0, db >= 0
    apart = dated_a & dated_b & (np.abs(da - db) > DATE_WINDOW_DAYS)
    apart |= dated_a & (pb >= 0) & (da - pb > DATE_WINDOW_DAYS)
    apart |= dated_b & (pa >= 0) & (db - pa > DATE_WINDOW_DAYS)
    return np.asarray(apart, dtype=np.bool_)


def pair_features(
    table: ClaimTable,
    place_similarity: Any,
    weapon_tables: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """One row of :data:`FEATURES` per pair ``(a[k], b[k])`` of table rows.

    ``place_similarity(x, y, where)`` gives, for key index arrays ``x``, ``y``, the similarity
    of the two place names where ``where`` (and both are known), else 0; ``weapon_tables`` are
    (compatible, same) by weapon position.
    """
    cols = table.columns
    out = np.zeros((len(a), len(FEATURES)), dtype=np.float64)
    put = {name: k for k, name in enumerate(FEATURES)}
    out[:, put["cosine"]] = np.einsum("ij,ij->i", table.matrix[a], table.matrix[b]) if len(a) else 0.0
    da, db = table.document[a], table.document[b]
    out[:, put["document_cosine"]] = (
        np.einsum("ij,ij->i", table.document_matrix[da], table.document_matrix[db]) if len(a) else 0.0
    )
    out[:, put["cross_language"]] = (cols.lang[a] != cols.lang[b]) & ~cols.und[a] & ~cols.und[b]
    out[:, put["published_gap"]], out[:, put["published_unknown"]] = _gap(
        cols.published[a], cols.published[b]
    )
    out[:, put["date_gap"]], out[:, put["date_unknown"]] = _gap(cols.date[a], cols.date[b])
    best = np.zeros(len(a), dtype=np.float64)
    known = np.zeros(len(a), dtype=np.bool_)
    for x in (cols.target, cols.location):
        for y in (cols.target, cols.location):
            where = (x[a] >= 0) & (y[b] >= 0)
            known |= where
            best = np.maximum(best, place_similarity(x[a], y[b], where))
    out[:, put["place_similarity"]] = best
    out[:, put["place_unknown"]] = ~known
    wa, wb = cols.weapon[a], cols.weapon[b]
    armed = (wa >= 0) & (wb >= 0)
    compatible = weapon_tables[0]
    out[:, put["weapon_same"]] = armed & (wa == wb)
    out[:, put["weapon_compatible"]] = armed & compatible[wa, wb]
    out[:, put["weapon_unknown"]] = ~armed
    sa, sb = cols.side[a], cols.side[b]
    sided = (sa >= 0) & (sb >= 0)
    out[:, put["side_same"]] = sided & (sa == sb)
    out[:, put["side_different"]] = sided & (sa != sb)
    out[:, put["names_claim"]] = row_overlaps(table.names, a, b)
    out[:, put["names_document"]] = row_overlaps(table.document_names, da, db)
    # Two sentences of one document share its context, which says nothing about whether they
    # report one incident (a round-up reports several): there the sentences' own values stand in,
    # and being in one document is no feature: the sentences are judged on what they say.
    inside = np.flatnonzero(da == db)
    out[inside, put["document_cosine"]] = out[inside, put["cosine"]]
    out[inside, put["names_document"]] = out[inside, put["names_claim"]]
    own = np.minimum(table.claim_weight[a[inside]], table.claim_weight[b[inside]])
    out[inside, put["names_fewer"]] = np.minimum(own, NAMES_CAP)
    # How much the less named of the two documents names: low overlap means more when both name a
    # lot (capped: a long article names more than any report of one attack needs to).
    fewer = np.minimum(table.document_weight[da], table.document_weight[db])
    out[:, put["names_fewer"]] = np.minimum(fewer, NAMES_CAP)
    return out


@dataclass(frozen=True)
class Trees:
    """A fitted binary gradient-boosted tree ensemble as flat arrays, evaluated with NumPy.

    Node ``k`` splits on ``feature[k]``: values at or below ``threshold[k]`` go ``left[k]``,
    the rest ``right[k]``; a leaf adds ``value[k]``. The raw score is ``baseline`` plus one leaf
    value per tree (starting at ``roots``), and the probability its logistic, as
    scikit-learn's ``HistGradientBoostingClassifier.predict_proba`` computes it (tested).
    """

    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    leaf: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]
    roots: npt.NDArray[np.int64]
    baseline: float

    @classmethod
    def from_estimator(cls, estimator: Any) -> Trees:
        """The arrays of a fitted binary ``HistGradientBoostingClassifier``."""
        parts = [tree[0].nodes for tree in estimator._predictors]
        offsets = np.cumsum([0] + [len(p) for p in parts[:-1]]).astype(np.int64)
        nodes = np.concatenate(parts)
        shift = np.repeat(offsets, [len(p) for p in parts])
        return cls(
            feature=nodes["feature_idx"].astype(np.int64),
            threshold=nodes["num_threshold"].astype(np.float64),
            left=nodes["left"].astype(np.int64) + shift,
            right=nodes["right"].astype(np.int64) + shift,
            leaf=nodes["is_leaf"].astype(np.bool_),
            value=nodes["value"].astype(np.float64),
            roots=offsets,
            baseline=float(np.ravel(estimator._baseline_prediction)[0]),
        )

    def probability(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(class 1) of each row."""
        rows = np.arange(len(features))
        raw = np.full(len(features), self.baseline, dtype=np.float64)
        for root in self.roots.tolist():
            node = np.full(len(features), root, dtype=np.int64)
            inner = np.flatnonzero(~self.leaf[node])
            while len(inner):
                at = node[inner]
                left = features[rows[inner], self.feature[at]] <= self.threshold[at]
                node[inner] = np.where(left, self.left[at], self.right[at])
                inner = inner[~self.leaf[node[inner]]]
            raw += self.value[node]
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-raw))
        return out


@dataclass(frozen=True)
class IncidentModel:
    """A fitted same-incident classifier and the probabilities at which clustering decides.

    Claims are merged by average linkage while the mean probability of their pairs is at least
    ``threshold``. Two incidents kept apart although some pair of theirs reaches ``possible``
    are shown as possibly the same incident, for a reviewer to decide.
    """

    trees: Trees
    threshold: float = 0.5
    possible: float = 0.5
    features: tuple[str, ...] = FEATURES

    def probability(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(same incident) of each row of :func:`pair_features`."""
        if not len(features):
            return np.zeros(0, dtype=np.float64)
        return self.trees.probability(features)


def new_estimator(seed: int = 0) -> Any:
    """The unfitted classifier: gradient boosted trees, monotone where the direction is known."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        monotonic_cst=[MONOTONE.get(name, 0) for name in FEATURES],
        random_state=seed,
    )


def fit_incident_model(
    features: npt.NDArray[np.float64],
    same: npt.NDArray[np.bool_],
    *,
    weights: npt.NDArray[np.float64] | None = None,
    threshold: float = 0.5,
    seed: int = 0,
) -> IncidentModel:
    """Fit the classifier on labelled pairs (``same[k]``: pair k reports one incident)."""
    if features.shape[1:] != (len(FEATURES),):
        raise ValueError(f"expected {len(FEATURES)} feature columns, got {features.shape[1:]}")
    if len(set(same.tolist())) < 2:
        raise ValueError("the pairs must hold both same-incident and different-incident pairs")
    estimator = new_estimator(seed).fit(features, same.astype(np.int64), sample_weight=weights)
    return IncidentModel(Trees.from_estimator(estimator), threshold, threshold)


MODEL_FILE = "data/incident_model.npz"
_ARRAYS = ("feature", "threshold", "left", "right", "leaf", "value", "roots")


def save_incident_model(model: IncidentModel, path: Path) -> None:
    """Write ``model`` to ``path`` (NumPy ``.npz``: no pickle), replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    trees = model.trees
    np.savez_compressed(
        tmp,
        features=np.asarray(model.features),
        settings=np.asarray([trees.baseline, model.threshold, model.possible]),
        **{name: getattr(trees, name) for name in _ARRAYS},
    )
    tmp.replace(path)


def load_incident_model(path: Path | None = None) -> IncidentModel:
    """The shipped same-incident model (or the one at ``path``); a missing or foreign file is a ModelError."""
    where = path or Path(str(resources.files("verify").joinpath(MODEL_FILE)))
    if not where.is_file():
        raise ModelError(
            f"{where}: same-incident model not found; build it with 'python -m bench.incidents --write'"
        )
    stat = where.stat()
    return _read(str(where.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read(where: str, size: int, mtime_ns: int) -> IncidentModel:
    try:
        with np.load(where, allow_pickle=False) as data:
            arrays = {name: data[name] for name in (*_ARRAYS, "features", "settings")}
    except Exception as exc:  # a truncated or foreign file raises almost anything
        raise ModelError(f"{where}: cannot read the same-incident model ({type(exc).__name__})") from exc
    if tuple(str(f) for f in arrays["features"]) != FEATURES:
        raise ModelError(f"{where}: the same-incident model is from another version; rebuild it")
    baseline, threshold, possible = (float(x) for x in arrays["settings"])
    trees = Trees(**{name: arrays[name] for name in _ARRAYS}, baseline=baseline)
    return IncidentModel(trees, threshold, possible)


DIFFERENT_PLACE = 0.5
"""Place agreement below which two stated places are two places (the name similarity's scale)."""


def told_apart(
    table: ClaimTable, features: npt.NDArray[np.float64], a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs of sentences of one document that the document itself tells apart.

    An article about one attack gives all its sentences that attack (its lead's place and date);
    a round-up that reports several says so by naming them: two of its sentences that state
    different places, attackers on different sides, or weapons that cannot be one attack report
    two incidents. Across documents such a difference only lowers the probability, since two
    writers name one place two ways; within one text it is the writer's own distinction.
    """
    column = {name: k for k, name in enumerate(FEATURES)}
    place = (features[:, column["place_unknown"]] == 0) & (
        features[:, column["place_similarity"]] < DIFFERENT_PLACE
    )
    sides = features[:, column["side_different"]] == 1
    weapons = (features[:, column["weapon_unknown"]] == 0) & (features[:, column["weapon_compatible"]] == 0)
    return np.asarray((table.document[a] == table.document[b]) & (place | sides | weapons), dtype=np.bool_)


SAME_PLACE = 0.8
"""Place agreement at or above which two stated places are one place."""


def told_together(
    table: ClaimTable, features: npt.NDArray[np.float64], a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs of sentences of one document that state one place and nothing that tells them apart.

    The other half of :func:`told_apart`: a writer who names the same base twice, with no other
    attacker and no other weapon, is telling one attack (its statement, then what it added).
    Pairs told apart are not told together.
    """
    column = {name: k for k, name in enumerate(FEATURES)}
    place = (features[:, column["place_unknown"]] == 0) & (
        features[:, column["place_similarity"]] >= SAME_PLACE
    )
    same = (table.document[a] == table.document[b]) & place
    return np.asarray(same & ~told_apart(table, features, a, b), dtype=np.bool_)
