"""Report -> ReportContext: the pure step that prepares everything the HTML templates show.

The pieces live in smaller modules beside it: :mod:`verify.report.lookup` (the per-report index
and small value views),
:mod:`verify.report.incident_views` (incident, claim and finding views) and
:mod:`verify.report.summary` (summary counts, filter options, unmatched reviews). This module
puts them together into the main page's context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from verify.records import Report
from verify.report.incident_views import incident_view
from verify.report.lookup import Lookup, lookup
from verify.report.ranking import by_stake
from verify.report.review import UnmatchedReview
from verify.report.summary import filters, summarize, unmatched_view
from verify.report.views import IncidentView, PagingView, ReportContext

_NO_SCRIPT = Markup("")
__all__ = [
    "PAGES_DIR",
    "REPORT_TITLE",
    "build_context",
    "main_context",
]

REPORT_TITLE = "Verification report"
"""The main page's title."""
PAGES_DIR = "incidents"
"""Folder, beside report.html, of the per-incident pages of a large report."""


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
        filters=filters(incidents, look),
        unmatched_reviews=tuple(unmatched_view(u) for u in unmatched),
        jsonld=jsonld,
        script=script,
        csp=csp,
        paging=paging,
        rendered=rendered or {},
    )
