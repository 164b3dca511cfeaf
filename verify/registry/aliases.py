"""A script-aware alias index: registry names found in running text and looked up alone.

``AliasIndex`` finds names inside running text (Arabic with tashkeel, tatweel and attached clitics, or
English in any case) and resolves a single name exactly or fuzzily, across scripts via a consonant
skeleton. The source registry and the place gazetteer each build one over their entries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from verify.registry.namekeys import fold, fold_key_char, fold_offsets, loose_key, skeleton
from verify.text import has_arabic, keep_disjoint, transliterate

# A clitic conjunction (و ف) and/or preposition (ب ل ك) glued to a word; ل + ال is written لل.
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_LIL = ("لل", "ولل", "فلل")
_MIN_STEM = 2
# a transliterated Arabic article, written in lower case before a capitalised name ('al-Bab')
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|ez|en)[-‐ ]", re.IGNORECASE)
_KEY_CUTOFF = 90.0
_SKELETON_CUTOFF = 90.0
_WORD_CUTOFF = 75.0


@dataclass(frozen=True)
class Mention:
    """An alias occurrence; ``text == original[start:end]`` (clitic prefixes left outside)."""

    start: int
    end: int
    text: str
    id: str


@functools.lru_cache(maxsize=1 << 16)
def _first_word_candidates(word: str) -> tuple[tuple[int, str], ...]:
    """(prefix length, alias first word) pairs a text word can stand for (memoised: words repeat)."""
    if not has_arabic(word):
        return ((0, word),)
    found = []
    for prefixes, article in ((_CLITICS, ""), (_LIL, "ال")):
        for p in prefixes:
            if word.startswith(p) and len(word) - len(p) >= _MIN_STEM:
                found.append((len(p), article + word[len(p) :]))
    return tuple(found)


class AliasIndex:
    """Exact in-text alias finding and exact-then-fuzzy name lookup over (id, aliases) pairs.

    Where two ids share an alias, the later pair wins, so user entries override bundled ones.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Iterable[str]]],
        lookup_only: Iterable[tuple[str, Iterable[str]]] = (),
        exact_only: Iterable[tuple[str, Iterable[str]]] = (),
        proper_names: bool = False,
        unfuzzy: frozenset[str] = frozenset(),
    ) -> None:
        """``lookup_only`` aliases name an entry when given alone but are common words in running text
        ('الحرة' is Alhurra, and 'free'), so ``find`` ignores them. ``exact_only`` aliases are
        looked up only as written (case, spacing and articles aside), never fuzzily: names of
        thousands of villages would otherwise catch any misspelt name. With ``proper_names``, an
        alias written with a capital ('Hit', a town) is found in running text only when capitalised
        there ('hit' is a verb). The aliases of ``unfuzzy`` ids are matched by key and skeleton only,
        never by edit distance ('Amman' is not 'Damman')."""
        self._exact: dict[str, str] = {}
        spelled: list[tuple[str, str]] = []
        # first word -> alias words -> (id, acronym: matched only when written in capitals,
        # proper: matched only when capitalised)
        by_first: dict[str, dict[tuple[str, ...], tuple[str, bool, bool]]] = {}
        hidden = [(i, tuple(names)) for i, names in lookup_only]
        hidden_keys = {(i, fold(name)) for i, names in hidden for name in names}
        tagged = [(True, e) for e in entries] + [(False, e) for e in hidden]
        for in_text, (entry_id, aliases) in tagged:
            for alias in aliases:
                key = fold(alias)
                if not key:
                    continue
                self._exact[key] = entry_id
                spelled.append((alias, entry_id))
                if in_text and (entry_id, key) not in hidden_keys:
                    words = tuple(key.split())
                    proper = proper_names and not has_arabic(alias) and alias[:1].isupper()
                    known = by_first.setdefault(words[0], {}).get(words)
                    if known is not None and known[0] == entry_id:
                        proper = proper and known[2]
                    by_first[words[0]][words] = (entry_id, _is_acronym(alias), proper)
        for entry_id, aliases in exact_only:
            for alias in aliases:
                if key := fold(alias):
                    self._exact.setdefault(key, entry_id)
        self._by_first = by_first
        self._loose = _unique_map((loose_key(k), i) for k, i in self._exact.items())
        # Each alias's skeleton once (a cold start reads some 20,000 place names).
        skeletons = {a: skeleton(a) for a, _ in spelled}
        fuzzy = [(a, i) for a, i in spelled if i not in unfuzzy]
        # acronyms ('IRNA', 'SANA') only match exactly: their skeletons collide with names ('Iran')
        self._skeletons = _unique_map((skeletons[a], i) for a, i in spelled if not _is_acronym(a))
        # fuzzy skeletons only bridge scripts; within a script the edit ratio on keys is the better judge
        self._cross = {
            script: _unique_map(
                (skeletons[a], i) for a, i in fuzzy if has_arabic(a) == script and len(skeletons[a]) >= 6
            )
            for script in (False, True)
        }
        # three-consonant skeletons ('knk') are trusted only across scripts, where spelling varies most
        self._short_skeletons = {
            script: _unique_map(
                (skeletons[a] + _head(a), i)
                for a, i in fuzzy
                if has_arabic(a) == script and len(skeletons[a]) == 3 and len(fold(a)) >= 5
            )
            for script in (False, True)
        }
        self._loose_keys = [k for k in self._loose if len(k) >= 5 and self._loose[k] not in unfuzzy]

        # Attribution and two facet extractors ask for the mentions of the same claim in turn.
        self._recent: dict[str, tuple[Mention, ...]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_recent": {}}  # a worker process starts with its own, empty

    def find(self, text: str) -> list[Mention]:
        """All non-overlapping alias occurrences in ``text``, longest first, in text order."""
        found = self._recent.get(text)
        if found is None:
            found = tuple(self._find(text))
            if len(self._recent) >= 8:
                self._recent.clear()
            self._recent[text] = found
        return list(found)

    def _find(self, text: str) -> list[Mention]:
        norm, pos = fold_offsets(text)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", norm)]
        words = [norm[s:e] for s, e in spans]
        found: list[tuple[int, int, str]] = []  # normalised start/end of the matched alias, id
        for i, word in enumerate(words):
            for skip, first in _first_word_candidates(word):
                for alias_words, (entry_id, acronym, proper) in self._by_first.get(first, {}).items():
                    n = len(alias_words)
                    if tuple(words[i + 1 : i + n]) != alias_words[1:]:
                        continue
                    start, end = spans[i][0] + skip, spans[i + n - 1][1]
                    written = text[pos[start] : pos[end - 1] + 1]
                    if acronym and not _is_acronym(written):
                        continue
                    if proper and not _ARTICLE.sub("", written)[:1].isupper():
                        continue
                    found.append((start, end, entry_id))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken = keep_disjoint(found, lambda f: (f[0], f[1]))
        mentions = []
        for start, end, entry_id in sorted(taken):
            o_start, o_end = pos[start], pos[end - 1] + 1
            while o_end < len(text) and not fold_key_char(text[o_end]):  # keep trailing diacritics
                o_end += 1
            mentions.append(Mention(o_start, o_end, text[o_start:o_end], entry_id))
        return mentions

    def lookup(self, name: str) -> str | None:
        """Id for one name: exact, then article-free, then fuzzy key or skeleton, then a lone mention."""
        key = fold(name)
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        loose = loose_key(key)
        if self._loose.get(loose):
            return self._loose[loose]
        if len(loose) >= 5:
            hits = process.extract(loose, self._loose_keys, scorer=fuzz.ratio, score_cutoff=_KEY_CUTOFF)
            for candidate, _, _ in hits:
                if _same_words(loose, candidate) and self._loose[candidate]:
                    return self._loose[candidate]
        skel = "" if _is_acronym(name) else skeleton(name)
        if len(skel) >= 4 and self._skeletons.get(skel):
            return self._skeletons[skel]
        short = self._short_skeletons[not has_arabic(name)].get(skel + _head(name))
        if len(skel) == 3 and len(key) >= 5 and short:
            return short
        cross = self._cross[not has_arabic(name)]
        if len(skel) >= 6:
            hit = process.extractOne(skel, list(cross), scorer=fuzz.ratio, score_cutoff=_SKELETON_CUTOFF)
            if hit is not None and cross[hit[0]]:
                return cross[hit[0]]
        ids = {m.id for m in self.find(name)}
        return ids.pop() if len(ids) == 1 else None


def _same_words(a: str, b: str) -> bool:
    """Word by word the same name: short words equal ('US' is not 'UN'), longer ones close."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(
        x == y if min(len(x), len(y)) <= 3 else fuzz.ratio(x, y) >= _WORD_CUTOFF
        for x, y in zip(wa, wb, strict=True)
    )


_HEADS = str.maketrans("cqaeiouعاءيو", "kkaaaaaaaayw")


def _head(name: str) -> str:
    """The first sound of a name, kept apart from the skeleton, whose initial vowels and y merge."""
    first = loose_key(fold(name))[:1].translate(_HEADS)
    return transliterate(first) if has_arabic(first) else first


def _is_acronym(name: str) -> bool:
    return not has_arabic(name) and not any(c.islower() for c in name)


def _unique_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key -> id, with '' marking a key shared by different ids (ambiguous, never returned)."""
    out: dict[str, str] = {}
    for key, entry_id in pairs:
        if key:
            out[key] = entry_id if out.get(key, entry_id) == entry_id else ""
    return out
