"""Human review: reading reviews.csv strictly, applying it purely, and keeping decisions across
re-runs of the real CLI (ids are stable), with reviews that fit nothing reported, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import report_sample as sample  # tests/ is on sys.path in pytest's default import mode

from verify.errors import InputError
from verify.records import Grade, Relation, Report, Review
from verify.report.review import ReviewRow, UnmatchedReview, apply_reviews, load_reviews, parse_reviews

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "omar_field"


@pytest.fixture()
def report() -> Report:
    result: Report = sample.sample_report()
    return result


# --- reading -----------------------------------------------------------------------------------


def test_parse_reads_relations_grades_and_quoted_multiline_notes() -> None:
    text = (
        "\ufeffID, Relation ,grade,reviewer,note\n"
        'f1,Contradicts,,Lina,"Imagery shows no damage,\nsee thread"\n'
        "\n"
        "i2,,confirmed,,\n"
        "f3,unrelated,,Omar,\n"
    )
    rows = parse_reviews(text, "r.csv")
    assert [(r.id, r.key, r.review.value) for r in rows] == [
        ("f1", "relation", "contradicts"),
        ("i2", "grade", "confirmed"),
        ("f3", "relation", "unrelated"),
    ]
    assert rows[0].review == Review("contradicts", "Lina", "Imagery shows no damage,\nsee thread")
    # Line numbers count physical lines: the quoted note spans two, and a blank line is skipped.
    assert [r.origin for r in rows] == ["r.csv:2", "r.csv:5", "r.csv:6"]


def test_parse_accepts_a_file_with_only_one_of_relation_or_grade() -> None:
    assert parse_reviews("id,grade\ni1,weak\n")[0].key == "grade"
    assert parse_reviews("id,relation\nf1,partial\n")[0].review.reviewer == ""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty reviews file"),
        ("id,verdict,reviewer\n", 1, "unknown column 'verdict'"),
        ("relation,reviewer\n", 1, "no 'id' column"),
        ("id,reviewer,note\n", 1, "no 'relation' or 'grade' column"),
        ("id,relation,grade\nf1,,\n", 2, "f1: no relation or grade"),
        ("id,relation,grade\nf1,partial,weak\n", 2, "both a relation and a grade"),
        ("id,relation\nf1,partial\nf2,mostly true\n", 3, "unknown relation 'mostly true' (expected one of"),
        ("id,grade\ni1,solid\n", 2, "unknown grade 'solid' (expected one of confirmed"),
        ("id,relation\n,partial\n", 2, "empty id"),
        ("id,relation\nf1,partial,extra\n", 2, "3 cells but 2 columns"),
        ("id,relation\nf1,partial\nf1,contradicts\n", 3, "f1 is reviewed twice (first at r.csv:2)"),
    ],
)
def test_bad_rows_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_reviews(text, "r.csv")
    assert caught.value.path == "r.csv" and caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"r.csv:{line}: ")


def test_load_reviews_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_reviews(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,relation,note\nf1,partial,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_reviews(latin)
    good = tmp_path / "good.csv"
    good.write_bytes("id,relation\r\nf1,partial\r\n".encode("utf-8-sig"))
    assert load_reviews(good)[0].origin == f"{good}:2"


# --- applying ----------------------------------------------------------------------------------


def _row(ident: str, key: str, value: str) -> ReviewRow:
    return ReviewRow(ident, key, Review(value, "Desk", "n"), f"r.csv:{ident}")  # type: ignore[arg-type]


def test_apply_sets_reviews_and_keeps_the_machine_decision(report: Report) -> None:
    rows = [_row("f1", "relation", "corroborates"), _row("i3", "grade", "discounted")]
    reviewed, unmatched = apply_reviews(report, rows)
    assert unmatched == []
    findings = {f.id: f for i in reviewed.incidents for f in i.findings}
    assert findings["f1"].relation is Relation.OVERSTATES  # the machine's value is kept
    assert findings["f1"].review == Review("corroborates", "Desk", "n")
    assert findings["f4"].review == Review("partial", "desk editor", "Tally includes later deaths.")
    incidents = {i.id: i for i in reviewed.incidents}
    assert incidents["i3"].grade is Grade.WEAK and incidents["i3"].review == Review("discounted", "Desk", "n")
    # Pure: the input report is untouched, and nothing else changed.
    assert {f.id: f.review for i in report.incidents for f in i.findings}["f1"] is None
    assert reviewed.claims == report.claims and reviewed.documents == report.documents
    assert [i.id for i in reviewed.incidents] == [i.id for i in report.incidents]


def test_apply_reports_reviews_that_fit_nothing(report: Report) -> None:
    rows = [
        _row("f-gone", "relation", "partial"),
        _row("i1", "relation", "partial"),
        _row("f2", "grade", "weak"),
        _row("f3", "relation", "contradicts"),
    ]
    reviewed, unmatched = apply_reviews(report, rows)
    assert [(u.row.id, u.reason.split(" ")[0]) for u in unmatched] == [
        ("f-gone", "no"),
        ("i1", "this"),
        ("f2", "this"),
    ]
    assert all(isinstance(u, UnmatchedReview) for u in unmatched)
    assert "has this id" in unmatched[0].reason and "takes a grade" in unmatched[1].reason
    assert "takes a relation" in unmatched[2].reason
    assert {f.id: f.review for i in reviewed.incidents for f in i.findings}["f3"] is not None
    assert {i.id: i.review for i in reviewed.incidents}["i1"] is None


def test_apply_with_no_reviews_is_identity(report: Report) -> None:
    assert apply_reviews(report, []) == (report, [])


# --- through the real CLI ----------------------------------------------------------------------


@pytest.fixture()
def fast_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI with the package's hashing embedder: ids do not depend on the model."""
    import verify.embed as embed

    monkeypatch.setattr(embed, "load_embedder", lambda *a, **k: embed.HashingEmbedder())


