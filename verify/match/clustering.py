"""Clustering scored pairs into incidents: union-find components, then agglomerative clustering.

Pairs closer than the threshold link claims into connected components (:class:`UnionFind`);
each component is then clustered on its own (:func:`cluster_components`), which gives the
same clusters as clustering all claims at once, since no cluster spans two components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from verify.match.linkage import Linkage, cut
from verify.match.pairscore import APART


class UnionFind:
    """Connected components of the "close enough" graph, grown one edge at a time."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.root(i), self.root(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def components(self) -> list[list[int]]:
        """Each component sorted, ordered by first member."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.root(i), []).append(i)
        return sorted(groups.values(), key=lambda g: g[0])


@dataclass(frozen=True)
class Scored:
    """Pairs ``(first[k], second[k])`` at ``distance[k]``; a pair not listed is at ``APART``."""

    first: npt.NDArray[np.int64]
    second: npt.NDArray[np.int64]
    distance: npt.NDArray[np.float64]


def cluster_components(
    components: Sequence[Sequence[int]], scored: Scored, n: int, threshold: float, linkage: Linkage
) -> list[list[int]]:
    """The clusters of every component of the ``n`` claims, each component clustered on its own.

    A pair at or above the threshold is never merged, so clustering each connected component
    of the "close enough" graph separately gives the same clusters as clustering all claims
    at once. A pair candidate search did not propose is one whose dates rule it out (or, past
    the exhaustive sizes, one the index did not find), so it is at ``APART`` as every
    cannot-link pair is: each matrix is the one all-pairs scoring would have built.
    """
    label = np.full(n, -1, dtype=np.int64)
    local = np.zeros(n, dtype=np.int64)
    for c, component in enumerate(components):
        label[list(component)] = c
        local[list(component)] = np.arange(len(component))
    inside = np.flatnonzero(label[scored.first] == label[scored.second])
    inside = inside[np.argsort(label[scored.first[inside]], kind="stable")]
    owner = label[scored.first[inside]]
    bounds = np.searchsorted(owner, np.arange(len(components) + 1))
    clusters: list[list[int]] = []
    for c, component in enumerate(components):
        if len(component) == 1:
            clusters.append(list(component))
            continue
        rows = inside[bounds[c] : bounds[c + 1]]
        x, y = local[scored.first[rows]], local[scored.second[rows]]
        distance = np.full((len(component), len(component)), APART, dtype=np.float64)
        np.fill_diagonal(distance, 0.0)
        distance[x, y] = distance[y, x] = scored.distance[rows]
        clusters.extend([component[i] for i in group] for group in cut(distance, threshold, linkage))
    return clusters
