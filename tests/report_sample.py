"""A small Report built directly from records, shared by the report and browser tests.

Arabic and English claims, three incidents, every relation, reviews, and a document whose text,
title, source and URL carry HTML/script injection attempts and bidi override characters.
"""

from __future__ import annotations

import datetime as dt

from verify.records import (
    Casualties,
    Claim,
    ClaimKind,
    Document,
    Entity,
    FacetDiff,
    Facets,
    Finding,
    Grade,
    Incident,
    Outcome,
    Relation,
    Report,
    Review,
    SourceType,
    TimeRef,
    Weapon,
)

DAY = dt.date(2024, 3, 14)
RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"
EVIL = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(1)>"

AR_PARTY_DOC = (
    "نشرت قناة الراية خبرا عن التصعيد. "
    "وأعلنت كتائب الفجر في بيان اليوم الخميس أن مقاتليها "
    "قصفوا قاعدة الوادي الجوية بخمسة صواريخ وحققوا إصابات مباشرة. "
    "وقالت الكتائب إن الهجوم رد على الغارات الأخيرة."
)
AR_PARTY_CLAIM = "قصفوا قاعدة الوادي الجوية بخمسة صواريخ وحققوا إصابات مباشرة"
EN_MONITOR_DOC = (
    "Local monitors gave a different account on Thursday. The monitoring group said two rockets fell "
    "near Wadi air base and were shot down, with no casualties reported. It added that sirens sounded."
)
EN_MONITOR_CLAIM = "two rockets fell near Wadi air base and were shot down, with no casualties reported"
AR_MONITOR_DOC = "وذكرت شبكة الرصد المستقلة أن صاروخين سقطا قرب قاعدة الوادي دون أضرار تذكر."
AR_MONITOR_CLAIM = "صاروخين سقطا قرب قاعدة الوادي دون أضرار تذكر"
EN_ARMY_DOC = "The army said its aircraft struck a weapons depot in Tel Nour overnight, killing 12 fighters."
EN_ARMY_CLAIM = "its aircraft struck a weapons depot in Tel Nour overnight, killing 12 fighters"
EN_UN_DOC = "A UN statement said an airstrike hit a storage site in Tel Nour during the night."
EN_UN_CLAIM = "an airstrike hit a storage site in Tel Nour during the night"
EN_TALLY_DOC = (
    "According to the casualty tally, the strike on Tel Nour killed 20 people, among them civilians."
)
EN_TALLY_CLAIM = "the strike on Tel Nour killed 20 people, among them civilians"
EN_OTHER_DOC = "A separate report said a market in another town was shelled the same week."
EN_OTHER_CLAIM = "a market in another town was shelled the same week"
EVIL_CLAIM = f'=HYPERLINK("x") launched a drone at the {RLO}bridge{PDI} {EVIL_IMG} at dawn'
EVIL_DOC = f"{EVIL} Headline </script> {LRI}spoof{PDI}. The group said it {EVIL_CLAIM}. More {EVIL}"


def _claim(
    cid: str,
    doc: Document,
    text: str,
    source: str,
    stype: SourceType,
    lang: str,
    facets: Facets,
    **kw: object,
) -> Claim:
    start = doc.text.index(text)
    return Claim(
        id=cid,
        document_id=doc.id,
        text=text,
        start=start,
        end=start + len(text),
        source=source,
        source_type=stype,
        lang=lang,
        kind=ClaimKind.EVENT,
        facets=facets,
        **kw,  # type: ignore[arg-type]
    )


