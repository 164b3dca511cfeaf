"""Candidate pairs for incident grouping: blocking on dates and places plus a vector index.

Scoring every pair of event claims is quadratic. Most pairs are ruled out by their dates
alone (two reports whose event dates lie more than ``window`` days apart are never one
incident), so dated claims are compared only within a sliding window of days. Inside a
window every pair is a candidate while the window is small; a window larger than
``dense_block_max`` claims (a very busy day) is searched through a vector index instead,
plus every pair that shares a place name. Claims with no event date may match an event
reported any time before they were published, so they are searched against the whole
corpus: all pairs when the corpus is small, else the index's nearest neighbours plus the
claims that share a place name.

The index is exact inner product (faiss ``IndexFlatIP``) up to ``exact_max`` vectors and
HNSW above; without faiss installed, numpy does the exact search.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Pairs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""Two equally long index arrays: pair ``k`` is ``(first[k], second[k])``."""

EXACT_MAX = 20_000
"""Vectors in an index up to which search is exact; above it the index is HNSW."""
DENSE_BLOCK_MAX = 4_000
"""Claims in one date window up to which every pair in it is a candidate."""
NEIGHBOURS = 64
"""Nearest neighbours asked of the index per claim when search is not exhaustive."""
HNSW_LINKS, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 256


@dataclass(frozen=True)
class Item:
    """What blocking needs to know of one event claim."""

    date: dt.date | None
    published: dt.date | None
    places: tuple[str, ...]
    """Keys of its target and location, generic words dropped."""


def _faiss() -> Any:
    try:
        return importlib.import_module("faiss")
    except ImportError:
        return None


