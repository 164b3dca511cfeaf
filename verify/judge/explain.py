"""Plain-language explanations of the judge's verdicts, naming both sources and the values.

Wording (weapon nouns, outcome phrases) comes from ``data/judge.json``. Each sentence is built
from a pair's :class:`~verify.judge.rules.PairFeatures` and the relation the rules chose for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from verify.judge.compare import casualties_json, entity_json, judge_config
from verify.judge.rules import PairFeatures
from verify.records import Claim, FacetDiff, Facets, Relation


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _noun(weapon: object, count: object) -> str:
    singular, plural = judge_config()["weapon_nouns"][str(weapon) if weapon is not None else "_none"]
    if isinstance(count, int):
        return f"{count} {singular if count == 1 else plural}"
    return f"multiple {plural}" if count == "multiple" else plural


def _phrase(name: str, value: object, facets: Facets) -> str:
    """Plain words for one facet value as a FacetDiff carries it."""
    phrases = judge_config()["outcome_phrases"]
    if isinstance(value, dict) and name == "casualties":
        if value.get("none_reported") and not value.get("killed") and not value.get("injured"):
            return str(phrases["none_reported"])
        bits = [f"{value[k]} {k}" for k in ("killed", "injured") if value.get(k) is not None]
        return _join(bits) if bits else "casualties"
    if isinstance(value, dict):
        role = {"actor": "the attacker", "target": "the target", "location": "the place"}[name]
        return f"{value.get('canonical') or value.get('text')} as {role}"
    if name == "time":
        return f"the date {value}"
    return str(phrases.get(str(value), value))


def _describe(diffs: Sequence[FacetDiff], side: str, facets: Facets) -> str:
    """One side's values of the given differences, e.g. '1 rocket with no casualties'."""
    names = {d.name for d in diffs}
    head = _noun(facets.weapon, facets.count) if names & {"count", "weapon"} else ""
    rest = [
        _phrase(d.name, d.claimed if side == "claimed" else d.reported, facets)
        for d in diffs
        if d.name not in ("count", "weapon")
    ]
    if head and rest:
        return f"{head} with {_join(rest)}"
    return head or _join(rest)


def _summary(f: Facets) -> str:
    """The claim's key facets in words (what it says happened)."""
    parts = []
    if f.weapon is not None or f.count is not None:
        parts.append(_noun(f.weapon, f.count))
    if f.target is not None:
        parts.append(_phrase("target", entity_json(f.target), f))
    if f.outcome is not None:
        parts.append(_phrase("outcome", str(f.outcome), f))
    if f.casualties is not None:
        parts.append(_phrase("casualties", casualties_json(f.casualties), f))
    return _join(parts) if parts else "an attack"


def explain(claim: Claim, evidence: Claim, f: PairFeatures, relation: Relation) -> str:
    """One plain sentence naming both sources and the values that decided the relation."""
    c, e = claim.source, evidence.source
    decisive = f.up + f.down + f.minor
    weighed = [d for d in f.diffs if d.name in decisive or (f.weak_up and d.reported == "none_reported")]
    if relation is Relation.CONTRADICTS and f.denial:
        return f"{e} denies the attack that {c} claims ({_summary(claim.facets)})."
    if relation is Relation.CONTRADICTS and f.claim_denial:
        return f"{e} reports {_summary(evidence.facets)}, which {c} denies."
    if relation is Relation.UNRELATED:
        return f"{e} states nothing that can be compared with {c}'s claim of {_summary(claim.facets)}."
    if f.revision and not (f.up or f.down):
        toll = [d for d in f.diffs if d.name == "casualties"]
        when = "later" if f.evidence_later else "earlier"
        return (
            f"{e}'s {when} report gives {_describe(toll, 'reported', evidence.facets)} against {c}'s "
            f"{_describe(toll, 'claimed', claim.facets)}, a revised toll rather than a contradiction."
        )
    if weighed:
        return (
            f"{e} reports {_describe(weighed, 'reported', evidence.facets)}; "
            f"{c} claims {_describe(weighed, 'claimed', claim.facets)}."
        )
    if f.silent_on_key:
        key = Facets(outcome=claim.facets.outcome, casualties=claim.facets.casualties)
        return f"{e} reports the attack but says nothing of {_summary(key)}, which {c} claims."
    if relation is Relation.CORROBORATES:
        return f"{e} reports {_summary(evidence.facets)}, as {c} claims."
    return f"{e} reports {_summary(evidence.facets)}; {c} claims {_summary(claim.facets)}."


def facet_summary(f: Facets) -> str:
    """A short phrase for what ``f`` states ("2 drones, hit"), as the explanations word it."""
    return _summary(f)
