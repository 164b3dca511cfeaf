"""Whole articles as evidence: the ladder of verify.model.article and its use in pair mode."""

from __future__ import annotations

import pytest

from verify.embed import HashingEmbedder
from verify.model.article import ArticleGate, article_relation, default_gate, denies
from verify.model.pairs import PairJudge
from verify.records import Relation
from verify.registry.places import Gazetteer
from verify.registry.sources import SourceRegistry

GATE = ArticleGate(0.5, 0.9, {"unrelated": 0.8, "partial": 0.4, "corroborates": 0.7})

# Our own article: four sentences, one of them restating the claim word for word.
ARTICLE = (
    "Farmers in the valley began the olive harvest on Tuesday. "
    "The militia said its drones struck the fuel depot outside the northern town. "
    "Prices of bread rose again at the market. "
    "A school reopened after the summer break."
)
CLAIM = "The militia said its drones struck the fuel depot outside the northern town."


def test_the_ladder_reads_relatedness_before_agreement() -> None:
    assert article_relation(0.2, "the drones struck the depot", GATE) == (Relation.UNRELATED, 0.8)
    assert article_relation(0.7, "the drones struck the depot", GATE) == (Relation.PARTIAL, 0.4)
    assert article_relation(1.1, "the drones struck the depot", GATE) == (Relation.CORROBORATES, 0.7)
    # A restatement carrying a denial cue denies the claim; a relation without a figure gets 0.5.
    assert article_relation(1.1, "the militia denied that its drones struck the depot", GATE) == (
        Relation.CONTRADICTS,
        0.5,
    )
    # Below the relatedness threshold even a denial is about something else.
    assert article_relation(0.2, "the ministry denied the rumour", GATE)[0] is Relation.UNRELATED


def test_denial_cues_in_both_languages() -> None:
    assert denies("The army denied the report.")
    assert denies("ونفى المتحدث وقوع أي هجوم على المطار")
    assert not denies("The army said the strike hit the depot.")


def test_gate_thresholds_are_ordered_and_the_shipped_one_loads() -> None:
    with pytest.raises(ValueError, match="related"):
        ArticleGate(0.9, 0.5)
    gate = default_gate()
    assert 0.0 < gate.related < gate.takes_side
    assert set(gate.confidence) >= {"unrelated", "partial", "corroborates", "contradicts"}
    assert all(0.0 <= c <= 1.0 for c in gate.confidence.values())


def test_an_article_is_decided_by_the_ladder_and_says_which_sentences(
    registry: SourceRegistry, places: Gazetteer
) -> None:
    judge = PairJudge(HashingEmbedder(), registry, places, article_gate=ArticleGate(0.3, 0.9))
    far = "Heavy snow closed the mountain pass to lorries."
    prepared = judge.prepare([CLAIM, far], [ARTICLE, ARTICLE])
    assert judge.is_article(prepared) == [True, True]
    restated, unrelated = judge.verdicts(prepared)
    assert restated.relation is Relation.CORROBORATES
    assert CLAIM in restated.rationale  # the rationale names the sentence that speaks to the claim
    assert unrelated.relation is Relation.UNRELATED
    # Ladder off: the same rationales, decided by the rules (no model here) instead.
    plain = PairJudge(HashingEmbedder(), registry, places, articles=False)
    assert plain.article_gate is None
    assert [v.rationale for v in plain.verdicts(prepared)] == [restated.rationale, unrelated.rationale]


def test_a_partial_article_between_the_thresholds(registry: SourceRegistry, places: Gazetteer) -> None:
    judge = PairJudge(HashingEmbedder(), registry, places, article_gate=ArticleGate(0.3, 5.0))
    [verdict] = judge.judge([CLAIM], [ARTICLE])
    assert verdict.relation is Relation.PARTIAL


def test_short_evidence_is_not_an_article(registry: SourceRegistry, places: Gazetteer) -> None:
    # One or a few sentences (headlines, ANS pairs) never meet the ladder, whatever its thresholds.
    judge = PairJudge(HashingEmbedder(), registry, places, article_gate=ArticleGate(100.0, 100.0))
    prepared = judge.prepare([CLAIM], ["The militia said its drones struck the fuel depot."])
    assert judge.is_article(prepared) == [False]
    assert judge.verdicts(prepared)[0].relation is not Relation.UNRELATED