def sample_report() -> Report:
    """The shared test report."""
    party = SourceType.PARTY
    indep = SourceType.INDEPENDENT
    d1 = Document(
        "d1",
        AR_PARTY_DOC,
        "قناة الراية",
        SourceType.MEDIA,
        None,
        DAY,
        "ar",
        "https://example.org/a?x=1&y=2",
        "خبر التصعيد",
    )
    d2 = Document(
        "d2", EN_MONITOR_DOC, "Monitor Net", indep, None, DAY, "en", "http://example.net/m", "Monitors"
    )
    d3 = Document("d3", AR_MONITOR_DOC, "شبكة الرصد", indep, None, DAY, "ar")
    d4 = Document("d4", EN_ARMY_DOC, "Army", party, "state", DAY, "en", "ftp://example.com/x")
    d5 = Document("d5", EN_UN_DOC, "UN", indep, None, DAY, "en")
    d6 = Document("d6", EN_TALLY_DOC, "Tally", indep, None, None, "en")
    d7 = Document("d7", EN_OTHER_DOC, "Wire", SourceType.MEDIA, None, DAY, "en")
    d8 = Document(
        "d8", EVIL_DOC, f"Evil {EVIL}", SourceType.MEDIA, None, DAY, "en", "javascript:alert(1)", f"T {EVIL}"
    )
    base = Entity("قاعدة الوادي الجوية", "Wadi Air Base")
    c1 = _claim(
        "c1",
        d1,
        AR_PARTY_CLAIM,
        "كتائب الفجر",
        party,
        "ar",
        Facets(
            actor=Entity("كتائب الفجر", "Dawn Brigades"),
            weapon=Weapon.ROCKET,
            count=5,
            target=base,
            time=TimeRef("اليوم الخميس", DAY),
            outcome=Outcome.HIT,
        ),
        side="alliance",
    )
    c2 = _claim(
        "c2",
        d2,
        EN_MONITOR_CLAIM,
        "Monitor Net",
        indep,
        "en",
        Facets(
            weapon=Weapon.ROCKET,
            count=2,
            target=Entity("Wadi air base", "Wadi Air Base"),
            outcome=Outcome.INTERCEPTED,
            casualties=Casualties(none_reported=True),
        ),
    )
    c3 = _claim(
        "c3",
        d3,
        AR_MONITOR_CLAIM,
        "شبكة الرصد",
        indep,
        "ar",
        Facets(weapon=Weapon.MISSILE, count=2, outcome=Outcome.NO_DAMAGE),
    )
    c4 = _claim(
        "c4",
        d4,
        EN_ARMY_CLAIM,
        "Army",
        party,
        "en",
        Facets(weapon=Weapon.AIRSTRIKE, location=Entity("Tel Nour"), casualties=Casualties(killed=12)),
    )
    c5 = _claim(
        "c5", d5, EN_UN_CLAIM, "UN", indep, "en", Facets(weapon=Weapon.AIRSTRIKE, location=Entity("Tel Nour"))
    )
    c6 = _claim(
        "c6",
        d6,
        EN_TALLY_CLAIM,
        "Tally",
        indep,
        "en",
        Facets(location=Entity("Tel Nour"), casualties=Casualties(killed=20)),
    )
    c7 = _claim("c7", d7, EN_OTHER_CLAIM, "Wire", SourceType.MEDIA, "en", Facets(weapon=Weapon.ARTILLERY))
    c8 = _claim(
        "c8",
        d8,
        EVIL_CLAIM,
        f"Evil {EVIL}",
        party,
        "en",
        Facets(weapon=Weapon.DRONE, target=Entity(f"{RLO}bridge {EVIL_IMG}")),
        side=f"<b>{EVIL}</b>",
    )
    findings_a = (
        Finding(
            "f1",
            "c1",
            "c2",
            Relation.OVERSTATES,
            0.82,
            "The party claims five rockets; monitors saw two.",
            (FacetDiff("count", 5, 2),),
        ),
        Finding(
            "f2",
            "c1",
            "c3",
            Relation.CONTRADICTS,
            0.74,
            "Hit claimed; the monitor reports no damage.",
            (
                FacetDiff("outcome", Outcome.HIT, Outcome.NO_DAMAGE),
                FacetDiff("weapon", Weapon.ROCKET, Weapon.MISSILE),
            ),
        ),
    )
    findings_b = (
        Finding("f3", "c4", "c5", Relation.CORROBORATES, 0.9, "Same strike, same place."),
        Finding(
            "f4",
            "c4",
            "c6",
            Relation.UNDERSTATES,
            0.66,
            "The tally counts more dead.",
            (FacetDiff("casualties", Casualties(killed=12), Casualties(killed=20)),),
            review=Review("partial", "desk editor", "Tally includes later deaths."),
        ),
        Finding("f5", "c4", "c7", Relation.UNRELATED, 0.2, "Different place."),
        Finding("f6", "c4", "c5", Relation.PARTIAL, 0.5, "Target named differently."),
    )
    findings_c = (Finding("f7", "c8", None, Relation.UNVERIFIED, 0.0, f"Nothing found {EVIL}"),)
    incidents = (
        Incident(
            "i1",
            "هجوم صاروخي على قاعدة الوادي",
            ("c1", "c2", "c3"),
            Grade.CONTESTED,
            "an independent source contradicts the party claim",
            findings_a,
        ),
        Incident(
            "i2",
            "Airstrike on Tel Nour depot",
            ("c5", "c4", "c6", "c7"),
            Grade.FAIR,
            "one independent source corroborates",
            findings_b,
            review=Review("confirmed", "desk editor", "Checked imagery."),
        ),
        Incident("i3", f"Drone {EVIL}", ("c8",), Grade.WEAK, f"no independent source {EVIL_IMG}", findings_c),
    )
    return Report((d1, d2, d3, d4, d5, d6, d7, d8), (c1, c2, c3, c4, c5, c6, c7, c8), incidents)


