"""The source registry: known sources with their type, side and aliases in both scripts.

``SourceRegistry`` loads the bundled ``data/sources.json`` plus an optional user file of the same
shape, and finds or looks up sources through an :class:`~verify.registry.aliases.AliasIndex`. Name keys and
entity similarity are in :mod:`verify.registry.namekeys`, the registry-file readers in
:mod:`verify.registry.entries`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from verify.errors import ConfigError
from verify.records import Source, SourceType
from verify.registry.aliases import AliasIndex, Mention
from verify.registry.entries import DATA_DIR, optional_str, read_entries, string_list
from verify.text import clitic_stems, fold_key


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
    flags = {key: item.get(key, False) for key in ("umbrella", "outlet")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {item['id']!r}: {key!r} must be true or false")
    return Source(
        item["id"], name, source_type, side, tuple(dict.fromkeys(names)), flags["umbrella"], flags["outlet"]
    )


def _lookup_only(path: Path, items: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    return {item["id"]: string_list(path, item, "lookup_only") for item in items}


def _parse_shared(path: Path, data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """``shared_names``: bare names (folded) and the source ids they may stand for, default first."""
    out: dict[str, tuple[str, ...]] = {}
    for entry in data.get("shared_names", []):
        entry = entry if isinstance(entry, dict) else {}
        names, ids = entry.get("names"), entry.get("sources")
        if not (isinstance(names, list) and isinstance(ids, list) and len(ids) >= 2):
            raise ConfigError(f"{path}: each 'shared_names' entry needs 'names' and two or more 'sources'")
        out.update((fold_key(str(n)), tuple(str(i) for i in ids)) for n in names)
    return out


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
        shared: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """``lookup_only``: per source id, names ``lookup`` accepts but ``find_mentions`` ignores.

        ``shared``: bare names (folded) that stand for any of several sources, the default first.
        """
        self._sources = {s.id: s for s in sources}
        self._shared = {k: v for k, v in (shared or {}).items() if all(i in self._sources for i in v)}
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
        shared: dict[str, tuple[str, ...]] = {}
        for path in [DATA_DIR / "sources.json", *([Path(extra)] if extra is not None else [])]:
            items, data = read_entries(path, "sources")
            sources.update((item["id"], _parse_source(path, item)) for item in items)
            lookup_only.update(_lookup_only(path, items))
            oppositions |= _parse_oppositions(path, data)
            shared.update(_parse_shared(path, data))
        return cls(sources.values(), oppositions, lookup_only, shared)

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

    def shared_by(self, name: str) -> tuple[Source, ...]:
        """The sources a bare shared name may stand for ('the coalition'), default first; () if none."""
        key = fold_key(name)
        ids = self._shared.get(key) or next(
            (self._shared[k] for k in sorted(clitic_stems(key)) if k in self._shared), ()
        )
        return tuple(self._sources[i] for i in ids)

    def sides_named(self, text: str) -> frozenset[str]:
        """The sides (else ids) of the sources ``text`` names by a name of their own, not a shared one."""
        mentions = self.find_mentions(text)
        return frozenset(self._sources[m.id].side or m.id for m in mentions if not self.shared_by(m.text))

    def in_context(self, name: str, named: frozenset[str]) -> Source | None:
        """The source a shared ``name`` stands for where ``named`` (:meth:`sides_named`) are named.

        'التحالف' is the US-led coalition by default; in a report that names the Saudi-led
        coalition's side (Riyadh, its spokesman, Saudi state media) and not the other's, it is that one.
        None when ``name`` is not shared or the sides named do not tell.
        """
        told = [c for c in self.shared_by(name) if (c.side or c.id) in named]
        return told[0] if len(told) == 1 else None

    def opposing(self, side_a: str | None, side_b: str | None) -> bool:
        """True when the two sides are declared in conflict with each other."""
        if side_a is None or side_b is None:
            return False
        return frozenset((side_a, side_b)) in self._oppositions

    def __iter__(self) -> Iterator[Source]:
        return iter(self._sources.values())

    def __len__(self) -> int:
        return len(self._sources)
