"""The real server in Debian's Chromium: every page renders, and nothing leaves 127.0.0.1.

Runs the app on a small generated demo database (with the demo county boundaries when they
can be built) and saves a full-page screenshot of each page under tests/screenshots/ to look at.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.streamlit_server import streamlit_server

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = REPO / "tests" / "screenshots"
# The first visit on the fresh server goes straight to a page URL: streamlit then starts in its
# legacy pages/ mode, and start_page() must bring the run back through the entry script.
PAGES = ["credit_risk", "", "inspections", "lists", "revisits", "penalties"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}

pytestmark = pytest.mark.browser


def _require_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright python package"
    else:
        missing = None if os.path.exists(CHROMIUM) else CHROMIUM
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing; in CI the browser tests must run", pytrace=False)
        pytest.skip(f"{missing} is missing (run ./test.sh as root to install it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    from data import demo, geo

    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{workdir / 'demo.sqlite'}"
    demo.generate(url, scale=0.02, data_date=date(2026, 11, 22))
    env = dict(os.environ, DASHBOARD_DB_URL=url, DASHBOARD_TODAY="2026-11-23")
    try:
        env["DASHBOARD_BOUNDARIES_PATH"] = str(geo.build_boundaries(workdir / "boundaries"))
    except Exception as exc:  # noqa: BLE001 - the map must also work without boundaries
        print(f"boundaries not built ({exc}); the map falls back to circles")
    with streamlit_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        yield page, requests
        browser.close()


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000)
    page.wait_for_timeout(2500)  # charts and the deck draw after the script finishes


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_without_errors(server, browser_page, name):
    page, _ = browser_page
    _open(page, f"{server}/{name}")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name or 'overview'}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "数据截至 2026年11月22日" in page.locator('[data-testid="stApp"]').inner_text()
    assert "建设中" not in body
    # the entry script's navigation (Chinese titles, overview first), not streamlit's file list
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "credit risk" not in nav and nav.index("监管总览") < nav.index("企业信用风险分类")
    assert page.locator('[data-testid="stMetric"]').count() >= 3


def test_map_draws_offline(server, browser_page):
    page, _ = browser_page
    _open(page, f"{server}/credit_risk")
    assert page.locator('[data-testid="stDeckGlJsonChart"] canvas').count() >= 1


def test_no_request_leaves_the_machine(server, browser_page):
    page, requests = browser_page
    _open(page, f"{server}/credit_risk")
    assert requests, "the browser made no requests at all"
    outside = sorted({urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")} - LOCAL_HOSTS)
    assert outside == [], f"requests to outside hosts: {outside}"


def _coloured_spot(png: bytes) -> tuple[int, int]:
    """The centre of the 8 px cell with the most risk-coloured (orange/red) pixels in a screenshot
    of the map: an office circle (the county outline around it is grey)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    coloured = (pixels[..., 0] - pixels[..., 2] > 80) & (pixels[..., 0] > 150)
    ys, xs = np.nonzero(coloured)
    assert len(xs), "no office circle drawn"
    cells: dict[tuple[int, int], int] = {}
    for cell in zip((xs // 8).tolist(), (ys // 8).tolist()):
        cells[cell] = cells.get(cell, 0) + 1
    x, y = max(cells, key=cells.get)
    return x * 8 + 4, y * 8 + 4


def test_map_drills_from_office_to_its_cd_list(server, browser_page):
    page, _ = browser_page
    _open(page, f"{server}/credit_risk?county=150502")
    deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
    deck.scroll_into_view_if_needed()
    caption = page.get_by_text("的C/D类企业名单（地图上点击其他监管所可切换）")
    for _ in range(4):  # the deck draws (and fits its view) a moment after the script has finished
        page.wait_for_timeout(4000)
        box = deck.bounding_box()
        shot = deck.screenshot()
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / "credit_risk_offices_map.png").write_bytes(shot)
        x, y = _coloured_spot(shot)
        page.mouse.click(box["x"] + x, box["y"] + y)
        try:
            caption.wait_for(timeout=20_000)
            break
        except Exception:  # noqa: BLE001 - not drawn yet: look again
            continue
    opened = page.get_by_text("的C/D类企业名单（地图上点击其他监管所可切换）").inner_text()
    office = opened.removeprefix("已打开").split("的C/D类企业名单")[0]
    assert office.endswith("所") and not office.startswith("科尔沁区")  # the office's short name (明仁所)
    # The list's region picker now shows that office, and the list is its C/D enterprises.
    assert page.locator('input[aria-label="地区"]').input_value() == office
    assert page.get_by_text("共 ").count() >= 1 and page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "credit_risk_office_list.png"))


