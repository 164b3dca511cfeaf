"""Atomic file writes: a temp file beside the target, then one rename; spreadsheet-safe cells.

The one way the package replaces a file it writes (the report files, the store's exports, the
claims of ``verify extract``, a judged spreadsheet): a reader sees the old file or the new
one, never a torn one. :func:`neutralise` is the one guard of every CSV cell we write
(report.csv, the spreadsheet of ``verify pairs``) against formula injection.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def stage_temp(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> Path:
    """Write ``data`` (bytes, or pieces in order) to a new temp file beside ``path``; returns the
    temp file's path."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never follow or reuse a planted file; mode 0o666 lets the kernel apply the umask.
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:  # a full disk: no temp file is left, and the error names the target
        tmp.unlink(missing_ok=True)
        raise _naming(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` as an error about ``path`` (a write to a descriptor names no file)."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def atomic_write(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename.

    ``durable`` also flushes the data to disk before the rename, so that not even a power cut
    leaves a torn file; thousands of regenerable pages skip it (an interrupted run still
    leaves each page whole or absent).
    """
    tmp = stage_temp(path, data, durable=durable)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _naming(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never evaluate as a formula (CSV injection)."""
    if cell.startswith(_FORMULA_START) or cell.lstrip().startswith(_FORMULA_START):
        return "'" + cell
    return cell
