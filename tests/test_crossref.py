"""Issue 3 acceptance: incidents, findings and grades on the founding article, alone and in a crowd."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.embed import load_embedder
from verify.embed.base import Embedder
from verify.engine.pipeline import run
from verify.records import Claim, Incident, Relation, Report
from verify.registry import Knowledge

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "omar_field"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder(None)


def _line_of(report: Report, claim: Claim) -> int:
    doc = next(d for d in report.documents if d.id == claim.document_id)
    return doc.text[: claim.start].count("\n") + 1


def _seed_claims(report: Report, seed_doc_id: str, line: int) -> list[Claim]:
    return [
        c
        for c in report.claims
        if c.document_id == seed_doc_id and _line_of(report, c) == line and c.kind.value == "event"
    ]


def _incident_of(report: Report, claim: Claim) -> Incident:
    (incident,) = [i for i in report.incidents if claim.id in i.claim_ids]
    return incident


def _check_founding_findings(report: Report) -> None:
    seed_doc = next(d for d in report.documents if "كونيكو" in d.text)
    factions = _seed_claims(report, seed_doc.id, 2) + _seed_claims(report, seed_doc.id, 10)
    (monitor,) = _seed_claims(report, seed_doc.id, 3)
    (strikes,) = _seed_claims(report, seed_doc.id, 4)
    (drones,) = _seed_claims(report, seed_doc.id, 9)
    assert len(factions) == 2

    conoco = _incident_of(report, monitor)
    for claim in factions:
        assert claim.id in conoco.claim_ids
        judged = [f for f in conoco.findings if f.claim_id == claim.id and f.evidence_claim_id == monitor.id]
        assert judged, f"no finding of {claim.text[:40]} against the monitor"
        finding = judged[0]
        assert finding.relation in {Relation.OVERSTATES, Relation.CONTRADICTS, Relation.PARTIAL}
        names = {d.name for d in finding.facets}
        assert names & {"outcome", "casualties"}, names
        assert "count" in names, names
        # "Iran-backed groups" (the monitor) covers the faction that names itself: no actor dispute.
        assert "actor" not in names, names
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.explanation

    drone_incident = _incident_of(report, drones)
    assert drone_incident.id != conoco.id
    (unverified,) = [f for f in drone_incident.findings if f.claim_id == drones.id]
    assert unverified.relation == Relation.UNVERIFIED and unverified.evidence_claim_id is None

    strike_incident = _incident_of(report, strikes)
    assert strike_incident.id not in {conoco.id, drone_incident.id}
    assert not set(strike_incident.claim_ids) & {c.id for c in factions}


def test_founding_article_alone(seed_path: Path, knowledge: Knowledge, embedder: Embedder) -> None:
    report = run([seed_path], embedder, knowledge)
    _check_founding_findings(report)


def test_unrelated_documents_change_nothing(
    seed_path: Path, knowledge: Knowledge, embedder: Embedder, tmp_path: Path
) -> None:
    alone = run([seed_path], embedder, knowledge)
    crowd = run([seed_path, EXAMPLE], embedder, knowledge)
    _check_founding_findings(crowd)
    seed_doc = next(d for d in crowd.documents if "كونيكو" in d.text)
    seed_claims = {c.id for c in crowd.claims if c.document_id == seed_doc.id}
    for incident in alone.incidents:
        again = next(i for i in crowd.incidents if set(incident.claim_ids) <= set(i.claim_ids))
        # Nothing from the other documents joins an incident of the founding article.
        assert set(again.claim_ids) <= seed_claims, again.title


def test_ids_are_stable(seed_path: Path, knowledge: Knowledge, embedder: Embedder) -> None:
    first = run([seed_path, EXAMPLE], embedder, knowledge)
    second = run([seed_path, EXAMPLE], embedder, knowledge)
    assert [c.id for c in first.claims] == [c.id for c in second.claims]
    assert [i.id for i in first.incidents] == [i.id for i in second.incidents]
    assert [f.id for i in first.incidents for f in i.findings] == [
        f.id for i in second.incidents for f in i.findings
    ]


def test_arabic_and_english_reports_of_one_attack_join(
    seed_path: Path, english_path: Path, knowledge: Knowledge, embedder: Embedder
) -> None:
    report = run([seed_path, english_path], embedder, knowledge)
    english_doc = next(d for d in report.documents if "Conoco gas field" in d.text)
    arabic_doc = next(d for d in report.documents if "كونيكو" in d.text)
    (english_monitor,) = _seed_claims(report, english_doc.id, 3)
    (arabic_monitor,) = _seed_claims(report, arabic_doc.id, 3)
    assert _incident_of(report, english_monitor).id == _incident_of(report, arabic_monitor).id
    (english_drones,) = _seed_claims(report, english_doc.id, 7)
    (arabic_drones,) = _seed_claims(report, arabic_doc.id, 9)
    assert _incident_of(report, english_drones).id == _incident_of(report, arabic_drones).id
    assert _incident_of(report, english_drones).id != _incident_of(report, english_monitor).id
