"""Reading quality on real reporting: FA-KES articles and the facts of ``incidents_dev``.

Run from the repository root::

    .venv/bin/python -m bench.reading [--data ../shared/eval] [--only fakes,incidents] [--errors N]

Each document goes through ``verify extract`` (the product, as a user runs it) and is scored on the
claims it gives.

- **FA-KES** (``fakes/dev.csv``): every row's article is one document, ``text`` = title + ". " +
  content, ``source`` = the outlet, *no* ``published`` (the dataset has none; its ``date`` is the
  annotated event date, the gold). Scored per row: an event claim exists; the toll (civilians +
  fighters) is some claim's ``casualties.killed`` exactly (and within 20%), or no claim gives
  ``killed > 0`` when the toll is 0; some claim's location is the governorate or inside it (through
  the gazetteer's containment); some claim's ``time.date`` is within a day of the annotated date;
  some claim's weapon fits the cause of death (execution and unknown are skipped).
- **incidents_dev** (``incidents_dev/incidents.json``): every document with ``published`` = its
  date (a publication date there) and its language; scored per document on the facets its
  ``facts_by_source`` gives (actor, place, weapon, count, casualties, date), and the share of its
  claims whose source type comes out ``unknown``. The actor is scored by registry side (the gold
  'Houthis (claimed)' is any Houthi name); where the gold names no attacker, no claim should.

Nothing of the data is kept: documents are written to a temporary folder and removed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.registry import Gazetteer, SourceRegistry, fold

ROOT = Path(__file__).resolve().parent.parent

# FA-KES's governorate labels (its README) and their usual spellings.
GOVERNORATES: dict[str, tuple[str, ...]] = {
    "aleppo": ("aleppo", "halab"),
    "damascus": ("damascus", "dimashq", "rif dimashq", "damascus countryside", "rural damascus"),
    "idlib": ("idlib", "idleb"),
    "deir ezzor": ("deir ez-zor", "deir ezzor", "deir ez zor", "dayr az zawr", "deir al-zor", "deir ezzor"),
    "raqqa": ("raqqa", "raqqah", "ar raqqah"),
    "homs": ("homs", "hims"),
    "hasakeh": ("hasakeh", "hasakah", "al-hasakah", "hasaka", "al hasakah"),
    "hama": ("hama", "hamah"),
    "daraa": ("daraa", "deraa", "dar'a", "daraa"),
    "lattakia": ("lattakia", "latakia", "al ladhiqiyah", "latakiya"),
    "quneitra": ("quneitra", "qunaitira", "al qunaytirah"),
    "tartous": ("tartous", "tartus", "tartous"),
}

# FA-KES cause of death -> the weapon values that fit it (None: not scored).
CAUSE_WEAPONS: dict[str, frozenset[str] | None] = {
    "shelling": frozenset(
        {"artillery", "airstrike", "rocket", "missile", "mortar", "drone", "shelling", "barrel_bomb"}
    ),
    "explosion": frozenset({"explosive", "car_bomb", "suicide_attack"}),
    "chemical and toxic gases": frozenset({"chemical"}),
    "shooting": frozenset({"gunfire", "sniper"}),
    "execution": None,
    "unknown": None,
}


def extract(documents: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Claims by document id, from ``verify extract`` run on the documents as one JSONL file."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "docs.jsonl", Path(tmp) / "claims.jsonl"
        inp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), "utf-8")
        cmd = [sys.executable, "-m", "verify", "extract", str(inp), "-o", str(out), "--quiet"]
        subprocess.run(cmd, check=True, cwd=ROOT)
        by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for line in out.read_text("utf-8").splitlines():
            claim = json.loads(line)
            by_doc[claim["document_id"]].append(claim)
    return by_doc


@dataclass
class Tally:
    """Hits over scored rows per measure, and the ids of the misses."""

    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, measure: str, ok: bool, row_id: str) -> None:
        self.rows[measure] += 1
        self.hits[measure] += int(ok)
        if not ok:
            self.misses[measure].append(row_id)

    def lines(self, errors: int) -> Iterable[str]:
        for measure in self.rows:
            n, hit = self.rows[measure], self.hits[measure]
            yield f"  {measure:<22} {hit / n:6.3f}  ({hit}/{n})"
            if errors and self.misses[measure]:
                yield "      misses: " + " ".join(self.misses[measure][:errors])


def _facets(claims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [c.get("facets") or {} for c in claims]


def _dates(facets: Sequence[Mapping[str, Any]]) -> list[dt.date]:
    return [dt.date.fromisoformat(f["time"]["date"]) for f in facets if (f.get("time") or {}).get("date")]


def _killed(facets: Sequence[Mapping[str, Any]]) -> list[int]:
    return [k for f in facets if (k := (f.get("casualties") or {}).get("killed")) is not None]


def _place_names(gazetteer: Gazetteer, location: Mapping[str, Any]) -> list[str]:
    """The folded names of a claim's location and of every place containing it."""
    names = [fold(v) for v in (location.get("canonical"), location.get("text")) if v]
    for value in (location.get("canonical"), location.get("text")):
        place = gazetteer.lookup(value) if value else None
        if place is not None:
            for pid in (place.id, *gazetteer.ancestors(place.id)):
                names.extend(fold(a) for a in gazetteer.get(pid).aliases)
            break
    return names


