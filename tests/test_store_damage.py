"""A damaged store is refused with one clear line, never read into a different report; a run
killed at any point and run again gives the report of an uninterrupted run."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import verify.cli as cli
from verify.embed import HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"
# The CLI with the offline hashing embedder, as a process that can be killed.
_RUNNER = (
    "import sys; import verify.cli as cli; from verify.embed import HashingEmbedder; "
    "cli._run_embedder = lambda model, cache: HashingEmbedder(); sys.exit(cli.main(sys.argv[1:]))"
)


def _report(out: Path) -> dict[str, object]:
    """report.json without the run bookkeeping (what this run changed in the store)."""
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    data.pop("changes", None)
    return data


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, object]]:
    """A store built by one run over the example, and that run's report."""
    monkeypatch.setattr(cli, "_run_embedder", lambda model, cache: HashingEmbedder())
    store, out = tmp_path / "store.db", tmp_path / "first"
    assert cli.main(["run", str(EXAMPLE), "--store", str(store), "--out", str(out), "-q"]) == 0
    return store, _report(out)


def _run(capsys: pytest.CaptureFixture[str], store: Path, out: Path) -> tuple[int, str]:
    code = cli.main(["run", str(EXAMPLE), "--store", str(store), "--out", str(out), "-q"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("trial", range(8))
def test_damaged_store_is_refused_or_gives_the_same_report(
    trial: int, built: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, expected = built
    rng = random.Random(trial)
    data = bytearray(store.read_bytes())
    if trial % 3 == 0:
        data = data[: rng.randrange(100, len(data))]
    else:
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(100, len(data))] = rng.randrange(256)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    code, err = _run(capsys, damaged, tmp_path / "out")
    assert "Traceback" not in err
    if code == 1:
        (line,) = err.strip().splitlines()
        assert line.startswith(f"verify: error: {damaged}")
    else:
        assert code == 0, err
        assert _report(tmp_path / "out") == expected  # never a different report


def test_a_document_edited_in_the_store_is_refused(
    built: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    with sqlite3.connect(store) as conn:  # valid JSON, valid SQLite: only the hash can tell
        doc_id, data = conn.execute("SELECT id, data FROM documents LIMIT 1").fetchone()
        edited = json.loads(data)
        edited["text"] = edited["text"].replace("drone", "rocket", 1) + " Edited."
        conn.execute("UPDATE documents SET data = ? WHERE id = ?", (json.dumps(edited), doc_id))
        conn.execute("DELETE FROM snapshots")  # the rows are what a run reads now
    code, err = _run(capsys, store, tmp_path / "out")
    assert code == 1 and "corrupted store" in err and doc_id in err, err


@pytest.mark.slow
def test_killed_runs_then_a_rerun_give_the_uninterrupted_report(tmp_path: Path) -> None:
    command = [sys.executable, "-c", _RUNNER, "run", str(EXAMPLE), "-q"]
    reference = tmp_path / "reference"
    done = subprocess.run(
        [*command, "--store", str(tmp_path / "ref.db"), "--out", str(reference)], check=False
    )
    assert done.returncode == 0
    expected = _report(reference)
    rng = random.Random(7)
    for trial in range(4):
        store, out = tmp_path / f"s{trial}.db", tmp_path / f"out{trial}"
        for _ in range(2):  # killed twice at random points, then run to the end
            proc = subprocess.Popen([*command, "--store", str(store), "--out", str(out)], cwd=ROOT)
            time.sleep(rng.uniform(0.3, 3.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        done = subprocess.run([*command, "--store", str(store), "--out", str(out)], cwd=ROOT)
        assert done.returncode == 0
        assert _report(out) == expected, f"trial {trial}"
        for name in ("report.csv", "claimreview.jsonld", "report.html"):
            assert (out / name).read_bytes() == (reference / name).read_bytes(), f"trial {trial}: {name}"
        assert not [p for p in out.rglob("*.tmp")], f"trial {trial}: temp files left"
        shutil.rmtree(out)
