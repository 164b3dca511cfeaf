"""Report -> ReportContext: the pure step that prepares everything the HTML templates show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from verify.records import (
    Claim,
    ClaimKind,
    Document,
    Finding,
    Incident,
    Relation,
    Report,
    Review,
    SourceType,
)
from verify.report import display
from verify.report.serialize import FACET_NAMES
from verify.report.views import (
    ClaimView,
    DiffView,
    FacetCell,
    FacetRow,
    FindingView,
    IncidentView,
    QuoteView,
    ReportContext,
    ReviewView,
    SourceView,
    SummaryView,
    TextView,
    ValueView,
)
from verify.text.split import Span

_NO_SCRIPT = Markup("")
CONTESTED = frozenset({Relation.CONTRADICTS, Relation.OVERSTATES, Relation.UNDERSTATES})
"""Relations by which independent evidence disputes a party claim."""


def effective_relation(finding: Finding) -> Relation:
    """The reviewer's relation when a valid review exists, else the machine's."""
    if finding.review is not None:
        try:
            return Relation(finding.review.value.strip().lower())
        except ValueError:
            pass
    return finding.relation


def text_view(text: str, lang_hint: str = "") -> TextView:
    """Untrusted text, cleaned, with the dir/lang its element needs."""
    cleaned = display.clean(text).strip()
    dir_, lang = display.direction(cleaned, lang_hint)
    return TextView(cleaned, dir_, lang)


def value_view(value: object, lang_hint: str = "") -> ValueView:
    """A facet value for display, its canonical name or date kept apart from the wording."""
    text, detail = display.facet_parts(value)
    return ValueView(text_view(text, lang_hint), detail)


@dataclass(frozen=True)
class _Lookup:
    claims: Mapping[str, Claim]
    documents: Mapping[str, Document]
    sentences: Mapping[str, list[Span]]
    sides: Mapping[str, str | None]


def _review(review: Review | None) -> ReviewView | None:
    if review is None:
        return None
    return ReviewView(display.clean(review.value), display.clean(review.reviewer), text_view(review.note))


def _claim_view(claim: Claim, look: _Lookup) -> ClaimView:
    doc = look.documents.get(claim.document_id)
    side = claim.side or look.sides.get(claim.source) or (doc.side if doc else None) or ""
    snip = display.snippet(
        doc.text if doc else None,
        look.sentences.get(claim.document_id, []),
        claim.start,
        claim.end,
        claim.text,
    )
    dir_, lang = display.direction(snip.before + snip.mark + snip.after, claim.lang)
    published = claim.published or (doc.published if doc else None)
    return ClaimView(
        id=claim.id,
        anchor=display.anchor("claim", claim.id),
        source=SourceView(text_view(claim.source), claim.source_type.value, display.clean(side)),
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


def _finding_view(finding: Finding, look: _Lookup) -> FindingView:
    claim = look.claims.get(finding.claim_id)
    evidence = look.claims.get(finding.evidence_claim_id) if finding.evidence_claim_id else None
    return FindingView(
        id=finding.id,
        relation=finding.relation.value,
        relation_label=finding.relation.value.capitalize(),
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
        review=_review(finding.review),
    )


def _incident_view(incident: Incident, look: _Lookup) -> IncidentView:
    claims = [look.claims[cid] for cid in incident.claim_ids if cid in look.claims]
    # Party claims first: they are what the incident is judged on.
    claims.sort(key=lambda c: c.source_type is not SourceType.PARTY)
    return IncidentView(
        id=incident.id,
        anchor=display.anchor("incident", incident.id),
        title=text_view(incident.title),
        grade=incident.grade.value,
        grade_label=incident.grade.value.capitalize(),
        grade_rule=text_view(incident.grade_rule),
        review=_review(incident.review),
        claims=tuple(_claim_view(c, look) for c in claims),
        facet_rows=_facet_rows(claims, incident.findings),
        findings=tuple(_finding_view(f, look) for f in incident.findings),
    )


def summarize(report: Report) -> SummaryView:
    """Per-claim counts; a claim some sources corroborate and others contest counts in both."""
    relations: dict[str, set[Relation]] = {
        c.id: set() for c in report.claims if c.source_type is SourceType.PARTY and c.kind is ClaimKind.EVENT
    }
    for incident in report.incidents:
        for finding in incident.findings:
            relations.setdefault(finding.claim_id, set()).add(effective_relation(finding))
    judged = {Relation.CORROBORATES, Relation.PARTIAL} | CONTESTED
    return SummaryView(
        incidents=len(report.incidents),
        party_claims=len(relations),
        corroborated=sum(Relation.CORROBORATES in r for r in relations.values()),
        contested=sum(bool(r & CONTESTED) for r in relations.values()),
        partial=sum(Relation.PARTIAL in r for r in relations.values()),
        unverified=sum(not (r & judged) for r in relations.values()),
    )


def build_context(
    report: Report,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    script: Markup = _NO_SCRIPT,
    csp: str = "",
    title: str = "Verification report",
) -> ReportContext:
    """The template context for ``report``; ``registry_sides`` maps source names to sides."""
    look = _Lookup(
        claims={c.id: c for c in report.claims},
        documents={d.id: d for d in report.documents},
        sentences={d.id: display.sentences_of(d.text) for d in report.documents},
        sides=registry_sides or {},
    )
    return ReportContext(
        title=title,
        schema_version=report.schema_version,
        summary=summarize(report),
        incidents=tuple(_incident_view(i, look) for i in report.incidents),
        script=script,
        csp=csp,
    )
