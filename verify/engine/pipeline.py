"""The only module that knows the order of the stages.

``Document -> Claim (+Source, +Facets) -> Incident -> Finding -> Report``

:func:`run` reads the inputs, extracts and embeds the claims (each a map a
:class:`~verify.engine.partition.Mapper` runs: :func:`extract_batch`, :func:`embed_events`), then
groups, judges and grades them (:func:`cross_reference`); :func:`run_incremental` does the same
against the incremental store. The stages themselves live in their packages, imported through
their faces: the run's settings and knowledge (:mod:`verify.registry`), claim extraction
(:mod:`verify.claims`), grouping (:mod:`verify.match`), incident building (:mod:`verify.judge`),
the judge model as scorer (:mod:`verify.model`); what only a store run needs (its result, the
regrouping) is in :mod:`verify.engine.incremental`.

The functions here call the stages through this module's names, so that a name patched here
changes what they call: the tests patch ``extract_claims``, ``judge_scorer``, ``EXTRACT_BATCH``
and ``EMBED_CHUNK``, and ``bench/run.py`` times ``group_incidents``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from verify.claims import extract_claims, type_documents
from verify.embed import Embedder
from verify.engine.incremental import StoreRun, heap_frozen, regroup_store
from verify.engine.partition import EMBED_CHUNK, EXTRACT_BATCH, Mapper, chunked, local_map, read_inputs
from verify.judge import PairScorer, build_incidents, link_incidents, matchers
from verify.match import MatchConfig, grouping
from verify.model import judge_scorer
from verify.records import Claim, ClaimKind, Document, Incident, Progress, Report, SourceType
from verify.registry import Knowledge, Settings, entity_similarity
from verify.report import ReviewRow
from verify.store import Saved, Store, diff_runs, fingerprint, merge_reviews, plan_documents, text_hash


def extract_batch(knowledge: Knowledge, documents: Sequence[Document]) -> list[tuple[Document, list[Claim]]]:
    """One extraction partition: each document typed, with its claims."""
    return [(doc, extract_claims(doc, knowledge)) for doc in type_documents(documents, knowledge)]


def _encode(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    return embedder.encode(texts)


def embed_events(claims: Sequence[Claim], embedder: Embedder, mapper: Mapper = local_map) -> np.ndarray:
    """One row per claim; only event claims are compared, so only they are embedded (once per text).

    Rows of other claims are zero. Wire copy repeats the same sentence across outlets, so
    identical texts are embedded once, in fixed chunks of ``EMBED_CHUNK`` whatever the mapper.
    """
    texts = list(dict.fromkeys(c.text for c in claims if c.kind == ClaimKind.EVENT))
    parts = mapper(_encode, embedder, chunked(texts, EMBED_CHUNK))
    unique = np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.float32)
    row = {text: i for i, text in enumerate(texts)}
    vectors = np.zeros((len(claims), unique.shape[1]), dtype=np.float32)
    for i, claim in enumerate(claims):
        if claim.kind == ClaimKind.EVENT:
            vectors[i] = unique[row[claim.text]]
    return vectors


def cross_reference(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    knowledge: Knowledge,
    config: MatchConfig | None = None,
    scorer: PairScorer | None = None,
    progress: Progress | None = None,
) -> list[Incident]:
    """Group event claims into incidents, judge the party claims and grade each incident.

    With a ``scorer`` (see :func:`~verify.model.scorer.judge_scorer`) findings carry the classifier's
    confidences.
    """
    match = replace(matchers(knowledge), scorer=scorer)
    found = grouping(
        claims,
        vectors,
        similarity=entity_similarity,
        config=config or MatchConfig(),
        actor_side=match.actor_side,
        related_places=match.related_places,
        place_agreement=match.place_agreement,
    )
    if progress:
        progress(f"grouped event claims into {len(found.clusters)} incidents")
    groups = [[claims[i] for i in members] for members in found.clusters]
    return link_incidents(build_incidents(groups, knowledge, match, progress), found.links)


def run(
    inputs: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    knowledge: Knowledge,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
    mapper: Mapper = local_map,
) -> Report:
    """Ingest ``inputs`` and cross-reference every party claim in them.

    ``mapper`` runs ingestion, extraction and embedding (e.g. on Dask, see :mod:`verify.engine.cluster`);
    grouping and judging need every claim at once and run here.
    """
    say = progress or (lambda _message: None)
    documents = read_inputs(inputs, mapper, on_warning)
    say(f"read {len(documents)} documents")
    extracted = [
        pair
        for batch in mapper(extract_batch, knowledge, chunked(documents, EXTRACT_BATCH))
        for pair in batch
    ]
    documents = [doc for doc, _ in extracted]
    claims = [claim for _, doc_claims in extracted for claim in doc_claims]
    events = sum(c.kind == ClaimKind.EVENT for c in claims)
    party = sum(c.kind == ClaimKind.EVENT and c.source_type == SourceType.PARTY for c in claims)
    say(f"extracted {len(claims)} claims ({events} events, {party} by parties to the conflict)")
    vectors = embed_events(claims, embedder, mapper)
    say(f"embedded {events} event claims with {embedder.name}")
    scorer = judge_scorer(embedder, knowledge, claims, vectors)
    incidents = cross_reference(claims, vectors, knowledge, scorer=scorer, progress=say)
    say(f"judged and graded {len(incidents)} incidents")
    return Report(documents=tuple(documents), claims=tuple(claims), incidents=tuple(incidents))


def run_incremental(
    inputs: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    knowledge: Knowledge,
    store: Store,
    *,
    settings: Settings = Settings(),
    reviews: Sequence[ReviewRow] = (),
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> StoreRun:
    """:func:`run` against a store: the report covers every stored document and ``inputs``.

    Only documents the store lacks (or whose text changed) are extracted and embedded, and
    only the incidents their claims join are regrouped, judged and graded; the rest is read
    back. ``reviews`` are added to the stored ones. Everything is saved in one transaction.
    """
    say = progress or (lambda _message: None)
    before = store.load()
    with heap_frozen():
        stamp = fingerprint(embedder.name, (settings.registry, settings.places))
        rebuild = before.fingerprint != stamp
        loaded = type_documents(read_inputs(inputs, local_map, on_warning), knowledge)
        plan = plan_documents(before, loaded, rebuild)
        say(f"read {len(loaded)} documents: {len(plan.new)} new, {len(plan.changed)} changed")
        claims: list[Claim] = []
        fresh: list[int] = []
        for doc in plan.documents:
            if doc.id in plan.extract:
                found = extract_claims(doc, knowledge)
                fresh.extend(range(len(claims), len(claims) + len(found)))
            else:
                found = list(before.claims.get(doc.id, ()))
            claims.extend(found)
        say(f"extracted {len(fresh)} claims; {len(claims)} in the store")
        vectors = embed_events(claims, store.embedder(embedder))
        scorer = judge_scorer(embedder, knowledge, claims, vectors)
        incidents, components, built = regroup_store(
            claims, vectors, fresh, before, plan, knowledge, rebuild, scorer
        )
        say(f"grouped, judged and graded {len(built)} incidents; {len(incidents)} in the store")
        report = Report(documents=tuple(plan.documents), claims=tuple(claims), incidents=tuple(incidents))
        changes = diff_runs(before, plan, report, rebuild)
        merged = merge_reviews(before.reviews, reviews)
        touched = {*plan.new, *plan.changed}
        hashes = {doc.id: text_hash(doc) for doc in plan.documents if doc.id in touched}
        saved = Saved(
            stamp, plan.documents, hashes, plan, claims, components, incidents, built, merged, changes,
            [str(p) for p in inputs], rebuild,
        )  # fmt: skip
        changes["run"] = store.save(before, saved)
        return StoreRun(report, changes, merged)
