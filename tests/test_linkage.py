"""Agglomerative clustering without scikit-learn, against scikit-learn's on matrices full of ties."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.cluster import AgglomerativeClustering

from verify.match.linkage import Linkage, chain_merges, cut


def _sklearn(distance: npt.NDArray[np.float64], threshold: float, linkage: Linkage) -> list[list[int]]:
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage=linkage, distance_threshold=threshold
    )
    clusters: dict[int, list[int]] = {}
    for i, label in enumerate(model.fit_predict(distance)):
        clusters.setdefault(int(label), []).append(i)
    return sorted(clusters.values(), key=lambda g: g[0])


def _matrix(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """A symmetric distance matrix, often of a few distinct values (ties), sometimes with far pairs."""
    levels = int(rng.choice([0, 2, 3, 5, 40]))
    values = rng.integers(0, levels, size=(n, n)) / levels if levels else rng.random((n, n))
    upper = np.triu(values, 1)
    distance = upper + upper.T
    if rng.random() < 0.3:
        distance[distance > 0.7] = 2.0  # cannot-link pairs, as grouping sets them
    return distance


@pytest.mark.parametrize("linkage", ["complete", "average"])
def test_cut_gives_scikit_learns_clusters(linkage: Linkage) -> None:
    rng = np.random.default_rng(7)
    for _ in range(400):
        distance = _matrix(rng, int(rng.integers(2, 30)))
        threshold = float(rng.choice([0.3, 1 / 3, 0.5, 0.55, 2 / 3, 0.9]))
        assert cut(distance, threshold, linkage) == _sklearn(distance, threshold, linkage)


def test_cut_of_one_point_and_of_far_points() -> None:
    assert cut(np.zeros((1, 1)), 0.5, "complete") == [[0]]
    far = np.full((3, 3), 2.0)
    np.fill_diagonal(far, 0.0)
    assert cut(far, 0.5, "average") == [[0], [1], [2]]


def test_chain_merges_name_the_kept_cluster_by_its_larger_point() -> None:
    distance = np.array([[0.0, 0.1, 0.9], [0.1, 0.0, 0.8], [0.9, 0.8, 0.0]])
    assert chain_merges(distance, "complete") == [(0, 1, 0.1), (1, 2, 0.9)]
    merges = chain_merges(distance, "average")
    assert merges[0] == (0, 1, 0.1) and merges[1][:2] == (1, 2)
    assert merges[1][2] == pytest.approx(0.85)
