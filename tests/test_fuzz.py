"""Seeded fuzzing of every input format through the real entry point: no input ends in a traceback.

Each generated file (JSONL, CSV, text, HTML; valid, broken, binary, in legacy encodings, with
numbers and dates of any size) goes through ``verify.cli.main``. It must exit 0, or 1 with exactly
one ``verify: error:`` line; an exception escaping ``main`` fails the test with the seed and the
case, so a failure can be replayed. Bounded: about 150 cases, well under a minute. Reading
arbitrary bytes is also a hypothesis property of ``read_file``.
"""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import verify.cli as cli
from verify.embed import HashingEmbedder
from verify.errors import InputError
from verify.read import read_file
from verify.read.ingest import SUPPORTED_SUFFIXES
from verify.registry import Knowledge

SEED = 20261202
CASES_PER_FORMAT = 32
RUN_EVERY = 8  # every 8th case also goes through `verify run` (report writing), the rest `extract`

# Our own words: lexicon cues, numbers and dates of every size, bidi and control characters.
_WORDS = [
    "the army said", "a drone struck the base", "three rockets", "killing 12", "injuring dozens",
    "قالت الفصائل", "إنها استهدفت القاعدة", "بطائرتين مسيرتين", "مقتل 3", "أمس", "يوم الخميس",
    "on 5 March", "last Monday", "yesterday", "in the last 24 hours", "في 5 رمضان", "2024-02-30",
    "9" * 400, "1" * 40 + " million", "99999-12-31", "٣٤٥", "١٬٢٠٠", "\u202e", "\u2067", "\x00",
    "\ufeff", "\x1b[31m", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "..", "؟", "\n", "\t",
    '"', "'", ",", ";", "{", "}", "\\", "\u0651\u064e", "ـــ", "ﻻ",
]  # fmt: skip
_DATES = [
    "2023-10-26",
    "9999-12-31",
    "0001-01-01",
    "2023-02-30",
    "99999-01-01",
    "yesterday",
    "",
    "2023-10-26T25:00",
]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 30)))


def _encode(text: str, rng: random.Random) -> bytes:
    codec = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1256", "iso8859_6", "latin-1"])
    return text.encode(codec, errors="replace")


def _mangle(data: bytes, rng: random.Random) -> bytes:
    """Truncate, flip a few bytes or splice random bytes: what a broken download looks like."""
    roll = rng.random()
    if roll < 0.15 and data:
        return data[: rng.randrange(len(data))]
    if roll < 0.3 and data:
        out = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if roll < 0.4:
        return data + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return data


_HOSTILE_JSON = [
    "[1, 2]", "{", '"s"', "null", "[" * 5000, '{"text": ' + "[" * 3000 + "}",
    '{"text": "x", "n": ' + "1" * 5000 + "}", '{"text": "x", "id": ' + "7" * 4000 + "}",
    '{"text": "\\ud800 a drone struck"}', '{"text": 1e999}', '{"text": NaN}', '{"text": "x"} trailing',
]  # fmt: skip


def _jsonl(rng: random.Random) -> bytes:
    lines = []
    for _ in range(rng.randint(1, 3)):
        record: dict[str, object] = {"text": _text(rng) or "x"}
        if rng.random() < 0.5:
            record["published"] = rng.choice(_DATES)
        if rng.random() < 0.3:
            record["id"] = rng.choice(["a", 7, "a", None, True, 10**50, ""])
        if rng.random() < 0.3:
            record[rng.choice(["source", "lang", "side", "source_type", "url"])] = rng.choice(
                ["Reuters", "ar-SY", "", 5, ["x"], {"y": 1}, "party", "nonsense"]
            )
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.25:
            line = rng.choice(_HOSTILE_JSON)
        lines.append(line)
    return _mangle(_encode("\n".join(lines), rng), rng)


def _csv(rng: random.Random) -> bytes:
    delimiter = rng.choice([",", ";", "\t"])
    header = rng.choice(
        [["text"], ["text", "published"], ["id", "text", "source"], ["body"], ["text", "text"]]
    )
    rows = [delimiter.join(header)]
    for _ in range(rng.randint(0, 5)):
        cells = [_text(rng) if name == "text" else rng.choice([*_DATES, "x"]) for name in header]
        quoted = [f'"{c}"' if rng.random() < 0.5 else c for c in cells]
        rows.append(delimiter.join(quoted))
    return _mangle(_encode("\n".join(rows) + rng.choice(["", "\n", "\r\n"]), rng), rng)


def _txt(rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    return _mangle(_encode(_text(rng), rng), rng)


def _html(rng: random.Random) -> bytes:
    charset = rng.choice(
        ["", '<meta charset="utf-8">', '<meta charset="windows-1256">', '<meta charset="x-nope">']
    )
    body = "".join(
        rng.choice(["<p>", "</p>", "<div>", "<script>", "</script>", "<!--", "<br>", "<h1>", _text(rng)])
        for _ in range(rng.randint(0, 20))
    )
    published = rng.choice(["", f'<meta property="article:published_time" content="{rng.choice(_DATES)}">'])
    return _mangle(_encode(f"<html><head>{charset}{published}</head><body>{body}</body></html>", rng), rng)


_MAKERS = {".jsonl": _jsonl, ".csv": _csv, ".txt": _txt, ".html": _html}


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch, knowledge: Knowledge) -> None:
    """The registry and gazetteer loaded once (a second each), and the offline hashing embedder."""
    monkeypatch.setattr(Knowledge, "load", classmethod(lambda cls, settings: knowledge))
    monkeypatch.setattr(cli, "_run_embedder", lambda model, cache: HashingEmbedder())


@pytest.mark.parametrize("suffix", sorted(_MAKERS))
def test_fuzzed_inputs_never_end_in_a_traceback(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], fast: None
) -> None:
    rng = random.Random(f"{SEED}{suffix}")
    for case in range(CASES_PER_FORMAT):
        data = _MAKERS[suffix](rng)
        path = tmp_path / f"case{case}{suffix}"
        path.write_bytes(data)
        if case % RUN_EVERY == 0:
            args = ["run", str(path), "--out", str(tmp_path / f"out{case}"), "-q"]
        else:
            args = ["extract", str(path), "-o", str(tmp_path / f"claims{case}.jsonl"), "-q"]
        try:
            code = cli.main(args)
        except BaseException as exc:
            pytest.fail(
                f"seed {SEED}, {suffix} case {case}: {type(exc).__name__}: {exc}\ninput: {data[:300]!r}"
            )
        err = capsys.readouterr().err
        errors = [line for line in err.splitlines() if line.startswith("verify: error:")]
        assert code in (0, 1), (case, err)
        assert "Traceback" not in err
        assert len(errors) == (code == 1), (case, data[:300], err)
        if code == 1:
            assert path.name in errors[0], (case, errors[0])  # names the file
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_reading_arbitrary_bytes_raises_only_input_errors(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    try:
        read_file(path, lambda _: None)
    except InputError as error:
        assert str(path) in str(error)


def test_utf16_and_bom_inputs_read(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "قالت الفصائل إنها استهدفت القاعدة".encode("utf-16-le"))
    (doc,) = read_file(path, lambda _: None)
    assert doc.text.startswith("قالت")
