"""Text utilities every stage uses: Arabic normalisation, sentence split with offsets, numbers,
time expressions.

::

    arabic.py    normalisation, matching keys, transliteration
    split.py     sentences and clauses with their offsets
    spans.py     overlap tests between spans in linear time
    numbers.py   numbers in words and digits, lexicon phrases
    timeexpr.py  time expressions -> dates (Gregorian, Levantine and Hijri months), datelines
"""

from __future__ import annotations

from verify.text.arabic import (
    clitic_stems,
    fold_with_offsets,
    has_arabic,
    normalize_arabic,
    normalize_key,
    transliterate,
)
from verify.text.numbers import NumberMention, find_numbers, find_phrases, fold, fold_key, load_lexicon
from verify.text.spans import Occupied, keep_disjoint, occupied_by
from verify.text.split import Span, split_clauses, split_sentences
from verify.text.timeexpr import (
    Dateline,
    date_spans,
    dateline,
    find_dateline,
    find_time,
    hijri_to_date,
    reported_clause_start,
)

__all__ = [
    "Dateline",
    "NumberMention",
    "Occupied",
    "Span",
    "clitic_stems",
    "date_spans",
    "dateline",
    "find_dateline",
    "find_numbers",
    "find_phrases",
    "find_time",
    "fold",
    "fold_key",
    "fold_with_offsets",
    "has_arabic",
    "hijri_to_date",
    "keep_disjoint",
    "load_lexicon",
    "normalize_arabic",
    "normalize_key",
    "occupied_by",
    "reported_clause_start",
    "split_clauses",
    "split_sentences",
    "transliterate",
]
