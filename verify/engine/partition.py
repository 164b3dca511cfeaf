"""Partitions of the parallel stages, and the seam that runs them (in a loop, or on a cluster).

Ingestion, extraction and embedding are maps over independent pieces: input files, batches of
documents, chunks of unique texts. :mod:`verify.engine.pipeline` hands each map to a :class:`Mapper`;
:func:`local_map` runs it in this process and :mod:`verify.engine.cluster` runs it on Dask. Everything
that could depend on how the work is split is decided here, before the map, so that any mapper
gives the same report: files are listed and document ids assigned in input order by the caller,
and texts are embedded in fixed chunks (a model's output for a text moves in the last bits with
the batch it is in).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from verify.read import assign_ids, input_files
from verify.read import read_file as _read_file
from verify.records import Document

__all__ = [
    "EMBED_CHUNK",
    "EXTRACT_BATCH",
    "Mapper",
    "chunked",
    "local_map",
    "read_inputs",
]

EXTRACT_BATCH = 64
"""Documents per extraction partition: enough to outweigh a task's overhead on a cluster."""
EMBED_CHUNK = 512
"""Unique texts per embedding call, in every engine, so the vectors never depend on the engine."""

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
Warn = Callable[[str], None]
_log = logging.getLogger(__name__)


class Mapper(Protocol):
    """Applies ``fn(shared, item)`` to every item and returns the results in item order."""

    def __call__(self, fn: Callable[[S, T], R], shared: S, items: Sequence[T], /) -> list[R]: ...


def local_map(fn: Callable[[S, T], R], shared: S, items: Sequence[T], /) -> list[R]:
    """The in-process :class:`Mapper`: a loop."""
    return [fn(shared, item) for item in items]


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive pieces of ``size`` (the last may be shorter)."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def read_file(_: None, path: Path) -> tuple[list[Document], list[str]]:
    """One ingestion partition: the documents of one file (ids not yet final) and its warnings."""
    warnings: list[str] = []
    return _read_file(path, warnings.append), warnings


def read_inputs(
    paths: Sequence[str | os.PathLike[str]], mapper: Mapper, on_warning: Warn | None = None
) -> list[Document]:
    """Like :func:`verify.read.ingest.load_documents`, with the files read by ``mapper``."""
    warn: Warn = on_warning or _log.warning
    documents: list[Document] = []
    for read, warnings in mapper(read_file, None, input_files(paths, warn)):
        for message in warnings:
            warn(message)
        documents.extend(read)
    return assign_ids(documents, warn)
