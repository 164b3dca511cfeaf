"""Synthetic corpora for the benchmark: attacks on bases told by parties, monitors and wire copy.

Every incident (a base, a day, a weapon, an attacker) is reported by a handful of documents:
the attacking faction's statement (Arabic), the defending military's statement (English),
a monitor (Arabic or English), and wire copy that outlets re-run almost verbatim. Each
document id carries its incident (``b<incident>-<k>``), so grouping can be scored.

Places and sources come from the product's own registries (verify/data), so the corpus
exercises the same lookups real reports do. The sentences are written for this benchmark.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "verify" / "data"
START = dt.date(2023, 10, 17)
_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# weapon -> (English plural, English singular, Arabic plural, Arabic singular)
_WEAPONS = {
    "drone": ("one-way attack drones", "a one-way attack drone", "طائرات مسيرة", "طائرة مسيرة"),
    "rocket": ("rockets", "a rocket", "صواريخ", "صاروخ"),
    "missile": ("ballistic missiles", "a ballistic missile", "صواريخ باليستية", "صاروخ باليستي"),
}
_ATTACKERS = ("islamic_resistance_iraq", "kataib_hezbollah", "nujaba", "kataib_sayyid_al_shuhada")
_DEFENDERS = ("US Central Command", "Pentagon", "US military")
_MONITORS_AR = ("Syrian Observatory for Human Rights",)
_MONITORS_EN = ("Airwars", "ACLED", "UN Assistance Mission for Iraq")
_WIRE_EN = ("Reuters", "Associated Press", "Agence France-Presse", "Rudaw", "Kurdistan24")
_WIRE_AR = ("Al Arabiya", "Shafaq News", "Sky News Arabia", "Al Jazeera")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_AR = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")


@dataclass(frozen=True)
class Incident:
    """The ground truth one group of documents reports."""

    number: int
    date: dt.date
    base_en: str
    base_ar: str
    weapon: str
    count: int
    attacker_en: str
    attacker_ar: str


@dataclass(frozen=True)
class Corpus:
    """Documents (as JSONL-ready dicts) and the incident of each document id."""

    documents: list[dict[str, str]]
    incident_of: dict[str, int]

    def write(self, path: Path) -> Path:
        """Write the documents as one JSONL file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            for doc in self.documents:
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return path


def _places() -> list[tuple[str, str]]:
    places = json.loads((DATA / "places.json").read_text(encoding="utf-8"))["places"]
    return [(p["name"], p["name_ar"]) for p in places if p["kind"] in ("base", "field", "airport")]


def _attackers() -> list[tuple[str, str]]:
    sources = json.loads((DATA / "sources.json").read_text(encoding="utf-8"))["sources"]
    return [(s["name"], s["name_ar"]) for s in sources if s["id"] in _ATTACKERS]


