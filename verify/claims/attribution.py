"""Who asserts what: split a document into claims and attribute each to a source.

For each sentence (or contrastive clause) we look for a reporting cue ("أفاد", "بحسب", "said",
"according to"...) and the registry source named next to it: after the cue in Arabic (verb-first
"أعلنت الفصائل"), before it in English ("CENTCOM said"), and on either side when the first place is
empty. A spokesman stands for the body he speaks for ("المتحدث باسمها" is the group named before).
A cue with nobody named ("وأضاف", "he added") continues the last named speaker; a cue naming an
unregistered speaker ("a local source said") keeps that speaker as written, typed by what its words
say it is ("a local monitoring group": independent; :mod:`verify.claims.speakertypes`), else
``unknown``; a sentence with no cue belongs to the document's own source.

The claim's ``kind`` comes from cue words: an attack or toll verb makes it an ``event`` (unless the
verb sits right after a pledge, "vowed to strike"), a pledge or threat without one an ``intent``,
and motive or opinion statements ``other``. Cue lists live in ``data/attribution.json``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from verify.bundled import bundled_json
from verify.claims.speakertypes import source_pieces, speaker_type
from verify.records import Attribution, ClaimKind, Document, Source, SourceType
from verify.text import has_arabic, normalize_arabic, split_clauses

UNKNOWN_PUBLISHER = "unknown publisher"
_TOKEN = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640']+")
_SPEAKER_WINDOW = 7
# "no damage was reported" names no speaker: a passive reporting verb is not a cue.
_PASSIVE = frozenset({"was", "were", "is", "are", "be", "been", "being"})


class MentionLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def id(self) -> str: ...


class Registry(Protocol):
    def find_mentions(self, text: str) -> Sequence[MentionLike]: ...
    def get(self, source_id: str) -> Source: ...
    def lookup(self, name: str) -> Source | None: ...


@dataclass(frozen=True)
class AttributedSpan:
    """A claim span of a document with its attribution and kind."""

    start: int
    end: int
    text: str
    attribution: Attribution
    kind: ClaimKind
    self_claim: bool = False
    """The speaker speaks of its own action ("أعلنت الفصائل أنها قصفت", "the group said it fired")."""


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str


@dataclass(frozen=True)
class Cues:
    """Normalised cue sets loaded from ``data/attribution.json``."""

    reporting: frozenset[str]
    continuation: frozenset[str]
    complementizers: frozenset[str]
    pronoun_spokesman: tuple[tuple[str, ...], ...]
    speaker_stopwords: frozenset[str]
    event_verbs: frozenset[str]
    event_nouns: frozenset[str]
    speaker_follows: frozenset[str]
    self_reference: frozenset[str]
    intent: frozenset[str]
    opinion: tuple[tuple[str, ...], ...]
    motive: tuple[tuple[str, ...], ...]
    no_comment: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    return normalize_arabic(word).casefold().strip("'")


def _words(entries: dict[str, list[str]]) -> frozenset[str]:
    return frozenset(_key(w) for ws in entries.values() for w in ws if " " not in w)


def _phrases(entries: dict[str, list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_key(t) for t in w.split()) for ws in entries.values() for w in ws)


@cache
def load_cues() -> Cues:
    """The built-in cue lexicon."""
    raw = bundled_json("attribution.json")
    return Cues(
        reporting=_words(raw["reporting_verbs"]),
        continuation=_words(raw["continuation_verbs"]),
        complementizers=_words(raw["complementizers"]),
        pronoun_spokesman=_phrases(raw["pronoun_spokesman"]),
        speaker_stopwords=_words(raw["speaker_stopwords"]),
        event_verbs=_words(raw["event_verbs"]),
        event_nouns=_words(raw["event_nouns"]),
        speaker_follows=_words(raw["speaker_follows"]),
        self_reference=_words(raw["self_reference"]),
        intent=_words(raw["intent_cues"]) | {p[0] for p in _phrases(raw["intent_cues"])},
        opinion=_phrases(raw["opinion_cues"]),
        motive=_phrases(raw["motive_cues"]),
        no_comment=_phrases(raw["no_comment_cues"]),
    )


def _tokens(text: str, offset: int = 0) -> list[_Token]:
    return [_Token(m.start() + offset, m.end() + offset, _key(m.group())) for m in _TOKEN.finditer(text)]


_CLITICS = ("وبال", "فبال", "وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل")
_CLITIC_FIRST = frozenset(c[0] for c in _CLITICS)


@lru_cache(maxsize=1 << 16)
def _in(key: str, words: frozenset[str]) -> bool:
    """Word membership allowing attached Arabic conjunctions, prepositions and the article."""
    if key in words:
        return True
    if key[:1] not in _CLITIC_FIRST:  # most words, every Latin one: no clitic to strip
        return False
    return any(key.startswith(c) and len(key) - len(c) > 2 and key[len(c) :] in words for c in _CLITICS)


def _has_phrase(keys: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return _phrase_at(keys, phrases) is not None


def _phrase_at(keys: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> int | None:
    """The first token position where one of ``phrases`` starts (a leading و/ف allowed), if any."""
    stripped = [k[1:] if len(k) > 2 and k[0] in "وف" else k for k in keys]
    for i in range(len(keys)):
        for phrase in phrases:
            n = len(phrase)
            if tuple(keys[i : i + n]) == phrase or tuple(stripped[i : i + n]) == phrase:
                return i
    return None


_SILENCE_GAP = 3  # words a subject may put between 'declined' and 'to comment' (Arabic VSO order)


def _gapped_at(keys: Sequence[str], phrases: tuple[tuple[str, ...], ...], gap: int) -> int | None:
    """Like :func:`_phrase_at`, with up to ``gap`` other words between a phrase's words."""
    stripped = [k[1:] if len(k) > 2 and k[0] in "وف" else k for k in keys]
    best: int | None = None
    for phrase in phrases:
        for i, (key, bare) in enumerate(zip(keys, stripped, strict=True)):
            if phrase[0] not in (key, bare) or (best is not None and i >= best):
                continue
            at = i
            for word in phrase[1:]:
                window = range(at + 1, min(len(keys), at + 2 + gap))
                at = next((j for j in window if word in (keys[j], stripped[j])), -1)
                if at < 0:
                    break
            if at >= 0:
                best = i
                break
    return best


