"""Whole articles as evidence: relatedness first, then whether the article takes a side.

A claim judged against a whole article is judged against its rationale, the sentences that
speak to the claim (:mod:`verify.model.rationale`). The classifier was fitted on headline pairs,
where two texts sharing most of their words almost always agree or disagree; an article's best
sentences about the same topic share words with the claim without taking a side on it, and an
article about something else still shares some. So a claim against an article is decided as a
ladder on how closely its best sentence restates the claim (the rationale score: embedding
cosine plus word overlap plus shared names) before any agreement is read:

1. below ``related``: the article is about something else, ``unrelated``;
2. below ``takes_side``: it speaks to the claim's topic without restating it, ``partial``
   (reports, asks about or discusses the claim);
3. otherwise it restates the claim: ``contradicts`` when its rationale carries a denial cue
   (verify/data/cues.json), else ``corroborates``.

The two thresholds and the confidence of each step are in verify/data/judge.json
(``article``); ``python -m bench.articles`` chooses them by cross-validation on development
data (docs/eval.md). Pairs whose evidence has no more sentences than the rationale takes
(headlines, single sentences) are not articles: the classifier decides them as before. A model
trained on a user's own labels (``verify train FILE --label``) decides articles itself, having
been fitted on that user's kind of evidence. On an article the facet rules' count conflicts no
longer override the verdict: an article carries numbers about many events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from verify.judge.compare import judge_config
from verify.model.cues import count_cues, cue_set
from verify.records import Relation
from verify.text import normalize_key


@dataclass(frozen=True)
class ArticleGate:
    """The ladder's thresholds on the rationale score, and each verdict's confidence."""

    related: float
    """Below it the article is about something else."""
    takes_side: float
    """At or above it the article restates the claim (and so agrees or denies it)."""
    confidence: Mapping[str, float] = field(default_factory=dict)
    """Per relation, the share of such verdicts found right (out of fold, on development data)."""

    def __post_init__(self) -> None:
        if not self.related <= self.takes_side:
            raise ValueError(f"article gate: related {self.related} above takes_side {self.takes_side}")


@cache
def default_gate() -> ArticleGate:
    """The gate shipped in verify/data/judge.json (``article``)."""
    cfg = judge_config()["article"]
    return ArticleGate(
        float(cfg["related"]),
        float(cfg["takes_side"]),
        {str(k): float(v) for k, v in cfg["confidence"].items()},
    )


def denies(text: str) -> bool:
    """Whether ``text`` carries a denial cue (verify/data/cues.json, clitics allowed)."""
    key = normalize_key(text)
    return count_cues(key.split(), key, cue_set("denial")) > 0


def article_relation(score: float, rationale: str, gate: ArticleGate) -> tuple[Relation, float]:
    """The relation of a claim to an article from its rationale's score and text (module docs)."""
    if score < gate.related:
        relation = Relation.UNRELATED
    elif score < gate.takes_side:
        relation = Relation.PARTIAL
    elif denies(rationale):
        relation = Relation.CONTRADICTS
    else:
        relation = Relation.CORROBORATES
    return relation, gate.confidence.get(str(relation), 0.5)


__all__ = ["ArticleGate", "article_relation", "default_gate", "denies"]
