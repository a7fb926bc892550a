"""The lists page under AppTest on the list fixture of test_lists_queries plus annual reports.

Expected figures are those worked out in test_lists_queries (上周 2026-11-16..22), plus one
abnormal entry of e9 (no office) listed 2024-01-15 and still in stock: opening stock 13 + 1 = 14,
closing 11 + 1 = 12, the week before's closing 13 + 1 = 14; it is in the three-year warning
(anniversary 2027-01-15, 2027-01-15 − 2026-11-22 = 8 + 31 + 15 = 54 days remaining). For the
annual reports: 17 enterprises registered in 2020, none deregistered, so 17 required in both
seasons; report year 2025: e1–e9 filed 2026-03-01 and e10 2026-08-01 (late) → 10 / 17;
report year 2024 at 2025-11-22: e1–e12 filed 2025-03-01 → 12 / 17.
"""

import json
from datetime import date

import pytest

from tests.apptest_support import CHART_TYPES, first_screen, open_page, shown_text, sqlite_fixture
from tests.fixture_base import KAILU, KAILU_TOWN, KEQIN, KEQIN_YONGQING, base_rows, enterprise
from tests.test_lists_queries import ABNORMAL, OFFICE_OF, SERIOUS

PAGE = "pages/lists.py"


def _rows():
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(eid, KAILU if office == KAILU_TOWN else KEQIN, office) for eid, office in OFFICE_OF.items()
    ]
    rows["abnormal_list_entries"] = ABNORMAL + [
        {"id": 99, "enterprise_id": 9, "region_code": KEQIN, "listed_on": date(2024, 1, 15),
         "listing_reason": "unreachable", "removed_on": None, "removal_reason": None},
    ]
    rows["serious_violation_entries"] = SERIOUS
    rows["annual_reports"] = (
        [{"enterprise_id": eid, "report_year": 2025, "submitted_on": date(2026, 3, 1)} for eid in range(1, 10)]
        + [{"enterprise_id": 10, "report_year": 2025, "submitted_on": date(2026, 8, 1)}]
        + [{"enterprise_id": eid, "report_year": 2024, "submitted_on": date(2025, 3, 1)} for eid in range(1, 13)]
    )
    return rows


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("lists_page"), _rows())


