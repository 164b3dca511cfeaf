"""Running the stages: the pipeline (the one place that knows their order), the incremental run
against a store, partitions and the Dask engine."""

from __future__ import annotations

from verify.engine.cluster import DaskOptions, run_on_dask
from verify.engine.pipeline import run, run_incremental

__all__ = [
    "DaskOptions",
    "run",
    "run_incremental",
    "run_on_dask",
]
