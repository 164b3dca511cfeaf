"""Content addresses of a split report's incident pages, so a rewrite renders only what changed.

An incident's page is a function of the incident, its claims, their documents, the registry
sides and filter values shown for them, the templates the page uses and the code that renders
it. :func:`incident_digest` hashes the first group, :func:`fingerprint` the rest; the writer
keeps both in ``incidents/manifest.json`` and skips a page whose digest and fingerprint are
unchanged and whose file is still there. Hashing the inputs costs a fraction of building and
rendering a page. The same digests address the pieces of the main files each incident renders
to (its block of report.html, its lines of report.csv), kept in ``incidents/parts.json``
(:class:`Parts`), so a rewrite renders those only for what changed too.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jinja2
import jinja2.meta

import verify

# As a module: verify.codec itself imports verify.report.serialize, so this import may run
# while codec is half initialised; its functions are looked up when called.
import verify.codec as codec
from verify.records import Document, Incident
from verify.report.incident_views import incident_filters
from verify.report.lookup import Lookup

MANIFEST = "manifest.json"
"""File, beside the incident pages, naming each page's digest."""
PARTS = "parts.json"
"""File, beside the incident pages, keeping pieces of the main files rendered for each digest."""
_FORMAT = 1
_PARTS_MAGIC = b"verify report parts 1\n"
_CODE_FILES = ("report/*.py", "text/arabic.py", "text/split.py")
"""The modules whose code shapes a page (views, display helpers, sentence splitting)."""


@dataclass(frozen=True)
class PageManifest:
    """What the incident pages on disk were rendered from."""

    fingerprint: str
    """Templates, code and page settings they were rendered with."""
    pages: Mapping[str, str] = field(default_factory=dict)
    """Page path relative to the output folder (``incidents/incident-x.html``) -> digest."""


@dataclass(frozen=True)
class Parts:
    """Pieces of the main files rendered for incidents, by incident digest.

    A digest covers everything an incident's page shows, and each piece shows no more, so a
    piece kept under the same digest and fingerprint is what a fresh render would give.
    """

    fingerprint: str
    """Templates, code and settings they were rendered with."""
    html: Mapping[str, str] = field(default_factory=dict)
    """Digest -> the incident's ``_incident.html`` output, as the main page shows it."""
    csv: Mapping[str, str] = field(default_factory=dict)
    """Digest -> the incident's lines of report.csv."""
    jsonld: Mapping[str, str] = field(default_factory=dict)
    """Digest -> the incident's ClaimReview items (:func:`verify.report.exports.jsonld_parts`)."""
    json: Mapping[str, str] = field(default_factory=dict)
    """Digest -> the incident's record as report.json holds it."""
    claims: Mapping[str, str] = field(default_factory=dict)
    """``"<digest> <claim id>"`` -> the record of one of the incident's claims in report.json."""


