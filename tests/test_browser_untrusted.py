"""In Chromium, on a database whose names, reasons and bureau name are link, image and tag
payloads (tests/test_untrusted_text.py), and with such URL parameters: no page makes a request
that leaves 127.0.0.1, and no payload becomes a link or an image."""

from __future__ import annotations

import os
from urllib.parse import quote, urlparse

import pytest

from tests.streamlit_server import streamlit_server

from tests.apptest_support import sqlite_fixture
from tests.test_browser import CHROMIUM, LOCAL_HOSTS, _open, _require_browser
from tests.test_untrusted_text import IMAGE, LINK, payload_rows

pytestmark = pytest.mark.browser
PAGES = ["", "credit_risk", "inspections", "lists", "revisits", "penalties"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    url = sqlite_fixture(tmp_path_factory.mktemp("browser_untrusted"), payload_rows())
    env = dict(os.environ, DASHBOARD_DB_URL=url, DASHBOARD_TODAY="2026-11-23")
    with streamlit_server(env) as base:
        yield base


def test_payloads_make_no_outside_request_and_no_link(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        links = [f"{server}/{name}" for name in PAGES]
        links.append(f"{server}/lists?preset={quote(LINK)}&cmp={quote(IMAGE)}&county=150502")
        for link in links:
            _open(page, link)
            assert page.locator('[data-testid="stException"]').count() == 0, link
            assert page.locator('a[href*="evil"], img[src*="evil"], [style*="evil"]').count() == 0, link
        browser.close()
    assert requests
    outside = sorted({urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")} - LOCAL_HOSTS)
    assert outside == [], f"requests to outside hosts: {outside}"
