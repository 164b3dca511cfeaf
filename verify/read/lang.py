"""Cheap, deterministic language identification for documents that do not declare their language.

The script decides first (Arabic, Hebrew, Latin); Latin-script text is then told apart by counting
frequent function words (``verify/data/lang_stopwords.json``), defaulting to English. Good enough to
route a document to the Arabic or the English rules; not a general language identifier.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from verify.bundled import bundled_json

_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))
_LATIN_RANGES = ((0x0041, 0x024F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xFF21, 0xFF5A))
_HEBREW_RANGES = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))
_WORD = re.compile(r"[^\W\d_]+")
# A word scan over the first part of a long document decides as well as a scan over all of it.
_SCAN_CHARS = 20_000
_MIN_STOPWORD_HITS = 2


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def _script(ch: str) -> str:
    code = ord(ch)
    if _in(code, _ARABIC_RANGES):
        return "arabic"
    if _in(code, _LATIN_RANGES):
        return "latin"
    if _in(code, _HEBREW_RANGES):
        return "hebrew"
    return "other"


@cache
def _stopwords() -> dict[str, str]:
    """Word -> language, for words that belong to exactly one language's list."""
    raw = bundled_json("lang_stopwords.json")
    owners: dict[str, set[str]] = {}
    for lang, words in raw.items():
        if lang.startswith("_"):
            continue
        for word in words:
            owners.setdefault(word, set()).add(lang)
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


def _latin_language(text: str) -> str:
    table = _stopwords()
    votes = Counter(table[w] for w in _WORD.findall(text.lower()) if w in table)
    english = votes.get("en", 0)
    # Sorted so that a tie between two non-English languages is broken the same way every run.
    best, hits = max(sorted(votes.items()), key=lambda item: item[1], default=("en", 0))
    if best != "en" and hits >= _MIN_STOPWORD_HITS and hits > english:
        return best
    return "en"


def detect_lang(text: str) -> str:
    """Return ``'ar'``, ``'en'``, ``'fr'``, ``'es'``, ``'de'``, ``'he'`` or ``'und'`` (no letters)."""
    sample = text[:_SCAN_CHARS]
    scripts = Counter(_script(ch) for ch in sample if ch.isalpha())
    if not scripts:
        return "und"
    # Ties go to Arabic: a bilingual document in this corpus is read by the Arabic rules.
    order = ("arabic", "latin", "hebrew", "other")
    top = max(order, key=lambda s: (scripts.get(s, 0), -order.index(s)))
    if top == "arabic":
        return "ar"
    if top == "latin":
        return _latin_language(sample)
    if top == "hebrew":
        return "he"
    return "und"
