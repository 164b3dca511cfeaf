"""Issue 2 acceptance: documents to attributed, typed claims with facets (Arabic and English)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.claims import extract_claims, type_documents
from verify.read.ingest import load_documents
from verify.records import Claim, ClaimKind, Document, SourceType, Weapon
from verify.registry import Knowledge


def _read(paths: list[Path], knowledge: Knowledge) -> dict[str, tuple[Document, list[Claim]]]:
    docs = type_documents(load_documents(paths), knowledge)
    return {d.id: (d, extract_claims(d, knowledge)) for d in docs}


def _on_line(doc: Document, claims: list[Claim], line: int) -> list[Claim]:
    """Claims that start on the 1-based paragraph ``line`` of the document."""
    starts = [0]
    for i, ch in enumerate(doc.text):
        if ch == "\n":
            starts.append(i + 1)
    lo = starts[line - 1]
    hi = starts[line] if line < len(starts) else len(doc.text) + 1
    return [c for c in claims if lo <= c.start < hi]


def _one(doc: Document, claims: list[Claim], line: int, kind: ClaimKind = ClaimKind.EVENT) -> Claim:
    found = [c for c in _on_line(doc, claims, line) if c.kind == kind]
    assert found, f"no {kind} claim on line {line}: {[(c.kind, c.text[:40]) for c in claims]}"
    return found[0]


def _check_offsets(doc: Document, claims: list[Claim]) -> None:
    assert claims
    for claim in claims:
        assert doc.text[claim.start : claim.end] == claim.text


def _check_faction_claim(claim: Claim) -> None:
    assert claim.source == "Islamic Resistance in Iraq"
    assert claim.source_type == SourceType.PARTY
    assert claim.facets.weapon == Weapon.ROCKET
    assert claim.facets.count == "multiple"
    assert claim.facets.outcome is not None and claim.facets.outcome.value == "hit"


def _check_monitor_claim(claim: Claim) -> None:
    assert claim.source == "Syrian Observatory for Human Rights"
    assert claim.source_type == SourceType.INDEPENDENT
    assert claim.facets.weapon == Weapon.ROCKET
    assert claim.facets.count == 1
    assert claim.facets.casualties is not None and claim.facets.casualties.none_reported


def _check_drone_claim(claim: Claim) -> None:
    assert claim.source == "Kataib Hezbollah"
    assert claim.source_type == SourceType.PARTY
    assert claim.facets.weapon == Weapon.DRONE
    assert claim.facets.count == 2


def test_founding_article(seed_path: Path, knowledge: Knowledge) -> None:
    ((doc, claims),) = _read([seed_path], knowledge).values()
    _check_offsets(doc, claims)
    _check_faction_claim(_one(doc, claims, 2))
    _check_faction_claim(_one(doc, claims, 10))
    _check_monitor_claim(_one(doc, claims, 3))
    strikes = _one(doc, claims, 4)
    assert strikes.source == "Syrian Observatory for Human Rights"
    assert strikes.facets.weapon == Weapon.AIRSTRIKE
    _check_drone_claim(_one(doc, claims, 9))
    for line in (6, 8):
        pledge = _on_line(doc, claims, line)
        assert pledge and all(c.kind == ClaimKind.INTENT for c in pledge), line
        assert all(c.source == "Kataib Hezbollah" for c in pledge), line


def test_english_report_of_the_same_events(english_path: Path, knowledge: Knowledge) -> None:
    ((doc, claims),) = _read([english_path], knowledge).values()
    _check_offsets(doc, claims)
    _check_faction_claim(_one(doc, claims, 2))
    _check_monitor_claim(_one(doc, claims, 3))
    strikes = _one(doc, claims, 4)
    assert strikes.source == "Syrian Observatory for Human Rights"
    assert strikes.facets.weapon == Weapon.AIRSTRIKE
    for line in (5, 6):
        pledge = _on_line(doc, claims, line)
        assert pledge and all(c.kind == ClaimKind.INTENT for c in pledge), line
        assert all(c.source == "Kataib Hezbollah" for c in pledge), line
    _check_drone_claim(_one(doc, claims, 7))


def test_both_documents_in_one_jsonl(
    seed_path: Path, english_path: Path, knowledge: Knowledge, tmp_path: Path
) -> None:
    path = tmp_path / "both.jsonl"
    rows = [
        {"text": seed_path.read_text(encoding="utf-8"), "lang": "ar"},
        {
            "text": english_path.read_text(encoding="utf-8"),
            "source": "Example Wire",
            "published": "2023-11-23",
        },
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    read = _read([path], knowledge)
    assert len(read) == 2
    arabic, english = sorted(read.values(), key=lambda pair: pair[0].lang != "ar")
    _check_offsets(*arabic)
    _check_offsets(*english)
    _check_faction_claim(_one(*arabic, 2))
    _check_monitor_claim(_one(*arabic, 3))
    _check_drone_claim(_one(*arabic, 9))
    _check_faction_claim(_one(*english, 2))
    _check_monitor_claim(_one(*english, 3))
    _check_drone_claim(_one(*english, 7))
    # Text nobody is named as asserting belongs to the document's own source.
    headline = _on_line(*english, 1)
    assert headline and headline[0].source == "Example Wire"


@pytest.mark.parametrize(
    ("sentence", "source", "kind"),
    [
        ("CENTCOM said in a statement that one drone was shot down near Tower 22.", "CENTCOM", "event"),
        ("Two rockets struck the base, according to the Syrian Observatory.", "SOHR", "event"),
        ("وقال المرصد السوري إن طائرة مسيرة سقطت قرب القاعدة.", "SOHR", "event"),
        ("بحسب المرصد السوري لحقوق الإنسان، أصيب عنصران في القصف.", "SOHR", "event"),
        ("The Houthis threatened to strike more ships in the Red Sea.", "Houthis", "intent"),
        ("وتوعد الحوثيون باستهداف السفن الأميركية.", "Houthis", "intent"),
    ],
)
def test_reporting_patterns(sentence: str, source: str, kind: str, knowledge: Knowledge) -> None:
    doc = Document(id="d", text=sentence)
    (claim,) = extract_claims(doc, knowledge)
    expected = knowledge.registry.lookup(source)
    assert expected is not None
    assert claim.source == expected.name
    assert claim.kind.value == kind


def test_continuation_and_unregistered_speaker(knowledge: Knowledge) -> None:
    text = (
        "A local security source said three mortar rounds fell near the airport. "
        "He added that nobody was hurt. "
        "The Pentagon said a drone was intercepted over the base. "
        "It added that the base suffered no damage."
    )
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    sources = [c.source for c in claims]
    # not in the registry, but a security source is one of a party's
    assert sources[0] == "local security source" and claims[0].source_type == SourceType.PARTY
    assert sources[1] == sources[0]
    pentagon = knowledge.registry.lookup("Pentagon")
    assert pentagon is not None
    assert sources[2] == sources[3] == pentagon.name


def test_passive_reporting_verb_names_no_speaker(knowledge: Knowledge) -> None:
    text = "The Pentagon said two drones approached the base. Both were shot down and no damage was reported."
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    pentagon = knowledge.registry.lookup("Pentagon")
    assert pentagon is not None
    assert [c.source for c in claims] == [pentagon.name, "Example Wire"]


def test_apposition_does_not_steal_the_speaker(knowledge: Knowledge) -> None:
    text = "Kataib Hezbollah, one of several Iran-backed groups in Iraq, said it launched a drone."
    (claim,) = extract_claims(Document(id="d", text=text), knowledge)
    assert claim.source == "Kataib Hezbollah"


def test_unregistered_arabic_speaker_ends_at_a_prepositional_phrase(knowledge: Knowledge) -> None:
    text = "قالت مصادر أمنية بوقوع انفجار قرب القاعدة فجر اليوم."
    (claim,) = extract_claims(Document(id="d", text=text), knowledge)
    assert claim.source == "مصادر أمنية" and claim.source_type == SourceType.PARTY


def test_country_names_and_clock_times_are_not_cues_or_boundaries(knowledge: Knowledge) -> None:
    text = (
        "At 9 p.m. on Friday, bombers flown from the United States struck 30 targets in Syria. "
        "Iraq's government condemned the raids, saying civilians were among the dead."
    )
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    assert len(claims) == 2
    assert claims[0].source == "Example Wire"
    iraq = knowledge.registry.lookup("Iraqi government")
    assert iraq is not None and claims[1].source == iraq.name


@pytest.mark.parametrize(
    ("text", "speaker_type"),
    [
        ("A local monitoring group said shelling killed four people in the village.", SourceType.INDEPENDENT),
        ("Witnesses said an airstrike hit the market on Tuesday.", SourceType.INDEPENDENT),
        ("The health ministry said two people were killed in the strike.", SourceType.PARTY),
        ("Rebels said they shot down a helicopter over the valley.", SourceType.PARTY),
        ("وقال ناشطون إن القصف أصاب مدرسة في البلدة.", SourceType.INDEPENDENT),
        ("وقالت مصادر طبية إن خمسة أشخاص قتلوا في الغارة.", SourceType.INDEPENDENT),
        ("A correspondent said several shells landed near the bridge.", SourceType.MEDIA),
    ],
)
def test_unregistered_speaker_is_typed_by_what_the_text_says_it_is(
    knowledge: Knowledge, text: str, speaker_type: SourceType
) -> None:
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    assert claims[0].source != "Example Wire" and claims[0].source_type == speaker_type


def test_source_line_names_the_speaker_before_the_outlet_that_relayed_it(knowledge: Knowledge) -> None:
    text = "Two drones were shot down over the capital on Monday."
    line = "Saudi defence ministry spokesman (a colonel), via Reuters"
    (claim,) = extract_claims(Document(id="d", text=text, source=line), knowledge)
    saudi = knowledge.registry.lookup("Saudi defence ministry")
    assert saudi is not None and claim.source == saudi.name and claim.source_type == SourceType.PARTY
    (claim,) = extract_claims(Document(id="d", text=text, source="A senior official, to AFP"), knowledge)
    assert claim.source_type == SourceType.PARTY


def test_english_speaker_after_the_verb_only_in_an_inversion(knowledge: Knowledge) -> None:
    # After 'a port official said', the Houthis are what the official spoke about, not the speaker.
    text = "Showing reporters the quay, a port official said a Houthi missile struck a fuel tank."
    (claim,) = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    houthis = knowledge.registry.lookup("Houthis")
    assert houthis is not None and claim.source != houthis.name
    assert claim.source == "port official"
    # An inversion still names the speaker after the verb.
    text = '"Two drones were downed over the strait," said the Houthis.'
    (claim,) = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    assert claim.source == houthis.name


def test_english_speaker_keeps_its_prepositional_phrase(knowledge: Knowledge) -> None:
    text = "On Sunday, police in the northern province said a roadside bomb wounded two soldiers."
    (claim,) = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    assert claim.source == "police in the northern province"
    assert claim.source_type == SourceType.PARTY


def test_the_coalition_of_a_report_that_names_the_saudi_side(knowledge: Knowledge) -> None:
    text = (
        "Saudi state media carried the statement on Sunday. "
        "The coalition said its aircraft destroyed a drone launch site near the port."
    )
    claims = extract_claims(Document(id="d", text=text, source="Example Wire"), knowledge)
    saudi = knowledge.registry.lookup("Saudi-led coalition")
    assert saudi is not None
    assert any(c.source == saudi.name and c.side == saudi.side for c in claims)
