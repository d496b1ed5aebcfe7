"""Open an HTML report in a real headless Chromium (Debian's, driven by Playwright) and measure it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MEASURE = """() => {
  const figures = [...document.querySelectorAll('figure.plot')].map(f => {
    const svg = f.querySelector('svg');
    const texts = svg ? [...svg.querySelectorAll('text')].map(t => t.textContent) : [];
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {id: f.id, xlabel: f.dataset.xlabel, ylabel: f.dataset.ylabel, texts, width: box.width, height: box.height};
  });
  const sizes = [...document.querySelectorAll('p, td, th, li, h1, h2, h3, figcaption, div.card')]
    .filter(e => e.offsetParent !== null && e.textContent.trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  const cramped = [...document.querySelectorAll('td')].filter(e => e.offsetParent !== null && e.textContent.trim().length > 60
    && e.getBoundingClientRect().width < Math.min(0.5 * document.documentElement.clientWidth, 320)).map(e => e.textContent.trim().slice(0, 60));
  return {cramped, figures, minFont: Math.min(...sizes), scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth, text: document.body.innerText,
          scripts: document.querySelectorAll('script').length,
          external: [...document.querySelectorAll('[src], link[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))};
}"""


@dataclass(frozen=True)
class Rendered:
    """What the browser saw of a page at one viewport width."""

    width: int
    figures: list[dict[str, Any]]
    min_font_px: float
    scroll_width: int
    client_width: int
    text: str
    scripts: int
    external: list[str]
    console: list[str]
    failed_requests: list[str]
    cramped: list[str]


class Browser:
    """One headless Chromium for a test module (Playwright gives it a fresh temporary profile)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright().start()
        self.browser = self._manager.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)

    def render(self, html: Path, viewport: dict[str, int], screenshot: Path | None = None) -> Rendered:
        """Load the page offline (every request but the file itself fails), measure it, optionally screenshot it."""
        context = self.browser.new_context(viewport=viewport, java_script_enabled=True, offline=True)
        page = context.new_page()
        console: list[str] = []
        failed: list[str] = []
        page.on(
            "console",
            lambda message: (
                console.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(html.resolve().as_uri(), wait_until="load")
        measured = page.evaluate(MEASURE)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        context.close()
        return Rendered(width=viewport["width"], figures=measured["figures"], min_font_px=measured["minFont"],
                        scroll_width=measured["scrollWidth"], client_width=measured["clientWidth"], text=measured["text"],
                        scripts=measured["scripts"], external=measured["external"], console=console, failed_requests=failed, cramped=measured["cramped"])  # fmt: skip

    def close(self) -> None:
        self.browser.close()
        self._manager.stop()


def browser_fixture() -> Iterator[Browser]:
    """A module's browser; fails (never skips) when chromium is missing, saying how to install it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No chromium at {CHROMIUM}: the HTML reports are tested in a real browser. Run scripts/bootstrap.sh as root, or: sudo apt-get install chromium"
        )
    browser = Browser()
    try:
        yield browser
    finally:
        browser.close()


def assert_readable(rendered: Rendered) -> None:
    """Every plot drawn with its axis labels as text, no console error, no network, no sideways scrolling, text >= 12 px,
    no long text squeezed into a narrow column."""
    assert rendered.console == [], rendered.console
    assert rendered.failed_requests == [] and rendered.external == [], (rendered.failed_requests, rendered.external)
    assert rendered.scripts == 0
    assert rendered.figures, "no figure on the page"
    for figure in rendered.figures:
        assert figure["xlabel"] in figure["texts"] and figure["ylabel"] in figure["texts"], figure["id"]
        assert figure["width"] >= min(300, rendered.width - 60) and figure["height"] > 150, figure
    assert rendered.scroll_width <= rendered.client_width, f"the page scrolls sideways at {rendered.width} px"
    assert rendered.min_font_px >= 12, f"text of {rendered.min_font_px} px at {rendered.width} px"
    assert rendered.cramped == [], (
        f"long text squeezed into less than half the width at {rendered.width} px: {rendered.cramped[:3]}"
    )
