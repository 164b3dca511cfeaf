"""Claim extraction: a document's attributed claims, with facets for the events among them.

Documents are typed first (:func:`type_documents`: the source type and side the registry gives
their outlet), then each is split into claims (:func:`extract_claims`): who says what
(:mod:`verify.claims.attribution`), the facets of an event (:mod:`verify.facets.extract`), its actor set right
where a party speaks of its own strike or of an interception, and the facets a sentence leaves
to its context filled in (:mod:`verify.claims.context`). A claim's id is a digest of its document and
offsets, so it is stable between runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from verify.claims.attribution import AttributedSpan, attribute, document_attribution
from verify.claims.context import fill_from_lead, resolve_in_document
from verify.facets import extract_facets
from verify.records import Claim, ClaimKind, Document, Entity, Facets, Outcome, SourceType
from verify.registry import Knowledge
from verify.text import Dateline, find_dateline, has_arabic


def stable_digest(*parts: object) -> str:
    """Twelve hex digits of sha256 over ``parts`` joined by '|': the ids of claims and incidents."""
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


def _shared_names_read(claims: list[Claim], text: str, knowledge: Knowledge) -> list[Claim]:
    """Bare names two sources share ('التحالف') read as the one whose side the document names.

    The document's sides are found once, and only when a claim's speaker or attacker is such a name.
    """
    registry = knowledge.registry

    def shared(name: str | None) -> bool:
        return bool(name and registry.shared_by(name))

    if not any(shared(c.speaker) or (c.facets.actor and shared(c.facets.actor.text)) for c in claims):
        return claims
    named = registry.sides_named(text)
    read = []
    for claim in claims:
        if claim.speaker and (source := registry.in_context(claim.speaker, named)) is not None:
            claim = replace(claim, source=source.name, side=source.side)
        actor = claim.facets.actor
        if actor is not None and (source := registry.in_context(actor.text, named)) is not None:
            claim = replace(claim, facets=replace(claim.facets, actor=Entity(actor.text, source.name)))
        read.append(claim)
    return read


def _without_dateline(span: AttributedSpan, line: Dateline | None) -> str:
    """The span's text with the report's dateline blanked (same length): a publication date is
    not the event's date, and its year is not a count."""
    if line is None or line.end <= span.start or line.start >= span.end:
        return span.text
    start, end = max(line.start, span.start) - span.start, min(line.end, span.end) - span.start
    return span.text[:start] + " " * (end - start) + span.text[end:]


def extract_claims(document: Document, knowledge: Knowledge) -> list[Claim]:
    """Attributed claims of one document, with facets for events."""
    claims = []
    own = document_attribution(document, knowledge.registry)
    # relative times ('on Saturday') are resolved against the publication date, else against the
    # date the report opens with, which is then the claims' ``published``; it is never their time
    line = find_dateline(document.text)
    reference = document.published or (line.date if line is not None else None)
    for span in attribute(document, knowledge.registry):
        lang = "ar" if has_arabic(span.text) else (document.lang if document.lang != "ar" else "en")
        facets = None
        if span.kind == ClaimKind.EVENT:
            facets = extract_facets(
                _without_dateline(span, line),
                lang=lang,
                published=reference,
                registry=knowledge.registry,
                places=knowledge.places,
            )
        who = span.attribution
        if facets is not None and _claims_own_attack(span, facets, knowledge):
            facets = replace(facets, actor=Entity(who.speaker or who.source, who.source))
        elif facets is not None and _defender_as_actor(span, facets, knowledge):
            facets = replace(facets, actor=None)
        claim = Claim(
            id="c-" + stable_digest(document.id, span.start, span.end),
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
            published=reference,
        )
        claims.append(replace(claim, facets=facets) if facets is not None else claim)
    outlet = own.source if own.source_type in (SourceType.MEDIA, SourceType.UNKNOWN) else None
    claims = _shared_names_read(claims, document.text, knowledge)
    return fill_from_lead(resolve_in_document(claims, outlet))
