"""Write the report files without ever leaving a half-written one or a partial set.

Each of the main files (report.json, report.html, report.csv, claimreview.jsonld, summary.md)
is rendered and written to a temp file beside its final name, one at a time so that a large
report never has all of them in memory at once; only when every one is written are they
renamed into place. A failing or interrupted run leaves the previous report as it was. Files
get the usual permissions (0666 less the umask), like any file the user's tools create, not a
temp file's 0600.

A large report's per-incident pages (``incidents/``) are written as they are rendered, before
report.html, so the main page never links to a page that is not there yet; pages of an earlier
run that this one no longer has are removed after it. Those pages are content-addressed
(:mod:`verify.report.pages`): ``incidents/manifest.json`` names what each was rendered from, and
a rewrite renders only the pages whose inputs changed or whose file is gone, leaving the folder
byte for byte as a fresh write would. The old manifest is removed before the first page is
replaced, so an interrupted run never leaves a manifest vouching for a page whose file holds
other content (the next run then renders every page again). ``incidents/parts.json`` keeps,
by the same digests, the pieces of the main files each incident renders to (its block of
report.html, its lines of report.csv, its ClaimReview items, its and its claims' records in
report.json; :mod:`verify.report.assemble`), so the main files of a rewrite are assembled from
kept pieces and only changed incidents are rendered again. Being content-addressed, parts.json
is right whenever it is written, and it is written last.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from verify.files import atomic_write, stage_temp
from verify.records import Report
from verify.report.assemble import csv_chunks, json_chunks, jsonld_text, pieces
from verify.report.context import PAGES_DIR
from verify.report.markdown import to_summary_md
from verify.report.pages import (
    MANIFEST,
    PARTS,
    PageManifest,
    Parts,
    manifest_bytes,
    parse_manifest,
    parse_parts,
    parts_chunks,
)
from verify.report.render import MAIN_INCIDENTS, PAGE_LIMIT, render_pages
from verify.report.review import UnmatchedReview
from verify.report.templating import PAGE_TEMPLATE

REPORT_FILES: tuple[str, ...] = (
    "report.json",
    "report.html",
    "report.csv",
    "claimreview.jsonld",
    "summary.md",
)
"""The files ``write_report`` writes, in order (plus ``incidents/`` for a large report)."""
_OUR_PAGE = re.compile(r"(incident-[A-Za-z0-9_-]+|index)\.html")


def write_report(
    report: Report,
    out_dir: Path,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    template_dir: Path | None = None,
    review_author: str = "verify",
    unmatched: Sequence[UnmatchedReview] = (),
    page_limit: int = PAGE_LIMIT,
    main_incidents: int = MAIN_INCIDENTS,
) -> list[Path]:
    """Write report.json, report.html, report.csv, claimreview.jsonld and summary.md.

    ``unmatched`` are reviews that applied to nothing: listed in report.json, the page and the
    summary. Past ``page_limit`` incidents, report.html holds the ``main_incidents`` most at stake and each
    incident gets a page in ``incidents/`` (listed in ``incidents/index.html``, which is then
    among the returned paths); report.json always holds everything. Returns the written paths.
    Raises ``ConfigError`` for an unusable template folder, before anything is written.
    """
    out_dir = Path(out_dir)
    folder = out_dir / PAGES_DIR
    stored = _stored(folder)
    kept = _kept_parts(folder)
    streamed: list[str] = []

    def write_page(name: str, html: str) -> None:
        if not streamed:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / MANIFEST).unlink(missing_ok=True)
        atomic_write(out_dir / name, html.encode("utf-8"), durable=False)
        streamed.append(name)

    site = render_pages(
        report,
        registry_sides=registry_sides,
        template_dir=template_dir,
        unmatched=unmatched,
        review_author=review_author,
        page_limit=page_limit,
        main_incidents=main_incidents,
        previous=_on_disk(folder, stored),
        parts=kept,
        sink=write_page,
    )
    pages = dict(site.pages)
    html = pages.pop(PAGE_TEMPLATE)
    made = pieces(report, site, kept)
    contents: dict[str, Callable[[], bytes | Iterable[bytes]]] = {
        "report.json": lambda: json_chunks(report, unmatched, made),
        "report.html": lambda: html.encode("utf-8"),
        "report.csv": lambda: csv_chunks(report, made),
        "claimreview.jsonld": lambda: jsonld_text(report, site, review_author).encode("utf-8"),
        "summary.md": lambda: to_summary_md(report, unmatched).encode("utf-8"),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out_dir, folder)
    written = _write_pages(out_dir, pages, site.manifest, None if streamed else stored)
    staged: list[tuple[Path, Path]] = []
    try:
        for name in REPORT_FILES:
            staged.append((stage_temp(out_dir / name, contents[name]()), out_dir / name))
        for tmp, path in staged:
            os.replace(tmp, path)
            written.append(path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    if made is None:
        (folder / PARTS).unlink(missing_ok=True)
    else:
        # Content-addressed: whenever it is written, every part in it is right for its digest.
        atomic_write(folder / PARTS, parts_chunks(made.parts), durable=False)
    current = site.manifest.pages if site.manifest else {}
    _remove_stale_pages(folder, {Path(name).name for name in [*pages, *streamed, *current]})
    return written


def _kept_parts(folder: Path) -> Parts | None:
    try:
        return parse_parts((folder / PARTS).read_bytes())
    except OSError:
        return None


def _stored(folder: Path) -> PageManifest | None:
    """The manifest in ``folder`` as written, None when there is none or it is unreadable."""
    try:
        return parse_manifest((folder / MANIFEST).read_bytes())
    except OSError:
        return None


def _on_disk(folder: Path, stored: PageManifest | None) -> PageManifest | None:
    """``stored`` less the pages whose file is gone: what a render may reuse."""
    if stored is None:
        return None
    try:
        present = set(os.listdir(folder))
    except OSError:
        return None
    pages = {path: digest for path, digest in stored.pages.items() if Path(path).name in present}
    return PageManifest(stored.fingerprint, pages)


def _write_pages(
    out_dir: Path, pages: Mapping[str, str], manifest: PageManifest | None, old: PageManifest | None
) -> list[Path]:
    """Write the rendered incident pages and the manifest; returns the index page's path (if any).

    Entries of pages about to be replaced leave the ``old`` manifest first, so that a run
    interrupted halfway never leaves a manifest vouching for a page whose file holds other
    content.
    """
    folder = out_dir / PAGES_DIR
    if manifest is None:
        (folder / MANIFEST).unlink(missing_ok=True)
        return []
    folder.mkdir(exist_ok=True)
    if old is not None and any(path in old.pages for path in pages):
        kept = {path: digest for path, digest in old.pages.items() if path not in pages}
        atomic_write(folder / MANIFEST, manifest_bytes(PageManifest(old.fingerprint, kept)), durable=False)
    index = []
    for name, html in pages.items():
        path = out_dir / name
        atomic_write(path, html.encode("utf-8"), durable=False)
        if path.name == "index.html":
            index.append(path)
    atomic_write(folder / MANIFEST, manifest_bytes(manifest), durable=False)
    return index


_OUR_TEMP = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")  # how verify.files.stage_temp names its temp files


def _remove_stale_temps(*folders: Path) -> None:
    """Temp files an interrupted (killed) run of ours left beside the files it was replacing."""
    for folder in folders:
        if folder.is_dir():
            for entry in folder.iterdir():
                if _OUR_TEMP.fullmatch(entry.name) and entry.is_file():
                    entry.unlink(missing_ok=True)


def _remove_stale_pages(folder: Path, keep: set[str]) -> None:
    # Only names this writer gives its pages: anything else a user put there stays.
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name not in keep and _OUR_PAGE.fullmatch(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
