"""A report as HTML pages: one page, or past ``PAGE_LIMIT`` incidents a main page and a page each.

A report with more than ``PAGE_LIMIT`` incidents is split (:func:`render_site`): report.html keeps
the summary and the ``MAIN_INCIDENTS`` most at stake, and every incident gets its own page in
``incidents/`` (same templates, same escaping, no script), listed in ``incidents/index.html``.
:func:`render_pages` skips the pages a previous write left unchanged (their content address is
in the manifest, :mod:`verify.report.pages`) and builds full incident views only for the pages
it renders; the list of every incident gets cheap listing entries.

The environment and the single page are :mod:`verify.report.templating`'s.
Templates are rendered through this module's ``_render``, so a test may patch it here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from verify.records import Report
from verify.report.context import PAGES_DIR, REPORT_TITLE, main_context
from verify.report.exports import join_jsonld, jsonld_parts, script_safe_json, to_jsonld
from verify.report.incident_views import incident_view, page_name
from verify.report.lookup import lookup
from verify.report.pages import PageManifest, Parts, fingerprint, incident_digest, used_templates
from verify.report.ranking import by_stake
from verify.report.review import UnmatchedReview
from verify.report.templating import (
    PAGE_TEMPLATE,
    SCRIPT_TEMPLATE,
    builtin_template_dir,
    content_security_policy,
    make_environment,
    render_context,
    render_html,
)
from verify.report.templating import render_template as _render
from verify.report.views import IncidentIndexContext, IncidentPageContext, IncidentView

INCIDENT_TEMPLATE = "incident.html"
INDEX_TEMPLATE = "incidents.html"
INCIDENT_PART = "_incident.html"
"""One incident's block, included by the main page and by the incident's own page."""
PAGE_LIMIT = 1000
"""Past this many incidents the report is split into pages (500 still load and filter smoothly)."""
MAIN_INCIDENTS = 200
"""Incidents shown in full on the main page of a split report, the most at stake."""
_INDEX_HREF = "index.html"


@dataclass(frozen=True)
class Site:
    """The HTML of a report: the pages rendered this time and what every incident page is from."""

    pages: dict[str, str]
    """Rendered pages by path relative to the output folder (``report.html`` first)."""
    manifest: PageManifest | None
    """Digest of every incident page of a split report, rendered now or not; None when the
    report fits one page."""
    parts: Parts | None = None
    """The main page's incident blocks and every incident's ClaimReview items, by digest (the
    other pieces are added by :mod:`verify.report.assemble`); None when the report is not split."""
    digests: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Incident id -> digest, for every incident of a split report."""


