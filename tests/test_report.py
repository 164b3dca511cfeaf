"""Report writers: report.json shape (CONTRACT.md), CSV, ClaimReview JSON-LD and the HTML page,
parsed and asserted structurally (escaping, per-element text direction, no network resources)."""

from __future__ import annotations

import ast
import base64
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

# tests/ is on sys.path (pytest's default import mode), so the shared sample imports by name.
import report_sample as sample

import verify.report as report_pkg
from verify.errors import ConfigError
from verify.files import neutralise
from verify.records import Relation, Report, Review
from verify.report import (
    build_context,
    builtin_template_dir,
    by_stake,
    claim_reviews,
    display,
    render_html,
    report_to_dict,
    views,
    write_report,
)
from verify.report import writer as writer_module
from verify.report.render import PAGE_LIMIT
from verify.text.arabic import has_arabic

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture(scope="module")
def report() -> Report:
    result: Report = sample.sample_report()
    return result


@pytest.fixture(scope="module")
def out(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    write_report(report, folder, registry_sides={"Monitor Net": "none", "UN": None})
    return folder


# --- a tiny DOM over html.parser, enough to assert structure -------------------------------------

VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "area", "base", "col", "embed"}


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if n.tag == tag
            and (cls is None or cls in n.attrs.get("class", "").split())
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


