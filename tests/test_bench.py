"""Benchmark pieces and indexed candidate search: correctness only, never speed."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from bench.baseline import group_all_pairs
from bench.corpus import generate
from bench.run import pairwise_f1
from verify.claims import extract_claims, type_documents
from verify.embed import HashingEmbedder
from verify.engine.pipeline import embed_events
from verify.match.candidates import Item, VectorIndex, candidate_pairs
from verify.match.groups import group_incidents
from verify.records import Claim, ClaimKind, Document, SourceType
from verify.registry import Knowledge, Settings, entity_similarity

DAY = dt.date(2024, 1, 1)


def test_corpus_is_deterministic_bilingual_and_labelled() -> None:
    a, b = generate(300, seed=1), generate(300, seed=1)
    assert a.documents == b.documents
    assert {d["lang"] for d in a.documents} == {"ar", "en"}
    assert set(a.incident_of) == {d["id"] for d in a.documents}
    texts = [d["text"] for d in a.documents]
    assert len(set(texts)) < len(texts)  # wire copy re-run verbatim


def test_pairwise_f1_counts_pairs() -> None:
    truth = {0: 0, 1: 0, 2: 1, 3: 1}
    assert pairwise_f1([[0, 1], [2, 3]], truth) == (1.0, 1.0, 1.0)
    p, r, _ = pairwise_f1([[0, 1, 2, 3]], truth)
    assert (p, r) == (2 / 6, 1.0)
    p, r, _ = pairwise_f1([[0], [1], [2], [3]], truth)
    assert r == 0.0


def _pairs(items: list[Item], vectors: np.ndarray, **kw: object) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for first, second in candidate_pairs(
        items,
        vectors,
        window=1,
        published_window=3,
        floor=0.4,
        same_place=lambda a, b: a == b,
        **kw,  # type: ignore[arg-type]
    ):
        found = list(zip(first.tolist(), second.tolist(), strict=True))
        assert all(i < j for i, j in found)
        assert not out & set(found), "a pair proposed twice"
        out |= set(found)
    return out


def test_dated_claims_pair_only_within_the_window() -> None:
    days = [0, 0, 1, 3, 5, 5]
    items = [Item(DAY + dt.timedelta(days=d), None, ()) for d in days]
    vectors = np.eye(len(items), dtype=np.float32)
    want = {(i, j) for i, j in itertools.combinations(range(len(days)), 2) if abs(days[i] - days[j]) <= 1}
    assert _pairs(items, vectors) == want


def test_undated_claims_meet_everything_in_a_small_corpus() -> None:
    items = [Item(DAY, None, ()), Item(DAY + dt.timedelta(days=9), None, ()), Item(None, DAY, ())]
    assert _pairs(items, np.eye(3, dtype=np.float32)) == {(0, 2), (1, 2)}


def test_busy_window_uses_the_index_and_places() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[1] = vectors[0]  # a near-duplicate: found by the index
    items = [Item(DAY, None, ("harir",) if i in (5, 9) else ()) for i in range(40)]
    found = _pairs(items, vectors, dense_block_max=10, neighbours=2)
    assert (0, 1) in found and (5, 9) in found
    assert len(found) < 40 * 39 // 2


def test_hnsw_finds_the_exact_neighbours_on_a_small_set() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(500, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    _, exact = VectorIndex(vectors, exact_max=10_000).search(vectors[:50], 5)
    _, approx = VectorIndex(vectors, exact_max=0).search(vectors[:50], 5)
    assert exact[:, 0].tolist() == list(range(50))
    hits = sum(len(set(a) & set(e)) for a, e in zip(approx.tolist(), exact.tolist(), strict=True))
    assert hits / exact.size >= 0.95


def test_indexed_grouping_equals_all_pairs_on_a_synthetic_corpus() -> None:
    knowledge = Knowledge.load(Settings())
    corpus = generate(250, seed=3)
    documents = type_documents(
        [
            Document(
                id=d["id"],
                text=d["text"],
                source=d["source"],
                lang=d["lang"],
                published=dt.date.fromisoformat(d["published"]),
                source_type=SourceType.UNKNOWN,
            )
            for d in corpus.documents
        ],
        knowledge,
    )
    claims: list[Claim] = [c for doc in documents for c in extract_claims(doc, knowledge)]
    vectors = embed_events(claims, HashingEmbedder())
    assert not vectors[[i for i, c in enumerate(claims) if c.kind != ClaimKind.EVENT]].any()
    indexed = group_incidents(claims, vectors, similarity=entity_similarity)
    assert indexed == group_all_pairs(claims, vectors, similarity=entity_similarity)
    assert len(indexed) > 10


def test_bench_scripts_do_not_shadow_standard_modules() -> None:
    # bench/run.py runs as a script, so bench/ is first on sys.path: a bench/select.py once
    # replaced the standard 'select' module and broke subprocess in the benchmark.
    import sys
    from pathlib import Path

    names = {p.stem for p in (Path(__file__).resolve().parents[1] / "bench").glob("*.py")}
    assert names and not names & set(sys.stdlib_module_names)
