"""Human review: a fact-checker's decisions (reviews.csv) read and applied to a finished report.

A reviews file is CSV with a header row and the columns ``id`` (a finding's or an incident's id),
``relation`` (for a finding) and/or ``grade`` (for an incident), ``reviewer`` and ``note``::

    id,relation,grade,reviewer,note
    f-1fa13c28d246,partial,,Desk,"The monitor's count came later"
    i-ee3e3069b7ca,,confirmed,Desk,Imagery checked

Reading is strict (one clear :class:`InputError` naming the file and line), applying is lenient:
a review whose id matches nothing in the report is returned as :class:`UnmatchedReview`, never
dropped, because ids change when the input changes and the decision must not vanish silently.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from verify.errors import InputError
from verify.records import Finding, Grade, Incident, Relation, Report, Review

ReviewKey = Literal["relation", "grade", "merge", "split"]
COLUMNS: tuple[str, ...] = ("id", "relation", "grade", "action", "with", "reviewer", "note")
"""Columns a reviews file may have; ``id`` and one of ``relation``/``grade``/``action`` are required."""
ACTIONS: tuple[str, ...] = ("merge", "split")
"""``merge``: incidents ``id`` and ``with`` are one; ``split``: claim ``id`` leaves its incident."""
_ALLOWED: dict[ReviewKey, tuple[str, ...]] = {
    "relation": tuple(r.value for r in Relation),
    "grade": tuple(g.value for g in Grade),
}


@dataclass(frozen=True)
class ReviewRow:
    """One decision read from a reviews file."""

    id: str
    key: ReviewKey
    """``relation`` for a finding, ``grade`` for an incident."""
    review: Review
    origin: str
    """``path:line`` of the row, for messages."""


@dataclass(frozen=True)
class UnmatchedReview:
    """A review that applies to nothing in this report, and why."""

    row: ReviewRow
    reason: str


def _header(fields: list[str] | None, path: str) -> list[str]:
    if not fields or not any(f.strip() for f in fields):
        raise InputError(path, "empty reviews file: expected a header row id,relation,grade,reviewer,note", 1)
    names = [f.strip().lower() for f in fields]
    unknown = [f for f in names if f not in COLUMNS]
    if unknown:
        raise InputError(path, f"unknown column {unknown[0]!r} (expected {', '.join(COLUMNS)})", 1)
    if "id" not in names:
        raise InputError(path, "no 'id' column", 1)
    if "relation" not in names and "grade" not in names and "action" not in names:
        raise InputError(path, "no 'relation' or 'grade' column (or 'action' to merge or split)", 1)
    return names


def _row(cells: dict[str, str], path: str, line: int) -> ReviewRow:
    ident = cells.get("id", "").strip()
    if not ident:
        raise InputError(path, "empty id", line)
    given = {k: cells.get(k, "").strip().lower() for k in ("relation", "grade", "action")}
    filled = [k for k in ("relation", "grade", "action") if given[k]]
    if len(filled) != 1:
        if set(filled) == {"relation", "grade"}:
            what = "both a relation and a grade"
        else:
            what = "more than one of relation, grade and action" if filled else "no relation or grade"
        raise InputError(
            path,
            f"{ident}: {what}; give a relation for a finding, a grade for an incident, "
            "or an action (merge, split)",
            line,
        )
    if filled == ["action"]:
        return _action_row(ident, given["action"], cells, path, line)
    key: ReviewKey = "relation" if filled == ["relation"] else "grade"
    if given[key] not in _ALLOWED[key]:
        allowed = ", ".join(_ALLOWED[key])
        raise InputError(
            path, f"{ident}: unknown {key} {cells[key].strip()!r} (expected one of {allowed})", line
        )
    review = Review(given[key], cells.get("reviewer", "").strip(), cells.get("note", "").strip())
    return ReviewRow(ident, key, review, f"{path}:{line}")


def _action_row(ident: str, action: str, cells: dict[str, str], path: str, line: int) -> ReviewRow:
    other = cells.get("with", "").strip()
    reviewer, note = cells.get("reviewer", "").strip(), cells.get("note", "").strip()
    if action == "merge":
        if not other:
            raise InputError(path, f"{ident}: merge needs the other incident's id in 'with'", line)
        if other == ident:
            raise InputError(path, f"{ident}: an incident cannot be merged with itself", line)
        return ReviewRow(ident, "merge", Review(other, reviewer, note), f"{path}:{line}")
    if action == "split":
        if other:
            raise InputError(path, f"{ident}: split takes no 'with' (the claim leaves its incident)", line)
        return ReviewRow(ident, "split", Review("", reviewer, note), f"{path}:{line}")
    raise InputError(path, f"{ident}: unknown action {action!r} (expected one of {', '.join(ACTIONS)})", line)


def parse_reviews(text: str, path: str = "<reviews>") -> list[ReviewRow]:
    """The decisions in a reviews CSV's text; raises :class:`InputError` naming ``path:line``."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows: list[ReviewRow] = []
    seen: dict[str, str] = {}
    try:
        names = _header(next(reader, None), path)
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(names):
                    raise InputError(path, f"{len(record)} cells but {len(names)} columns", line)
                row = _row(dict(zip(names, record, strict=False)), path, line)
                if row.id in seen:
                    raise InputError(path, f"{row.id} is reviewed twice (first at {seen[row.id]})", line)
                seen[row.id] = row.origin
                rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"not valid CSV: {exc}", reader.line_num) from exc
    return rows


def load_reviews(path: str | Path) -> list[ReviewRow]:
    """Read and check a reviews file (UTF-8, with or without BOM)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError(str(path), "reviews file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return parse_reviews(text, str(path))


def _mismatch(row: ReviewRow, findings: set[str], incidents: set[str]) -> str:
    if row.id in findings:
        return "this id is a finding, which takes a relation, not a grade"
    if row.id in incidents:
        return "this id is an incident, which takes a grade, not a relation"
    return "no finding or incident has this id in this report (has the input changed?)"


def apply_reviews(report: Report, reviews: Sequence[ReviewRow]) -> tuple[Report, list[UnmatchedReview]]:
    """``report`` with each review set on its finding or incident, and the reviews that fit nothing.

    Pure. The machine's relation and grade are kept; the decision goes in ``review``. When the same
    id is given twice, the later row wins.
    """
    relations = {r.id: r for r in reviews if r.key == "relation"}
    grades = {r.id: r for r in reviews if r.key == "grade"}
    finding_ids = {f.id for i in report.incidents for f in i.findings}
    incident_ids = {i.id for i in report.incidents}

    def finding(f: Finding) -> Finding:
        row = relations.get(f.id)
        return dataclasses.replace(f, review=row.review) if row else f

    def incident(i: Incident) -> Incident:
        row = grades.get(i.id)
        changed = dataclasses.replace(i, findings=tuple(finding(f) for f in i.findings))
        return dataclasses.replace(changed, review=row.review) if row else changed

    unmatched = [
        UnmatchedReview(row, _mismatch(row, finding_ids, incident_ids))
        for row in reviews
        if (row.key == "relation" and row.id not in finding_ids)
        or (row.key == "grade" and row.id not in incident_ids)
    ]
    reviewed = dataclasses.replace(report, incidents=tuple(incident(i) for i in report.incidents))
    return reviewed, unmatched
