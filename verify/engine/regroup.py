"""Reviewers' merges and splits, applied to a finished run's incidents.

A reviews file may say that two incidents are one (``action=merge``, ``id`` and ``with`` the two
incident ids) or that a claim does not belong where the model put it (``action=split``, ``id``
the claim's id: it becomes an incident of its own). The incidents a decision touches are judged
and graded again from their new claims, so their findings, grade and id follow the decision;
every other incident stays as it was. Ids are stable, so the same reviews file gives the same
report on every re-run of the same input; a decision that matches nothing in this report is
returned, never dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from verify.judge import Matchers, build_incidents
from verify.records import GroupingReview, Report
from verify.registry import Knowledge
from verify.report import ReviewRow, UnmatchedReview


def apply_grouping_reviews(
    report: Report, reviews: Sequence[ReviewRow], knowledge: Knowledge, match: Matchers
) -> tuple[Report, list[UnmatchedReview]]:
    """``report`` with the merge and split decisions of ``reviews`` applied, and those that fit nothing."""
    merges = [r for r in reviews if r.key == "merge"]
    splits = [r for r in reviews if r.key == "split"]
    if not merges and not splits:
        return report, []
    incidents = {i.id: i for i in report.incidents}
    home = {c: i.id for i in report.incidents for c in i.claim_ids}
    unmatched: list[UnmatchedReview] = []
    # Union-find over incident ids: chained merges (a+b, b+c) make one incident.
    parent = {i: i for i in incidents}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for row in merges:
        missing = [i for i in (row.id, row.review.value) if i not in incidents]
        if missing:
            unmatched.append(
                UnmatchedReview(row, f"no incident {missing[0]} in this report (has the input changed?)")
            )
            continue
        a, b = sorted((root(row.id), root(row.review.value)))
        parent[b] = a
    moved: dict[str, ReviewRow] = {}
    for row in splits:
        if row.id not in home:
            unmatched.append(UnmatchedReview(row, "no incident holds this claim in this report"))
        elif len(incidents[home[row.id]].claim_ids) == 1:
            unmatched.append(UnmatchedReview(row, "the claim is already an incident of its own"))
        else:
            moved[row.id] = row
    groups: dict[str, list[str]] = {}
    for incident in report.incidents:
        groups.setdefault(root(incident.id), []).extend(c for c in incident.claim_ids if c not in moved)
    decided: dict[str, list[GroupingReview]] = {}
    for row in merges:
        if row.id in incidents and row.review.value in incidents:
            decided.setdefault(root(row.id), []).append(
                GroupingReview("merge", (row.id, row.review.value), row.review.reviewer, row.review.note)
            )
    for claim_id, row in moved.items():
        decided.setdefault(root(home[claim_id]), []).append(
            GroupingReview("split", (claim_id,), row.review.reviewer, row.review.note)
        )
    claims = {c.id: c for c in report.claims}
    order = {i.id: k for k, i in enumerate(report.incidents)}
    changed = sorted({r for r in decided}, key=order.__getitem__)
    todo = [[claims[c] for c in groups[r]] for r in changed if groups[r]]
    todo += [[claims[c]] for c in moved]
    rebuilt = build_incidents(todo, knowledge, match)
    notes = [tuple(decided[r]) for r in changed if groups[r]]
    notes += [
        (GroupingReview("split", (c,), row.review.reviewer, row.review.note),) for c, row in moved.items()
    ]
    fresh = [dataclasses.replace(i, grouping_reviews=n) for i, n in zip(rebuilt, notes, strict=True)]
    gone = {i for i in incidents if root(i) in decided or i in changed}
    alive = {i.id for i in fresh} | (set(incidents) - gone)
    kept = [
        dataclasses.replace(i, possible_links=tuple(k for k in i.possible_links if k.incident_id in alive))
        for i in report.incidents
        if i.id not in gone
    ]
    position = {c.id: k for k, c in enumerate(report.claims)}
    result = sorted(kept + fresh, key=lambda i: position[i.claim_ids[0]])
    return dataclasses.replace(report, incidents=tuple(result)), unmatched
