"""A saved news page's article text and metadata, with trafilatura and our own extractor behind it.

trafilatura (a library made for this: boilerplate, comments and related-article boxes removed)
reads the page first; where it finds no text, or fails on an odd page, :func:`extract_article`
(standard library only) reads it. The page's own metadata (``<html lang>``, its canonical link,
its publication date tags) comes first, trafilatura's guesses after it; the title is
trafilatura's, which drops the site's name from the page title.
"""

from __future__ import annotations

import logging
from typing import Any

from verify.read.article import Article, extract_article

_log = logging.getLogger(__name__)


def _trafilatura(html: str) -> Any:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a declared dependency; the fallback still reads
        return None
    try:
        return trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # a third-party parser on an odd page: fall back to ours
        _log.debug("trafilatura failed on a page: %s", exc)
        return None


def extract_page(html: str) -> Article:
    """The article of a saved page: trafilatura's text where it finds some, else ours."""
    own = extract_article(html)
    if not own.text.strip():
        return own  # nothing but chrome: trafilatura would return the menu
    found = _trafilatura(html)
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if not text:
        return own
    date = getattr(found, "date", None)
    published = own.published + ((date,) if isinstance(date, str) and date not in own.published else ())
    return Article(
        text=text,
        title=_str(getattr(found, "title", None)) or own.title,
        site_name=own.site_name or _str(getattr(found, "sitename", None)),
        published=published,
        lang=own.lang or _str(getattr(found, "language", None)),
        url=own.url or _str(getattr(found, "url", None)),
    )


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
