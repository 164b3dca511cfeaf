"""Report -> summary.md: a few lines to paste into a newsroom chat (Slack, Mattermost, Teams).

Counts first, then the incidents most at stake, one line each. Text from documents is untrusted:
Markdown punctuation is escaped so a quote cannot turn into a link or a heading, and ``@word`` is
broken with a zero-width space so a source named ``@channel`` pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from verify.records import Claim, Incident, Report, SourceType
from verify.report import display
from verify.report.ranking import by_stake, effective_grade, effective_relation, toll
from verify.report.review import UnmatchedReview
from verify.report.summary import summarize

TOP_INCIDENTS = 10
"""How many incidents summary.md lists; the rest are counted."""
VERDICTS_PER_SOURCE = 3
# Only what can act mid-line (links, emphasis, code, HTML, tables): each text sits inside a line we
# start ourselves, so headings and lists cannot begin, and chat apps show other escapes literally.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")
_MENTION = re.compile(r"@(?=\w)")


def md_text(text: str, limit: int | None = None) -> str:
    """Untrusted text as inert Markdown on one line, shortened to ``limit`` characters."""
    text = display.clean(text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _MENTION.sub("@\u200b", _MARKDOWN.sub(r"\\\1", text))


def _verdicts(incident: Incident, claims: Mapping[str, Claim]) -> str:
    """``Party: overstates per Monitor, corroborates per UN`` for each party judged, briefly."""
    by_source: dict[str, dict[str, None]] = {}
    for finding in incident.findings:
        claim = claims.get(finding.claim_id)
        if claim is None or claim.source_type is not SourceType.PARTY:
            continue
        evidence = claims.get(finding.evidence_claim_id) if finding.evidence_claim_id else None
        who = f" per {md_text(evidence.source, 60)}" if evidence else ""
        mark = " ✎" if finding.review is not None else ""
        verdict = f"{effective_relation(finding).value}{mark}{who}"
        by_source.setdefault(md_text(claim.source, 60), {})[verdict] = None
    parts = []
    for source, verdicts in by_source.items():
        shown = list(verdicts)[:VERDICTS_PER_SOURCE]
        more = f" (+{len(verdicts) - len(shown)})" if len(verdicts) > len(shown) else ""
        parts.append(f"{source}: {', '.join(shown)}{more}")
    return "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _line(n: int, incident: Incident, claims: Mapping[str, Claim]) -> str:
    grade = effective_grade(incident).value
    reviewed = f" (reviewed; machine said {incident.grade.value})" if incident.review is not None else ""
    loss = str(toll(incident, claims))
    head = f"{n}. **{md_text(incident.title, 100)}**: {grade}{reviewed}"
    if loss:
        head += f", up to {loss}"
    verdicts = _verdicts(incident, claims)
    return f"{head}. {verdicts}" if verdicts else f"{head}."


def to_summary_md(report: Report, unmatched: Sequence[UnmatchedReview] = (), *, title: str = "") -> str:
    """The summary.md text: counts, the top incidents by stake, and reviews that fit nothing."""
    s = summarize(report)
    claims = {c.id: c for c in report.claims}
    lines = [
        f"**{md_text(title or 'Verification report')}**: {s.incidents} incidents, "
        f"{s.party_claims} party claims: {s.corroborated} corroborated, {s.contested} contested, "
        f"{s.partial} partly matched, {s.unverified} unverified."
    ]
    if s.reviewed:
        lines[0] += f" {_count(s.reviewed, 'decision')} reviewed by a fact-checker (✎)."
    ranked = by_stake(report)
    if ranked:
        lines += ["", "Most at stake first (casualty claims, then contested):"]
        lines += [_line(n, i, claims) for n, i in enumerate(ranked[:TOP_INCIDENTS], start=1)]
        if len(ranked) > TOP_INCIDENTS:
            lines.append(f"… and {len(ranked) - TOP_INCIDENTS} more in report.html.")
    if unmatched:
        ids = ", ".join("`" + display.clean(u.row.id)[:40].replace("`", "'") + "`" for u in unmatched)
        lines += ["", f"⚠ {_count(len(unmatched), 'review')} applied to nothing in this report: {ids}."]
    lines += ["", "Full report with quotes and sources: report.html (CSV: report.csv)."]
    return "\n".join(lines) + "\n"