def _run(out: Path, *extra: str) -> int:
    from verify.cli import main

    return main(["run", str(EXAMPLE), "--out", str(out), "--no-cache", "-q", *extra])


def test_reviews_survive_reruns_through_the_cli(
    tmp_path: Path, fast_embedder: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path / "plain") == 0
    first = json.loads((tmp_path / "plain" / "report.json").read_text(encoding="utf-8"))
    incident = next(i for i in first["incidents"] if i["findings"])
    finding = incident["findings"][0]
    new_relation = "contradicts" if finding["relation"] != "contradicts" else "corroborates"
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "id,relation,grade,reviewer,note\n"
        f"{finding['id']},{new_relation},,Lina H.,Checked with the monitor\n"
        f"{incident['id']},,discounted,Lina H.,\n"
        "f-000000000000,partial,,Omar,made on an older input\n",
        encoding="utf-8",
    )
    for attempt in ("one", "two"):
        capsys.readouterr()
        assert _run(tmp_path / attempt, "--reviews", str(reviews), "--review-author", "Desk") == 0
        err = capsys.readouterr().err
        assert f"{reviews}:4: review of f-000000000000 not applied" in err
        data = json.loads((tmp_path / attempt / "report.json").read_text(encoding="utf-8"))
        findings = {f["id"]: f for i in data["incidents"] for f in i["findings"]}
        assert findings[finding["id"]]["relation"] == finding["relation"]  # the machine's, kept
        assert findings[finding["id"]]["review"] == {
            "relation": new_relation,
            "reviewer": "Lina H.",
            "note": "Checked with the monitor",
        }
        assert {i["id"]: i.get("review") for i in data["incidents"]}[incident["id"]]["grade"] == "discounted"
        assert [u["id"] for u in data["unmatched_reviews"]] == ["f-000000000000"]
        assert data["unmatched_reviews"][0]["origin"] == f"{reviews}:4"
        html = (tmp_path / attempt / "report.html").read_text(encoding="utf-8")
        assert "Lina H." in html and "overrules the machine" in html and "f-000000000000" in html
        jsonld = json.loads((tmp_path / attempt / "claimreview.jsonld").read_text(encoding="utf-8"))
        assert {r["author"]["name"] for r in jsonld} == {"Desk"}
        assert "f-000000000000" in (tmp_path / attempt / "summary.md").read_text(encoding="utf-8")
    # Same input, same ids, same decisions: the two reviewed runs are byte-identical.
    for name in ("report.json", "report.html", "report.csv", "claimreview.jsonld", "summary.md"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_bad_reviews_file_fails_before_anything_is_written(
    tmp_path: Path, fast_embedder: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("id,relation\nf-1,probably\n", encoding="utf-8")
    assert _run(tmp_path / "out", "--reviews", str(reviews)) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"verify: error: {reviews}:2: f-1: unknown relation 'probably' (expected one of "
        "corroborates, contradicts, overstates, understates, partial, unverified, unrelated)"
    )
    assert not (tmp_path / "out").exists()


# --- merging and splitting incidents ------------------------------------------------------------


def test_parse_reads_merges_and_splits() -> None:
    rows = parse_reviews("id,action,with,reviewer\ni-a,merge,i-b,Lina\nc-1,Split,,Omar\n", "r.csv")
    assert [(r.id, r.key, r.review.value, r.review.reviewer) for r in rows] == [
        ("i-a", "merge", "i-b", "Lina"),
        ("c-1", "split", "", "Omar"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,action,with\ni-a,merge,\n", "merge needs the other incident's id in 'with'"),
        ("id,action,with\ni-a,merge,i-a\n", "cannot be merged with itself"),
        ("id,action,with\nc-1,split,i-b\n", "split takes no 'with'"),
        ("id,action\ni-a,join\n", "unknown action 'join'"),
        ("id,relation,action\nf1,partial,split\n", "more than one of relation, grade and action"),
    ],
)
def test_bad_merges_and_splits_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_reviews(text, "r.csv")
    assert caught.value.line == 2 and message in caught.value.message


def test_merges_and_splits_regroup_through_the_cli_and_survive_reruns(
    tmp_path: Path, fast_embedder: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path / "plain") == 0
    first = json.loads((tmp_path / "plain" / "report.json").read_text(encoding="utf-8"))
    incidents = first["incidents"]
    assert len(incidents) >= 3
    a, b = incidents[0], incidents[1]
    big = next(i for i in incidents[2:] if len(i["claim_ids"]) > 1)
    moved = big["claim_ids"][-1]
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "id,action,with,reviewer,note\n"
        f"{a['id']},merge,{b['id']},Lina,same strike\n"
        f"{moved},split,,Omar,another day\n"
        "i-000000000000,merge,i-111111111111,Omar,older input\n",
        encoding="utf-8",
    )
    for attempt in ("one", "two"):
        capsys.readouterr()
        assert _run(tmp_path / attempt, "--reviews", str(reviews)) == 0
        assert "review of i-000000000000 not applied" in capsys.readouterr().err
        data = json.loads((tmp_path / attempt / "report.json").read_text(encoding="utf-8"))
        by_claims = {frozenset(i["claim_ids"]): i for i in data["incidents"]}
        merged = by_claims[frozenset(a["claim_ids"]) | frozenset(b["claim_ids"])]
        assert merged["grouping_reviews"] == [
            {"action": "merge", "ids": [a["id"], b["id"]], "reviewer": "Lina", "note": "same strike"}
        ]
        assert frozenset(big["claim_ids"]) - {moved} in by_claims
        alone = by_claims[frozenset({moved})]
        assert alone["grouping_reviews"][0]["action"] == "split"
        ids = {i["id"] for i in data["incidents"]}
        assert a["id"] not in ids and b["id"] not in ids
        assert [u["id"] for u in data["unmatched_reviews"]] == ["i-000000000000"]
        html = (tmp_path / attempt / "report.html").read_text(encoding="utf-8")
        assert "merged incidents" in html and "moved claim" in html
    for name in ("report.json", "report.html", "report.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
