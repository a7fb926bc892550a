"""The weekly briefing (dashboard/briefing): 本期综述 words, and the PDF, Word, PowerPoint and PNG
documents generated for the overview's fixture week (tests/test_overview_page.py).

P = 2026-11-16..22 (上周, as-of 11-22), Q = 2026-11-09..15; the expected figures are the ones
worked out in test_overview_page.py and the query tests: 抽查完成率 3/6 (P) against 2/6 (Q),
差异化抽查占比 4/6 with 开鲁县 0/2, 回访率 2/3 with 科尔沁区 2/2 and 开鲁县 0/1.
The documents are generated once for the module (one kaleido and one chromium start).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from dashboard.briefing import generate
from dashboard.briefing.runner import QueryRunner, load_context
from dashboard.briefing.topics import build_briefing
from tests.apptest_support import sqlite_fixture
from tests.fixture_base import TODAY
from tests.test_overview_page import rows

FILTER_SENTENCE = "2026年11月16日—22日（第47周），环比上周，全市"
AS_OF = "数据截至2026年11月22日"
BUREAU = "通辽市市场监督管理局"
INSPECTIONS_SENTENCE = (
    # 完成率 3/6 = 50.0% vs Q 2/6 = 33.33% → +16.7; 差异化 4/6 = 66.7% < 70%, 开鲁县 0/2;
    # 到期任务 3/4 = 75.0% (科尔沁区 task 1); 公示及时 1/2 = 50.0% (开鲁县 task 3)
    "“双随机、一公开”抽查完成率50.0%，较上周提高16.7个百分点；"
    "差异化抽查占比66.7%，未达到70%的目标，开鲁县（0.0%）低于目标；"
    "到期任务完成率75.0%，未达到100%的目标，科尔沁区（75.0%）低于目标；"
    "公示及时率50.0%，未达到95%的目标，开鲁县（50.0%）低于目标。"
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_TODAY", TODAY.isoformat())
        # every fixture rate is over a handful of cases: judge them all (small samples: own test)
        mp.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "1")
        url = sqlite_fixture(tmp_path_factory.mktemp("briefing"), rows())
        mp.setenv("DASHBOARD_DB_URL", url)
        yield url


@pytest.fixture(scope="module")
def documents(env, tmp_path_factory):
    """{format: path} of the four formats for 上周, written by the command line's own function."""
    from dashboard.briefing import images

    run = QueryRunner(env)
    ctx = load_context(run, "last_week")
    _, outputs = generate.briefing_outputs(run, ctx, generate.FORMATS)
    folder = tmp_path_factory.mktemp("out")
    paths = generate.write_outputs(outputs, folder)
    images.stop()
    return {output.fmt: path for output, path in zip(outputs, paths)}


def words(url):
    run = QueryRunner(url)
    return build_briefing(run, load_context(run, "last_week"), with_charts=False)


def test_summary_names_off_target_counties_with_value_and_target(env):
    briefing = words(env)
    assert briefing.summary.startswith("本周全市" + INSPECTIONS_SENTENCE)
    assert briefing.topics[0].sentence == INSPECTIONS_SENTENCE


def test_summary_when_the_city_meets_the_target_but_a_county_does_not(env, monkeypatch):
    # 差异化 target 60 %: the city's 4/6 = 66.7 % meets it, 开鲁县's 0/2 does not — the seeds' form
    monkeypatch.setenv("DASHBOARD_TARGET_DIFFERENTIATED_SHARE", "0.6")
    sentence = words(env).topics[0].sentence
    assert "；差异化抽查占比66.7%，开鲁县（0.0%）未达到60%的目标；" in sentence


