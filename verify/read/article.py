"""Extract an article's text and metadata from a saved web page, with the standard library only.

Chrome (scripts, styles, navigation, headers, footers, asides, forms) is dropped; the text of the
longest ``<article>`` is preferred, else ``<main>``, else the whole ``<body>``. Block elements become
line breaks, so paragraphs stay apart for the sentence splitter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# The brief's chrome list, plus elements that hold widgets or embedded documents, never prose.
_DROP = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg"}
    | {"template", "iframe", "button", "select"}
)
_BLOCK = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "br", "blockquote", "section", "article"}
    | {"main", "ul", "ol", "dl", "dt", "dd", "table", "tr", "figcaption", "figure", "pre", "hr", "address"}
)
_CELL = frozenset(("td", "th"))
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_PUBLISHED_META = ("date", "pubdate", "publishdate", "publish-date", "dc.date.issued", "dc.date")


@dataclass(frozen=True)
class Article:
    """What a page says about itself; ``published`` lists date strings, most trusted first."""

    text: str
    title: str | None = None
    site_name: str | None = None
    published: tuple[str, ...] = ()
    lang: str | None = None
    url: str | None = None


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dropping: dict[str, int] = {}
        self.in_title = False
        self.in_head = False
        self.pre = 0
        self.body: list[str] = []
        self.articles: list[list[str]] = []
        self.article_depth = 0
        self.main: list[str] = []
        self.main_depth = 0
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self.times: list[str] = []
        self.lang: str | None = None
        self.canonical: str | None = None

    def _emit(self, chunk: str) -> None:
        self.body.append(chunk)
        if self.article_depth:
            self.articles[-1].append(chunk)
        if self.main_depth:
            self.main.append(chunk)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        elif tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href")
        elif tag == "time" and values.get("datetime"):
            self.times.append(values["datetime"])
        if tag in _DROP:
            self.dropping[tag] = self.dropping.get(tag, 0) + 1
            return
        if tag == "article":
            if not self.article_depth:
                self.articles.append([])
            self.article_depth += 1
        elif tag == "main":
            self.main_depth += 1
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self._emit("\n")
        elif tag in _CELL:
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            if self.dropping.get(tag):
                self.dropping[tag] -= 1
            return
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.in_head = False
        elif tag == "article" and self.article_depth:
            self.article_depth -= 1
        elif tag == "main" and self.main_depth:
            self.main_depth -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCK:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.in_head and not any(self.dropping.values()):
            # Inside <pre> newlines are content; elsewhere any run of whitespace is one space.
            self._emit(data.replace("\n", "\x00") if self.pre else data)


def _layout(chunks: list[str]) -> str:
    """Join chunks into lines: collapse spaces, drop empty lines, keep ``<pre>`` line breaks."""
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(chunks).split("\n"))
    return "\n".join(line for line in lines if line).replace("\x00", "\n")


def _clean(value: str | None) -> str | None:
    value = _SPACE.sub(" ", value or "").strip()
    return value or None


def extract_article(html: str) -> Article:
    """Parse ``html`` and return its article text (possibly empty) and metadata."""
    parser = _Extractor()
    parser.feed(html.replace("\x00", ""))
    parser.close()
    text = ""
    if parser.articles:
        text = max((_layout(a) for a in parser.articles), key=len)
    if not text:
        text = _layout(parser.main)
    if not text:
        text = _layout(parser.body)
    meta = parser.meta
    published = [meta.get("article:published_time", ""), *parser.times]
    published += [meta.get(key, "") for key in (*_PUBLISHED_META, "datepublished")]
    return Article(
        text=text,
        title=_clean(meta.get("og:title")) or _clean("".join(parser.title)),
        site_name=_clean(meta.get("og:site_name")),
        published=tuple(p.strip() for p in published if p.strip()),
        lang=_clean(parser.lang),
        url=_clean(parser.canonical) or _clean(meta.get("og:url")),
    )
