"""The data files shipped inside the package (``verify/data/``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def bundled_json(name: str) -> dict[str, Any]:
    """The JSON object in ``verify/data/<name>``, read afresh (callers cache what they derive)."""
    text = resources.files("verify").joinpath(f"data/{name}").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
