"""The naive grouping the benchmark compares against: every event claim scored against every other.

This is what ``verify.match.groups.group_incidents`` did before candidate search: the same pair
score and constraints, on all ``n (n - 1) / 2`` pairs, then complete linkage per connected
component. Kept here only as the yardstick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.match import MatchConfig
from verify.match.clustering import UnionFind
from verify.match.groups import _side
from verify.match.linkage import cut
from verify.match.pairscore import PairRules, pair_distance, pair_view
from verify.records import Claim, ClaimKind, Entity
from verify.registry import Similarity


def group_all_pairs(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen, as in verify.match.groups
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
) -> list[list[int]]:
    """Same contract as :func:`verify.match.groups.group_incidents`, quadratic in the event claims."""
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    if len(events) < 2:
        return [[i] for i in events]
    matrix = np.asarray(vectors, dtype=np.float64)[events]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms > 0, norms, 1.0)
    cosine = matrix @ matrix.T
    pairs = PairRules(similarity, config, related_places)
    views = [pair_view(claims[i], config) for i in events]
    sides = [_side(claims[i].facets.actor, actor_side) for i in events]
    n = len(events)
    threshold = 1.0 - config.min_score
    distance = np.zeros((n, n), dtype=np.float64)
    links = UnionFind(n)
    for a in range(n):
        for b in range(a + 1, n):
            d = pair_distance(pairs, views, sides, a, b, float(cosine[a, b]))
            distance[a, b] = distance[b, a] = d
            if d < threshold:
                links.union(a, b)
    clusters: list[list[int]] = []
    for component in links.components():
        if len(component) == 1:
            clusters.append(component)
            continue
        sub = distance[np.ix_(component, component)]
        clusters.extend([component[k] for k in group] for group in cut(sub, threshold, config.linkage))
    result = [[events[k] for k in group] for group in clusters]
    return sorted(result, key=lambda g: g[0])
