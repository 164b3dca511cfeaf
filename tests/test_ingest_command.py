"""``verify ingest``: the documents as read, one JSON line each, valid input to ``verify run``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verify.read import load_documents

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"
PAGES = ROOT / "tests" / "data" / "pages"
FIELDS = {"id", "path", "line", "source", "source_type", "side", "published", "lang", "url", "title", "text"}


def verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "verify", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)


def test_ingest_writes_what_was_read_and_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text(
        "id,text,source,published\nr1,Two drones hit the base on Monday.,Example Wire,2024-02-05\n", "utf-8"
    )
    (folder / "b_page.html").write_text((PAGES / "en_strike.html").read_text("utf-8"), "utf-8")
    (folder / "c_menu.html").write_text("<html><body><nav>Home</nav></body></html>", "utf-8")
    (folder / "d.txt").write_text("وقالت مصادر محلية إن قذيفتين سقطتا قرب الجسر.", "utf-8")
    out = tmp_path / "documents.jsonl"
    done = verify("ingest", folder, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "c_menu.html" in done.stderr and "no article text" in done.stderr  # a warning, not the end
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["path"] for r in rows] == [str(folder / n) for n in ("a.csv", "b_page.html", "d.txt")]
    assert all(set(r) == FIELDS for r in rows)
    assert rows[0]["id"] == "r1" and rows[0]["line"] == 2 and rows[0]["published"] == "2024-02-05"
    assert rows[1]["line"] is None and rows[1]["title"] == "Airstrike hits crowded market in northern town"
    assert "Reader1234" not in rows[1]["text"] and rows[2]["lang"] == "ar"
    again = load_documents([out])
    original = load_documents([folder])
    keys = ("id", "text", "source", "source_type", "side", "published", "lang", "url", "title")
    assert [[getattr(d, k) for k in keys] for d in again] == [[getattr(d, k) for k in keys] for d in original]


def test_ingest_to_stdout_and_bad_input(tmp_path: Path) -> None:
    done = verify("ingest", EXAMPLE / "statements.jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows and all(r["line"] is not None for r in rows)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    done = verify("ingest", bad, "-o", tmp_path / "out.jsonl")
    assert done.returncode == 1 and "bad.jsonl:2" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.slow
def test_ingested_documents_run_and_report_text_only_when_asked(tmp_path: Path) -> None:
    docs = tmp_path / "documents.jsonl"
    assert verify("ingest", EXAMPLE, "-o", docs).returncode == 0
    cache = tmp_path / "cache"
    done = verify("run", docs, "--out", tmp_path / "plain", "--cache-dir", cache, "-q")
    assert done.returncode == 0, done.stderr
    plain = json.loads((tmp_path / "plain" / "report.json").read_text("utf-8"))
    assert plain["documents"] and all("text" not in d for d in plain["documents"])
    done = verify("run", docs, "--out", tmp_path / "full", "--cache-dir", cache, "-q", "--with-text")
    assert done.returncode == 0, done.stderr
    full = json.loads((tmp_path / "full" / "report.json").read_text("utf-8"))
    texts = {r["id"]: r["text"] for r in map(json.loads, docs.read_text("utf-8").splitlines())}
    assert {d["id"]: d["text"] for d in full["documents"]} == texts
    assert [i["id"] for i in full["incidents"]] == [i["id"] for i in plain["incidents"]]
