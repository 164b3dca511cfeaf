"""Time expressions resolved against the document's published date."""

from __future__ import annotations

import datetime as dt

import pytest

from verify.records import TimeRef
from verify.text.timeexpr import find_time

THURSDAY = dt.date(2023, 11, 9)


@pytest.mark.parametrize(
    ("text", "written", "date"),
    [
        ("The group said today that it fired rockets.", "today", THURSDAY),
        ("قالت الفصائل اليوم إنها قصفت القاعدة", "اليوم", THURSDAY),
        ("A drone hit the base yesterday.", "yesterday", dt.date(2023, 11, 8)),
        ("سقط صاروخ أمس قرب المطار", "أمس", dt.date(2023, 11, 8)),
        ("دوى انفجار البارحة", "البارحة", dt.date(2023, 11, 8)),
        ("Rockets were fired last night.", "last night", dt.date(2023, 11, 8)),
        ("Sirens sounded tonight.", "tonight", THURSDAY),
        ("استهدفت مسيرة القاعدة الليلة الماضية", "الليلة الماضية", dt.date(2023, 11, 8)),
        ("قصف مدفعي فجر اليوم", "فجر اليوم", THURSDAY),
        ("The attack came on Monday.", "Monday", dt.date(2023, 11, 6)),
        ("The attack came on Thursday.", "Thursday", THURSDAY),
        ("وقع الهجوم يوم الثلاثاء", "الثلاثاء", dt.date(2023, 11, 7)),
        ("وقع الهجوم الخميس الماضي", "الخميس", dt.date(2023, 11, 2)),
        ("Two attacks in the last 24 hours.", "in the last 24 hours", THURSDAY),
        ("هجومان في الساعات الأربع والعشرين الأخيرة", "الساعات الأربع والعشرين الأخيرة", THURSDAY),
        ("over the past day", "the past day", THURSDAY),
        ("It happened on November 7.", "November 7", dt.date(2023, 11, 7)),
        ("It happened on 7 Nov 2023.", "7 Nov 2023", dt.date(2023, 11, 7)),
        ("Report dated 2023-11-07.", "2023-11-07", dt.date(2023, 11, 7)),
        ("وقع في 7 تشرين الثاني", "7 تشرين الثاني", dt.date(2023, 11, 7)),
        ("وقع في 7 نوفمبر 2023", "7 نوفمبر 2023", dt.date(2023, 11, 7)),
        ("منذ السابع من أكتوبر", "السابع من أكتوبر", dt.date(2023, 10, 7)),
        ("في 3 حزيران", "3 حزيران", dt.date(2023, 6, 3)),
        ("في 3 يونيه", "3 يونيه", dt.date(2023, 6, 3)),
        ("On December 30 a rocket fell.", "December 30", dt.date(2022, 12, 30)),  # last year's December
    ],
)
def test_resolved(text: str, written: str, date: dt.date) -> None:
    assert find_time(text, THURSDAY) == TimeRef(written, date)


def test_adjacent_expressions_stay_together() -> None:
    found = find_time("أعلنت الفصائل، اليوم الخميس، أنها قصفت القاعدة", THURSDAY)
    assert found == TimeRef("اليوم الخميس", THURSDAY)


def test_most_specific_expression_wins() -> None:
    text = "In the last 24 hours, the group said, a drone hit the base on November 8."
    assert find_time(text, THURSDAY) == TimeRef("November 8", dt.date(2023, 11, 8))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("The group will strike again next Monday.", "Monday"),
        ("Attacks rose last week.", "last week"),
        ("في 30 شباط", "30 شباط"),
    ],
)
def test_unresolvable_keeps_text(text: str, written: str) -> None:
    assert find_time(text, THURSDAY) == TimeRef(written, None)


def test_relative_without_published_date_is_unresolved() -> None:
    assert find_time("قصفت الفصائل القاعدة اليوم", None) == TimeRef("اليوم", None)
    assert find_time("on 9 Nov 2023", None) == TimeRef("9 Nov 2023", dt.date(2023, 11, 9))


@pytest.mark.parametrize("text", ["The weather was fine.", "they may 5 times a day", "قال خميس إن"])
def test_no_time(text: str) -> None:
    assert find_time(text, THURSDAY) is None


def test_a_time_that_dates_the_saying_gives_way_to_the_event() -> None:
    published = dt.date(2031, 5, 11)  # a Sunday
    english = find_time(
        "The ministry said on Sunday that Thursday's shelling of the depot hurt two guards", published
    )
    assert english is not None and english.date == dt.date(2031, 5, 8)
    arabic = find_time("أعلنت الوزارة، مساء الأحد، أن قصف المستودع يوم الخميس أصاب حارسين", published)
    assert arabic is not None and arabic.date == dt.date(2031, 5, 8)
    briefing = find_time(
        "At a briefing in the port on Sunday, officers said the depot burned on Thursday", published
    )
    assert briefing is not None and briefing.date == dt.date(2031, 5, 8)


def test_an_event_time_after_a_reporting_verb_is_still_the_event() -> None:
    published = dt.date(2031, 5, 11)
    found = find_time("The ministry said the shelling of the depot on Thursday hurt two guards", published)
    assert found is not None and found.date == dt.date(2031, 5, 8)
    only = find_time("The ministry said on Sunday that two guards were hurt", published)
    assert only is not None and only.date == published  # nothing else dates it: the saying's day is kept
