"""Lexicon matching shared by the facet extractors: phrase hits in original offsets, word lists.

Phrases and word lists come from the bundled lexicon (``data/lexicon.json``). ``find_terms`` returns
the hits of one phrase kind with their grammatical form (singular, dual, plural, mass), whether
they are definite and whether a preposition is glued to them; ``mask_background`` blanks out
background clauses ("ردا على ...", "after vowing ...") before extraction.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from verify.registry import Mention
from verify.text import find_phrases, fold, fold_key, has_arabic, load_lexicon

CLAUSE_END = re.compile(r"[،,;؛:!?؟\n]|(?<![A-Z])\.")  # "U.S." does not end a clause


@dataclass(frozen=True)
class TermHit:
    """A lexicon phrase in the claim, in original offsets; ``label`` is what it stands for."""

    start: int
    end: int
    label: str
    form: str = ""
    definite: bool = False
    preposition: bool = False


@functools.cache
def _phrases(kind: str) -> tuple[tuple[str, str], ...]:
    lex = load_lexicon()
    cas = lex["casualties"]
    if kind == "arms":
        arms = [
            (p, f"{w}:{form}")
            for w, forms in lex["weapons"].items()
            for form, ps in forms.items()
            for p in ps
        ]
        return (*arms, *((p, f"attack:{form}") for form, ps in lex["attacks"].items() for p in ps))
    if kind == "outcomes":
        return tuple((p, o) for o, ps in lex["outcomes"].items() if not o.startswith("_") for p in ps)
    if kind == "cues":
        return (*((p, "killed") for p in cas["killed"]), *((p, "injured") for p in cas["injured"]))
    if kind == "victims":
        return (*((p, "1") for p in cas["victims_singular"]), *((p, "2") for p in cas["victims_dual"]))
    source = {"none": cas["none_reported"], "actors": lex["actors"], "targets": lex["targets"]}
    source |= {
        "verbs": lex["attack_verbs"],
        "passive": lex["passive_agent"],
        "background": lex["background_cues"],
        "cumulative": cas["cumulative"],
        "inclusion": cas["inclusion"],
        "combined": cas["combined"],
        "toll": cas["toll_cues"],
    }
    return tuple((p, kind) for p in source[kind])


@functools.cache
def word_set(key: str) -> frozenset[str]:
    lex = load_lexicon()
    cas = lex["casualties"]
    table = {"negations": cas["negations"], "gap": cas["gap_words"], "ambiguous": cas["ambiguous_injured"]}
    table["uncertainty"] = cas["uncertainty"]
    table |= {"markers": lex["object_markers"], "reporting": lex["reporting_verbs"]}
    table |= {"place_markers": lex["place_markers"]}
    table |= {"reporting_after": lex["reporting_verbs_after"]}
    # the English attack nouns a munition may stand before ('a rocket attack', 'a mortar barrage')
    english = [w for forms in lex["attacks"].values() for w in forms if not has_arabic(w)]
    table |= {"attack_nouns": [*english, "barrage", "salvo"]}
    return frozenset(fold_key(w) for w in table[key])


def glued_preposition(prefix: str) -> bool:
    """Whether clitics glued to a word hold 'ل' ('لمجموعات', 'للفصائل'): an object or possessor.

    'ب' is left alone: it also introduces a subject ('ما وصفها بمجموعات ... أطلقت').
    """
    if prefix.endswith("لل"):
        return True
    return "ل" in (prefix[:-2] if prefix.endswith("ال") else prefix)


def find_terms(text: str, kind: str) -> list[TermHit]:
    folded = fold(text)
    hits = []
    for h in find_phrases(folded.text, _phrases(kind)):
        start, end = folded.span(h.start, h.end)
        label, _, form = h.label.partition(":")
        hits.append(TermHit(start, end, label, form, h.definite, glued_preposition(h.prefix)))
    return hits


def words_before(text: str, at: int, n: int) -> list[str]:
    return fold_key(text[max(0, at - 60) : at]).split()[-n:]


def overlaps(a: TermHit | Mention, others: Iterable[TermHit | Mention]) -> bool:
    """Whether ``a`` overlaps one of ``others``; in a loop, ``verify.text.occupied_by`` is linear."""
    return any(a.start < o.end and o.start < a.end for o in others)


def mask_background(text: str) -> str:
    """Blank out (same length) each background clause, from its cue to the clause's end."""
    out = list(text)
    # Background cues in one clause share its end: search once per clause and blank from the
    # first cue, or a run-on sentence repeating a cue is searched and blanked to its end per cue.
    clause_end = -1
    blanked_from = len(text)
    for hit in find_terms(text, "background"):
        if hit.end > clause_end:
            end = CLAUSE_END.search(text, hit.end)
            clause_end = end.start() if end else len(text)
            blanked_from = len(text)
        if hit.start < blanked_from:
            out[hit.start : clause_end] = " " * (clause_end - hit.start)
            blanked_from = hit.start
    return "".join(out)
