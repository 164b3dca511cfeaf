"""Features over the words that differ between a claim and its evidence.

A paraphrase changes the wording around the same facts; a contradiction changes a fact: a
number, a name, a direction (rose/fell), a negation. So the words one text has and the other
lacks say more than the whole sentences do. Words that differ only by an Arabic clitic or an
inflection (a fuzzy match above ``FUZZY_CUT``) are set aside as morphology; the rest are the
*changed* words, and each is embedded on its own with the sentence embedder so that a
substitution (a removed word with a close added word, as antonyms are) can be told from a word
dropped or added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from verify.model.cues import antonyms, forms, is_negation
from verify.text import normalize_key

WordVectors = Mapping[str, npt.NDArray[np.float32]]

FUZZY_CUT = 75
"""rapidfuzz ratio at or above which two words are the same word in another form."""
_DIGIT = re.compile(r"\d")

DELTA_NAMES: tuple[str, ...] = (
    "changed_claim",
    "changed_evidence",
    "changed_claim_share",
    "changed_evidence_share",
    "morph_claim",
    "morph_evidence",
    "changed_claim_norm",
    "changed_evidence_norm",
    "changed_set_cosine",
    "substitution_max",
    "substitution_mean",
    "substitution_min",
    "substitutions",
    "changed_neg_claim",
    "changed_neg_evidence",
    "changed_neg_mismatch",
    "changed_numbers_claim",
    "changed_numbers_evidence",
    "changed_numbers_both",
    "changed_antonyms",
    "overlap_of_shorter",
    "no_change",
)


def _unmatched(words: Sequence[str], other: Sequence[str]) -> list[str]:
    """``words`` with no close form among ``other`` (a changed word, not an inflection)."""
    if not other:
        return list(words)
    out = []
    for w in words:
        best = process.extractOne(w, other, scorer=fuzz.ratio)
        if best is None or best[1] < FUZZY_CUT:
            out.append(w)
    return out


Words = tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def changed_sets(claim: str, evidence: str) -> tuple[Words, Words, Words, Words]:
    """Claim-only words, evidence-only words, and of those the ones that are not mere inflections."""
    a, b = normalize_key(claim).split(), normalize_key(evidence).split()
    sa, sb = set(a), set(b)
    only_a = list(dict.fromkeys(w for w in a if w not in sb))
    only_b = list(dict.fromkeys(w for w in b if w not in sa))
    return tuple(only_a), tuple(only_b), tuple(_unmatched(only_a, b)), tuple(_unmatched(only_b, a))


def words_to_embed(claims: Sequence[str], evidences: Sequence[str]) -> list[str]:
    """Every word one text of a pair has and the other lacks, once, in a fixed order."""
    found: dict[str, None] = {}
    for claim, evidence in zip(claims, evidences, strict=True):
        only_a, only_b, _, _ = changed_sets(claim, evidence)
        found.update(dict.fromkeys(only_a + only_b))
    return list(found)


def _stack(words: Sequence[str], vectors: WordVectors) -> npt.NDArray[np.float64]:
    rows = [vectors[w] for w in words if w in vectors]
    return np.array(rows, dtype=np.float64) if rows else np.zeros((0, 1))


def _mean_norm(m: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], float]:
    if len(m) == 0:
        return np.zeros(m.shape[1]), 0.0
    mean: npt.NDArray[np.float64] = m.mean(axis=0)
    return mean, float(np.linalg.norm(mean))


def delta_row(
    claim: str,
    evidence: str,
    vectors: WordVectors,
) -> list[float]:
    """The ``DELTA_NAMES`` features of one pair; ``vectors`` maps changed words to unit vectors."""
    only_a, only_b, ca, cb = changed_sets(claim, evidence)
    la = max(1, len(normalize_key(claim).split()))
    lb = max(1, len(normalize_key(evidence).split()))
    va, vb = _stack(ca, vectors), _stack(cb, vectors)
    (ma, na), (mb, nb) = _mean_norm(va), _mean_norm(vb)
    # The mean of unit vectors is short when the words scatter in meaning, long when they agree.
    set_cos = float(ma @ mb / (na * nb)) if na and nb and len(ma) == len(mb) else 0.0
    sub = [0.0, 0.0, 0.0, 0.0]
    if len(va) and len(vb) and va.shape[1] == vb.shape[1]:
        best = (va @ vb.T).max(axis=1)
        sub = [float(best.max()), float(best.mean()), float(best.min()), float((best > 0.5).sum())]
    neg_a = sum(1 for w in only_a if is_negation(w))
    neg_b = sum(1 for w in only_b if is_negation(w))
    num_a = sum(1 for w in only_a if _DIGIT.search(w))
    num_b = sum(1 for w in only_b if _DIGIT.search(w))
    fa, fb = forms(only_a), forms(only_b)
    flips = sum(1 for x, y in antonyms() if (x in fa and y in fb) or (y in fa and x in fb))
    shared = len(set(normalize_key(claim).split()) & set(normalize_key(evidence).split()))
    return [
        float(len(ca)),
        float(len(cb)),
        len(ca) / la,
        len(cb) / lb,
        float(len(only_a) - len(ca)),
        float(len(only_b) - len(cb)),
        na,
        nb,
        set_cos,
        *sub,
        float(neg_a),
        float(neg_b),
        float((neg_a > 0) != (neg_b > 0)),
        float(num_a),
        float(num_b),
        float(num_a > 0 and num_b > 0),
        float(flips),
        shared / min(la, lb),
        float(not ca and not cb),
    ]
