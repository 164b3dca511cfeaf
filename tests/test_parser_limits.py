"""Numbers and dates of any size: parsed, or refused as values (``None``); never an exception."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.text.numbers import MAX_VALUE, find_numbers, parse_number
from verify.text.timeexpr import find_time

# Pieces a generated text is glued from: digit runs of any length, scale and number words, months,
# weekdays and relative days in both languages, separators. Random text alone rarely spells these.
_PIECES = st.one_of(
    st.integers(min_value=0, max_value=10**500).map(str),
    st.integers(min_value=0, max_value=10**40).map(lambda n: f"{n:,}"),
    st.from_regex(r"\d{1,400}(\.\d{1,50})?", fullmatch=True),
    st.sampled_from(
        [
            "million", "billion", "thousand", "hundred", "dozen", "dozens", "and", "a", "one", "twenty",
            "ألف", "آلاف", "مليون", "مئة", "ثلاثة", "عشرات", "more than", "at least", "نحو",
            "March", "may", "31st", "December", "يناير", "الخامس والعشرين", "من شهر", "آذار",
            "yesterday", "tomorrow", "last", "Monday", "الماضي", "الخميس", "فجر اليوم", "أمس",
            "in the last 24 hours", "-", ",", "، ", ".", " ", "٣٤٥", "١٬٢٠٠", "0000", "9999-12-31",
            "1-13-45", "2024-02-30", "رمضان", "شوال 1445", "ذو الحجة", "14",
        ]
    ),
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_find_numbers_never_raises_and_values_are_bounded(text: str) -> None:
    for m in find_numbers(text):
        assert text[m.start : m.end] == m.text
        assert m.value is None or 0 <= m.value <= MAX_VALUE


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.one_of(st.none(), st.dates()))
def test_find_time_never_raises(text: str, published: dt.date | None) -> None:
    ref = find_time(text, published)
    if ref is not None:
        assert ref.text in text
        assert ref.date is None or isinstance(ref.date, dt.date)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.dates()))
def test_any_text_any_date(text: str, published: dt.date | None) -> None:
    find_numbers(text)
    parse_number(text)
    find_time(text, published)


@pytest.mark.parametrize(
    "text",
    ["9" * 400, "1" * 310 + " million", "999999999999999999999999999999 thousand", "1" + "0" * 16],
)
def test_too_large_is_a_number_without_value(text: str) -> None:
    (mention,) = find_numbers(text)
    assert mention.text == text
    assert mention.value is None


def test_largest_allowed_and_exact_decimals() -> None:
    assert parse_number(str(MAX_VALUE)) == MAX_VALUE
    assert parse_number("1,000,000,000,000,001") is None
    assert parse_number("1.1 thousand") == 1100  # float arithmetic made this 1100.0000000000002
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("000000000000000000000000000000007") == 7


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("yesterday", dt.date.min),
        ("tomorrow", dt.date.max),
        ("last Monday", dt.date.min),
        ("on Tuesday", dt.date.min),
        ("on 31 December", dt.date.max),
        ("on 5 March", dt.date.max),
        ("في 31 ديسمبر", dt.date.min),
        ("في 5 رمضان", dt.date.max),
        ("في 29 ذو الحجة", dt.date.max),
        ("في 5 رمضان", dt.date.min),
    ],
)
def test_dates_at_the_ends_of_the_calendar(text: str, published: dt.date) -> None:
    ref = find_time(text, published)
    assert ref is not None
    assert ref.date is None or dt.date.min <= ref.date <= dt.date.max


def test_calendar_ends_resolve_when_they_can() -> None:
    ref = find_time("yesterday", dt.date.max)
    assert ref is not None and ref.date == dt.date(9999, 12, 30)
    ref = find_time("tomorrow", dt.date.max)
    assert ref is not None and ref.date is None
