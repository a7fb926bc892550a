"""The briefing in the app (dashboard/briefing/app.py) on the overview's fixture week: the
简报用语 box shows the 本期综述 paragraph, and the 生成周报 button produces the documents.
"""

from __future__ import annotations

import pytest

from tests.apptest_support import open_page, sqlite_fixture
from tests.test_briefing_documents import INSPECTIONS_SENTENCE
from tests.test_overview_page import rows


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("briefing_app"), rows())


def test_overview_shows_the_summary_paragraph_to_copy(monkeypatch, url):
    monkeypatch.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "1")  # judge the fixture's few cases
    at = open_page(monkeypatch, url)
    assert not at.exception
    paragraphs = [code.value for code in at.code if code.value.startswith("本周全市")]
    assert len(paragraphs) == 1
    assert paragraphs[0].startswith("本周全市" + INSPECTIONS_SENTENCE)
    assert "请打开" not in paragraphs[0]  # one sentence per topic, not one per region


def test_button_generates_word_and_powerpoint(monkeypatch, url):
    at = open_page(monkeypatch, url)
    at.pills(key="briefing_formats").set_value(["docx", "pptx"]).run()
    at.button(key="briefing_go").click().run(timeout=180)
    assert not at.exception and not at.error
    labels = [button.label for button in at.get("download_button")]
    assert "下载 Word" in labels and "下载 PowerPoint" in labels and "下载 PDF" not in labels


def test_every_chart_exports_a_whole_2x_png_with_chinese_buttons(monkeypatch, url):
    import json

    at = open_page(monkeypatch, url, "pages/revisits.py")
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    for chart in charts:
        config = json.loads(chart.proto.config)
        assert config["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "监管驾驶舱图表"}
        assert config["locale"] == "zh-CN"
        assert config["locales"]["zh-CN"]["dictionary"]["Download plot as a PNG"].startswith("下载图片")
        layout = json.loads(chart.proto.spec)["layout"]
        note = [a for a in layout["annotations"] if a.get("name") == "footnote"][-1]
        lines = note["text"].count("<br>") + 1  # apply's footnote starts 50 px below the plot
        assert layout["margin"]["b"] >= int(0.02 * layout["height"]) + 50 + 17 * lines + 12, layout["title"]["text"]
