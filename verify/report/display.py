"""Pure helpers that turn record values into display strings for the HTML and CSV reports.

Untrusted text (documents, source names, explanations) passes through :func:`clean` before it is
shown: bidi embedding/override/isolate controls are removed, because inside a mixed
Arabic/English page they can visually reorder a quote or a number ("Trojan source" spoofing).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from urllib.parse import urlsplit

from verify.records import Casualties, Entity, TimeRef
from verify.text import Span, has_arabic, split_sentences

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, plus the invisible C0/C1 controls except tab and newline.
_UNSAFE_CHARS = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
# Text with none of these is already clean: most text, so most calls skip both substitutions.
_NEEDS_CLEANING = re.compile(_UNSAFE_CHARS.pattern + r"|[^\S ]|  ")
_ENUM_WORD = re.compile(r"[a-z]+(?:_[a-z]+)+")
CONTEXT_CHARS = 240
"""How many characters of the surrounding sentence to show on each side of a quoted claim."""
NOT_STATED = "—"


def clean(text: str) -> str:
    """Text safe to display: no bidi override/isolate or control characters, spaces collapsed."""
    if _NEEDS_CLEANING.search(text) is None:
        return text
    return _SPACES.sub(" ", _UNSAFE_CHARS.sub("", text))


def direction(text: str, lang_hint: str = "") -> tuple[str, str]:
    """``(dir, lang)`` attributes for one element: rtl/ar for Arabic, else ltr or auto."""
    letters = sum(map(str.isalpha, text))
    arabic = len(_arabic_letters().findall(text)) if letters else 0
    hint = lang_hint.lower()
    other = "" if hint in ("", "und") or hint.startswith("ar") else hint
    if letters and arabic * 2 >= letters:
        return "rtl", "ar"
    if arabic or not letters:
        # Mixed scripts, or nothing to judge by: let the browser decide from the first strong char.
        return "auto", other
    return "ltr", other


@lru_cache(maxsize=1)
def _arabic_letters() -> re.Pattern[str]:
    """The letters ``has_arabic`` counts as Arabic, as one character class (built from it over
    the Basic Multilingual Plane, where its script lives): counting matches beats testing each
    character in Python."""
    chars = [c for c in map(chr, range(0x10000)) if c.isalpha() and has_arabic(c)]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def safe_url(url: str | None) -> str:
    """The URL when it is an absolute http(s) link, else ``""`` (no javascript:, data:, file:)."""
    if not url:
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zs") for c in url):
        return ""
    return url


@dataclass(frozen=True)
class Snippet:
    """A claim inside its sentence context, as three display strings."""

    before: str
    mark: str
    after: str
    cut_before: bool
    cut_after: bool


def _same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


def snippet(text: str | None, sentences: list[Span], start: int, end: int, claim_text: str) -> Snippet:
    """The claim span ``text[start:end]`` with up to CONTEXT_CHARS of its sentence either side.

    Falls back to the claim's own text when the offsets do not point at it (bad or missing data).
    """
    if text is None or not (0 <= start < end <= len(text)) or not _same_words(text[start:end], claim_text):
        return Snippet("", clean(claim_text).strip(), "", False, False)
    left = min((s.start for s in sentences if s.end > start and s.start <= start), default=start)
    right = max((s.end for s in sentences if s.start < end and s.end >= end), default=end)
    lo, hi = max(left, start - CONTEXT_CHARS), min(right, end + CONTEXT_CHARS)
    return Snippet(
        before=clean(text[lo:start]).lstrip(),
        mark=clean(text[start:end]),
        after=clean(text[end:hi]).rstrip(),
        cut_before=lo > left,
        cut_after=hi < right,
    )


def sentences_of(text: str) -> list[Span]:
    """Sentence spans of a document, computed once per document by the caller."""
    return split_sentences(text)


def _as_record(value: object) -> object:
    """The judge may hand facet values over in their JSON shape; read them back as records."""
    if not isinstance(value, dict):
        return value
    keys = set(value)
    try:
        if keys == {"text", "canonical"}:
            return Entity(str(value["text"]), value["canonical"])
        if keys == {"text", "date"}:
            date = dt.date.fromisoformat(value["date"]) if value["date"] else None
            return TimeRef(str(value["text"]), date)
        if keys == {"killed", "injured", "none_reported"}:
            return Casualties(value["killed"], value["injured"], bool(value["none_reported"]))
    except (TypeError, ValueError):
        pass
    return value


def facet_parts(value: object) -> tuple[str, str]:
    """A facet value as (what the text says, the canonical name or resolved date, or "")."""
    value = _as_record(value)
    if isinstance(value, Entity):
        canonical = value.canonical if value.canonical and value.canonical != value.text else ""
        return clean(value.text), clean(canonical)
    if isinstance(value, TimeRef):
        return clean(value.text), value.date.isoformat() if value.date else ""
    return facet_text(value), ""


def facet_text(value: object) -> str:
    """One facet value as a short human-readable string (``NOT_STATED`` for None)."""
    value = _as_record(value)
    if value is None:
        return NOT_STATED
    if isinstance(value, str) and _ENUM_WORD.fullmatch(value):
        return value.replace("_", " ")
    if isinstance(value, Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, Entity | TimeRef):
        text, detail = facet_parts(value)
        return f"{text} ({detail})" if detail else text
    if isinstance(value, Casualties):
        if value.none_reported and value.killed is None and value.injured is None:
            return "none reported"
        parts = []
        if value.killed is not None:
            parts.append(f"{value.killed} killed")
        if value.injured is not None:
            parts.append(f"{value.injured} injured")
        if value.none_reported:
            parts.append("none reported")
        return ", ".join(parts) or NOT_STATED
    if isinstance(value, dict):
        return clean(", ".join(f"{k}: {facet_text(v)}" for k, v in value.items()))
    return clean(str(value))


def percent(confidence: float) -> str:
    """A probability as a whole percentage, clamped to 0-100."""
    return f"{round(max(0.0, min(1.0, float(confidence))) * 100)}%"


def anchor(prefix: str, ident: str) -> str:
    """An HTML id built from a record id: only characters that need no escaping anywhere."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '-', ident)}"