def test_view_state_is_in_the_url(server, browser_page):
    from urllib.parse import quote, unquote

    page, _ = browser_page
    _open(page, f"{server}/credit_risk?credit_map_measure={quote('D类数量')}&credit_map_density=true")
    # The link's view is shown, and the URL still holds it after the filter wrote its parameters.
    assert page.get_by_text("各旗县市区D类数量").count() >= 1
    url = unquote(page.url)
    assert "credit_map_measure=D类数量" in url and "credit_map_density=true" in url and "preset=last_week" in url
    _open(page, f"{server}/lists")
    page.get_by_role("tab", name="严重违法失信名单").click()
    page.wait_for_timeout(2000)
    assert "list_tab=严重违法失信名单" in unquote(page.url)


def test_toolbars_and_screen_reader_labels_speak_chinese(server, browser_page):
    page, _ = browser_page
    _open(page, f"{server}/inspections")
    page.wait_for_timeout(1000)
    labels = page.evaluate("() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))")
    assert not [label for label in labels if ":red[" in label or ":green[" in label or "**" in label or "Help for" in label]
    assert any(label.startswith("说明：未达标") for label in labels)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.hover()
    page.wait_for_timeout(800)
    toolbar = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stElementToolbar] button')].map(b => b.getAttribute('aria-label'))")
    assert toolbar and not {"Show/hide columns", "Download as CSV", "Search", "Fullscreen"} & set(toolbar)
    assert "搜索" in toolbar
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.hover()
    page.wait_for_timeout(800)
    titles = page.evaluate("() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
    assert any(t.startswith("下载图片") for t in titles) and "Download plot as a PNG" not in titles


def test_table_download_is_written_when_clicked(server, browser_page):
    """The table files are deferred (written on click, not on every run): the click still
    delivers the table, with its 说明 sheet."""
    import io

    from openpyxl import load_workbook

    page, _ = browser_page
    _open(page, f"{server}/")
    button = page.locator('[data-testid="stDownloadButton"] button', has_text="下载 Excel").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as download:
        button.click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    data, notes = book["数据"], book["说明"]
    assert data.cell(1, 1).value == "主体类型" and data.max_row >= 3
    assert data.cell(data.max_row, 1).value == "合计" and isinstance(data.cell(data.max_row, 2).value, int)
    assert any(row[0].value == "数据截至" and row[1].value == "2026年11月22日" for row in notes.iter_rows())


def test_load_client_drives_every_page(server):
    """bench/loadtest.py's websocket client asks for each page as the browser does and sees it
    finish (a check that the load-test tool still speaks Streamlit's protocol; no timing)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from bench import loadtest

    # its own thread: the module's sync playwright keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        visits = pool.submit(asyncio.run, loadtest.run(server, sessions=2, rounds=1, timeout_s=90)).result()
    assert sorted(v.page for v in visits) == sorted(2 * [p or "overview" for p in loadtest.PAGES])
    assert [v for v in visits if v.error or v.seconds is None] == []


def test_first_visit_opens_a_session_of_a_started_server(server):
    """scripts/first_visit.py (run by ./run.sh beside the server) waits for the server, runs the
    overview once (which starts the pre-warm thread) and exits 0; on a port with no server it
    gives up with exit 1 and one line, never an exception."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlparse

    from scripts import first_visit

    port = str(urlparse(server).port)
    with ThreadPoolExecutor(1) as pool:  # its own thread, as above
        assert pool.submit(first_visit.main, ["--port", port, "--wait", "90"]).result() == 0
        assert pool.submit(first_visit.main, ["--port", "9", "--wait", "1"]).result() == 1
