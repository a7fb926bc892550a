"""The real server in Debian's Chromium: every page renders, and nothing leaves 127.0.0.1.

Runs the app on a small generated demo database (with the demo county boundaries when they
can be built) and saves a full-page screenshot of each page under tests/screenshots/ to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
    yield base
    process.terminate()
    process.wait(timeout=20)


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
