"""verify: cross-reference claims by parties to a conflict against independent reports."""

from __future__ import annotations

__version__ = "0.1.0"