@pytest.fixture(scope="module")
def html(out: Path) -> str:
    return (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dom(html: str) -> Node:
    return parse(html)


# --- report.json ------------------------------------------------------------------------------------

DOC_KEYS = {"id", "source", "source_type", "lang", "published", "url", "title"}
CLAIM_KEYS = {"id", "document_id", "text", "start", "end", "source", "source_type", "lang", "kind", "facets"}
FACET_KEYS = {"actor", "weapon", "count", "target", "location", "time", "outcome", "casualties"}
INCIDENT_KEYS = {"id", "title", "claim_ids", "grade", "findings"}
FINDING_KEYS = {"id", "claim_id", "evidence_claim_id", "relation", "confidence", "explanation", "facets"}


def _is_iso_or_none(value: object) -> bool:
    return value is None or (isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value)


def test_report_json_has_the_contract_shape(out: Path, report: Report) -> None:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data == report_to_dict(report)
    assert set(data) == {"schema_version", "documents", "claims", "incidents", "unmatched_reviews"}
    assert data["unmatched_reviews"] == []
    assert data["schema_version"] == 1
    for doc in data["documents"]:
        assert set(doc) >= DOC_KEYS
        assert doc["source_type"] in {"party", "independent", "media", "unknown"}
        assert _is_iso_or_none(doc["published"])
    for claim in data["claims"]:
        assert set(claim) >= CLAIM_KEYS
        assert isinstance(claim["start"], int) and isinstance(claim["end"], int)
        assert claim["kind"] in {"event", "intent", "other"}
        facets = claim["facets"]
        assert set(facets) == FACET_KEYS
        for name in ("actor", "target", "location"):
            assert facets[name] is None or set(facets[name]) == {"text", "canonical"}
        assert facets["time"] is None or (
            set(facets["time"]) == {"text", "date"} and _is_iso_or_none(facets["time"]["date"])
        )
        assert facets["casualties"] is None or set(facets["casualties"]) == {
            "killed",
            "injured",
            "none_reported",
        }
        assert facets["count"] is None or isinstance(facets["count"], int) or facets["count"] == "multiple"
    relations = {r.value for r in Relation}
    for incident in data["incidents"]:
        assert set(incident) >= INCIDENT_KEYS and "grade_rule" in incident
        assert incident["grade"] in {"confirmed", "fair", "weak", "contested", "discounted"}
        for finding in incident["findings"]:
            assert set(finding) >= FINDING_KEYS
            assert finding["relation"] in relations
            assert isinstance(finding["confidence"], float) and 0.0 <= finding["confidence"] <= 1.0
            assert (finding["evidence_claim_id"] is None) == (finding["relation"] == "unverified")
            assert all(set(d) == {"name", "claimed", "reported"} for d in finding["facets"])


def test_report_json_values(report: Report) -> None:
    data = report_to_dict(report)
    claims = {c["id"]: c for c in data["claims"]}
    c1 = claims["c1"]["facets"]
    assert c1["weapon"] == "rocket" and c1["count"] == 5 and c1["outcome"] == "hit"
    assert c1["actor"] == {"text": "كتائب الفجر", "canonical": "Dawn Brigades"}
    assert c1["time"] == {"text": "اليوم الخميس", "date": "2024-03-14"}
    assert c1["location"] is None and c1["casualties"] is None
    assert claims["c2"]["facets"]["casualties"] == {"killed": None, "injured": None, "none_reported": True}
    doc = data["documents"][0]
    assert claims["c1"]["text"] == sample.AR_PARTY_DOC[claims["c1"]["start"] : claims["c1"]["end"]]
    assert doc["published"] == "2024-03-14" and doc["source_type"] == "media"
    findings = {f["id"]: f for i in data["incidents"] for f in i["findings"]}
    assert findings["f2"]["facets"][0] == {"name": "outcome", "claimed": "hit", "reported": "no_damage"}
    assert findings["f4"]["facets"][0]["reported"] == {"killed": 20, "injured": None, "none_reported": False}
    assert findings["f4"]["review"] == {
        "relation": "partial",
        "reviewer": "desk editor",
        "note": "Tally includes later deaths.",
    }
    assert "review" not in findings["f3"]
    incidents = {i["id"]: i for i in data["incidents"]}
    assert incidents["i2"]["review"]["grade"] == "confirmed"
    assert incidents["i1"]["claim_ids"] == ["c1", "c2", "c3"]


def test_writes_every_file_atomically_and_deterministically(report: Report, tmp_path: Path) -> None:
    paths = write_report(report, tmp_path / "new")
    assert [p.name for p in paths] == [
        "report.json",
        "report.html",
        "report.csv",
        "claimreview.jsonld",
        "summary.md",
    ]
    first = {p.name: p.read_bytes() for p in paths}
    write_report(report, tmp_path / "new")
    assert {p.name: p.read_bytes() for p in paths} == first
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == sorted(first)


def test_failed_run_leaves_previous_report_intact(report: Report, tmp_path: Path) -> None:
    write_report(report, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "_incident.html").write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"_incident\.html"):
        write_report(report, tmp_path, template_dir=broken)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_a_file_failing_late_leaves_no_file_replaced_and_no_temp(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_report(report, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    changed = dataclasses.replace(report, incidents=report.incidents[:1])

    def broken(*_args: object) -> str:
        raise RuntimeError("summary failed")

    # summary.md is the last file: the four before it are already written to temp files.
    monkeypatch.setattr(writer_module, "to_summary_md", broken)
    with pytest.raises(RuntimeError, match="summary failed"):
        write_report(changed, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_has_bom_one_row_per_finding_and_no_formulas(out: Path, report: Report) -> None:
    raw = (out / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:11] == [
        "incident_id", "grade", "finding_id", "relation", "confidence", "claim_source", "claim_text",
        "evidence_source", "evidence_text", "differing_facets", "explanation",
    ]  # fmt: skip
    assert len(body) == sum(len(i.findings) for i in report.incidents)
    by_id = {r[2]: dict(zip(header, r, strict=True)) for r in body}
    assert by_id["f1"]["claim_text"] == sample.AR_PARTY_CLAIM
    assert by_id["f1"]["differing_facets"] == "count: claimed 5, reported 2"
    assert by_id["f7"]["claim_text"].startswith("'=HYPERLINK")
    assert by_id["f7"]["evidence_source"] == ""
    assert by_id["f4"]["review_relation"] == "partial"
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert not any(ch in cell for ch in BIDI_CONTROLS)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "  =cmd|' /C calc'!A0"])
def test_neutralise_prefixes_formula_cells(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_neutralise_leaves_plain_text() -> None:
    assert neutralise("قصف 5 صواريخ") == "قصف 5 صواريخ"
    assert neutralise("a=b") == "a=b"


# --- ClaimReview -----------------------------------------------------------------------------------


def test_claimreview_jsonld(out: Path) -> None:
    reviews = json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    assert [r["identifier"] for r in reviews] == ["c1", "c4", "c8"]
    for review in reviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["claimReviewed"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["@type"] == "Organization" and item["author"]["name"]
        assert "datePublished" in item
        assert review["author"] == {"@type": "Organization", "name": "verify"}
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] in {r.value for r in Relation}
        assert rating["ratingExplanation"]
    by_id = {r["identifier"]: r for r in reviews}
    assert by_id["c1"]["reviewRating"]["alternateName"] == "overstates"
    assert by_id["c1"]["itemReviewed"]["appearance"][0]["url"] == "https://example.org/a?x=1&y=2"
    assert by_id["c4"]["reviewRating"]["alternateName"] == "corroborates"
    assert by_id["c8"]["reviewRating"]["alternateName"] == "unverified"
    assert "appearance" not in by_id["c8"]["itemReviewed"]  # javascript: URL dropped


def test_claimreview_author_is_configurable(report: Report) -> None:
    assert {r["author"]["name"] for r in claim_reviews(report, review_author="Desk")} == {"Desk"}


# --- HTML ------------------------------------------------------------------------------------------


def test_html_lists_every_incident_with_grade_rule_and_findings(dom: Node, report: Report) -> None:
    articles = dom.find_all("article", "incident")
    # Most at stake first: i2 reports deaths, i1 is contested, i3 neither.
    assert [a.attrs["data-incident"] for a in articles] == ["i2", "i1", "i3"]
    by_id = {i.id: i for i in report.incidents}
    toc = [li.attrs["data-target"] for li in dom.one("nav", "toc").find_all("li")]
    assert toc == [a.attrs["id"] for a in articles]
    for article in articles:
        incident = by_id[article.attrs["data-incident"]]
        assert article.one("h2").text().strip() == incident.title
        assert incident.grade_rule in article.text()
        assert article.one("span", "grade", data_by="machine").text() == incident.grade.value.capitalize()
        found = [li.attrs["data-finding"] for li in article.find_all("li", "finding")]
        assert found == [f.id for f in incident.findings]
        for li, finding in zip(article.find_all("li", "finding"), incident.findings, strict=True):
            assert f"rel-{finding.relation.value}" in li.attrs["class"]
            assert finding.explanation in li.text()
    assert "Tally includes later deaths." in dom.one("article", data_incident="i2").text()


def test_html_summary_counts(dom: Node) -> None:
    counts = {d.attrs["data-count"]: int(d.one("dd").text()) for d in dom.find_all("div", "count")}
    assert counts == {
        "incidents": 3,
        "party_claims": 3,
        "corroborated": 1,
        "contested": 1,  # c4's understating finding was reviewed as partial
        "partial": 1,
        "unverified": 1,
        "casualty_incidents": 1,
        "reviewed": 2,
    }


def test_arabic_text_is_marked_rtl_per_element(dom: Node) -> None:
    quotes = dom.find_all("blockquote", "quote")
    assert len(quotes) == 8
    for quote in quotes:
        letters = [c for c in quote.text() if c.isalpha()]
        arabic = sum(1 for c in letters if has_arabic(c))
        if arabic * 2 > len(letters):
            assert (quote.attrs["dir"], quote.attrs.get("lang")) == ("rtl", "ar")
        else:
            assert quote.attrs["dir"] in ("ltr", "auto")
    assert dom.one("html").attrs["lang"] == "en"  # the page is not RTL as a whole
    for name in dom.find_all("span", "source-name"):
        expected = "rtl" if has_arabic(name.text()) else "ltr"
        assert name.attrs["dir"] == expected


def test_quote_highlights_claim_inside_its_sentence(dom: Node) -> None:
    quote = dom.one("li", data_claim="c1").one("blockquote")
    assert quote.one("mark").text() == sample.AR_PARTY_CLAIM
    assert "وأعلنت كتائب الفجر" in quote.text()  # its own sentence
    assert "نشرت قناة الراية" not in quote.text()  # not the sentence before
    assert dom.one("li", data_claim="c2").one("blockquote").attrs["dir"] == "ltr"


def test_untrusted_text_is_escaped(html: str, dom: Node) -> None:
    scripts = [s for s in dom.find_all("script") if "type" not in s.attrs]
    assert len(scripts) == 1 and "filters" in scripts[0].text()
    (data,) = dom.find_all("script", type="application/ld+json")
    assert "<" not in data.text() and ">" not in data.text()
    assert json.loads(data.text())[-1]["itemReviewed"]["author"]["name"] == f"Evil {sample.EVIL}"
    for node in dom.walk():
        assert not any(attr.startswith("on") for attr in node.attrs), node
    assert not dom.find_all("img") and not dom.find_all("b")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x onerror=alert(1)>" in dom.one("li", data_claim="c8").one("mark").text()
    assert not any(ch in html for ch in BIDI_CONTROLS)


def test_links_only_http_and_in_page(dom: Node) -> None:
    hrefs = [a.attrs["href"] for a in dom.find_all("a") if "href" in a.attrs]
    assert "https://example.org/a?x=1&y=2" in hrefs
    for href in hrefs:
        assert href.startswith(("#", "http://", "https://")), href
    assert not any("ftp:" in h or "javascript:" in h for h in hrefs)
    ids = {n.attrs["id"] for n in dom.walk() if "id" in n.attrs}
    assert all(h[1:] in ids for h in hrefs if h.startswith("#"))


def test_page_is_self_contained_with_a_csp_that_allows_only_its_script(dom: Node) -> None:
    for node in dom.walk():
        assert node.tag not in {"link", "img", "iframe", "object", "embed", "video", "audio"}
        assert "src" not in node.attrs
    csp = dom.one("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp
    script = next(s for s in dom.find_all("script") if "type" not in s.attrs).text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "@media print" in dom.one("style").text()


def test_facet_table_marks_disputed_cells(dom: Node) -> None:
    table = dom.one("article", data_incident="i1").one("table", "facets")
    rows = {tr.one("th").text(): tr for tr in table.one("tbody").find_all("tr")}
    weapon = ["differs" in td.attrs["class"].split() for td in rows["Weapon"].find_all("td")]
    assert weapon == [True, False, True]
    assert not any("differs" in td.attrs["class"] for td in rows["Location"].find_all("td"))
    headers = [th.text() for th in table.one("thead").find_all("th")][1:]
    assert "party" in headers[0] and "alliance" in headers[0]
    assert "none" in headers[1]  # side from the registry


def test_user_templates_override_builtins_and_stay_escaped(report: Report, tmp_path: Path) -> None:
    (tmp_path / "_source_badge.html").write_text(
        '<b class="mine">{{ source.name.text }}</b>', encoding="utf-8"
    )
    page = parse(render_html(report, template_dir=tmp_path))
    mine = page.find_all("b", "mine")
    assert mine and all(not b.find_all("script") for b in mine)
    assert any("<script>" in b.text() for b in mine)


def test_template_errors_are_config_errors(report: Report, tmp_path: Path) -> None:
    (tmp_path / "_summary.html").write_text("{{ no_such_name }}", encoding="utf-8")
    with pytest.raises(ConfigError, match="template"):
        render_html(report, template_dir=tmp_path)
    with pytest.raises(ConfigError, match="not found"):
        render_html(report, template_dir=tmp_path / "missing")


def test_builtin_templates_are_found() -> None:
    assert (builtin_template_dir() / "report.html").is_file()


# --- helpers and the context ------------------------------------------------------------------------


def test_every_view_field_is_documented() -> None:
    tree = ast.parse(Path(views.__file__).read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes
    for cls in classes:
        body = cls.body
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.AnnAssign):
                nxt: Any = body[i + 1] if i + 1 < len(body) else None
                documented = isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)
                assert documented, f"{cls.name}.{ast.unparse(stmt.target)} has no docstring"


def test_all_is_sorted_and_complete() -> None:
    assert report_pkg.__all__ == sorted(report_pkg.__all__)
    assert all(hasattr(report_pkg, name) for name in report_pkg.__all__)


def test_context_is_frozen(report: Report) -> None:
    context = build_context(report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("قصف صاروخي", "", ("rtl", "ar")),
        ("rocket fire", "en", ("ltr", "en")),
        ("rocket fire", "und", ("ltr", "")),
        ("The group كتائب said", "en", ("auto", "en")),
        ("2024", "ar", ("auto", "")),
    ],
)
def test_direction(text: str, hint: str, expected: tuple[str, str]) -> None:
    assert display.direction(text, hint) == expected


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.org/x", True),
        ("HTTP://a.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("//a.org/x", False),
        ("https://a.org/\u202ex", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, safe: bool) -> None:
    assert (display.safe_url(url) != "") is safe


def test_snippet_trims_long_sentences_and_falls_back_on_bad_offsets() -> None:
    text = "First sentence. " + "word " * 100 + "CLAIM HERE" + " tail" * 100 + ". Last."
    start = text.index("CLAIM HERE")
    snip = display.snippet(text, display.sentences_of(text), start, start + 10, "CLAIM HERE")
    assert snip.mark == "CLAIM HERE" and snip.cut_before and snip.cut_after
    assert len(snip.before) <= display.CONTEXT_CHARS and "First" not in snip.before
    two = "Alpha beta. Gamma delta epsilon."
    short = display.snippet(two, display.sentences_of(two), 12, 23, "Gamma delta")
    assert (short.before, short.mark, short.after, short.cut_after) == ("", "Gamma delta", " epsilon.", False)
    bad = display.snippet(text, [], 5, 3, "the claim")
    assert (bad.before, bad.mark, bad.after) == ("", "the claim", "")
    moved = display.snippet(text, [], 0, 5, "not what is there")
    assert moved.mark == "not what is there"


def test_clean_removes_bidi_and_control_characters() -> None:
    assert display.clean("a\u202eb\u2066c\u2069\x00d\n e") == "abcd e"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, display.NOT_STATED),
        ({"text": "قاعدة الوادي", "canonical": "Wadi Air Base"}, "قاعدة الوادي (Wadi Air Base)"),
        ({"killed": 3, "injured": None, "none_reported": False}, "3 killed"),
        ({"killed": None, "injured": None, "none_reported": True}, "none reported"),
        ({"text": "yesterday", "date": "2024-03-13"}, "yesterday (2024-03-13)"),
        ("no_damage", "no damage"),
        ("multiple", "multiple"),
        (7, "7"),
    ],
)
def test_facet_text_reads_records_and_their_json_shapes(value: object, expected: str) -> None:
    assert display.facet_text(value) == expected


