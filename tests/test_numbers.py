"""Numbers in Arabic and English text: values, qualifiers and offsets into the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.text.numbers import NumberMention, find_numbers, parse_number


def only(text: str) -> NumberMention:
    found = find_numbers(text)
    assert len(found) == 1, found
    assert text[found[0].start : found[0].end] == found[0].text
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("١٢", 12),  # Eastern Arabic digits
        ("۱۵", 15),  # Persian digits
        ("1,200", 1200),
        ("١٬٢٠٠", 1200),
        ("14 ألف", 14000),
        ("٣ آلاف", 3000),
        ("2 million", 2000000),
        ("1.5 million", 1500000),
        ("مليون", 1000000),
        ("seven", 7),
        ("nineteen", 19),
        ("twenty-one", 21),
        ("a hundred", 100),
        ("two hundred and five", 205),
        ("three thousand five hundred", 3500),
        ("a dozen", 12),
        ("two dozen", 24),
        ("واحدة", 1),
        ("اثنين", 2),
        ("اثنتان", 2),
        ("ثلاث", 3),
        ("ثلاثة", 3),
        ("عشر", 10),
        ("أحد عشر", 11),
        ("اثنتي عشرة", 12),
        ("خمسة عشر", 15),
        ("عشرين", 20),
        ("الأربع والعشرين", 24),
        ("خمسة وثلاثون", 35),
        ("مائة", 100),
        ("مئة وخمسون", 150),
        ("مئتين", 200),
        ("ثلاثمئة", 300),
        ("ألف", 1000),
        ("ألفين", 2000),
        ("عشرين ألفاً", 20000),
        ("ثلاثة آلاف", 3000),
    ],
)
def test_values(text: str, value: int) -> None:
    found = only(text)
    assert (found.value, found.qualifier, found.text) == (value, None, text)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("dozens", "dozens"),
        ("scores", "dozens"),
        ("عشرات", "dozens"),
        ("hundreds", "hundreds"),
        ("مئات", "hundreds"),
        ("several", "several"),
        ("عدة", "several"),
        ("a number of", "several"),
        ("بعشرات", "dozens"),
    ],
)
def test_vague_quantities_have_no_value(text: str, qualifier: str) -> None:
    found = only(text)
    assert (found.value, found.qualifier) == (None, qualifier)


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "span"),
    [
        ("more than 61 attacks", 61, "more_than", "more than 61"),
        ("over 200 people", 200, "more_than", "over 200"),
        ("at least 3 dead", 3, "at_least", "at least 3"),
        ("3 at least", 3, "at_least", "3 at least"),
        ("about 40", 40, "about", "about 40"),
        ("nearly a dozen", 12, "about", "nearly a dozen"),
        ("مقتل أكثر من ١٤ ألف شخص", 14000, "more_than", "أكثر من ١٤ ألف"),
        ("تعرضت لما يفوق الـ 61 هجوما", 61, "more_than", "ما يفوق الـ 61"),
        ("لا يقل عن خمسة", 5, "at_least", "لا يقل عن خمسة"),
        ("نحو 300", 300, "about", "نحو 300"),
        ("حوالي ثلاثة آلاف", 3000, "about", "حوالي ثلاثة آلاف"),
        ("قرابة عشرين", 20, "about", "قرابة عشرين"),
    ],
)
def test_qualifiers_widen_the_span(text: str, value: int, qualifier: str, span: str) -> None:
    found = only(text)
    assert (found.value, found.qualifier, found.text) == (value, qualifier, span)


def test_offsets_slice_the_original_with_diacritics_and_tatweel() -> None:
    text = "أطلقوا ثلاثةَ صواريخ وأصابوا ٢ من الجنود، قالت المصادر"
    found = find_numbers(text)
    assert [(m.text, m.value) for m in found] == [("ثلاثةَ", 3), ("٢", 2)]
    for m in found:
        assert text[m.start : m.end] == m.text


def test_several_numbers_in_order() -> None:
    text = "Militants fired 3 rockets and two drones; 1,500 residents fled."
    assert [m.value for m in find_numbers(text)] == [3, 2, 1500]


@pytest.mark.parametrize(
    "text",
    ["F-16 jets", "an MQ-9 drone", "no one was hurt", "يوم الإثنين", "the weather was fine", "أحد الجنود"],
)
def test_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_percent_is_not_a_hundredfold() -> None:
    assert [m.value for m in find_numbers("20 بالمئة")] == [20]


def test_parse_number() -> None:
    assert parse_number("twenty-one") == 21
    assert parse_number(" ١٬٢٠٠ ") == 1200
    assert parse_number("ثلاثة آلاف") == 3000
    assert parse_number("dozens") is None
    assert parse_number("3 rockets") is None
    assert parse_number("rockets") is None


_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_EN_UNITS += [
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _english(n: int) -> str:
    """A plain reference speller for 0..999999."""
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        return _EN_TENS[n // 10] + ("-" + _EN_UNITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _EN_UNITS[n // 100] + " hundred" + (" and " + _english(rest) if rest else "")
    rest = n % 1000
    return _english(n // 1000) + " thousand" + (" " + _english(rest) if rest else "")


@given(st.integers(min_value=0, max_value=999_999))
def test_english_words_round_trip(n: int) -> None:
    assert parse_number(_english(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_separated_digits_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    eastern = f"{n:,}".translate(str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬"))
    assert parse_number(eastern) == n


@given(st.text(alphabet="abc صاروخ 0123456789١٢٣,،.-ـَ", max_size=40))
def test_offsets_always_slice_the_text(text: str) -> None:
    for m in find_numbers(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
