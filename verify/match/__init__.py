"""Grouping claims into incidents: candidate search, pair distances (reference and arrays),
clustering, titles and the thresholds."""

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
