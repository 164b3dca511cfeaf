"""detect_lang(): script first, then function words for Latin-script languages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.read.lang import detect_lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("أعلن الجيش أنه أسقط طائرتين مسيرتين فوق المدينة.", "ar"),
        ("The army said it shot down two drones over the city.", "en"),
        ("L'armée a déclaré que les tirs ont visé une base dans la région.", "fr"),
        ("El ejército dijo que los ataques fueron contra una base en la región.", "es"),
        ("Die Armee sagte, dass die Angriffe auf den Stützpunkt nicht erfolgreich waren.", "de"),
        ("הצבא הודיע כי יירט שני כטבמים", "he"),
        ("Армия заявила о перехвате", "und"),
        ("2024-01-14 12:00 ... 17 / 3", "und"),
        ("", "und"),
        ("Kobani", "en"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_arabic_with_english_names_is_arabic() -> None:
    assert (
        detect_lang("قالت وزارة الدفاع (Pentagon) إن قواتها تعرضت لهجوم بصواريخ في قاعدة عين الأسد.") == "ar"
    )


def test_english_quoting_a_french_phrase_stays_english() -> None:
    text = "The spokesman, speaking to reporters on Monday, said the strike was 'une réponse' to the attack."
    assert detect_lang(text) == "en"


@given(st.text(max_size=200))
def test_deterministic_and_in_range(text: str) -> None:
    assert detect_lang(text) == detect_lang(text) in {"ar", "en", "fr", "es", "de", "he", "und"}
