"""The HTML report in real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one):
computed text direction and right-to-left layout, visible findings, no console errors, no network,
filters and search by click and keyboard, print view, a non-blank screenshot, hostile text that
stays inert, and a 500-incident report that loads in under 2 s."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_sample as sample  # tests/ is on sys.path in pytest's default import mode

from verify.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


LOAD_BUDGET_MS = 2000.0
"""A 500-incident report must finish loading within this, measured by the browser itself."""
FILTER_BUDGET_MS = 500.0
"""A filter or search on 500 incidents must repaint within this."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, url: str) -> tuple[Any, list[str], list[str], list[str]]:
    """A page at ``url`` recording console errors, requests and dialogs (alert() would be one)."""
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url, wait_until="load")
    return page, errors, requests, dialogs


@pytest.fixture(scope="module")
def loaded(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str, list[str], list[str]]]:
    folder = tmp_path_factory.mktemp("browser")
    write_report(sample.sample_report(), folder, registry_sides={"Monitor Net": "none"})
    url = (folder / "report.html").as_uri()
    page, errors, requests, dialogs = _open(browser, url)
    yield page, url, errors, requests
    assert dialogs == []
    page.close()


def _png_pixels_vary(png: bytes) -> bool:
    """True when the PNG's decompressed scanlines hold many distinct byte values (not blank)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(data))) > 32


def test_arabic_quotes_render_right_to_left(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page = loaded[0]
    arabic = page.eval_on_selector_all(
        "blockquote.quote[lang=ar], span.source-name[lang=ar]",
        "els => els.map(e => getComputedStyle(e).direction)",
    )
    assert len(arabic) >= 4 and set(arabic) == {"rtl"}
    english = page.eval_on_selector_all(
        "blockquote.quote[lang=en]", "els => els.map(e => getComputedStyle(e).direction)"
    )
    assert english and set(english) == {"ltr"}
    assert page.eval_on_selector("html", "e => getComputedStyle(e).direction") == "ltr"


def test_findings_are_visible_and_page_is_quiet(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page, url, errors, requests = loaded
    findings = page.locator("li.finding")
    assert findings.count() == 7
    for i in range(findings.count()):
        assert findings.nth(i).is_visible()
    assert page.locator("mark").first.is_visible()
    assert page.locator("script:not([type])").count() == 1
    assert errors == []
    assert requests == [url]


def test_filter_works_from_the_keyboard(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page = loaded[0]
    contested = page.locator("#filters button", has_text="Contested")
    assert contested.is_visible()  # the script revealed the toolbar
    contested.focus()
    page.keyboard.press("Enter")
    assert contested.get_attribute("aria-pressed") == "true"
    assert page.locator("article[data-incident=i1]").is_visible()
    assert not page.locator("article[data-incident=i3]").is_visible()
    page.emulate_media(media="print")
    assert page.locator("article[data-incident=i3]").is_visible()  # printing shows everything
    assert not page.locator("#filters").is_visible()
    page.emulate_media(media="screen")
    page.locator("#filters button", has_text="All").click()
    assert page.locator("article.incident:visible").count() == 3


def test_screenshot_is_not_blank(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page = loaded[0]
    assert _png_pixels_vary(page.screenshot(full_page=True))
    blank = page.context.browser.new_page()
    blank.set_content("<html><body></body></html>")
    assert not _png_pixels_vary(blank.screenshot())  # the check itself can tell blank from content
    blank.close()


def _reset(page: Any) -> None:
    page.emulate_media(media="screen")
    page.locator("#filter-reset").click()


def _show(page: Any, selector: str) -> None:
    """Scroll to an element and let it render: off-screen incidents are laid out lazily."""
    page.locator(selector).scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _visible_incidents(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "article.incident", "els => els.filter(e => !e.hidden).map(e => e.dataset.incident)"
    )
    return ids


def test_filters_and_search_work_by_clicking(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page = loaded[0]
    _reset(page)
    status = page.locator("#filter-status")
    assert status.inner_text() == "3 of 3 incidents shown"
    assert _visible_incidents(page) == ["i2", "i1", "i3"]  # most at stake first
    page.locator("#filters button", has_text="Unverified").click()
    assert _visible_incidents(page) == ["i3"]
    page.locator("#filters button", has_text="Partly matched").click()  # i2: reviewed as partial
    assert _visible_incidents(page) == ["i2"]
    page.locator("#filters button", has_text="All").click()
    page.locator("#filter-sources").click()
    page.locator("#filter-sources").select_option(label="شبكة الرصد (1)")
    assert _visible_incidents(page) == ["i1"]
    assert page.locator(".toc li:visible").count() == 1  # the contents follow the filters
    page.locator("#filter-sources").select_option("")
    page.locator("#filter-sides").select_option(label="alliance (1)")
    assert _visible_incidents(page) == ["i1"]
    page.locator("#filter-sides").select_option("")
    page.locator("#filter-grade").select_option("confirmed")  # i2's grade as the reviewer decided
    assert _visible_incidents(page) == ["i2"]
    page.locator("#filter-reset").click()
    assert _visible_incidents(page) == ["i2", "i1", "i3"]
    # Search folds Arabic spelling variants: ta marbuta and alef forms.
    page.locator("#filter-search").click()
    page.keyboard.type("قاعده الوادى")
    page.keyboard.press("Enter")
    assert _visible_incidents(page) == ["i1"]
    page.keyboard.press("Escape")
    page.locator("#filter-search").fill("tel nour tally")
    page.locator("#filter-search").press("Enter")
    assert _visible_incidents(page) == ["i2"] and status.inner_text() == "1 of 3 incidents shown"
    page.locator("#filter-reset").click()
    assert page.locator("#filter-search").input_value() == ""


def test_search_is_reachable_from_the_keyboard(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    from playwright.sync_api import expect

    page = loaded[0]
    _reset(page)
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "filter-search"
    page.keyboard.type("drone")  # no Enter: the search runs once typing pauses
    expect(page.locator("#filter-status")).to_have_text("1 of 3 incidents shown")
    assert _visible_incidents(page) == ["i3"]
    page.keyboard.press("Escape")
    assert _visible_incidents(page) == ["i2", "i1", "i3"]
    page.keyboard.press("Tab")  # from the search box on to the next control
    assert page.evaluate("document.activeElement.id") == "filter-sources"


def test_arabic_is_laid_out_right_to_left(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page = loaded[0]
    _reset(page)
    _show(page, "li[data-claim=c1]")
    # Where the glyphs land, not only the dir attribute: in the Arabic quote the first letter of the
    # claim is drawn to the right of the second; in an English one, to the left.
    script = """sel => {
      const node = document.querySelector(sel).firstChild;
      const x = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                       return r.getBoundingClientRect().left; };
      return [x(0), x(1)];
    }"""
    first, second = page.evaluate(script, "li[data-claim=c1] mark")
    assert first > second
    _show(page, "li[data-claim=c2]")
    first, second = page.evaluate(script, "li[data-claim=c2] mark")
    assert first < second
    # An Arabic paragraph starts at the right edge of its box, an English one at the left.
    margins = """sel => {
      const quote = document.querySelector(sel); const box = quote.getBoundingClientRect();
      const walk = document.createTreeWalker(quote, NodeFilter.SHOW_TEXT);
      let node = walk.nextNode(); while (node && !node.data.trim()) { node = walk.nextNode(); }
      const r = document.createRange(); r.setStart(node, 0); r.setEnd(node, 1);
      const glyph = r.getBoundingClientRect();
      return [glyph.left - box.left, box.right - glyph.right];
    }"""
    _show(page, "li[data-claim=c1]")
    left, right = page.evaluate(margins, "li[data-claim=c1] blockquote")
    assert right < 40 < left
    _show(page, "li[data-claim=c2]")
    left, right = page.evaluate(margins, "li[data-claim=c2] blockquote")
    assert left < 40 < right


def test_hostile_text_renders_as_inert_text(loaded: tuple[Any, str, list[str], list[str]]) -> None:
    page, _url, errors, requests = loaded
    _reset(page)
    _show(page, "li[data-claim=c8]")
    mark = page.locator("li[data-claim=c8] mark")
    assert sample.EVIL_IMG in mark.inner_text()  # shown as text...
    assert page.locator("img").count() == 0  # ...never as an element
    assert page.locator("b").count() == 0
    title = page.locator("li[data-claim=c8] .doc-title").inner_text()
    assert sample.EVIL in title and "</script>" in title
    assert page.evaluate("document.scripts.length") == 2  # ours and the JSON-LD data block
    # The JSON-LD block holds "</script>" in a source name and still parses to the same data.
    embedded = json.loads(page.locator("script[type='application/ld+json']").text_content() or "")
    assert embedded[-1]["itemReviewed"]["author"]["name"] == f"Evil {sample.EVIL}"
    # Bidi overrides are removed: "bridge" reads left to right inside the claim, not reversed.
    first, last = page.evaluate(
        """() => { const m = document.querySelector('li[data-claim=c8] mark'); const n = m.firstChild;
          const i = n.data.indexOf('bridge'); const r = document.createRange();
          const at = k => { r.setStart(n, k); r.setEnd(n, k + 1); return r.getBoundingClientRect().left; };
          return [at(i), at(i + 5)]; }"""
    )
    assert first < last
    assert "\u202e" not in page.content()
    assert errors == [] and requests == [loaded[1]]


def test_500_incidents_load_within_budget_and_filter_smoothly(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("big")
    write_report(sample.big_report(500), folder)
    url = (folder / "report.html").as_uri()
    page, errors, requests, _dialogs = _open(browser, url)
    load_ms = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )
    size_mb = (folder / "report.html").stat().st_size / 1e6
    assert page.locator("article.incident").count() == 500
    timed = """async ([selector, value]) => {
      const el = document.querySelector(selector);
      const t0 = performance.now();
      if (value === null) {
        el.click();
      } else {
        el.value = value;
        el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
      }
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    }"""
    filter_ms = page.evaluate(timed, ["#filters button[data-filter=corroborates]", None])
    shown = page.locator("#filter-status").inner_text()
    search_ms = page.evaluate(timed, ["#filter-search", "Nour field"])
    narrowed = page.locator("#filter-status").inner_text()
    print(
        f"\n500-incident report ({size_mb:.1f} MB): load {load_ms:.0f} ms, "
        f"filter {filter_ms:.0f} ms, first search {search_ms:.0f} ms"
    )
    assert shown == "125 of 500 incidents shown"
    assert narrowed == "25 of 500 incidents shown"
    assert 0 < load_ms < LOAD_BUDGET_MS
    assert filter_ms < FILTER_BUDGET_MS and search_ms < FILTER_BUDGET_MS
    assert errors == [] and requests == [url]
    page.close()
