"""The 双随机、一公开 page under AppTest, on the hand-built fixture of test_inspections_queries.

The expected figures are worked out in that module's tests; here we check the page shows them.
"""

import json

import pytest

from queries.schema import metadata
from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.conftest import new_database
from tests.fixture_base import KEQIN, KEQIN_YONGQING
from tests.test_inspections_queries import inspection_rows

PAGE = "pages/inspections.py"


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _table(at, first_column: str):
    found = [d.value for d in at.dataframe if d.value.columns[0] == first_column]
    assert found, f"no table starting with {first_column}"
    return found


def _chart(at, title_start: str) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if s["layout"]["title"]["text"].startswith(title_start))


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("inspections_page"), inspection_rows())


def test_headline_cards(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    assert not at.exception
    metrics = _metrics(at)
    # P = 16–22 Nov vs Q = 9–15 Nov (test_headline_last_week / test_headline_comparison_week).
    assert metrics["完成率"] == ("69.2%", "+39.2个百分点")  # 9/13 vs 3/10
    assert metrics[":red[**未达标**] 到期任务完成率（目标100.0%）"] == ("75.0%", "")  # 3/4 vs —: no change shown
    assert metrics[":red[**未达标**] 公示及时率（目标≥95.0%）"] == ("57.1%", "+7.1个百分点")  # 4/7 vs 1/2
    assert metrics[":red[**未达标**] 差异化抽查占比（目标≥70.0%）"] == ("69.2%", "+9.2个百分点")  # 9/13 < 70 % vs 6/10
    assert metrics["问题发现率"] == ("50.0%", "+50.0个百分点")  # 3/6 vs 0/2
    assert metrics["抽查户数"] == ("13", "+3（+30.0%）")
    assert metrics["按期完成率"][0] == "50.0%"  # 2/4
    assert metrics["待公示"] == ("4", "-2（−33.3%）")  # 4 vs 6
    assert metrics["本期检查户数"] == ("6", "+4（+200.0%）")
    assert metrics["联合抽查（占33.3%）"] == ("1", "+1（—）")  # 1 of 3 active tasks vs 0 of 2


def test_region_chart_table_and_lists(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    chart = _chart(at, "各旗县市区抽查完成率与时间进度")
    traces = {t.get("name"): t for t in chart["data"]}
    # 科尔沁区 7/10 = 70 % is behind its 时间进度 94.7 %; 开鲁县 2/3 is ahead of 7.1 %.
    assert traces["完成率（落后于时间进度）"]["y"] == ["科尔沁区"] and traces["完成率（落后于时间进度）"]["x"] == [70.0]
    assert traces["完成率"]["y"] == ["开鲁县"] and traces["完成率"]["x"] == [pytest.approx(200 / 3)]
    assert traces["时间进度"]["x"] == [pytest.approx((6 * 83 / 91 + 4) * 10), pytest.approx(300 / 42)]
    regions = _table(at, "地区")[0]
    assert regions.to_dict("records")[0] == {
        "地区": "科尔沁区", "抽查户数": 10, "已检查": 7, "完成率": "70.0%", "时间进度": "94.7%", "进度": "落后",
        "到期任务完成率": "75.0%（未达标）", "按期完成率": "50.0%", "公示及时率": "100.0%",
        "差异化抽查占比": "60.0%（未达标）",
    }
    assert regions["地区"].tolist() == ["科尔沁区", "开鲁县", "全市"]
    assert regions["到期任务完成率"].tolist()[1] == "—"  # 开鲁县 has no task due: zero denominator
    assert regions["差异化抽查占比"].tolist()[2] == "69.2%（未达标）"
    overdue = _table(at, "旗县市区")[0]
    assert overdue[["旗县市区", "抽查任务", "未检查户数", "逾期天数"]].values.tolist() == [
        ["开鲁县", "企业年度报告公示信息抽查", 1, 23], ["科尔沁区", "企业登记事项抽查", 1, 7],
    ]
    unpublished = _table(at, "旗县市区")[1]
    assert unpublished[["抽查任务", "逾期未公示户数", "最长逾期天数"]].values.tolist() == [
        ["个体工商户登记事项抽查", 2, 25], ["企业年度报告公示信息抽查", 2, 10],
    ]
    grades = _chart(at, "各信用风险等级问题发现率")["data"][0]
    assert grades["y"] == [0, 0, 100.0, 100.0, 0] and "2/2户" in grades["text"][2]
    text = shown_text(at)
    assert "**2个**任务已过完成期限，仍有**2户**未检查" in text
    assert "有1条公示日期早于检查日期" in text and "有1户已检查但未录入检查结果" in text
    assert "全库有1个抽查任务的抽查计划（plan_id）在抽查计划表中不存在" in text


def test_one_county_by_office(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE, params={"county": "150502"})
    chart = _chart(at, "各监管所抽查完成率与时间进度")
    labels = [y for t in chart["data"] if t.get("type") == "bar" for y in t["y"]]
    assert sorted(labels) == sorted(["永清所", "明仁所", "其他"])
    regions = _table(at, "地区")[0]
    # 永清 3 drawn / 2 done, 明仁 4 / 3, 其他 3 / 2, and the county's 合计 10 / 7.
    assert regions[["地区", "抽查户数", "已检查"]].values.tolist() == [
        ["永清所", 3, 2], ["明仁所", 4, 3], ["其他", 3, 2], ["合计", 10, 7],
    ]


def test_zero_denominator_shows_a_dash(monkeypatch, url):
    # 9–15 Nov: no task is due, so 到期任务完成率 and 按期完成率 have no value.
    at = open_page(monkeypatch, url, page=PAGE, params={"preset": "custom", "start": "2026-11-09", "end": "2026-11-15"})
    metrics = _metrics(at)
    assert metrics["到期任务完成率（目标100.0%）"][0] == "—" and metrics["按期完成率"][0] == "—"
    assert metrics[":red[**未达标**] 公示及时率（目标≥95.0%）"][0] == "50.0%"  # 1/2


def test_without_workday_table(monkeypatch, tmp_path):
    db = new_database("sqlite", tmp_path)
    db.create_schema([name for name in metadata.tables if name != "workday_adjustments"])
    rows = inspection_rows()
    del rows["workday_adjustments"]
    db.load(rows)
    at = open_page(monkeypatch, db.url, page=PAGE, params={"preset": "custom", "start": "2026-10-19", "end": "2026-10-25"})
    assert not at.exception
    assert "报表库没有法定节假日与调休表（workday_adjustments），公示期限按周一至周五计算工作日。" in shown_text(at)
    # Monday–Friday: deadlines 19–23 Oct ← inspected 21–25 Sep; 33 (24 Sep → 22 Oct) is unpublished,
    # 32 and 31 (24 Sep, published 29/30 Oct) are late now; 35 (21 Sep, published before) on time → 1/4.
    assert _metrics(at)[":red[**未达标**] 公示及时率（目标≥95.0%）"][0] == "25.0%"


def test_overdue_objects_list_the_outstanding_enterprises(monkeypatch, url):
    page = open_page(monkeypatch, url, page=PAGE)
    table = next(d.value for d in page.dataframe if "完成期限" in d.value.columns and "统一社会信用代码" in d.value.columns)
    # One outstanding object in each overdue task (see the overdue task table): most overdue first.
    assert table[["旗县市区", "抽查任务", "逾期天数"]].values.tolist() == [
        ["开鲁县", "企业年度报告公示信息抽查", 23], ["科尔沁区", "企业登记事项抽查", 7],
    ]


def test_one_office_table_has_no_total_row_repeating_it(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE, params={"county": KEQIN, "office": KEQIN_YONGQING})
    assert not at.exception
    regions = _table(at, "地区")[0]
    assert "合计" not in regions["地区"].tolist() and len(regions) == 1


def test_the_three_completion_rates_look_and_read_different(monkeypatch, url):
    """完成率, 到期任务完成率 and 按期完成率: each card has its own icon and its tooltip opens with
    the one line that tells it from the other two."""
    at = open_page(monkeypatch, url, page=PAGE)
    cards = dict(zip(at.session_state["_shown_figures"], at.metric))
    rates = [cards[code].proto for code in ("completion_rate", "due_task_completion", "on_time_rate")]
    assert len({card.icon for card in rates}) == 3 and all(card.icon for card in rates)
    firsts = [card.help.split("\n\n")[0] for card in rates]
    assert [line[:5] for line in firsts] == ["**进度：", "**结果：", "**守时："]
    assert all("\n" not in line for line in firsts)
