"""Documents' text in report.json, when asked for (``verify run --with-text``).

report.json keeps documents without their text by default: it is the input, often long, and a
pipeline that needs it has it. :func:`add_document_texts` adds it to a written report.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from verify.files import atomic_write
from verify.records import Document


def add_document_texts(report_json: Path, documents: Iterable[Document]) -> None:
    """Give each document of a written report.json its ``text``, atomically."""
    texts = {doc.id: doc.text for doc in documents}
    data = json.loads(report_json.read_text(encoding="utf-8"))
    for doc in data["documents"]:
        doc["text"] = texts.get(doc["id"])
    atomic_write(report_json, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
