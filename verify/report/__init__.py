"""Report writers: ``Report`` -> report.json, a self-contained report.html, report.csv,
claimreview.jsonld and summary.md.

::

    serialize.py  Report -> report.json dict (the CONTRACT.md shape)
    display.py    pure display helpers: cleaning, text direction, quotes in context, safe links
    views.py      the documented, frozen template context records
    ranking.py    reviewed vs machine decisions; incidents ordered by what is at stake
    lookup.py     a report indexed for its views; text and facet value views
    incident_views.py  incident, claim and finding views
    summary.py    summary counts, filter options, unmatched reviews
    context.py    Report -> ReportContext
    templating.py jinja2 environment (user templates first) -> one HTML page
    render.py     a large report as pages, re-rendering only what changed
    pages.py      content addresses of incident pages (incidents/manifest.json)
    jsontext.py   indented JSON text, as json.dumps writes it, faster
    exports.py    CSV and schema.org ClaimReview
    markdown.py   summary.md for a newsroom chat
    assemble.py   main files assembled from the pieces an earlier write kept
    writer.py     writes the files, never a torn one or a partial set
    review.py     fact-checkers' reviews applied to findings and incidents
"""

from __future__ import annotations

from verify.report.context import build_context
from verify.report.doctext import add_document_texts
from verify.report.exports import claim_reviews, csv_rows, to_csv, to_jsonld
from verify.report.incident_views import page_name
from verify.report.markdown import to_summary_md
from verify.report.ranking import by_stake, effective_grade, effective_relation
from verify.report.render import render_pages, render_site
from verify.report.review import ReviewRow, UnmatchedReview, apply_reviews, load_reviews
from verify.report.serialize import report_to_dict
from verify.report.summary import summarize
from verify.report.templating import builtin_template_dir, make_environment, render_html
from verify.report.views import ReportContext
from verify.report.writer import REPORT_FILES, write_report

__all__ = [
    "REPORT_FILES",
    "ReportContext",
    "ReviewRow",
    "UnmatchedReview",
    "add_document_texts",
    "apply_reviews",
    "build_context",
    "builtin_template_dir",
    "by_stake",
    "claim_reviews",
    "csv_rows",
    "effective_grade",
    "effective_relation",
    "load_reviews",
    "make_environment",
    "page_name",
    "render_html",
    "render_pages",
    "render_site",
    "report_to_dict",
    "summarize",
    "to_csv",
    "to_jsonld",
    "to_summary_md",
    "write_report",
]
