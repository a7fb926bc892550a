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
