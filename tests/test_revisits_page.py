"""The 执法事后回访 page under AppTest on the revisits query fixture (figures worked out there)."""

import json
from datetime import date

import pandas as pd
import pytest

from dashboard.charts_revisits import overdue_table
from dashboard.theme import whole_title

from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.fixture_base import KEQIN
from tests.test_revisits_queries import rows

PAGE = "pages/revisits.py"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("revisits_page"), rows())


def _charts(at) -> dict[str, dict]:
    """Charts by their whole title (a long one's bracketed part is drawn on a second line)."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {whole_title(spec["layout"]["title"]["text"]): spec for spec in specs}


def test_headline_cards(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    assert not at.exception
    assert not at.error
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    # P: due 7, done 5 (Q: 2, 1); overdue 3 (Q: 2); tier 3: 2 / 4 (Q: none); rectified 3 / 4 (Q: 1 / 1)
    assert cards["本期应回访"] == ("7", "+5（+250.0%）")
    assert cards["已回访"] == ("5", "+4（+400.0%）")
    # 5/7 = 71.43 % vs 1/2 = 50 %: +21.4 points, below the 90 % target
    assert cards[":red[**未达标**] 回访率（目标≥90.0%）"] == ("71.4%", "+21.4个百分点")
    # on time 4/7 = 57.14 % vs 1/2: +7.1 points
    assert cards["按期回访率"] == ("57.1%", "+7.1个百分点")
    assert cards["逾期未回访"] == ("3", "+1（+50.0%）")
    assert cards[":green[达标] 三级案件抽访比例（目标≥30.0%）"][0] == "50.0%"
    assert cards[":green[达标] 三级案件抽访比例（目标≥30.0%）"][1] == ""  # Q has no tier-3 case: no delta shown
    # 3/4 = 75 % vs 1/1 = 100 %: −25.0 points
    assert cards["整改到位率"] == ("75.0%", "-25.0个百分点")


def test_charts_show_rates_with_target_words(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    charts = _charts(at)
    tier = charts["分等级回访率（2026年11月16日—22日）"]["data"][0]
    assert tier["x"] == ["重违严惩<br>（每年两次）", "一般/从轻/减轻<br>（每年至少一次）", "简易/轻微免罚/首违不罚<br>（抽访30%）"]
    assert tier["text"] == ["50.0%<br>（1/2）<br>未达标", "66.7%<br>（2/3）<br>未达标", "100.0%<br>（1/1）"]
    region = charts["分地区回访率（2026年11月16日—22日）"]["data"][0]
    assert region["y"] == ["科尔沁区", "开鲁县"]
    assert region["text"] == ["83.3%（5/6）未达标", "0.0%（0/1）未达标"]
    sampling = charts["分地区三级案件抽访比例（2026年11月16日—22日决定的案件）"]["data"][0]
    assert sampling["text"] == ["50.0%（1/2）", "50.0%（1/2）"]
    methods = charts["回访方式构成（2026年11月16日—22日完成的回访）"]["data"][0]
    assert methods["y"] == ["现场", "电话", "问卷", "座谈"]
    assert methods["x"] == [2, 2, 1, 0]
    assert methods["text"][0] == "2 次（40.0%）"


def _overdue(at):
    """The overdue-revisit list (paged in SQL, dashboard/detail_table.py)."""
    return next(d.value for d in at.dataframe if "案号" in d.value.columns)


def test_overdue_table_and_quality_notes(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE)
    table = _overdue(at)
    assert table["案号"].tolist() == ["通市监处〔2026〕9号", "通市监处〔2026〕3号", "通市监处〔2026〕1号"]
    assert table["旗县市区"].tolist() == ["科尔沁区", "开鲁县", "科尔沁区"]
    assert table["逾期天数"].tolist() == [53, 4, 3]
    assert table["轮次"].tolist() == ["第1次", "第1次", "第2次"]
    text = shown_text(at)
    assert "截至11月22日共 3 条回访到期未完成" in text
    assert "1 条回访记录的案件在行政处罚案件表中不存在，已从各项指标中剔除。" in text
    assert "1 条回访记录所属案件的当事企业在市场主体表中不存在，已从各项指标中剔除。" in text
    assert "1 件本期决定的三级案件的当事企业在市场主体表中不存在，未计入抽访比例。" in text
    assert "1 条回访记录所属案件的处罚类别不在7类之内，计入合计，不计入任何回访等级。" in text
    assert len(at.get("download_button")) == 2


def test_one_county_groups_by_office(monkeypatch, url):
    at = open_page(monkeypatch, url, page=PAGE, params={"county": KEQIN})
    assert not at.exception
    region = _charts(at)["分地区回访率（2026年11月16日—22日）"]["data"][0]
    assert region["y"] == ["永清所", "明仁所", "其他"]
    assert region["text"] == ["50.0%（1/2）未达标", "100.0%（2/2）", "100.0%（2/2）"]
    sampling = _charts(at)["分地区三级案件抽访比例（2026年11月16日—22日决定的案件）"]["data"][0]
    # 永清: case 7 not sampled; 明仁: no tier-3 case in P; 其他: case 5 sampled
    assert sampling["text"] == ["0.0%（0/1）未达标", "—（无三级案件）", "100.0%（1/1）"]
    cards = {m.label: m.value for m in at.metric}
    assert cards["本期应回访"] == "6"
    table = _overdue(at)
    # 科尔沁区's overdue revisits 8 and 2 both belong to enterprise 1 of 永清所
    assert table[["案号", "监管所", "逾期天数"]].values.tolist() == [
        ["通市监处〔2026〕9号", "永清所", 53], ["通市监处〔2026〕1号", "永清所", 3],
    ]


def test_overdue_table_names_parties_without_enterprise_or_office():
    # read back from a database, a missing enterprise name / office is NaN in pandas, not None
    frame = pd.DataFrame({
        "case_no": ["A1", "A2"], "enterprise_name": ["测试企业1", None], "region_code": [KEQIN, KEQIN],
        "office_code": ["150502001", None], "tier": [1, None], "round": [2, 1],
        "due_on": [date(2026, 11, 1), date(2026, 11, 2)], "days_overdue": [22, 21],
    })
    names = {KEQIN: "科尔沁区", "150502001": "科尔沁区永清市场监管所"}
    table = overdue_table(frame, names, with_office=True)
    assert table.values.tolist() == [
        ["A1", "测试企业1", "科尔沁区", "永清所", "重违严惩（每年两次）", "第2次", date(2026, 11, 1), 22],
        ["A2", "（非登记主体）", "科尔沁区", "", "类别不明", "第1次", date(2026, 11, 2), 21],
    ]
    assert "监管所" not in overdue_table(frame, names).columns
