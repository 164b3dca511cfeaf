"""Numbers in Arabic and English news text, with character offsets into the original text.

Handles digits in three scripts (ASCII, Eastern Arabic, Persian) with thousands separators, scale
words ("14 ألف", "2 million"), English and Arabic number words in their gender and case forms
("اثنين", "الأربع والعشرين", "two hundred and five"), vague quantities ("dozens", "عشرات": value
``None`` with a qualifier) and hedges ("أكثر من", "at least", "نحو"). The words live in
``data/lexicon.json``; this module also hosts the folding and phrase-matching helpers that the
time and facet extractors share.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from verify.errors import ConfigError
from verify.text.arabic import fold_with_offsets, has_arabic, normalize_arabic
from verify.text.spans import Occupied, keep_disjoint

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "lexicon.json"
_LETTER = r"[^\W\d_]"
_FIRST_PREFIX = r"(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)"
_NEXT_PREFIXES = ("", "و", "وال", "ف")
_FIRST_PREFIXES = ("", "و", "ف", "ب", "ل", "ال", "وال", "بال", "فال", "لل", "ول", "وب", "وبال", "ولل")
MAX_VALUE = 10**15
"""The largest value a number may have; a larger one is a mention with value ``None`` (refused)."""
_MAX_DIGITS = len(str(MAX_VALUE)) + 1
_TOKEN = re.compile(r"\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class NumberMention:
    """A number in text; ``text == original[start:end]`` and includes its hedge ("more than 3")."""

    start: int
    end: int
    text: str
    value: int | None
    qualifier: str | None = None


@functools.cache
def load_lexicon() -> dict[str, Any]:
    """The bundled lexicon (numbers, time words, weapons, outcomes, casualties)."""
    try:
        data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{LEXICON_PATH}: unusable lexicon: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{LEXICON_PATH}: expected a JSON object")
    return data


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return normalize_arabic(ch).lower()


@dataclass(frozen=True)
class Folded:
    """A matching form of ``original`` (no tashkeel, unified letters, lower case) with offsets back."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded range ``[start, end)``, trailing diacritics included."""
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        while o_end < len(self.original) and not _fold_char(self.original[o_end]):
            o_end += 1
        return o_start, o_end


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> Folded:
    """Fold ``text`` for matching, keeping for each folded character its original index."""
    folded, offsets = fold_with_offsets(text, _fold_char)
    return Folded(text, folded, (*offsets, len(text)))


def fold_key(phrase: str) -> str:
    """A lexicon entry in folded form with single spaces."""
    return " ".join(fold(phrase).text.split())


@functools.lru_cache(maxsize=8192)
def phrase_regex(phrase: str, strict_article: bool = False) -> re.Pattern[str]:
    """Regex for a lexicon phrase over folded text: whole words, Arabic clitics and articles allowed.

    With ``strict_article`` an article written in the phrase is required ('اليوم' is not 'يوم').
    """
    parts = []
    for n, word in enumerate(fold_key(phrase).split()):
        if has_arabic(word):
            strip = word.startswith("ال") and len(word) > 3 and not strict_article
            bare = word[2:] if strip else word
            if strict_article and word.startswith("ال"):
                parts.append((r"(?P<pre>[وف]?[بلك]?)" if n == 0 else "") + re.escape(word))
                continue
            parts.append((f"(?P<pre>{_FIRST_PREFIX})" if n == 0 else "(?:ال)?") + re.escape(bare))
        else:
            parts.append(re.escape(word))
    sep = r"\s+" if has_arabic(phrase) else r"[\s-]+"
    return re.compile(rf"(?<!{_LETTER})" + sep.join(parts) + r"(?!\w)")


@functools.lru_cache(maxsize=8192)
def _needles(phrase: str, strict_article: bool = False) -> tuple[str, ...]:
    """The literal pieces :func:`phrase_regex` requires, for a cheap pre-check."""
    needles = []
    for word in fold_key(phrase).split():
        strip = has_arabic(word) and word.startswith("ال") and len(word) > 3 and not strict_article
        needles.append(word[2:] if strip else word)
    return tuple(needles)


