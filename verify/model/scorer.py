"""The shipped judge model as the scorer whose probabilities become the findings' confidences.

Judging (:mod:`verify.judge`) takes any :data:`~verify.judge.findings.PairScorer`; this module,
above both, makes one from the trained pair model (:class:`~verify.model.pairs.PairJudge`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from verify.embed import Embedder
from verify.errors import ModelError
from verify.judge import PairScorer
from verify.model.judgemodel import load_model
from verify.model.pairs import PairJudge
from verify.records import Claim, ClaimKind
from verify.registry import Knowledge


def judge_scorer(
    embedder: Embedder,
    knowledge: Knowledge,
    claims: Sequence[Claim] = (),
    vectors: np.ndarray | None = None,
) -> PairScorer | None:
    """The shipped judge model as a scorer, loaded once per run; None without one for ``embedder``.

    The model's interaction features come from one embedder's vectors, so a run with another
    model keeps the rules' heuristic confidences rather than feed it foreign vectors. The event
    claims' ``vectors`` (rows of ``claims``, as :func:`verify.engine.pipeline.embed_events` gives them)
    are reused.

    A model the user named (``knowledge.judge_model``, ``verify run --judge-model``) must load,
    fit the embedder and give relations (a model of the user's own labels needs its ``--map``):
    otherwise a ModelError, not a silent fallback to the rules.
    """
    if knowledge.judge_model is not None:
        model = load_model(knowledge.judge_model)
        if model.embedder != embedder.name:
            raise ModelError(
                f"{knowledge.judge_model}: the judge model was trained on {model.embedder} vectors, "
                f"not {embedder.name}"
            )
        model.relation_of()  # a ModelError for labels without relations
    else:
        try:
            model = load_model()
        except ModelError:
            return None
        if model.embedder != embedder.name:
            return None
    judge = PairJudge(embedder, knowledge.registry, knowledge.places, model)
    if vectors is not None:
        rows = [i for i, c in enumerate(claims) if c.kind == ClaimKind.EVENT]
        judge.remember([claims[i].text for i in rows], vectors[rows])
    return judge.probabilities
