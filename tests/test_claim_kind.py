"""Whether a sentence states an event: an opinion frames what follows it, not what came before."""

from __future__ import annotations

import pytest

from verify.claims.attribution import classify_kind
from verify.records import ClaimKind


def test_an_opinion_before_the_event_makes_it_an_opinion() -> None:
    assert classify_kind("Observers believe the shelling destroyed the bridge.") == ClaimKind.OTHER
    assert classify_kind("يعتقد المحللون أن القصف دمر الجسر.") == ClaimKind.OTHER


def test_a_hedge_after_the_reported_event_leaves_it_an_event() -> None:
    text = "Four guards were killed when the shelling hit the depot, and the toll will likely rise."
    assert classify_kind(text) == ClaimKind.EVENT


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The ministry did not immediately comment on the reported shelling of the depot.", ClaimKind.OTHER),
        ("The brigade declined to comment on the raid on the checkpoint.", ClaimKind.OTHER),
        ("رفضت الوزارة التعليق على القصف الذي استهدف المستودع", ClaimKind.OTHER),
        # the event is stated before the silence: the sentence stays an event
        ("Residents said a shell hit the depot; the ministry did not comment.", ClaimKind.EVENT),
    ],
)
def test_a_partys_silence_states_no_event(text: str, kind: ClaimKind) -> None:
    assert classify_kind(text) is kind
