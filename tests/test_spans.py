"""The linear-time span helpers and fast paths agree with the obvious quadratic versions."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from verify.text.arabic import fold_with_offsets
from verify.text.spans import Occupied, keep_disjoint

_SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda t: (t[0], t[0] + t[1])), max_size=40
)


def _keep_disjoint_reference(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return kept


@given(_SPANS)
def test_keep_disjoint_is_the_greedy_choice(spans: list[tuple[int, int]]) -> None:
    assert keep_disjoint(spans, lambda s: s) == _keep_disjoint_reference(spans)


@given(_SPANS, st.integers(0, 70), st.integers(1, 12))
def test_overlaps_is_any_overlap(spans: list[tuple[int, int]], start: int, length: int) -> None:
    end = start + length
    expected = any(start < e and s < end for s, e in spans)
    assert Occupied(spans).overlaps(start, end) is expected


def _fold_reference(text: str, fold_char: Callable[[str], str], squeeze: bool) -> tuple[str, list[int]]:
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        for c in fold_char(ch):
            if squeeze and c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            pos.append(i)
    if squeeze and out and out[-1] == " ":
        out.pop()
        pos.pop()
    return "".join(out), pos


def _punctuation_as_space(ch: str) -> str:
    return " " if not ch.isalnum() else ch.lower()


def _drops_marks(ch: str) -> str:
    return "" if unicodedata.combining(ch) else ch.lower()


@settings(max_examples=300)
@given(st.text(alphabet="ab C.,-  \n\tصاروخَ١ـﻻ", max_size=40), st.booleans())
def test_fold_fast_path_matches_the_loop(text: str, squeeze: bool) -> None:
    for fold_char in (_punctuation_as_space, _drops_marks, str.upper):
        expected = _fold_reference(text, fold_char, squeeze)
        assert fold_with_offsets(text, fold_char, squeeze=squeeze) == expected


def test_a_run_on_sentence_is_cut_at_spaces_into_bounded_claims() -> None:
    from verify.text import split_clauses, split_sentences
    from verify.text.split import MAX_SENTENCE

    text = "a drone struck the base and " * 1000  # 28,000 characters, no sentence end
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(len(s.text) <= MAX_SENTENCE and text[s.start : s.end] == s.text for s in spans)
    assert all(text[s.end] == " " for s in spans[:-1])  # cut between words
    assert " ".join(s.text for s in spans) == text.strip()
    assert len(split_clauses(text)) == len(spans)
    normal = "The army said a drone struck the base. " * 3
    assert [s.text for s in split_sentences(normal)] == ["The army said a drone struck the base."] * 3