@dataclass(frozen=True)
class PhraseHit:
    """A lexicon phrase found in folded text (folded offsets) with the label it was listed under."""

    start: int
    end: int
    label: str
    definite: bool
    prefix: str = ""
    """Clitics glued to an Arabic phrase's first word ('بال' in 'بالصواريخ')."""


def find_phrases(
    folded: str, phrases: Iterable[tuple[str, str]], strict_article: bool = False
) -> list[PhraseHit]:
    """Non-overlapping (phrase, label) occurrences in folded text, longest first, in text order."""
    hits: list[PhraseHit] = []
    listed = phrases if isinstance(phrases, tuple) else tuple(phrases)
    for needles, regex, label in _plan(listed, strict_article):
        # Every word of the phrase must occur in the text for its regex to match: a substring
        # test is far cheaper than running hundreds of regexes over every claim.
        for needle in needles:
            if needle not in folded:
                break
        else:
            hits.extend(_hits(regex, folded, label))
    hits.sort(key=lambda h: (h.start - h.end, h.start))
    return sorted(keep_disjoint(hits, lambda h: (h.start, h.end)), key=lambda h: h.start)


@functools.lru_cache(maxsize=64)
def _plan(
    phrases: tuple[tuple[str, str], ...], strict_article: bool
) -> tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...]:
    """A lexicon's (needles, regex, label) per phrase, built once per lexicon, not once per text."""
    return tuple(
        (_needles(p, strict_article), phrase_regex(p, strict_article), label) for p, label in phrases
    )


def _hits(regex: re.Pattern[str], folded: str, label: str) -> list[PhraseHit]:
    hits = []
    for m in regex.finditer(folded):
        prefix = m.groupdict().get("pre") or ""
        head = m.group(0)[len(prefix) :]
        definite = prefix.endswith(("ال", "لل")) or head.startswith(("ال", "the "))
        hits.append(PhraseHit(m.start(), m.end(), label, definite, prefix))
    return hits


@dataclass(frozen=True)
class _Word:
    value: int
    kind: str  # unit, teen, ten, hundred, hundreds, scale, scale_value, plural_scale, dozen, needs_ten


def _kind(word: str, value: int) -> str:
    if word == "dozen":
        return "dozen"
    if value < 10:
        return "unit"
    if value < 20:
        return "teen"
    if value < 100:
        return "ten"
    if value == 100:
        return "hundred"
    if value < 1000:
        return "hundreds"
    return "scale" if value in (1000, 1000000, 1000000000) else "scale_value"


@functools.cache
def _tables() -> tuple[
    dict[str, _Word], frozenset[str], list[tuple[str, str]], dict[str, str], dict[str, str]
]:
    lex = load_lexicon()["numbers"]
    words: dict[str, _Word] = {}
    for word, value in lex["words"].items():
        words[fold_key(word)] = _Word(int(value), _kind(word, int(value)))
    for stem, unit in lex["hundreds_stems"].items():
        for hundred in ("مئة", "مائة"):
            words[fold_key(stem + hundred)] = _Word(int(unit) * 100, "hundreds")
    for word, value in lex["before_ten_only"].items():
        words[fold_key(word)] = _Word(int(value), "needs_ten")
    for word, value in lex["plural_scales"].items():
        words[fold_key(word)] = _Word(int(value), "plural_scale")
    blocked = frozenset(fold_key(w) for w in lex["not_numbers"])
    vague = [(w, str(q)) for w, q in lex["vague"].items()]

    def keyed(table: Mapping[str, str]) -> dict[str, str]:
        return {fold_key(k): str(v) for k, v in sorted(table.items(), key=lambda kv: -len(kv[0]))}

    return words, blocked, vague, keyed(lex["qualifiers_before"]), keyed(lex["qualifiers_after"])


