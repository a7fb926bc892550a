"""The 监管总览 page under AppTest on a hand-built fixture with a few rows per topic.

P = 2026-11-16..22 (上周, as-of 11-22), Q = 2026-11-09..15. Enterprises 1–5 are in 科尔沁区
(1–3 永清所, 4–5 明仁所), 6–10 in 开鲁县 (开鲁镇所), all registered 2020-01-01.
"""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.fixture_base import KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, base_rows, enterprise

KEQIN_OFFICE = {1: KEQIN_YONGQING, 2: KEQIN_YONGQING, 3: KEQIN_YONGQING, 4: KEQIN_MINGREN, 5: KEQIN_MINGREN}
GRADES = "ABCDAABBCA"  # enterprises 1..10 assessed 2026-01-01


def _inspection(iid, task, eid, inspected=None, published=None):
    return {"id": iid, "task_id": task, "enterprise_id": eid, "grade_at_sampling": None, "inspected_on": inspected,
            "result": "no_problem" if inspected else None, "published_on": published}


def _task(tid, region, starts, due, differentiated):
    return {"id": tid, "plan_id": 1, "name": f"任务{tid}", "region_code": region, "item_category": "food",
            "starts_on": starts, "due_on": due, "is_differentiated": differentiated}


def _case(cid, region, eid, decided, category, base="0.00", fine="0.00"):
    return {"id": cid, "case_no": f"通市监处〔2026〕{cid}号", "enterprise_id": eid, "region_code": region, "decided_on": decided,
            "category": category, "violation_type": "food_safety", "base_fine": Decimal(base), "fine_amount": Decimal(fine)}


def _revisit(rid, case, due, revisited=None):
    return {"id": rid, "case_id": case, "round": 1, "due_on": due, "revisited_on": revisited,
            "method": "phone" if revisited else None, "rectified": True if revisited else None}


def _entry(eid_, eid, listed, removed=None):
    return {"id": eid_, "enterprise_id": eid, "region_code": KEQIN if eid <= 5 else KAILU, "listed_on": listed,
            "listing_reason": "no_annual_report", "removed_on": removed, "removal_reason": "corrected" if removed else None}


def rows() -> dict[str, list[dict]]:
    data = base_rows()
    data["enterprises"] = [enterprise(e, KEQIN, KEQIN_OFFICE[e]) for e in range(1, 6)] + [
        enterprise(e, KAILU, KAILU_TOWN) for e in range(6, 11)
    ]
    data["credit_risk_assessments"] = [
        {"enterprise_id": e, "assessed_on": date(2026, 1, 1), "grade": g, "score": None} for e, g in enumerate(GRADES, 1)
    ] + [{"enterprise_id": 5, "assessed_on": date(2026, 11, 18), "grade": "D", "score": None}]  # 5: A → D in P
    data["inspection_plans"] = [{"id": 1, "name": "2026年食品抽查", "year": 2026, "lead_department": "市场监管局", "is_joint": False}]
    data["inspection_tasks"] = [
        _task(1, KEQIN, date(2026, 11, 1), date(2026, 11, 20), True),    # due in P, differentiated
        _task(2, KAILU, date(2026, 11, 1), date(2026, 12, 31), False),   # active, not due
        _task(3, KAILU, date(2026, 10, 1), date(2026, 10, 31), False),   # not active in P or Q
    ]
    data["inspections"] = [
        _inspection(1, 1, 1, date(2026, 11, 10)),
        _inspection(2, 1, 2, date(2026, 11, 12)),
        _inspection(3, 1, 3, date(2026, 11, 18)),
        _inspection(4, 1, 4),
        _inspection(5, 2, 6),
        _inspection(6, 2, 7),
        # inspected Monday 10-19: the 20th working day after it is Monday 11-16, in P
        _inspection(7, 3, 8, date(2026, 10, 19), date(2026, 11, 16)),   # on the deadline: on time
        _inspection(8, 3, 9, date(2026, 10, 19), date(2026, 11, 17)),   # a day late
    ]
    data["enforcement_cases"] = [
        _case(1, KEQIN, 1, date(2026, 10, 1), "general"),
        _case(2, KAILU, 6, date(2026, 10, 1), "general"),
        _case(3, KEQIN, 2, date(2026, 10, 1), "general"),
        _case(4, KEQIN, 3, date(2026, 11, 17), "summary", "500.00", "500.00"),
        _case(5, KAILU, 7, date(2026, 11, 18), "minor_exempt", "2000.00", "0.00"),
        _case(6, KAILU, 8, date(2026, 11, 10), "lighter", "5000.00", "3000.00"),
        _case(7, KEQIN, 4, date(2026, 11, 19), "mitigated", "10000.00", "4000.00"),
    ]
    data["case_revisits"] = [
        _revisit(1, 1, date(2026, 11, 18), date(2026, 11, 17)),
        _revisit(2, 2, date(2026, 11, 19)),
        _revisit(3, 3, date(2026, 11, 20), date(2026, 11, 20)),
        _revisit(4, 4, date(2027, 5, 17)),   # tier-3 case 4 drawn into the sample
        _revisit(5, 5, date(2027, 5, 18)),   # tier-3 case 5 drawn into the sample
        _revisit(6, 6, date(2026, 11, 12), date(2026, 11, 11)),  # due in Q, done
    ]
    data["abnormal_list_entries"] = [
        _entry(1, 1, date(2026, 11, 17)),
        _entry(2, 6, date(2026, 11, 18)),
        _entry(3, 7, date(2026, 11, 10)),
        _entry(4, 8, date(2025, 1, 1), date(2026, 11, 19)),
    ]
    # report year 2025: 科尔沁区 all five filed, 开鲁县 four of five (10 has not)
    data["annual_reports"] = [{"enterprise_id": e, "report_year": 2025, "submitted_on": date(2026, 5, 1)} for e in range(1, 10)]
    return data


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("overview_page"), rows())


