"""The template context: frozen view records that the HTML templates read.

Every field is documented (a test checks it), because these records are the interface a newsroom
restyling the report with its own templates programs against. All strings are display-ready and
cleaned of bidi controls; templates only loop, test and print them (autoescaped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup


@dataclass(frozen=True)
class TextView:
    """A piece of untrusted text with the direction attributes of the element that shows it."""

    text: str
    """The text, cleaned for display."""
    dir: str
    """``rtl``, ``ltr`` or ``auto``: the element's ``dir`` attribute."""
    lang: str
    """Language tag for the element's ``lang`` attribute (``ar`` for Arabic), ``""`` when unknown."""


@dataclass(frozen=True)
class ValueView:
    """A facet value: what the text says, plus its canonical name or resolved date."""

    text: TextView
    """The value as the claim words it (a dash when the claim does not state it)."""
    detail: str
    """Canonical name or ISO date, ``""`` when none; shown in its own direction isolate."""


@dataclass(frozen=True)
class QuoteView:
    """A claim quoted in its original language, inside some of its sentence."""

    before: str
    """Sentence context before the claim span."""
    mark: str
    """The claim span itself, shown highlighted."""
    after: str
    """Sentence context after the claim span."""
    cut_before: bool
    """True when the context before was shortened (show an ellipsis)."""
    cut_after: bool
    """True when the context after was shortened (show an ellipsis)."""
    dir: str
    """``dir`` attribute of the quote element."""
    lang: str
    """``lang`` attribute of the quote element, ``""`` when unknown."""


@dataclass(frozen=True)
class SourceView:
    """Who asserts a claim, for the source badge."""

    name: TextView
    """The source's name as the registry or the text gives it."""
    source_type: str
    """``party``, ``independent``, ``media`` or ``unknown`` (also used as a CSS class)."""
    side: str
    """The side of the conflict the source belongs to, ``""`` when none or unknown."""


@dataclass(frozen=True)
class ReviewView:
    """A fact-checker's decision overriding the machine's relation or grade."""

    value: str
    """The reviewed relation or grade."""
    label: str
    """The reviewed relation or grade for display."""
    agrees: bool
    """True when the reviewer kept the machine's value, False when the review overrules it."""
    reviewer: str
    """Who reviewed it, ``""`` when not given."""
    note: TextView
    """The reviewer's note."""


@dataclass(frozen=True)
class ClaimView:
    """One claim of an incident, with its quote, source and document."""

    id: str
    """The claim's stable id."""
    anchor: str
    """HTML id of the claim's element, for links from findings."""
    source: SourceView
    """Who asserts the claim."""
    kind: str
    """``event``, ``intent`` or ``other``."""
    is_party: bool
    """True for a claim by a party to the conflict (the claims that are judged)."""
    published: str
    """The document's (or claim's) ISO date, ``""`` when unknown."""
    url: str
    """The document's link, only when it is http(s); ``""`` otherwise."""
    document_title: TextView | None
    """The document's title, when it has one."""
    quote: QuoteView
    """The claim in its sentence context."""


@dataclass(frozen=True)
class FacetCell:
    """One claim's value for one facet in the side-by-side table."""

    value: ValueView
    """The claim's value for the facet."""
    stated: bool
    """True when the claim states this facet."""
    differs: bool
    """True when a finding records a disagreement on this facet involving this claim."""


@dataclass(frozen=True)
class FacetRow:
    """One facet across every claim of an incident."""

    name: str
    """Facet name (``actor``, ``weapon``, ...)."""
    label: str
    """Facet name for display."""
    cells: tuple[FacetCell, ...]
    """One cell per claim, in the order of the incident's claims."""
    differs: bool
    """True when any cell in the row is marked as disagreeing."""


@dataclass(frozen=True)
class DiffView:
    """A facet on which a party claim and its evidence differ."""

    name: str
    """Facet name."""
    claimed: ValueView
    """What the party claim says."""
    reported: ValueView
    """What the evidence says."""


