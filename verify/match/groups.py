"""Incident grouping: which event claims, in any language and from any source, report the same attack.

Embedding cosine alone cannot decide this. It measures topic, not incident: the same base
hit on another day, or a neighbouring base hit the same night, reads almost the same, and
the same attack told in Arabic and in English scores lower than either. So each candidate pair
of event claims gets the same-incident model's probability (:mod:`verify.match.incident_model`:
cosines, date gaps, place, weapon and side agreement, rare names across scripts). A disagreeing
facet lowers the probability; only stated dates more than a day apart rule a pair out
(``APART``). Two sentences of one document that the document itself tells apart (a round-up's
two places) are at probability 0, which average linkage weighs against the rest of the two
clusters instead of letting one misread facet veto the merge. Pairs at the
model's threshold link connected components, and each component is clustered by average
linkage on ``1 - probability``; clusters of one component kept apart although a pair of theirs
is probable are returned as possible links.

This module is the stage's entry point (:func:`group_incidents`, :func:`grouping`,
:func:`regroup_incidents`, and :func:`candidate_features` for fitting the model); its parts live
beside it: :mod:`verify.match.incident_model` and :mod:`verify.match.names` (the model and its
name features), :mod:`verify.match.candidates` (candidate search), :mod:`verify.match.config`
(blocking windows, compatible weapons), :mod:`verify.match.pairscore` and
:mod:`verify.match.pairarrays` (claim views as arrays), :mod:`verify.match.clustering`
(components and clusters) and :mod:`verify.match.titles` (incident titles).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.match.candidates import Item, candidate_pairs, pairs_with
from verify.match.clustering import Scored, UnionFind, cluster_components
from verify.match.config import MatchConfig
from verify.match.incident_model import (
    FEATURES,
    ClaimTable,
    IncidentModel,
    claim_table,
    load_incident_model,
    pair_features,
    ruled_out,
    told_apart,
    told_together,
)
from verify.match.linkage import Linkage
from verify.match.pairarrays import ViewColumns, key_similarities, view_columns, weapon_tables
from verify.match.pairscore import APART, NameKey, PairRules, PairView, pair_view
from verify.records import Claim, ClaimKind, Entity
from verify.registry import Similarity


@dataclass(frozen=True)
class Grouping:
    """Incidents and the connected components of the "close enough" graph they were cut from.

    Both are lists of ascending claim indices sorted by first index. Each cluster lies in one
    component; a component is clustered on its own, so one that gains no claim keeps its
    clusters when others change (what the incremental store relies on).
    """

    clusters: list[list[int]]
    components: list[list[int]]
    links: list[tuple[int, int, float]] = field(default_factory=list)
    """Possible links: ``(x, y, p)`` for clusters ``x < y`` (positions in ``clusters``) of one
    component that clustering kept apart although a pair of their claims has probability ``p``
    of one incident, at least the model's ``possible``."""


def group_incidents(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
    model: IncidentModel | None = None,
    place_agreement: PlaceAgreement | None = None,
) -> list[list[int]]:
    """Cluster the event claims into incidents: lists of indices into ``claims``.

    ``vectors[i]`` is the embedding of ``claims[i]``. Only ``ClaimKind.EVENT`` claims are
    grouped; every one of them is in exactly one cluster. Clusters are sorted by their
    first index and hold ascending indices, so the result is deterministic.
    ``actor_side`` maps an actor to its side in the conflict (attackers on different
    sides are different incidents); ``related_places(a, b)`` says whether one canonical
    place contains the other, so that a base and its region are not taken as different.
    """
    found = grouping(
        claims,
        vectors,
        similarity=similarity,
        config=config,
        actor_side=actor_side,
        related_places=related_places,
        model=model,
        place_agreement=place_agreement,
    )
    return found.clusters