@functools.lru_cache(maxsize=1 << 16)
def _lookup(token: str, first: bool) -> tuple[_Word, bool] | None:
    """The number word a token spells (clitics stripped) and whether it carries a conjunction."""
    words, blocked, *_ = _tables()
    if token in words:
        return words[token], False
    if not has_arabic(token):
        return None
    for prefix in _FIRST_PREFIXES if first else _NEXT_PREFIXES:
        stem = token[len(prefix) :]
        if prefix and token.startswith(prefix) and (len(stem) >= 3 or "ال" in prefix):
            if token in blocked or stem in blocked or "ال" + stem in blocked:
                return None
            if stem in words:
                return words[stem], prefix.startswith(("و", "ف"))
    return None


_ADDS_AFTER = {
    "unit": {None, "hundred", "hundreds", "scale", "scale_value"},
    "teen": {None, "hundred", "hundreds", "scale", "scale_value"},
    "ten": {None, "hundred", "hundreds", "scale", "scale_value"},
    "hundreds": {None, "scale", "scale_value"},
}


def _parse_words(tokens: list[re.Match[str]], i: int, text: str) -> tuple[int, int] | None:
    """Value of the number-word phrase starting at token ``i`` and the index after it."""
    total = current = 0
    last: str | None = None
    last_value = 0
    j = i
    while j < len(tokens):
        tok = tokens[j].group(0)
        if j > i:
            gap = text[tokens[j - 1].end() : tokens[j].start()].strip()
            if gap not in ("", "-") or (gap == "-" and has_arabic(tok)):
                break
        if tok in ("and", "a", "an"):
            nxt = _lookup(tokens[j + 1].group(0), False) if j + 1 < len(tokens) else None
            joins = tok == "and" and last in ("hundred", "hundreds", "scale") and nxt is not None
            starts = tok != "and" and last is None and nxt is not None
            if starts and nxt is not None and nxt[0].kind in ("hundred", "scale", "dozen"):
                current, last, last_value, j = 1, "unit", 1, j + 1
                continue
            if joins and nxt is not None and nxt[0].kind in ("unit", "teen", "ten"):
                j += 1
                continue
            break
        found = _lookup(tok, j == i)
        if found is None:
            break
        word, conj = found
        kind, v = word.kind, word.value
        if kind == "needs_ten":
            nxt = _lookup(tokens[j + 1].group(0), False) if j + 1 < len(tokens) else None
            if last is not None or nxt is None or nxt[0].value != 10 or nxt[1]:
                break
            kind = "unit"
        if kind in _ADDS_AFTER and (
            last in _ADDS_AFTER[kind]
            or (kind == "unit" and last == "ten" and not conj and not has_arabic(tok))
            or (kind == "teen" and v == 10 and last == "unit" and not conj)
            or (kind == "ten" and last == "unit" and conj)
        ):
            current += v
        elif kind == "hundred" and (last is None or (last in ("scale", "scale_value") and conj)):
            current += 100
        elif kind == "hundred" and last == "unit" and not conj:
            current += last_value * 99
        elif kind == "scale" and last not in ("scale", "scale_value") and not conj:
            total, current = total + (current or 1) * v, 0
        elif kind == "scale_value" and last is None:
            total += v
        elif kind == "plural_scale" and last in ("unit", "teen") and not conj:
            total, current = total + current * v, 0
        elif kind == "dozen" and (last is None or (last == "unit" and not conj)):
            current = (current or 1) * 12
        else:
            break
        last, last_value, j = kind, v, j + 1
    if j == i or last in (None, "needs_ten"):
        return None
    return total + current, j


def _parse_digits(tokens: list[re.Match[str]], i: int, text: str) -> tuple[int | None, int]:
    raw = tokens[i].group(0).replace(",", "")
    j = i + 1
    scale = 1
    if j < len(tokens) and not text[tokens[i].end() : tokens[j].start()].strip():
        words = _tables()[0]
        nxt = words.get(tokens[j].group(0))
        if nxt is not None and nxt.kind in ("hundred", "scale", "plural_scale", "dozen"):
            scale, j = nxt.value, j + 1
    # Decimal, not float: "1.1 thousand" is 1100 exactly, and a 400-digit run neither overflows
    # nor becomes a rounded value; one too long to be a count is refused before it is computed.
    if len(raw.split(".")[0].lstrip("0")) > _MAX_DIGITS:
        return None, j
    value = Decimal(raw) * scale
    if value != value.to_integral_value() or value > MAX_VALUE:
        return None, j
    return int(value), j


