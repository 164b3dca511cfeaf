"""The main files of a split report, assembled from per-incident pieces a rewrite can reuse.

``render_pages`` renders the main page's incident blocks and every incident's ClaimReview
items; here every incident's lines of report.csv and records of report.json are added, each
taken from the kept parts (``incidents/parts.json``) when its digest is there and made
otherwise. The assembled files are byte for byte what the plain exports write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from verify.records import Report
from verify.report.exports import csv_parts, join_jsonld, to_csv, to_jsonld
from verify.report.pages import Parts
from verify.report.render import Site
from verify.report.review import UnmatchedReview
from verify.report.serialize import claim_json, incident_json, report_json_chunks


@dataclass(frozen=True)
class Pieces:
    """Every incident's pieces of the main files, by incident (and claim) id."""

    csv: list[str]
    """Each incident's lines of report.csv, in report order."""
    incidents: dict[str, str]
    """Incident id -> its record in report.json."""
    claims: dict[str, str]
    """Claim id -> its record in report.json, for the claims of incidents."""
    parts: Parts
    """All of it by digest, with the site's blocks and ClaimReview items: what to keep."""


def pieces(report: Report, site: Site, kept: Parts | None) -> Pieces | None:
    """The pieces of a split site (kept ones reused where the fingerprint matches); else None."""
    if site.parts is None:
        return None
    digests = site.digests
    old = kept if kept is not None and kept.fingerprint == site.parts.fingerprint else Parts("")
    found = {i: text for i, d in digests.items() if (text := old.csv.get(d)) is not None}
    lines = csv_parts(report, found)
    claims = {c.id: c for c in report.claims}
    records: dict[str, str] = {}
    claim_records: dict[str, str] = {}
    by_digest: dict[str, str] = {}
    for incident in report.incidents:
        digest = digests[incident.id]
        records[incident.id] = old.json.get(digest) or incident_json(incident)
        for cid in incident.claim_ids:
            if cid in claims:
                key = f"{digest} {cid}"
                by_digest[key] = claim_records[cid] = old.claims.get(key) or claim_json(claims[cid])
    parts = replace(
        site.parts,
        csv={digests[i.id]: text for i, text in zip(report.incidents, lines, strict=True)},
        json={digests[i]: text for i, text in records.items()},
        claims=by_digest,
    )
    return Pieces(lines, records, claim_records, parts)


def json_chunks(report: Report, unmatched: Sequence[UnmatchedReview], made: Pieces | None) -> Iterator[bytes]:
    """report.json's bytes, record by record (a large report's file is never all in memory)."""
    given = {} if made is None else {"incidents": made.incidents, "claims": made.claims}
    for text in report_json_chunks(report, unmatched, **given):
        yield text.encode("utf-8")
    yield b"\n"


def csv_chunks(report: Report, made: Pieces | None) -> Iterator[bytes]:
    """report.csv's bytes, incident by incident where the pieces are there."""
    if made is None:
        yield to_csv(report)
        return
    yield to_csv(dataclasses.replace(report, incidents=()))  # the byte-order mark and header
    for lines in made.csv:
        yield lines.encode("utf-8")


def jsonld_text(report: Report, site: Site, review_author: str) -> str:
    """claimreview.jsonld, from the site's parts where it has them for every incident."""
    parts, digests = site.parts, site.digests
    if parts is not None and len(parts.jsonld) == len(report.incidents):
        return join_jsonld(parts.jsonld[digests[i.id]] for i in report.incidents)
    return to_jsonld(report, review_author=review_author)
