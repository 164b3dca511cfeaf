"""The naive grouping the benchmark compares against: every event claim scored against every other.

This is what ``verify.match.groups.group_incidents`` does, without candidate search: the same
same-incident model on all ``n (n - 1) / 2`` pairs, then the same clustering. Kept here only as
the yardstick (and the oracle the indexed search is tested against).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from verify.match import MatchConfig
from verify.match.groups import PlaceAgreement, _featurizer, _model_distances, _prepare, cluster_scored
from verify.match.incident_model import load_incident_model
from verify.match.pairarrays import view_columns
from verify.records import Claim, ClaimKind, Entity
from verify.registry import Similarity


def group_all_pairs(
    claims: Sequence[Claim],
    vectors: npt.NDArray[Any],
    *,
    similarity: Similarity,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen, as in verify.match.groups
    actor_side: Callable[[Entity], str | None] | None = None,
    related_places: Callable[[str, str], bool] | None = None,
    place_agreement: PlaceAgreement | None = None,
) -> list[list[int]]:
    """Same contract as :func:`verify.match.groups.group_incidents`, quadratic in the event claims."""
    events = [i for i, claim in enumerate(claims) if claim.kind == ClaimKind.EVENT]
    if len(events) < 2:
        return [[i] for i in events]
    model = load_incident_model()
    matrix, pairs, views, sides = _prepare(
        claims, vectors, events, similarity, config, actor_side, related_places
    )
    columns = view_columns(views, sides)
    distances = _model_distances(
        model, _featurizer(claims, events, matrix, pairs, columns, config, place_agreement), columns
    )
    first, second = (x.astype(np.int64) for x in np.triu_indices(len(events), k=1))
    return cluster_scored(
        events, [(first, second, distances(first, second))], model.threshold, model.possible
    ).clusters
