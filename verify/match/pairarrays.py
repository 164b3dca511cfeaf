"""Pair scoring at array speed: :func:`pair_distances` of many pairs of event claims at once.

The views become integer columns (:func:`view_columns`) and the rules of
:class:`verify.match.pairscore.PairRules` run on whole arrays, asking the entity similarity once per
distinct pair of names. The result equals :func:`verify.match.pairscore.pair_distance` to the last bit,
which the tests check on every pair.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from verify.match.config import MatchConfig, weapons_compatible
from verify.match.pairscore import APART, NameKey, PairRules, PairView
from verify.records import Weapon


def _ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date is not None else -1


@dataclass(frozen=True)
class ViewColumns:
    """The views and attacker sides of event claims as arrays (-1: unknown), for :func:`pair_distances`."""

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


def view_columns(views: Sequence[PairView], sides: Sequence[str | None]) -> ViewColumns:
    keys: dict[str, int] = {}
    raws: dict[str, int] = {}
    codes: dict[str | None, int] = {None: -1}

    def key(name: NameKey | None) -> int:
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
    return ViewColumns(
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


def key_similarities(
    pairs: PairRules, keys: Sequence[str], x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """``pairs.key_sim`` of each ``(keys[x[k]], keys[y[k]])``, asked once per distinct pair."""
    if not len(x):
        return np.zeros(0, dtype=np.float64)
    codes, inverse = np.unique(x * len(keys) + y, return_inverse=True)
    values = [pairs.key_sim(keys[c // len(keys)], keys[c % len(keys)]) for c in codes.tolist()]
    found: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)[inverse.reshape(-1)]
    return found


def _close(
    pairs: PairRules,
    keys: Sequence[str],
    x: npt.NDArray[np.int64],
    y: npt.NDArray[np.int64],
    where: npt.NDArray[np.bool_],
    threshold: float,
) -> npt.NDArray[np.bool_]:
    """Where ``where`` and both names are known: whether they are alike to ``threshold``."""
    out = np.zeros(len(x), dtype=np.bool_)
    ask = where & (x >= 0) & (y >= 0)
    out[ask] = key_similarities(pairs, keys, x[ask], y[ask]) >= threshold
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


def pair_distances(
    pairs: PairRules,
    cols: ViewColumns,
    matrix: npt.NDArray[np.float64],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """:func:`verify.match.pairscore.pair_distance` of every pair ``(a[k], b[k])``, to the last bit, at
    array speed.

    The rules run in the order ``cannot_link`` and ``score`` run them, so entity similarities
    are asked of the same pairs; bonuses are added in the same order, and the cosine is rounded
    as Python's ``round`` rounds it (numpy's ``round`` takes some halves the other way).
    """
    c = pairs.config
    out = np.full(len(a), APART, dtype=np.float64)
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
    compatible, same = weapon_tables(c)
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
def weapon_tables(config: MatchConfig) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """By positions in ``list(Weapon)``: whether two weapons are compatible, and whether they agree."""
    compatible = np.asarray([[weapons_compatible(x, y, config) for y in _WEAPONS] for x in _WEAPONS])
    same = np.asarray(
        [[x == y or frozenset((x, y)) in config.compatible_weapons for y in _WEAPONS] for x in _WEAPONS]
    )
    return compatible, same
