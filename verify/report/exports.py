"""Report -> the spreadsheet (CSV) and schema.org ClaimReview (JSON-LD) exports, as strings.

Pure functions: the writer adds the files. The CSV opens cleanly in Excel and LibreOffice: UTF-8
with a byte-order mark (so Arabic is not mojibake), and every cell that a spreadsheet would run as
a formula is neutralised with a leading apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from verify.files import neutralise
from verify.records import Claim, Document, Finding, Incident, Relation, Report
from verify.report import display
from verify.report.jsontext import dumps_indented, join_items
from verify.report.ranking import effective_relation

CSV_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "grade",
    "finding_id",
    "relation",
    "confidence",
    "claim_source",
    "claim_text",
    "evidence_source",
    "evidence_text",
    "differing_facets",
    "explanation",
    "review_relation",
    "reviewer",
    "review_note",
    "possibly_same_as",
)
# Outside strings, JSON never holds these; inside a <script> block they could end it or reorder text.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _diffs(finding: Finding) -> str:
    return "; ".join(
        f"{d.name}: claimed {display.facet_text(d.claimed)}, reported {display.facet_text(d.reported)}"
        for d in finding.facets
    )


def _finding_row(incident: Incident, f: Finding, claims: Mapping[str, Claim]) -> list[str]:
    claim = claims.get(f.claim_id)
    evidence = claims.get(f.evidence_claim_id) if f.evidence_claim_id else None
    review = f.review
    row = [
        incident.id,
        incident.grade.value,
        f.id,
        f.relation.value,
        f"{float(f.confidence):.2f}",
        claim.source if claim else "",
        claim.text if claim else "",
        evidence.source if evidence else "",
        evidence.text if evidence else "",
        _diffs(f),
        f.explanation,
        review.value if review else "",
        review.reviewer if review else "",
        review.note if review else "",
        # Incidents that may be this one: "id (probability)", most probable first.
        "; ".join(f"{k.incident_id} ({k.probability:.2f})" for k in incident.possible_links),
    ]
    return [neutralise(display.clean(cell).strip()) for cell in row]


def csv_rows(report: Report) -> list[list[str]]:
    """One row per finding (header first), every cell display-clean and formula-safe."""
    claims = {c.id: c for c in report.claims}
    rows = [list(CSV_COLUMNS)]
    rows += [_finding_row(incident, f, claims) for incident in report.incidents for f in incident.findings]
    return rows


def _lines(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def incident_csv(incident: Incident, claims: Mapping[str, Claim]) -> str:
    """The incident's lines of report.csv (one per finding, CRLF-terminated)."""
    return _lines([_finding_row(incident, f, claims) for f in incident.findings])


def csv_parts(report: Report, kept: Mapping[str, str] | None = None) -> list[str]:
    """Each incident's lines of report.csv, in report order; ``kept`` gives some by incident id."""
    claims = {c.id: c for c in report.claims}
    given = kept or {}
    return [
        found if (found := given.get(incident.id)) is not None else incident_csv(incident, claims)
        for incident in report.incidents
    ]


def to_csv(report: Report, parts: Sequence[str] | None = None) -> bytes:
    """The CSV file's bytes: UTF-8 with BOM, CRLF line ends; ``parts`` as :func:`csv_parts` gives."""
    body = csv_parts(report) if parts is None else parts
    return (_lines([CSV_COLUMNS]) + "".join(body)).encode("utf-8-sig")


def _verdict(findings: list[Finding]) -> Finding:
    # Evidence that speaks to the claim outweighs "nothing found"; then the most confident wins.
    silent = {Relation.UNVERIFIED, Relation.UNRELATED}
    return max(findings, key=lambda f: (effective_relation(f) not in silent, float(f.confidence)))


def _explanation(chosen: Finding, findings: list[Finding], claims: Mapping[str, Claim]) -> str:
    def summary(f: Finding) -> str:
        evidence = claims.get(f.evidence_claim_id) if f.evidence_claim_id else None
        who = evidence.source if evidence else "No other source"
        return f"{who}: {effective_relation(f).value} ({display.percent(f.confidence)})."

    parts = [summary(chosen), chosen.explanation.strip()]
    if chosen.review is not None:
        who = f" by {chosen.review.reviewer}" if chosen.review.reviewer else ""
        parts.append(f"Reviewed{who}: {chosen.review.value}. {chosen.review.note}".strip())
    parts += [summary(f) for f in findings if f is not chosen]
    return " ".join(p for p in parts if p)


def _claim_review(
    claim: Claim, findings: list[Finding], claims: Mapping[str, Claim], doc: Document | None, author: str
) -> dict[str, Any]:
    published = claim.published or (doc.published if doc else None)
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": claim.source},
        "datePublished": published.isoformat() if published else None,
    }
    if claim.lang and claim.lang != "und":
        item["inLanguage"] = claim.lang
    url = display.safe_url(doc.url if doc else None)
    if url:
        item["appearance"] = [{"@type": "CreativeWork", "url": url}]
    chosen = _verdict(findings)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim.id,
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": author},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": effective_relation(chosen).value,
            "ratingExplanation": _explanation(chosen, findings, claims),
        },
    }


def _reviews(
    incidents: Iterable[Incident], claims: Mapping[str, Claim], documents: Mapping[str, Document], author: str
) -> list[dict[str, Any]]:
    by_claim: dict[str, list[Finding]] = {}
    for incident in incidents:
        for finding in incident.findings:
            by_claim.setdefault(finding.claim_id, []).append(finding)
    return [
        _claim_review(claim, findings, claims, documents.get(claim.document_id), author)
        for claim_id, findings in by_claim.items()
        if (claim := claims.get(claim_id)) is not None
    ]


def claim_reviews(report: Report, *, review_author: str = "verify") -> list[dict[str, Any]]:
    """One schema.org ClaimReview per judged party claim, in report order."""
    documents = {d.id: d for d in report.documents}
    return _reviews(report.incidents, {c.id: c for c in report.claims}, documents, review_author)


def to_jsonld(report: Report, *, review_author: str = "verify") -> str:
    """The ClaimReview list as a JSON-LD document (a top-level array of ClaimReview nodes)."""
    return dumps_indented(claim_reviews(report, review_author=review_author)) + "\n"


def jsonld_parts(
    report: Report, *, review_author: str = "verify", kept: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """Incident id -> its ClaimReview items as :func:`to_jsonld` writes them (joined by
    :func:`join_jsonld`); ``kept`` gives some by incident id. None when one claim has findings
    in several incidents (its review then draws on both, so there are no parts)."""
    owners = Counter(cid for i in report.incidents for cid in {f.claim_id for f in i.findings})
    if any(n > 1 for n in owners.values()):
        return None
    claims = {c.id: c for c in report.claims}
    documents = {d.id: d for d in report.documents}
    given = kept or {}
    parts = {}
    for incident in report.incidents:
        found = given.get(incident.id)
        if found is None:
            items = _reviews([incident], claims, documents, review_author)
            found = ",\n  ".join(dumps_indented(item, 1) for item in items)
        parts[incident.id] = found
    return parts


def join_jsonld(parts: Iterable[str]) -> str:
    """The JSON-LD document of the incidents whose :func:`jsonld_parts` are given, in order."""
    return join_items([p for p in parts if p]) + "\n"


def script_safe_json(text: str) -> str:
    """JSON text that can sit inside an HTML ``<script>`` element: ``<``, ``>``, ``&``, line and
    bidi control characters become ``\\uXXXX`` escapes, so ``</script>`` in data cannot end it."""
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
