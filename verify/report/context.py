"""Report -> ReportContext: the pure step that prepares everything the HTML templates show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from verify.records import (
    Claim,
    ClaimKind,
    Document,
    Finding,
    Grade,
    Incident,
    Relation,
    Report,
    Review,
    SourceType,
)
from verify.report import display
from verify.report.ranking import CONTESTED, by_stake, effective_grade, effective_relation, is_contested, toll
from verify.report.serialize import FACET_NAMES
from verify.report.views import (
    ClaimView,
    DiffView,
    FacetCell,
    FacetRow,
    FiltersView,
    FindingView,
    IncidentView,
    OptionView,
    PagingView,
    QuoteView,
    ReportContext,
    ReviewView,
    SourceView,
    SummaryView,
    TextView,
    UnmatchedReviewView,
    ValueView,
)
from verify.review import UnmatchedReview
from verify.text.split import Span

_NO_SCRIPT = Markup("")
__all__ = [
    "CONTESTED",
    "PAGES_DIR",
    "Lookup",
    "build_context",
    "effective_relation",
    "incident_filters",
    "incident_view",
    "lookup",
    "main_context",
    "page_name",
    "summarize",
]

REPORT_TITLE = "Verification report"
"""The main page's title."""
PAGES_DIR = "incidents"
"""Folder, beside report.html, of the per-incident pages of a large report."""


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
class Lookup:
    """What incident views read about the rest of a report, indexed once per report."""

    claims: Mapping[str, Claim]
    """Claims by id."""
    documents: Mapping[str, Document]
    """Documents by id."""
    sides: Mapping[str, str | None]
    """The registry's side of each source name."""
    source_tokens: Mapping[str, str]
    """Filter option value of each (cleaned) source name."""
    side_tokens: Mapping[str, str]
    """Filter option value of each side."""
    sentences: dict[str, list[Span]] = field(default_factory=dict)
    """Sentence spans of the documents quoted so far: split on first use, as only the incidents
    rendered need them."""

    def side_of(self, claim: Claim) -> str:
        """The claim's side, cleaned for display (``""`` when unknown)."""
        return _side(claim, self.documents, self.sides)

    def sentences_of(self, document: Document) -> list[Span]:
        """The document's sentence spans, split once."""
        spans = self.sentences.get(document.id)
        if spans is None:
            spans = self.sentences[document.id] = display.sentences_of(document.text)
        return spans


def lookup(report: Report, registry_sides: Mapping[str, str | None] | None = None) -> Lookup:
    """Index ``report`` for building incident views; ``registry_sides`` maps sources to sides."""
    documents = {d.id: d for d in report.documents}
    sides = registry_sides or {}
    names = [display.clean(c.source).strip() for c in report.claims]
    return Lookup(
        claims={c.id: c for c in report.claims},
        documents=documents,
        sides=sides,
        source_tokens=_tokens(names, "s"),
        side_tokens=_tokens([s for c in report.claims if (s := _side(c, documents, sides))], "d"),
    )


def _side(claim: Claim, documents: Mapping[str, Document], sides: Mapping[str, str | None]) -> str:
    """The claim's own side, else its source's in the registry, else its document's."""
    doc = documents.get(claim.document_id)
    return display.clean(claim.side or sides.get(claim.source) or (doc.side if doc else None) or "")


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _review(review: Review | None, machine: str) -> ReviewView | None:
    if review is None:
        return None
    value = display.clean(review.value).strip().lower()
    return ReviewView(
        value=value,
        label=_label(value),
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
        relation_label=_label(finding.relation.value),
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
        grade_label=_label(incident.grade.value),
        decided_grade=decided,
        decided_grade_label=_label(decided),
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


def _tokens(values: Sequence[str], prefix: str) -> dict[str, str]:
    ordered = sorted(set(values), key=lambda v: (v.casefold(), v))
    return {value: f"{prefix}{n}" for n, value in enumerate(ordered)}


def _options(tokens: Mapping[str, str], counts: Counter[str]) -> tuple[OptionView, ...]:
    # Sources that speak only outside incidents (intents, context) would match nothing.
    return tuple(
        OptionView(token, text_view(value), counts[token]) for value, token in tokens.items() if counts[token]
    )


def _filters(incidents: Sequence[IncidentView], look: Lookup) -> FiltersView:
    sources: Counter[str] = Counter(t for i in incidents for t in i.filter_sources.split())
    sides: Counter[str] = Counter(t for i in incidents for t in i.filter_sides.split())
    grades = Counter(i.decided_grade for i in incidents)
    return FiltersView(
        sources=_options(look.source_tokens, sources),
        sides=_options(look.side_tokens, sides),
        grades=tuple(
            OptionView(g.value, text_view(_label(g.value)), grades[g.value]) for g in Grade if grades[g.value]
        ),
    )


def _unmatched(item: UnmatchedReview) -> UnmatchedReviewView:
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


def build_context(
    report: Report,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    script: Markup = _NO_SCRIPT,
    csp: str = "",
    title: str = REPORT_TITLE,
    unmatched: Sequence[UnmatchedReview] = (),
    jsonld: Markup = _NO_SCRIPT,
) -> ReportContext:
    """The template context for ``report``, incidents most at stake first.

    ``registry_sides`` maps source names to sides; ``unmatched`` are reviews that fit nothing.
    """
    look = lookup(report, registry_sides)
    incidents = tuple(incident_view(i, look) for i in by_stake(report))
    return main_context(
        report,
        look,
        incidents,
        script=script,
        csp=csp,
        title=title,
        unmatched=unmatched,
        jsonld=jsonld,
    )


def main_context(
    report: Report,
    look: Lookup,
    incidents: tuple[IncidentView, ...],
    *,
    total: int | None = None,
    script: Markup = _NO_SCRIPT,
    csp: str = "",
    title: str = REPORT_TITLE,
    unmatched: Sequence[UnmatchedReview] = (),
    jsonld: Markup = _NO_SCRIPT,
    rendered: Mapping[str, Markup] | None = None,
) -> ReportContext:
    """The main page's context showing ``incidents`` (full views, in order).

    ``total`` set means the report is split into pages and has that many incidents in all.
    ``rendered`` gives incidents' blocks already rendered (their views may then be listings).
    """
    paging = None if total is None else PagingView(len(incidents), total, f"{PAGES_DIR}/index.html")
    return ReportContext(
        title=title,
        schema_version=report.schema_version,
        summary=summarize(report),
        incidents=incidents,
        filters=_filters(incidents, look),
        unmatched_reviews=tuple(_unmatched(u) for u in unmatched),
        jsonld=jsonld,
        script=script,
        csp=csp,
        paging=paging,
        rendered=rendered or {},
    )