# --- reviews in the page, stake order, summary.md, file modes, theming -----------------------------


def test_reviewer_decision_is_shown_beside_the_machines(dom: Node) -> None:
    f4 = dom.one("li", data_finding="f4")
    machine = f4.one("span", "relation", data_by="machine")
    assert machine.text() == "Understates" and "overruled" in machine.attrs["class"]
    review = f4.one("p", "review", data_by="reviewer")
    assert review.one("span", "reviewed").text() == "Partial"
    assert "desk editor" in review.text() and "overrules the machine" in review.text()
    assert f4.attrs["data-relation"] == "partial"
    i2 = dom.one("article", data_incident="i2")
    assert i2.attrs["data-grade"] == "confirmed"
    assert i2.one("span", "grade", data_by="machine").text() == "Fair"
    assert "Checked imagery." in i2.one("header").one("p", "review").text()
    assert "review" not in dom.one("li", data_finding="f3").attrs["class"]


def test_filter_data_on_each_incident(dom: Node) -> None:
    i1 = dom.one("article", data_incident="i1")
    assert i1.attrs["data-relations"] == "contradicts overstates"
    assert dom.one("article", data_incident="i2").attrs["data-relations"] == "corroborates partial unrelated"
    options = {
        o.text().rsplit(" (", 1)[0]: o.attrs["value"]
        for o in dom.one("select", id="filter-sources").find_all("option")
    }
    assert set(i1.attrs["data-sources"].split()) == {
        options["كتائب الفجر"],
        options["Monitor Net"],
        options["شبكة الرصد"],
    }
    sides = {
        o.text().rsplit(" (", 1)[0]: o.attrs["value"]
        for o in dom.one("select", id="filter-sides").find_all("option")
    }
    assert i1.attrs["data-sides"].split() == sorted([sides["alliance"], sides["none"]])
    grades = [o.attrs["value"] for o in dom.one("select", id="filter-grade").find_all("option")]
    assert grades == ["", "confirmed", "weak", "contested"]
    assert dom.one("input", id="filter-search").attrs["type"] == "search"
    controls = [n.attrs["id"] for n in dom.walk() if n.tag in ("input", "select")]
    labelled = {n.attrs.get("for") for n in dom.find_all("label")}
    assert controls and set(controls) <= labelled  # every control has a label


