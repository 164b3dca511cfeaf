"""Compare the facets of a claim with those of the evidence, for the judge.

Facets are compared only where **both** texts state them: silence on a facet is never a difference.
Each difference carries a kind: the claim says more (``up``) or less (``down``), a hit set only
against "no casualties reported" (``weak_up``), a difference with no direction (``minor``), or an
attacker named differently where not both names are canonical registry names (``note``, listed but
not weighed). Rockets and missiles are one weapon here (Arabic "صاروخ" is both); hit and damage are
one effect. The judge's tuning (``data/judge.json``) is read here once and shared with the rules.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from verify.bundled import bundled_json
from verify.records import Casualties, Claim, Entity, FacetDiff, Facets
from verify.registry import Similarity

UP, DOWN, WEAK_UP, MINOR, NOTE = "up", "down", "weak_up", "minor", "note"


@cache
def judge_config() -> dict[str, Any]:
    return bundled_json("judge.json")


def _compatible(group_key: str, a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in judge_config()[group_key])


def entity_json(e: Entity) -> dict[str, str | None]:
    return {"text": e.text, "canonical": e.canonical}


def _same_entity(a: Entity, b: Entity, similarity: Similarity) -> bool:
    left, right = (a.canonical, b.canonical) if a.canonical and b.canonical else (a.text, b.text)
    return similarity(left, right) >= float(judge_config()["entity_threshold"])


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _count_sign(claimed: int | str, reported: int | str) -> int | None:
    """+1/-1 when the claim says more/fewer, 0 when different but not ordered, None when same."""
    if claimed == reported:
        return None
    if isinstance(claimed, int) and isinstance(reported, int):
        return _sign(claimed - reported)
    # "multiple" is any number from 2 up: it only differs from a single item
    if isinstance(reported, int):
        return 1 if reported < 2 else None
    if isinstance(claimed, int):
        return -1 if claimed < 2 else None
    return 0


def casualty_values(c: Casualties) -> tuple[int | None, int | None]:
    zero = 0 if c.none_reported else None
    return (c.killed if c.killed is not None else zero, c.injured if c.injured is not None else zero)


def casualties_json(c: Casualties) -> dict[str, int | bool | None]:
    return {"killed": c.killed, "injured": c.injured, "none_reported": c.none_reported}


def outcome_level(outcome: object) -> int:
    return int(judge_config()["outcome_levels"][str(outcome)])


def compare_with_kinds(
    c: Facets, e: Facets, similarity: Similarity
) -> tuple[list[tuple[FacetDiff, str]], int, int]:
    """Differences with their kind, the number of comparable facets, and the overlap."""
    out: list[tuple[FacetDiff, str]] = []
    comparable = overlap = 0
    for name in ("actor", "target", "location"):
        a, b = getattr(c, name), getattr(e, name)
        if a is None or b is None:
            continue
        comparable += 1
        if _same_entity(a, b, similarity):
            overlap += name == "target"
            continue
        both_canonical = name != "actor" or bool(a.canonical and b.canonical)
        out.append((FacetDiff(name, entity_json(a), entity_json(b)), MINOR if both_canonical else NOTE))
    if c.weapon is not None and e.weapon is not None:
        comparable += 1
        if _compatible("compatible_weapons", c.weapon, e.weapon):
            overlap += 1
        else:
            out.append((FacetDiff("weapon", str(c.weapon), str(e.weapon)), MINOR))
    if c.count is not None and e.count is not None:
        comparable += 1
        sign = _count_sign(c.count, e.count)
        if sign is not None:
            kind = {1: UP, -1: DOWN}.get(sign, MINOR)
            out.append((FacetDiff("count", c.count, e.count), kind))
    if c.time is not None and e.time is not None and c.time.date and e.time.date:
        comparable += 1
        if abs((c.time.date - e.time.date).days) > int(judge_config()["time_tolerance_days"]):
            out.append((FacetDiff("time", c.time.date.isoformat(), e.time.date.isoformat()), MINOR))
    if c.outcome is not None and e.outcome is not None:
        comparable += 1
        if _compatible("compatible_outcomes", c.outcome, e.outcome):
            overlap += 1
        else:
            kind = {1: UP, -1: DOWN}.get(_sign(outcome_level(c.outcome) - outcome_level(e.outcome)), MINOR)
            out.append((FacetDiff("outcome", str(c.outcome), str(e.outcome)), kind))
    elif (
        c.outcome is not None
        and outcome_level(c.outcome) == 2
        and e.casualties
        and e.casualties.none_reported
    ):
        comparable += 1
        out.append((FacetDiff("outcome", str(c.outcome), "none_reported"), WEAK_UP))
    if c.casualties is not None and e.casualties is not None:
        pairs = [
            (x, y) for x, y in zip(casualty_values(c.casualties), casualty_values(e.casualties), strict=True)
        ]
        signs = {_sign(x - y) for x, y in pairs if x is not None and y is not None} - {0}
        if any(x is not None and y is not None for x, y in pairs):
            comparable += 1
        if signs:
            kind = {frozenset({1}): UP, frozenset({-1}): DOWN}.get(frozenset(signs), MINOR)
            diff = FacetDiff("casualties", casualties_json(c.casualties), casualties_json(e.casualties))
            out.append((diff, kind))
    elif (
        c.casualties
        and e.outcome is not None
        and outcome_level(e.outcome) == 0
        and any(casualty_values(c.casualties))
    ):
        comparable += 1
        out.append((FacetDiff("casualties", casualties_json(c.casualties), str(e.outcome)), UP))
    return out, comparable, overlap


def compare_facets(claim: Claim, evidence: Claim, *, similarity: Similarity) -> tuple[FacetDiff, ...]:
    """Facets on which the claim and the evidence differ; unstated facets never differ."""
    return tuple(d for d, _ in compare_with_kinds(claim.facets, evidence.facets, similarity)[0])
