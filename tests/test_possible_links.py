"""Possible links: incidents the model keeps apart although a pair of their claims is probably one
event are linked, not merged and not dropped, and the link shows in report.json, report.csv and
report.html."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import report_sample as sample  # tests/ is on sys.path in pytest's default import mode

from verify.judge import link_incidents
from verify.match.groups import cluster_scored
from verify.report import write_report


def test_clusters_kept_apart_by_their_other_pairs_are_linked() -> None:
    # Two tight pairs (0, 1) and (2, 3); one cross pair at probability 0.7, the other three at 0.1.
    first = np.asarray([0, 2, 1, 0, 0, 1], dtype=np.int64)
    second = np.asarray([1, 3, 2, 2, 3, 3], dtype=np.int64)
    distance = np.asarray([0.1, 0.1, 0.3, 0.9, 0.9, 0.9])
    found = cluster_scored([10, 11, 12, 13], [(first, second, distance)], 0.5, 0.5)
    assert found.clusters == [[10, 11], [12, 13]]
    assert found.components == [[10, 11, 12, 13]]
    assert found.links == [(0, 1, 0.7)]
    # Below the link probability there is no link.
    assert cluster_scored([10, 11, 12, 13], [(first, second, distance)], 0.5, 0.8).links == []


def test_a_possible_link_is_in_every_output(tmp_path: Path) -> None:
    report = sample.sample_report()
    a, b = report.incidents[0], report.incidents[1]
    linked = link_incidents([a, b], [(0, 1, 0.62)])
    report = dataclasses.replace(report, incidents=(*linked, *report.incidents[2:]))
    write_report(report, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    first = data["incidents"][0]
    assert first["possible_links"] == [
        {"incident_id": b.id, "probability": 0.62, "reason": linked[0].possible_links[0].reason}
    ]
    assert data["incidents"][1]["possible_links"][0]["incident_id"] == a.id
    assert "possible_links" not in data["incidents"][2]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    assert {r["possibly_same_as"] for r in rows if r["incident_id"] == a.id} == {f"{b.id} (0.62)"}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'data-link="{b.id}"' in html and "Possibly the same incident as" in html
    assert f"{a.id},merge,{b.id}" in html
