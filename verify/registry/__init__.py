"""Reference data: the sources and places every stage after reading consults.

::

    sources.py    the source registry: type, side and aliases in both scripts
    aliases.py    registry names found in running text (clitics, tashkeel, both scripts)
    namekeys.py   matching keys for names, and entity similarity (:data:`Similarity`)
    places.py     the gazetteer: places and what contains them (town -> province -> country:
                  ``Gazetteer.within``, ``province_of``, ``country_of``, ``name_within``)
    entries.py    the bundled data folder and checked fields of registry files
    knowledge.py  a run's :class:`Settings` and the :class:`Knowledge` loaded from them
"""

from __future__ import annotations

from verify.registry.aliases import AliasIndex, Mention
from verify.registry.knowledge import Knowledge, Settings
from verify.registry.namekeys import Similarity, entity_similarity, fold, skeleton
from verify.registry.places import KINDS, Gazetteer, Place
from verify.registry.sources import SourceRegistry

__all__ = [
    "KINDS",
    "AliasIndex",
    "Gazetteer",
    "Knowledge",
    "Mention",
    "Place",
    "Settings",
    "Similarity",
    "SourceRegistry",
    "entity_similarity",
    "fold",
    "skeleton",
]