def test_incidents_most_at_stake_first(report: Report) -> None:
    import dataclasses as dc

    from verify.records import Casualties, Grade
    from verify.report import by_stake, effective_grade
    from verify.report.ranking import toll

    assert [i.id for i in by_stake(report)] == ["i2", "i1", "i3"]
    claims = {c.id: c for c in report.claims}
    assert str(toll(report.incidents[1], claims)) == "20 killed"
    assert str(toll(report.incidents[0], claims)) == ""
    # A weak incident a reviewer marks contested moves ahead of an uncontested one...
    i3 = dc.replace(report.incidents[2], review=Review("contested", "", ""))
    assert effective_grade(i3) is Grade.CONTESTED
    assert [i.id for i in by_stake(report, [report.incidents[1], i3])] == ["i2", "i3"]
    # ...and a casualty claim outranks a contested incident; a larger toll comes first.
    c8 = dc.replace(claims["c8"], facets=dc.replace(claims["c8"].facets, casualties=Casualties(killed=30)))
    bigger = dc.replace(report, claims=(*[c for c in report.claims if c.id != "c8"], c8))
    assert [i.id for i in by_stake(bigger)] == ["i3", "i2", "i1"]
    # "no casualties reported" is not a casualty claim.
    assert toll(report.incidents[0], claims).total == 0


