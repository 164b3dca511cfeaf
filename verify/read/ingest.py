"""Read input files and folders into :class:`~verify.records.Document` records.

The I/O edge of the pipeline. Formats: ``.jsonl`` (one document per line), ``.csv`` (one per row,
same field names), ``.txt``/``.md`` (one document), ``.html``/``.htm`` (the article text). Every
text passes through :func:`~verify.read.clean.sanitize` first, so claim offsets point into
``Document.text``. A user's mistake is one :class:`~verify.errors.InputError` naming file and line;
nothing is dropped without a word (skipped files go to ``on_warning``).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from verify.errors import InputError
from verify.read.clean import sanitize
from verify.read.encoding import decode_bytes
from verify.read.lang import detect_lang
from verify.read.webpage import extract_page
from verify.records import Document, SourceType

__all__ = [
    "SUPPORTED_SUFFIXES",
    "load_documents",
]

SUPPORTED_SUFFIXES = (".jsonl", ".csv", ".txt", ".md", ".html", ".htm")
_OPTIONAL = ("id", "source", "source_type", "side", "published", "lang", "url", "title")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MD_TITLE = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_log = logging.getLogger(__name__)
# A whole article in one cell is common; the csv module's default limit (131,072) would refuse it.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

Fields = Mapping[str, object]
Warn = Callable[[str], None]


def parse_published(value: str) -> dt.date:
    """An ISO 8601 date or datetime as the calendar date written (no time-zone shift)."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return dt.datetime.fromisoformat(value).date()


def _optional(fields: Fields, name: str, path: str, line: int | None) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(path, f"field '{name}' must be a string, got {type(value).__name__}", line)
    return sanitize(value).strip() or None


def _document(fields: Fields, path: str, line: int | None) -> Document:
    """Validate one record's fields; the id may still be missing (empty string)."""
    text = fields.get("text")
    if text is None:
        raise InputError(path, "missing 'text' field", line)
    if not isinstance(text, str):
        raise InputError(path, f"'text' must be a string, got {type(text).__name__}", line)
    text = sanitize(text).strip()
    if not text:
        raise InputError(path, "empty text", line)
    opt = {name: _optional(fields, name, path, line) for name in _OPTIONAL}
    source_type = SourceType.UNKNOWN
    if raw_type := opt["source_type"]:
        try:
            source_type = SourceType(raw_type.lower())
        except ValueError:
            allowed = ", ".join(t.value for t in SourceType)
            msg = f"invalid source_type '{raw_type}' (expected one of: {allowed})"
            raise InputError(path, msg, line) from None
    published = None
    if raw_date := opt["published"]:
        try:
            published = parse_published(raw_date)
        except ValueError:
            msg = f"invalid published date '{raw_date}' (expected ISO 8601, e.g. 2023-10-26)"
            raise InputError(path, msg, line) from None
    # "ar-SY", "en_GB" -> the primary subtag, which is what the language-specific rules key on.
    raw_lang = opt["lang"]
    lang = re.split(r"[-_]", raw_lang)[0].lower() if raw_lang else detect_lang(text)
    return Document(
        id=opt["id"] or "",
        text=text,
        source=opt["source"],
        source_type=source_type,
        side=opt["side"],
        published=published,
        lang=lang,
        url=opt["url"],
        title=opt["title"],
        origin=path if line is None else f"{path}:{line}",
    )


def _read_jsonl(text: str, path: str) -> Iterator[Document]:
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON: {exc.msg} (column {exc.colno})", number) from None
        except ValueError as exc:  # an integer of more than 4,300 digits
            raise InputError(path, f"unreadable JSON: {exc}".split(";")[0], number) from None
        except RecursionError:
            raise InputError(path, "unreadable JSON: nested too deeply", number) from None
        if not isinstance(value, dict):
            raise InputError(path, f"expected a JSON object, got {type(value).__name__}", number)
        yield _document(value, path, number)


def _csv_delimiter(header_line: str) -> str:
    """Comma, unless the header only makes sense split on ';' or a tab (spreadsheet locales)."""
    for delimiter in (",", ";", "\t"):
        if "text" in (name.strip().strip('"').lower() for name in header_line.split(delimiter)):
            return delimiter
    return ","


def _read_csv(text: str, path: str) -> Iterator[Document]:
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_csv_delimiter(text.split("\n", 1)[0]), strict=True
    )
    start = 1
    try:
        header = [name.strip().lower() for name in next(reader)]
        if "text" not in header:
            raise InputError(path, f"no 'text' column (columns found: {', '.join(header) or 'none'})", 1)
        if len(set(header)) != len(header):
            dupes = sorted({name for name in header if header.count(name) > 1})
            raise InputError(path, f"duplicate column(s): {', '.join(dupes)}", 1)
        start = reader.line_num + 1
        rows = 0
        for row in reader:
            if row:
                if len(row) != len(header):
                    hint = " (an unclosed quote?)" if reader.line_num > start else ""
                    msg = f"row has {len(row)} fields, header has {len(header)}{hint}"
                    raise InputError(path, msg, start)
                yield _document(dict(zip(header, row, strict=True)), path, start)
                rows += 1
            start = reader.line_num + 1
        if not rows:
            raise InputError(path, "no rows after the header: nothing to read", 1)
    except csv.Error as exc:
        detail = "unterminated quote" if "end of data" in str(exc) else str(exc)
        raise InputError(path, f"malformed CSV: {detail} (record starting here)", start) from None


