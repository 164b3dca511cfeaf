"""Sanitize document text before any stage sees it.

Every offset in a report points into the sanitized text, so this runs exactly once, at ingestion.
It removes what is invisible and harmful (bidi overrides that can disguise text in a report, C0/C1
controls, lone surrogates that break JSON output) and keeps what Arabic and Persian need to render
(ZWNJ U+200C and ZWJ U+200D).
"""

from __future__ import annotations

import re
import unicodedata

# Characters that end a line in some producer's world; all become "\n". Form feed and vertical tab
# separate pages and cells in exports: dropping them would glue two words together.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")

_BIDI_CONTROLS = (
    "\u202a-\u202e"  # LRE RLE PDF LRO RLO
    "\u2066-\u2069"  # LRI RLI FSI PDI
    # Invisible direction marks (LRM, RLM, ALM): word processors scatter them inside Arabic words,
    # where they break every lexicon and regex match; the report sets direction per element.
    "\u200e\u200f\u061c"
)
_CONTROLS = (
    "\x00-\x08\x0e-\x1f\x7f"  # C0 controls and DEL; \t \n \r \x0b \x0c are handled above
    "\x80-\x84\x86-\x9f"  # C1 controls except NEL
    "\ud800-\udfff"  # lone surrogates (a str only holds them unpaired)
    "\ufeff"  # BOM / zero-width no-break space
    "\ufffe\uffff"  # noncharacters
)
_REMOVE = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}]")


def sanitize(text: str) -> str:
    """Return ``text`` with newlines normalised to ``\\n``, NFC, and invisible hazards removed.

    Removed: lone surrogates, bidi embedding/override/isolate controls and direction marks, control
    characters other than ``\\n`` and ``\\t``, and U+FEFF. Kept: ZWNJ and ZWJ. Idempotent.
    """
    # Remove before composing: a control between a letter and its combining mark would otherwise
    # block composition now and let a second pass compose, breaking idempotence.
    text = _REMOVE.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    return unicodedata.normalize("NFC", text)