def test_small_samples_are_said_so_and_not_judged(env, monkeypatch):
    # fewer than 5 cases: 到期任务 3/4, 公示及时 1/2 (and every county's rate) read as 样本少
    monkeypatch.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "5")
    topic = words(env).topics[0]
    assert topic.sentence == (
        "“双随机、一公开”抽查完成率50.0%，较上周提高16.7个百分点；"
        "差异化抽查占比66.7%，未达到70%的目标，开鲁县（0.0%，样本少）低于目标；"
        "到期任务完成率75.0%（3/4户），样本少，不判断达标；科尔沁区（75.0%，样本少）低于100%的目标；"
        "公示及时率50.0%（1/2户），样本少，不判断达标；开鲁县（50.0%，样本少）低于95%的目标。"
    )
    assert topic.headlines[2].verdict == "样本少，不判断达标"


def test_summary_sentences_of_the_other_topics(env):
    topics = {t.key: t.sentence for t in words(env).topics}
    # 列入 2 in P (entries 1, 2) vs 1 in Q (entry 3); 移出 1 (entry 4); 在册 3 (1, 2, 3);
    # 2025年度: 9 of 10 filed = 90.0 %, 开鲁县 4/5
    assert topics["lists"] == (
        "经营异常名录列入2条，较上周增加1条，移出1条，期末在册3条；"
        "2025年度年报公示率90.0%，未达到95%的目标，开鲁县（80.0%）低于目标。"
    )
    # C+D at 11-22: 3 (C), 4 (D), 5 (D after 11-18), 9 (C) = 4 of 10; at 11-15: 3 of 10 → +10.0
    assert topics["credit_risk"] == "已评级企业10户，其中高风险（C+D类）企业占比40.0%，较上周上升10.0个百分点；D类企业2户。"
    # due in P: revisits 1, 3 (科尔沁区, done) and 2 (开鲁县, open) = 2/3; Q: revisit 6 done 1/1;
    # tier-3 cases decided in P: 4 and 5, both with a revisit = 2/2
    assert topics["revisits"] == (
        "执法事后回访率66.7%，较上周降低33.3个百分点，未达到90%的目标，开鲁县（0.0%）低于目标；"
        "三级案件抽访比例100.0%，达到30%的目标。"
    )
    # case 5 免罚 (2000 − 0), case 7 减轻 (10000 − 4000): 8000 元 = 0.80万元; fines 500 + 0 + 4000
    assert topics["penalties"] == (
        "办理轻微免罚、首违不罚案件1件，从轻、减轻案件1件，减免处罚0.80万元；"
        "从重处罚案件0件，各类处罚案件罚没款合计0.45万元。"
    )


def _non_blank(png: bytes) -> bool:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    return pixels.std() > 5


