"""Running the stages.

::

    pipeline.py     the only module that knows the stage order (:func:`run`, :func:`run_incremental`)
    incremental.py  what a run against the store adds (:class:`StoreRun`, the regrouping)
    partition.py    partitions of the parallel stages and the seam that maps them
    cluster.py      the same stages on a Dask cluster (``--engine dask``)
    regroup.py      reviewers' merges and splits applied to a run's incidents
"""

from __future__ import annotations

from verify.engine.cluster import DaskOptions, run_on_dask
from verify.engine.pipeline import run, run_incremental
from verify.engine.regroup import apply_grouping_reviews

__all__ = [
    "DaskOptions",
    "apply_grouping_reviews",
    "run",
    "run_incremental",
    "run_on_dask",
]