def _boxes(at) -> list[str]:
    """The markdown of the 需关注 boxes: heading, then the bullet list, per figure below target."""
    texts = [m.value for m in at.markdown]
    return [t for t in texts if t.startswith("**:red[未达标]") or t.startswith("- ")]


def test_the_overview_is_the_default_page(monkeypatch, url):
    at = open_page(monkeypatch, url)
    assert not at.exception
    assert not at.error
    assert [t.value for t in at.title] == ["监管总览"]


def test_attention_lists_each_figure_below_target(monkeypatch, url):
    at = open_page(monkeypatch, url)
    assert _boxes(at) == [
        # drawn objects of tasks active in P (tasks 1, 2): differentiated 4 of 6 = 66.67 %, 70 − 66.67 = 3.3;
        # 开鲁县 task 2 only: 0 / 2
        "**:red[未达标]　差异化抽查占比**　:gray[目标≥70.0%]",
        "- 全市 66.7%（4/6户），差3.3个百分点\n- 开鲁县 0.0%（0/2户），差70.0个百分点",
        # task 1 is due in P: objects 1–3 inspected by 11-22, object 4 not: 3 / 4 (开鲁县 has none due: "—")
        "**:red[未达标]　到期任务完成率**　:gray[目标100.0%]",
        "- 全市 75.0%（3/4户），差25.0个百分点\n- 科尔沁区 75.0%（3/4户），差25.0个百分点",
        # deadlines in P: objects 7 (on time) and 8 (late), both 开鲁县: 1 / 2
        "**:red[未达标]　公示及时率**　:gray[目标≥95.0%]",
        "- 全市 50.0%（1/2户），差45.0个百分点\n- 开鲁县 50.0%（1/2户），差45.0个百分点",
        # due in P: revisits 1, 3 (科尔沁区, both done) and 2 (开鲁县, not done): 2 / 3, 90 − 66.67 = 23.3
        "**:red[未达标]　回访率**　:gray[目标≥90.0%]",
        "- 全市 66.7%（2/3次），差23.3个百分点\n- 开鲁县 0.0%（0/1次），差90.0个百分点",
        # 2025 reports: 9 of 10 required filed; 开鲁县 4 / 5; 科尔沁区 5 / 5 meets 95 %
        "**:red[未达标]　2025年度年报公示率**　:gray[目标≥95.0%]",
        "- 全市 90.0%（9/10户），差5.0个百分点\n- 开鲁县 80.0%（4/5户），差15.0个百分点",
    ]
    text = shown_text(at)
    # tier-3 cases decided in P: case 4 (科尔沁区) and 5 (开鲁县), both with a revisit row: 2 / 2
    assert ":green[**其余指标**]：三级案件抽访比例均达标。" in text
    # 简报用语 is the briefing's 本期综述: one sentence per topic (tests/test_briefing_documents.py)
    paragraph = at.get("code")[0].value
    assert paragraph.startswith("本周全市“双随机、一公开”抽查完成率50.0%") and paragraph.count("。") == 5


