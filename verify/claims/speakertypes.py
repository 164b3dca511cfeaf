"""What an unregistered speaker is, from the words the text names it with.

"A local monitoring group said" names nobody the registry knows, but says what the speaker is: a
monitor (independent). "The army", "rebels", "the health ministry" are parties, "witnesses" and
"medics" independent, "a correspondent" media. :func:`speaker_type` reads that from the cue
phrases of ``data/speaker_types.json``; :func:`source_pieces` splits a document's source line
("X spokesman (name), via Y") into the speaker and the outlets that relayed it.
"""

from __future__ import annotations

import re
from functools import cache

from verify.bundled import bundled_json
from verify.records import SourceType
from verify.registry import fold
from verify.text import has_arabic

_ORDER = (SourceType.PARTY, SourceType.INDEPENDENT, SourceType.MEDIA)
_CLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
_RELAY = re.compile(r"\s*(?:\(|\)|,|;|؛|،|\s/\s|\bvia\b|\bto\b(?=\s+[A-Z])|\bعبر\b|\bنقلا عن\b)\s*")


@cache
def _cues() -> tuple[tuple[tuple[str, ...], SourceType], ...]:
    data = bundled_json("speaker_types.json")
    cues = [
        (tuple(fold(phrase).split()), kind, rank)
        for rank, kind in enumerate(_ORDER)
        for phrase in data[kind.value]
        if fold(phrase)
    ]
    cues.sort(key=lambda c: (-len(c[0]), c[2]))
    return tuple((words, kind) for words, kind, _ in cues)


def _same(word: str, cue: str) -> bool:
    if word == cue:
        return True
    return has_arabic(word) and any(p and word == p + cue for p in _CLITICS)


def _contains(words: list[str], cue: tuple[str, ...]) -> bool:
    n = len(cue)
    return any(all(_same(words[i + k], cue[k]) for k in range(n)) for i in range(len(words) - n + 1))


def speaker_type(phrase: str) -> SourceType:
    """The source type the words of ``phrase`` give; ``unknown`` when none of them says."""
    words = fold(phrase).split()
    for cue, kind in _cues():
        if _contains(words, cue):
            return kind
    return SourceType.UNKNOWN


def source_pieces(source: str) -> list[str]:
    """A source line split into its parts, the speaker first: 'A spokesman (B), via C' -> A, B, C."""
    return [p.strip() for p in _RELAY.split(source) if p and p.strip()]
