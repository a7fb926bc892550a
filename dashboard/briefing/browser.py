"""Debian's chromium through playwright, offline: screenshot HTML to PNG (the PNG sections).

Only data: URIs load; any other request is aborted, so a briefing never reaches outside.
"""

from __future__ import annotations

from contextlib import contextmanager

from dashboard.briefing.images import browser_path
from dashboard.db import DataError


@contextmanager
def chromium():
    """A headless chromium (the system one; playwright never downloads a browser here)."""
    from playwright.sync_api import Error, sync_playwright

    path = browser_path()
    if not path:
        raise DataError("未找到 Chromium（/usr/bin/chromium），无法生成 PDF/PNG；请安装 Debian 的 chromium 包。")
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        except Error as exc:
            raise DataError(f"无法启动 Chromium（{path}）：{str(exc).splitlines()[0][:160]}。") from exc
        try:
            yield browser
        finally:
            browser.close()


def _offline_page(browser, **options):
    page = browser.new_page(**options)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("data:") else route.abort())
    return page


def screenshot(browser, html: str, width: int = 1920, height: int = 1080) -> bytes:
    page = _offline_page(browser, viewport={"width": width, "height": height})
    page.set_content(html, wait_until="load")
    png = page.screenshot(type="png", full_page=False)
    page.close()
    return png
