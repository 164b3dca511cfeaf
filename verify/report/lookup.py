"""What incident views read about a report, indexed once, and the small display-value views.

:class:`Lookup` holds a report's claims, documents and sides by key, and the filter option value
of every source and side; :func:`text_view` and :func:`value_view` make untrusted text and facet
values display-ready. Everything else in the template context is built from these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from verify.records import Claim, Document, Report
from verify.report import display
from verify.report.views import TextView, ValueView
from verify.text import Span


def text_view(text: str, lang_hint: str = "") -> TextView:
    """Untrusted text, cleaned, with the dir/lang its element needs."""
    cleaned = display.clean(text).strip()
    dir_, lang = display.direction(cleaned, lang_hint)
    return TextView(cleaned, dir_, lang)


def value_view(value: object, lang_hint: str = "") -> ValueView:
    """A facet value for display, its canonical name or date kept apart from the wording."""
    text, detail = display.facet_parts(value)
    return ValueView(text_view(text, lang_hint), detail)


@dataclass(frozen=True)
class Lookup:
    """What incident views read about the rest of a report, indexed once per report."""

    claims: Mapping[str, Claim]
    """Claims by id."""
    documents: Mapping[str, Document]
    """Documents by id."""
    sides: Mapping[str, str | None]
    """The registry's side of each source name."""
    source_tokens: Mapping[str, str]
    """Filter option value of each (cleaned) source name."""
    side_tokens: Mapping[str, str]
    """Filter option value of each side."""
    sentences: dict[str, list[Span]] = field(default_factory=dict)
    """Sentence spans of the documents quoted so far: split on first use, as only the incidents
    rendered need them."""

    def side_of(self, claim: Claim) -> str:
        """The claim's side, cleaned for display (``""`` when unknown)."""
        return _side(claim, self.documents, self.sides)

    def sentences_of(self, document: Document) -> list[Span]:
        """The document's sentence spans, split once."""
        spans = self.sentences.get(document.id)
        if spans is None:
            spans = self.sentences[document.id] = display.sentences_of(document.text)
        return spans


def lookup(report: Report, registry_sides: Mapping[str, str | None] | None = None) -> Lookup:
    """Index ``report`` for building incident views; ``registry_sides`` maps sources to sides."""
    documents = {d.id: d for d in report.documents}
    sides = registry_sides or {}
    names = [display.clean(c.source).strip() for c in report.claims]
    return Lookup(
        claims={c.id: c for c in report.claims},
        documents=documents,
        sides=sides,
        source_tokens=tokens(names, "s"),
        side_tokens=tokens([s for c in report.claims if (s := _side(c, documents, sides))], "d"),
    )


def _side(claim: Claim, documents: Mapping[str, Document], sides: Mapping[str, str | None]) -> str:
    """The claim's own side, else its source's in the registry, else its document's."""
    doc = documents.get(claim.document_id)
    return display.clean(claim.side or sides.get(claim.source) or (doc.side if doc else None) or "")


def label(value: str) -> str:
    """A machine value (``partly_true``) as a label (``Partly true``)."""
    return value.replace("_", " ").capitalize()


def tokens(values: Sequence[str], prefix: str) -> dict[str, str]:
    """Filter option values (``prefix`` + number) of ``values``, in case-blind order."""
    ordered = sorted(set(values), key=lambda v: (v.casefold(), v))
    return {value: f"{prefix}{n}" for n, value in enumerate(ordered)}