_AR_PLACES = ("قاعدة الوادي", "مطار الشمال", "حقل النور", "جسر المدينة", "معبر التلال")
_EN_PLACES = ("Wadi base", "North airport", "Nour field", "City bridge", "Hills crossing")
_WEAPONS = (Weapon.ROCKET, Weapon.DRONE, Weapon.MISSILE, Weapon.ARTILLERY, Weapon.AIRSTRIKE)


def big_report(n: int = 500) -> Report:
    """``n`` incidents of three claims and two findings each, Arabic and English, many sources."""
    docs: list[Document] = []
    claims: list[Claim] = []
    incidents: list[Incident] = []
    relations = (Relation.CORROBORATES, Relation.CONTRADICTS, Relation.OVERSTATES, Relation.PARTIAL)
    for k in range(n):
        place, en_place, weapon = _AR_PLACES[k % 5], _EN_PLACES[k % 5], _WEAPONS[k % 5]
        count, killed = 2 + k % 7, (k % 11 if k % 3 == 0 else None)
        party = f"فصيل رقم {k % 12}"
        monitor = f"Monitor {k % 9}"
        ar_text = (
            f"وذكر بيان صادر عن {party} اليوم. وأعلن الفصيل أنه استهدف {place} بعدد {count} من الصواريخ "
            f"في العملية رقم {k} وحقق إصابات مباشرة. وقال إن الهجمات ستستمر."
        )
        en_text = (
            f"{monitor} said on Thursday that {count - 1} projectiles fell near {en_place} in incident {k}"
            + (f", killing {killed} people" if killed else ", with no casualties reported")
            + ". It gave no further detail."
        )
        ar2_text = f"وقالت شبكة الرصد {k % 4} إن مقذوفات سقطت قرب {place} دون أضرار في الحادثة {k}."
        d_ar = Document(f"d{k}a", ar_text, party, SourceType.PARTY, f"side {k % 3}", DAY, "ar")
        d_en = Document(
            f"d{k}e", en_text, monitor, SourceType.INDEPENDENT, None, DAY, "en", f"https://example.org/{k}"
        )
        d_ar2 = Document(f"d{k}r", ar2_text, f"شبكة الرصد {k % 4}", SourceType.INDEPENDENT, None, DAY, "ar")
        docs += [d_ar, d_en, d_ar2]
        c_party = _claim(
            f"c{k}a",
            d_ar,
            ar_text.split(". ")[1],
            party,
            SourceType.PARTY,
            "ar",
            Facets(weapon=weapon, count=count, target=Entity(place, en_place), outcome=Outcome.HIT),
            side=f"side {k % 3}",
        )
        c_en = _claim(
            f"c{k}e",
            d_en,
            en_text.split(". ")[0],
            monitor,
            SourceType.INDEPENDENT,
            "en",
            Facets(
                weapon=weapon,
                count=count - 1,
                target=Entity(en_place, en_place),
                casualties=Casualties(killed=killed) if killed else Casualties(none_reported=True),
            ),
        )
        c_ar2 = _claim(
            f"c{k}r",
            d_ar2,
            ar2_text[ar2_text.index("مقذوفات") :].rstrip("."),
            d_ar2.source or "",
            SourceType.INDEPENDENT,
            "ar",
            Facets(target=Entity(place, en_place), outcome=Outcome.NO_DAMAGE),
        )
        claims += [c_party, c_en, c_ar2]
        rel = relations[k % 4]
        findings = (
            Finding(
                f"f{k}a",
                c_party.id,
                c_en.id,
                rel,
                0.8,
                f"{monitor} counts {count - 1}.",
                (FacetDiff("count", count, count - 1),),
            ),
            Finding(
                f"f{k}b",
                c_party.id,
                c_ar2.id,
                Relation.CONTRADICTS,
                0.7,
                "No damage reported.",
                (FacetDiff("outcome", Outcome.HIT, Outcome.NO_DAMAGE),),
            ),
        )
        grade = (Grade.CONFIRMED, Grade.CONTESTED, Grade.FAIR, Grade.WEAK)[k % 4]
        incidents.append(
            Incident(
                f"i{k}", f"Attack {k} on {en_place}", (c_party.id, c_en.id, c_ar2.id), grade, "rule", findings
            )
        )
    return Report(tuple(docs), tuple(claims), tuple(incidents))
