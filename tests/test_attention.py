"""需关注 (dashboard/attention.py) on hand-made frames: who is listed, in what order, in what words."""

from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard import attention as att
from dashboard.config import Targets
from queries.periods import build_filters
from queries import annual_reports, inspections, revisits
from queries.common import OTHER
from tests.fixture_base import DATA_DATE, KAILU, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, REGIONS, TODAY

NAMES = {r["code"]: r["name"] for r in REGIONS}
CITY_F = build_filters("last_week", TODAY, DATA_DATE)
KEQIN_F = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))
TARGETS = Targets()
ALL_MET = [
    {"region_code": code, "metric": metric, "numerator": 1, "denominator": 1}
    for code in ("total", KEQIN, KAILU)
    for metric in (f.code for f in att.FIGURES)
]


def parts(*rows) -> pd.DataFrame:
    """ALL_MET (every figure 1/1 everywhere) with `rows` (region, metric, num, den) replacing theirs."""
    table = {(r["region_code"], r["metric"]): r for r in ALL_MET}
    for code, metric, num, den in rows:
        table[(code, metric)] = {"region_code": code, "metric": metric, "numerator": num, "denominator": den}
    return pd.DataFrame(list(table.values()), columns=att.PARTS_COLUMNS)


def listed(statuses, metric=None) -> list[tuple[str, str]]:
    return [(i.figure.code, i.region_name) for s in statuses for i in s.items if metric in (None, i.figure.code)]


def test_below_target_is_judged_on_the_exact_value_not_the_rounded_one():
    statuses = att.attention(parts(
        (KEQIN, "revisit_rate", 899, 1000),    # 89.9 % < 90 %: listed
        (KAILU, "revisit_rate", 900, 1000),    # exactly 90 %: met, not listed
        ("total", "revisit_rate", 8999, 10000),  # 89.99 % shows as 90.0 % but is below: listed
    ), TARGETS, CITY_F, NAMES)
    assert listed(statuses) == [("revisit_rate", "全市"), ("revisit_rate", "科尔沁区")]
    total, keqin = statuses[3].items
    # 90 % − 89.99 % = 0.01 points: rounds to 0.0, so the gap is said as under 0.1
    assert total.line == "全市 90.0%（8,999/10,000次），差不足0.1个百分点"
    assert keqin.line == "科尔沁区 89.9%（899/1,000次），差0.1个百分点"


def test_a_float_target_does_not_tip_an_exact_hit_below_target():
    # 0.55 × 100 is 55.000000000000007 in binary floats; 55/100 meets a 55 % target exactly
    statuses = att.attention(parts((KEQIN, "revisit_rate", 55, 100)), replace(TARGETS, revisit_rate=0.55), CITY_F, NAMES)
    assert listed(statuses) == []
    assert statuses[3].state == "met"


def test_a_dash_is_never_listed_and_a_figure_without_values_has_no_data():
    statuses = att.attention(parts(
        ("total", "tier3_sampling_ratio", 0, 0), (KEQIN, "tier3_sampling_ratio", 0, 0), (KAILU, "tier3_sampling_ratio", 0, 0),
    ), TARGETS, CITY_F, NAMES)
    assert listed(statuses) == []
    assert statuses[4].state == "no_data"
    assert statuses[4].judged_count == 0
    # the other five are met in all three listed places
    assert [s.judged_count for s in statuses] == [3, 3, 3, 3, 0, 3]


def test_city_total_first_then_counties_by_gap_in_figure_order():
    statuses = att.attention(parts(
        ("total", "annual_report_rate", 90, 100),           # 95 − 90 = 5.0 points
        (KAILU, "annual_report_rate", 80, 100),             # 15.0 points: the larger gap comes first
        (KEQIN, "annual_report_rate", 94, 100),             # 1.0 point
        (KEQIN, "differentiated_share", 6, 10),             # 70 − 60 = 10.0 points
        (KAILU, "due_task_completion", 9, 10),              # 100 − 90 = 10.0 points
    ), TARGETS, CITY_F, NAMES)
    assert listed(statuses) == [
        ("differentiated_share", "科尔沁区"),
        ("due_task_completion", "开鲁县"),
        ("annual_report_rate", "全市"),
        ("annual_report_rate", "开鲁县"),
        ("annual_report_rate", "科尔沁区"),
    ]
    assert [i.gap_text for i in statuses[5].items] == ["差5.0个百分点", "差15.0个百分点", "差1.0个百分点"]


def test_equal_gaps_keep_the_display_order_of_the_regions():
    statuses = att.attention(parts((KAILU, "revisit_rate", 1, 2), (KEQIN, "revisit_rate", 2, 4)), TARGETS, CITY_F, NAMES)
    # both 50 %: 科尔沁区 (sort_order 1) before 开鲁县 (sort_order 2), whatever the frame's order
    assert listed(statuses) == [("revisit_rate", "科尔沁区"), ("revisit_rate", "开鲁县")]


def test_one_county_lists_its_total_then_its_offices_never_other():
    frame = pd.DataFrame([
        {"region_code": "total", "metric": "revisit_rate", "numerator": 7, "denominator": 10},      # 科尔沁区 70 %
        {"region_code": KEQIN_YONGQING, "metric": "revisit_rate", "numerator": 4, "denominator": 5},  # 80 %: gap 10
        {"region_code": KEQIN_MINGREN, "metric": "revisit_rate", "numerator": 1, "denominator": 2},   # 50 %: gap 40
        {"region_code": OTHER, "metric": "revisit_rate", "numerator": 2, "denominator": 3},           # 其他 66.7 %: never
    ])
    statuses = att.attention(frame, TARGETS, KEQIN_F, NAMES)
    assert [i.line for i in statuses[3].items] == [
        "科尔沁区 70.0%（7/10次），差20.0个百分点",
        "明仁所 50.0%（1/2次），差40.0个百分点",
        "永清所 80.0%（4/5次），差10.0个百分点",
    ]
    # figures whose source gave no rows could not be read
    assert [s.state for s in statuses] == ["unavailable", "unavailable", "unavailable", "below", "unavailable", "unavailable"]


