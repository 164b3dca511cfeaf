"""ReportContext -> one self-contained HTML page, through jinja2 templates a user may override.

The user's template folder comes before the built-in one (a ``ChoiceLoader``), so a newsroom can
restyle any piece (``_style.css``, ``_incident.html``...) without forking. The built-ins stay
reachable as ``builtin:NAME``, so a user's ``report.html`` can ``{% extends "builtin:report.html" %}``
and override one block. Autoescaping is always
on and undefined names fail loudly. The page carries a Content-Security-Policy that allows no
network access and only the page's own script (by hash), as a second line of defence behind
escaping. A report too large for one page is rendered by :mod:`verify.report.render`.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

import verify
from verify.errors import ConfigError
from verify.records import Report
from verify.report.context import build_context
from verify.report.exports import script_safe_json, to_jsonld
from verify.report.review import UnmatchedReview
from verify.report.views import IncidentIndexContext, IncidentPageContext, ReportContext

PAGE_TEMPLATE = "report.html"
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


def render_template(env: jinja2.Environment, name: str, variables: Mapping[str, object]) -> str:
    """Render the template ``name``; a template error becomes a ConfigError naming its file and line."""
    try:
        return env.get_template(name).render(**variables)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or getattr(exc, "name", None) or name
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"{where}{f':{line}' if line else ''}: template error: {exc}") from exc
    except RecursionError:
        where = name
        with contextlib.suppress(jinja2.TemplateError):
            where = (env.loader.get_source(env, name)[1] if env.loader else None) or name
        msg = f"{where}: template error: it includes, extends or imports itself (endless recursion)"
        raise ConfigError(msg) from None


def render_context(
    context: ReportContext | IncidentPageContext | IncidentIndexContext,
    env: jinja2.Environment,
    template: str = PAGE_TEMPLATE,
) -> str:
    """Render ``template`` with the context's fields as top-level template variables."""
    variables = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    return render_template(env, template, variables)


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
    script = render_template(env, SCRIPT_TEMPLATE, {}).strip()
    context = build_context(
        report,
        registry_sides=registry_sides,
        script=Markup(script),
        csp=content_security_policy(script),
        unmatched=unmatched,
        jsonld=Markup(script_safe_json(to_jsonld(report, review_author=review_author).strip())),
    )
    return render_context(context, env)
