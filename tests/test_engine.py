"""The Dask engine gives the in-process report, whatever the partitioning and the workers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verify.embed import HashingEmbedder
from verify.engine.partition import chunked, local_map, read_inputs
from verify.engine.pipeline import run
from verify.errors import InputError
from verify.read.ingest import load_documents
from verify.registry import Knowledge
from verify.report import report_to_dict

distributed = pytest.importorskip("distributed")

from verify.engine.cluster import DaskOptions, dask_mapper, run_on_dask  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"
THREADS = DaskOptions(n_workers=2, processes=False)


@pytest.fixture(scope="module")
def local_report(knowledge: Knowledge) -> dict[str, Any]:
    return report_to_dict(run([EXAMPLE], HashingEmbedder(), knowledge))


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Several partitions per stage even on the small example (threads share these globals)."""
    monkeypatch.setattr("verify.engine.pipeline.EXTRACT_BATCH", 2)
    monkeypatch.setattr("verify.engine.pipeline.EMBED_CHUNK", 3)
    yield


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_two_thread_workers_give_the_in_process_report(
    knowledge: Knowledge, local_report: dict[str, Any], small_partitions: None
) -> None:
    report = run_on_dask([EXAMPLE], HashingEmbedder, knowledge, THREADS)
    assert report_to_dict(report) == local_report
    assert len(local_report["incidents"]) > 1


def test_two_worker_processes_give_the_in_process_report(
    knowledge: Knowledge, local_report: dict[str, Any]
) -> None:
    options = DaskOptions(n_workers=2, processes=True)
    assert report_to_dict(run_on_dask([EXAMPLE], HashingEmbedder, knowledge, options)) == local_report


def test_partitioned_reading_matches_load_documents(tmp_path: Path) -> None:
    """Ids repeated within and across files are renamed exactly as the one-pass reader does."""
    a = _write(tmp_path / "a.jsonl", [{"id": "x", "text": "One."}, {"id": "x", "text": "Two."}])
    b = _write(tmp_path / "b.jsonl", [{"id": "x", "text": "Three."}, {"text": "One."}, {"text": "One."}])
    warnings: list[str] = []
    expected = load_documents([a, b, a], on_warning=warnings.append)
    seen: list[str] = []
    with dask_mapper(THREADS) as mapper:
        got = read_inputs([a, b, a], mapper, seen.append)
    assert got == expected
    assert [d.id for d in got][:3] == ["x", "x-2", "x-3"]
    assert sorted(seen) == sorted(warnings)
    assert read_inputs([a, b, a], local_map, None) == expected


def test_first_bad_file_in_input_order_is_the_error(tmp_path: Path, knowledge: Knowledge) -> None:
    good = _write(tmp_path / "a.jsonl", [{"text": "Fine."}])
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": "Fine."}\n{"text": 3}\n', encoding="utf-8")
    worse = tmp_path / "c.jsonl"
    worse.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run_on_dask([good, bad, worse], HashingEmbedder, knowledge, THREADS)
    assert (caught.value.path, caught.value.line) == (str(bad), 2)


def test_chunks_cover_the_items_in_order() -> None:
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunked([], 3) == []


@pytest.mark.slow
def test_cli_on_a_running_scheduler_writes_the_in_process_report_json(tmp_path: Path) -> None:
    """The default model, through the real entry point, on a scheduler given by address."""
    from verify.cli import main

    assert main(["run", str(EXAMPLE), "--no-cache", "-q", "--out", str(tmp_path / "local")]) == 0
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        args = ["run", str(EXAMPLE), "--no-cache", "-q", "--out", str(tmp_path / "dask")]
        assert main([*args, "--engine", "dask", "--scheduler", cluster.scheduler_address]) == 0
    local = (tmp_path / "local" / "report.json").read_bytes()
    assert (tmp_path / "dask" / "report.json").read_bytes() == local
