"""Typed records that cross stage boundaries.

Data flows one way: ``Document -> Claim (+Source, +Facets) -> Incident -> Finding -> Report``.
Every record is a frozen dataclass so that a stage cannot mutate what an earlier stage produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

Progress = Callable[[str], None]
"""The callback a long step reports its progress to, one line at a time."""


class SourceType(StrEnum):
    """Who a source is with respect to the conflict."""

    PARTY = "party"
    INDEPENDENT = "independent"
    MEDIA = "media"
    UNKNOWN = "unknown"


class ClaimKind(StrEnum):
    """What a claim asserts: an event, an intent (pledge, threat) or anything else."""

    EVENT = "event"
    INTENT = "intent"
    OTHER = "other"


class Weapon(StrEnum):
    ROCKET = "rocket"
    MISSILE = "missile"
    DRONE = "drone"
    AIRSTRIKE = "airstrike"
    ARTILLERY = "artillery"
    MORTAR = "mortar"
    GUNFIRE = "gunfire"
    EXPLOSIVE = "explosive"
    CHEMICAL = "chemical"
    BARREL_BOMB = "barrel_bomb"
    CAR_BOMB = "car_bomb"
    SUICIDE_ATTACK = "suicide_attack"
    SNIPER = "sniper"
    OTHER = "other"


class Outcome(StrEnum):
    HIT = "hit"
    INTERCEPTED = "intercepted"
    MISSED = "missed"
    DAMAGE = "damage"
    NO_DAMAGE = "no_damage"


class Relation(StrEnum):
    """How evidence relates to a party claim."""

    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    OVERSTATES = "overstates"
    UNDERSTATES = "understates"
    PARTIAL = "partial"
    UNVERIFIED = "unverified"
    UNRELATED = "unrelated"


class Grade(StrEnum):
    """Incident grade, in the spirit of Airwars' public grading scale."""

    CONFIRMED = "confirmed"
    FAIR = "fair"
    WEAK = "weak"
    CONTESTED = "contested"
    DISCOUNTED = "discounted"


@dataclass(frozen=True)
class Document:
    """One input document, with its text sanitized but otherwise as published."""

    id: str
    text: str
    source: str | None = None
    source_type: SourceType = SourceType.UNKNOWN
    side: str | None = None
    published: dt.date | None = None
    lang: str = "und"
    url: str | None = None
    title: str | None = None
    origin: str = ""
    """Where the document came from (``path`` or ``path:line``), for error messages."""


@dataclass(frozen=True)
class Source:
    """An entry of the source registry."""

    id: str
    name: str
    source_type: SourceType
    side: str | None = None
    aliases: tuple[str, ...] = ()
    umbrella: bool = False
    """A description that covers several groups of one side ("Iran-backed groups"), so that a
    named group of that side is compatible with it rather than a different actor."""
    outlet: bool = False
    """A news outlet (a party's state media): it carries a side's statements and is typed as that
    party, but it is never the attacker ("in a statement carried by the state news agency")."""


@dataclass(frozen=True)
class Entity:
    """A named thing as written, with its canonical registry/gazetteer name when known."""

    text: str
    canonical: str | None = None


@dataclass(frozen=True)
class TimeRef:
    text: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    none_reported: bool = False


Count = int | str
"""An integer count, or ``"multiple"`` for a plural without a number."""


@dataclass(frozen=True)
class Facets:
    """What an event claim states; ``None`` means the text does not say."""

    actor: Entity | None = None
    weapon: Weapon | None = None
    count: Count | None = None
    target: Entity | None = None
    location: Entity | None = None
    time: TimeRef | None = None
    outcome: Outcome | None = None
    casualties: Casualties | None = None


@dataclass(frozen=True)
class Attribution:
    """Who asserts a span of text."""

    source: str
    """Canonical source name (registry name, or the name as written when unknown)."""
    source_type: SourceType
    side: str | None = None
    speaker: str | None = None
    """The speaker as written in the text (e.g. 'المتحدث باسمها محمد محيي'), when one is named."""


@dataclass(frozen=True)
class Claim:
    """A claim span inside a document, with who asserts it and what it states."""

    id: str
    document_id: str
    text: str
    start: int
    end: int
    source: str
    source_type: SourceType
    lang: str
    kind: ClaimKind
    facets: Facets = field(default_factory=Facets)
    side: str | None = None
    speaker: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True)
class FacetDiff:
    name: str
    claimed: object
    reported: object


@dataclass(frozen=True)
class Review:
    """A fact-checker's decision on a finding (relation) or an incident (grade)."""

    value: str
    reviewer: str = ""
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """A party claim judged against one evidence claim (or against nothing: unverified)."""

    id: str
    claim_id: str
    evidence_claim_id: str | None
    relation: Relation
    confidence: float
    explanation: str
    facets: tuple[FacetDiff, ...] = ()
    review: Review | None = None


@dataclass(frozen=True)
class PossibleLink:
    """Another incident that may report the same event, which the model would not merge on its own."""

    incident_id: str
    probability: float
    """The largest probability of one incident over the pairs of claims the two incidents hold."""
    reason: str


@dataclass(frozen=True)
class GroupingReview:
    """A reviewer's decision on what an incident holds: two incidents merged, or a claim moved out."""

    action: str
    """``merge`` or ``split``."""
    ids: tuple[str, ...]
    """The incidents merged, or the claim moved out."""
    reviewer: str = ""
    note: str = ""


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    claim_ids: tuple[str, ...]
    grade: Grade
    grade_rule: str
    findings: tuple[Finding, ...] = ()
    review: Review | None = None
    possible_links: tuple[PossibleLink, ...] = ()
    grouping_reviews: tuple[GroupingReview, ...] = ()
    """Reviewers' merges and splits that made this incident (applied after the machine's grouping)."""


@dataclass(frozen=True)
class Report:
    documents: tuple[Document, ...]
    claims: tuple[Claim, ...]
    incidents: tuple[Incident, ...]
    schema_version: int = 1