def _incidents(n: int, rng: random.Random) -> Iterator[Incident]:
    places, attackers = _places(), _attackers()
    # About eight incidents a day across the region. A base is attacked at most every
    # third day: two attacks on one base a day apart are one incident to any matcher
    # (and to a reader), so they would only blur the score.
    days = max(7, -(-n * 3 // len(places)) + 3)
    free = [(day, p) for day in range(days) for p in range(len(places)) if (day + p) % 3 == 0]
    for number, (day, place) in enumerate(sorted(rng.sample(free, n))):
        attacker = rng.choice(attackers)
        yield Incident(
            number=number,
            date=START + dt.timedelta(days=day),
            base_en=places[place][0],
            base_ar=places[place][1],
            weapon=rng.choice(list(_WEAPONS)),
            count=rng.randint(1, 4),
            attacker_en=attacker[0],
            attacker_ar=attacker[1],
        )


def _weapon_en(inc: Incident) -> str:
    plural, single, _, _ = _WEAPONS[inc.weapon]
    return single if inc.count == 1 else f"{inc.count} {plural}"


def _weapon_ar(inc: Incident) -> str:
    _, _, plural, single = _WEAPONS[inc.weapon]
    return single if inc.count == 1 else f"{str(inc.count).translate(_AR_DIGITS)} {plural}"


def _party_ar(inc: Incident, rng: random.Random) -> str:
    day = _WEEKDAYS_AR[inc.date.weekday()]
    lead = rng.choice(("أعلنت", "قالت"))
    text = (
        f"{lead} {inc.attacker_ar} في بيان، فجر اليوم {day}، أنها قصفت {inc.base_ar} "
        f"بـ{_weapon_ar(inc)}، وأن الضربة أصابت أهدافها بدقة."
    )
    if rng.random() < 0.5:
        text += " وتعهدت بمواصلة عملياتها حتى خروج القوات الأجنبية من المنطقة."
    return text


def _party_en(inc: Incident, source: str, rng: random.Random) -> str:
    day = _WEEKDAYS_EN[inc.date.weekday()]
    outcome = rng.choice(("All were shot down and no damage was reported.", "No US personnel were injured."))
    return f"{inc.base_en} was targeted by {_weapon_en(inc)} on {day}, the {source} said. {outcome}"


def _monitor_ar(inc: Incident) -> str:
    return (
        f"أفاد المرصد السوري لحقوق الإنسان بأن {_weapon_ar(inc)} استهدفت {inc.base_ar} "
        f"صباح اليوم، ولم ترد أنباء عن وقوع ضحايا."
    )


def _monitor_en(inc: Incident, source: str) -> str:
    day = _WEEKDAYS_EN[inc.date.weekday()]
    return (
        f"{source} recorded an attack with {_weapon_en(inc)} on {inc.base_en} on {day}, with no casualties."
    )


def _wire_en(inc: Incident, rng: random.Random) -> str:
    day = _WEEKDAYS_EN[inc.date.weekday()]
    return (
        f"{inc.attacker_en} said it attacked {inc.base_en} with {_weapon_en(inc)} on {day}. "
        f"{rng.choice(('The claim could not be independently verified.', 'US officials did not comment.'))}"
    )


def _wire_ar(inc: Incident) -> str:
    return f"تبنت {inc.attacker_ar} هجوما بـ{_weapon_ar(inc)} على {inc.base_ar} اليوم."


def _documents(inc: Incident, rng: random.Random) -> Iterator[tuple[str, str, str, dt.date]]:
    """(source, lang, text, published) of each report of ``inc``."""
    yield inc.attacker_en, "ar", _party_ar(inc, rng), inc.date
    if rng.random() < 0.7:
        source = rng.choice(_DEFENDERS)
        yield source, "en", _party_en(inc, source, rng), inc.date + dt.timedelta(days=rng.randint(0, 1))
    if rng.random() < 0.5:
        yield _MONITORS_AR[0], "ar", _monitor_ar(inc), inc.date
    if rng.random() < 0.3:
        source = rng.choice(_MONITORS_EN)
        yield source, "en", _monitor_en(inc, source), inc.date + dt.timedelta(days=rng.randint(0, 1))
    # Wire copy: one story, re-run verbatim by several outlets (the near-duplicates).
    story = _wire_en(inc, rng)
    for outlet in rng.sample(_WIRE_EN, rng.randint(1, 3)):
        yield outlet, "en", story, inc.date
    if rng.random() < 0.5:
        story_ar = _wire_ar(inc)
        for outlet in rng.sample(_WIRE_AR, rng.randint(1, 2)):
            yield outlet, "ar", story_ar, inc.date


CLAIMS_PER_INCIDENT = 7.5
"""Roughly how many claims one incident's documents yield (measured on the 1k corpus)."""


def generate(claims: int, seed: int = 0) -> Corpus:
    """A corpus of about ``claims`` claims (the extractor decides the exact number)."""
    rng = random.Random(seed)
    documents: list[dict[str, str]] = []
    incident_of: dict[str, int] = {}
    for inc in _incidents(max(1, round(claims / CLAIMS_PER_INCIDENT)), rng):
        for k, (source, lang, text, published) in enumerate(_documents(inc, rng)):
            doc_id = f"b{inc.number:06d}-{k}"
            documents.append(
                {
                    "id": doc_id,
                    "source": source,
                    "lang": lang,
                    "published": published.isoformat(),
                    "text": text,
                }
            )
            incident_of[doc_id] = inc.number
    return Corpus(documents, incident_of)
