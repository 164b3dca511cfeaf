"""ReportContext -> one self-contained HTML page, through jinja2 templates a user may override.

The user's template folder comes before the built-in one (a ``ChoiceLoader``), so a newsroom can
restyle any piece (``_style.css``, ``_incident.html``...) without forking. The built-ins stay
reachable as ``builtin:NAME``, so a user's ``report.html`` can ``{% extends "builtin:report.html" %}``
and override one block. Autoescaping is always
on and undefined names fail loudly. The page carries a Content-Security-Policy that allows no
network access and only the page's own script (by hash), as a second line of defence behind
escaping.

A report with more than ``PAGE_LIMIT`` incidents is split (:func:`render_site`): report.html keeps
the summary and the ``MAIN_INCIDENTS`` most at stake, and every incident gets its own page in
``incidents/`` (same templates, same escaping, no script), listed in ``incidents/index.html``.
:func:`render_pages` skips the pages a previous write left unchanged (their content address is
in the manifest, :mod:`verify.report.pages`) and builds full incident views only for the pages
it renders; the list of every incident gets cheap listing entries.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

import verify
from verify.errors import ConfigError
from verify.records import Report
from verify.report.context import (
    PAGES_DIR,
    REPORT_TITLE,
    build_context,
    incident_view,
    lookup,
    main_context,
    page_name,
)
from verify.report.exports import join_jsonld, jsonld_parts, script_safe_json, to_jsonld
from verify.report.pages import PageManifest, Parts, fingerprint, incident_digest, used_templates
from verify.report.ranking import by_stake
from verify.report.views import IncidentIndexContext, IncidentPageContext, IncidentView, ReportContext
from verify.review import UnmatchedReview

PAGE_TEMPLATE = "report.html"
INCIDENT_TEMPLATE = "incident.html"
INDEX_TEMPLATE = "incidents.html"
INCIDENT_PART = "_incident.html"
"""One incident's block, included by the main page and by the incident's own page."""
PAGE_LIMIT = 1000
"""Past this many incidents the report is split into pages (500 still load and filter smoothly)."""
MAIN_INCIDENTS = 200
"""Incidents shown in full on the main page of a split report, the most at stake."""
SCRIPT_TEMPLATE = "_script.js"
_INDEX_HREF = "index.html"
BUILTIN_PREFIX = "builtin"
"""``builtin:report.html`` always names the packaged template, even when a user's overrides it."""


def builtin_template_dir() -> Path:
    """The packaged templates (a wheel copies them into ``verify/templates``), else the repo's."""
    packaged = Path(verify.__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(verify.__file__).parent.parent / "templates"


def make_environment(template_dir: Path | None = None) -> jinja2.Environment:
    """A jinja2 environment: user templates first, autoescape on, StrictUndefined."""
    builtin = jinja2.FileSystemLoader(str(builtin_template_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise ConfigError(f"{template_dir}: template folder not found")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders += [builtin, jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}, delimiter=":")]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # One environment renders one report: no need to stat a template at every include.
        auto_reload=False,
    )


def content_security_policy(script: str) -> str:
    """A policy that blocks every fetch and allows inline CSS and exactly this inline script."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    scripts = f"'sha256-{digest}'" if script else "'none'"
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {scripts}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _render(env: jinja2.Environment, name: str, variables: Mapping[str, object]) -> str:
    try:
        return env.get_template(name).render(**variables)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or getattr(exc, "name", None) or name
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"{where}{f':{line}' if line else ''}: template error: {exc}") from exc


def render_context(
    context: ReportContext | IncidentPageContext | IncidentIndexContext,
    env: jinja2.Environment,
    template: str = PAGE_TEMPLATE,
) -> str:
    """Render ``template`` with the context's fields as top-level template variables."""
    variables = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    return _render(env, template, variables)


def render_html(
    report: Report,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    template_dir: Path | None = None,
    unmatched: Sequence[UnmatchedReview] = (),
    review_author: str = "verify",
) -> str:
    """The report as one self-contained HTML page (no network access needed to view it).

    The page embeds the ClaimReview JSON-LD for search engines and lists ``unmatched`` reviews.
    """
    env = make_environment(template_dir)
    # Our own template output, not data: it is the only script the CSP lets run.
    script = _render(env, SCRIPT_TEMPLATE, {}).strip()
    context = build_context(
        report,
        registry_sides=registry_sides,
        script=Markup(script),
        csp=content_security_policy(script),
        unmatched=unmatched,
        jsonld=Markup(script_safe_json(to_jsonld(report, review_author=review_author).strip())),
    )
    return render_context(context, env)


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
