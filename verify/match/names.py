"""Rare names a text mentions, keyed across scripts, for telling one incident from another.

Two reports of one strike name the same town, camp, unit or official; two reports of strikes on
different towns the same night share everything else. The names are found without a gazetteer,
so that places no list knows still count: a word is name-like in proportion to how rare it is in
general usage of its language (``wordfreq``'s Zipf scale: 7 for "the", about 2-4 for a town), and
English words count only when capitalised. Each name is keyed by its cross-script consonant
skeleton, so that an Arabic and a Latin spelling of one town share a key.

A text's keys are a sparse row of weights (:class:`NameRows`, NumPy only); two texts' overlap
is the cosine of their rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

COMMON_ZIPF = 5.0
"""Words at or above this Zipf frequency are common words, never names (weight 0)."""
WORDLIST = "small"
"""wordfreq's list of the words used at least once per million or so: loading it costs a run 0.14 s
where the large list costs 0.9 s, and a word it does not hold is rare enough to be a name."""
MIN_KEY = 2
"""Skeletons shorter than this (one consonant) match too much to tell anything."""

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Proclitics an Arabic word may carry before a name ("وبصنعاء", "والحديدة"), longest first.
_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
_ARABIC = re.compile("[\u0600-\u06ff]")


@functools.lru_cache(maxsize=1 << 18)
def name_keys(word: str) -> tuple[tuple[str, float], ...]:
    """The cross-script keys of a name-like ``word`` with their weight; none for a common word.

    An Arabic word may carry a proclitic ("بمنبج" is "ب" + "منبج"): the reading general usage
    knows best is taken, and where it knows none (a rare name) both the word as written and
    without its proclitics are keys, so that either spelling elsewhere meets one of them.
    """
    from wordfreq import zipf_frequency

    from verify.registry.namekeys import skeleton

    if _ARABIC.search(word):
        # Frequencies are looked up as written: folding (ة to ه, أ to ا) would make common words rare.
        forms = [word] + [word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) > len(p) + 2]
        known = [(zipf_frequency(form, "ar", wordlist=WORDLIST), -k, form) for k, form in enumerate(forms)]
        zipf, _, best = max(known)
        bases = [best] if zipf > 0 else list(dict.fromkeys((forms[0], forms[-1])))
    else:
        # "al-Asad", "Sa'ada": a part is capitalised; the skeleton reads the parts without marks.
        parts = word.replace("’", "'").split("-")
        if not any(part[:1].isupper() for part in parts):
            return ()
        bases = [" ".join(part.replace("'", "") for part in parts)]
        zipf = zipf_frequency(bases[0].casefold(), "en", wordlist=WORDLIST)
    weight = COMMON_ZIPF - zipf
    if weight <= 0:
        return ()
    keys = dict.fromkeys(skeleton(base) for base in bases)
    return tuple((key, round(weight, 3)) for key in keys if len(key) >= MIN_KEY)


_NUMBER = re.compile(r"\d+")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
NUMBER_WEIGHT = 1.0
"""Weight of a number of two digits or more, not a year: reports of one incident repeat its tolls."""


def name_weights(text: str) -> dict[str, float]:
    """Each name key of ``text`` with its largest weight."""
    out: dict[str, float] = {}
    for number in _NUMBER.findall(text.translate(_DIGITS)):
        digits = number.lstrip("0")
        if len(digits) >= 2 and not (len(digits) == 4 and digits[:2] in ("19", "20")):
            out["#" + digits] = NUMBER_WEIGHT
    for match in _WORD.finditer(text):
        for key, weight in name_keys(match.group()):
            out[key] = max(out.get(key, 0.0), weight)
    return out


@dataclass(frozen=True)
class NameRows:
    """Unit rows of name weights in compressed sparse row form (keys sorted within a row)."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    data: npt.NDArray[np.float64]
    width: int
    """The vocabulary size."""


def name_rows(texts: Iterable[dict[str, float]]) -> NameRows:
    """Unit rows (one per text) over a shared key vocabulary, for cosine overlaps."""
    vocabulary: dict[str, int] = {}
    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[float] = []
    for weights in texts:
        norm = float(np.sqrt(sum(w * w for w in weights.values()))) or 1.0
        row = sorted((vocabulary.setdefault(key, len(vocabulary)), w / norm) for key, w in weights.items())
        indices.extend(k for k, _ in row)
        data.extend(w for _, w in row)
        indptr.append(len(indices))
    return NameRows(
        np.asarray(indptr, dtype=np.int64),
        np.asarray(indices, dtype=np.int64),
        np.asarray(data, dtype=np.float64),
        max(1, len(vocabulary)),
    )


def _entries(
    rows: NameRows, which: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For the rows ``which[k]``: the pair number ``k`` and the position in ``indices`` of each entry."""
    lengths = rows.indptr[which + 1] - rows.indptr[which]
    owner = np.repeat(np.arange(len(which), dtype=np.int64), lengths)
    starts = np.repeat(rows.indptr[which] - np.cumsum(lengths) + lengths, lengths)
    return owner, starts + np.arange(len(owner), dtype=np.int64)


def row_overlaps(
    rows: NameRows, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], chunk: int = 65536
) -> npt.NDArray[np.float64]:
    """The cosine of rows ``a[k]`` and ``b[k]`` for every k, at array speed.

    Each pair's entries are keyed ``pair * width + key``; the keys both rows hold are the
    intersection of the two sides' keys, and a pair's cosine the sum of their products.
    """
    out = np.zeros(len(a), dtype=np.float64)
    for start in range(0, len(a), chunk):
        part = slice(start, start + chunk)
        owner_a, at_a = _entries(rows, a[part])
        owner_b, at_b = _entries(rows, b[part])
        keys_a = owner_a * rows.width + rows.indices[at_a]
        keys_b = owner_b * rows.width + rows.indices[at_b]
        _, x, y = np.intersect1d(keys_a, keys_b, assume_unique=True, return_indices=True)
        products = rows.data[at_a[x]] * rows.data[at_b[y]]
        out[part] = np.bincount(owner_a[x], weights=products, minlength=len(a[part]))
    return out


def keys_of(texts: Sequence[str]) -> list[dict[str, float]]:
    """:func:`name_weights` of each text."""
    return [name_weights(t) for t in texts]
