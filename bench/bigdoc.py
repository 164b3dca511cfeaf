"""Big documents: is claim extraction linear in a document's length?

``python bench/bigdoc.py [--sizes 0.5 1 2 5] [--langs en ar] [--shape runon sentences]``

For each language and shape it writes one ``.txt`` document per size (megabytes of UTF-8) and
times reading it and extracting its claims (the stages that see the whole text: sentence
splitting, attribution, facets), each size in a fresh process so that caches and memory start
empty. ``runon`` repeats weapon, attack and casualty words with no sentence end, the case that
used to be quadratic (one sentence with thousands of lexicon hits); ``sentences`` is the same
words as ordinary short sentences. The exponent is the slope of log(time) against log(size)
(1 is linear, 2 quadratic); the ratio compares the largest size with the smallest. CPU time is
printed beside wall time, which a shared machine inflates.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Our own sentences, with the lexicon words that used to make extraction quadratic when repeated.
_UNITS = {
    "en": "the army said a drone and three rockets struck the base while a missile hit the port "
    "and the militia fired artillery shells killing two guards ",
    "ar": "وقال الجيش إن طائرة مسيرة وثلاثة صواريخ استهدفت القاعدة بينما أصاب صاروخ الميناء "
    "وأطلقت الميليشيا قذائف مدفعية ما أدى إلى مقتل حارسين ",
}


def document(lang: str, shape: str, megabytes: float) -> str:
    """About ``megabytes`` MB (UTF-8) of text in ``lang``, one run-on sentence or many short ones."""
    unit = _UNITS[lang]
    if shape == "sentences":
        unit = unit.strip() + ". "
    size = int(megabytes * 1_000_000)
    return unit * (size // len(unit.encode("utf-8")) + 1)


def _time_one(path: str) -> dict[str, float]:
    """Seconds to read and extract one document (run in a fresh process)."""
    from verify.claims import extract_claims, type_documents
    from verify.read import load_documents
    from verify.registry import Knowledge, Settings

    knowledge = Knowledge.load(Settings())
    # Warm the lexicons and the registry on a small text first: only the big document is timed.
    warm = Path(path).with_name("warm.txt")
    warm.write_text(_UNITS["en"] + ". " + _UNITS["ar"] + ".", encoding="utf-8")
    for doc in type_documents(load_documents([warm]), knowledge):
        extract_claims(doc, knowledge)
    start, cpu = time.perf_counter(), time.process_time()
    docs = type_documents(load_documents([path]), knowledge)
    claims = [claim for doc in docs for claim in extract_claims(doc, knowledge)]
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "claims": len(claims),
    }


def exponent(sizes: list[float], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1, 2, 5], help="megabytes")
    parser.add_argument("--langs", nargs="+", default=["en", "ar"], choices=sorted(_UNITS))
    parser.add_argument("--shape", nargs="+", default=["runon"], choices=["runon", "sentences"])
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: time this file and print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_time_one(args.one)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shape:
            for lang in args.langs:
                seconds, cpu = [], []
                for mb in args.sizes:
                    path = Path(tmp) / f"{lang}-{shape}-{mb}.txt"
                    path.write_text(document(lang, shape, mb), encoding="utf-8")
                    out = subprocess.run(
                        [sys.executable, __file__, "--one", str(path)],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    seconds.append(result["seconds"])
                    cpu.append(result["cpu"])
                    print(
                        f"{lang} {shape:9} {mb:5g} MB  {result['seconds']:7.2f} s "
                        f"(CPU {result['cpu']:6.2f} s)  "
                        f"{mb / result['seconds']:5.2f} MB/s  {result['claims']} claims",
                        flush=True,
                    )
                if len(args.sizes) > 1:
                    print(
                        f"{lang} {shape:9} exponent {exponent(args.sizes, seconds):.2f} "
                        f"(CPU {exponent(args.sizes, cpu):.2f}); time ratio {seconds[-1] / seconds[0]:.1f} "
                        f"(CPU {cpu[-1] / cpu[0]:.1f}) for size ratio {args.sizes[-1] / args.sizes[0]:.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
