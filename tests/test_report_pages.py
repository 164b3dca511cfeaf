"""Incremental writing of a split report: pages are content-addressed (incidents/manifest.json),
only changed ones are rendered, and the folder always ends as a fresh write would leave it.
Also the fast paths that must give the same text as the plain ones (cleaning, direction, JSON)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

# tests/ is on sys.path (pytest's default import mode), so the shared sample imports by name.
import report_sample as sample
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.records import Report, Review
from verify.report import assemble as assemble_mod
from verify.report import display, page_name, write_report
from verify.report import exports as exports_mod
from verify.report import render as render_mod
from verify.report import writer as writer_mod
from verify.report.jsontext import dumps_indented
from verify.report.pages import MANIFEST, PARTS, parse_manifest, parse_parts
from verify.report.ranking import by_stake
from verify.report.render import render_pages
from verify.report.serialize import report_json, report_to_dict
from verify.text.arabic import has_arabic

SPLIT = {"page_limit": 30, "main_incidents": 10}


@pytest.fixture(scope="module")
def big() -> Report:
    result: Report = sample.big_report(40)
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _fresh(report: Report, folder: Path, **kw: object) -> dict[str, bytes]:
    write_report(report, folder, **SPLIT, **kw)  # type: ignore[arg-type]
    return _files(folder)


def _retitle(report: Report, index: int, title: str) -> Report:
    incidents = list(report.incidents)
    incidents[index] = dataclasses.replace(incidents[index], title=title)
    return dataclasses.replace(report, incidents=tuple(incidents))


def _rendered(report: Report, folder: Path, **kw: object) -> set[str]:
    """The incident pages a write into ``folder`` would render now."""
    previous = writer_mod._on_disk(folder / "incidents", writer_mod._stored(folder / "incidents"))
    site = render_pages(report, previous=previous, **SPLIT, **kw)  # type: ignore[arg-type]
    return {p for p in site.pages if Path(p).name.startswith("incident-")}


def test_rewrite_after_changes_equals_a_fresh_write(big: Report, tmp_path: Path) -> None:
    write_report(big, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    changed = _retitle(big, 3, "A retitled incident")
    gone = changed.incidents[7]
    changed = dataclasses.replace(changed, incidents=changed.incidents[:7] + changed.incidents[8:])
    assert _rendered(changed, tmp_path / "a") == {f"incidents/{page_name(big.incidents[3].id)}"}
    write_report(changed, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path / "a") == _fresh(changed, tmp_path / "b")
    assert not (tmp_path / "a" / "incidents" / page_name(gone.id)).exists()
    assert _rendered(changed, tmp_path / "a") == set()


def test_a_review_a_document_or_a_side_re_renders_only_the_pages_showing_it(
    big: Report, tmp_path: Path
) -> None:
    write_report(big, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    first = big.incidents[5]
    reviewed = dataclasses.replace(first, review=Review("weak", "editor", "checked by phone"))
    report = dataclasses.replace(big, incidents=(reviewed, *big.incidents[:5], *big.incidents[6:]))
    assert _rendered(report, tmp_path / "a") == {f"incidents/{page_name(first.id)}"}
    # A document's text is quoted around its claim: the page quoting it changes.
    doc = big.documents[0]
    docs = (dataclasses.replace(doc, text=doc.text + " A sentence added later."), *big.documents[1:])
    quoted = {
        i.id for i in big.incidents if any(c.document_id == doc.id for c in big.claims if c.id in i.claim_ids)
    }
    assert _rendered(dataclasses.replace(big, documents=docs), tmp_path / "a") == {
        f"incidents/{page_name(i)}" for i in quoted
    }
    # The registry gives a source a new side (last in order, so no other side's filter value
    # moves): every page where that source speaks changes, and only those.
    source = big.claims[1].source
    speaking = {
        i.id for i in big.incidents if any(c.source == source for c in big.claims if c.id in i.claim_ids)
    }
    pages = _rendered(big, tmp_path / "a", registry_sides={source: "zz side"})
    assert pages == {f"incidents/{page_name(i)}" for i in speaking}
    write_report(report, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path / "a") == _fresh(report, tmp_path / "b")


def test_a_deleted_or_garbled_page_is_rendered_again(big: Report, tmp_path: Path) -> None:
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    fresh = _files(tmp_path)
    page = tmp_path / "incidents" / page_name(big.incidents[0].id)
    page.unlink()
    assert _rendered(big, tmp_path) == {f"incidents/{page.name}"}
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path) == fresh
    (tmp_path / "incidents" / MANIFEST).write_text("{not json", encoding="utf-8")
    assert len(_rendered(big, tmp_path)) == len(big.incidents)
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path) == fresh


def test_a_changed_template_re_renders_every_page_and_an_unused_one_none(big: Report, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "_review.html").write_text("<p>first</p>", encoding="utf-8")
    write_report(big, tmp_path / "a", template_dir=theme, **SPLIT)  # type: ignore[arg-type]
    # The filter bar is on the main page only: changing it leaves incident pages as they are.
    (theme / "_filters.html").write_text("<p>no filters</p>", encoding="utf-8")
    assert _rendered(big, tmp_path / "a", template_dir=theme) == set()
    (theme / "_review.html").write_text("<p>second</p>", encoding="utf-8")
    assert len(_rendered(big, tmp_path / "a", template_dir=theme)) == len(big.incidents)
    write_report(big, tmp_path / "a", template_dir=theme, **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path / "a") == _fresh(big, tmp_path / "b", template_dir=theme)
    # Back to the built-in templates: a different template set again.
    assert len(_rendered(big, tmp_path / "a")) == len(big.incidents)


def test_an_interrupted_rewrite_never_leaves_a_manifest_vouching_for_other_content(
    big: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    fresh = _files(tmp_path)
    real = writer_mod.atomic_write
    writes: list[str] = []

    def failing(path: Path, data: bytes, *, durable: bool = True) -> None:
        writes.append(path.name)
        if path.name == MANIFEST:
            raise KeyboardInterrupt  # after the changed page, before the final manifest
        real(path, data, durable=durable)

    # Its file is gone too: the manifest's entry for it must not survive the rewrite either.
    (tmp_path / "incidents" / page_name(big.incidents[2].id)).unlink()
    monkeypatch.setattr(writer_mod, "atomic_write", failing)
    with pytest.raises(KeyboardInterrupt):
        write_report(_retitle(big, 2, "Changed, then changed back"), tmp_path, **SPLIT)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert "incident-" in " ".join(writes)  # the changed page was rewritten before the interrupt
    left = tmp_path / "incidents" / MANIFEST
    manifest = parse_manifest(left.read_bytes()) if left.exists() else None
    assert manifest is None or f"incidents/{page_name(big.incidents[2].id)}" not in manifest.pages
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    assert _files(tmp_path) == fresh


def test_a_report_back_on_one_page_drops_pages_and_manifest(big: Report, tmp_path: Path) -> None:
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    assert (tmp_path / "incidents" / MANIFEST).is_file()
    write_report(big, tmp_path)
    assert list((tmp_path / "incidents").iterdir()) == []


def test_the_index_lists_entries_without_claims(big: Report) -> None:
    site = render_pages(big, **SPLIT)  # type: ignore[arg-type]
    index = site.pages["incidents/index.html"]
    assert index.count("<li data-incident=") == len(big.incidents)
    assert 'class="claim' not in index
    assert site.manifest is not None and len(site.manifest.pages) == len(big.incidents)


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the pieces of the main files made from now on: main-page incident blocks, CSV
    lines, ClaimReview items and report.json records (of incidents and their claims)."""
    counts = dict.fromkeys(("blocks", "csv", "jsonld", "json", "claims"), 0)

    def counted(module: object, name: str, key: str, only: str | None = None) -> None:
        real = getattr(module, name)

        def call(*args: object) -> object:
            counts[key] += only is None or args[1] == only
            return real(*args)

        monkeypatch.setattr(module, name, call)

    counted(render_mod, "_render", "blocks", render_mod.INCIDENT_PART)
    counted(exports_mod, "incident_csv", "csv")
    counted(exports_mod, "_reviews", "jsonld")
    counted(assemble_mod, "incident_json", "json")
    counted(assemble_mod, "claim_json", "claims")
    return counts


