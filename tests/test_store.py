"""The incremental store: a run over the store gives the report a run over everything gives."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import random
import sqlite3
import zlib
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.corpus import generate
from verify import cli
from verify.codec import (
    claim_from_dict,
    claim_from_row,
    claim_to_dict,
    claim_to_row,
    document_from_row,
    document_to_row,
    incident_from_dict,
    incident_from_row,
    incident_to_dict,
    incident_to_row,
)
from verify.embed import CachedEmbedder, HashingEmbedder
from verify.engine import pipeline
from verify.errors import InputError
from verify.match.candidates import Item, candidate_pairs, pairs_with
from verify.records import Relation
from verify.report import report_to_dict
from verify.report.review import parse_reviews
from verify.store import Saved, Store, plan_documents
from verify.store import db as store_module

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "omar_field"


class CountingEmbedder(HashingEmbedder):
    """A hashing embedder that remembers every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> Any:
        self.seen.extend(texts)
        return super().encode(texts)


def _jsonl(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small synthetic corpus split in two: 85% first, the rest (joining old incidents) later."""
    rows = generate(400, seed=5).documents
    random.Random(1).shuffle(rows)
    cut = len(rows) * 85 // 100
    folder = tmp_path_factory.mktemp("corpus")
    return _jsonl(folder / "a.jsonl", rows[:cut]), _jsonl(folder / "b.jsonl", rows[cut:])


def _store_run(db: Path, inputs: Sequence[Path], knowledge: Any, **kw: Any) -> pipeline.StoreRun:
    with Store(db) as store:
        return pipeline.run_incremental(inputs, kw.pop("embedder", HashingEmbedder()), knowledge, store, **kw)


def _plain(inputs: Sequence[Path], knowledge: Any) -> dict[str, Any]:
    # Behind a cache, as `verify run --store` embeds, so both runs take their vectors the same
    # way (the cache keeps the embedder's float32 rows as they are; it does not renormalise them).
    return report_to_dict(pipeline.run(inputs, CachedEmbedder(HashingEmbedder()), knowledge))


def test_store_run_a_then_b_equals_a_plain_run_of_both(tmp_path: Path, corpus: Any, knowledge: Any) -> None:
    a, b = corpus
    first = _store_run(tmp_path / "s.db", [a], knowledge)
    assert report_to_dict(first.report) == _plain([a], knowledge)
    second = _store_run(tmp_path / "s.db", [b], knowledge)
    assert report_to_dict(second.report) == _plain([a, b], knowledge)
    changes = second.changes
    assert changes["run"] == 2 and changes["previous_run"] == 1 and not changes["rebuilt"]
    assert len(changes["documents"]["new"]) == len(b.read_text().splitlines())
    new_claims = set(changes["claims"]["new"])
    assert new_claims == {c.id for c in second.report.claims} - {c.id for c in first.report.claims}
    # The late reports join incidents the first run built, so those change.
    assert changes["incidents"]["changed"]
    old = {i.id for i in first.report.incidents}
    for item in changes["incidents"]["changed"]:
        assert set(item["was"]) <= old and item["id"] not in old
    assert changes["incidents"]["unchanged"] == sum(i.id in old for i in second.report.incidents)


def test_with_a_judge_model_a_later_run_scores_only_new_pairs(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pair judged in run 1 keeps its confidence in run 2: the report is a plain run's."""
    scored: list[tuple[str, str]] = []

    def scorer(pairs: Sequence[Any]) -> list[dict[Relation, float]]:
        scored.extend((c.id, e.id) for c, e, _ in pairs)
        out = []
        for c, e, _ in pairs:  # any pure function of the pair stands in for the model
            x = hashlib.sha256(f"{c.text}|{e.text}".encode()).digest()[0] / 255
            out.append({Relation.CORROBORATES: x, Relation.CONTRADICTS: 1 - x})
        return out

    monkeypatch.setattr(pipeline, "judge_scorer", lambda *args, **kwargs: scorer)
    a, b = corpus
    first = _store_run(tmp_path / "s.db", [a], knowledge)
    before = {(f.claim_id, f.evidence_claim_id) for i in first.report.incidents for f in i.findings}
    scored.clear()
    second = _store_run(tmp_path / "s.db", [b], knowledge)
    later = set(scored)
    assert report_to_dict(second.report) == _plain([a, b], knowledge)
    # Run 2 scored pairs (with a new claim, or of old claims brought together), none twice ...
    assert later and not later & before
    # ... while the rebuilt incidents hold pairs run 1 judged.
    rebuilt = {item["id"] for item in second.changes["incidents"]["changed"]}
    kept = {
        (f.claim_id, f.evidence_claim_id)
        for i in second.report.incidents
        if i.id in rebuilt
        for f in i.findings
    }
    assert kept & before


def test_a_run_hands_the_collector_back_as_it_found_it(tmp_path: Path, corpus: Any, knowledge: Any) -> None:
    a, _ = corpus
    _store_run(tmp_path / "s.db", [a], knowledge)
    assert gc.get_freeze_count() == 0
    with pytest.raises(InputError):
        _store_run(tmp_path / "s.db", [tmp_path / "missing.jsonl"], knowledge)
    assert gc.get_freeze_count() == 0


def test_bundled_example_in_two_runs(tmp_path: Path, knowledge: Any) -> None:
    statements, article = EXAMPLE / "statements.jsonl", EXAMPLE / "erbil_article.html"
    _store_run(tmp_path / "s.db", [statements], knowledge)
    second = _store_run(tmp_path / "s.db", [article], knowledge)
    assert report_to_dict(second.report) == _plain([statements, article], knowledge)


def test_known_documents_are_not_extracted_or_embedded_again(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = corpus
    first = _store_run(tmp_path / "s.db", [a], knowledge)
    embedder = CountingEmbedder()
    calls: list[str] = []
    real = pipeline.extract_claims

    def counting(doc: Any, k: Any) -> Any:
        calls.append(doc.id)
        return real(doc, k)

    monkeypatch.setattr(pipeline, "extract_claims", counting)
    again = _store_run(tmp_path / "s.db", [a, b], knowledge, embedder=embedder)
    b_ids = {json.loads(line)["id"] for line in b.read_text().splitlines()}
    assert set(calls) == b_ids
    old_texts = {c.text for c in first.report.claims}
    new_texts = {c.text for c in again.report.claims if c.document_id in b_ids} - old_texts
    assert set(embedder.seen) <= new_texts
    nothing = _store_run(tmp_path / "s.db", [a, b], knowledge, embedder=CountingEmbedder())
    assert nothing.changes["documents"] == {"new": [], "changed": []}
    assert nothing.changes["incidents"]["unchanged"] == len(nothing.report.incidents)
    assert report_to_dict(nothing.report) == report_to_dict(again.report)


def test_changed_document_replaces_its_claims(tmp_path: Path, knowledge: Any) -> None:
    lines = (EXAMPLE / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    before = _jsonl(tmp_path / "before.jsonl", rows)
    _store_run(tmp_path / "s.db", [before], knowledge)
    edited = [dict(r) for r in rows]
    edited[0]["text"] = "The group said it fired three rockets at Harir air base on Monday."
    after = _jsonl(tmp_path / "after.jsonl", edited)
    run = _store_run(tmp_path / "s.db", [after], knowledge)
    assert run.changes["documents"]["changed"] == [rows[0]["id"]]
    assert report_to_dict(run.report) == _plain([after], knowledge)


def test_interrupted_save_leaves_the_store_as_it_was(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = corpus
    db = tmp_path / "s.db"
    _store_run(db, [a], knowledge)
    with Store(db) as store:
        snapshot = store.load()
    real = store_module.write_rows

    def interrupted(conn: sqlite3.Connection, *args: Any) -> None:
        real(conn, *args)  # every row is written, then Ctrl-C before the commit
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "write_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _store_run(db, [b], knowledge)
    monkeypatch.setattr(store_module, "write_rows", real)
    with Store(db) as store:
        assert store.load() == snapshot
    assert report_to_dict(_store_run(db, [b], knowledge).report) == _plain([a, b], knowledge)


def test_a_store_changed_meanwhile_is_not_overwritten(tmp_path: Path, corpus: Any, knowledge: Any) -> None:
    a, _ = corpus
    db = tmp_path / "s.db"
    with Store(db) as store:
        stale = store.load()
    _store_run(db, [a], knowledge)
    with Store(db) as store, pytest.raises(InputError, match="another run"):
        store.save(stale, Saved("x", [], {}, plan_documents(stale, []),
                                             [], {}, [], frozenset(), [], {}, [], False))  # fmt: skip


def test_other_code_or_registry_recomputes_everything(tmp_path: Path, corpus: Any, knowledge: Any) -> None:
    a, _ = corpus
    db = tmp_path / "s.db"
    _store_run(db, [a], knowledge)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'fingerprint'")
    run = _store_run(db, [a], knowledge)
    assert run.changes["rebuilt"]
    assert report_to_dict(run.report) == _plain([a], knowledge)


def test_not_a_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database, just text that is long enough to be read" * 20)
    with pytest.raises(InputError, match="not a usable verify store"):
        Store(bad)


def test_reviews_are_kept_for_later_runs(tmp_path: Path, knowledge: Any) -> None:
    statements, article = EXAMPLE / "statements.jsonl", EXAMPLE / "erbil_article.html"
    first = _store_run(tmp_path / "s.db", [statements], knowledge)
    incident = first.report.incidents[0].id
    rows = parse_reviews(f"id,grade,reviewer,note\n{incident},confirmed,Desk,checked\n", "r.csv")
    _store_run(tmp_path / "s.db", [statements], knowledge, reviews=rows)
    later = _store_run(tmp_path / "s.db", [article], knowledge)
    assert [(r.id, r.review.value, r.review.reviewer) for r in later.reviews] == [
        (incident, "confirmed", "Desk")
    ]


def test_records_round_trip(knowledge: Any) -> None:
    report = pipeline.run([EXAMPLE], CachedEmbedder(HashingEmbedder()), knowledge)
    assert [claim_from_dict(json.loads(json.dumps(claim_to_dict(c)))) for c in report.claims] == list(
        report.claims
    )
    for incident in report.incidents:
        data = json.loads(json.dumps(incident_to_dict(incident)))
        restored = incident_from_dict(data, incident.findings)
        assert restored == incident
    # The snapshot's rows give the same records.
    assert [claim_from_row(claim_to_row(c)) for c in report.claims] == list(report.claims)
    assert [document_from_row(document_to_row(d)) for d in report.documents] == list(report.documents)
    assert [incident_from_row(incident_to_row(i)) for i in report.incidents] == list(report.incidents)


def _snapshot_and_rows(db: Path) -> tuple[store_module.Stored | None, store_module.Stored]:
    with Store(db) as store, closing(store._conn.cursor()) as cur:
        run, stamp = int(store._meta("run") or 0), store._meta("fingerprint")
        return store_module.read_snapshot(cur, run, stamp), store_module.read_rows(cur, run, stamp)


def _same_state(a: store_module.Stored, b: store_module.Stored) -> bool:
    """Equal, and in the same orders (the changes a run reports follow the stored order)."""
    ordered = ("documents", "claims", "incidents")
    return a == b and all(list(getattr(a, f).items()) == list(getattr(b, f).items()) for f in ordered)


@pytest.mark.parametrize("share", [store_module._DELTA_SHARE, 10.0])
def test_the_snapshot_holds_what_the_rows_hold(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    """After every kind of save the snapshot reads back as the rows do: a first run, new
    documents joining old incidents, a changed document, a review, and a rebuild; saved as
    new bases, and (``share`` 10) as deltas."""
    monkeypatch.setattr(store_module, "_DELTA_SHARE", share)
    a, b = corpus
    db = tmp_path / "s.db"
    rows = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    edited = [dict(r) for r in rows[:5]]
    edited[0]["text"] = "The group said it fired three rockets at Harir air base on Monday."
    changed = _jsonl(tmp_path / "changed.jsonl", edited)
    # Edits that keep every span: the same claim ids, so incidents are rebuilt under their ids.
    retyped = _jsonl(
        tmp_path / "retyped.jsonl", [{**r, "text": r["text"].replace(".", "!")} for r in rows[5:40]]
    )
    steps: list[Sequence[Path]] = [[a], [b], [changed], [retyped]]
    for inputs in steps:
        run = _store_run(db, inputs, knowledge)
        snapshot, stored = _snapshot_and_rows(db)
        assert snapshot is not None and _same_state(snapshot, stored)
        with Store(db) as store:
            assert _same_state(store.load(), stored)
    incident = run.report.incidents[0].id
    reviews = parse_reviews(f"id,grade,reviewer,note\n{incident},confirmed,Desk,checked\n", "r.csv")
    _store_run(db, [changed], knowledge, reviews=reviews)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'fingerprint'")
    assert _store_run(db, [a], knowledge).changes["rebuilt"]
    snapshot, stored = _snapshot_and_rows(db)
    assert snapshot is not None and _same_state(snapshot, stored)


def _chain(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT run, kind, format, checksum, data FROM snapshots ORDER BY run").fetchall()


def test_a_stale_or_damaged_snapshot_is_passed_over(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_DELTA_SHARE", 10.0)  # a small corpus makes large deltas
    a, b = corpus
    db = tmp_path / "s.db"
    _store_run(db, [a], knowledge)
    _store_run(db, [b], knowledge)
    chain = _chain(db)
    assert [(run, kind) for run, kind, *_ in chain] == [(1, "base"), (2, "delta")]
    _, stored = _snapshot_and_rows(db)

    def read_with(rows: list[tuple[Any, ...]]) -> store_module.Stored:
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM snapshots")
            conn.executemany("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)", rows)
        with Store(db) as store:
            return store.load()

    # Run 1's base alone (as a save by an older verify, which keeps none, leaves it), no
    # snapshot, a torn delta, a delta of another format, a delta without its base, and a
    # delta that is not ours but passes the checksum.
    base, delta = chain
    garbage = b"\x00not marshal at all"
    for rows in [
        [base],
        [],
        [base, (*delta[:4], delta[4][:100])],
        [base, (delta[0], delta[1], delta[2] + 1, *delta[3:])],
        [delta],
        [base, (*delta[:3], zlib.crc32(garbage), garbage)],
    ]:
        assert _same_state(read_with(rows), stored)
    # The next save writes a new base.
    _store_run(db, [b], knowledge)
    assert [(run, kind) for run, kind, *_ in _chain(db)] == [(3, "base")]
    snapshot, stored = _snapshot_and_rows(db)
    assert snapshot is not None and _same_state(snapshot, stored)


def test_deltas_are_folded_into_a_new_base(
    tmp_path: Path, corpus: Any, knowledge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_BASE_EVERY", 2)
    monkeypatch.setattr(store_module, "_DELTA_SHARE", 10.0)
    a, b = corpus
    db = tmp_path / "s.db"
    rows = b.read_text(encoding="utf-8").splitlines()
    parts = [_jsonl(tmp_path / f"b{n}.jsonl", [json.loads(r) for r in rows[n::4]]) for n in range(4)]
    kinds = []
    for inputs in [[a], *([p] for p in parts)]:
        _store_run(db, inputs, knowledge)
        kinds.append([kind for _, kind, *_ in _chain(db)])
        snapshot, stored = _snapshot_and_rows(db)
        assert snapshot is not None and _same_state(snapshot, stored)
    assert kinds == [["base"], ["base", "delta"], ["base", "delta", "delta"], ["base"], ["base", "delta"]]


def test_cli_store_prints_and_writes_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_run_embedder", lambda model, cache: HashingEmbedder())
    db, out = tmp_path / "s.db", tmp_path / "out"
    statements, article = EXAMPLE / "statements.jsonl", EXAMPLE / "erbil_article.html"
    assert cli.main(["run", str(statements), "--store", str(db), "--out", str(out)]) == 0
    assert cli.main(["run", str(article), "--store", str(db), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "run 2 since run 1: 1 new and 0 changed documents" in err
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["changes"]["documents"]["new"] and data["changes"]["run"] == 2
    assert {d["id"] for d in data["documents"]} >= {json.loads(x)["id"] for x in statements.open()}


def test_pairs_with_is_candidate_pairs_restricted_to_the_focus() -> None:
    rng = random.Random(7)
    day = dt.date(2024, 1, 1)
    items = [
        Item(
            date=None if rng.random() < 0.2 else day + dt.timedelta(days=rng.randint(0, 9)),
            published=day + dt.timedelta(days=rng.randint(0, 9)),
            places=tuple(rng.sample(["harir", "omar", "conoco", "asad"], rng.randint(0, 2))),
        )
        for _ in range(120)
    ]
    vectors = np.asarray([[rng.random() for _ in range(8)] for _ in items], dtype=np.float32)
    options: dict[str, Any] = {"window": 1, "published_window": 3, "floor": 0.2, "same_place": str.__eq__}
    every = {
        (int(a), int(b))
        for first, second in candidate_pairs(items, vectors, **options)
        for a, b in zip(first, second, strict=True)
    }
    focus = rng.sample(range(len(items)), 15)
    first, second = pairs_with(focus, items, vectors, **options)
    got = list(zip(first.tolist(), second.tolist(), strict=True))
    assert len(got) == len(set(got))
    assert set(got) == {p for p in every if p[0] in focus or p[1] in focus}
