"""Facet extractors for what happened: weapon and count, outcome, and casualties.

Counts are read from the number written before a weapon or attack phrase, or from its grammatical
form (Arabic dual, singular, plural); casualty tolls from the number a killed/injured cue counts.
A negation before a cue flips a hit to a miss, or marks casualties as none reported.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from verify.facets.lexicon import CLAUSE_END, TermHit, find_terms, word_set, words_before
from verify.records import Casualties, Count, Outcome, Weapon
from verify.text import NumberMention, Occupied, clitic_stems, fold_key, has_arabic, load_lexicon, occupied_by

# -- weapon and count ---------------------------------------------------------------------------


def _ending_by(at: int, numbers: Sequence[NumberMention], below: int | None = None) -> int:
    """Index of the last of ``numbers`` (in text order, before index ``below``) ending by ``at``; -1.

    A binary search, not a scan: this is asked for every weapon and casualty cue of a claim.
    """
    hi = bisect.bisect_right(numbers, at, key=lambda m: m.start)
    for i in range(min(hi, len(numbers) if below is None else below) - 1, -1, -1):
        if numbers[i].end <= at:
            return i
    return -1


def _last_ending_by(at: int, numbers: Sequence[NumberMention]) -> NumberMention | None:
    """The last of ``numbers`` (in text order) that ends at or before ``at``."""
    i = _ending_by(at, numbers)
    return numbers[i] if i >= 0 else None


def _last_two_ending_by(at: int, numbers: Sequence[NumberMention]) -> list[NumberMention]:
    """The last two of ``numbers`` that end at or before ``at``, in text order."""
    last = _ending_by(at, numbers)
    if last < 0:
        return []
    second = _ending_by(at, numbers, below=last)
    return [numbers[second], numbers[last]] if second >= 0 else [numbers[last]]


def number_before(at: int, numbers: Sequence[NumberMention], text: str) -> NumberMention | None:
    """The number written just before ``at`` ('3 rockets', 'dozens of rockets', 'three armed drones')."""
    m = _last_ending_by(at, numbers)
    if m is None:
        return None
    gap = text[m.end : at]
    one_word = re.fullmatch(r"\s*[A-Za-z-]+\s*", gap) is not None and fold_key(gap) != "of the"
    return m if fold_key(gap) in ("", "of", "من") or one_word else None


def _names_an_attack(hit: TermHit, text: str) -> bool:
    """Whether an English munition stands before an attack noun ('a rocket attack': rounds untold)."""
    words = fold_key(text[hit.end : hit.end + 20]).split()[:1]
    return bool(words) and words[0] in word_set("attack_nouns")


def _count(hit: TermHit, numbers: Sequence[NumberMention], text: str) -> tuple[Count | None, bool]:
    """The count one weapon or attack phrase states, and whether it is explicit (number or dual)."""
    if hit.form == "dual":
        return 2, True
    number = number_before(hit.start, numbers, text) if hit.form != "mass" else None
    if number is not None:
        return (number.value, True) if number.value is not None else ("multiple", False)
    if hit.form == "plural":
        return "multiple", False
    if hit.form == "singular":
        arabic = has_arabic(text[hit.start : hit.end])
        if arabic and not hit.definite:
            return 1, False
        # 'a rocket attack': the article counts the attack, not the rockets
        article = words_before(text, hit.start, 1) in (["a"], ["an"])
        if not arabic and article and not _names_an_attack(hit, text):
            return 1, False
    return None, False


def find_weapon_and_count(
    arms: list[TermHit], numbers: Sequence[NumberMention], text: str
) -> tuple[Weapon | None, Count | None]:
    """The weapon tied to the counted attack, else the first named; the count that goes with it."""
    weapons = [h for h in arms if h.label != "attack"]
    attacks = [h for h in arms if h.label == "attack"]
    for attack in attacks:
        count, explicit = _count(attack, numbers, text)
        if explicit:  # 'شن هجومين بطائرات مسيرة': the attacks are counted, the weapon is beside them
            near = min(weapons, key=lambda w: abs(w.start - attack.end), default=None)
            return (Weapon(near.label) if near else None), count
    attack_count = next((c for c in (_count(a, numbers, text)[0] for a in attacks) if c is not None), None)
    if not weapons:
        return None, attack_count
    first = weapons[0]
    # 'shelled the base with three rockets': a bombardment word, then the munition it used
    named = [
        w
        for w in weapons[1:]
        if first.form == "mass" and w.form != "mass" and not CLAUSE_END.search(text[first.end : w.start])
    ]
    weapon = named[0].label if named else first.label
    counts = [_count(h, numbers, text) for h in weapons if h.label == weapon]
    stated = [c for c, is_explicit in counts if is_explicit]  # 'طائرات حربية ... غارتين': the dual counts
    implied = [c for c, _ in counts if c is not None]
    return Weapon(weapon), (stated or implied or [attack_count])[0]


# -- outcome and casualties ---------------------------------------------------------------------


def _negated(text: str, at: int, reach: int = 3) -> bool:
    """A negation among the ``reach`` words before ``at``, within the same clause.

    "دون معرفة حجم الأضرار" / "the damage was not immediately known" negate the knowing, not the
    damage: an uncertainty word between the negation and ``at`` cancels it.
    """
    before = re.split(r"[.,،;؛:]", text[max(0, at - 80) : at])[-1]
    words = fold_key(before).split()[-reach:]
    negations = [i for i, w in enumerate(words) if w in word_set("negations")]
    if not negations:
        return False
    return not any(w in word_set("uncertainty") for w in words[negations[-1] + 1 :])


def find_outcome(hits: list[TermHit], text: str) -> Outcome | None:
    flip = {"hit": "missed", "damage": "no_damage"}
    found = {flip[h.label] if h.label in flip and _negated(text, h.start) else h.label for h in hits}
    return next((Outcome(o) for o in load_lexicon()["outcomes"]["_order"] if o in found), None)


# English words a toll stands before, never after ('two dead, twenty injured')
_BEFORE_ONLY = frozenset({"dead", "wounded", "injured", "hurt"})
_TOLL_REACH = 15  # words between 'the death toll' and its number ('... from the blast reached 112')


def _head_count(before: Sequence[NumberMention], text: str, at: int) -> NumberMention | None:
    """The number a cue counts among those before it: '11 civilians including three children were
    killed' counts 11, not 3; an inclusion's words ('mostly women and children') are not a gap."""
    last = before[-1]
    gap = text[last.end : at]
    if len(before) > 1:
        head = before[-2]
        # the inclusion stands between the two numbers: '11 civilians including three children'
        between = find_terms(text[head.end : last.start], "inclusion")
        lead_in = text[head.end : head.end + between[0].start] if between else ""
        if between and len(lead_in.split()) <= 3 and not CLAUSE_END.search(text[head.end : at]):
            return head
    words = gap.split()
    cut = find_terms(gap, "inclusion")
    if cut:  # '73 civilians mostly women and children were killed'
        words = gap[: cut[0].start].split() + gap[cut[-1].end :].split()[-2:]
    if len(words) <= 5 and not CLAUSE_END.search(gap) and not re.search(r"\d", gap):
        return last
    return None


def _toll(
    cue: TermHit, numbers: Sequence[NumberMention], used: set[int], text: str, tolls: Occupied
) -> int | None:
    """The number a casualty cue counts: after it ('killed 3', 'مقتل 3'), else just before ('3 قتلى');
    after 'the death toll' (``tolls``) the first number of the clause ('the toll ... reached 112')."""
    # Binary searches, not list scans: a claim may have thousands of cues and numbers.
    first_after = bisect.bisect_left(numbers, cue.end, key=lambda m: m.start)
    after = [numbers[first_after]] if first_after < len(numbers) else []
    before = _last_two_ending_by(cue.start, numbers)  # the two nearest are all that is read
    # English puts the toll before the word: 'two dead, twenty injured', 'two people killed, 20 hurt'
    adjacent = (
        bool(before)
        and fold_key(text[cue.start : cue.end]) in _BEFORE_ONLY
        and before[-1].start not in used
        and before[-1].value is not None
        and len(text[before[-1].end : cue.start].split()) <= 2
        and not CLAUSE_END.search(text[before[-1].end : cue.start])
    )
    head = _head_count(before, text, cue.start) if adjacent else None
    if head is not None:
        used.add(head.start)
        return head.value
    if (
        after
        and after[0].start not in used
        and fold_key(text[cue.end : after[0].start]) in {"", *word_set("gap")}
        and not CLAUSE_END.search(text[cue.end : after[0].start])
    ):
        used.add(after[0].start)
        return after[0].value
    if after and after[0].start not in used and tolls.overlaps(cue.start, cue.end):
        gap = text[cue.end : after[0].start]
        if len(gap.split()) <= _TOLL_REACH and not CLAUSE_END.search(gap) and after[0].value is not None:
            used.add(after[0].start)
            return after[0].value
    head = _head_count(before, text, cue.start) if before and before[-1].start not in used else None
    if head is not None and head.start not in used:
        used.add(head.start)
        return head.value
    window = text[cue.end : cue.end + 40]
    victims = [v for v in find_terms(window, "victims") if fold_key(window[: v.start]) in ("", "a", "an")]
    if victims:
        return int(victims[0].label)
    # 'a Syrian resident was killed': one victim named before a passive cue
    lead = text[max(0, cue.start - 50) : cue.start]
    one = [v for v in find_terms(lead, "victims") if v.label == "1"]
    if (
        one
        and re.search(r"\b(?:was|has been|had been)\s*$", lead)
        and re.search(r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}$", lead[: one[-1].start], re.IGNORECASE)
    ):
        return 1
    return None


def find_casualties(
    text: str, numbers: Sequence[NumberMention], outcomes: list[TermHit], used: set[int]
) -> Casualties | None:
    """Killed and injured counts, or none reported; ``None`` when the text does not mention them.

    A war's cumulative toll ('more than 230,000 people have been killed since the conflict began')
    is not an incident's: such a sentence gives no casualties.
    """
    if find_terms(text, "cumulative"):
        return None
    nones = find_terms(text, "none")
    none_reported = bool(nones)
    counts: dict[str, int | None] = {"killed": None, "injured": None}
    mentioned = False
    taken = occupied_by([*nones, *outcomes])
    tolls = occupied_by(find_terms(text, "toll"))
    # '223 between killed and wounded' counts neither the killed nor the wounded
    combined = occupied_by(find_terms(text, "combined"))
    for cue in find_terms(text, "cues"):
        if taken.overlaps(cue.start, cue.end):
            continue
        if combined.overlaps(cue.start, cue.end):
            mentioned = True
            continue
        # "دون ورود معلومات عن سقوط قتلى": the negation may stand a few words before the cue.
        if _negated(text, cue.start, reach=6):
            none_reported = True
            continue
        value = _toll(cue, numbers, used, text, tolls)
        last = fold_key(text[cue.start : cue.end]).split()[-1]
        if value is None and clitic_stems(last) & word_set("ambiguous"):
            continue  # 'إصابة' alone may be a hit, not an injury
        mentioned = True
        if counts[cue.label] is None:
            counts[cue.label] = value
    if not (mentioned or none_reported):
        return None
    return Casualties(counts["killed"], counts["injured"], none_reported and not any(counts.values()))
