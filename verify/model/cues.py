"""Cue lexicons (verify/data/cues.json): negation, denial and hedge words, antonym pairs.

Matched on :func:`~verify.text.arabic.normalize_key` tokens; an Arabic cue also matches with a
leading wa-/fa-/bi-/li- prefix or the article al- (:func:`verify.text.clitic_stems`). Read by
the pair features (:mod:`verify.model.features`, :mod:`verify.model.delta`) and the word flags of
the alignment network (:mod:`verify.model.align`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from verify.bundled import bundled_json
from verify.text import clitic_stems, normalize_key


@cache
def _cues() -> dict[str, Any]:
    return bundled_json("cues.json")


@cache
def cue_set(name: str) -> frozenset[str]:
    """The matching keys of one cue list of verify/data/cues.json (negation, denial, hedge)."""
    return frozenset(normalize_key(c) for c in _cues()[name] if normalize_key(c))


@cache
def antonyms() -> tuple[tuple[str, str], ...]:
    """The antonym pairs of verify/data/cues.json, as matching keys."""
    return tuple((normalize_key(a), normalize_key(b)) for a, b in _cues()["antonyms"])


def is_negation(token: str) -> bool:
    """Whether a matching-key word is a negation cue (verify/data/cues.json), clitics allowed."""
    return bool(clitic_stems(token) & cue_set("negation"))


def count_cues(tokens: Sequence[str], key: str, cues: frozenset[str]) -> int:
    """Cue words among ``tokens`` (clitics allowed) plus multi-word cues found in ``key``."""
    words = sum(1 for t in tokens if clitic_stems(t) & cues)
    phrases = sum(1 for c in cues if " " in c and f" {c} " in f" {key} ")
    return words + phrases


def forms(tokens: Iterable[str]) -> set[str]:
    """Every token with and without its Arabic clitic prefix."""
    return {form for t in tokens for form in clitic_stems(t)}


def antonym_hits(a: set[str], b: set[str]) -> int:
    """Antonym pairs with one side in ``a`` and the other in ``b`` (and not both in one)."""
    return sum(
        1 for x, y in antonyms() if (x in a and y in b and y not in a) or (y in a and x in b and x not in a)
    )
