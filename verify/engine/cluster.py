"""Run the parallel stages on a Dask cluster: ``verify run --engine dask [--scheduler ADDRESS]``.

Ingestion (one task per file), extraction (batches of documents) and embedding (fixed chunks of
unique texts) run as tasks on the cluster; grouping and judging run here on every claim at once.
The stage order is :func:`verify.engine.pipeline.run`'s; this module only supplies a
:class:`~verify.engine.partition.Mapper`, so the report is the in-process one, byte for byte.

The cluster is a :class:`distributed.LocalCluster` unless a scheduler address is given. Workers
of an existing cluster need ``verify`` installed and must be able to read the input paths.
``dask[distributed]`` is an optional dependency (the ``dask`` extra), imported only here.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from verify.embed import Embedder, Vectors
from verify.engine.pipeline import run
from verify.errors import ConfigError, VerifyError
from verify.records import Progress, Report
from verify.registry import Knowledge

__all__ = ["DaskMapper", "DaskOptions", "WorkerEmbedder", "dask_mapper", "run_on_dask"]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class DaskOptions:
    """Which cluster to use, or how to start a local one."""

    scheduler: str | None = None
    """Address of a running scheduler (``tcp://host:8786``); ``None`` starts a local cluster."""
    n_workers: int | None = None
    """Workers of the local cluster (``None``: Dask's choice for this machine)."""
    threads_per_worker: int = 1
    processes: bool = True
    """Local workers in their own processes (``False``: threads of this one, for tests)."""


@dataclass(frozen=True)
class _Failed:
    """A user error raised in a task, returned as data so the caller raises the first one in
    input order rather than whichever task failed first. Our errors pickle (``InputError``
    keeps its file and line), so the error itself travels back."""

    error: VerifyError


_BUILT: dict[str, Embedder] = {}
_BUILD_LOCK = threading.Lock()


class WorkerEmbedder:
    """An :class:`~verify.embed.base.Embedder` that travels as its recipe.

    A loaded model holds native handles that do not pickle and is too heavy to send with every
    task; each process builds it from ``make`` on first use and keeps it for the run.
    """

    def __init__(self, make: Callable[[], Embedder], name: str | None = None) -> None:
        self.make = make
        self.token = uuid.uuid4().hex
        self.known_name = name
        """The model's name as a worker reported it, so that asking does not load it here."""

    def _embedder(self) -> Embedder:
        with _BUILD_LOCK:
            if self.token not in _BUILT:
                _BUILT[self.token] = self.make()
            return _BUILT[self.token]

    @property
    def name(self) -> str:
        return self.known_name or self._embedder().name

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` with this process's copy of the model."""
        return self._embedder().encode(texts)

    def release(self) -> None:
        """Forget this process's copy (workers' copies go with the workers or the next run)."""
        with _BUILD_LOCK:
            _BUILT.pop(self.token, None)


def _name_of(embedder: Embedder, _: object) -> str:
    return embedder.name


def _apply(item: T, fn: Callable[[S, T], R], shared: S) -> R | _Failed:
    try:
        return fn(shared, item)
    except VerifyError as exc:
        return _Failed(exc)


class DaskMapper:
    """A :class:`~verify.engine.partition.Mapper` whose items are tasks on ``client``'s cluster."""

    # ``Any``: distributed ships no type information.
    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, fn: Callable[[S, T], R], shared: S, items: Sequence[T], /) -> list[R]:
        if not items:
            return []
        # One copy of the shared object (a model, the registries) per worker, not one per task.
        arg: Any = self.client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
        futures = self.client.map(_apply, list(items), fn=fn, shared=arg, pure=False)
        results: list[R | _Failed] = self.client.gather(futures)
        del futures, arg
        for result in results:
            if isinstance(result, _Failed):
                raise result.error
        return results  # type: ignore[return-value]


@contextmanager
def dask_mapper(options: DaskOptions) -> Iterator[DaskMapper]:
    """A mapper on the cluster ``options`` names (a local one is started and stopped here)."""
    try:
        dist: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise ConfigError("the Dask engine needs dask[distributed]: pip install 'verify[dask]'") from exc
    if options.scheduler is not None:
        try:
            client = dist.Client(options.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {options.scheduler}: {exc}") from exc
        with client:
            yield DaskMapper(client)
        return
    # Worker processes get their own environment: keep each one's native thread pools to its share.
    extra: dict[str, Any] = {"env": {"OMP_NUM_THREADS": str(options.threads_per_worker)}}
    cluster = dist.LocalCluster(
        n_workers=options.n_workers,
        threads_per_worker=options.threads_per_worker,
        processes=options.processes,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        **(extra if options.processes else {}),
    )
    with cluster, dist.Client(cluster) as client:
        yield DaskMapper(client)


def run_on_dask(
    inputs: Sequence[str | os.PathLike[str]],
    make_embedder: Callable[[], Embedder],
    knowledge: Knowledge,
    options: DaskOptions | None = None,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Report:
    """:func:`verify.engine.pipeline.run` with ingestion, extraction and embedding on a Dask cluster.

    ``make_embedder`` (picklable, e.g. a class or a :func:`functools.partial`) builds the model
    once in each worker process.
    """
    say = progress or (lambda _message: None)
    options = options or DaskOptions()
    embedder = WorkerEmbedder(make_embedder)
    try:
        with dask_mapper(options) as mapper:
            workers = len(mapper.client.scheduler_info().get("workers", {}))
            say(f"dask: {workers} workers at {options.scheduler or 'a local cluster'}")
            # Loads the model on one worker before the long stages: a bad model fails at once.
            embedder.known_name = mapper(_name_of, embedder, [None])[0]
            return run(inputs, embedder, knowledge, progress=progress, on_warning=on_warning, mapper=mapper)
    finally:
        embedder.release()
