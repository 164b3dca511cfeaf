"""Facets of one claim: actor, weapon, count, target, place, time, outcome, casualties."""

from __future__ import annotations

from verify.facets.extract import extract_facets

__all__ = [
    "extract_facets",
]
