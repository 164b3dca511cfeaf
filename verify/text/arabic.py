"""Arabic normalisation and transliteration, for matching only.

What users see always keeps the original text; these forms are keys for comparison.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_TATWEEL = "\u0640"
_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "گ": "ك",
        "ک": "ك",
        "ی": "ي",
        # Eastern Arabic and Persian digits to ASCII
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "٫": ".",
        "٬": ",",
    }
)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")

_TRANSLIT = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "w",
    "ي": "y",
    "ء": "",
    "پ": "p",
    "چ": "ch",
    "ڤ": "v",
}


def has_arabic(text: str) -> bool:
    """True when the text holds at least one Arabic-script letter."""
    return _ARABIC_LETTER.search(text) is not None


def normalize_digits(text: str) -> str:
    """Map Eastern Arabic and Persian digits to ASCII, keeping the string's length."""
    return text.translate(
        {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
    )


def normalize_arabic(text: str) -> str:
    """Matching key: no tashkeel or tatweel, unified alef/ya/ta marbuta, ASCII digits, NFKC."""
    text = unicodedata.normalize("NFKC", text)
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    return text.translate(_CHAR_MAP)


# Compiled once: the gazetteer's 20,000 names pass through these at every start.
_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
_REPEATS = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aiu]")


@lru_cache(maxsize=1 << 16)
def normalize_key(text: str) -> str:
    """Script-agnostic matching key: Arabic normalised, Latin casefolded and accent-free.

    Memoised: judging and matching ask for the keys of the same claim texts many times.
    """
    text = normalize_arabic(text).casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", text)).strip()


def fold_with_offsets(
    text: str, fold_char: Callable[[str], str], *, squeeze: bool = False
) -> tuple[str, list[int]]:
    """``text`` folded character by character, with the index of each output char's source char.

    ``fold_char`` maps one character to its matching form (possibly empty or several chars).
    With ``squeeze``, runs of spaces in the output become one and no space leads or trails.
    """
    table = {ch: fold_char(ch) for ch in set(text)}
    if all(len(folded) == 1 for folded in table.values()):
        return _fold_one_to_one(text, table, squeeze)
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        for c in fold_char(ch):
            if squeeze and c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            pos.append(i)
    if squeeze and out and out[-1] == " ":
        out.pop()
        pos.pop()
    return "".join(out), pos


def _fold_one_to_one(text: str, table: dict[str, str], squeeze: bool) -> tuple[str, list[int]]:
    """:func:`fold_with_offsets` where each character folds to exactly one: no per-character loop."""
    folded = text.translate({ord(ch): c for ch, c in table.items()})
    if not squeeze:
        return folded, list(range(len(text)))
    # Each run of non-spaces is kept with the one space after it, unless the run ends the text.
    out: list[str] = []
    pos: list[int] = []
    prev_end = 0
    for m in re.finditer(r"[^ ]+", folded):
        if out:
            out.append(" ")
            pos.append(prev_end)
        out.append(m.group())
        pos.extend(range(m.start(), m.end()))
        prev_end = m.end()
    return "".join(out), pos


def transliterate(text: str) -> str:
    """A rough Arabic-to-Latin skeleton for fuzzy cross-script matching ('كونيكو' -> 'kwnykw').

    Latin text is reduced the same way (vowels dropped after the first letter of each word,
    ``c``/``k``/``q`` unified), so that 'Conoco', 'Koniko' and 'كونيكو' land close together.
    """
    return consonant_skeleton(normalize_key(text).translate(_TRANSLIT_TABLE))


_LATIN_FOLD = str.maketrans({"c": "k", "q": "k", "w": "u", "y": "i", "e": "i", "o": "u", "p": "b", "v": "f"})


def consonant_skeleton(latin: str) -> str:
    """Latin text reduced to a comparable skeleton: vowels after a word's first letter dropped."""
    words = []
    for word in latin.replace("-", " ").split():
        word = word.translate(_LATIN_FOLD)
        if word in _ARTICLES:
            continue
        if word.startswith("al") and len(word) > 4:
            word = word[2:]
        word = _REPEATS.sub(r"\1", word)
        head, tail = word[:1], _VOWELS.sub("", word[1:])
        words.append(("a" if head in "aiu" else head) + tail)
    return " ".join(words)


_ARTICLES = frozenset({"al", "il", "ul", "iz", "ad", "as", "ash", "at", "ar", "an", "ath", "az"})


_CLITICS = ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل")
"""Prefixes Arabic glues to a word: conjunctions (wa-, fa-), prepositions (bi-, li-), the article."""


@lru_cache(maxsize=1 << 16)
def clitic_stems(token: str) -> frozenset[str]:
    """The token and its forms without an Arabic clitic prefix ('والإصابة' -> 'إصابة' among them).

    A stem keeps at least two letters, so a short word is never stripped to a letter or nothing.
    """
    forms = {token}
    for prefix in _CLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            forms.add(token[len(prefix) :])
    return frozenset(forms)