def _read_html(text: str, path: str, warn: Warn) -> Iterator[Document]:
    article = extract_page(text)
    if not sanitize(article.text).strip():
        # a page of navigation only (an index, a consent wall) does not end the run
        warn(f"{path}: no article text found in the HTML page; skipped")
        return
    published = None
    for candidate in article.published:
        try:
            published = parse_published(candidate).isoformat()
            break
        except ValueError:
            continue
    if published is None and article.published:
        warn(f"{path}: ignored unreadable publication date '{article.published[0]}'")
    fields = {"text": article.text, "title": article.title, "source": article.site_name}
    yield _document({**fields, "published": published, "lang": article.lang, "url": article.url}, path, None)


def read_file(path: Path, warn: Warn) -> list[Document]:
    """The documents of one file, with the ids they give (final ids come from :func:`assign_ids`)."""
    name = str(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    declared = None
    if suffix in (".html", ".htm") and (match := _CHARSET.search(data[:4096])):
        declared = match.group(1).decode("ascii")
    # Normalise line ends up front so that line numbers agree with any editor's.
    text = re.sub("\r\n?", "\n", decode_bytes(data, name, declared=declared))
    if not text.strip():
        raise InputError(name, "empty file")
    if suffix == ".jsonl":
        return list(_read_jsonl(text, name))
    if suffix == ".csv":
        return list(_read_csv(text, name))
    if suffix in (".html", ".htm"):
        return list(_read_html(text, name, warn))
    title = _MD_TITLE.search(text) if suffix == ".md" else None
    return [_document({"text": text, "title": title.group(1) if title else None}, name, None)]


def _walk(folder: Path, warn: Warn, seen: set[Path]) -> Iterator[Path]:
    """Supported files under ``folder``, depth first in name order, hidden entries skipped."""
    # A symlink back up the tree would otherwise recurse forever.
    if (real := folder.resolve()) in seen:
        warn(f"{folder}: skipped, folder already visited (symlink loop?)")
        return
    seen.add(real)
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        if entry.is_dir():
            yield from _walk(path, warn, seen)
        elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
            yield path
        else:
            warn(f"{path}: skipped, unsupported file type (supported: {', '.join(SUPPORTED_SUFFIXES)})")


def _files(paths: Sequence[str | os.PathLike[str]], warn: Warn) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = list(_walk(path, warn, set()))
            if not found:
                supported = ", ".join(SUPPORTED_SUFFIXES)
                raise InputError(str(path), f"no supported files in this folder (supported: {supported})")
            yield from found
        elif not path.exists():
            raise InputError(str(path), "no such file or folder")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            msg = f"unsupported file type '{path.suffix}' (expected {', '.join(SUPPORTED_SUFFIXES)})"
            raise InputError(str(path), msg)
        else:
            yield path


def input_files(paths: Sequence[str | os.PathLike[str]], warn: Warn) -> list[Path]:
    """The files to read, folders walked in name order; a file named twice is read once."""
    seen: set[Path] = set()
    files = []
    for path in _files(paths, warn):
        resolved = path.resolve()
        if resolved in seen:
            warn(f"{path}: given more than once; read once")
            continue
        seen.add(resolved)
        files.append(path)
    return files


def derive_id(source: str | None, text: str) -> str:
    """A content id: the same source and text give the same id on every run and machine."""
    digest = hashlib.sha256(f"{source or ''}\x1f{text}".encode()).hexdigest()
    return f"d-{digest[:12]}"


def assign_ids(documents: Sequence[Document], warn: Warn) -> list[Document]:
    """Final ids in reading order: the document's own or a content id, suffixed where repeated."""
    used: set[str] = set()
    out = []
    for doc in documents:
        base = doc.id or derive_id(doc.source, doc.text)
        doc_id, suffix = base, 1
        while doc_id in used:
            suffix += 1
            doc_id = f"{base}-{suffix}"
        if doc_id != base:
            warn(f"{doc.origin}: id '{base}' already used; this document is '{doc_id}'")
        used.add(doc_id)
        out.append(dataclasses.replace(doc, id=doc_id))
    return out


def load_documents(
    paths: Sequence[str | os.PathLike[str]], *, on_warning: Warn | None = None
) -> list[Document]:
    """Load every document in ``paths`` (files and folders), in a deterministic order.

    Raises :class:`~verify.errors.InputError` for the first problem found. Skipped files, repeated
    files and renamed duplicate ids are reported to ``on_warning`` (default: the module logger).
    """
    warn: Warn = on_warning or _log.warning
    documents = [doc for path in input_files(paths, warn) for doc in read_file(path, warn)]
    if not documents:
        names = ", ".join(str(p) for p in paths) or "(no inputs)"
        raise InputError(names, "no documents to read (every file was skipped)")
    return assign_ids(documents, warn)


_ORIGIN_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")


def document_record(doc: Document) -> dict[str, object]:
    """A document as ``verify ingest`` writes it: what was read, valid input to ``verify run``.

    ``path`` is the file it came from and ``line`` its line (JSONL) or record's first line (CSV),
    ``null`` for a file that is one document.
    """
    match = _ORIGIN_LINE.match(doc.origin)
    path, line = (match.group("path"), int(match.group("line"))) if match else (doc.origin, None)
    return {
        "id": doc.id,
        "path": path,
        "line": line,
        "source": doc.source,
        "source_type": doc.source_type.value,
        "side": doc.side,
        "published": doc.published.isoformat() if doc.published else None,
        "lang": doc.lang,
        "url": doc.url,
        "title": doc.title,
        "text": doc.text,
    }
