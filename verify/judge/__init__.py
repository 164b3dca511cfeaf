"""Judging by explainable rules: claim against evidence -> :class:`~verify.records.Finding`; grades.

::

    rules.py      the rules for one claim/evidence pair (:func:`decide`, :class:`PairFeatures`)
    compare.py    facet comparison, and the rules' data (verify/data/judge.json)
    denial.py     whether a text denies that an event happened
    explain.py    one sentence a fact-checker can read per verdict
    findings.py   an incident's party claims judged against their evidence
    grade.py      an incident's grade from its findings
    incidents.py  groups of claims -> judged, graded incidents
"""

from __future__ import annotations

from verify.judge.compare import compare_facets
from verify.judge.denial import is_denial
from verify.judge.findings import PairScorer, ScoredPair, group_probability
from verify.judge.incidents import Judged, Matchers, build_incidents, link_incidents, matchers
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
    "link_incidents",
    "matchers",
    "pair_features",
]