def test_pdf_pages_text_font_and_images(documents):
    from pypdf import PdfReader

    reader = PdfReader(documents["pdf"])
    # 综述 and 需关注 (two pages); a page per topic, credit risk's table on a second one
    assert len(reader.pages) == 8
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (FILTER_SENTENCE, AS_OF, BUREAU, "监管周报", "2026年第47周（11月16日—22日）", INSPECTIONS_SENTENCE[:30],
                     "第1页/共8页", "第8页/共8页"):
        assert expected in text.replace("\n", ""), expected
    fonts = {
        font.get_object()["/BaseFont"]: font.get_object()
        for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    cjk = [name for name in fonts if "CJK" in name]
    assert cjk, fonts.keys()
    descendant = fonts[cjk[0]]["/DescendantFonts"][0].get_object()
    assert "/FontFile3" in descendant["/FontDescriptor"].get_object()  # embedded, not only named
    # pages share one resource dictionary: count each image once
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == 6  # one chart per topic, two for credit risk
    assert all(_non_blank(data) for data in images)


def test_docx_text_tables_images_and_page_numbers(documents):
    from docx import Document

    document = Document(documents["docx"])
    text = "\n".join(p.text for p in document.paragraphs)
    assert FILTER_SENTENCE in text and AS_OF in text and BUREAU in text
    assert INSPECTIONS_SENTENCE in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"抽查完成率", "50.0%", "较上周提高16.7个百分点", "差异化抽查占比", "66.7%", "未达标（目标≥70.0%）"} <= cells
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "数据截至2026年11月22日" in footer
    pictures = [rel.target_part.blob for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(pictures) == 6 and all(_non_blank(png) for png in pictures)


def test_pptx_slides_native_charts_and_images(documents):
    from pptx import Presentation

    deck = Presentation(documents["pptx"])
    slides = list(deck.slides)
    # title, 综述, 需关注, then one slide per topic chart (credit risk: map and trend)
    assert len(slides) == 9
    assert deck.slide_width * 9 == deck.slide_height * 16
    texts = ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert FILTER_SENTENCE in texts[0] and AS_OF in texts[0] and BUREAU in texts[0]
    assert all(BUREAU in t and AS_OF in t and f"{i}/9" in t for i, t in enumerate(texts, 1))
    assert "50.0%" in texts[3] and "较上周提高16.7个百分点" in texts[3]
    charts = {shape.chart.chart_title.text_frame.text: shape.chart
              for slide in slides for shape in slide.shapes if shape.has_chart}
    revisit = next(chart for title, chart in charts.items() if title.startswith("分地区回访率"))
    assert list(revisit.plots[0].categories) == ["科尔沁区", "开鲁县"]
    assert list(revisit.plots[0].series[0].values) == [100.0, 0.0]  # 2/2 and 0/1
    completion = next(chart for title, chart in charts.items() if "抽查完成率" in title)
    assert list(completion.plots[0].series[0].values) == [75.0, 0.0]  # 科尔沁区 3/4, 开鲁县 0/2
    with zipfile.ZipFile(documents["pptx"]) as archive:  # editable: the chart's data travels along
        assert any(name.endswith(".xlsx") for name in archive.namelist())
    pictures = [shape.image.blob for slide in slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 1 and _non_blank(pictures[0])  # the county map


def test_png_sections_are_full_hd_and_stamped(documents):
    folder = documents["png"]
    files = sorted(folder.iterdir())
    assert [f.name[:2] for f in files] == ["01", "02", "03", "04", "05", "06", "07", "08"]
    for file in files:
        data = file.read_bytes()
        assert Image.open(io.BytesIO(data)).size == (1920, 1080)
        assert _non_blank(data)
    assert not list(folder.parent.glob(".*part"))  # no temporary file left behind


def test_command_line_fails_in_one_sentence(env, tmp_path, capsys, monkeypatch):
    from dashboard.briefing.__main__ import main

    missing = tmp_path / "missing.sqlite"
    assert main(["--db-url", f"sqlite:///{missing}", "--format", "pdf", "--out", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"SQLite 报表库文件不存在：{missing}。"]
    code = main(["--preset", "custom", "--start", "2026-12-01", "--end", "2026-12-07", "--format", "pdf", "--quiet",
                 "--out", str(tmp_path / "b")])
    assert code == 1
    assert capsys.readouterr().err.strip() == "报表数据截至2026-11-22，所选时间段（2026-12-01起）尚无数据。"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_command_line_help_explains_every_option(capsys):
    from dashboard.briefing.__main__ import main, parser

    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    for action in parser()._actions:
        for flag in action.option_strings:
            assert flag in shown
        assert action.help, action.option_strings
    assert "last_week=上周" in shown and "pptx" in shown


def test_command_line_writes_and_says_nothing_else(env, tmp_path, capsys):
    from dashboard.briefing.__main__ import main

    out = tmp_path / "briefings"
    assert main(["--format", "docx", "--topics", "penalties", "--quiet", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # a cron mail means a failure
    written = out / "监管周报_2026-11-16_2026-11-22_包容审慎减免处罚.docx"
    assert captured.out.strip() == str(written) and written.stat().st_size > 0
    assert [p.name for p in out.iterdir()] == [written.name]  # no temporary file left
