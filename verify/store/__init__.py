"""The incremental SQLite store: rows, snapshots, what a run must recompute, what changed."""

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
