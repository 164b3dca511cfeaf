"""Write the report files: everything is rendered in memory first, then each file is replaced
atomically (temp file + rename), so an interrupted or failing run never leaves a half-written
report and never clobbers a previous one with a partial set. Files get the usual permissions
(0666 less the umask), like any file the user's tools create, not a temp file's 0600.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from verify.records import Report
from verify.report.exports import to_csv, to_jsonld
from verify.report.markdown import to_summary_md
from verify.report.render import render_html
from verify.report.serialize import report_to_dict
from verify.review import UnmatchedReview

REPORT_FILES: tuple[str, ...] = (
    "report.json",
    "report.html",
    "report.csv",
    "claimreview.jsonld",
    "summary.md",
)
"""The files ``write_report`` writes, in order."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never follow or reuse a planted file; mode 0o666 lets the kernel apply the umask.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    report: Report,
    out_dir: Path,
    *,
    registry_sides: Mapping[str, str | None] | None = None,
    template_dir: Path | None = None,
    review_author: str = "verify",
    unmatched: Sequence[UnmatchedReview] = (),
) -> list[Path]:
    """Write report.json, report.html, report.csv, claimreview.jsonld and summary.md.

    ``unmatched`` are reviews that applied to nothing: listed in report.json, the page and the
    summary. Returns the written paths. Raises ``ConfigError`` for an unusable template folder,
    before anything is written.
    """
    data = report_to_dict(report, unmatched)
    html = render_html(
        report,
        registry_sides=registry_sides,
        template_dir=template_dir,
        unmatched=unmatched,
        review_author=review_author,
    )
    contents = {
        "report.json": (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        "report.html": html.encode("utf-8"),
        "report.csv": to_csv(report),
        "claimreview.jsonld": to_jsonld(report, review_author=review_author).encode("utf-8"),
        "summary.md": to_summary_md(report, unmatched).encode("utf-8"),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in REPORT_FILES:
        path = out_dir / name
        atomic_write(path, contents[name])
        written.append(path)
    return written
