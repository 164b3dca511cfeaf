"""Reading inputs: files and folders (JSONL, CSV, text, HTML) -> :class:`~verify.records.Document`,
with the encoding, page-text and language helpers only reading uses."""

from __future__ import annotations

from verify.read.encoding import decode_bytes
from verify.read.ingest import assign_ids, input_files, load_documents, read_file

__all__ = [
    "assign_ids",
    "decode_bytes",
    "input_files",
    "load_documents",
    "read_file",
]
