"""The HTML report in real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one):
computed text direction, visible findings, no console errors, no network, keyboard filter, print
view and a non-blank screenshot."""

from __future__ import annotations

import importlib.util
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


def _sample_report() -> Any:
    spec = importlib.util.spec_from_file_location(
        "report_sample", Path(__file__).with_name("report_sample.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sample_report()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, list[str], list[str]]]:
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("browser")
    write_report(_sample_report(), folder)
    url = (folder / "report.html").as_uri()
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url, wait_until="load")
        yield page, url, errors, requests
        browser.close()


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
    assert page.locator("script").count() == 1
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
