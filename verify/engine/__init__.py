"""Running the stages.

::

    pipeline.py     the only module that knows the stage order (:func:`run`, :func:`run_incremental`)
    incremental.py  what a run against the store adds (:class:`StoreRun`, the regrouping)
    partition.py    partitions of the parallel stages and the seam that maps them
    cluster.py      the same stages on a Dask cluster (``--engine dask``)
"""

from __future__ import annotations

from verify.engine.cluster import DaskOptions, run_on_dask
from verify.engine.pipeline import run, run_incremental

__all__ = [
    "DaskOptions",
    "run",
    "run_incremental",
    "run_on_dask",
]
