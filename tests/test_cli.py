"""The command line through its real entry point: exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"


def verify(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_run_writes_every_output(tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = verify("run", EXAMPLE, "--out", out, "--cache-dir", tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    for name in ("report.html", "report.json", "report.csv", "claimreview.jsonld"):
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["schema_version"] == 1
    assert {d["id"] for d in report["documents"]} >= {"centcom-0311", "irq-resistance-0311"}
    relations = {f["relation"] for i in report["incidents"] for f in i["findings"]}
    assert "overstates" in relations and "contradicts" in relations
    # A finding has no evidence exactly when it is unverified.
    for finding in (f for i in report["incidents"] for f in i["findings"]):
        assert (finding["evidence_claim_id"] is None) == (finding["relation"] == "unverified")


def test_extract_writes_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    done = verify("extract", EXAMPLE / "statements.jsonl", "-o", out)
    assert done.returncode == 0, done.stderr
    claims = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert claims and all({"id", "document_id", "start", "end", "source", "kind"} <= c.keys() for c in claims)
    assert any(c["source"] == "Syrian Observatory for Human Rights" for c in claims)


def test_bad_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    done = verify("extract", bad)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.jsonl:2" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_missing_input_is_exit_1(tmp_path: Path) -> None:
    done = verify("extract", tmp_path / "nowhere.txt")
    assert done.returncode == 1 and "nowhere.txt" in done.stderr


def test_usage_error_is_exit_2() -> None:
    done = verify("run")
    assert done.returncode == 2


def test_unknown_model_is_exit_1(tmp_path: Path) -> None:
    done = verify("run", EXAMPLE, "--out", tmp_path / "r", "--model", str(tmp_path / "no-such-model"))
    assert done.returncode == 1
    assert "no-such-model" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()
