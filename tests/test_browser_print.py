"""Printing a page from the browser (Ctrl+P → PDF) through Chromium's print path.

On 企业信用风险分类 at 1280×720 (the issue's case: the sidebar printed, cards cut to "76…",
charts cut at the right): under print media the sidebar and widgets are gone, no card text is
wider than its box, and every chart fits the page's width; the page is then printed to an A4
PDF (saved under tests/screenshots/ to look at).
"""

from __future__ import annotations

import pytest

from tests.test_browser import CHROMIUM, SCREENSHOTS, _open, server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

# Lays the page out at a paper's width (600 px) and measures in the same task, before any chart
# could redraw itself for the new width (as in Chromium's print layout, where no script runs):
# what fits then fits by the print stylesheet alone.
ON_PAPER = """() => {
  const paper = document.createElement('style');
  paper.textContent = '[data-testid=stMainBlockContainer]{width:600px !important; max-width:600px !important}';
  document.head.appendChild(paper);
  const main = document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect();
  // The charts of the open tab (a closed tab's are not drawn, on screen or on paper).
  const shown = [...document.querySelectorAll('.js-plotly-plot .main-svg')].filter(svg => svg.checkVisibility());
  const wide = shown
    .map(svg => svg.getBoundingClientRect())
    .filter(box => box.right > main.right + 1 || box.width < 100)
    .map(box => Math.round(box.width));
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid=stMetricLabel] *, [data-testid=stMetricValue] *,'
      + ' [data-testid=stMetricDelta] *, [data-testid=stCaptionContainer] *')) {
    if (el.innerText && el.innerText.trim() && el.scrollWidth > el.clientWidth + 1) cut.push(el.innerText.trim().slice(0, 30));
  }
  const widgets = [...document.querySelectorAll('[data-testid=stSegmentedControl], [data-testid=stToggle],'
      + ' [data-testid=stPopover], [data-testid=stButton], [data-testid=stDownloadButton]')]
    .filter(el => el.getBoundingClientRect().height > 0).length;
  paper.remove();
  return {charts: shown.length > 0, wide, cut, widgets};
}"""


def test_printing_a_page_hides_the_chrome_and_cuts_nothing(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="zh-CN")
        _open(page, f"{server}/credit_risk")
        assert page.locator('[data-testid="stSidebar"]').is_visible()
        # the charts draw after the script; each SVG gets its viewBox as it appears
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg[viewBox]').length >= 2",
                               timeout=60_000)
        assert page.locator('[data-testid="stMetric"]').count() >= 4
        page.emulate_media(media="print")
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.evaluate(ON_PAPER) == {"charts": True, "wide": [], "cut": [], "widgets": 0}
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "print_credit_risk.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        (SCREENSHOTS / "print_credit_risk.pdf").write_bytes(pdf)
        browser.close()
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
