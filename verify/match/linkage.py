"""Agglomerative clustering of a distance matrix cut at a threshold, without scikit-learn or SciPy.

Grouping used ``sklearn.cluster.AgglomerativeClustering(metric="precomputed",
distance_threshold=t)``, whose import (scikit-learn, SciPy's statistics and clustering)
costs a cold start more than a second. This module gives the same clusters: it runs the
nearest-neighbour chain that SciPy's ``linkage`` runs for complete and average linkage
(same scan order, same preference for the previous link of the chain on a tie, same
Lance-Williams updates, in the same floating-point order), and keeps the merges closer than
the threshold, which is what scikit-learn's cut at ``distance_threshold`` keeps. Both
linkages are reducible, so merge distances never decrease up the tree, and the merges
below the threshold are exactly the clusters of the cut. The tests compare the clusters
with scikit-learn's on matrices full of ties.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Linkage = Literal["complete", "average"]


def chain_merges(distance: npt.NDArray[np.float64], linkage: Linkage) -> list[tuple[int, int, float]]:
    """The ``n - 1`` merges ``(x, y, distance)`` in the order the nearest-neighbour chain makes them.

    A cluster is named by one of its points: merging ``x < y`` keeps the name ``y``.
    """
    n = len(distance)
    D = np.array(distance, dtype=np.float64)
    size = np.ones(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    chain: list[int] = []
    merges: list[tuple[int, int, float]] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.argmax(alive)))
        while True:
            x = chain[-1]
            previous = chain[-2] if len(chain) > 1 else -1
            best = float(D[x, previous]) if previous >= 0 else np.inf
            row = np.where(alive, D[x], np.inf)
            row[x] = np.inf
            nearest = int(np.argmin(row))
            # Only a strictly closer cluster displaces the previous link (ties keep the chain short).
            y = nearest if row[nearest] < best else previous
            best = min(best, float(row[nearest]))
            if y == previous:
                break
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        nx, ny = int(size[x]), int(size[y])
        merges.append((x, y, best))
        alive[x] = False
        size[x], size[y] = 0, nx + ny
        others = np.flatnonzero(alive)
        others = others[others != y]
        if linkage == "complete":
            updated = np.maximum(D[others, x], D[others, y])
        else:
            updated = (nx * D[others, x] + ny * D[others, y]) / (nx + ny)
        D[others, y] = D[y, others] = updated
    return merges


def cut(distance: npt.NDArray[np.float64], threshold: float, linkage: Linkage) -> list[list[int]]:
    """Clusters of the points of ``distance`` (square, symmetric) whose merges stay below ``threshold``.

    Each cluster is sorted, clusters are ordered by their first point.
    """
    n = len(distance)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y, d in chain_merges(distance, linkage) if n > 1 else []:
        if d < threshold:
            parent[max(root(x), root(y))] = min(root(x), root(y))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