def classify_kind(text: str, cues: Cues | None = None) -> ClaimKind:
    """``event``, ``intent`` or ``other`` for one claim span."""
    cues = cues or load_cues()
    keys = [t.key for t in _tokens(text)]
    if _has_phrase(keys, cues.motive):
        return ClaimKind.OTHER
    intent_at = {i for i, k in enumerate(keys) if _in(k, cues.intent)}
    event_at = [
        i
        for i, k in enumerate(keys)
        if _in(k, cues.event_verbs) and not any(i - d in intent_at for d in (1, 2, 3))
    ]
    # An opinion frames what follows it ("analysts believe the strike killed ..."); one after the
    # event is reported ("... were killed, and the toll will likely rise") leaves the event stated.
    # So does a party's silence ("it did not comment on the strike in ..."): no event is stated.
    for at in (_phrase_at(keys, cues.opinion), _gapped_at(keys, cues.no_comment, _SILENCE_GAP)):
        if at is not None and not (event_at and event_at[0] < at):
            return ClaimKind.OTHER
    if event_at:
        return ClaimKind.EVENT
    if intent_at:
        return ClaimKind.INTENT
    # "X announced two drone attacks": an event reported through its nouns alone.
    if any(_in(k, cues.event_nouns) for k in keys):
        return ClaimKind.EVENT
    return ClaimKind.OTHER


def _within(mentions: Sequence[MentionLike], lo: int, hi: int) -> list[MentionLike]:
    """The mentions (disjoint, in text order) inside ``[lo, hi)``, found by binary search."""
    i = bisect.bisect_left(mentions, lo, key=lambda m: m.start)
    inside = []
    while i < len(mentions) and mentions[i].start < hi:
        if mentions[i].end <= hi:
            inside.append(mentions[i])
        i += 1
    return inside


def _source_attribution(source: Source, speaker: str) -> Attribution:
    return Attribution(source.name, source.source_type, source.side, speaker)


def _source_of_line(source: str, registry: Registry) -> Source | SourceType:
    """The registry source a document's source line names, else the type its words give.

    'X security spokesman, via Y': the speaker comes first and the outlets that relayed it after;
    the first part that names a registry source (as a whole or by one name inside it) or says
    what it is ('a senior official') decides.
    """
    pieces = source_pieces(source)
    known = registry.lookup(source) if len(pieces) <= 1 else None
    if known is not None:
        return known
    for piece in pieces:
        known = registry.lookup(piece)
        if known is None:
            ids = {m.id for m in registry.find_mentions(piece)}
            known = registry.get(ids.pop()) if len(ids) == 1 else None
        if known is not None:
            return known
        if (kind := speaker_type(piece)) != SourceType.UNKNOWN:
            return kind
    return SourceType.UNKNOWN


