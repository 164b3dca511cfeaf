"""Facets of one event claim: actor, weapon, count, target, place, time, outcome, casualties.

::

    extract.py   :func:`extract_facets`: the extractors run in order over one claim
    entities.py  who and where: actor, target, location
    counts.py    what happened: weapon and count, outcome, casualties
    lexicon.py   lexicon matching the extractors share: phrase hits, word lists
"""

from __future__ import annotations

from verify.facets.extract import extract_facets, weapons_named

__all__ = [
    "extract_facets",
    "weapons_named",
]
