"""Matching keys for names in either script, and the similarity of two names.

``fold`` gives the key that alias finding uses (Arabic normalised, Latin casefolded), ``skeleton`` a
cross-script consonant skeleton ('Conoco' = 'كونيكو' = 'Koniko'), and ``entity_similarity`` scores
two names in [0, 1] from both. Shared by the source registry, the gazetteer and the judge.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable

from rapidfuzz import fuzz

from verify.registry.entries import DATA_DIR
from verify.text import fold_with_offsets, has_arabic, normalize_arabic, normalize_key, transliterate

_LATIN_ARTICLES = frozenset({"the", "al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ez", "es"})


@functools.lru_cache(maxsize=8192)
def fold_key_char(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":  # bidi marks, ZWJ/ZWNJ, soft hyphen: invisible, not breaks
        return ""
    folded = normalize_arabic(ch).casefold()
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return re.sub(r"\W", " ", folded)


def fold_offsets(text: str) -> tuple[str, list[int]]:
    """normalize_key-style form of ``text`` plus, per output char, the index of its source char."""
    return fold_with_offsets(text, fold_key_char, squeeze=True)


def fold(text: str) -> str:
    """The matching key ``find`` uses: Arabic normalised, Latin casefolded, punctuation as spaces."""
    return fold_offsets(text)[0]


def loose_key(key: str) -> str:
    """A key without articles: 'al tanf' and 'التنف' lose 'al'/'ال', 'the observatory' loses 'the'."""
    words = []
    for word in key.split():
        if has_arabic(word) and word.startswith("ال") and len(word) > 4:
            word = word[2:]
        elif word in _LATIN_ARTICLES:
            continue
        words.append(word)
    return " ".join(words)


def skeleton(text: str) -> str:
    """Cross-script consonant skeleton without spaces, built on ``transliterate``."""
    words = []
    for word in normalize_key(text).split():
        if has_arabic(word):
            if word.startswith("ال") and len(word) > 4:
                word = word[2:]
            if word.startswith("ع"):  # word-initial ain is written as a vowel in Latin ('Omar', 'Ain')
                word = "ا" + word[1:]
        words.append(word)
    skel = transliterate(" ".join(words)).split()
    # a final 'h' is ta marbuta in Arabic but often an unwritten vowel in Latin ('Hama', 'حماة')
    return "".join(w[:-1] if len(w) > 2 and w.endswith("h") else w for w in skel)


@functools.cache
def _name_words() -> tuple[dict[str, str], frozenset[str]]:
    """Generic name words ('مطار' = 'airport') and the words that do not tell two places apart."""
    words = json.loads((DATA_DIR / "sources.json").read_text(encoding="utf-8"))["name_words"]
    translations = {fold(ar): en for ar, en in words["translations"].items()}
    return translations, frozenset(words["generic"])


def _content_skeletons(name: str) -> str:
    """Skeletons of the distinctive words of a name, generic words translated and dropped."""
    translations, generic = _name_words()
    words = [translations.get(w) or translations.get(loose_key(w), w) for w in fold(name).split()]
    content = [w for w in words if w not in generic] or words
    return " ".join(sorted(filter(None, (skeleton(w) for w in content))))


Similarity = Callable[[str, str], float]
"""Entity-name similarity in [0, 1], e.g. :func:`entity_similarity`."""


def entity_similarity(a: str, b: str) -> float:
    """Script-aware similarity of two names in [0, 1] (edit ratio, token sets, skeletons).

    'Conoco' ~ 'كونيكو', 'مطار أربيل' ~ 'Erbil airport' score 1.0; 'Erbil airport' ~ 'Baghdad airport'
    about 0.7; a name contained in the other ('Conoco' ~ 'US base at Conoco') scores 1.0.
    """
    ka, kb = normalize_key(a), normalize_key(b)
    if not ka or not kb:
        return 0.0
    scores = [fuzz.ratio(ka, kb), fuzz.token_set_ratio(ka, kb)]
    sa, sb = skeleton(a), skeleton(b)
    if sa and sb:
        scores.append(fuzz.ratio(sa, sb))
    ca, cb = _content_skeletons(a), _content_skeletons(b)
    if ca and cb:
        scores.append(fuzz.token_set_ratio(ca, cb))
    best = max(scores) / 100.0
    numbers_a, numbers_b = re.findall(r"\d+", ka), re.findall(r"\d+", kb)
    # 'Tower 22' and 'Tower 23' are different places however alike they look
    return min(best, 0.5) if numbers_a and numbers_b and numbers_a != numbers_b else best
