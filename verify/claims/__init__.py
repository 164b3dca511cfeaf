"""Who says what: a document's claims, who asserts each, and their kinds.

::

    extraction.py   a document -> its attributed claims, with facets for the events
    attribution.py  split into claims and attribute each to a source
    context.py      facets a sentence leaves to its context ("the factions added that ...")
    speakertypes.py what an unregistered speaker is, from its words ("a local monitoring group")
"""

from __future__ import annotations

from verify.claims.extraction import extract_claims, type_documents

__all__ = [
    "extract_claims",
    "type_documents",
]
