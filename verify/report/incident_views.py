"""Incident, claim and finding views: one incident of a report as its templates show it.

:func:`incident_view` builds an incident's full view (claims quoted in context, the facet table,
findings) or, without ``full``, a cheap listing entry; :func:`page_name` names its own page in a
report split into pages.
"""

from __future__ import annotations

from verify.codec import FACET_NAMES
from verify.records import Claim, Finding, Incident, Review, SourceType
from verify.report import display
from verify.report.lookup import Lookup, label, text_view, value_view
from verify.report.ranking import effective_grade, effective_relation, is_contested, toll
from verify.report.views import (
    ClaimView,
    DiffView,
    FacetCell,
    FacetRow,
    FindingView,
    GroupingView,
    IncidentView,
    LinkView,
    QuoteView,
    ReviewView,
    SourceView,
)


def _review(review: Review | None, machine: str) -> ReviewView | None:
    if review is None:
        return None
    value = display.clean(review.value).strip().lower()
    return ReviewView(
        value=value,
        label=label(value),
        agrees=value == machine,
        reviewer=display.clean(review.reviewer),
        note=text_view(review.note),
    )


def _claim_view(claim: Claim, look: Lookup) -> ClaimView:
    doc = look.documents.get(claim.document_id)
    side = look.side_of(claim)
    snip = display.snippet(
        doc.text if doc else None,
        look.sentences_of(doc) if doc else [],
        claim.start,
        claim.end,
        claim.text,
    )
    dir_, lang = display.direction(snip.before + snip.mark + snip.after, claim.lang)
    published = claim.published or (doc.published if doc else None)
    return ClaimView(
        id=claim.id,
        anchor=display.anchor("claim", claim.id),
        source=SourceView(text_view(claim.source), claim.source_type.value, side),
        kind=claim.kind.value,
        is_party=claim.source_type is SourceType.PARTY,
        published=published.isoformat() if published else "",
        url=display.safe_url(doc.url if doc else None),
        document_title=text_view(doc.title, doc.lang) if doc and doc.title else None,
        quote=QuoteView(snip.before, snip.mark, snip.after, snip.cut_before, snip.cut_after, dir_, lang),
    )


def _facet_rows(claims: list[Claim], findings: tuple[Finding, ...]) -> tuple[FacetRow, ...]:
    marked: set[tuple[str, str]] = set()
    for finding in findings:
        for diff in finding.facets:
            name = diff.name.split(".")[0]
            marked.add((finding.claim_id, name))
            if finding.evidence_claim_id is not None:
                marked.add((finding.evidence_claim_id, name))
    rows = []
    for name in FACET_NAMES:
        cells = []
        for claim in claims:
            value = getattr(claim.facets, name)
            cells.append(
                FacetCell(
                    value=value_view(value, claim.lang),
                    stated=value is not None,
                    differs=(claim.id, name) in marked,
                )
            )
        rows.append(FacetRow(name, name.capitalize(), tuple(cells), any(c.differs for c in cells)))
    return tuple(rows)


def _finding_view(finding: Finding, look: Lookup) -> FindingView:
    claim = look.claims.get(finding.claim_id)
    evidence = look.claims.get(finding.evidence_claim_id) if finding.evidence_claim_id else None
    decided = effective_relation(finding).value
    return FindingView(
        id=finding.id,
        relation=finding.relation.value,
        relation_label=label(finding.relation.value),
        decided=decided,
        confidence=display.percent(finding.confidence),
        explanation=text_view(finding.explanation),
        claim_anchor=display.anchor("claim", finding.claim_id),
        claim_source=text_view(claim.source if claim else finding.claim_id),
        evidence_anchor=display.anchor("claim", evidence.id) if evidence else "",
        evidence_source=text_view(evidence.source) if evidence else None,
        diffs=tuple(
            DiffView(
                d.name,
                value_view(d.claimed, claim.lang if claim else ""),
                value_view(d.reported, evidence.lang if evidence else ""),
            )
            for d in finding.facets
        ),
        review=_review(finding.review, finding.relation.value),
    )


def page_name(incident_id: str) -> str:
    """File name of an incident's own page: only characters safe in any file system and URL."""
    return display.anchor("incident", incident_id) + ".html"


def incident_filters(incident: Incident, look: Lookup) -> tuple[str, str]:
    """Filter option values (``filter_sources``, ``filter_sides``) of the incident's speakers."""
    claims = [look.claims[cid] for cid in incident.claim_ids if cid in look.claims]
    sources = sorted({look.source_tokens[display.clean(c.source).strip()] for c in claims})
    sides = sorted({look.side_tokens[s] for s in (look.side_of(c) for c in claims) if s})
    return " ".join(sources), " ".join(sides)


def incident_view(
    incident: Incident, look: Lookup, *, paged: bool = False, full: bool = True
) -> IncidentView:
    """One incident for the templates; ``paged`` names its own page (a report split into pages).

    Without ``full`` it is a listing entry, cheap to build: ``claims``, ``facet_rows`` and
    ``findings`` are left empty (the list of every incident shows none of them).
    """
    claims = [look.claims[cid] for cid in incident.claim_ids if cid in look.claims]
    # Party claims first: they are what the incident is judged on.
    claims.sort(key=lambda c: c.source_type is not SourceType.PARTY)
    decided = effective_grade(incident).value
    sources, sides = incident_filters(incident, look)
    return IncidentView(
        id=incident.id,
        anchor=display.anchor("incident", incident.id),
        title=text_view(incident.title),
        grade=incident.grade.value,
        grade_label=label(incident.grade.value),
        decided_grade=decided,
        decided_grade_label=label(decided),
        toll=str(toll(incident, look.claims)),
        contested=is_contested(incident),
        filter_sources=sources,
        filter_sides=sides,
        filter_relations=" ".join(sorted({effective_relation(f).value for f in incident.findings})),
        grade_rule=text_view(incident.grade_rule),
        review=_review(incident.review, incident.grade.value),
        claims=tuple(_claim_view(c, look) for c in claims) if full else (),
        facet_rows=_facet_rows(claims, incident.findings) if full else (),
        findings=tuple(_finding_view(f, look) for f in incident.findings) if full else (),
        page=page_name(incident.id) if paged else "",
        possible_links=tuple(
            LinkView(
                k.incident_id, display.anchor("incident", k.incident_id), f"{k.probability:.2f}", k.reason
            )
            for k in incident.possible_links
        ),
        grouping_reviews=tuple(
            GroupingView(g.action, ", ".join(g.ids), g.reviewer, text_view(g.note))
            for g in incident.grouping_reviews
        ),
    )
