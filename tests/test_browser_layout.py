"""Readable on any projector: at 1280×720 and 1920×1080 nothing on a page is cut or overlapping,
and meeting mode (?mode=present) is large, whole, rotates, and keeps its data date.

Runs the real server in Debian's Chromium and, on every page and every meeting-mode screen,
checks that no card label, value or change, no title, and no page link ends in "…" (an element
whose text is wider than its box), that no chart title overlaps its legend, and that nothing is
fetched from outside 127.0.0.1. Screenshots are saved under tests/screenshots/ to look at.
"""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlparse

import pytest

from tests.streamlit_server import streamlit_server

from tests.test_browser import CHROMIUM, LOCAL_HOSTS, SCREENSHOTS, _open, _require_browser

pytestmark = pytest.mark.browser

PAGES = ["", "credit_risk", "inspections", "lists", "revisits", "penalties"]
VIEWPORTS = [(1280, 720), (1366, 768), (1920, 1080)]
NORMAL_PAGE_SIZES = ("1280x720", "1920x1080")
"""The normal pages are checked at the smallest and the common size; meeting mode at all three."""

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


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    _require_browser()
    from data import demo

    url = f"sqlite:///{tmp_path_factory.mktemp('layout') / 'demo.sqlite'}"
    demo.generate(url, scale=0.02, data_date=date(2026, 11, 22))
    return url


@pytest.fixture(scope="module")
def server(demo_url, tmp_path_factory):
    from data import geo

    env = dict(os.environ, DASHBOARD_DB_URL=demo_url, DASHBOARD_TODAY="2026-11-23")
    try:
        env["DASHBOARD_BOUNDARIES_PATH"] = str(geo.build_boundaries(tmp_path_factory.mktemp("boundaries")))
    except Exception as exc:  # noqa: BLE001 - the map must also work without boundaries
        print(f"boundaries not built ({exc}); the map falls back to circles")
    with streamlit_server(env) as base:
        yield base


def non_blank(path) -> bool:
    """A screenshot with more than a handful of colours (a blank or error page has few)."""
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("RGB").resize((320, 180)).getcolors(maxcolors=1_000_000)
    return colours is not None and len(colours) > 50