def render_pages(
    report: Report,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    template_dir: Path | None = None,
    unmatched: Sequence[UnmatchedReview] = (),
    review_author: str = "verify",
    page_limit: int = PAGE_LIMIT,
    main_incidents: int = MAIN_INCIDENTS,
    previous: PageManifest | None = None,
    parts: Parts | None = None,
    sink: Callable[[str, str], None] | None = None,
) -> Site:
    """Render the report's pages, skipping what ``previous`` and ``parts`` already have.

    ``previous`` names the incident pages on disk and their digests; a page whose digest and
    fingerprint match is neither built nor rendered (its file is as a fresh render would
    write it). ``parts`` holds an earlier write's main-page incident blocks and ClaimReview items
    by digest; what is found there is not made again. Up to ``page_limit`` incidents the site is
    ``report.html`` alone; past it, also ``incidents/index.html`` and one
    ``incidents/<page>.html`` per incident. With a ``sink``, each incident page is handed to it
    (path, html) as soon as it is rendered instead of being kept in ``Site.pages``, so a report
    of tens of thousands of incidents is never all in memory.
    """
    if len(report.incidents) <= page_limit:
        html = render_html(
            report,
            registry_sides=registry_sides,
            template_dir=template_dir,
            unmatched=unmatched,
            review_author=review_author,
        )
        return Site({PAGE_TEMPLATE: html}, None)
    env = make_environment(template_dir)
    script = _render(env, SCRIPT_TEMPLATE, {}).strip()
    look = lookup(report, registry_sides)
    ordered = by_stake(report)
    top = ordered[:main_incidents]
    quiet = content_security_policy("")
    listed = tuple(incident_view(i, look, paged=True, full=False) for i in ordered)
    settings = (REPORT_TITLE, str(report.schema_version), f"../{PAGE_TEMPLATE}", _INDEX_HREF, quiet)
    manifest = PageManifest(fingerprint(env, INCIDENT_TEMPLATE, settings), {})
    cache: dict[str, bytes] = {}
    digests = {incident.id: incident_digest(incident, look, cache) for incident in ordered}
    stamp = fingerprint(env, INCIDENT_PART, (review_author,))
    kept = parts if parts is not None and parts.fingerprint == stamp else Parts(stamp)
    # The built-in main page shows a kept block as it is: that incident needs no full view.
    lean = _builtin(env, PAGE_TEMPLATE)
    full = {
        i.id: incident_view(i, look, paged=True) for i in top if not lean or digests[i.id] not in kept.html
    }
    shown = tuple(full.get(i.id) or listed[n] for n, i in enumerate(top))
    made = _parts(env, report, shown, digests, kept, review_author)
    # The main page's JSON-LD covers the incidents it shows; claimreview.jsonld has them all.
    if len(made.jsonld) == len(digests):
        jsonld = join_jsonld(made.jsonld[digests[i.id]] for i in top)
    else:
        jsonld = to_jsonld(dataclasses.replace(report, incidents=top), review_author=review_author)
    context = main_context(
        report,
        look,
        shown,
        total=len(ordered),
        script=Markup(script),
        csp=content_security_policy(script),
        unmatched=unmatched,
        jsonld=Markup(script_safe_json(jsonld.strip())),
        rendered={v.id: Markup(block) for v in shown if (block := made.html.get(digests[v.id])) is not None},
    )
    index = IncidentIndexContext(
        title=f"All incidents: {context.title}",
        schema_version=context.schema_version,
        summary=context.summary,
        incidents=listed,
        report_href=settings[2],
        jsonld=Markup(""),
        script=Markup(""),
        csp=quiet,
    )
    pages = {PAGE_TEMPLATE: render_context(context, env)}
    pages[f"{PAGES_DIR}/index.html"] = render_context(index, env, INDEX_TEMPLATE)
    reusable = previous.pages if previous and previous.fingerprint == manifest.fingerprint else {}
    paths = {}
    for incident in ordered:
        path = f"{PAGES_DIR}/{page_name(incident.id)}"
        paths[path] = digest = digests[incident.id]
        if reusable.get(path) == digest:
            continue
        view = full.get(incident.id) or incident_view(incident, look, paged=True)
        page = IncidentPageContext(
            title=f"{view.title.text}: {context.title}",
            schema_version=context.schema_version,
            incident=view,
            report_href=index.report_href,
            index_href=_INDEX_HREF,
            jsonld=Markup(""),
            script=Markup(""),
            csp=quiet,
        )
        html = render_context(page, env, INCIDENT_TEMPLATE)
        if sink is None:
            pages[path] = html
        else:
            sink(path, html)
    return Site(pages, dataclasses.replace(manifest, pages=paths), made, digests)


def _builtin(env: jinja2.Environment, name: str) -> bool:
    """Whether ``name`` and every template it uses are the packaged ones, none a user's."""
    names = used_templates(env, name)
    builtin = builtin_template_dir()
    return names is not None and all(
        (found := env.get_template(n).filename) is not None and Path(found).parent == builtin for n in names
    )


def _parts(
    env: jinja2.Environment,
    report: Report,
    shown: Sequence[IncidentView],
    digests: Mapping[str, str],
    kept: Parts,
    review_author: str,
) -> Parts:
    """The main page's incident blocks and every incident's JSON-LD items, by digest.

    What ``kept`` holds (under the same fingerprint) is reused as it is; a shown incident
    without a kept block must have a full view. The JSON-LD is left empty when it cannot be cut
    by incident (see ``jsonld_parts``).
    """
    html = {}
    for view in shown:
        digest = digests[view.id]
        found = kept.html.get(digest)
        html[digest] = found if found is not None else _render(env, INCIDENT_PART, {"incident": view})
    reuse = {i: text for i, d in digests.items() if (text := kept.jsonld.get(d)) is not None}
    jsonld = jsonld_parts(report, review_author=review_author, kept=reuse)
    return Parts(
        kept.fingerprint, html, {}, {} if jsonld is None else {digests[i]: t for i, t in jsonld.items()}
    )


def render_site(
    report: Report,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    template_dir: Path | None = None,
    unmatched: Sequence[UnmatchedReview] = (),
    review_author: str = "verify",
    page_limit: int = PAGE_LIMIT,
    main_incidents: int = MAIN_INCIDENTS,
) -> dict[str, str]:
    """Every HTML page of the report by path relative to the output folder.

    Up to ``page_limit`` incidents that is ``report.html`` alone (:func:`render_html`); past it,
    also ``incidents/index.html`` and one ``incidents/<page>.html`` per incident.
    """
    return render_pages(
        report,
        registry_sides=registry_sides,
        template_dir=template_dir,
        unmatched=unmatched,
        review_author=review_author,
        page_limit=page_limit,
        main_incidents=main_incidents,
    ).pages