class VectorIndex:
    """Inner-product nearest-neighbour search over unit rows; exact up to ``exact_max`` rows."""

    def __init__(self, vectors: npt.NDArray[np.float32], exact_max: int = EXACT_MAX) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.exact = len(self.vectors) <= exact_max
        faiss = _faiss()
        self._index: Any = None
        if faiss is not None and len(self.vectors):
            dim = self.vectors.shape[1]
            if self.exact:
                self._index = faiss.IndexFlatIP(dim)
            else:
                self._index = faiss.IndexHNSWFlat(dim, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
                self._index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
                self._index.hnsw.efSearch = HNSW_EF_SEARCH
            self._index.add(self.vectors)

    @property
    def kind(self) -> str:
        if self._index is None:
            return "numpy-exact"
        return "faiss-flat" if self.exact else "faiss-hnsw"

    def search(
        self, queries: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """``(similarities, ids)`` of the ``k`` nearest rows to each query; missing ids are -1."""
        k = min(k, len(self.vectors))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self._index is not None:
            found_sims, found_ids = self._index.search(queries, k)
            return np.asarray(found_sims, dtype=np.float32), np.asarray(found_ids, dtype=np.int64)
        sims = queries @ self.vectors.T
        ids = np.argsort(-sims, axis=1, kind="stable")[:, :k].astype(np.int64)
        return np.take_along_axis(sims, ids, axis=1).astype(np.float32), ids


def _ordered(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> Pairs:
    return np.minimum(a, b), np.maximum(a, b)


def _unique(pairs: set[tuple[int, int]]) -> Pairs:
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    arr = np.array(sorted(pairs), dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def _place_pairs(
    members: Iterable[int],
    items: Sequence[Item],
    same_place: Callable[[str, str], bool],
    focus: Collection[int],
) -> set[tuple[int, int]]:
    """Pairs of a ``focus`` claim with a member that shares a place key, or one ``same_place`` likes."""
    by_key: dict[str, list[int]] = {}
    for i in members:
        for key in items[i].places:
            by_key.setdefault(key, []).append(i)
    focus_keys = sorted({key for i in focus for key in items[i].places})
    out: set[tuple[int, int]] = set()
    for kx in focus_keys:
        for ky in by_key:
            if kx != ky and not same_place(kx, ky):
                continue
            for i in by_key.get(kx, ()):
                if i in focus:
                    out.update((min(i, j), max(i, j)) for j in by_key[ky] if i != j)
    return out


def _neighbour_pairs(
    queries: Sequence[int],
    pool: Sequence[int],
    vectors: npt.NDArray[np.float32],
    floor: float,
    k: int,
    exact_max: int,
) -> set[tuple[int, int]]:
    """Pairs of each query with its nearest neighbours in ``pool`` at cosine >= ``floor``."""
    pool_ids = np.asarray(pool, dtype=np.int64)
    index = VectorIndex(vectors[pool_ids], exact_max)
    sims, ids = index.search(vectors[np.asarray(queries, dtype=np.int64)], k + 1)
    out: set[tuple[int, int]] = set()
    for q, row_sims, row_ids in zip(queries, sims, ids, strict=True):
        for sim, local in zip(row_sims, row_ids, strict=True):
            j = int(pool_ids[local]) if local >= 0 else q
            if j != q and sim >= floor:
                out.add((min(q, j), max(q, j)))
    return out


def candidate_pairs(
    items: Sequence[Item],
    vectors: npt.NDArray[np.float32],
    *,
    window: int,
    published_window: int | None,
    floor: float,
    same_place: Callable[[str, str], bool],
    exact_max: int = EXACT_MAX,
    dense_block_max: int = DENSE_BLOCK_MAX,
    neighbours: int = NEIGHBOURS,
) -> Iterator[Pairs]:
    """Blocks of candidate pairs ``(i, j)``, ``i < j``, each pair once.

    ``floor`` is the lowest cosine at which a pair with no place in common can still be
    one incident; ``same_place(a, b)`` says whether two place keys name one place.
    """
    n = len(items)
    by_day: dict[dt.date, list[int]] = {}
    undated: list[int] = []
    for i, item in enumerate(items):
        if item.date is None:
            undated.append(i)
        else:
            by_day.setdefault(item.date, []).append(i)
    days = sorted(by_day)
    for d, day in enumerate(days):
        today = np.asarray(by_day[day], dtype=np.int64)
        later = [
            i for other in days[d + 1 : d + 1 + window] if (other - day).days <= window for i in by_day[other]
        ]
        block = np.concatenate([today, np.asarray(later, dtype=np.int64)])
        if len(block) <= dense_block_max:
            a, b = np.triu_indices(len(block), k=1)
            keep = a < len(today)  # pairs of two later days belong to a later window
            yield _ordered(block[a[keep]], block[b[keep]])
            continue
        found = _neighbour_pairs(list(block), list(block), vectors, floor, neighbours, exact_max)
        mine = set(today.tolist())
        found |= _place_pairs(block.tolist(), items, same_place, mine)
        yield _unique({(i, j) for i, j in found if i in mine or j in mine})
    if not undated:
        return
    if n <= exact_max:
        # Small corpus: an undated claim is compared with everything.
        dated = np.asarray([i for i in range(n) if items[i].date is not None], dtype=np.int64)
        und = np.asarray(undated, dtype=np.int64)
        yield _ordered(np.repeat(und, len(dated)), np.tile(dated, len(und)))
        a, b = np.triu_indices(len(und), k=1)
        yield _ordered(und[a], und[b])
        return
    found = _neighbour_pairs(undated, range(n), vectors, floor, neighbours, exact_max)
    found |= _place_pairs(range(n), items, same_place, set(undated))
    found |= _undated_by_published(undated, items, published_window)
    yield _unique(found)


def _undated_by_published(
    undated: Sequence[int], items: Sequence[Item], published_window: int | None
) -> set[tuple[int, int]]:
    """Pairs of undated claims that the published-date rule does not rule out."""
    known = sorted((day, i) for i in undated if (day := items[i].published) is not None)
    unknown = [i for i in undated if items[i].published is None]
    out: set[tuple[int, int]] = set()
    for x, (day, i) in enumerate(known):
        for later_day, j in known[x + 1 :]:
            if published_window is not None and (later_day - day).days > published_window:
                break
            out.add((min(i, j), max(i, j)))
    for i in unknown:
        out.update((min(i, j), max(i, j)) for j in undated if j != i)
    return out


def pairs_with(
    focus: Sequence[int],
    items: Sequence[Item],
    vectors: npt.NDArray[np.float32],
    *,
    window: int,
    published_window: int | None,
    floor: float,
    same_place: Callable[[str, str], bool],
    exact_max: int = EXACT_MAX,
    dense_block_max: int = DENSE_BLOCK_MAX,
    neighbours: int = NEIGHBOURS,
) -> Pairs:
    """The candidate pairs ``(i, j)``, ``i < j``, that involve a ``focus`` claim, each once.

    For adding claims to a corpus already grouped: up to ``exact_max`` claims, with no date
    window over ``dense_block_max``, these are exactly the pairs of :func:`candidate_pairs`
    that involve ``focus``. Above, a focus claim gets its ``neighbours`` closest claims of
    the block at cosine >= ``floor`` (searched exactly: one query is cheap) and the claims
    sharing a place with it, as :func:`candidate_pairs` does from the other side.
    """
    n = len(items)
    dated = sorted((item.date.toordinal(), i) for i, item in enumerate(items) if item.date is not None)
    days = np.asarray([d for d, _ in dated], dtype=np.int64)
    order = np.asarray([i for _, i in dated], dtype=np.int64)
    undated = np.asarray([i for i, item in enumerate(items) if item.date is None], dtype=np.int64)
    found: set[tuple[int, int]] = set()

    def add(f: int, partners: Iterable[int]) -> None:
        found.update((min(f, j), max(f, j)) for j in partners if j != f)

    def nearest(f: int, pool: npt.NDArray[np.int64]) -> None:
        sims = vectors[pool] @ vectors[f]
        top = np.argsort(-sims, kind="stable")[: neighbours + 1]
        add(f, pool[top[sims[top] >= floor]].tolist())
        add(f, (j for pair in _place_pairs([*pool.tolist(), f], items, same_place, {f}) for j in pair))

    for f in focus:
        day = items[f].date
        if day is None:
            if n <= exact_max:
                add(f, range(n))
                continue
            nearest(f, np.arange(n, dtype=np.int64))
            by_published = _undated_by_published(undated.tolist(), items, published_window)
            add(f, (j for pair in by_published if f in pair for j in pair))
            continue
        lo = int(np.searchsorted(days, day.toordinal() - window, side="left"))
        hi = int(np.searchsorted(days, day.toordinal() + window, side="right"))
        block = order[lo:hi]
        if len(block) <= dense_block_max:
            add(f, block.tolist())
        else:
            nearest(f, block)
        if n <= exact_max:
            add(f, undated.tolist())
        elif len(undated):
            nearest(f, undated)
    return _unique(found)
