"""Incident titles: a short English title from the facets of an incident's claims."""

from __future__ import annotations

from collections.abc import Sequence

from verify.records import Claim, Entity, Weapon
from verify.text import has_arabic

_WEAPON_PHRASE = {
    Weapon.ROCKET: "Rocket attack",
    Weapon.MISSILE: "Missile attack",
    Weapon.DRONE: "Drone attack",
    Weapon.AIRSTRIKE: "Airstrike",
    Weapon.ARTILLERY: "Artillery shelling",
    Weapon.MORTAR: "Mortar attack",
    Weapon.GUNFIRE: "Gunfire",
    Weapon.EXPLOSIVE: "Explosion",
    Weapon.CHEMICAL: "Chemical attack",
    Weapon.BARREL_BOMB: "Barrel bombing",
    Weapon.CAR_BOMB: "Car bombing",
    Weapon.SUICIDE_ATTACK: "Suicide attack",
    Weapon.SNIPER: "Sniper fire",
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
