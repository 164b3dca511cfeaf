"""Reading registry data files: the bundled data folder and checked fields of JSON entries.

Shared by the source registry and the place gazetteer, whose files have the same shape: an object
with a list of items, each with a unique string ``id``. A malformed file is a ``ConfigError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from verify.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def read_entries(path: Path, list_key: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The ``list_key`` list of a registry JSON file (each item an object with a string id)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        raise ConfigError(f"{path}: expected an object with a {list_key!r} list")
    seen: set[str] = set()
    for n, item in enumerate(data[list_key]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ConfigError(f"{path}: {list_key}[{n}] needs a non-empty string 'id'")
        if item["id"] in seen:
            raise ConfigError(f"{path}: duplicate id {item['id']!r}")
        seen.add(item["id"])
    return data[list_key], data


def string_list(path: Path, item: Mapping[str, Any], field: str) -> tuple[str, ...]:
    """A list-of-strings field of a registry item (missing means empty)."""
    value = item.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {item['id']!r}: {field!r} must be a list of strings")
    return tuple(value)


def optional_str(path: Path, item: Mapping[str, Any], field: str, required: bool = False) -> str | None:
    """A string field of a registry item; ``None`` when absent and not required."""
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {item['id']!r}: {field!r} must be a non-empty string")
    return value
