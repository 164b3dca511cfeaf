"""The source registry and a script-aware alias index shared with the place gazetteer.

``AliasIndex`` finds registry names inside running text (Arabic with tashkeel, tatweel and attached
clitics, or English in any case) and resolves a single name exactly or fuzzily, across scripts via a
consonant skeleton ('Conoco' = 'كونيكو' = 'Koniko'). ``SourceRegistry`` loads the bundled
``data/sources.json`` plus an optional user file of the same shape.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from verify.errors import ConfigError
from verify.records import Source, SourceType
from verify.text.arabic import fold_with_offsets, has_arabic, normalize_arabic, normalize_key, transliterate

DATA_DIR = Path(__file__).parent / "data"

# A clitic conjunction (و ف) and/or preposition (ب ل ك) glued to a word; ل + ال is written لل.
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_LIL = ("لل", "ولل", "فلل")
_MIN_STEM = 2
_KEY_CUTOFF = 90.0
_SKELETON_CUTOFF = 90.0
_WORD_CUTOFF = 75.0
_LATIN_ARTICLES = frozenset({"the", "al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ez", "es"})


@dataclass(frozen=True)
class Mention:
    """An alias occurrence; ``text == original[start:end]`` (clitic prefixes left outside)."""

    start: int
    end: int
    text: str
    id: str


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":  # bidi marks, ZWJ/ZWNJ, soft hyphen: invisible, not breaks
        return ""
    folded = normalize_arabic(ch).casefold()
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return re.sub(r"\W", " ", folded)


def _fold(text: str) -> tuple[str, list[int]]:
    """normalize_key-style form of ``text`` plus, per output char, the index of its source char."""
    return fold_with_offsets(text, _fold_char, squeeze=True)


def fold(text: str) -> str:
    """The matching key ``find`` uses: Arabic normalised, Latin casefolded, punctuation as spaces."""
    return _fold(text)[0]


def _loose(key: str) -> str:
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
    words = [translations.get(w) or translations.get(_loose(w), w) for w in fold(name).split()]
    content = [w for w in words if w not in generic] or words
    return " ".join(sorted(filter(None, (skeleton(w) for w in content))))


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


class AliasIndex:
    """Exact in-text alias finding and exact-then-fuzzy name lookup over (id, aliases) pairs.

    Where two ids share an alias, the later pair wins, so user entries override bundled ones.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Iterable[str]]],
        lookup_only: Iterable[tuple[str, Iterable[str]]] = (),
    ) -> None:
        """``lookup_only`` aliases name an entry when given alone but are common words in running text
        ('الحرة' is Alhurra, and 'free'), so ``find`` ignores them."""
        self._exact: dict[str, str] = {}
        spelled: list[tuple[str, str]] = []
        # first word -> alias words -> (id, acronym: matched only when written in capitals)
        by_first: dict[str, dict[tuple[str, ...], tuple[str, bool]]] = {}
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
                    by_first.setdefault(words[0], {})[words] = (entry_id, _is_acronym(alias))
        self._by_first = by_first
        self._loose = _unique_map((_loose(k), i) for k, i in self._exact.items())
        # acronyms ('IRNA', 'SANA') only match exactly: their skeletons collide with names ('Iran')
        self._skeletons = _unique_map((skeleton(a), i) for a, i in spelled if not _is_acronym(a))
        # fuzzy skeletons only bridge scripts; within a script the edit ratio on keys is the better judge
        self._cross = {
            script: _unique_map(
                (skeleton(a), i) for a, i in spelled if has_arabic(a) == script and len(skeleton(a)) >= 6
            )
            for script in (False, True)
        }
        # three-consonant skeletons ('knk') are trusted only across scripts, where spelling varies most
        self._short_skeletons = {
            script: _unique_map(
                (skeleton(a) + _head(a), i)
                for a, i in spelled
                if has_arabic(a) == script and len(skeleton(a)) == 3 and len(fold(a)) >= 5
            )
            for script in (False, True)
        }
        self._loose_keys = [k for k in self._loose if len(k) >= 5]

    def _first_word_candidates(self, word: str) -> Iterator[tuple[int, str]]:
        """(prefix length, alias first word) pairs the text word can stand for."""
        if not has_arabic(word):
            yield 0, word
            return
        for prefix in _CLITICS:
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
                yield len(prefix), word[len(prefix) :]
        for prefix in _LIL:
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
                yield len(prefix), "ال" + word[len(prefix) :]

    def find(self, text: str) -> list[Mention]:
        """All non-overlapping alias occurrences in ``text``, longest first, in text order."""
        norm, pos = _fold(text)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", norm)]
        words = [norm[s:e] for s, e in spans]
        found: list[tuple[int, int, str]] = []  # normalised start/end of the matched alias, id
        for i, word in enumerate(words):
            for skip, first in self._first_word_candidates(word):
                for alias_words, (entry_id, acronym) in self._by_first.get(first, {}).items():
                    n = len(alias_words)
                    if tuple(words[i + 1 : i + n]) != alias_words[1:]:
                        continue
                    start, end = spans[i][0] + skip, spans[i + n - 1][1]
                    if not acronym or _is_acronym(text[pos[start] : pos[end - 1] + 1]):
                        found.append((start, end, entry_id))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken: list[tuple[int, int, str]] = []
        for start, end, entry_id in found:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, entry_id))
        mentions = []
        for start, end, entry_id in sorted(taken):
            o_start, o_end = pos[start], pos[end - 1] + 1
            while o_end < len(text) and not _fold_char(text[o_end]):  # keep trailing diacritics
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
        loose = _loose(key)
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
    first = _loose(fold(name))[:1].translate(_HEADS)
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