def _prepare(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    events: Sequence[int],
    similarity: Similarity,
    config: MatchConfig,
    actor_side: Callable[[Entity], str | None] | None,
    related_places: Callable[[str, str], bool] | None,
) -> tuple[npt.NDArray[np.float64], PairRules, list[PairView], list[str | None]]:
    """Unit vectors (float64, so that pairs at the threshold fall the same way), the pair
    scorer, and the facet views and attacker sides of the event claims ``events``."""
    matrix = np.asarray(vectors)[list(events)].astype(np.float64)  # the rows, then the copy
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms > 0, norms, 1.0)
    pairs = PairRules(similarity, config, related_places)
    names: dict[tuple[Entity, bool], NameKey | None] = {}
    views = [pair_view(claims[i], config, names) for i in events]
    known: dict[Entity, str | None] = {}  # registry look-ups are slow; attackers repeat
    sides = []
    for i in events:
        actor = claims[i].facets.actor
        if actor is not None and actor not in known:
            known[actor] = _side(actor, actor_side)
        sides.append(known[actor] if actor is not None else None)
    return matrix, pairs, views, sides


def _search_options(pairs: PairRules, config: MatchConfig) -> dict[str, Any]:
    """Blocking and place options of candidate search, the same for a full and a fresh-only search."""
    return {
        "window": config.date_window_days,
        "published_window": config.published_window_days,
        "floor": CANDIDATE_FLOOR,
        "same_place": lambda a, b: (
            pairs.sim(NameKey(a, a, False), NameKey(b, b, False)) >= config.same_entity
        ),
    }


PlaceAgreement = Callable[[str, str], "float | None"]
"""Gazetteer agreement of two place names (see :attr:`verify.judge.Matchers.place_agreement`)."""