def test_headline_cards_with_their_comparison(monkeypatch, url):
    at = open_page(monkeypatch, url)
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    # rated 10 at both dates; C+D: P {3, 4, 5, 9} = 4, Q {3, 4, 9} = 3 (5 became D on 11-18)
    assert cards["高风险占比（C+D类）"] == ("40.0%", "+10.0个百分点")
    # drawn 6 in P and Q; inspected by 11-22: 1, 2, 3; by 11-15: 1, 2 → 50.0 % vs 33.3 %
    assert cards["抽查完成率"] == ("50.0%", "+16.7个百分点")
    # 1 / 2 in P; no deadline falls in Q ("—"), so no change
    assert cards[":red[**未达标**] 公示及时率（目标≥95.0%）"][0] == "50.0%"
    assert cards[":red[**未达标**] 公示及时率（目标≥95.0%）"][1] == ""  # no delta shown
    # listed in P: entries 1, 2; in Q: entry 3. Removed in P: entry 4; in Q: none
    assert cards["经营异常名录列入"] == ("2", "+1（+100.0%）")
    assert cards["经营异常名录移出"] == ("1", "+1（—）")
    # P 2 / 3 = 66.67 % vs Q 1 / 1 (revisit 6) = 100 %
    assert cards[":red[**未达标**] 回访率（目标≥90.0%）"] == ("66.7%", "-33.3个百分点")
    # P: case 5 (2000 − 0) + case 7 (10000 − 4000) = 8000 元; Q: case 6 5000 − 3000 = 2000 元
    assert cards["减免处罚金额"] == ("0.80万元", "+0.60万元（+300.0%）")


def test_every_group_links_to_its_page(monkeypatch, url):
    at = open_page(monkeypatch, url)
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    # the five attention boxes (figure order), then the five topic groups of the cards
    assert links == [
        ("双随机、一公开抽查", "inspections"), ("双随机、一公开抽查", "inspections"), ("双随机、一公开抽查", "inspections"),
        ("执法事后回访", "revisits"), ("经营异常与严重失信名单", "lists"),
        ("双随机、一公开抽查", "inspections"), ("经营异常与严重失信名单", "lists"), ("企业信用风险分类", "credit_risk"),
        ("执法事后回访", "revisits"), ("包容审慎减免处罚", "penalties"),
    ]


def test_one_county_lists_its_total_then_its_offices(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"county": KEQIN})
    assert not at.exception
    # due task 1: 永清所 objects 1–3 all inspected (met); 明仁所 object 4 not: 0 / 1
    assert _boxes(at) == [
        "**:red[未达标]　到期任务完成率**　:gray[目标100.0%]",
        "- 科尔沁区 75.0%（3/4户），差25.0个百分点\n- 明仁所 0.0%（0/1户），差100.0个百分点",
    ]
    # 科尔沁区 has no publication deadline in P; everything else is met there
    assert (":green[**其余指标**]：差异化抽查占比、回访率、三级案件抽访比例、2025年度年报公示率均达标。"
            "公示及时率本期无数据（“—”），无从判断。") in shown_text(at)


def test_nothing_below_target_is_one_sentence(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"county": KEQIN, "office": KEQIN_YONGQING})
    assert not at.exception
    assert _boxes(at) == []
    assert [s.value for s in at.success] == [
        "科尔沁区永清市场监管所的差异化抽查占比、到期任务完成率、回访率、三级案件抽访比例、2025年度年报公示率均达标。"
        "公示及时率本期无数据（“—”），无从判断。"
    ]


