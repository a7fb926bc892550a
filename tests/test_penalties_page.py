"""The 包容审慎减免处罚 page under AppTest, on the fixture of tests/test_penalties_queries.py.

上周 = 2026-11-16..22: 免罚 3, 从轻减轻 3, 从重 1, 9 cases, 减免处罚 20299.85 元, 从重罚没 80000.00 元,
罚没款合计 98900.55 元. The comparison week 11-09..15: 免罚 1, 从轻减轻 0, 从重 0,
减免处罚 300.00 元, 罚没款合计 800.00 元 (the query test derives every figure).
"""


from decimal import Decimal

import pytest

from tests.apptest_support import chart_titled, metric_values, open_page, shown_text, sqlite_fixture
from tests.fixture_base import KEQIN, KEQIN_YONGQING
from tests.test_penalties_queries import penalty_rows

PAGE = "pages/penalties.py"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("penalties_page"), penalty_rows())


@pytest.fixture(scope="module")
def page(url):
    monkeypatch = pytest.MonkeyPatch()
    try:
        at = open_page(monkeypatch, url, PAGE)
        yield at
    finally:
        monkeypatch.undo()


metrics = metric_values
plotly = chart_titled


def test_headline_cards(page):
    assert not page.exception
    assert "PenaltySummary" not in shown_text(page)  # no stray module string printed by streamlit's magic
    shown = metrics(page)
    assert shown["免罚案件（轻微免罚+首违不罚）"] == ("3", "+2（+200.0%）")  # 3 vs 1
    assert shown["从轻、减轻案件"] == ("3", "+3（—）")  # 3 vs 0: no percentage
    # 20299.85 元 = 2.029985 万元 → 2.03; change 19999.85 元 → +2.00万元, +6666.6% (19999.85 / 300)
    assert shown["减免处罚金额"] == ("2.03万元", "+2.00万元（+6666.6%）")
    assert shown["从重处罚案件"] == ("1", "+1（—）")
    assert shown["从重处罚罚没款"] == ("8.00万元", "+8.00万元")  # comparison 0: no percentage
    # 98900.55 元 → 9.89万元; change 98100.55 元 → +9.81万元, +12262.6% (98100.55 / 800)
    assert shown["罚没款合计（全部案件）"] == ("9.89万元", "+9.81万元（+12262.6%）")


def test_briefing_sentence(page):
    assert [code.value for code in page.code] == [
        "2026年11月16日—22日，全市市场监管系统共办理轻微免罚、首违不罚案件3件，从轻、减轻案件3件，"
        "减免处罚2.03万元；办理从重处罚案件1件，涉及罚没款8.00万元。同期各类处罚案件9件，罚没款合计9.89万元。"
    ]


def test_category_chart(page):
    spec = plotly(page, "各类处罚案件数")
    counts = {y: x for trace in spec["data"] for y, x in zip(trace["y"], trace["x"])}
    assert counts == {
        "从重处罚": 1, "一般处罚": 1, "从轻处罚": 2, "减轻处罚": 1,
        "简易程序处罚": 1, "轻微违法不予处罚": 1, "首违不罚": 2,
    }
    texts = {y: t for trace in spec["data"] for y, t in zip(trace["y"], trace["text"])}
    assert texts["从轻处罚"] == "2件｜减免0.78万元"  # 7800.05 元
    assert texts["一般处罚"] == "1件"


def test_region_chart_and_table(page):
    spec = plotly(page, "各旗县市区减免处罚金额")
    bar = spec["data"][0]
    # 科尔沁区 12800.05 元 → 1.28; 开鲁县 7499.80 元 → 0.75; brackets: 免罚 + 从轻减轻 cases (1+2, 2+1)
    assert (bar["y"], bar["x"]) == (["科尔沁区", "开鲁县"], [1.28, 0.75])
    assert bar["text"] == ["1.28万元（3件）", "0.75万元（3件）"]
    table = page.dataframe[0].value
    assert list(table["地区"]) == ["科尔沁区", "开鲁县", "合计"]
    assert list(table["案件合计（件）"]) == [6, 3, 9]
    assert list(table["减免处罚（万元）"]) == [1.28, 0.75, 2.03]  # the total is summed exactly, then rounded
    assert list(table["罚没款合计（万元）"]) == [9.64, 0.25, 9.89]