def test_an_office_filter_lists_the_office_alone():
    office_f = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,), office=KEQIN_MINGREN)
    frame = pd.DataFrame([
        {"region_code": "total", "metric": "revisit_rate", "numerator": 1, "denominator": 2},
        {"region_code": KEQIN_MINGREN, "metric": "revisit_rate", "numerator": 1, "denominator": 2},
        {"region_code": KEQIN_YONGQING, "metric": "revisit_rate", "numerator": 0, "denominator": 2},  # a sibling: never
    ])
    statuses = att.attention(frame, TARGETS, office_f, NAMES)
    assert [i.region_name for i in statuses[3].items] == ["科尔沁区明仁市场监管所"]


def test_several_counties_list_each_county_but_no_total():
    two = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN, KAILU))
    statuses = att.attention(parts(("total", "revisit_rate", 1, 2), (KAILU, "revisit_rate", 1, 2)), TARGETS, two, NAMES)
    assert listed(statuses) == [("revisit_rate", "开鲁县")]


def test_sentence_names_region_figure_value_target_gap_and_page():
    labels = {"annual_report_rate": "2025年度年报公示率"}
    statuses = att.attention(parts((KAILU, "due_task_completion", 4, 5), (KEQIN, "annual_report_rate", 2, 3)),
                             TARGETS, CITY_F, NAMES, labels)
    sentences = [i.sentence for s in statuses for i in s.items]
    assert sentences == [
        "开鲁县到期任务完成率80.0%（4/5户），低于目标100.0%，差20.0个百分点，请打开“双随机、一公开抽查”页查看。",
        # 95 % − 66.67 % = 28.33 points
        "科尔沁区2025年度年报公示率66.7%（2/3户），低于目标95.0%，差28.3个百分点，请打开“经营异常与严重失信名单”页查看。",
    ]
    assert [s.figure.page_path for s in statuses if s.items] == ["pages/inspections.py", "pages/lists.py"]
    assert att.others_sentence(statuses, CITY_F, NAMES) == "差异化抽查占比、公示及时率、回访率、三级案件抽访比例均达标。"


def test_one_sentence_when_nothing_is_below_target():
    statuses = att.attention(parts(), TARGETS, CITY_F, NAMES)
    assert all(s.state == "met" for s in statuses)
    assert att.others_sentence(statuses, CITY_F, NAMES) == (
        "全市及各旗县市区的差异化抽查占比、到期任务完成率、公示及时率、回访率、三级案件抽访比例、年报公示率均达标。"
    )
    keqin = att.attention(parts().assign(region_code="total"), TARGETS, KEQIN_F, NAMES)
    assert att.others_sentence(keqin, KEQIN_F, NAMES).startswith("科尔沁区及其各监管所的差异化抽查占比")


def test_target_parts_from_the_topic_frames_and_a_failed_source():
    revisit = pd.DataFrame([
        {"region_code": KEQIN, "due_count": 4, "done_count": 3, "tier3_case_count": 2, "tier3_sampled_count": 0},
        {"region_code": "total", "due_count": 4, "done_count": 3, "tier3_case_count": 2, "tier3_sampled_count": 0},
    ])
    annual = pd.DataFrame([{"region_code": "total", "report_year": 2025, "submitted_count": 9, "required_count": 10, "late_count": 1}])
    frame = att.target_parts(inspection=None, revisit=revisit, annual=annual)
    assert frame.to_dict("records") == [
        {"region_code": KEQIN, "metric": "revisit_rate", "numerator": 3, "denominator": 4},
        {"region_code": "total", "metric": "revisit_rate", "numerator": 3, "denominator": 4},
        {"region_code": KEQIN, "metric": "tier3_sampling_ratio", "numerator": 0, "denominator": 2},
        {"region_code": "total", "metric": "tier3_sampling_ratio", "numerator": 0, "denominator": 2},
        {"region_code": "total", "metric": "annual_report_rate", "numerator": 9, "denominator": 10},
    ]
    statuses = att.attention(frame, TARGETS, CITY_F, NAMES)
    assert [s.state for s in statuses] == ["unavailable"] * 3 + ["below", "below", "below"]
    # 3/4 = 75 %, 0/2 = 0 %, 9/10 = 90 %: all below; the inspection figures could not be read
    assert att.others_sentence(statuses, CITY_F, NAMES) == "差异化抽查占比、到期任务完成率、公示及时率未能读取，见上方提示。"
    assert att.target_parts().empty


def test_target_text():
    assert att.target_text(0.9) == "目标≥90.0%"
    assert att.target_text(1.0) == "目标100.0%"


def test_figures_name_their_pages_as_the_navigation_does_and_share_the_total_key():
    entry = (Path(__file__).resolve().parent.parent / "streamlit_app.py").read_text(encoding="utf-8")
    for figure in att.FIGURES:
        assert f'st.Page("{figure.page_path}", title="{figure.page_label}"' in entry, figure.page_path
        assert hasattr(TARGETS, figure.target)
    assert inspections.TOTAL == revisits.TOTAL == annual_reports.TOTAL == att.TOTAL
    assert set(inspections.TARGET_METRICS) == {f.code for f in att.FIGURES[:3]}
