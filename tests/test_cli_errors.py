"""Errors a user or the machine causes end in one line on stderr naming the file, exit 1, no temp
files and no traceback, through the real entry point (``verify.cli.main``)."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

import verify.cli as cli
from verify.embed import HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"
EN = "The army said a drone struck the base on Monday, killing two soldiers."
AR = "قالت وزارة الدفاع إن صاروخا سقط قرب القاعدة"


@pytest.fixture(autouse=True)
def fast_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_run_embedder", lambda model, cache: HashingEmbedder())


def one_error(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    """Run the CLI; assert exit 1 and exactly one line on stderr; return it."""
    code = cli.main([str(a) for a in args])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("verify: warning:")]
    assert code == 1, err
    assert len(lines) == 1 and lines[0].startswith("verify: error: "), err
    assert "Traceback" not in err
    return lines[0]


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".tmp." in p.name]


def test_out_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report"
    target.write_text("mine", encoding="utf-8")
    line = one_error(capsys, "run", EXAMPLE, "--out", target, "-q")
    assert str(target) in line and "not a folder" in line
    assert target.read_text(encoding="utf-8") == "mine"


def test_out_under_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    line = one_error(capsys, "run", EXAMPLE, "--out", tmp_path / "afile" / "report", "-q")
    assert "afile" in line and "is a file" in line
    line = one_error(capsys, "extract", EXAMPLE, "-o", tmp_path / "afile" / "claims.jsonl", "-q")
    assert "afile" in line


def test_out_on_a_read_only_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores permission bits, so the read-only place is simulated: access() says no.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    line = one_error(capsys, "run", EXAMPLE, "--out", tmp_path / "report", "-q")
    assert str(tmp_path / "report") in line and "not writable" in line
    assert list(tmp_path.iterdir()) == []


def test_read_only_file_system_at_write_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if str(path).endswith(".tmp"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", refuse)
    line = one_error(capsys, "run", EXAMPLE, "--out", tmp_path / "report", "-q")
    assert "Read-only file system" in line and "report" in line
    assert ".tmp" not in line  # names the file the user asked for, not our temp file
    assert no_temp_files(tmp_path)


def test_full_disk_leaves_no_temp_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FullDisk(io.RawIOBase):
        def __init__(self, handle: Any) -> None:
            self.handle = handle
            self.written = 0

        def write(self, data: Any) -> int:
            if self.written > 100:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += self.handle.write(bytes(data[:150]))
            return min(len(data), 150)

        def writelines(self, lines: Any) -> None:
            for line in lines:
                self.write(line)

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(real_fdopen(fd, mode, *a, **k)))
    out = tmp_path / "report"
    line = one_error(capsys, "run", EXAMPLE, "--out", out, "-q")
    assert "No space left on device" in line and str(out / "report.") in line
    assert no_temp_files(tmp_path)
    assert not list(out.glob("report.*"))  # no report file half-written


def test_template_that_includes_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.html").write_text('{% include "report.html" %}', encoding="utf-8")
    line = one_error(capsys, "run", EXAMPLE, "--out", tmp_path / "out", "--template-dir", templates, "-q")
    assert "report.html" in line and "itself" in line
    assert not (tmp_path / "out").exists()


def test_header_only_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "docs.csv"
    sheet.write_text("text,source\n\n", encoding="utf-8")
    line = one_error(capsys, "extract", sheet)
    assert f"{sheet}:1" in line and "no rows" in line


def test_empty_folder_and_folder_without_supported_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert str(empty) in one_error(capsys, "extract", empty)
    other = tmp_path / "pdfs"
    other.mkdir()
    (other / "a.pdf").write_bytes(b"%PDF-1.4")
    assert "no supported files" in one_error(capsys, "run", other, "--out", tmp_path / "out", "-q")


def test_csv_fields_longer_than_the_csv_module_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_text = (EN + " ") * 2500  # about 180,000 characters in one cell
    sheet = tmp_path / "docs.csv"
    sheet.write_text(f'text,source\n"{long_text}",Reuters\n', encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    assert cli.main(["extract", str(sheet), "-o", str(out), "-q"]) == 0, capsys.readouterr().err
    claims = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert claims and all(c["document_id"] == claims[0]["document_id"] for c in claims)


def test_utf8_line_in_a_legacy_code_page_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pasted = "أفاد مصدر محلي بوقوع انفجار"
    doc = tmp_path / "doc.txt"
    doc.write_bytes(AR.encode("cp1256") + b".\n" + pasted.encode("utf-8") + b".\n")
    out = tmp_path / "claims.jsonl"
    assert cli.main(["extract", str(doc), "-o", str(out), "-q"]) == 0, capsys.readouterr().err
    texts = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert texts == [AR + ".", pasted + "."]


def test_pairs_output_neutralises_formula_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    import verify.embed

    monkeypatch.setattr(verify.embed, "load_embedder", lambda name=None, **kw: HashingEmbedder())
    sheet = tmp_path / "pairs.csv"
    rows = [
        ["claim", "evidence", "=note"],
        ['=HYPERLINK("http://x")', "+1 rockets hit the base", "@SUM(A1)"],
        ["Three rockets hit the base", " -2 rockets were fired", "plain"],
    ]
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "judged.csv"
    code = cli.main(
        ["pairs", str(sheet), "--claim", "claim", "--evidence", "evidence", "--rules-only", "--no-cache",
         "-o", str(out), "-q"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    cells = [cell for row in written for cell in row]
    assert "'=note" in written[0]
    assert {
        '\'=HYPERLINK("http://x")',
        "'+1 rockets hit the base",
        "'@SUM(A1)",
        "' -2 rockets were fired",
    } <= set(cells)
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in cells)