PART_KINDS: tuple[str, ...] = ("html", "csv", "jsonld", "json", "claims")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the verify version, the jinja2 and markupsafe versions and the rendering code."""
    versions = [verify.__version__, *(metadata.version(name) for name in ("jinja2", "markupsafe"))]
    digest = hashlib.sha256("|".join(versions).encode())
    root = Path(verify.__file__).parent
    for pattern in _CODE_FILES:
        for path in sorted(root.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def used_templates(env: jinja2.Environment, name: str) -> list[str] | None:
    """``name`` and every template it extends, includes or imports, transitively, in a stable
    order; None when one is chosen at render time (then every template counts)."""
    seen: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        assert env.loader is not None
        try:
            source, _, _ = env.loader.get_source(env, current)
            refs = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            # Rendering reports the error properly; until then, count every template.
            return None
        if None in refs:
            return None
        todo += [ref for ref in refs if ref is not None]
    return sorted(seen)


def fingerprint(env: jinja2.Environment, template: str, settings: Iterable[str]) -> str:
    """Hash of the sources of the templates ``template`` uses (as ``env`` resolves them: a
    user's folder first), the rendering code and the page-wide ``settings`` (title, links...)."""
    assert env.loader is not None
    names = used_templates(env, template)
    if names is None:
        names = sorted(env.list_templates())
    digest = hashlib.sha256(f"{_FORMAT}|{code_fingerprint()}".encode())
    for name in names:
        source, _, _ = env.loader.get_source(env, name)
        digest.update(b"\0T" + name.encode() + b"\0" + source.encode("utf-8", "surrogatepass"))
    for setting in settings:
        digest.update(b"\0S" + setting.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _bytes(row: codec.Row) -> bytes:
    # marshal format 2 writes no back-references, so equal rows give equal bytes whatever
    # objects they share. A facet difference may hold any value (an enum, say) that marshal
    # refuses; such a row is hashed by its repr, which lists every field too.
    try:
        return b"M" + marshal.dumps(row, 2)
    except ValueError:
        return b"R" + repr(row).encode("utf-8", "surrogatepass")


def _document_digest(doc: Document, cache: MutableMapping[str, bytes]) -> bytes:
    # A document is often quoted by several incidents: hash its text once.
    key = doc.id
    found = cache.get(key)
    if found is None:
        found = cache[key] = hashlib.sha256(_bytes(codec.document_to_row(doc))).digest()
    return found


def incident_digest(incident: Incident, look: Lookup, cache: MutableMapping[str, bytes]) -> str:
    """Hash of everything of the report an incident's page shows: the incident, the claims it
    and its findings name, their documents, their sides, and its filter values.

    Records are hashed as the store's rows (:mod:`verify.codec`), which hold every field (the
    store reads records back from them, tested round trip), so a field added later is covered
    too; they hash several times faster than the records' ``repr``. ``cache`` keeps document
    digests between calls for one report.
    """
    digest = hashlib.sha256(_bytes(codec.incident_to_row(incident)))
    named = list(incident.claim_ids)
    for finding in incident.findings:
        named.append(finding.claim_id)
        if finding.evidence_claim_id is not None:
            named.append(finding.evidence_claim_id)
    for cid in dict.fromkeys(named):
        claim = look.claims.get(cid)
        if claim is None:
            digest.update(b"\0missing " + cid.encode("utf-8", "surrogatepass"))
            continue
        digest.update(b"\0C" + _bytes(codec.claim_to_row(claim)))
        digest.update(b"\0side " + look.side_of(claim).encode("utf-8", "surrogatepass"))
        doc = look.documents.get(claim.document_id)
        digest.update(b"\0D" + (_document_digest(doc, cache) if doc else b"-"))
    sources, sides = incident_filters(incident, look)
    digest.update(f"\0F{sources}\0{sides}".encode())
    return digest.hexdigest()


def manifest_bytes(manifest: PageManifest) -> bytes:
    """The manifest file's content."""
    data = {
        "format": _FORMAT,
        "fingerprint": manifest.fingerprint,
        "pages": dict(sorted(manifest.pages.items())),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parse_manifest(data: bytes) -> PageManifest | None:
    """The manifest read back; None when it is not one this version wrote (then nothing is reused)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
        return None
    fingerprint, pages = raw.get("fingerprint"), raw.get("pages")
    if not isinstance(fingerprint, str) or not isinstance(pages, dict):
        return None
    return PageManifest(
        fingerprint, {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}
    )


def parts_chunks(parts: Parts) -> Iterator[bytes]:
    """The parts file's content, in pieces: a header line, a JSON index of byte ranges, then the
    texts, stored as they are rather than as JSON strings so that reading and writing them costs
    no escaping. The same parts always give the same bytes.

    Each text is encoded twice (once to measure it for the index), so that only one is ever
    held encoded: a large report's parts run to hundreds of MB.
    """
    offset = 0
    sections: dict[str, dict[str, tuple[int, int]]] = {}
    for kind in PART_KINDS:
        entries = sections[kind] = {}
        for key, text in sorted(getattr(parts, kind).items()):
            size = len(text.encode("utf-8", "surrogatepass"))
            entries[key] = (offset, size)
            offset += size
    index = json.dumps({"fingerprint": parts.fingerprint, "sections": sections}).encode("utf-8")
    yield _PARTS_MAGIC + b"%d\n" % len(index) + index
    for kind in PART_KINDS:
        for _, text in sorted(getattr(parts, kind).items()):
            yield text.encode("utf-8", "surrogatepass")


def parse_parts(data: bytes) -> Parts | None:
    """The parts file read back; None when it is not one this version wrote (nothing is reused)."""
    if not data.startswith(_PARTS_MAGIC):
        return None
    try:
        size_end = data.index(b"\n", len(_PARTS_MAGIC))
        start = size_end + 1 + int(data[len(_PARTS_MAGIC) : size_end])
        index = json.loads(data[size_end + 1 : start].decode("utf-8"))
        blob = memoryview(data)[start:]
        found = {
            kind: {
                key: bytes(blob[offset : offset + size]).decode("utf-8", "surrogatepass")
                for key, (offset, size) in index["sections"][kind].items()
                if offset + size <= len(blob)
            }
            for kind in PART_KINDS
        }
        fingerprint = index["fingerprint"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return Parts(str(fingerprint), **found) if isinstance(fingerprint, str) else None
