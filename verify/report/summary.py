"""The main page's summary counts, filter options and unmatched reviews.

:func:`summarize` counts party claims by how other sources judge them (also used by
summary.md); :func:`filters` lists the sources, sides and grades the shown incidents can be
filtered by; :func:`unmatched_view` shows a review that fit nothing in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from verify.records import ClaimKind, Grade, Relation, Report, SourceType
from verify.report import display
from verify.report.lookup import Lookup, label, text_view
from verify.report.ranking import CONTESTED, effective_relation, toll
from verify.report.review import UnmatchedReview
from verify.report.views import FiltersView, IncidentView, OptionView, SummaryView, UnmatchedReviewView


def summarize(report: Report) -> SummaryView:
    """Per-claim counts; a claim some sources corroborate and others contest counts in both."""
    relations: dict[str, set[Relation]] = {
        c.id: set() for c in report.claims if c.source_type is SourceType.PARTY and c.kind is ClaimKind.EVENT
    }
    for incident in report.incidents:
        for finding in incident.findings:
            relations.setdefault(finding.claim_id, set()).add(effective_relation(finding))
    judged = {Relation.CORROBORATES, Relation.PARTIAL} | CONTESTED
    claims = {c.id: c for c in report.claims}
    return SummaryView(
        incidents=len(report.incidents),
        party_claims=len(relations),
        corroborated=sum(Relation.CORROBORATES in r for r in relations.values()),
        contested=sum(bool(r & CONTESTED) for r in relations.values()),
        partial=sum(Relation.PARTIAL in r for r in relations.values()),
        unverified=sum(not (r & judged) for r in relations.values()),
        casualty_incidents=sum(toll(i, claims).total > 0 for i in report.incidents),
        reviewed=sum(i.review is not None for i in report.incidents)
        + sum(f.review is not None for i in report.incidents for f in i.findings),
    )


def _options(tokens: Mapping[str, str], counts: Counter[str]) -> tuple[OptionView, ...]:
    # Sources that speak only outside incidents (intents, context) would match nothing.
    return tuple(
        OptionView(token, text_view(value), counts[token]) for value, token in tokens.items() if counts[token]
    )


def filters(incidents: Sequence[IncidentView], look: Lookup) -> FiltersView:
    """The filter options of ``incidents``: only values some of them have, with their counts."""
    sources: Counter[str] = Counter(t for i in incidents for t in i.filter_sources.split())
    sides: Counter[str] = Counter(t for i in incidents for t in i.filter_sides.split())
    grades = Counter(i.decided_grade for i in incidents)
    return FiltersView(
        sources=_options(look.source_tokens, sources),
        sides=_options(look.side_tokens, sides),
        grades=tuple(
            OptionView(g.value, text_view(label(g.value)), grades[g.value]) for g in Grade if grades[g.value]
        ),
    )


def unmatched_view(item: UnmatchedReview) -> UnmatchedReviewView:
    """A review that fits nothing in the report, cleaned for display."""
    row = item.row
    return UnmatchedReviewView(
        id=display.clean(row.id),
        key=row.key,
        value=display.clean(row.review.value),
        reviewer=display.clean(row.review.reviewer),
        note=text_view(row.review.note),
        origin=display.clean(row.origin),
        reason=item.reason,
    )
