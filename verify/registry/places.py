"""The place gazetteer: bases, fields, cities, regions, countries and seas, each with its parent.

Bundled in ``data/places.json``; a user file of the same shape adds places or overrides them by id.
Matching (in-text finding and fuzzy lookup across scripts) is the shared ``AliasIndex``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verify.errors import ConfigError
from verify.registry.aliases import AliasIndex, Mention
from verify.registry.entries import DATA_DIR, optional_str, read_entries, string_list

KINDS = frozenset({"base", "airport", "field", "city", "region", "country", "sea"})


@dataclass(frozen=True)
class Place:
    """A gazetteer entry; ``parent`` is the id of the smallest place that contains it."""

    id: str
    name: str
    name_ar: str
    kind: str
    parent: str | None
    aliases: tuple[str, ...]
    lookup_only: tuple[str, ...] = ()
    """Names ``lookup`` accepts that are common words in running text ('حرير' is also 'silk')."""


def _parse_place(path: Path, item: Mapping[str, Any]) -> Place:
    name = optional_str(path, item, "name", required=True)
    name_ar = optional_str(path, item, "name_ar", required=True)
    assert name is not None and name_ar is not None
    kind = item.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{path}: {item['id']!r}: 'kind' must be one of {', '.join(sorted(KINDS))}")
    parent = optional_str(path, item, "parent")
    aliases = tuple(dict.fromkeys((name, name_ar, *string_list(path, item, "aliases"))))
    return Place(item["id"], name, name_ar, kind, parent, aliases, string_list(path, item, "lookup_only"))


def _check_tree(places: Mapping[str, Place], where: str) -> None:
    for place in places.values():
        if place.parent is not None and place.parent not in places:
            raise ConfigError(f"{where}: {place.id!r}: unknown parent {place.parent!r}")
        seen = {place.id}
        parent = place.parent
        while parent is not None:
            if parent in seen:
                raise ConfigError(f"{where}: {place.id!r}: parent chain loops back to {parent!r}")
            seen.add(parent)
            parent = places[parent].parent


class Gazetteer:
    """Places with their containment tree and bilingual aliases."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._places = {p.id: p for p in places}
        _check_tree(self._places, "gazetteer")
        self._index = AliasIndex(
            ((p.id, p.aliases) for p in self._places.values()),
            ((p.id, p.lookup_only) for p in self._places.values()),
        )

    @classmethod
    def load(cls, extra: str | os.PathLike[str] | None = None) -> Gazetteer:
        """The bundled gazetteer, with places of the user file ``extra`` added or overriding by id."""
        places: dict[str, Place] = {}
        paths = [DATA_DIR / "places.json", *([Path(extra)] if extra is not None else [])]
        for path in paths:
            items, _ = read_entries(path, "places")
            places.update((item["id"], _parse_place(path, item)) for item in items)
        _check_tree(places, str(paths[-1]))
        return cls(places.values())

    def get(self, place_id: str) -> Place:
        """The place with this id (KeyError when unknown)."""
        return self._places[place_id]

    def find(self, text: str) -> list[Mention]:
        """Place mentions in running text; ``Mention.id`` is the place id."""
        return self._index.find(text)

    def lookup(self, name: str) -> Place | None:
        """The place a name refers to; for a phrase naming nested places, the innermost one."""
        place_id = self._index.lookup(name)
        if place_id is None:
            # 'Harir base in Erbil' names two places on one chain: the innermost is meant
            ids = {m.id for m in self._index.find(name)}
            inner = [i for i in ids if all(j == i or j in self.ancestors(i) for j in ids)]
            place_id = inner[0] if len(inner) == 1 else None
        return self._places[place_id] if place_id else None

    def ancestors(self, place_id: str) -> list[str]:
        """Ids of the places containing ``place_id``, innermost first (not including itself)."""
        chain = []
        parent = self._places[place_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self._places[parent].parent
        return chain

    def related(self, a_id: str, b_id: str) -> bool:
        """True when the two places are the same or one contains the other."""
        return a_id == b_id or a_id in self.ancestors(b_id) or b_id in self.ancestors(a_id)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)
