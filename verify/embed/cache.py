"""A vector cache in front of any embedder, so that a re-run does not recompute.

Vectors are keyed by ``sha256(model name + text)`` and kept in one SQLite file per
directory. SQLite gives what a folder of ``.npy`` files would need temp files and renames
for: an interrupted run leaves no half-written vector (each batch is one transaction),
and concurrent runs sharing the directory wait on its lock instead of clobbering each
other. The cache is an optimisation only: if the file is unusable, vectors are computed
and a warning says why.
"""

from __future__ import annotations

import hashlib
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from verify.embed.base import Embedder, Vectors

CACHE_FILE = "vectors.sqlite3"
_FLOAT_BYTES = 4
_SQL_CHUNK = 500  # stay well below SQLite's limit on bound parameters
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, data BLOB NOT NULL)"
)


def cache_key(model: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model``."""
    # The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class CachedEmbedder:
    """Wraps ``inner``; identical texts are embedded once, known ones not at all.

    ``directory=None`` keeps the cache in memory for the life of this object only. ``file``
    names the SQLite file in ``directory``: the incremental store (``verify.store.db``) points
    it at its own database, where the ``vectors`` table sits beside its other tables.
    """

    def __init__(self, inner: Embedder, directory: Path | None = None, file: str = CACHE_FILE) -> None:
        self.inner = inner
        self.directory = directory
        self.file = file
        self._memory: dict[str, Vectors] = {}
        self._disk_ok = directory is not None

    @property
    def name(self) -> str:
        return self.inner.name

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts``, reading and writing the cache."""
        keys = [cache_key(self.inner.name, text) for text in texts]
        missing = [key for key in dict.fromkeys(keys) if key not in self._memory]
        if missing:
            self._memory.update(self._read(missing))
        todo = [key for key in missing if key not in self._memory]
        if todo:
            text_of = dict(zip(keys, texts, strict=True))
            # Embedders return unit rows already; normalising again would move the vectors by
            # ~1e-8 and make a cached run differ from an uncached one.
            fresh = np.asarray(self.inner.encode([text_of[key] for key in todo]), dtype=np.float32)
            computed = {key: fresh[i] for i, key in enumerate(todo)}
            self._memory.update(computed)
            self._write(computed)
        if not keys:
            return np.zeros((0, self._dim_hint()), dtype=np.float32)
        return np.stack([self._memory[key] for key in keys]).astype(np.float32, copy=False)

    def _dim_hint(self) -> int:
        for vector in self._memory.values():
            return int(vector.shape[0])
        return int(self.inner.encode([]).shape[1])

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.directory / self.file, timeout=60)) as conn:
            conn.execute(_SCHEMA)
            yield conn

    def _disable(self, exc: Exception) -> None:
        self._disk_ok = False
        warnings.warn(
            f"embedding cache in {self.directory} is unusable ({exc}); computing without it",
            RuntimeWarning,
            stacklevel=3,
        )

    def _read(self, keys: list[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        if not self._disk_ok:
            return found
        try:
            with self._connect() as conn:
                for start in range(0, len(keys), _SQL_CHUNK):
                    chunk = keys[start : start + _SQL_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(f"SELECT key, dim, data FROM vectors WHERE key IN ({marks})", chunk)
                    for key, dim, data in rows:
                        # A torn or foreign row is recomputed, not trusted.
                        if isinstance(data, bytes) and len(data) == dim * _FLOAT_BYTES:
                            found[key] = np.frombuffer(data, dtype=np.float32)
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)
        return found

    def _write(self, vectors: dict[str, Vectors]) -> None:
        if not self._disk_ok:
            return
        rows = [(key, int(vec.shape[0]), vec.astype(np.float32).tobytes()) for key, vec in vectors.items()]
        try:
            with self._connect() as conn, conn:  # the inner ``conn`` commits or rolls back
                conn.executemany("INSERT OR REPLACE INTO vectors (key, dim, data) VALUES (?, ?, ?)", rows)
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)
