"""Pair features for the discrepancy classifier: what :mod:`verify.model.classify` learns from.

Features of one pair (``FEATURE_NAMES``), then the interaction block ``|u-v|`` and ``u*v`` of
the two sentence embeddings reduced to ``INTERACTION_DIM`` dimensions by a fixed, seeded random
projection (so the model file stays small and no fitting is needed for the reduction):

- embedding cosine; rapidfuzz ratios and token overlap on normalised text;
- numbers on each side and whether they differ;
- negation, denial and hedge cues per side (verify/data/cues.json), a question mark on either
  side, and antonym pairs across;
- facet conflicts from the rule judge (count, casualties, outcome, weapon, target, time, place,
  attacker), its directions and its rule verdict;
- entity agreement: registry sources and gazetteer places named on both sides or one only;
- how well the evidence sentences were chosen (rationale score, number of sentences);
- the words one side has and the other lacks (:mod:`verify.model.delta`).

Last comes the lexical block: ``LEXICAL_DIM`` hashed columns of the words each side has that
the other lacks and of the evidence's words (:func:`lexical_tokens`), which the classifier
reads with a stacked logistic regression rather than its trees.

``FEATURE_VERSION`` names this layout; a model trained on another is refused when loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from verify.judge import PairFeatures, decide
from verify.model.cues import antonym_hits, count_cues, cue_set, forms
from verify.model.delta import DELTA_NAMES, WordVectors, changed_sets, delta_row
from verify.model.hashing import hashed_rows
from verify.records import Claim, Relation
from verify.text import normalize_key

Matrix = npt.NDArray[np.float64]
EntityFinder = Callable[[str], frozenset[str]]

INTERACTION_DIM = 128
LEXICAL_DIM = 2048
FEATURE_VERSION = 8
_FACETS = ("count", "casualties", "outcome", "weapon", "target", "time", "location", "actor")
_RULES = tuple(str(r) for r in Relation if r is not Relation.UNVERIFIED)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_QUESTION = re.compile(r"[?\u061f]")  # a text that asks ("?", Arabic "؟") reports no fact

FEATURE_NAMES: tuple[str, ...] = (
    "cosine",
    "ratio",
    "token_set",
    "token_sort",
    "partial",
    "jaccard",
    "claim_covered",
    "evidence_covered",
    "claim_only_log",
    "evidence_only_log",
    "numbers_both",
    "numbers_differ",
    "numbers_shared",
    "numbers_claim_only",
    "neg_claim",
    "neg_evidence",
    "neg_mismatch",
    "denial_claim",
    "denial_evidence",
    "denial_mismatch",
    "hedge_claim",
    "hedge_evidence",
    "question_claim",
    "question_evidence",
    "antonyms",
    *(f"facet_{name}" for name in _FACETS),
    "comparable",
    "overlap",
    "up",
    "down",
    "minor",
    "rule_denial",
    "negated_effect",
    "silent_on_key",
    *(f"rule_{name}" for name in _RULES),
    "entities_shared",
    "entities_claim_only",
    "entities_evidence_only",
    "changed_cosine",
    "claim_changed_vs_evidence",
    "evidence_changed_vs_claim",
    "claim_unchanged",
    "evidence_unchanged",
    "rationale_score",
    "rationale_sentences_log",
    "length_ratio_log",
    *DELTA_NAMES,
)


@dataclass(frozen=True)
class PairVectors:
    """Unit vectors per pair of both texts, and of the single words either has that the other lacks."""

    claim: npt.NDArray[np.float32]
    evidence: npt.NDArray[np.float32]
    words: WordVectors = field(default_factory=dict)
    """Unit vectors of the changed words (see :mod:`verify.model.delta`)."""


@dataclass(frozen=True)
class PairInput:
    """One pair as the featurizer sees it: both claims, the rule features, the rationale fit."""

    claim: Claim
    evidence: Claim
    rules: PairFeatures
    rationale_score: float = 1.0
    rationale_sentences: int = 1


def _text_features(claim: str, evidence: str) -> list[float]:
    ka, kb = normalize_key(claim), normalize_key(evidence)
    ta, tb = ka.split(), kb.split()
    sa, sb = set(ta), set(tb)
    union = sa | sb
    na, nb = set(_NUMBER.findall(ka)), set(_NUMBER.findall(kb))
    neg, den, hedge = (
        [float(count_cues(t, k, cue_set(cue))) for t, k in ((ta, ka), (tb, kb))]
        for cue in ("negation", "denial", "hedge")
    )
    return [
        fuzz.ratio(ka, kb) / 100.0,
        fuzz.token_set_ratio(ka, kb) / 100.0,
        fuzz.token_sort_ratio(ka, kb) / 100.0,
        fuzz.partial_ratio(ka, kb) / 100.0 if ka and kb else 0.0,
        len(sa & sb) / len(union) if union else 0.0,
        len(sa & sb) / len(sa) if sa else 0.0,
        len(sa & sb) / len(sb) if sb else 0.0,
        float(np.log1p(len(sa - sb))),
        float(np.log1p(len(sb - sa))),
        float(bool(na and nb)),
        float(bool(na and nb and na != nb)),
        float(len(na & nb)),
        float(len(na - nb)),
        neg[0],
        neg[1],
        float((neg[0] > 0) != (neg[1] > 0)),
        den[0],
        den[1],
        float((den[0] > 0) != (den[1] > 0)),
        *hedge,
        float(_QUESTION.search(claim) is not None),
        float(_QUESTION.search(evidence) is not None),
        float(antonym_hits(forms(ta), forms(tb))),
    ]


def _rule_features(f: PairFeatures) -> list[float]:
    names = [d.name for d in f.diffs]
    verdict = str(decide(f))
    return [
        *(float(names.count(name)) for name in _FACETS),
        float(f.comparable),
        float(f.overlap),
        float(len(f.up)),
        float(len(f.down)),
        float(len(f.minor)),
        float(f.denial or f.claim_denial),
        float(f.negated_effect),
        float(f.silent_on_key),
        *(float(verdict == name) for name in _RULES),
    ]


TextBlock = tuple[list[float], list[float], list[float]]
"""The features of a pair that depend on its two texts alone (see :func:`text_block`)."""


def text_block(claim: str, evidence: str, entities: EntityFinder | None, words: WordVectors) -> TextBlock:
    """Lexical, entity and changed-word features of two texts; wire copy repeats them, so callers memoise."""
    ea = entities(claim) if entities else frozenset()
    eb = entities(evidence) if entities else frozenset()
    la, lb = max(1, len(claim)), max(1, len(evidence))
    delta = delta_row(claim, evidence, words)
    return (
        _text_features(claim, evidence),
        [float(len(ea & eb)), float(len(ea - eb)), float(len(eb - ea))],
        [float(np.log(lb / la)), *delta],
    )


def pair_row(
    pair: PairInput,
    cosine: float,
    entities: EntityFinder | None = None,
    words: WordVectors | None = None,
    block: TextBlock | None = None,
) -> list[float]:
    """The hand-made features of one pair, in ``FEATURE_NAMES`` order."""
    text, found, tail = block or text_block(pair.claim.text, pair.evidence.text, entities, words or {})
    return [
        cosine,
        *text,
        *_rule_features(pair.rules),
        *found,
        0.0,  # changed-word cosines: filled in by featurize, which holds the vectors
        0.0,
        0.0,
        0.0,
        0.0,
        pair.rationale_score,
        float(np.log1p(pair.rationale_sentences)),
        *tail,
    ]


def _mean_unit(words: Sequence[str], vectors: WordVectors, dim: int) -> npt.NDArray[np.float64]:
    """The unit mean of the words' vectors (zero when there are none): a bag of what changed."""
    rows = [vectors[w] for w in words if w in vectors]
    if not rows:
        return np.zeros(dim)
    mean: npt.NDArray[np.float64] = np.mean(np.asarray(rows, dtype=np.float64), axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


@cache
def _projection(dim: int, out: int) -> Matrix:
    # Fixed seed: the projection is part of the feature definition, not something learned.
    rng = np.random.default_rng(20240601 + dim)
    matrix: Matrix = rng.standard_normal((dim, out)) / np.sqrt(out)
    return matrix


def _rowdot(a: Matrix, b: Matrix) -> Matrix:
    result: Matrix = np.einsum("ij,ij->i", a, b)
    return result


def featurize(
    pairs: Sequence[PairInput], vectors: PairVectors, *, entities: EntityFinder | None = None
) -> Matrix:
    """The feature matrix of ``pairs``: hand features, then projected ``|u-v|`` and ``u*v``.

    The features of each distinct text pair are computed once (wire copy repeats pairs).
    """
    if len(pairs) == 0:
        return np.zeros((0, len(FEATURE_NAMES) + 2 * INTERACTION_DIM + LEXICAL_DIM))
    u, v = vectors.claim.astype(np.float64), vectors.evidence.astype(np.float64)
    blocks: dict[tuple[str, str], TextBlock] = {}
    changed: dict[tuple[str, str], tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
    for p in pairs:
        key = (p.claim.text, p.evidence.text)
        if key not in blocks:
            blocks[key] = text_block(*key, entities, vectors.words)
            only_a, only_b, _, _ = changed_sets(*key)
            changed[key] = (
                _mean_unit(only_a, vectors.words, u.shape[1]),
                _mean_unit(only_b, vectors.words, u.shape[1]),
            )
    cu = np.array([changed[(p.claim.text, p.evidence.text)][0] for p in pairs])
    cv = np.array([changed[(p.claim.text, p.evidence.text)][1] for p in pairs])
    # Zero rows (nothing changed) give cosine 0; the *_unchanged flags tell that case apart.
    cosines = _rowdot(u, v)
    hand = np.array(
        [
            pair_row(p, float(c), block=blocks[(p.claim.text, p.evidence.text)])
            for p, c in zip(pairs, cosines, strict=True)
        ]
    )
    at = FEATURE_NAMES.index("changed_cosine")
    hand[:, at : at + 3] = np.c_[_rowdot(cu, cv), _rowdot(cu, v), _rowdot(cv, u)]
    hand[:, at + 3] = ~np.any(cu, axis=1)
    hand[:, at + 4] = ~np.any(cv, axis=1)
    proj = _projection(u.shape[1], INTERACTION_DIM)
    lexical = lexical_block([(p.claim.text, p.evidence.text) for p in pairs])
    return np.hstack([hand, np.abs(u - v) @ proj, (u * v) @ proj, lexical])


def lexical_tokens(claim: str, evidence: str) -> list[str]:
    """What the lexical block hashes: changed words per side, the evidence's words, a question."""
    only_a, only_b, _, _ = changed_sets(claim, evidence)
    tokens = [f"c:{w}" for w in only_a] + [f"e:{w}" for w in only_b]
    tokens += [f"w:{w}" for w in normalize_key(evidence).split()]
    if _QUESTION.search(evidence):
        tokens.append("?")
    return tokens


def lexical_block(texts: Sequence[tuple[str, str]]) -> Matrix:
    """The hashed, L2-normalised lexical columns of (claim, evidence) pairs.

    They are the columns of scikit-learn's ``FeatureHasher(alternate_sign=False)`` and
    ``normalize``, which the model was trained on, computed without importing scikit-learn
    (:mod:`verify.model.hashing`).
    """
    return hashed_rows((lexical_tokens(a, b) for a, b in texts), LEXICAL_DIM)
