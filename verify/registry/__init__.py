"""Reference data: the source registry, aliases found in running text, name keys and entity
similarity, the gazetteer, and the :class:`Knowledge` a run loads from them."""

from __future__ import annotations

from verify.registry.aliases import AliasIndex, Mention
from verify.registry.knowledge import Knowledge, Settings
from verify.registry.namekeys import Similarity, entity_similarity, fold
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

__all__ = [
    "AliasIndex",
    "Gazetteer",
    "Knowledge",
    "Mention",
    "Settings",
    "Similarity",
    "SourceRegistry",
    "entity_similarity",
    "fold",
]
