"""Judging: claim against evidence by the explainable rules (facet comparison, denial,
explanations) -> :class:`~verify.records.Finding`; incident grades; incidents built from groups."""

from __future__ import annotations

from verify.judge.compare import compare_facets
from verify.judge.denial import is_denial
from verify.judge.findings import PairScorer, ScoredPair, group_probability
from verify.judge.incidents import Judged, Matchers, build_incidents, matchers
from verify.judge.rules import PairFeatures, decide, pair_features

__all__ = [
    "Judged",
    "Matchers",
    "PairFeatures",
    "PairScorer",
    "ScoredPair",
    "build_incidents",
    "compare_facets",
    "decide",
    "group_probability",
    "is_denial",
    "matchers",
    "pair_features",
]
