"""Write the report files: everything is rendered in memory first, then each file is replaced
atomically (temp file + rename), so an interrupted or failing run never leaves a half-written
report and never clobbers a previous one with a partial set.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from verify.records import Report
from verify.report.exports import to_csv, to_jsonld
from verify.report.render import render_html
from verify.report.serialize import report_to_dict

REPORT_FILES: tuple[str, ...] = ("report.json", "report.html", "report.csv", "claimreview.jsonld")
"""The files ``write_report`` writes, in order."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
) -> list[Path]:
    """Write report.json, report.html, report.csv and claimreview.jsonld into ``out_dir``.

    Returns the written paths. Raises ``ConfigError`` for an unusable template folder, before
    anything is written.
    """
    contents = {
        "report.json": (json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n").encode(
            "utf-8"
        ),
        "report.html": render_html(report, registry_sides=registry_sides, template_dir=template_dir).encode(
            "utf-8"
        ),
        "report.csv": to_csv(report),
        "claimreview.jsonld": to_jsonld(report, review_author=review_author).encode("utf-8"),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in REPORT_FILES:
        path = out_dir / name
        atomic_write(path, contents[name])
        written.append(path)
    return written
