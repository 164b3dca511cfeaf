"""JSON text as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it, several times faster.

The standard library's C encoder does not indent, so an indented dump runs its pure-Python
generator encoder, which costs more than a second on a report of 10k claims. This writer builds
the same text directly; strings and numbers are still encoded by the ``json`` module itself, and
any value it does not know (a non-string key, an unexpected type) goes to ``json.dumps`` whole,
so the result is the same text in every case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring

_INDENT = "  "


class _Unusual(Exception):
    """A value this writer leaves to ``json.dumps``."""


def dumps_indented(value: object, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, as it reads ``level`` levels deep in a
    larger document (every line after the first indented ``level`` more times)."""
    newline = "\n" + _INDENT * level
    parts: list[str] = []
    try:
        _write(value, newline, parts)
    except (_Unusual, RecursionError):
        # JSON text holds no raw line break outside its own layout, so indenting lines is safe.
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline)
    return "".join(parts)


def join_items(items: Sequence[str], level: int = 0) -> str:
    """An array at ``level`` from its items' texts (each ``dumps_indented(item, level + 1)``),
    as ``dumps_indented`` writes the list."""
    return "".join(array_chunks(items, level))


def array_chunks(items: Iterable[str], level: int = 0) -> Iterator[str]:
    """:func:`join_items`'s text in pieces, one per item, for items given one at a time."""
    outer = "\n" + _INDENT * level
    inner = outer + _INDENT
    lead = "[" + inner
    for item in items:
        yield lead + item
        lead = "," + inner
    yield "[]" if lead.startswith("[") else outer + "]"


def _write(value: object, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(json.dumps(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        lead = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual
            # Strings and nulls, most of a report, inline: a call per value is most of the cost.
            if type(item) is str:
                out.append(lead + encode_basestring(key) + ": " + encode_basestring(item))
            elif item is None:
                out.append(lead + encode_basestring(key) + ": null")
            else:
                out.append(lead + encode_basestring(key) + ": ")
                _write(item, inner, out)
            lead = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        lead = "[" + inner
        for item in value:
            if type(item) is str:
                out.append(lead + encode_basestring(item))
            else:
                out.append(lead)
                _write(item, inner, out)
            lead = "," + inner
        out.append(newline + "]")
    else:
        raise _Unusual