@dataclass(frozen=True)
class FindingView:
    """A party claim judged against one evidence claim (or against nothing)."""

    id: str
    """The finding's stable id."""
    relation: str
    """The machine's relation (``corroborates``, ``contradicts``, ... ``unverified``)."""
    relation_label: str
    """The relation for display."""
    decided: str
    """The relation that counts: the reviewer's when reviewed, else the machine's."""
    confidence: str
    """The confidence as a percentage."""
    explanation: TextView
    """Why the judge decided this relation."""
    claim_anchor: str
    """HTML id of the judged party claim."""
    claim_source: TextView
    """Name of the party making the claim."""
    evidence_anchor: str
    """HTML id of the evidence claim, ``""`` when unverified."""
    evidence_source: TextView | None
    """Name of the evidence's source, None when unverified."""
    diffs: tuple[DiffView, ...]
    """The facets on which claim and evidence differ."""
    review: ReviewView | None
    """A fact-checker's review of the relation, when there is one."""


@dataclass(frozen=True)
class IncidentView:
    """One incident: its claims side by side and the findings on its party claims."""

    id: str
    """The incident's stable id."""
    anchor: str
    """HTML id of the incident's element."""
    title: TextView
    """The incident's title."""
    grade: str
    """The machine's grade (``confirmed``, ``fair``, ``weak``, ``contested``, ``discounted``)."""
    grade_label: str
    """The grade for display."""
    decided_grade: str
    """The grade that counts: the reviewer's when reviewed, else the machine's."""
    decided_grade_label: str
    """``decided_grade`` for display."""
    toll: str
    """The highest casualty figures the incident's claims give (``"12 killed"``), ``""`` when none."""
    contested: bool
    """True when an independent source disputes a party claim (or the grade is contested)."""
    filter_sources: str
    """Space-separated option values (``s0 s3``) of the sources speaking in this incident."""
    filter_sides: str
    """Space-separated option values (``d1``) of the sides of those sources."""
    filter_relations: str
    """Space-separated relations (as decided) of the incident's findings."""
    grade_rule: TextView
    """The rule that produced the grade."""
    review: ReviewView | None
    """A fact-checker's review of the grade, when there is one."""
    claims: tuple[ClaimView, ...]
    """The incident's claims, party claims first."""
    facet_rows: tuple[FacetRow, ...]
    """The side-by-side facet table, one row per facet."""
    findings: tuple[FindingView, ...]
    """The findings on the incident's party claims."""
    page: str = ""
    """File name of the incident's own page in ``incidents/`` (a large report), ``""`` otherwise."""
    possible_links: tuple[LinkView, ...] = ()
    """Incidents that may report the same event, for a reviewer to merge or not."""
    grouping_reviews: tuple[GroupingView, ...] = ()
    """Reviewers' merges and splits that made this incident."""


@dataclass(frozen=True)
class LinkView:
    """Another incident that may be this one (a possible link)."""

    incident_id: str
    """The other incident's id (what a reviews file's ``with`` column takes)."""
    anchor: str
    """The other incident's anchor in this page."""
    probability: str
    """The link's probability, for display (``"0.62"``)."""
    reason: str
    """Why the two are linked but were not merged."""


@dataclass(frozen=True)
class GroupingView:
    """A reviewer's merge or split, for display."""

    action: str
    """``merge`` or ``split``."""
    ids: str
    """The incidents merged or the claim moved out, comma-separated."""
    reviewer: str
    """Who decided; may be empty."""
    note: TextView
    """The reviewer's note."""


@dataclass(frozen=True)
class SummaryView:
    """Counts shown at the top of the report."""

    incidents: int
    """Number of incidents."""
    party_claims: int
    """Party event claims (the claims that are judged)."""
    corroborated: int
    """Party claims with at least one corroborating finding."""
    contested: int
    """Party claims with at least one contradicting, overstating or understating finding."""
    partial: int
    """Party claims with at least one partially matching finding."""
    unverified: int
    """Party claims no independent evidence speaks to."""
    casualty_incidents: int
    """Incidents in which some claim reports people killed or injured."""
    reviewed: int
    """Findings and incidents a fact-checker has reviewed."""


