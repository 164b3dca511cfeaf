"""Per-claim views and the scoring of one pair of event claims: the reference rules.

Each event claim is reduced to a :class:`PairView` of the facets pair scoring compares, with
place names stripped of their generic words. :class:`PairRules` holds the rules, cannot-link
constraints and bonuses, and memoises the entity similarity; :func:`pair_distance` turns them
into the distance clustering uses. :mod:`verify.match.pairarrays` computes the same distances for
many pairs at once and is tested against this module bit for bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from verify.match.config import MatchConfig, weapons_compatible
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

    def cannot_link(self, a: PairView, b: PairView, sides: tuple[str | None, str | None]) -> bool:
        """True when a facet rules out that the two claims report one incident."""
        c = self.config
        if a.date is not None and b.date is not None and abs((a.date - b.date).days) > c.date_window_days:
            return True
        for event, other in ((a, b), (b, a)):
            # Nothing is reported before it happens.
            if (
                event.date is not None
                and other.date is None
                and other.published is not None
                and (event.date - other.published).days > c.date_window_days
            ):
                return True
        if (
            c.published_window_days is not None
            and a.date is None
            and b.date is None
            and a.published is not None
            and b.published is not None
            and abs((a.published - b.published).days) > c.published_window_days
        ):
            return True
        if (
            a.target is not None
            and b.target is not None
            and self.sim(a.target, b.target) < c.different_entity
        ):
            both_canonical = a.target.canonical and b.target.canonical
            if not (both_canonical and self.related(a.target.raw, b.target.raw)):
                return True
        if a.weapon is not None and b.weapon is not None and not weapons_compatible(a.weapon, b.weapon, c):
            return True
        return sides[0] is not None and sides[1] is not None and sides[0] != sides[1]

    def score(self, cosine: float, a: PairView, b: PairView) -> float:
        """Cosine plus the bonuses of agreeing facets, capped at 1."""
        c = self.config
        # Rounded so that a pair exactly at the threshold (say cosine 0 plus 0.70 of bonuses)
        # falls the same way whichever BLAS routine, batch size or cache round-trip produced
        # its vectors (those move a cosine by up to ~1e-7).
        score = max(0.0, round(cosine, 6))
        if a.lang != b.lang and "und" not in (a.lang, b.lang):
            score += c.cross_language_bonus
        if self._places_match(a, b):
            score += c.target_bonus
        elif a.location and b.location and self.sim(a.location, b.location) >= c.same_entity:
            score += c.location_bonus
        if a.date is not None and b.date is not None:
            score += c.date_bonus  # cannot_link already removed dates outside the window
        if a.weapon is not None and b.weapon is not None and self._same_weapon(a.weapon, b.weapon):
            score += c.weapon_bonus
        if a.actor and b.actor and self.sim(a.actor, b.actor) >= c.same_entity:
            score += c.actor_bonus
        return min(1.0, score)

    def _same_weapon(self, a: Weapon, b: Weapon) -> bool:
        # A wildcard ("explosion") is compatible with anything but is no evidence of agreement.
        return a == b or frozenset((a, b)) in self.config.compatible_weapons

    def _places_match(self, a: PairView, b: PairView) -> bool:
        for x, y in ((a.target, b.target), (a.target, b.location), (a.location, b.target)):
            if x is not None and y is not None and self.sim(x, y) >= self.config.same_entity:
                return True
        return False


def pair_distance(
    pairs: PairRules, views: Sequence[PairView], sides: Sequence[str | None], a: int, b: int, cosine: float
) -> float:
    """One pair's distance: the reference :func:`verify.match.pairarrays.pair_distances` computes for
    many at once."""
    if pairs.cannot_link(views[a], views[b], (sides[a], sides[b])):
        return APART
    return 1.0 - pairs.score(cosine, views[a], views[b])
