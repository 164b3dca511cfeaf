"""Saved news pages of our own (Arabic and English, with navigation, comments and related-article
boxes): only the article is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.read import extract_page, load_documents
from verify.read.article import extract_article

PAGES = Path(__file__).parent / "data" / "pages"

CASES = [
    (
        "en_strike.html",
        ["An airstrike hit a crowded vegetable market", "denied striking any civilian area"],
        ["Weather forecast", "cookies", "Ceasefire talks stall", "Reader1234", "heartbreaking", "Copyright"],
    ),
    (
        "ar_strike.html",
        ["قُتل خمسة مدنيين بينهم طفلان", "ونفت استهداف أي مناطق سكنية"],
        ["ابحث في الموقع", "معرض الكتاب", "المنتخب يتأهل", "حسبنا الله", "التعليقات", "جميع الحقوق"],
    ),
]


@pytest.mark.parametrize(("name", "kept", "dropped"), CASES)
def test_only_the_article_is_kept(name: str, kept: list[str], dropped: list[str]) -> None:
    article = extract_page((PAGES / name).read_text("utf-8"))
    for text in kept:
        assert text in article.text, text
    for text in dropped:
        assert text not in article.text, text


def test_trafilatura_does_better_than_the_fallback_on_related_boxes_and_comments() -> None:
    html = (PAGES / "ar_strike.html").read_text("utf-8")
    assert "حسبنا الله" in extract_article(html).text  # what the standard-library reader keeps
    assert "حسبنا الله" not in extract_page(html).text


def test_page_metadata_reaches_the_document() -> None:
    (doc,) = load_documents([PAGES / "en_strike.html"])
    assert doc.title == "Airstrike hits crowded market in northern town"
    assert doc.source == "The Example Courier"
    assert doc.published is not None and doc.published.isoformat() == "2021-05-18"
    assert doc.lang == "en" and doc.url == "https://courier.example/world/airstrike-market"
    (doc,) = load_documents([PAGES / "ar_strike.html"])
    assert doc.lang == "ar" and doc.source == "صحيفة المثال"
    assert doc.published is not None and doc.published.isoformat() == "2022-09-03"


def test_the_fallback_reads_a_page_trafilatura_finds_nothing_in() -> None:
    html = "<html><body><p>Shells hit the bridge.</p></body></html>"
    assert "Shells hit the bridge." in extract_page(html).text