def test_violation_type_and_trend_charts(page):
    bar = plotly(page, "各违法类型减免处罚金额")["data"][0]
    assert bar["y"] == ["食品安全", "广告", "无照经营", "年报", "其他", "价格"]
    assert bar["x"] == [0.80, 0.75, 0.50, 0.0, 0.0, -0.02]  # 8000.05, 7499.50, 5000.00, 0.30, 0, −200.00 元
    trend = plotly(page, "近12个月减免处罚金额与案件数")
    amounts = trend["data"][0]
    assert len(amounts["x"]) == 12 and amounts["x"][0] == "2025年12月" and amounts["x"][-1] == "11月（至22日）"
    assert (amounts["y"][0], amounts["y"][-1]) == (0.05, 2.06)  # 500.00 元; 20599.85 元
    exempt = next(trace for trace in trend["data"] if trace["name"] == "免罚（件）")
    cut = next(trace for trace in trend["data"] if trace["name"] == "免罚（件）（未满月）")
    # November is cut at the as-of date: its point is drawn apart (dotted, open), from October's.
    assert len(exempt["y"]) == 11 and cut["x"] == ["10月", "11月（至22日）"]
    assert cut["y"][-1] == 4 and cut["line"]["dash"] == "dot"  # cases 6, 7, 10 and 13 in November
    assert amounts["marker"]["pattern"]["shape"][-1] == "/" and amounts["marker"]["pattern"]["shape"][0] == ""


def test_quality_notes(page):
    text = shown_text(page)
    assert "数据质量提示（3）" in [expander.label for expander in page.expander]
    assert "1件从轻、减轻或免罚案件的实际罚没款高于裁量基准罚款" in text
    assert "1件处罚案件的市场主体编号（enterprise_id）在市场主体表中不存在" in text
    # the doctor's data check: the fixture has one case decided after the data date
    assert "表 enforcement_cases（行政处罚案件）的字段 decided_on 有 1 个日期晚于数据截至日（2026年11月22日），不计入截至该日的数字。" in text


def test_office_filter_narrows_page_and_sentence(url, monkeypatch):
    at = open_page(monkeypatch, url, PAGE, params={"county": KEQIN, "office": KEQIN_YONGQING})
    assert not at.exception
    assert metrics(at)["减免处罚金额"][0] == "0.80万元"  # case 3 only: 8000.05 元
    assert at.code[0].value.startswith("2026年11月16日—22日，科尔沁区永清市场监管所共办理轻微免罚、首违不罚案件0件，")
    assert plotly(at, "各监管所减免处罚金额")["data"][0]["y"] == ["永清所"]  # the office by its short name


def test_period_without_cases(url, monkeypatch):
    at = open_page(monkeypatch, url, PAGE, params={"preset": "custom", "start": "2026-01-05", "end": "2026-01-11"})
    assert not at.exception
    assert at.code[0].value == "2026年1月5日—11日，全市市场监管系统未办理行政处罚案件。"
    assert metrics(at)["减免处罚金额"][0] == "0.00万元"
    # only the whole-table data check (a case decided after the data date) remains
    assert [expander.label for expander in at.expander if expander.label.startswith("数据质量提示")] == ["数据质量提示（1）"]


def test_waived_case_list_adds_up_to_the_card(page):
    table = next(d.value for d in page.dataframe if "减免金额（元）" in d.value.columns)
    # The 3 免罚 and 3 从轻减轻 cases of P, latest decision first; their (base − fine) sum to the
    # card's 20299.85 元.
    assert len(table) == 6 and "共 6 条" in shown_text(page)
    assert sum(table["减免金额（元）"]) == Decimal("20299.85")
    assert list(table["决定日期"]) == sorted(table["决定日期"], reverse=True)
