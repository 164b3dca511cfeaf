"""Whether a text explicitly denies that an event happened, in English or Arabic.

Cues ("denied", "no attack took place", "نفى", "لم يحدث") come from ``data/judge.json``; a cue
followed by an exclusion ("denied responsibility") is not a denial.
"""

from __future__ import annotations

from functools import cache, lru_cache

from verify.judge.compare import judge_config
from verify.text import normalize_key


@cache
def _denial_cues() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_key(c).split()) for c in judge_config()["denial_cues"])


@cache
def _denial_exclusions() -> tuple[str, ...]:
    return tuple(normalize_key(x) for x in judge_config()["denial_exclusions"])


@lru_cache(maxsize=1 << 14)
def is_denial(text: str) -> bool:
    """True when the text explicitly denies that an event happened (English or Arabic)."""
    tokens = normalize_key(text).split()
    exclusions = _denial_exclusions()
    for cue in _denial_cues():
        n = len(cue)
        for i in range(len(tokens) - n + 1):
            first = tokens[i]
            # Arabic attaches "and"/"so" to the verb: ونفى, فنفت
            if first != cue[0] and not (first[:1] in "وف" and first[1:] == cue[0]):
                continue
            if tuple(tokens[i + 1 : i + n]) != cue[1:]:
                continue
            if not any(t.startswith(exclusions) for t in tokens[i + n : i + n + 3]):
                return True
    return False