@dataclass(frozen=True)
class Featurizer:
    """Pair features (:data:`verify.match.incident_model.FEATURES`) of pairs of event positions."""

    table: ClaimTable
    place_similarity: Callable[
        [npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]], npt.NDArray[np.float64]
    ]
    weapons: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]

    def __call__(self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return pair_features(self.table, self.place_similarity, self.weapons, a, b)


def pair_distances(
    probability: npt.NDArray[np.float64],
    ruled: npt.NDArray[np.bool_],
    apart: npt.NDArray[np.bool_],
    together: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """Clustering distances of scored pairs: ``1 - P(one incident)``, and what overrides it.

    A pair its dates rule out is at ``APART`` (never one incident); a pair its one document
    tells together is at 0. A pair its one document tells apart is at 1 (probability 0) but not
    ruled out: the telling rests on facets read from the text, and a misread place or weapon
    must not veto a merge that every other pair of the two clusters supports.
    """
    distance = np.where(together, 0.0, np.where(apart, 1.0, 1.0 - probability))
    return np.asarray(np.where(ruled, APART, distance), dtype=np.float64)


def _featurizer(
    claims: Sequence[Claim],
    events: Sequence[int],
    matrix: npt.NDArray[np.float64],
    pairs: PairRules,
    columns: ViewColumns,
    config: MatchConfig,
    place_agreement: PlaceAgreement | None = None,
) -> Featurizer:
    table = claim_table(claims, events, columns, matrix)

    def place_similarity(
        x: npt.NDArray[np.int64], y: npt.NDArray[np.int64], where: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.float64]:
        out = np.zeros(len(x), dtype=np.float64)
        ask = np.flatnonzero(where)
        if len(ask):
            keys = columns.keys
            alike = key_similarities(pairs, keys, x[ask], y[ask])
            if place_agreement is not None:
                # What the gazetteer knows of both names wins: a town and the province that holds
                # it name one place at two scales; two names of one country tell nothing.
                xs, ys = x[ask].tolist(), y[ask].tolist()
                known = [place_agreement(keys[i], keys[j]) for i, j in zip(xs, ys, strict=True)]
                alike = np.asarray(
                    [v if k is None else k for v, k in zip(alike.tolist(), known, strict=True)]
                )
            out[ask] = alike
        return out

    return Featurizer(table, place_similarity, weapon_tables(config))


def _model_distances(
    model: IncidentModel, features: Featurizer, columns: ViewColumns
) -> Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64]], npt.NDArray[np.float64]]:
    """``1 - P(one incident)`` of pairs of event positions; ``APART`` where a pair is ruled out."""

    def distances(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        x = features(a, b)
        return pair_distances(
            model.probability(x),
            ruled_out(columns, a, b),
            told_apart(features.table, x, a, b),
            told_together(features.table, x, a, b),
        )

    return distances


@dataclass(frozen=True)
class CandidateFeatures:
    """The candidate pairs of a set of claims with their features, for fitting the model."""

    events: list[int]
    """Indices of the event claims; ``first``/``second`` are positions in this list."""
    first: npt.NDArray[np.int64]
    second: npt.NDArray[np.int64]
    features: npt.NDArray[np.float64]
    ruled_out: npt.NDArray[np.bool_]
    """Pairs their dates rule out: never one incident."""
    apart: npt.NDArray[np.bool_]
    """Pairs the one document both come from tells apart (:func:`told_apart`): probability 0."""
    together: npt.NDArray[np.bool_]
    """Pairs the one document both come from tells together (:func:`told_together`): one incident."""


def candidate_features(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
    place_agreement: PlaceAgreement | None = None,
) -> CandidateFeatures:
    """Every candidate pair :func:`grouping` would score, with the features the model reads."""
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    empty = np.zeros(0, dtype=np.int64)
    if len(events) < 2:
        none = np.zeros(0, dtype=np.bool_)
        return CandidateFeatures(events, empty, empty, np.zeros((0, len(FEATURES))), none, none, none)
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    columns = view_columns(views, sides)
    blocks = list(
        candidate_pairs(
            [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
        )
    )
    first = np.concatenate([b[0] for b in blocks] or [empty])
    second = np.concatenate([b[1] for b in blocks] or [empty])
    features = _featurizer(claims, events, matrix, pairs, columns, config, place_agreement)
    found = features(first, second)
    return CandidateFeatures(
        events,
        first,
        second,
        found,
        ruled_out(columns, first, second),
        told_apart(features.table, found, first, second),
        told_together(features.table, found, first, second),
    )


def _links(
    clusters: Sequence[Sequence[int]], scored: Scored, n: int, possible: float
) -> list[tuple[int, int, float]]:
    """Pairs of clusters (positions in ``clusters``) with a claim pair at probability >= ``possible``."""
    label = np.full(n, -1, dtype=np.int64)
    for k, members in enumerate(clusters):
        label[list(members)] = k
    x, y = label[scored.first], label[scored.second]
    probability = 1.0 - scored.distance
    keep = np.flatnonzero((x != y) & (x >= 0) & (y >= 0) & (probability >= possible))
    best: dict[tuple[int, int], float] = {}
    for k in keep.tolist():
        key = (int(min(x[k], y[k])), int(max(x[k], y[k])))
        best[key] = max(best.get(key, 0.0), round(float(probability[k]), 4))
    return [(a, b, p) for (a, b), p in sorted(best.items())]


def _ordered_grouping(
    clusters: list[list[int]], components: list[list[int]], scored: Scored, n: int, events: Sequence[int],
    possible: float,
) -> Grouping:  # fmt: skip
    """Clusters as claim indices sorted by first index, with their possible links renumbered."""
    order = sorted(range(len(clusters)), key=lambda k: clusters[k][0])
    position = {k: rank for rank, k in enumerate(order)}
    links = [
        (min(position[a], position[b]), max(position[a], position[b]), p)
        for a, b, p in _links(clusters, scored, n, possible)
    ]
    return Grouping(
        [[events[k] for k in clusters[i]] for i in order],
        [[events[k] for k in group] for group in components],
        sorted(links),
    )


def grouping(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
    model: IncidentModel | None = None,
    place_agreement: PlaceAgreement | None = None,
) -> Grouping:
    """:func:`group_incidents`, also returning the connected components it clustered."""
    if len(vectors) != len(claims):
        raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    if len(events) < 2:
        return Grouping([[i] for i in events], [[i] for i in events])
    model = model or load_incident_model()
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    columns = view_columns(views, sides)
    distances = _model_distances(
        model, _featurizer(claims, events, matrix, pairs, columns, config, place_agreement), columns
    )
    items = [_item(v) for v in views]
    blocks = candidate_pairs(items, matrix.astype(np.float32), **_search_options(pairs, config))
    return cluster_scored(
        events, ((a, b, distances(a, b)) for a, b in blocks), model.threshold, model.possible
    )


def cluster_scored(
    events: Sequence[int],
    blocks: Iterable[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]],
    threshold: float,
    possible: float,
) -> Grouping:
    """Incidents from scored pairs of event positions: ``(first, second, 1 - probability)`` blocks.

    Pairs of probability at least ``threshold`` link components; each component is clustered by
    average linkage at that probability; pairs not given (or at ``APART``) are never in one
    incident. Clusters kept apart with a pair of probability ``possible`` or more are linked.
    """
    threshold = 1.0 - threshold
    links = UnionFind(len(events))
    kept: list[Scored] = []  # pairs that may link; all others are APART
    for first, second, d in blocks:
        near = d < APART
        kept.append(Scored(first[near], second[near], d[near]))
        close = d <= threshold
        for a, b in zip(first[close].tolist(), second[close].tolist(), strict=True):
            links.union(a, b)
    components = links.components()
    scored = Scored(
        np.concatenate([k.first for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.second for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.distance for k in kept] or [np.zeros(0, dtype=np.float64)]),
    )
    clusters = cluster_components(components, scored, len(events), _cut(threshold), LINKAGE)
    return _ordered_grouping(clusters, components, scored, len(events), events, possible)


def regroup_incidents(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    fresh: Collection[int],
    components: Sequence[int],
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
    model: IncidentModel | None = None,
    place_agreement: PlaceAgreement | None = None,
) -> Grouping:
    """Group ``fresh`` claims into a corpus grouped before: only the components they join change.

    ``components[i]`` labels the component (any int) that event claim ``i`` was in when
    the others were grouped; it is ignored for fresh claims. Only pairs with a fresh claim
    are searched, since pairs of old claims link as before. Returns the clusters, components
    and possible links of the changed part only: each fresh event claim with every old
    component it links to. Wherever candidate search is exhaustive (see
    :func:`verify.match.candidates.pairs_with`) the clusters are those :func:`group_incidents` gives
    on all claims.
    """
    if len(vectors) != len(claims):
        raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    position = {i: k for k, i in enumerate(events)}
    # An event claim with no component label (< 0) was never grouped: it is fresh too.
    focus = sorted(
        {position[i] for i in fresh if i in position} | {k for k, i in enumerate(events) if components[i] < 0}
    )
    if not focus:
        return Grouping([], [])
    model = model or load_incident_model()
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    threshold = 1.0 - model.threshold
    columns = view_columns(views, sides)
    features = _featurizer(claims, events, matrix, pairs, columns, config, place_agreement)
    distances = _model_distances(model, features, columns)
    links = UnionFind(len(events))
    first_of: dict[int, int] = {}
    is_fresh = set(focus)
    for k, i in enumerate(events):
        if k not in is_fresh:
            links.union(first_of.setdefault(components[i], k), k)
    first, second = pairs_with(
        focus, [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
    )
    close = distances(first, second) <= threshold
    for a, b in zip(first[close].tolist(), second[close].tolist(), strict=True):
        links.union(a, b)
    touched = {links.root(k) for k in focus}
    changed = [c for c in links.components() if links.root(c[0]) in touched]
    # Every pair of a changed component is scored; those candidate search would not propose
    # (dates too far apart) come out at APART, as candidate search leaves them.
    ends: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = [(first[:0], second[:0])]
    for component in changed:
        members = np.asarray(component, dtype=np.int64)
        xs, ys = np.triu_indices(len(component), k=1)
        ends.append((members[xs], members[ys]))
    a, b = (np.concatenate(side) for side in zip(*ends, strict=True))
    d = distances(a, b)
    near = d < APART
    scored = Scored(a[near], b[near], d[near])
    clusters = cluster_components(changed, scored, len(events), _cut(threshold), LINKAGE)
    return _ordered_grouping(clusters, changed, scored, len(events), events, model.possible)


LINKAGE: Linkage = "average"
"""Claims join an incident while the mean probability over their pairs reaches the model's threshold."""


def _cut(threshold: float) -> float:
    """The clustering distance threshold that merges at mean distance <= ``threshold``.

    Agglomerative clustering merges below its threshold; components link at or below it, so the
    cut sits a hair above, and a pair exactly at the model's threshold is merged either way.
    """
    return float(np.nextafter(threshold, np.inf))


def _item(view: PairView) -> Item:
    target, location = view.target, view.location
    if target is None:
        places: tuple[str, ...] = (location.key,) if location is not None else ()
    else:
        places = (target.key, location.key) if location is not None else (target.key,)
    return Item(view.date, view.published, places)


CANDIDATE_FLOOR = 0.2
"""The lowest cosine at which the vector index proposes a pair that shares no place name (past
the sizes where every pair is searched)."""


def _side(actor: Entity | None, actor_side: Callable[[Entity], str | None] | None) -> str | None:
    return actor_side(actor) if actor is not None and actor_side is not None else None
