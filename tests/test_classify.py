"""The discrepancy classifier: sklearn conventions, cue features, the rule/model combination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from verify.errors import ModelError
from verify.judge.findings import ScoredPair, judge_incident, judge_pair
from verify.judge.rules import pair_features
from verify.model.classify import DiscrepancyClassifier
from verify.model.delta import changed_sets
from verify.model.features import (
    FEATURE_NAMES,
    LEXICAL_DIM,
    PairInput,
    lexical_block,
    lexical_tokens,
    pair_row,
)
from verify.model.judgemodel import JudgeModel, combine, load_model, save_model
from verify.records import Casualties, Claim, ClaimKind, Facets, Relation, SourceType
from verify.registry import entity_similarity

NONE = Facets()


def _claim(text: str, facets: Facets = NONE, party: bool = True) -> Claim:
    kind = SourceType.PARTY if party else SourceType.INDEPENDENT
    return Claim("c" if party else "e", "d", text, 0, len(text), "x", kind, "en", ClaimKind.EVENT, facets)


def _features(claim: str, evidence: str, cf: Facets = NONE, ef: Facets = NONE) -> dict[str, float]:
    c, e = _claim(claim, cf), _claim(evidence, ef, party=False)
    rules = pair_features(c, e, similarity=entity_similarity, opposing=False)
    return dict(zip(FEATURE_NAMES, pair_row(PairInput(c, e, rules), 0.9), strict=True))


def _toy(n: int = 60, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = np.where(X[:, 0] > 0, "corroborates", "contradicts")
    return X, y


def test_estimator_follows_sklearn_conventions() -> None:
    est = DiscrepancyClassifier(max_iter=20, cv=3)
    assert est.get_params()["max_iter"] == 20 and not hasattr(est, "classes_")
    with pytest.raises(NotFittedError):
        est.predict(np.zeros((1, 4)))
    X, y = _toy()
    assert est.fit(X, y) is est
    assert list(est.classes_) == ["contradicts", "corroborates"]
    proba = est.predict_proba(X)
    assert proba.shape == (60, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert (est.predict(X) == y).mean() > 0.8  # it learns the separating feature
    twin = clone(est).fit(X, y)
    assert np.allclose(twin.predict_proba(X), proba)  # seeded: the same data gives the same model
    with pytest.raises(ValueError):
        est.predict_proba(np.zeros((1, 3)))  # wrong number of features


def test_lexical_columns_are_read_by_a_stacked_regression() -> None:
    # The label is carried only by which of two hashed words is present; dense columns are noise.
    rng = np.random.default_rng(3)
    n = 120
    y = np.where(rng.random(n) > 0.5, "contradicts", "corroborates")
    words = np.zeros((n, 8))
    words[y == "contradicts", 2] = 1.0
    words[y == "corroborates", 5] = 1.0
    X = np.hstack([rng.normal(size=(n, 3)), words])
    est = DiscrepancyClassifier(max_iter=20, cv=3, lexical=8).fit(X, y)
    assert est.lexical_.coef_.shape[1] == 8  # the regression saw the last 8 columns only
    assert (est.predict(X) == y).mean() > 0.95
    assert np.allclose(clone(est).fit(X, y).predict_proba(X), est.predict_proba(X))
    with pytest.raises(ValueError, match="lexical"):
        DiscrepancyClassifier(lexical=11).fit(X, y)


def test_lexical_tokens_name_the_changed_words_and_the_evidence() -> None:
    tokens = lexical_tokens("Rockets hit the base", "No rockets hit the base?")
    assert "e:no" in tokens and "w:rockets" in tokens and "?" in tokens
    assert not [t for t in tokens if t.startswith("c:")]
    block = lexical_block([("Rockets hit the base", "No rockets hit the base?")])
    assert block.shape == (1, LEXICAL_DIM) and np.isclose((block * block).sum(), 1.0)


def test_fit_rejects_a_single_class() -> None:
    with pytest.raises(ValueError):
        DiscrepancyClassifier().fit(np.zeros((4, 2)), ["corroborates"] * 4)


def test_arabic_antonyms_and_negation_are_cues() -> None:
    rise = _features("ارتفاع أسعار النفط في الأسواق", "انخفاض أسعار النفط في الأسواق")
    same = _features("ارتفاع أسعار النفط في الأسواق", "ارتفاع كبير لأسعار النفط في الأسواق")
    assert rise["antonyms"] == 1 and same["antonyms"] == 0
    neg = _features("The convoy reached the town", "The convoy did not reach the town")
    assert neg["neg_mismatch"] == 1 and neg["neg_evidence"] >= 1
    denied = _features("قصفت الطائرات المطار", "ونفى الجيش قصف المطار")
    assert denied["denial_evidence"] == 1 and denied["denial_mismatch"] == 1


def test_hedges_and_questions_are_cues_on_either_side() -> None:
    asked = _features("Drones struck the depot at dawn", "Did drones strike the depot at dawn?")
    assert asked["question_evidence"] == 1 and asked["question_claim"] == 0
    asked_ar = _features("هل قصفت الطائرات المسيرة المستودع؟", "قصفت طائرات مسيرة المستودع فجرا")
    assert asked_ar["question_claim"] == 1 and asked_ar["question_evidence"] == 0
    hedged = _features("Militants apparently seized the bridge", "The militants seized the bridge")
    assert hedged["hedge_claim"] == 1 and hedged["hedge_evidence"] == 0
    hedged_ar = _features("سيطر المسلحون على الجسر", "يبدو أن المسلحين سيطروا على الجسر")
    assert hedged_ar["hedge_evidence"] == 1 and hedged_ar["hedge_claim"] == 0


def test_numbers_and_facet_conflicts_are_features() -> None:
    f = _features(
        "Five soldiers were killed",
        "Two soldiers were killed",
        Facets(casualties=Casualties(killed=5)),
        Facets(casualties=Casualties(killed=2)),
    )
    assert f["numbers_differ"] == 0  # words, not digits
    assert f["facet_casualties"] == 1 and f["up"] == 1 and f["rule_overstates"] == 1
    digits = _features("Oil passes 80 dollars", "Oil falls below 70 dollars")
    assert digits["numbers_differ"] == 1 and digits["numbers_shared"] == 0


def test_changed_sets() -> None:
    assert changed_sets("oil prices rise today", "oil prices fall today")[:2] == (("rise",), ("fall",))
    assert changed_sets("same words", "Same words")[:2] == ((), ())


def test_count_conflict_keeps_the_rule_relation() -> None:
    c = _claim("x", Facets(count=5))
    e = _claim("y", Facets(count=1), party=False)
    rules = pair_features(c, e, similarity=entity_similarity, opposing=False)
    proba = {Relation.CORROBORATES: 0.7, Relation.CONTRADICTS: 0.2, Relation.UNRELATED: 0.1}
    relation, confidence = combine(rules, proba)
    assert relation is Relation.OVERSTATES and confidence == pytest.approx(0.2)
    plain = pair_features(_claim("x"), _claim("y", party=False), similarity=entity_similarity)
    assert combine(plain, proba) == (Relation.CORROBORATES, 0.7)
    # A count conflict with an article the model finds unrelated is not a contradiction.
    elsewhere = {Relation.CORROBORATES: 0.1, Relation.CONTRADICTS: 0.2, Relation.UNRELATED: 0.7}
    assert combine(rules, elsewhere) == (Relation.UNRELATED, 0.7)


def test_changed_word_features() -> None:
    # Words differing only by a clitic are morphology, not a change.
    same = _features("قصفت الطائرات المطار العسكري", "وقصفت الطائرات المطار العسكري")
    assert same["changed_claim"] == 0 and same["changed_evidence"] == 0 and same["no_change"] == 1
    assert same["morph_evidence"] == 1
    flipped = _features("The death toll rose to 12 in the city", "The death toll fell to 9 in the city")
    assert flipped["changed_antonyms"] == 1 and flipped["changed_numbers_both"] == 1
    assert flipped["changed_claim"] == 2 and flipped["no_change"] == 0
    negated = _features("The convoy reached the town", "The convoy never reached the town")
    assert negated["changed_neg_evidence"] == 1 and negated["changed_neg_mismatch"] == 1


def test_changed_word_vectors_give_substitution_scores() -> None:
    c, e = _claim("prices rise sharply"), _claim("prices fall sharply", party=False)
    rules = pair_features(c, e, similarity=entity_similarity, opposing=False)
    words = {"rise": np.array([1.0, 0.0], dtype=np.float32), "fall": np.array([0.6, 0.8], dtype=np.float32)}
    row = dict(zip(FEATURE_NAMES, pair_row(PairInput(c, e, rules), 0.9, words=words), strict=True))
    assert row["substitution_max"] == pytest.approx(0.6) and row["substitutions"] == 1
    assert row["changed_set_cosine"] == pytest.approx(0.6)


def test_judge_takes_its_confidence_from_a_scorer() -> None:
    c = _claim("x", Facets(count=5))
    e = _claim("y", Facets(count=1), party=False)
    calls: list[int] = []

    def scorer(pairs: Sequence[ScoredPair]) -> list[dict[Relation, float]]:
        calls.append(len(pairs))
        return [{Relation.CORROBORATES: 0.4, Relation.CONTRADICTS: 0.45, Relation.PARTIAL: 0.15}] * len(pairs)

    j = judge_pair(c, e, similarity=entity_similarity, scorer=scorer)
    # The rule keeps the relation and its facets; the confidence is P(the pair differs at all).
    assert j.relation is Relation.OVERSTATES and j.confidence == pytest.approx(0.6)
    assert [d.name for d in j.facets] == ["count"]
    heuristic = judge_pair(c, e, similarity=entity_similarity)
    assert heuristic.relation is Relation.OVERSTATES and heuristic.confidence != pytest.approx(0.6)
    other = replace(e, document_id="d2", source="monitor")
    findings = judge_incident(
        [c, other], opposing=lambda a, b: False, similarity=entity_similarity, scorer=scorer
    )
    assert [f.relation for f in findings] == [Relation.OVERSTATES]
    assert findings[0].confidence == pytest.approx(0.6)
    assert calls == [1, 1]  # one batch per incident


def test_model_round_trip_and_errors(tmp_path: Path) -> None:
    X, y = _toy()
    model = JudgeModel(DiscrepancyClassifier(max_iter=20, cv=3).fit(X, y), "hashing-256-3")
    save_model(model, tmp_path / "m.joblib")
    loaded = load_model(tmp_path / "m.joblib")
    assert loaded.embedder == "hashing-256-3"
    probs = loaded.proba(X[:2])
    assert set(probs[0]) == {Relation.CORROBORATES, Relation.CONTRADICTS}
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "missing.joblib")
    (tmp_path / "bad.joblib").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "bad.joblib")
    # A process reads a model file once, and again once it is rewritten.
    assert load_model(tmp_path / "m.joblib") is loaded
    save_model(JudgeModel(model.estimator, "other"), tmp_path / "m.joblib")
    assert load_model(tmp_path / "m.joblib").embedder == "other"


def _two_groups(evidence_count: int) -> tuple[list[Claim], list[Claim]]:
    """Two incidents of a party claim and an independent report each: counts 5 vs 1, then 2 vs
    ``evidence_count``."""
    first = [
        _claim("x", Facets(count=5)),
        replace(_claim("y", Facets(count=1), party=False), document_id="d2"),
    ]
    second = [
        replace(_claim("p", Facets(count=2)), id="c2", document_id="d3"),
        replace(_claim("q", Facets(count=evidence_count), party=False), id="e2", document_id="d4"),
    ]
    return first, second


def test_incidents_are_scored_in_one_batch_with_the_same_findings() -> None:
    from verify.judge import build_incidents, matchers
    from verify.registry import Knowledge, Settings

    knowledge = Knowledge.load(Settings())
    first, second = _two_groups(evidence_count=2)
    calls: list[int] = []

    def scorer(pairs: Sequence[ScoredPair]) -> list[dict[Relation, float]]:
        calls.append(len(pairs))
        return [{Relation.CORROBORATES: 0.3, Relation.CONTRADICTS: 0.7}] * len(pairs)

    match = replace(matchers(knowledge), scorer=scorer)
    together = build_incidents([first, second], knowledge, match)
    assert calls == [2]  # both incidents' pairs in one call
    alone = [build_incidents([group], knowledge, match)[0] for group in (first, second)]
    assert together == alone
    assert [f.relation for f in together[0].findings] == [Relation.OVERSTATES]
    assert together[0].findings[0].confidence == pytest.approx(0.7)
    # One agreeing facet and nothing else: the rules call it partial, whatever the scorer says.
    assert [f.relation for f in together[1].findings] == [Relation.PARTIAL]


def test_pairs_judged_before_keep_their_confidence_and_are_not_scored_again() -> None:
    from verify.judge import build_incidents, matchers
    from verify.registry import Knowledge, Settings

    knowledge = Knowledge.load(Settings())
    first, second = _two_groups(evidence_count=3)
    calls: list[list[str]] = []

    def scorer(pairs: Sequence[ScoredPair]) -> list[dict[Relation, float]]:
        calls.append([c.id for c, _, _ in pairs])
        return [{Relation.CORROBORATES: 0.25, Relation.CONTRADICTS: 0.75}] * len(pairs)

    match = replace(matchers(knowledge), scorer=scorer)
    fresh = build_incidents([first, second], knowledge, match)
    judged = {
        (f.claim_id, f.evidence_claim_id, f.relation): f.confidence
        for incident in fresh
        for f in incident.findings
        if f.evidence_claim_id is not None
    }
    assert len(judged) == 2
    calls.clear()
    assert build_incidents([first, second], knowledge, match, judged=judged) == fresh
    assert calls == []
    some = {key: value for key, value in judged.items() if key[0] == "c"}
    assert build_incidents([first, second], knowledge, match, judged=some) == fresh
    assert calls == [["c2"]]
    # A confidence is reused only for the same relation: it belongs to the rules' verdict.
    calls.clear()
    other = {(c, e, Relation.CORROBORATES): 0.1 for c, e, _ in judged}
    assert build_incidents([first, second], knowledge, match, judged=other) == fresh
    assert calls == [["c", "c2"]]
