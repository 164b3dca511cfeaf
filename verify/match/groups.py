"""Incident grouping: which event claims, in any language and from any source, report the same attack.

Embedding cosine alone cannot decide this. It measures topic, not incident: the same base
hit on another day, or a neighbouring base hit the same night, reads almost the same, and
the same attack told in Arabic and in English scores lower than either. So each pair of
event claims gets a score, cosine plus bonuses for agreeing facets (place, date, weapon,
actor), and hard cannot-link constraints for facets that rule a match out (dates too far
apart, different targets, incompatible weapons, attackers on different sides). Claims are
then clustered by complete linkage on ``1 - score``; a cannot-link pair sits at a distance
no average can bring under the threshold, so no linkage puts it in one incident.

This module is the stage's entry point (:func:`group_incidents`, :func:`grouping`,
:func:`regroup_incidents`); its parts live beside it:
:mod:`verify.match.config` (thresholds), :mod:`verify.match.pairscore` (claim views and the
reference pair rules), :mod:`verify.match.pairarrays` (the same rules over arrays of pairs),
:mod:`verify.match.clustering` (components and clusters) and :mod:`verify.match.titles` (incident titles).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.match.candidates import Item, candidate_pairs, pairs_with
from verify.match.clustering import Scored, UnionFind, cluster_components
from verify.match.config import MatchConfig
from verify.match.pairarrays import pair_distances, view_columns
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


def group_incidents(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
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
        "floor": _cosine_floor(config),
        "same_place": lambda a, b: (
            pairs.sim(NameKey(a, a, False), NameKey(b, b, False)) >= config.same_entity
        ),
    }


def grouping(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen (verify.match.config)
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
) -> Grouping:
    """:func:`group_incidents`, also returning the connected components it clustered."""
    if len(vectors) != len(claims):
        raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    if len(events) < 2:
        return Grouping([[i] for i in events], [[i] for i in events])
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    threshold = 1.0 - config.min_score
    columns = view_columns(views, sides)
    links = UnionFind(len(events))
    kept: list[Scored] = []  # pairs that may link; all others are APART
    for first, second in candidate_pairs(
        [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
    ):
        d = pair_distances(pairs, columns, matrix, first, second)
        near = d < APART
        kept.append(Scored(first[near], second[near], d[near]))
        close = d < threshold
        for a, b in zip(first[close].tolist(), second[close].tolist(), strict=True):
            links.union(a, b)
    components = links.components()
    scored = Scored(
        np.concatenate([k.first for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.second for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.distance for k in kept] or [np.zeros(0, dtype=np.float64)]),
    )
    clusters = cluster_components(components, scored, len(events), threshold, config.linkage)
    result = [[events[k] for k in group] for group in clusters]
    return Grouping(sorted(result, key=lambda g: g[0]), [[events[k] for k in group] for group in components])


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
) -> Grouping:
    """Group ``fresh`` claims into a corpus grouped before: only the components they join change.

    ``components[i]`` labels the component (any int) that event claim ``i`` was in when
    the others were grouped; it is ignored for fresh claims. Only pairs with a fresh claim
    are searched, since pairs of old claims link as before. Returns the clusters and
    components of the changed part only: each fresh event claim with every old component it
    links to. Wherever candidate search is exhaustive (see :func:`verify.match.candidates.pairs_with`)
    the clusters are those :func:`group_incidents` gives on all claims.
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
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    threshold = 1.0 - config.min_score
    columns = view_columns(views, sides)
    links = UnionFind(len(events))
    first_of: dict[int, int] = {}
    is_fresh = set(focus)
    for k, i in enumerate(events):
        if k not in is_fresh:
            links.union(first_of.setdefault(components[i], k), k)
    first, second = pairs_with(
        focus, [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
    )
    close = pair_distances(pairs, columns, matrix, first, second) < threshold
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
    scored = Scored(a, b, pair_distances(pairs, columns, matrix, a, b))
    clusters = cluster_components(changed, scored, len(events), threshold, config.linkage)
    return Grouping(
        sorted(([events[k] for k in g] for g in clusters), key=lambda g: g[0]),
        [[events[k] for k in c] for c in changed],
    )


def _item(view: PairView) -> Item:
    target, location = view.target, view.location
    if target is None:
        places: tuple[str, ...] = (location.key,) if location is not None else ()
    else:
        places = (target.key, location.key) if location is not None else (target.key,)
    return Item(view.date, view.published, places)


def _cosine_floor(config: MatchConfig) -> float:
    """The lowest cosine at which a pair with no place in common can reach ``min_score``."""
    bonuses = config.cross_language_bonus + config.date_bonus + config.weapon_bonus + config.actor_bonus
    return config.min_score - bonuses


def _side(actor: Entity | None, actor_side: Callable[[Entity], str | None] | None) -> str | None:
    return actor_side(actor) if actor is not None and actor_side is not None else None