def read_entries(path: Path, list_key: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The ``list_key`` list of a registry JSON file (each item an object with a string id)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        raise ConfigError(f"{path}: expected an object with a {list_key!r} list")
    seen: set[str] = set()
    for n, item in enumerate(data[list_key]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ConfigError(f"{path}: {list_key}[{n}] needs a non-empty string 'id'")
        if item["id"] in seen:
            raise ConfigError(f"{path}: duplicate id {item['id']!r}")
        seen.add(item["id"])
    return data[list_key], data


def string_list(path: Path, item: Mapping[str, Any], field: str) -> tuple[str, ...]:
    """A list-of-strings field of a registry item (missing means empty)."""
    value = item.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {item['id']!r}: {field!r} must be a list of strings")
    return tuple(value)


def optional_str(path: Path, item: Mapping[str, Any], field: str, required: bool = False) -> str | None:
    """A string field of a registry item; ``None`` when absent and not required."""
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {item['id']!r}: {field!r} must be a non-empty string")
    return value


def _parse_source(path: Path, item: Mapping[str, Any]) -> Source:
    name = optional_str(path, item, "name", required=True)
    assert name is not None
    try:
        source_type = SourceType(str(item.get("source_type")))
    except ValueError:
        allowed = ", ".join(t.value for t in SourceType)
        raise ConfigError(f"{path}: {item['id']!r}: 'source_type' must be one of {allowed}") from None
    side = optional_str(path, item, "side")
    name_ar = optional_str(path, item, "name_ar")
    names = (name, *([name_ar] if name_ar else []), *string_list(path, item, "aliases"))
    umbrella = item.get("umbrella", False)
    if not isinstance(umbrella, bool):
        raise ConfigError(f"{path}: {item['id']!r}: 'umbrella' must be true or false")
    return Source(item["id"], name, source_type, side, tuple(dict.fromkeys(names)), umbrella)


def _lookup_only(path: Path, items: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    return {item["id"]: string_list(path, item, "lookup_only") for item in items}


def _parse_oppositions(path: Path, data: Mapping[str, Any]) -> set[frozenset[str]]:
    pairs = data.get("oppositions", [])
    ok = isinstance(pairs, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs
    )
    if not ok:
        raise ConfigError(f"{path}: 'oppositions' must be a list of [side, side] pairs")
    return {frozenset(p) for p in pairs}


class SourceRegistry:
    """Known sources with their type, side and aliases in both scripts."""

    def __init__(
        self,
        sources: Iterable[Source],
        oppositions: Iterable[frozenset[str]] = (),
        lookup_only: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """``lookup_only``: per source id, names ``lookup`` accepts but ``find_mentions`` ignores."""
        self._sources = {s.id: s for s in sources}
        self._oppositions = set(oppositions)
        extra = lookup_only or {}
        self._index = AliasIndex(
            ((s.id, s.aliases) for s in self._sources.values()),
            ((i, names) for i, names in extra.items() if i in self._sources),
        )

    @classmethod
    def load(cls, extra: str | os.PathLike[str] | None = None) -> SourceRegistry:
        """The bundled registry, with entries of the user file ``extra`` added or overriding by id."""
        sources: dict[str, Source] = {}
        lookup_only: dict[str, tuple[str, ...]] = {}
        oppositions: set[frozenset[str]] = set()
        for path in [DATA_DIR / "sources.json", *([Path(extra)] if extra is not None else [])]:
            items, data = read_entries(path, "sources")
            sources.update((item["id"], _parse_source(path, item)) for item in items)
            lookup_only.update(_lookup_only(path, items))
            oppositions |= _parse_oppositions(path, data)
        return cls(sources.values(), oppositions, lookup_only)

    def get(self, source_id: str) -> Source:
        """The source with this id (KeyError when unknown)."""
        return self._sources[source_id]

    def lookup(self, name: str) -> Source | None:
        """The source a name refers to (exact alias, else a strict fuzzy match), or None."""
        source_id = self._index.lookup(name)
        return self._sources[source_id] if source_id else None

    def find_mentions(self, text: str) -> list[Mention]:
        """Source mentions in running text; ``Mention.id`` is the source id."""
        return self._index.find(text)

    def opposing(self, side_a: str | None, side_b: str | None) -> bool:
        """True when the two sides are declared in conflict with each other."""
        if side_a is None or side_b is None:
            return False
        return frozenset((side_a, side_b)) in self._oppositions

    def __iter__(self) -> Iterator[Source]:
        return iter(self._sources.values())

    def __len__(self) -> int:
        return len(self._sources)