def document_attribution(document: Document, registry: Registry) -> Attribution:
    """The attribution of text nobody is named as asserting: the document's own source."""
    if not document.source:
        return Attribution(UNKNOWN_PUBLISHER, document.source_type, document.side)
    known = _source_of_line(document.source, registry)
    if isinstance(known, SourceType):
        source_type = document.source_type if document.source_type != SourceType.UNKNOWN else known
        return Attribution(document.source, source_type, document.side)
    source_type = document.source_type if document.source_type != SourceType.UNKNOWN else known.source_type
    return Attribution(known.name, source_type, document.side or known.side, document.source)


_NOUN_PHRASE_PREPOSITIONS = frozenset({"in", "of", "at", "from", "for"})
"""Prepositions an English speaker's noun phrase may hold ('a doctor in the city said')."""
_ARTICLES = frozenset({"the", "a", "an"})
_INVERSION_MARKS = frozenset(",\"'”’")
"""What stands before an English reporting verb whose speaker follows it ('"...," said X')."""


class _Speakers:
    """Finds the speaker of one span; remembers the last speaker and group across spans."""

    def __init__(self, registry: Registry, cues: Cues) -> None:
        self.registry = registry
        self.cues = cues
        self.last_speaker: Attribution | None = None
        self.last_group: Source | None = None
        self.self_claim = False
        self._text = ""

    def attribute(self, text: str, offset: int) -> Attribution | None:
        self._text = text
        tokens = _tokens(text, offset)
        mentions = [m for m in self.registry.find_mentions(text)]
        arabic = has_arabic(text)
        cue_positions = [
            i
            for i, t in enumerate(tokens)
            if _in(t.key, self.cues.reporting) and not (i and tokens[i - 1].key in _PASSIVE)
        ]
        found: Attribution | None = None
        self.self_claim = False
        for i in cue_positions:
            found = self._speaker_at(tokens, i, mentions, offset, arabic)
            if found:
                self.self_claim = any(t.key in self.cues.self_reference for t in tokens[i + 1 : i + 12])
                break
        if found is None and cue_positions:
            found = self._unnamed(tokens, cue_positions[0], arabic, text, offset)
        party = [m for m in mentions if self.registry.get(m.id).source_type == SourceType.PARTY]
        if party:
            self.last_group = self.registry.get(party[-1].id)
        if found is not None:
            self.last_speaker = found
        return found

    def _speaker_at(
        self, tokens: list[_Token], i: int, mentions: Sequence[MentionLike], offset: int, arabic: bool
    ) -> Attribution | None:
        follows = tokens[i].key in self.cues.speaker_follows
        skip = 2 if follows and i + 1 < len(tokens) and tokens[i + 1].key == "to" else 1
        after = self._window(tokens, i + skip, 1)
        before = None if follows else self._window(tokens, i - 1, -1)
        spokesman = self._pronoun_spokesman(tokens, i + 1)
        if spokesman and self.last_group_in(mentions, tokens[i].start - offset):
            group = self.last_group_in(mentions, tokens[i].start - offset)
            assert group is not None
            return _source_attribution(group, spokesman)
        # English puts the speaker after the verb only in an inversion ('..., said the ministry',
        # 'according to X'): after 'an official said', a name is what the official said it about.
        preceding = self._text[: tokens[i].start - offset].rstrip()
        inverted = follows or not preceding or preceding[-1] in _INVERSION_MARKS
        order = (after, before) if arabic else (before, after) if inverted or before is None else (before,)
        for window in order:
            if window is None:
                continue
            inside = _within(mentions, window[0] - offset, window[1] - offset)
            if inside:
                # The nearest name to an English verb; the head of the subject in Arabic. An
                # English subject followed by an apposition ("X, an umbrella group of Y, said")
                # is the first name, not the one inside the apposition.
                pick = inside[0] if window is after or arabic else inside[-1]
                if not arabic and window is before:
                    pick = self._appositive_head(mentions, tokens[i].start - offset) or pick
                return _source_attribution(self.registry.get(pick.id), pick.text)
        if spokesman and self.last_group is not None:
            return _source_attribution(self.last_group, spokesman)
        return None

    def _appositive_head(self, mentions: Sequence[MentionLike], cue: int) -> MentionLike | None:
        """The name before an apposition that ends at the cue: "X, an umbrella group of Y, said"."""
        head = self._text[:cue].rstrip()
        if not head.endswith(","):
            return None
        opening = head[:-1].rfind(",")
        named = [m for m in mentions if m.end <= opening and not self._text[m.end : opening].strip()]
        return named[-1] if named else None

    def last_group_in(self, mentions: Sequence[MentionLike], before: int) -> Source | None:
        for m in reversed(mentions[: bisect.bisect_right(mentions, before, key=lambda m: m.end)]):
            source = self.registry.get(m.id)
            if source.source_type == SourceType.PARTY:
                return source
        return None

    def _window(self, tokens: list[_Token], j: int, step: int) -> tuple[int, int] | None:
        """Character range of up to _SPEAKER_WINDOW tokens from j, stopping at a complementizer."""
        picked: list[_Token] = []
        while 0 <= j < len(tokens) and len(picked) < _SPEAKER_WINDOW:
            if tokens[j].key in self.cues.complementizers or _in(tokens[j].key, self.cues.reporting):
                break
            picked.append(tokens[j])
            j += step
        if not picked:
            return None
        return min(t.start for t in picked), max(t.end for t in picked)

    def _pronoun_spokesman(self, tokens: list[_Token], j: int) -> str | None:
        keys = [t.key for t in tokens[j : j + 4]]
        for phrase in self.cues.pronoun_spokesman:
            if tuple(keys[: len(phrase)]) == phrase:
                return " ".join(phrase)
        return None

    def _unnamed(
        self, tokens: list[_Token], i: int, arabic: bool, text: str, offset: int
    ) -> Attribution | None:
        cue = tokens[i].key
        forward = arabic or cue in self.cues.speaker_follows
        start = (
            i + 2 if not arabic and forward and tokens[i + 1 : i + 2] and tokens[i + 1].key == "to" else i + 1
        )
        neighbours = tokens[start : start + 5] if forward else list(reversed(tokens[max(0, i - 5) : i]))
        phrase: list[_Token] = []
        for n, t in enumerate(neighbours):
            if t.key in self.cues.complementizers or _in(t.key, self.cues.reporting):
                break
            if not forward and phrase:
                # An English subject ends at a comma ('On Tuesday, police said') but holds its
                # prepositional phrase ('police in the province said', 'an official at the ministry').
                if re.search(r"[,;:()]", text[t.end - offset : phrase[-1].start - offset]):
                    break
                if t.key in _NOUN_PHRASE_PREPOSITIONS:
                    phrase.append(t)
                    continue
                following = neighbours[n + 1 : n + 2]
                if t.key in _ARTICLES and following and following[0].key in _NOUN_PHRASE_PREPOSITIONS:
                    continue  # 'in the province': the article inside the phrase, not its start
            # "أفادت مصادر محلية بسماع دوي": the speaker ends where a prepositional phrase begins.
            if arabic and phrase and t.key[:1] in "بل" and not _in(t.key, self.cues.speaker_stopwords):
                break
            if t.key not in self.cues.speaker_stopwords:
                phrase.append(t)
            elif phrase:
                break
        while phrase and phrase[-1].key in _NOUN_PHRASE_PREPOSITIONS:
            phrase.pop()
        pronoun = not arabic and bool(phrase) and phrase[0].key in {"he", "she", "it", "they", "we"}
        if _in(cue, self.cues.continuation) or pronoun or not phrase:
            return self.last_speaker
        start, end = min(t.start for t in phrase), max(t.end for t in phrase)
        speaker = text[start - offset : end - offset]
        return Attribution(speaker, speaker_type(speaker), None, speaker)


def attribute(document: Document, registry: Registry, cues: Cues | None = None) -> list[AttributedSpan]:
    """Split ``document`` into claim spans, each with who asserts it and its kind."""
    cues = cues or load_cues()
    own = document_attribution(document, registry)
    speakers = _Speakers(registry, cues)
    spans = []
    for span in split_clauses(document.text):
        who = speakers.attribute(span.text, span.start)
        kind = classify_kind(span.text, cues)
        if who is None:
            spans.append(AttributedSpan(span.start, span.end, span.text, own, kind))
        else:
            spans.append(AttributedSpan(span.start, span.end, span.text, who, kind, speakers.self_claim))
    return spans
