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
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

import verify
from verify.errors import ConfigError
from verify.records import Report
from verify.report.context import PAGES_DIR, build_context, build_paged
from verify.report.exports import script_safe_json, to_jsonld
from verify.report.ranking import by_stake
from verify.report.views import IncidentIndexContext, IncidentPageContext, ReportContext
from verify.review import UnmatchedReview

PAGE_TEMPLATE = "report.html"
INCIDENT_TEMPLATE = "incident.html"
INDEX_TEMPLATE = "incidents.html"
PAGE_LIMIT = 1000
"""Past this many incidents the report is split into pages (500 still load and filter smoothly)."""
MAIN_INCIDENTS = 200
"""Incidents shown in full on the main page of a split report, the most at stake."""
SCRIPT_TEMPLATE = "_script.js"
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
    if len(report.incidents) <= page_limit:
        html = render_html(
            report,
            registry_sides=registry_sides,
            template_dir=template_dir,
            unmatched=unmatched,
            review_author=review_author,
        )
        return {PAGE_TEMPLATE: html}
    env = make_environment(template_dir)
    script = _render(env, SCRIPT_TEMPLATE, {}).strip()
    shown_part = dataclasses.replace(report, incidents=by_stake(report)[:main_incidents])
    context, every = build_paged(
        report,
        shown=main_incidents,
        registry_sides=registry_sides,
        script=Markup(script),
        csp=content_security_policy(script),
        unmatched=unmatched,
        # The main page's JSON-LD covers the incidents it shows; claimreview.jsonld has them all.
        jsonld=Markup(script_safe_json(to_jsonld(shown_part, review_author=review_author).strip())),
    )
    quiet = content_security_policy("")
    pages = {PAGE_TEMPLATE: render_context(context, env)}
    index = IncidentIndexContext(
        title=f"All incidents: {context.title}",
        schema_version=context.schema_version,
        summary=context.summary,
        incidents=every,
        report_href=f"../{PAGE_TEMPLATE}",
        jsonld=Markup(""),
        script=Markup(""),
        csp=quiet,
    )
    pages[f"{PAGES_DIR}/index.html"] = render_context(index, env, INDEX_TEMPLATE)
    for incident in every:
        page = IncidentPageContext(
            title=f"{incident.title.text}: {context.title}",
            schema_version=context.schema_version,
            incident=incident,
            report_href=f"../{PAGE_TEMPLATE}",
            index_href="index.html",
            jsonld=Markup(""),
            script=Markup(""),
            csp=quiet,
        )
        pages[f"{PAGES_DIR}/{incident.page}"] = render_context(page, env, INCIDENT_TEMPLATE)
    return pages