def _head_end(text: str, start: int) -> int:
    """End of the text before a number, less trailing spaces and a bare article ('أكثر من ال 20')."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if text[max(end - 2, 0) : end] == "ال" and (end == 2 or (end > 2 and text[end - 3].isspace())):
        end -= 2
        while end > 0 and text[end - 1].isspace():
            end -= 1
    return end


def _qualifier(text: str, start: int, end: int) -> tuple[int, int, str | None]:
    """Widen ``[start, end)`` over a hedge before or after the number; return it with its label."""
    *_, before, after = _tables()
    # Indices into ``text`` rather than copies of what precedes and follows: a copy per number
    # makes a long text with many numbers quadratic.
    head = _head_end(text, start)
    qualifier = None
    for phrase, label in before.items():
        at = head - len(phrase)
        if at >= 0 and text.startswith(phrase, at):
            prev = text[at - 1 : at] if at else ""
            before_clitic = text[max(at - 2, 0) : at - 1] or " "
            clitic_ok = prev in ("و", "ف", "ب", "ل") and not re.match(_LETTER, before_clitic)
            if not prev or not re.match(_LETTER, prev) or clitic_ok:
                start, qualifier = at, label
                break
    after_at = end
    while after_at < len(text) and text[after_at].isspace():
        after_at += 1
    for phrase, label in after.items():
        following = after_at + len(phrase)
        if text.startswith(phrase, after_at) and not re.match(_LETTER, text[following : following + 1]):
            end = following
            qualifier = qualifier or label
            break
    return start, end, qualifier


def _blocked_one(tokens: list[re.Match[str]], i: int, text: str) -> bool:
    """'no one', 'one another': the pronoun, not the number."""
    lex = load_lexicon()["numbers"]
    if tokens[i].group(0) != "one":
        return False
    prev = tokens[i - 1].group(0) if i > 0 else ""
    after = tokens[i].end()
    while after < len(text) and text[after].isspace():
        after += 1
    return prev in lex["not_one_before"] or text.startswith(tuple(lex["not_one_after"]), after)


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in ``text`` in order: exact values, and vague quantities with value ``None``."""
    folded = fold(text)
    ftext = folded.text
    tokens = list(_TOKEN.finditer(ftext))
    spans: list[tuple[int, int, int | None, str | None]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        before = ftext[max(0, tok.start() - 2) : tok.start()]
        parsed: tuple[int | None, int] | None = None
        if tok.group(0)[0].isdigit():
            latin_glued = re.search(r"[a-z]-?$", before) is not None
            parsed = None if latin_glued else _parse_digits(tokens, i, ftext)
        elif not _blocked_one(tokens, i, ftext):
            parsed = _parse_words(tokens, i, ftext)
        if parsed is None:
            i += 1
            continue
        value, j = parsed
        if value is not None and value > MAX_VALUE:
            value = None
        start, end, qualifier = _qualifier(ftext, tok.start(), tokens[j - 1].end())
        spans.append((start, end, value, qualifier))
        i = j
    taken = Occupied((s, e) for s, e, _, _ in spans)
    for hit in find_phrases(ftext, _tables()[2]):
        if not taken.overlaps(hit.start, hit.end):
            start, end, _ = _qualifier(ftext, hit.start, hit.end)
            spans.append((start, end, None, hit.label))
            taken.take(start, end)
    mentions = []
    for start, end, value, qualifier in sorted(spans):
        o_start, o_end = folded.span(start, end)
        mentions.append(NumberMention(o_start, o_end, text[o_start:o_end], value, qualifier))
    return mentions


def parse_number(token: str) -> int | None:
    """The value of a string that is exactly one number ("١٬٢٠٠", "ثلاثة آلاف", "twenty-one")."""
    stripped = token.strip()
    found = find_numbers(stripped)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0].value
    return None
