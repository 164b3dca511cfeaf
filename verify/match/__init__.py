"""Grouping event claims into incidents.

::

    groups.py          the stage: :func:`group_incidents`, :func:`grouping`, :func:`regroup_incidents`
    incident_model.py  the same-incident model: pair features, NumPy trees, what rules a pair out
    names.py           rare names a text mentions, keyed across scripts
    candidates.py      candidate pairs: blocking on dates and places plus a vector index
    pairscore.py       claim views and memoised name look-ups
    pairarrays.py      claim views as arrays
    clustering.py      union-find components, then agglomerative clustering
    linkage.py         agglomerative clustering cut at a threshold (SciPy's chain, in NumPy)
    config.py          blocking windows (:class:`MatchConfig`), compatible weapons
    titles.py          a short English title per incident
"""

from __future__ import annotations

from verify.match.config import MatchConfig, weapons_compatible
from verify.match.groups import group_incidents, grouping, regroup_incidents
from verify.match.titles import incident_title

__all__ = [
    "MatchConfig",
    "group_incidents",
    "grouping",
    "incident_title",
    "regroup_incidents",
    "weapons_compatible",
]
