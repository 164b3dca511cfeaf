"""Who says what: a document's claims, who asserts each (attribution), claim kinds, and facets
carried from the context of a sentence."""

from __future__ import annotations

from verify.claims.extraction import extract_claims, type_documents

__all__ = [
    "extract_claims",
    "type_documents",
]
