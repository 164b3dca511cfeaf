"""The incremental SQLite store (``verify run --store``).

::

    db.py        :class:`Store`: open, load, save; the code fingerprint
    state.py     what a store holds and what a run must recompute (pure)
    rows.py      the tables as rows of JSON text
    snapshot.py  the snapshot a run reads faster than the rows
    changes.py   what a run changed since the last one
"""

from __future__ import annotations

from verify.store.changes import describe, diff_runs
from verify.store.db import Store, add_changes, fingerprint
from verify.store.state import Plan, Saved, Stored, merge_reviews, plan_documents, text_hash

__all__ = [
    "Plan",
    "Saved",
    "Store",
    "Stored",
    "add_changes",
    "describe",
    "diff_runs",
    "fingerprint",
    "merge_reviews",
    "plan_documents",
    "text_hash",
]