def _within(gold: dt.date, dates: Iterable[dt.date]) -> bool:
    return any(abs((d - gold).days) <= 1 for d in dates)


def score_fakes(path: Path, gazetteer: Gazetteer, errors: int) -> Tally:
    with path.open(encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f))
    docs, seen = [], set()
    for row in rows:
        if row["unit_id"] in seen:
            continue
        seen.add(row["unit_id"])
        text = f"{row['article_title'].strip()}. {row['article_content'].strip()}"
        docs.append({"id": row["unit_id"], "text": text, "source": row["source"], "lang": "en"})
    claims = extract(docs)
    tally = Tally()
    for row in rows:
        rid = row["unit_id"]
        facets = _facets(claims.get(rid, []))
        tally.add("coverage", any(c["kind"] == "event" for c in claims.get(rid, [])), rid)
        toll = int(float(row["nb_civilians"] or 0)) + int(float(row["nb_noncivilians"] or 0))
        killed = _killed(facets)
        if toll > 0:
            tally.add("killed exact", toll in killed, rid)
            tally.add("killed within 20%", any(abs(k - toll) <= 0.2 * toll for k in killed), rid)
        else:
            tally.add("killed none when 0", not any(k > 0 for k in killed), rid)
        spellings = {fold(s) for s in GOVERNORATES[row["location"].strip()]}
        names = [n for f in facets if f.get("location") for n in _place_names(gazetteer, f["location"])]
        tally.add("governorate", any(s in n for n in names for s in spellings), rid)
        month, day, year = (int(x) for x in row["date"].split("/"))
        gold = dt.date(2000 + year, month, day)
        tally.add("date within a day", _within(gold, _dates(facets)), rid)
        # the event's own date, else the date the report was published (its dateline)
        published = [dt.date.fromisoformat(c["published"]) for c in claims.get(rid, []) if c.get("published")]
        tally.add("date, else dateline", _within(gold, _dates(facets) or published), rid)
        fits = CAUSE_WEAPONS.get(row["cause_of_death"].strip())
        if fits is not None:
            tally.add("weapon compatible", any(f.get("weapon") in fits for f in facets), rid)
    return tally


def _same_place(gazetteer: Gazetteer, gold: str, location: Mapping[str, Any]) -> bool:
    """The claim's location is one of the gold places ('A; B, region (country)') or inside/around it.

    A parenthesis is context, not a place of the incident; a country matches only a country.
    """
    names = [n.strip() for n in re.split(r"[;,]", re.sub(r"\([^)]*\)", "", gold)) if n.strip()]
    return any(_same_one(gazetteer, name, location) for name in names)


