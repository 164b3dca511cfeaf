"""Reading inputs: files and folders (JSONL, CSV, text, Markdown, HTML) -> :class:`~verify.records.Document`.

::

    ingest.py    files and folders -> documents, one clear error per malformed input
    encoding.py  bytes -> text (UTF-8/16 with or without BOM, Windows-1256, ISO-8859-6)
    webpage.py   a saved web page -> its article text and metadata (trafilatura, article.py behind it)
    article.py   a saved web page's article with the standard library only (the fallback)
    clean.py     sanitising text before any stage sees it
    lang.py      language identification for documents that do not declare one
"""

from __future__ import annotations

from verify.read.encoding import decode_bytes
from verify.read.ingest import assign_ids, document_record, input_files, load_documents, read_file
from verify.read.webpage import extract_page

__all__ = [
    "assign_ids",
    "decode_bytes",
    "document_record",
    "extract_page",
    "input_files",
    "load_documents",
    "read_file",
]
