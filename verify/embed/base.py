"""The embedder seam: a protocol, a row normaliser and a dependency-free hashing fake.

Every embedder returns float32 rows of unit length, so that cosine similarity is a dot
product and callers never need to know which backend produced the vectors.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from verify.text import normalize_key

Vectors = npt.NDArray[np.float32]
"""A ``(n, d)`` float32 matrix whose rows have unit L2 norm (zero rows for empty texts)."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    @property
    def name(self) -> str:
        """A stable model name; cache keys are derived from it, so it must change with the model."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` into a ``(len(texts), d)`` float32 matrix of L2-normalised rows."""
        ...


def normalize_rows(vectors: npt.ArrayLike) -> Vectors:
    """Cast to a 2-d float32 matrix and scale each row to unit length (zero rows stay zero)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A zero row has no direction; leaving it zero makes its cosine with anything 0.
    safe = np.where(norms > 0, norms, np.float32(1.0))
    return np.ascontiguousarray(matrix / safe, dtype=np.float32)


class HashingEmbedder:
    """A deterministic fake embedder: signed hashing of character n-grams and words.

    It works on :func:`verify.text.arabic.normalize_key` forms, so spelling variants of
    Arabic (hamza, ta marbuta, diacritics) and Latin case or accents map to the same
    features. It knows no meaning and no cross-language equivalence: use it in tests and
    where no model is installed, not to judge paraphrases.
    """

    def __init__(self, dim: int = 256, ngram: int = 3) -> None:
        if dim < 1 or ngram < 1:
            raise ValueError("dim and ngram must be positive")
        self.dim = dim
        self.ngram = ngram

    @property
    def name(self) -> str:
        return f"hashing-{self.dim}-{self.ngram}"

    def _features(self, text: str) -> list[str]:
        key = normalize_key(text)
        words = key.split()
        grams: list[str] = [f"w:{word}" for word in words]
        for word in words:
            padded = f" {word} "
            if len(padded) <= self.ngram:
                grams.append(f"c:{padded}")
                continue
            grams.extend(f"c:{padded[i : i + self.ngram]}" for i in range(len(padded) - self.ngram + 1))
        return grams

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts``; an empty text (after normalisation) gives a zero row."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                # crc32 is stable across processes and platforms, unlike hash().
                code = zlib.crc32(feature.encode("utf-8"))
                sign = 1.0 if code & 1 else -1.0
                out[row, (code >> 1) % self.dim] += sign
        return normalize_rows(out)
