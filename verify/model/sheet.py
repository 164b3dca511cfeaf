"""The spreadsheet side of ``verify pairs``: rows read with clear errors, verdict columns added."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from verify.errors import InputError
from verify.files import atomic_write, neutralise
from verify.model.pairs import PairVerdict
from verify.records import FacetDiff

OUTPUT_COLUMNS = ("relation", "confidence", "rationale", "facets")


def read_pairs(path: Path, claim: str, evidence: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV; unknown columns and empty cells are InputErrors."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            if not header:
                raise InputError(str(path), "empty file: expected a header row")
            for column in (claim, evidence):
                if column not in header:
                    found = ", ".join(repr(h) for h in header)
                    raise InputError(str(path), f"no column {column!r}; columns found: {found}", 1)
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise InputError(str(path), f"expected {len(header)} fields", reader.line_num)
                for column in (claim, evidence):
                    if not row[column].strip():
                        raise InputError(str(path), f"empty {column!r} cell", reader.line_num)
                rows.append(row)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(str(path), f"malformed CSV ({exc})") from None
    return header, rows


def _facet_names(diffs: Sequence[FacetDiff]) -> str:
    return ";".join(dict.fromkeys(d.name for d in diffs))


def output_rows(
    header: Sequence[str], rows: Sequence[dict[str, str]], verdicts: Sequence[PairVerdict]
) -> tuple[list[str], list[dict[str, str]]]:
    """The input rows with ``relation``, ``confidence``, ``rationale`` and ``facets`` added, and
    ``label`` first of them when the model predicts labels of the user's own."""
    added_columns = (["label"] if any(v.label is not None for v in verdicts) else []) + list(OUTPUT_COLUMNS)
    columns = [h for h in header if h not in added_columns] + added_columns
    out = []
    for row, v in zip(rows, verdicts, strict=True):
        added = {
            **({"label": v.label or ""} if "label" in added_columns else {}),
            "relation": str(v.relation),
            "confidence": f"{v.confidence:.3f}",
            "rationale": " | ".join(v.rationale),
            "facets": _facet_names(v.facets),
        }
        out.append({**{h: row[h] for h in header}, **added})
    return columns, out


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write_csv(path: Path | None, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    """Write rows to ``path`` atomically (a temp file then a rename), or to stdout for ``None``.

    Every cell, the header's too, is formula-safe as in report.csv: the input's own cells and
    the rationale quote text a spreadsheet must not evaluate.
    """
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([neutralise(c) for c in columns])
    writer.writerows([neutralise(_cell(row.get(c))) for c in columns] for row in rows)
    if path is None:
        sys.stdout.write(text.getvalue())
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.getvalue().encode("utf-8"))