def test_a_missing_table_stops_only_what_needs_it(monkeypatch, tmp_path):
    url = sqlite_fixture(tmp_path, rows())
    with sa.create_engine(url, poolclass=sa.pool.NullPool).begin() as conn:
        conn.exec_driver_sql("DROP TABLE case_revisits")
    at = open_page(monkeypatch, url)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "报表库缺少表 case_revisits（执法事后回访）。" in errors
    boxes = _boxes(at)
    assert "**:red[未达标]　回访率**　:gray[目标≥90.0%]" not in boxes
    assert "**:red[未达标]　到期任务完成率**　:gray[目标100.0%]" in boxes
    assert "回访率、三级案件抽访比例未能读取，见上方提示。" in shown_text(at)
    cards = {m.label: m.value for m in at.metric}
    assert "回访率（目标≥90.0%）" not in cards
    assert cards["减免处罚金额"] == "0.80万元"
    assert cards["高风险占比（C+D类）"] == "40.0%"


def test_nothing_readable_is_a_warning_not_a_success(monkeypatch, tmp_path):
    at = open_page(monkeypatch, f"sqlite:///{tmp_path / 'absent.sqlite'}")
    assert not at.exception
    assert not at.success
    assert "差异化抽查占比、到期任务完成率、公示及时率、回访率、三级案件抽访比例、2025年度年报公示率未能读取，见上方提示。" in [
        w.value for w in at.warning
    ]
    assert not at.metric


# --- 市场主体发展 (metrics.md §7) on the fixture of tests/test_market_queries.py ---------------

@pytest.fixture(scope="module")
def market_url(tmp_path_factory):
    from tests.test_market_queries import fixture_rows

    return sqlite_fixture(tmp_path_factory.mktemp("overview_market"), fixture_rows())


def test_market_row_opens_the_overview(monkeypatch, market_url):
    at = open_page(monkeypatch, market_url)
    assert not at.exception
    cards = {m.label: (m.value, m.delta or "") for m in at.metric}
    # Figures worked out in tests/test_market_queries.py: total 9 at 11-22 vs 8 at Q's 11-15
    # (+1, +12.5%); growth 9 / 7 − 1 = 28.6% (year on year, no change shown); new 4 vs 1
    # (+3, +300.0%); closed 3 vs 1 (+2, +200.0%).
    assert cards["市场主体总量"] == ("9", "+1（+12.5%）")
    assert cards["同比增长"] == ("28.6%", "")
    assert cards["本期新设"] == ("4", "+3（+300.0%）")
    assert cards["本期注销"] == ("3", "+2（+200.0%）")
    assert [m.label for m in at.metric][:4] == ["市场主体总量", "同比增长", "本期新设", "本期注销"]
    assert "本期净增（新设 − 注销）+1户" in next(m.help for m in at.metric if m.label == "本期新设")

    by_type = next(d.value for d in at.dataframe if "主体类型" in d.value.columns)
    assert list(by_type["主体类型"]) == ["企业", "个体工商户", "农民专业合作社", "合计"]
    assert list(by_type["市场主体总量"]) == [4, 4, 1, 9]
    assert list(by_type["同比增长"]) == ["0.0%", "33.3%", "—", "28.6%"]
    assert list(by_type["本期净增"]) == ["0", "0", "+1", "+1"]
    by_region = next(d.value for d in at.dataframe if "旗县市区" in d.value.columns and "本期新设" in d.value.columns)
    assert list(by_region["旗县市区"]) == ["科尔沁区", "开鲁县", "全市"]
    assert list(by_region["市场主体总量"]) == [6, 3, 9]
    assert list(by_region["同比增长"]) == ["50.0%", "0.0%", "28.6%"]
    assert list(by_region["本期注销"]) == [0, 3, 3]


def test_market_by_office_has_no_duplicate_total(monkeypatch, market_url):
    at = open_page(monkeypatch, market_url, params={"county": KEQIN, "office": KEQIN_YONGQING})
    by_region = next(d.value for d in at.dataframe if "监管所" in d.value.columns and "本期新设" in d.value.columns)
    # One office: its own row only (3 alive: 1, 2, 5), not a second "科尔沁区·…" row with the same numbers.
    assert list(by_region["监管所"]) == ["永清所"]
    assert list(by_region["市场主体总量"]) == [3]
    cards = {m.label: m.value for m in at.metric}
    assert cards["市场主体总量"] == "3" and cards["同比增长"] == "50.0%"