def _same_one(gazetteer: Gazetteer, gold: str, location: Mapping[str, Any]) -> bool:
    want = gazetteer.lookup(gold)
    for value in (location.get("canonical"), location.get("text")):
        if not value:
            continue
        got = gazetteer.lookup(value)
        if got is not None and got.kind == "country" and (want is None or want.kind != "country"):
            continue
        if fold(gold) == fold(value):
            return True
        if want is not None and got is not None and gazetteer.related(want.id, got.id):
            return True
    return False


def _actor_sides(registry: SourceRegistry, names: Iterable[str]) -> set[str]:
    """The registry sides (else canonical names) of attacker names ('Houthis (claimed)')."""
    sides = set()
    for name in names:
        source = registry.lookup(re.sub(r"\(.*?\)", "", name).strip())
        if source is not None:
            sides.add(source.side or source.name)
    return sides


def _gold_actors(gold: str) -> list[str]:
    """The attackers a gold ``actor`` names ('IDF and Hezbollah (exchange of fire)'); none for a denial."""
    if gold.startswith("not ") or gold.startswith("Israeli interceptor"):
        return []
    return [p for p in re.split(r";| and ", re.sub(r"\(.*?\)", "", gold)) if p.strip()]


def score_incidents(path: Path, gazetteer: Gazetteer, errors: int) -> Tally:
    data = json.loads(path.read_text("utf-8"))
    facts: dict[str, Mapping[str, Any]] = {}
    for incident in data["incidents"]:
        facts.update(incident["facts_by_source"])
    docs = [
        {"id": d["id"], "text": d["text"], "source": d["source"], "published": d["date"], "lang": d["lang"]}
        for d in data["documents"]
    ]
    claims = extract(docs)
    registry = SourceRegistry.load()
    tally = Tally()
    for doc in data["documents"]:
        did = doc["id"]
        doc_claims = claims.get(did, [])
        for c in doc_claims:
            tally.add("source type known", c["source_type"] != "unknown", f"{did}")
        gold = facts.get(did)
        if gold is None:
            continue
        facets = _facets(doc_claims)
        named = [a.get("canonical") or a.get("text") for f in facets if (a := f.get("actor"))]
        if gold.get("actor") and (wanted := _actor_sides(registry, _gold_actors(gold["actor"]))):
            tally.add("actor", bool(wanted & _actor_sides(registry, named)), did)
        elif gold.get("actor") is None and "actor" in gold:
            tally.add("no actor when unstated", not _actor_sides(registry, named), did)
        if gold.get("place"):
            hit = any(
                _same_place(gazetteer, gold["place"], f["location"]) for f in facets if f.get("location")
            )
            tally.add("place", hit, did)
        if gold.get("weapon"):
            tally.add("weapon", any(f.get("weapon") in gold["weapon"] for f in facets), did)
        if gold.get("count") is not None:
            tally.add("count", any(f.get("count") == gold["count"] for f in facets), did)
        cas = gold.get("casualties") or {}
        got = [f.get("casualties") or {} for f in facets]
        if cas.get("killed") is not None:
            tally.add("killed", any(g.get("killed") == cas["killed"] for g in got), did)
        if cas.get("injured") is not None:
            tally.add("injured", any(g.get("injured") == cas["injured"] for g in got), did)
        if cas.get("none_reported"):
            tally.add("none reported", any(g.get("none_reported") for g in got), did)
        if gold.get("date"):
            tally.add("date within a day", _within(dt.date.fromisoformat(gold["date"]), _dates(facets)), did)
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--only", default="fakes,incidents")
    parser.add_argument("--errors", type=int, default=0, help="list up to N missed ids per measure")
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.load()
    only = set(args.only.split(","))
    if "fakes" in only:
        path = args.data / "fakes" / "dev.csv"
        print(f"FA-KES development half ({path}), no published date:")
        print("\n".join(score_fakes(path, gazetteer, args.errors).lines(args.errors)))
    if "incidents" in only:
        path = args.data / "incidents_dev" / "incidents.json"
        print(f"incidents_dev facts_by_source ({path}), published = the document's date:")
        print("\n".join(score_incidents(path, gazetteer, args.errors).lines(args.errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
