"""Claim views as arrays, for pair features at array speed.

The views become integer columns (:func:`view_columns`); :func:`key_similarities` asks the
entity similarity once per distinct pair of names; :func:`weapon_tables` says which weapons
agree. The same-incident model's features (:mod:`verify.match.incident_model`) read them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from verify.match.config import MatchConfig, weapons_compatible
from verify.match.pairscore import NameKey, PairRules, PairView
from verify.records import Weapon


def _ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date is not None else -1


@dataclass(frozen=True)
class ViewColumns:
    """The views and attacker sides of event claims as arrays (-1: unknown), for pair features."""

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


@functools.cache
def weapon_tables(config: MatchConfig) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """By positions in ``list(Weapon)``: whether two weapons are compatible, and whether they agree."""
    compatible = np.asarray([[weapons_compatible(x, y, config) for y in _WEAPONS] for x in _WEAPONS])
    same = np.asarray(
        [[x == y or frozenset((x, y)) in config.compatible_weapons for y in _WEAPONS] for x in _WEAPONS]
    )
    return compatible, same