@pytest.fixture(scope="module", params=VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def sized_page(request, server):
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
def test_nothing_cut_or_overlapping(server, sized_page, name):
    page, requests, size = sized_page
    if size not in NORMAL_PAGE_SIZES:
        pytest.skip("meeting mode only")
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


SCREENS = ["overview", "credit_risk", "inspections", "lists", "revisits", "penalties"]

# The smallest computed font size of the cards' values and labels and of the chart's texts, and
# whether the screen scrolls.
SIZES = """() => {
  const px = sel => [...document.querySelectorAll(sel)].filter(e => e.innerText && e.innerText.trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  const svg = [...document.querySelectorAll('.js-plotly-plot svg text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize));
  const main = document.querySelector('[data-testid=stMain]');
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  return {value: Math.min(...px('[data-testid=stMetricValue] p')), label: Math.min(...px('[data-testid=stMetricLabel] p')),
          chart: svg.length ? Math.min(...svg) : null,
          scrolls: main.scrollHeight > main.clientHeight + 1 || document.documentElement.scrollHeight > innerHeight + 1,
          sidebar: !!sidebar && sidebar.getBoundingClientRect().width > 0 && getComputedStyle(sidebar).display !== 'none'};
}"""


# Pairs of texts inside one chart whose boxes overlap (bar labels over each other or over the
# tick labels), ignoring hairline touches.
TEXT_ON_TEXT = """() => {
  const hit = [];
  for (const chart of document.querySelectorAll('.js-plotly-plot')) {
    const texts = [...chart.querySelectorAll('.bartext, .xtick text, .ytick text, .textpoint text, .legendtext, .annotation-text')]
      .filter(t => t.textContent.trim()).map(t => [t.textContent.trim(), t.getBoundingClientRect()]);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [s, a] = texts[i], [u, b] = texts[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) hit.push(`${s} / ${u}`);
    }
  }
  return hit;
}"""

# The smallest chart text, once the browser's width has reached the server and the chart has
# been redrawn in proportion (meeting mode's viewport report reruns the script).
CHART_TEXT_SETTLED = """(most) => {
  const px = [...document.querySelectorAll('.js-plotly-plot svg text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize));
  return px.length > 0 && Math.min(...px) <= most;
}"""


@pytest.mark.parametrize("screen", SCREENS)
def test_meeting_mode_is_large_whole_and_fits(server, sized_page, screen):
    page, requests, size = sized_page
    scale = int(size.split("x")[0]) / 1920
    _open(page, f"{server}/?mode=present&screen={screen}")
    if screen != "overview":
        page.wait_for_function(CHART_TEXT_SETTLED, arg=20 * scale + 0.5, timeout=30_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        page.wait_for_timeout(1000)
    shot = SCREENSHOTS / f"present_{screen}_{size}.png"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(shot))
    assert page.locator('[data-testid="stException"]').count() == 0
    sizes = page.evaluate(SIZES)
    assert not sizes["sidebar"] and not sizes["scrolls"], sizes
    # 64 px values and 28 px labels at 1920 px, in proportion at 1280 px; chart text 20 px at
    # 1920 px and in the same proportion below (not the 1920 px size crowding a smaller screen).
    assert sizes["value"] >= 64 * scale - 0.5 and sizes["label"] >= 28 * scale - 0.5, sizes
    assert screen == "overview" or 20 * scale - 0.5 <= sizes["chart"] <= 20 * scale + 0.5, sizes
    assert page.evaluate(TEXT_ON_TEXT) == []
    assert "数据截至2026年11月22日" in page.locator(".present-topline").inner_text()
    assert page.evaluate(CUT_TEXT) == []
    assert page.evaluate(TITLE_ON_LEGEND) == []
    assert non_blank(shot)
    assert outside_hosts(requests) == []


def _title(page) -> str:
    return page.locator(".present-title").inner_text()


def test_rotation_and_keys_keep_the_pinned_data_date(server, demo_url, sized_page):
    """rotate=6 moves to the next screen by itself; → steps by hand; a refresh of report_meta
    during the meeting is announced while every screen stays at the data date it opened with."""
    from sqlalchemy import create_engine, update

    from queries.schema import report_meta

    page, requests, size = sized_page
    if not size.startswith("1920"):
        pytest.skip("once is enough")
    _open(page, f"{server}/?mode=present&rotate=6&screen=overview")
    assert _title(page) == "监管总览"
    assert "asof=2026-11-22" in page.url
    writer = create_engine(demo_url)  # the test-only writable connection: the database refreshes
    with writer.begin() as conn:
        original = conn.execute(report_meta.select().where(report_meta.c.key == "refreshed_at")).one().value
        conn.execute(update(report_meta).where(report_meta.c.key == "refreshed_at")
                     .values(value="2026-11-24T02:00:00+08:00"))
    try:
        page.wait_for_function("document.querySelector('.present-title')?.innerText === '企业信用风险分类'",
                               timeout=20_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        assert "数据截至2026年11月22日" in page.locator(".present-topline").inner_text()
        assert "报表库已更新至2026年11月23日" in page.locator(".present-notice").inner_text()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('.present-title')?.innerText === '双随机、一公开抽查'",
                               timeout=20_000)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("document.querySelector('.present-title')?.innerText === '企业信用风险分类'",
                               timeout=20_000)
        assert "数据截至2026年11月22日" in page.locator(".present-topline").inner_text()
        assert "asof=2026-11-22" in page.url
    finally:
        with writer.begin() as conn:
            conn.execute(update(report_meta).where(report_meta.c.key == "refreshed_at")
                         .values(value=original))
        writer.dispose()
    assert outside_hosts(requests) == []


FULLSCREEN_STATE = """(frame) => {
  const el = document.fullscreenElement || frame;
  const r = el.getBoundingClientRect();
  const plot = el.querySelector('.js-plotly-plot');
  return {text: el.innerText, width: r.width / innerWidth, height: r.height / innerHeight,
          deck: !!el.querySelector('[data-testid=stDeckGlJsonChart] canvas'),
          title: plot ? !!plot.querySelector('.g-gtitle') : null, legend: plot ? !!plot.querySelector('.legend') : null,
          footnote: plot ? [...plot.querySelectorAll('.annotation-text')].map(a => a.textContent).join(' ') : null,
          plotHeight: plot ? plot.getBoundingClientRect().height / innerHeight : null,
          smallestText: plot ? Math.min(...[...plot.querySelectorAll('svg text')].filter(t => t.textContent.trim())
            .map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize))) : null,
          titleTop: plot && plot.querySelector('.g-gtitle') ? plot.querySelector('.g-gtitle').getBoundingClientRect().top : null,
          titleLegendGap: plot && plot.querySelector('.g-gtitle') && plot.querySelector('.legend')
            ? plot.querySelector('.legend').getBoundingClientRect().top - plot.querySelector('.g-gtitle').getBoundingClientRect().bottom : null};
}"""


def _fullscreen(page, selector: str) -> dict:
    """Click the fullscreen button of the first `selector` element; what fills the screen then.
    (Streamlit expands a chart within the window; the map's section uses the browser's fullscreen.)"""
    chart = page.locator(selector).first
    chart.scroll_into_view_if_needed()
    chart.hover()
    page.wait_for_timeout(800)  # the element toolbar shows on hover
    frame = chart.locator("xpath=ancestor::*[@data-testid='stFullScreenFrame'][1]")
    # The toolbar's labels are put into Chinese (dashboard/style.py): 全屏, Fullscreen before that runs.
    frame.locator("button:is([aria-label^='Fullscreen'],[aria-label^='全屏'])").first.click(force=True)
    page.wait_for_timeout(2000)
    state = page.evaluate(FULLSCREEN_STATE, frame.element_handle())
    state["browser_fullscreen"] = page.evaluate("!!document.fullscreenElement")
    return state


def test_fullscreen_keeps_title_legend_and_footnote(server, sized_page):
    page, requests, size = sized_page
    if not size.startswith("1920"):
        pytest.skip("once is enough")
    _open(page, f"{server}/credit_risk")
    state = _fullscreen(page, '[data-testid="stDeckGlJsonChart"]')
    page.screenshot(path=str(SCREENSHOTS / "fullscreen_map_1920x1080.png"))
    # The map takes its section with it: title, legend and footnote, filling the screen.
    assert state["browser_fullscreen"] and state["deck"]
    assert "各旗县市区高风险占比" in state["text"]
    assert "高风险占比：" in state["text"] and "数据截至" in state["text"]
    assert state["width"] > 0.95 and state["height"] > 0.95
    page.evaluate("document.exitFullscreen()")
    _open(page, f"{server}/inspections")
    state = _fullscreen(page, '[data-testid="stPlotlyChart"]')
    page.screenshot(path=str(SCREENSHOTS / "fullscreen_chart_1920x1080.png"))
    assert state["title"] and state["legend"] and "数据截至" in state["footnote"]
    assert state["width"] > 0.95 and state["plotHeight"] > 0.8
    # Projector type: the page's 12 px footnote and 14 px ticks are drawn at least 20 px, and the
    # title is whole at the top of the screen.
    assert state["smallestText"] >= 20 and state["titleTop"] >= 0, state
    # The title, now on one line, sits just above its legend: no empty band between them.
    assert 0 <= state["titleLegendGap"] <= 60, state
    # Closing the fullscreen brings the page's sizes back.
    page.keyboard.press("Escape")
    page.wait_for_timeout(2000)
    smallest = page.evaluate("""() => Math.min(...[...document.querySelector('.js-plotly-plot').querySelectorAll('svg text')]
        .filter(t => t.textContent.trim()).map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize)))""")
    assert smallest < 14, smallest