@dataclass(frozen=True)
class OptionView:
    """One choice of a filter menu."""

    value: str
    """The value the page's script matches against an incident's ``data-*`` attribute."""
    label: TextView
    """The choice for display."""
    count: int
    """How many incidents the choice matches."""


@dataclass(frozen=True)
class FiltersView:
    """The choices of the filter bar, each listing only values present in the report."""

    sources: tuple[OptionView, ...]
    """Sources speaking in some incident, by name."""
    sides: tuple[OptionView, ...]
    """Sides of the conflict those sources belong to."""
    grades: tuple[OptionView, ...]
    """Grades (as decided), from confirmed to discounted."""


@dataclass(frozen=True)
class UnmatchedReviewView:
    """A review from the reviews file that applies to nothing in this report."""

    id: str
    """The id the review names."""
    key: str
    """``relation`` or ``grade``."""
    value: str
    """The reviewed relation or grade."""
    reviewer: str
    """Who reviewed it, ``""`` when not given."""
    note: TextView
    """The reviewer's note."""
    origin: str
    """Where the review was read (``reviews.csv:3``)."""
    reason: str
    """Why it applies to nothing."""


@dataclass(frozen=True)
class PagingView:
    """How a large report is split: the main page holds the incidents most at stake."""

    shown: int
    """Incidents on the main page, in full."""
    total: int
    """Incidents in the report (every one has its own page)."""
    index_href: str
    """Link from the main page to the list of every incident (``incidents/index.html``)."""


@dataclass(frozen=True)
class ReportContext:
    """Everything ``report.html`` is rendered from."""

    title: str
    """The page title."""
    schema_version: int
    """Version of the report.json schema the page was made with."""
    summary: SummaryView
    """Counts for the top of the page."""
    incidents: tuple[IncidentView, ...]
    """The incidents, most at stake first (casualty claims, then contested ones)."""
    filters: FiltersView
    """The choices of the filter bar."""
    unmatched_reviews: tuple[UnmatchedReviewView, ...]
    """Reviews that apply to nothing in this report (kept and shown, never dropped)."""
    jsonld: Markup
    """The ClaimReview JSON-LD, escaped for a ``<script type="application/ld+json">`` block."""
    script: Markup
    """The page's own small script (trusted template output, not data)."""
    csp: str
    """Content-Security-Policy for the page: nothing loads from the network."""
    paging: PagingView | None = None
    """Set when the report is too large for one page; ``None`` when every incident is here."""
    rendered: Mapping[str, Markup] = field(default_factory=dict)
    """Incident id -> its ``_incident.html`` block, already rendered (a large report reuses
    the blocks of an earlier write); an incident not here is rendered by the page itself."""


@dataclass(frozen=True)
class IncidentPageContext:
    """Everything ``incident.html`` (one incident's own page, in ``incidents/``) is rendered from."""

    title: str
    """The page title."""
    schema_version: int
    """Version of the report.json schema the page was made with."""
    incident: IncidentView
    """The incident, in full."""
    report_href: str
    """Link back to the main page."""
    index_href: str
    """Link to the list of every incident."""
    jsonld: Markup
    """Empty: the ClaimReview JSON-LD is on the main page only."""
    script: Markup
    """Empty: the page needs no script."""
    csp: str
    """Content-Security-Policy for the page: nothing loads from the network, no script runs."""


@dataclass(frozen=True)
class IncidentIndexContext:
    """Everything ``incidents.html`` (the list of every incident of a large report) is rendered from."""

    title: str
    """The page title."""
    schema_version: int
    """Version of the report.json schema the page was made with."""
    summary: SummaryView
    """The report's counts, as on the main page."""
    incidents: tuple[IncidentView, ...]
    """Every incident, most at stake first; each links to its ``page``. These are listing
    entries: their ``claims``, ``facet_rows`` and ``findings`` are empty (each page has them)."""
    report_href: str
    """Link back to the main page."""
    jsonld: Markup
    """Empty: the ClaimReview JSON-LD is on the main page only."""
    script: Markup
    """Empty: the page needs no script."""
    csp: str
    """Content-Security-Policy for the page: nothing loads from the network, no script runs."""
