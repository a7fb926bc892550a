"""Readable on any projector: at 1280×720 and 1920×1080 nothing on a page is cut or overlapping.

Runs the real server (the fixture of test_browser.py) in Debian's Chromium and, on every page,
checks that no card label, value or change, no title, and no page link ends in "…" (an element
whose text is wider than its box), that no chart title overlaps its legend, and that nothing is
fetched from outside 127.0.0.1. Screenshots are saved under tests/screenshots/ to look at.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.test_browser import CHROMIUM, LOCAL_HOSTS, SCREENSHOTS, _open, server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

PAGES = ["", "credit_risk", "inspections", "lists", "revisits", "penalties"]
VIEWPORTS = [(1280, 720), (1920, 1080)]

# Every text element of a card, the titles and the page links: its text must fit its box.
CUT_TEXT = """() => {
  const selectors = ['[data-testid=stMetricLabel] *', '[data-testid=stMetricValue] *',
    '[data-testid=stMetricDelta] *', '[data-testid=stMetricDeltaDescription] *',
    '[data-testid=stHeading] *', '[data-testid=stPageLink] *', '.present-topline *', '.present-title'];
  const cut = [];
  for (const el of document.querySelectorAll(selectors.join(','))) {
    if (!el.innerText || !el.innerText.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY === 'hidden')
      cut.push(el.innerText.trim().slice(0, 40));
  }
  return cut;
}"""

# Each plotly chart: does its title's box intersect its legend's box?
TITLE_ON_LEGEND = """() => {
  const hit = [];
  for (const chart of document.querySelectorAll('.js-plotly-plot')) {
    const title = chart.querySelector('.g-gtitle');
    const legend = chart.querySelector('.legend');
    if (!title || !legend) continue;
    const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
    if (a.width && b.width && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      hit.push(title.textContent.slice(0, 30));
  }
  return hit;
}"""


def non_blank(path) -> bool:
    """A screenshot with more than a handful of colours (a blank or error page has few)."""
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("RGB").resize((320, 180)).getcolors(maxcolors=1_000_000)
    return colours is not None and len(colours) > 50


@pytest.fixture(scope="module", params=VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def sized_page(request, server):  # noqa: F811 - the imported fixture
    from playwright.sync_api import sync_playwright

    width, height = request.param
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
        )
        page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        yield page, requests, f"{width}x{height}"
        browser.close()


def outside_hosts(requests: list[str]) -> list[str]:
    hosts = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    return sorted(hosts - LOCAL_HOSTS)


@pytest.mark.parametrize("name", PAGES)
def test_nothing_cut_or_overlapping(server, sized_page, name):  # noqa: F811
    page, requests, size = sized_page
    _open(page, f"{server}/{name}")
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / f"{name or 'overview'}_{size}.png"
    page.screenshot(path=str(shot))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() >= 3
    assert page.evaluate(CUT_TEXT) == []
    assert page.evaluate(TITLE_ON_LEGEND) == []
    assert non_blank(shot)
    assert outside_hosts(requests) == []