def test_a_rewrite_makes_main_file_pieces_only_for_changed_incidents(
    big: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_report(big, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    counts = _counting(monkeypatch)
    write_report(big, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    assert set(counts.values()) == {0}
    # The incident most at stake is on the main page: its block and lines are made again, alone.
    top = by_stake(big)[0]
    changed = _retitle(big, big.incidents.index(top), "A retitled incident")
    write_report(changed, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    assert counts == {"blocks": 1, "csv": 1, "jsonld": 1, "json": 1, "claims": len(top.claim_ids)}
    monkeypatch.undo()
    assert _files(tmp_path / "a") == _fresh(changed, tmp_path / "b")
    # A garbled parts file is not trusted: everything is made again, to the same files.
    (tmp_path / "a" / "incidents" / PARTS).write_bytes(b"verify report parts 1\n12\n{not json}")
    counts = _counting(monkeypatch)
    write_report(changed, tmp_path / "a", **SPLIT)  # type: ignore[arg-type]
    every = len(big.incidents)
    claims = sum(len(i.claim_ids) for i in big.incidents)
    assert counts == {
        "blocks": SPLIT["main_incidents"],
        "csv": every,
        "jsonld": every,
        "json": every,
        "claims": claims,
    }
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_main_page_blocks_are_what_including_the_incident_template_gives(
    big: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = render_pages(big, **SPLIT)  # type: ignore[arg-type]
    assert site.parts is not None and len(site.parts.html) == SPLIT["main_incidents"]
    # With no block given, report.html includes _incident.html itself for every incident.
    real = render_mod._parts
    monkeypatch.setattr(render_mod, "_parts", lambda *a: dataclasses.replace(real(*a), html={}))
    assert render_pages(big, **SPLIT).pages["report.html"] == site.pages["report.html"]  # type: ignore[arg-type]


def test_a_truncated_parts_file_keeps_only_whole_pieces(big: Report, tmp_path: Path) -> None:
    write_report(big, tmp_path, **SPLIT)  # type: ignore[arg-type]
    data = (tmp_path / "incidents" / PARTS).read_bytes()
    whole = parse_parts(data)
    assert whole is not None and len(whole.csv) == len(big.incidents)
    cut = parse_parts(data[:-1])
    assert cut is not None and len(cut.claims) == len(whole.claims) - 1
    assert all(whole.claims[k] == v for k, v in cut.claims.items())
    assert parse_parts(b"") is None and parse_parts(data[:30]) is None


def test_report_json_from_records_is_the_plain_dump(big: Report) -> None:
    assert report_json(big) == dumps_indented(report_to_dict(big))


def test_claimreview_items_cut_by_incident_join_to_the_whole_file(big: Report, tmp_path: Path) -> None:
    parts = exports_mod.jsonld_parts(big, review_author="desk")
    assert parts is not None and sum(bool(p) for p in parts.values()) > 1
    assert exports_mod.join_jsonld(parts.values()) == exports_mod.to_jsonld(big, review_author="desk")
    # A claim judged in two incidents has one review drawing on both: no cutting, same file.
    first, second = [i for i in big.incidents if i.findings][:2]
    twice = dataclasses.replace(second, findings=(*second.findings, first.findings[0]))
    shared = dataclasses.replace(big, incidents=tuple(twice if i is second else i for i in big.incidents))
    assert exports_mod.jsonld_parts(shared) is None
    write_report(shared, tmp_path, **SPLIT)  # type: ignore[arg-type]
    assert (tmp_path / "claimreview.jsonld").read_text(encoding="utf-8") == exports_mod.to_jsonld(shared)


# --- fast paths give the plain paths' text ------------------------------------------------------------

_TEXT = st.text(
    st.sampled_from(list("ab زكح 12\t\n\xa0\u202e\u2066\u2069\x85\x00.-")) | st.characters(), max_size=40
)


@given(_TEXT)
def test_clean_equals_the_plain_substitutions(text: str) -> None:
    assert display.clean(text) == re.sub(r"\s+", " ", display._UNSAFE_CHARS.sub("", text))


@given(_TEXT, st.sampled_from(["", "ar", "en", "und", "EN-gb"]))
def test_direction_equals_counting_letter_by_letter(text: str, hint: str) -> None:
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if has_arabic(c))
    other = "" if hint.lower() in ("", "und") or hint.lower().startswith("ar") else hint.lower()
    expected = (
        ("rtl", "ar")
        if letters and arabic * 2 >= len(letters)
        else ("auto" if arabic or not letters else "ltr", other)
    )
    assert display.direction(text, hint) == expected


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers() | st.none(), inner, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(_JSON)
def test_dumps_indented_equals_json_dumps(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