def test_summary_md_is_short_ordered_and_inert(report: Report) -> None:
    from verify.report import to_summary_md
    from verify.report.review import ReviewRow, UnmatchedReview

    gone = UnmatchedReview(ReviewRow("f-old", "relation", Review("partial"), "r.csv:3"), "no such id")
    text = to_summary_md(report, [gone])
    lines = text.splitlines()
    assert lines[0].startswith("**Verification report**: 3 incidents, 3 party claims: 1 corroborated")
    assert "2 decisions reviewed" in lines[0]
    numbered = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    assert [line.split("**")[1] for line in numbered[:2]] == [
        "Airstrike on Tel Nour depot",
        "هجوم صاروخي على قاعدة الوادي",
    ]
    assert "confirmed (reviewed; machine said fair), up to 20 killed" in numbered[0]
    assert "partial ✎ per Tally" in numbered[0]
    assert "overstates per Monitor Net, contradicts per شبكة الرصد" in numbered[1]
    assert "`f-old`" in text and len(text) < 2000
    # Untrusted text cannot become markup, a link, or a mention in the chat it is pasted into.
    evil = numbered[2]
    assert "<script>" not in evil and "\\<script\\>" in evil
    assert not any(ch in text for ch in BIDI_CONTROLS)
    from verify.report.markdown import md_text

    assert (
        md_text("[click](http://x) @channel *bold* a_b")
        == "\\[click\\](http://x) @\u200bchannel \\*bold\\* a\\_b"
    )


