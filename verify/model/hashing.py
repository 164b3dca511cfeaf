"""Hashed word columns without scikit-learn: MurmurHash3 and L2-normalised count rows.

The judge model was trained on scikit-learn's ``FeatureHasher(alternate_sign=False)``
followed by ``normalize`` (L2). Importing scikit-learn costs about a second of a cold start
(it imports SciPy's statistics on the way), so prediction computes the same columns here:
MurmurHash3 (x86, 32-bit, seed 0) of each token's UTF-8 bytes, the absolute value of the
signed hash modulo the number of columns, counts per column, each row divided by its L2
norm. The counts are whole numbers, so the norm and the division round exactly as
scikit-learn's do; the tests check the columns against scikit-learn's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

_MASK = 0xFFFFFFFF
_C1 = 0xCC9E2D51
_C2 = 0x1B873593


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def _mix(block: int) -> int:
    block = (block * _C1) & _MASK
    block = _rotl(block, 15)
    return (block * _C2) & _MASK


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit of ``data``, as a signed 32-bit integer."""
    h = seed & _MASK
    whole = len(data) - len(data) % 4
    for start in range(0, whole, 4):
        h ^= _mix(int.from_bytes(data[start : start + 4], "little"))
        h = _rotl(h, 13)
        h = (h * 5 + 0xE6546B64) & _MASK
    tail = data[whole:]
    if tail:
        h ^= _mix(int.from_bytes(tail, "little"))
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


@functools.lru_cache(maxsize=1 << 16)
def token_column(token: str, n_features: int) -> int:
    """The column ``FeatureHasher`` gives ``token`` among ``n_features`` (cached: words repeat)."""
    h = murmurhash3_32(token.encode("utf-8"))
    if h == -(1 << 31):  # abs() would overflow a C int; scikit-learn special-cases it so
        return ((1 << 31) - 1 - (n_features - 1)) % n_features
    return abs(h) % n_features


def hashed_rows(rows: Iterable[Sequence[str]], n_features: int) -> npt.NDArray[np.float64]:
    """One L2-normalised row of token counts per token list (an empty list gives a zero row)."""
    counts = [
        np.bincount(
            np.array([token_column(t, n_features) for t in tokens], dtype=np.intp), minlength=n_features
        )
        for tokens in rows
    ]
    if not counts:
        return np.zeros((0, n_features))
    matrix = np.vstack(counts).astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
    np.divide(matrix, norms[:, None], out=matrix, where=norms[:, None] > 0)
    return matrix
