"""sanitize(): the one cleaning pass every document text gets before claim offsets are taken."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.read.clean import sanitize

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_newlines_are_normalised() -> None:
    assert sanitize("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"
    assert sanitize("a\r\n\r\nb") == "a\n\nb"


def test_page_and_line_separators_become_newlines_not_glue() -> None:
    assert sanitize("page one\x0cpage two\u2028line\u2029para\x85end") == (
        "page one\npage two\nline\npara\nend"
    )


def test_lone_surrogates_removed_pairs_impossible_in_str_kept_as_text() -> None:
    assert sanitize("قصف\ud800 مدفعي\udfff") == "قصف مدفعي"
    assert sanitize("emoji 🚀 stays") == "emoji 🚀 stays"


@pytest.mark.parametrize("char", BIDI)
def test_bidi_overrides_and_isolates_removed(char: str) -> None:
    assert sanitize(f"abc{char}def") == "abcdef"


def test_direction_marks_removed_inside_arabic_words() -> None:
    assert sanitize("الصوا\u200fريخ\u200e و\u061cالقذائف") == "الصواريخ والقذائف"


def test_zwnj_and_zwj_kept() -> None:
    persian = "می\u200cخواهند"
    assert sanitize(persian) == persian
    assert sanitize("ل\u200dا") == "ل\u200dا"


def test_controls_removed_but_tab_and_newline_kept() -> None:
    assert sanitize("a\x00b\x07c\x1bd\x7fe\x9bf\tg\nh") == "abcdef\tg\nh"


def test_bom_removed_anywhere() -> None:
    assert sanitize("\ufeffstart mid\ufeffdle") == "start middle"


def test_nfc_composition() -> None:
    assert sanitize("e\u0301") == "\u00e9"
    # A control between a letter and its accent must not block composition.
    assert sanitize("e\u202e\u0301") == "\u00e9"


def test_arabic_text_with_harakat_unchanged() -> None:
    text = "سُمِعَ دويّ انفجار في المنطقة"
    assert sanitize(text) == unicodedata.normalize("NFC", text)


_FORBIDDEN = {*BIDI, "\u200e", "\u200f", "\u061c", "\ufeff", "\r"}


_HAZARDS = st.sampled_from([*BIDI, "\ud800", "\udc00", "\r", "\x00", "\ufeff", "\u0301", "\u200f", "e", "ب"])


@given(st.text(alphabet=st.one_of(st.characters(codec=None, exclude_categories=()), _HAZARDS)))
def test_sanitize_is_idempotent_and_clean(text: str) -> None:
    once = sanitize(text)
    assert sanitize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    for ch in once:
        assert ch not in _FORBIDDEN
        assert not 0xD800 <= ord(ch) <= 0xDFFF
        assert unicodedata.category(ch) != "Cc" or ch in "\n\t"


@given(st.text(alphabet=st.sampled_from(["a", "ب", " ", "\r", "\n", "\u202e", "\x00", "\ufeff"])))
def test_sanitize_keeps_every_ordinary_character(text: str) -> None:
    kept = [ch for ch in text if ch in "aب \n"]
    assert [ch for ch in sanitize(text) if ch in "aب "] == [ch for ch in kept if ch != "\n"]
