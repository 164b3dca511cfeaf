"""Ingestion: every input format, every encoding, every bad input as one clear InputError."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from verify.errors import InputError
from verify.read import decode_bytes
from verify.read.article import extract_article
from verify.read.ingest import load_documents
from verify.records import SourceType

DATA = Path(__file__).parent / "data" / "ingest"
MIXED = DATA / "mixed"
AR = "قالت فصائل مسلحة إنها قصفت مطارا عسكريا بصواريخ، فيما أفاد مرصد محلي بسقوط صاروخ واحد دون إصابات."
EN = "The ministry said its air defences intercepted four missiles over the port city."


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def _jsonl(*records: Mapping[str, object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# --- formats ------------------------------------------------------------------------------------


def test_folder_mixing_formats_is_walked_recursively_in_sorted_order() -> None:
    warnings: list[str] = []
    docs = load_documents([MIXED], on_warning=warnings.append)
    origins = [d.origin.removeprefix(f"{MIXED}/") for d in docs]
    assert origins == [
        "a_statements.jsonl:1",
        "a_statements.jsonl:3",
        "b_monitor.csv:2",
        "b_monitor.csv:4",
        "c_note.txt",
        "nested/d_brief.md",
        "nested/e_article.html",
    ]
    assert not any("hidden" in d.text for d in docs)
    assert len(warnings) == 1 and "ignored.xml" in warnings[0] and "unsupported" in warnings[0]


def test_jsonl_fields() -> None:
    first, second = load_documents([MIXED / "a_statements.jsonl"])
    assert first.id == "stmt-1"
    assert first.source == "جماعة مسلحة"
    assert first.source_type is SourceType.PARTY
    assert first.side == "militia"
    assert first.published == dt.date(2024, 1, 14)
    assert first.url == "https://example.org/1"
    assert first.lang == "ar"
    # source_type is case-insensitive, a datetime keeps its written date, unknown fields are ignored.
    assert second.source_type is SourceType.PARTY
    assert second.published == dt.date(2024, 1, 14)
    assert second.title == "Press release"
    assert second.lang == "en"
    assert re.fullmatch(r"d-[0-9a-f]{12}", second.id)


def test_csv_rows_with_multiline_quoted_text_keep_their_starting_line() -> None:
    docs = load_documents([MIXED / "b_monitor.csv"])
    assert [d.origin.rsplit(":", 1)[1] for d in docs] == ["2", "4"]
    assert (
        docs[0].text
        == "A local monitor reported one drone hit a storage depot.\nNo casualties were reported."
    )
    assert docs[0].source_type is SourceType.INDEPENDENT
    assert docs[0].published == dt.date(2024, 1, 15)
    assert docs[1].published is None and docs[1].lang == "ar"


def test_csv_header_is_case_insensitive_and_semicolon_files_work(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", f"Source ; TEXT\nوزارة;{AR}\n")
    (doc,) = load_documents([path])
    assert doc.text == AR and doc.source == "وزارة"


def test_txt_and_md_are_one_document_each(tmp_path: Path) -> None:
    txt = _write(tmp_path / "note.TXT", f"\n{EN}\n\n")
    md = _write(tmp_path / "brief.md", f"Intro line.\n\n## Update ##\n\n{AR}\n")
    doc_txt, doc_md = load_documents([txt, md])
    assert doc_txt.text == EN and doc_txt.origin == str(txt) and doc_txt.title is None
    assert doc_md.title == "Update" and doc_md.lang == "ar" and AR in doc_md.text


def test_lang_field_is_reduced_to_primary_subtag_and_detected_when_absent(tmp_path: Path) -> None:
    path = _write(tmp_path / "l.jsonl", _jsonl({"text": EN, "lang": "ar-SY"}, {"text": EN}, {"text": AR}))
    assert [d.lang for d in load_documents([path])] == ["ar", "en", "ar"]


def test_every_text_and_field_is_sanitized(tmp_path: Path) -> None:
    record = {"text": "line one\r\nline\u202e two\x00", "source": " Agency\u2066 ", "title": "T\u200f"}
    (doc,) = load_documents([_write(tmp_path / "s.jsonl", _jsonl(record))])
    assert doc.text == "line one\nline two"
    assert doc.source == "Agency" and doc.title == "T"


def test_nested_folder_and_explicit_file_overlap_are_read_once(tmp_path: Path) -> None:
    warnings: list[str] = []
    docs = load_documents([MIXED / "nested", MIXED / "nested" / "d_brief.md"], on_warning=warnings.append)
    assert len(docs) == 2
    assert any("more than once" in w for w in warnings)


def test_symlink_loop_is_not_followed_forever(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", EN)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    warnings: list[str] = []
    docs = load_documents([tmp_path], on_warning=warnings.append)
    assert [d.text for d in docs] == [EN]
    assert warnings == [f"{tmp_path / 'loop'}: skipped, folder already visited (symlink loop?)"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no supported files in this folder"):
        load_documents([tmp_path], on_warning=lambda _: None)


def test_default_warning_goes_to_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _write(tmp_path / "a.txt", EN)
    _write(tmp_path / "b.pdf", "%PDF")
    with caplog.at_level(logging.WARNING, logger="verify.read.ingest"):
        load_documents([tmp_path])
    assert "b.pdf" in caplog.text


# --- HTML ---------------------------------------------------------------------------------------


def test_html_article_extraction_from_fixture() -> None:
    (doc,) = load_documents([MIXED / "nested" / "e_article.html"])
    assert doc.text.split("\n") == [
        "قصف مدفعي على قرية شرق النهر",
        "قال سكان إن قذائف مدفعية سقطت على أطراف القرية مساء الثلاثاء.",
        'وأضاف أحدهم أن "الأضرار كانت محدودة".',
    ]
    for chrome in ("سكربت", "الرئيسية", "العاجلة", "اقرأ أيضا", "الحقوق", "color"):
        assert chrome not in doc.text
    # the article's headline (trafilatura), not the page title with the site's name
    assert doc.title == "قصف مدفعي على قرية شرق النهر"
    assert doc.published == dt.date(2024, 1, 16)
    assert doc.lang == "ar"
    assert doc.url == "https://news.example/article/42"
    assert doc.source == "موقع إخباري"


def test_html_prefers_og_title_and_falls_back_to_time_and_og_url() -> None:
    page = (
        '<html><head><title>Site | Story</title><meta property="og:title" content="Story">'
        '<meta property="og:url" content="https://x.example/s"></head><body>'
        '<main><time datetime="2024-02-03T10:00">3 Feb</time><p>Main text &amp; more.</p></main>'
        "<p>Outside main.</p></body></html>"
    )
    article = extract_article(page)
    assert article.title == "Story"
    assert article.url == "https://x.example/s"
    assert article.published == ("2024-02-03T10:00",)
    assert article.text == "3 Feb\nMain text & more."


def test_html_longest_article_wins_and_body_is_last_resort() -> None:
    page = "<body><article><p>Short teaser.</p></article><article><p>A much longer story text.</p></article>"
    assert extract_article(page).text == "A much longer story text."
    body = "<body><div>First<br>second</div><ul><li>one</li><li>two</li></ul><form>Search</form></body>"
    assert extract_article(body).text == "First\nsecond\none\ntwo"


def test_html_meta_date_and_bad_date_warns(tmp_path: Path) -> None:
    good = _write(tmp_path / "a.html", f'<meta name="date" content="2024-03-01"><body><p>{EN}</p></body>')
    bad = _write(tmp_path / "b.htm", f'<meta name="date" content="yesterday"><body><p>{AR}</p></body>')
    warnings: list[str] = []
    doc_good, doc_bad = load_documents([good, bad], on_warning=warnings.append)
    assert doc_good.published == dt.date(2024, 3, 1)
    assert doc_bad.published is None
    assert warnings == [f"{bad}: ignored unreadable publication date 'yesterday'"]


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{AR}</p></body></html>'
    (doc,) = load_documents([_write(tmp_path / "p.html", page.encode("cp1256"))])
    assert doc.text == AR


# --- encodings ----------------------------------------------------------------------------------

ENCODED = {
    "utf-8": AR.encode("utf-8"),
    "utf-8-bom": codecs.BOM_UTF8 + AR.encode("utf-8"),
    "utf-16-le-bom": codecs.BOM_UTF16_LE + AR.encode("utf-16-le"),
    "utf-16-be-bom": codecs.BOM_UTF16_BE + AR.encode("utf-16-be"),
    "utf-16-le": AR.encode("utf-16-le"),
    "utf-16-be": AR.encode("utf-16-be"),
    "windows-1256": AR.encode("cp1256"),
    "iso-8859-6": AR.encode("iso8859_6"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_decode_bytes_every_encoding(name: str) -> None:
    assert decode_bytes(ENCODED[name], "f.txt") == AR


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_load_documents_every_encoding_in_jsonl_and_txt(name: str, tmp_path: Path) -> None:
    codec = {"utf-8-bom": "utf-8"}.get(name, name.removesuffix("-bom"))
    record = json.dumps({"text": AR, "source": "مرصد"}, ensure_ascii=False) + "\n"
    raw = record.encode(codec)
    if name.endswith("-bom"):
        raw = ENCODED[name][: len(ENCODED[name]) - len(AR.encode(codec))] + raw
    jsonl = _write(tmp_path / "a.jsonl", raw)
    txt = _write(tmp_path / "b.txt", ENCODED[name])
    docs = load_documents([jsonl, txt])
    assert [d.text for d in docs] == [AR, AR]
    assert docs[0].source == "مرصد"


def test_legacy_latin_text_is_not_mistaken_for_arabic() -> None:
    assert decode_bytes("Déclaration de l'armée, été".encode("cp1252"), "f") == "Déclaration de l'armée, été"


def test_undecodable_bytes_are_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^blob\.txt: cannot decode"):
        decode_bytes(bytes(range(256)) * 8, "blob.txt")
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfa", "bad.txt")


# --- ids ----------------------------------------------------------------------------------------


def test_ids_are_stable_across_runs_and_locations(tmp_path: Path) -> None:
    first = [d.id for d in load_documents([MIXED])]
    assert [d.id for d in load_documents([MIXED])] == first
    copy = tmp_path / "elsewhere"
    shutil.copytree(MIXED, copy)
    assert [d.id for d in load_documents([copy])] == first
    assert len(set(first)) == len(first)


def test_derived_id_depends_on_source_and_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", _jsonl({"text": EN, "source": "A"}, {"text": EN, "source": "B"}))
    a, b = load_documents([path])
    assert a.id != b.id


def test_duplicates_get_deterministic_suffixes(tmp_path: Path) -> None:
    same = _write(tmp_path / "a.jsonl", _jsonl({"text": EN}, {"text": EN}, {"text": EN}))
    explicit = _write(tmp_path / "b.csv", f"id,text\nx,{EN}\nx,other text\n")
    warnings: list[str] = []
    docs = load_documents([same, explicit], on_warning=warnings.append)
    base = docs[0].id
    assert [d.id for d in docs] == [base, f"{base}-2", f"{base}-3", "x", "x-2"]
    assert len(warnings) == 3 and f"{explicit}:3" in warnings[-1]


# --- errors -------------------------------------------------------------------------------------

BAD_INPUTS = [
    ("a.jsonl", '{"text": "ok"}\n{"text": \n', 2, "malformed JSON"),
    ("a.jsonl", '{"text": "ok"}\r\n\r\n{bad\r\n', 3, "malformed JSON"),
    ("a.jsonl", "[1, 2]\n", 1, "expected a JSON object, got list"),
    ("a.jsonl", '{"id": "x"}\n', 1, "missing 'text' field"),
    ("a.jsonl", '{"text": null}\n', 1, "missing 'text' field"),
    ("a.jsonl", '{"text": 5}\n', 1, "'text' must be a string, got int"),
    ("a.jsonl", '{"text": "ok"}\n{"text": " \\u202e\\t "}\n', 2, "empty text"),
    ("a.jsonl", '{"text": "ok", "source": ["a"]}\n', 1, "field 'source' must be a string"),
    ("a.jsonl", '{"text": "ok", "source_type": "army"}\n', 1, "invalid source_type 'army'"),
    ("a.jsonl", '{"text": "ok", "published": "26/10/2023"}\n', 1, "invalid published date"),
    ("a.csv", 'text,source\n"ok",a\n"broken,b\nmore,c\n', 3, "unterminated quote"),
    ("a.csv", 'text\n"ok"\n"never closed', 3, "unterminated quote"),
    ("a.csv", 'text\n"quoted"junk\n', 2, "malformed CSV"),
    ("a.csv", "body,source\nx,y\n", 1, "no 'text' column (columns found: body, source)"),
    ("a.csv", "text,text\nx,y\n", 1, "duplicate column"),
    ("a.csv", "text,source\nfine,a\nx,y,z\n", 3, "row has 3 fields, header has 2"),
    ("a.csv", 'id,text\n1,"open\n2,b\n3,c",d\n', 2, "row has 3 fields, header has 2 (an unclosed quote?)"),
    ("a.csv", "text,source\n  ,b\n", 2, "empty text"),
    ("a.csv", "text,source_type\nok,party\nok,militia\n", 3, "invalid source_type 'militia'"),
    ("a.csv", "text,published\nok,2024-13-01\n", 2, "invalid published date"),
]


@pytest.mark.parametrize(("name", "content", "line", "message"), BAD_INPUTS)
def test_bad_input_is_one_error_naming_file_and_line(
    tmp_path: Path, name: str, content: str, line: int, message: str
) -> None:
    path = _write(tmp_path / name, content)
    with pytest.raises(InputError) as info:
        load_documents([path])
    assert info.value.path == str(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in info.value.message


WHOLE_FILE_ERRORS = [
    ("empty.jsonl", "", "empty file"),
    ("empty.csv", "\n\n", "empty file"),
    ("empty.txt", "", "empty file"),
    ("blank.md", "  \r\n\t", "empty file"),
    ("marks.txt", "\u202e\u200f\n", "empty text"),
    ("notes.pdf", "%PDF-1.4", "unsupported file type '.pdf'"),
]


@pytest.mark.parametrize(("name", "content", "message"), WHOLE_FILE_ERRORS)
def test_bad_file_is_one_error_naming_the_file(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = _write(tmp_path / name, content)
    with pytest.raises(InputError) as info:
        load_documents([path])
    assert info.value.path == str(path)
    assert str(info.value) == f"{path}: {info.value.message}"
    assert message in info.value.message


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_documents([tmp_path / "nope.jsonl"])


def test_explicit_hidden_file_is_read(tmp_path: Path) -> None:
    (doc,) = load_documents([_write(tmp_path / ".draft.txt", EN)])
    assert doc.text == EN


def test_a_page_without_article_text_is_a_warning_not_the_end_of_the_run(tmp_path: Path) -> None:
    chrome = _write(
        tmp_path / "a_chrome.html", "<html><body><nav>Menu</nav><script>var a = 1;</script></body></html>"
    )
    story = _write(tmp_path / "b_story.txt", "Two shells fell near the bridge on Monday, residents said.")
    warnings: list[str] = []
    documents = load_documents([tmp_path], on_warning=warnings.append)
    assert [d.origin for d in documents] == [str(story)]
    assert any(str(chrome) in w and "no article text" in w for w in warnings)
