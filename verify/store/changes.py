"""What a run against the store changed since the last one: new documents, claims, incidents, findings.

Pure: it compares the store's state before the run with the run's report. The result is a
JSON-ready dict (written under ``"changes"`` in report.json and kept in the store's ``runs``
table); :func:`describe` turns it into the lines printed on stderr.
"""

from __future__ import annotations

from typing import Any

from verify.records import Finding, Report
from verify.store.state import Plan, Stored


def _findings(incidents: Any) -> dict[str, Finding]:
    return {f.id: f for incident in incidents for f in incident.findings}


def diff_runs(before: Stored, plan: Plan, report: Report, rebuilt: bool = False) -> dict[str, Any]:
    """The changes between the stored state ``before`` and this run's ``report``."""
    old_claims = {c.id: c for claims in before.claims.values() for c in claims}
    new_claims = [c.id for c in report.claims if c.id not in old_claims or c.document_id in plan.changed]
    now_claims = {c.id for c in report.claims}
    was_in = {cid: i.id for i in before.incidents.values() for cid in i.claim_ids}
    now_ids = {i.id for i in report.incidents}
    new_incidents, changed = [], []
    for incident in report.incidents:
        if incident.id in before.incidents:
            continue
        was = sorted({was_in[c] for c in incident.claim_ids if c in was_in})
        if was:
            changed.append({"id": incident.id, "was": was})
        else:
            new_incidents.append(incident.id)
    replaced = {w for item in changed for w in item["was"]}
    removed = sorted(i for i in before.incidents if i not in now_ids and i not in replaced)
    old_f, now_f = _findings(before.incidents.values()), _findings(report.incidents)
    changed_f = [
        {"id": f.id, "claim_id": f.claim_id, "relation": f.relation.value, "was": old_f[f.id].relation.value}
        for f in now_f.values()
        if f.id in old_f
        and (f.relation, f.confidence, f.facets)
        != (old_f[f.id].relation, old_f[f.id].confidence, old_f[f.id].facets)
    ]
    return {
        "run": before.run + 1,
        "previous_run": before.run or None,
        "rebuilt": rebuilt,
        "documents": {"new": list(plan.new), "changed": list(plan.changed)},
        "claims": {
            "new": new_claims,
            "removed": sorted(c for c in plan.removed_claims if c not in now_claims),
        },
        "incidents": {
            "new": new_incidents,
            "changed": changed,
            "removed": removed,
            "unchanged": sum(i.id in before.incidents for i in report.incidents),
        },
        "findings": {
            "new": [f for f in now_f if f not in old_f],
            "changed": changed_f,
            "removed": [f for f in old_f if f not in now_f],
        },
    }


def describe(changes: dict[str, Any]) -> list[str]:
    """A few lines for stderr: counts, then the findings whose relation changed."""
    docs, claims = changes["documents"], changes["claims"]
    incidents, findings = changes["incidents"], changes["findings"]
    since = f"since run {changes['previous_run']}" if changes["previous_run"] else "in a new store"
    lines = [
        f"run {changes['run']} {since}: {len(docs['new'])} new and {len(docs['changed'])} changed documents, "
        f"{len(claims['new'])} new and {len(claims['removed'])} removed claims",
        f"incidents: {len(incidents['new'])} new, {len(incidents['changed'])} changed, "
        f"{len(incidents['removed'])} removed, {incidents['unchanged']} unchanged",
        f"findings: {len(findings['new'])} new, {len(findings['changed'])} changed, "
        f"{len(findings['removed'])} removed",
    ]
    if changes["rebuilt"] and changes["previous_run"]:
        lines.append("the store was built by another version, registry or model: everything was recomputed")
    lines += [
        f"  {f['id']} ({f['claim_id']}): {f['was']} -> {f['relation']}" for f in findings["changed"][:20]
    ]
    return lines
