"""Per-claim views for pair scoring, and the memoised name look-ups pairs ask.

Each event claim is reduced to a :class:`PairView` of the facets pair features compare, with
place names stripped of their generic words. :class:`PairRules` memoises the entity similarity
and the gazetteer's containment, asked once per distinct pair of names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from verify.match.config import MatchConfig
from verify.records import Claim, Entity, Weapon
from verify.registry import Similarity
from verify.text import has_arabic, normalize_key

# Far enough that even an average over a large cluster stays above any threshold < 1.
APART = 1e6


@dataclass(frozen=True)
class NameKey:
    """An entity as compared: its key without generic words, and the name it came from."""

    key: str
    raw: str
    canonical: bool


@dataclass(frozen=True)
class PairView:
    """The facets of one event claim, reduced to what pair scoring compares."""

    lang: str
    date: dt.date | None
    published: dt.date | None
    weapon: Weapon | None
    target: NameKey | None
    """None when unknown, or when only generic words are left ("the base")."""
    location: NameKey | None
    actor: NameKey | None


def _name(entity: Entity | None, generic: frozenset[str]) -> NameKey | None:
    if entity is None:
        return None
    raw = entity.canonical or entity.text
    # Registry ids ("conoco_field") compare like names; \w would keep the underscore.
    words = [w for w in normalize_key(raw.replace("_", " ")).split() if not _generic(w, generic)]
    return NameKey(" ".join(words), raw, entity.canonical is not None) if words else None


def _generic(word: str, generic: frozenset[str]) -> bool:
    # Arabic glues conjunctions and prepositions to the word: "بقاعده" is "ب" + "قاعده".
    return word in generic or (has_arabic(word) and word[:1] in "وبلفك" and word[1:] in generic)


def pair_view(
    claim: Claim, config: MatchConfig, names: dict[tuple[Entity, bool], NameKey | None] | None = None
) -> PairView:
    """The claim's view; ``names`` memoises :func:`_name` (wire copy repeats the same places)."""
    f = claim.facets
    names = {} if names is None else names

    def name(entity: Entity | None, place: bool) -> NameKey | None:
        if entity is None:
            return None
        if (entity, place) not in names:
            names[(entity, place)] = _name(entity, config.generic_place_words if place else frozenset())
        return names[(entity, place)]

    return PairView(
        lang=claim.lang,
        date=f.time.date if f.time is not None else None,
        published=claim.published,
        weapon=f.weapon,
        target=name(f.target, True),
        location=name(f.location, True),
        actor=name(f.actor, False),
    )


class PairRules:
    """Scores and constraints for pairs of claim views, memoising the entity similarity."""

    def __init__(
        self,
        similarity: Similarity,
        config: MatchConfig,
        related_places: Callable[[str, str], bool] | None,
    ) -> None:
        self.similarity = similarity
        self.config = config
        self.related_places = related_places
        self._memo: dict[tuple[str, str], float] = {}
        self._related: dict[tuple[str, str], bool] = {}

    def related(self, a: str, b: str) -> bool:
        """``related_places(a, b)``, memoised: gazetteer look-ups dominate pair scoring otherwise."""
        if self.related_places is None:
            return False
        if (a, b) not in self._related:
            self._related[(a, b)] = self.related_places(a, b)
        return self._related[(a, b)]

    def sim(self, a: NameKey, b: NameKey) -> float:
        return self.key_sim(a.key, b.key)

    def key_sim(self, a: str, b: str) -> float:
        """The similarity of two name keys, memoised; symmetric, as it is asked in key order."""
        key = (a, b) if a <= b else (b, a)
        if key not in self._memo:
            self._memo[key] = 1.0 if a == b else float(self.similarity(*key))
        return self._memo[key]