@pytest.fixture
def page(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    assert not at.exception, at.exception
    return at


def _metrics(at):
    return [(m.label, m.value, m.delta) for m in at.metric]


def test_headline_cards_of_both_lists(page):
    metrics = _metrics(page)
    # abnormal: inflow 3 (the week before: 1), outflow 5 (0), net −2 (+1), stock 12 (14)
    assert ("本期列入", "3", "+2（+200.0%）") in metrics
    assert ("本期移出", "5", "+5（—）") in metrics
    assert ("净增（列入−移出）", "−2", "-3（−300.0%）") in metrics
    assert ("期末在册（2026年11月22日）", "12", "-2（−14.3%）") in metrics
    # serious: inflow 3, outflow 2, stock 1 (the week before: 1 in stock, nothing in or out)
    assert ("本期列入", "3", "+3（—）") in metrics
    assert ("期末在册（2026年11月22日）", "1", "0（0.0%）") in metrics


def test_each_list_opens_with_its_headline_and_series_the_rest_in_tabs(page):
    """In each list's tab, before its detail tabs: the four flow cards and one chart, the
    weekly series; reasons, regions, warning, credit repair and annual reports are tabs below."""
    lists = page.main.get("tab_container")[0]
    details = {"经营异常名录": ["分原因", "分地区", "届满三年预警", "信用修复", "年报公示率"],
               "严重违法失信名单": ["分原因", "分地区", "信用修复"]}
    for tab in lists.children.values():
        first = first_screen(tab)
        assert [e.label for e in first if e.type == "metric"][:3] == ["本期列入", "本期移出", "净增（列入−移出）"]
        assert len([e for e in first if e.type == "metric"]) == 4
        charts = [e for e in first if e.type in CHART_TYPES]
        assert len(charts) == 1 and "每周列入与移出" in json.loads(charts[0].proto.spec)["layout"]["title"]["text"]
        assert [t.label for t in tab.get("tab")] == details[tab.label]
        assert tab.get("tab")[0].get("plotly_chart")  # the reason charts are still there, in their tab


def test_stock_identity_is_shown(page):
    text = shown_text(page)
    assert "期初在册 14（截至2026年11月15日） ＋ 本期列入 3 − 本期移出 5 ＝ 期末在册 12" in text
    # the serious list's bad row (removed before listed) breaks it, and the page says so
    assert "期初在册 1（截至2026年11月15日） ＋ 本期列入 3 − 本期移出 2 ≠ 期末在册 1" in text


def test_warning_table_rows(page):
    table = next(d.value for d in page.dataframe if "届满三年日期" in d.value.columns)
    assert list(table["企业名称"]) == ["测试企业10", "测试企业11", "测试企业12", "测试企业9", "测试企业13"]
    # "已届满（超过 N 天）": days since the anniversary, counting it; not "N 天内届满".
    assert list(table["状态"]) == ["已届满（超过114天）", "已届满（超过53天）", "已届满（超过1天）", "剩余54天", "剩余90天"]
    assert list(table["旗县市区"]) == ["科尔沁区", "开鲁县", "科尔沁区", "科尔沁区", "开鲁县"]
    # office names without the county's; e9 has no office
    assert list(table["监管所"]) == ["永清所", "开鲁镇所", "明仁所", "—", "开鲁镇所"]
    assert list(table["届满三年日期"]) == [
        date(2026, 8, 1), date(2026, 10, 1), date(2026, 11, 22), date(2027, 1, 15), date(2027, 2, 20)
    ]
    assert "共 5 户次，其中已届满 3 户次" in shown_text(page)
    assert len(page.get("download_button")) == 2


def test_credit_repair_and_annual_report_cards(page):
    metrics = _metrics(page)
    assert ("信用修复移出", "3", "+3（—）") in metrics  # A7 A10 A18
    assert ("列入至修复移出中位天数", "47天", "") in metrics  # median of 2, 47, 533; none the week before
    # 10 / 17 = 58.8 % vs 12 / 17 = 70.6 %: (10 − 12) / 17 = −11.76 points
    assert (":red[**未达标**] 年报公示率（目标≥95.0%）", "58.8%", "-11.8个百分点") in metrics
    assert ("其中逾期公示户数", "1", "+1（—）") in metrics
    assert ("未公示户数", "7", "+2（+40.0%）") in metrics
    assert "较去年同期" in " ".join(m.proto.delta_description for m in page.metric if "年报公示率" in m.label)


def test_series_chart_data(page):
    specs = [json.loads(chart.proto.spec) for chart in page.get("plotly_chart")]
    series = next(spec for spec in specs if "经营异常名录每周列入与移出" in spec["layout"]["title"]["text"])
    inflow, outflow, stock = series["data"][:3]
    assert inflow["y"][-2:] == [1, 3] and outflow["y"][-1] == -5
    assert stock["y"][-1] == 12 and len(stock["y"]) == 13


def test_quality_notes_count_the_orphan_and_the_inverted_row(page):
    text = " ".join(str(e.value) for e in page.get("markdown"))
    assert "经营异常名录有 1 条记录的企业（enterprise_id）在市场主体表中不存在" in text
    assert "严重违法失信名单有 1 条记录的移出日期早于列入日期" in text


def test_one_county_is_broken_down_by_office(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE, params={"county": KEQIN})
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    regions = next(spec for spec in specs if spec["layout"]["title"]["text"].startswith("经营异常名录各监管所"))
    outflow, inflow = regions["data"]
    # 科尔沁区 by office (names without the county's), 其他 = e9 without an office:
    # inflow 永清 A5, 明仁 A2, 其他 A10; outflow 永清 A7, 明仁 A2, 其他 A10
    assert dict(zip(inflow["y"], inflow["x"])) == {"永清所": 1, "明仁所": 1, "其他": 1}
    assert dict(zip(outflow["y"], outflow["x"])) == {"永清所": 1, "明仁所": 1, "其他": 1}


def test_missing_annual_reports_table_keeps_the_lists_and_their_notes(monkeypatch, tmp_path):
    from tests.conftest import new_database

    db = new_database("sqlite", tmp_path)
    db.create_schema()
    rows = base_rows()
    rows["enterprises"] = [enterprise(1, KEQIN, KEQIN_YONGQING)]
    # an orphan entry (enterprise 99 does not exist): the data-quality box must still say so
    rows["abnormal_list_entries"] = [{
        "id": 1, "enterprise_id": 99, "region_code": KEQIN, "listed_on": date(2026, 11, 17),
        "listing_reason": "no_annual_report", "removed_on": None, "removal_reason": None,
    }]
    db.load(rows)
    db.execute("DROP TABLE annual_reports")
    at = open_page(monkeypatch, db.url, page="pages/lists.py")
    assert not at.exception
    assert "经营异常名录有 1 条记录的企业（enterprise_id）在市场主体表中不存在，未计入本页各项数字。" in shown_text(at)
    assert any("annual_reports" in e.value for e in at.error)  # the annual-report section says what is missing


def test_the_highest_stock_label_has_room_below_the_legend():
    """A falling stock (87 → 67 over 13 weeks, as on the demo) puts its first, highest point's
    label at the top of the stock panel: the point stays in the lower three quarters of the
    panel's range, so its label (above it) does not run into the legend."""
    import pandas as pd

    from dashboard import charts_lists

    weeks = pd.date_range("2026-08-24", periods=13, freq="7D")
    stock = [87, 84, 82, 79, 74, 73, 72, 71, 70, 68, 68, 68, 67]
    series = pd.DataFrame({"bucket_start": weeks, "counted_to": weeks + pd.Timedelta(days=6),
                           "inflow": [1] * 13, "outflow": [2] * 13, "stock": stock, "in_period": [False] * 12 + [True]})
    fig = charts_lists.flow_series_figure(series, "每周列入与移出", "口径")
    low, high = fig.layout.yaxis.range
    assert (87 - low) / (high - low) <= 0.75