def test_report_files_get_normal_permissions(report: Report, tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        paths = write_report(report, tmp_path / "a")
        assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o644}
        os.umask(0o027)
        paths = write_report(report, tmp_path / "a")  # replacing takes the new umask too
        assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o640}
    finally:
        os.umask(old)
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.endswith(".tmp")]


def test_unmatched_reviews_are_listed_in_json_and_page(report: Report, tmp_path: Path) -> None:
    from verify.report.review import ReviewRow, UnmatchedReview

    gone = UnmatchedReview(
        ReviewRow("i-old", "grade", Review("weak", "Omar", f"note {sample.EVIL}"), "r.csv:7"), "no such id"
    )
    write_report(report, tmp_path, unmatched=[gone])
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["unmatched_reviews"] == [
        {
            "id": "i-old",
            "grade": "weak",
            "reviewer": "Omar",
            "note": f"note {sample.EVIL}",
            "origin": "r.csv:7",
            "reason": "no such id",
        }
    ]
    page = parse((tmp_path / "report.html").read_text(encoding="utf-8"))
    item = page.one("section", "unmatched").one("li", data_review="i-old")
    assert "r.csv:7" in item.text() and "no such id" in item.text() and sample.EVIL in item.text()
    assert not page.find_all("img")


def test_user_template_can_extend_a_builtin_of_the_same_name(report: Report, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text(
        '{% extends "builtin:report.html" %}'
        '{% block content %}<p class="masthead">The Desk</p>{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "base.html").write_text(
        '{% extends "builtin:base.html" %}{% block title %}Desk: {{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "_source_badge.html").write_text(
        '<b class="mine">{{ source.source_type }}</b>', encoding="utf-8"
    )
    page = parse(render_html(report, template_dir=tmp_path))
    assert page.one("p", "masthead").text() == "The Desk"
    assert page.one("title").text() == "Desk: Verification report"
    assert len(page.find_all("article", "incident")) == 3  # the built-in page still renders
    assert page.find_all("b", "mine")  # and picks up the user's partial
    assert not page.find_all("span", "badge")


def test_claimreview_is_valid_jsonld(out: Path) -> None:
    keywords = {"@context", "@type", "@id", "@value", "@language", "@list", "@graph"}

    def check(node: object) -> None:
        if isinstance(node, dict):
            assert all(k in keywords for k in node if k.startswith("@")), node
            assert "@type" in node, node  # every node says what it is
            for key, value in node.items():
                if not key.startswith("@"):
                    assert key.isidentifier() and value is not None, (key, node)
                    for v in value if isinstance(value, list) else [value]:
                        if isinstance(v, dict):
                            check(v)

    reviews = json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    assert isinstance(reviews, list) and reviews
    for review in reviews:
        assert review["@context"] == "https://schema.org"
        check(review)
        assert set(review) >= {"claimReviewed", "itemReviewed", "reviewRating", "author"}
        assert set(review["itemReviewed"]) >= {"author", "datePublished"}
        assert review["reviewRating"]["alternateName"]


# --- a large report split into pages ----------------------------------------------------------------


def _paged(report: Report, folder: Path, shown: int) -> list[Path]:
    return write_report(report, folder, page_limit=0, main_incidents=shown)


def test_small_report_writes_one_page(out: Path, report: Report) -> None:
    assert len(report.incidents) <= PAGE_LIMIT
    assert not (out / "incidents").exists()
    assert not parse((out / "report.html").read_text(encoding="utf-8")).find_all("p", "paging")


def test_large_report_main_page_holds_the_most_at_stake(tmp_path: Path) -> None:
    big = sample.big_report(40)
    written = write_report(big, tmp_path, page_limit=30, main_incidents=10)
    dom = parse((tmp_path / "report.html").read_text(encoding="utf-8"))
    shown = [a.attrs["data-incident"] for a in dom.find_all("article", "incident")]
    assert shown == [i.id for i in by_stake(big)[:10]]
    assert len(dom.one("nav", "toc").find_all("li")) == 10
    assert dom.one("div", data_count="incidents").one("dd").text() == "40"
    paging = dom.one("p", "paging")
    assert "10 incidents most at stake of 40" in paging.text()
    assert paging.one("a").attrs["href"] == "incidents/index.html"
    assert tmp_path / "incidents" / "index.html" in written
    assert len(json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["incidents"]) == 40
    # The main page's JSON-LD covers what it shows; claimreview.jsonld covers everything.
    (jsonld,) = dom.find_all("script", type="application/ld+json")
    full = json.loads((tmp_path / "claimreview.jsonld").read_text(encoding="utf-8"))
    assert 0 < len(json.loads(jsonld.text())) < len(full)


def test_every_incident_has_a_page_that_links_resolve_to(tmp_path: Path) -> None:
    big = sample.big_report(40)
    write_report(big, tmp_path, page_limit=30, main_incidents=10)
    folder = tmp_path / "incidents"
    index = parse((folder / "index.html").read_text(encoding="utf-8"))
    links = [li.one("a").attrs["href"] for li in index.one("ol", "incident-index").find_all("li")]
    assert len(links) == len(set(links)) == 40
    assert sorted(links) == sorted(p.name for p in folder.glob("incident-*.html"))
    for incident, href in zip(by_stake(big), links, strict=True):
        page = parse((folder / href).read_text(encoding="utf-8"))
        (article,) = page.find_all("article", "incident")
        assert article.attrs["data-incident"] == incident.id
        assert len(article.find_all("li", "claim")) == len(incident.claim_ids)
        hrefs = {a.attrs["href"] for a in page.find_all("a")}
        assert {"../report.html", "index.html"} <= hrefs
        assert all((folder / h).is_file() for h in hrefs if not h.startswith(("#", "http")))


def test_incident_pages_are_escaped_self_contained_and_run_no_script(report: Report, tmp_path: Path) -> None:
    _paged(report, tmp_path, shown=1)
    pages = sorted((tmp_path / "incidents").glob("incident-*.html"))
    assert len(pages) == len(report.incidents)
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and sample.EVIL not in text
    assert not any(ch in text for ch in BIDI_CONTROLS)
    for path in [*pages, tmp_path / "incidents" / "index.html"]:
        dom = parse(path.read_text(encoding="utf-8"))
        assert not dom.find_all("script") and not dom.find_all("img")
        for node in dom.walk():
            assert "src" not in node.attrs and not any(a.startswith("on") for a in node.attrs)
        csp = dom.one("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp
        assert dom.one("style").text()


def test_pages_of_an_earlier_run_are_removed_and_user_files_kept(report: Report, tmp_path: Path) -> None:
    _paged(report, tmp_path, shown=1)
    (tmp_path / "incidents" / "notes.txt").write_text("mine", encoding="utf-8")
    write_report(report, tmp_path)
    assert [p.name for p in (tmp_path / "incidents").iterdir()] == ["notes.txt"]
