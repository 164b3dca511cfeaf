"""Text utilities: Arabic normalisation, sentence splitting, numbers, language id, cleaning."""

from __future__ import annotations

from verify.text.arabic import fold_with_offsets, has_arabic, normalize_arabic, normalize_key, transliterate
from verify.text.numbers import NumberMention, find_numbers, find_phrases, fold, fold_key, load_lexicon
from verify.text.split import Span, split_clauses, split_sentences
from verify.text.timeexpr import find_time

__all__ = [
    "NumberMention",
    "Span",
    "find_numbers",
    "find_phrases",
    "find_time",
    "fold",
    "fold_key",
    "fold_with_offsets",
    "has_arabic",
    "load_lexicon",
    "normalize_arabic",
    "normalize_key",
    "split_clauses",
    "split_sentences",
    "transliterate",
]
