"""Data-quality notes (metrics.md, "Data-quality notes"): every page's sentences, built here.

Pure functions: a topic's quality counts in, a list of Chinese sentences out (empty when there is
nothing to say). A page section adds them to `ctx.notes`; `ui.show_page` shows them together in
one collapsed box at the end of the page, never as an error.
"""

from __future__ import annotations

import pandas as pd

from dashboard.format import fmt_count


def _sentences(pairs) -> list[str]:
    """The sentences whose count is not zero."""
    return [sentence for count, sentence in pairs if count]


def credit_risk(quality, scope_phrase: str) -> list[str]:
    """Rows the credit-risk figures left out or counted as 未分类 (queries.credit_risk.data_quality)."""
    q = quality
    return _sentences([
        (q.orphan_assessments, f"{fmt_count(q.orphan_assessments)} 条分类结果的企业不在市场主体表中，未计入。"),
        (q.unplaceable_enterprises,
         f"{fmt_count(q.unplaceable_enterprises)} 家在册市场主体的登记区划不在区划表中，未计入各项数字。"),
        (q.invalid_grade_assessments,
         f"{fmt_count(q.invalid_grade_assessments)} 条分类结果的等级不是A–D；某企业在截至日的最新一条若是这样的结果，该企业按未分类计。"),
        (q.assessed_outside_scope,
         f"{fmt_count(q.assessed_outside_scope)} 户在册市场主体有分类结果，但不属于分类对象（{scope_phrase}），未计入各项数字。"),
        (q.high_risk_without_location, f"{fmt_count(q.high_risk_without_location)} 家C/D类企业没有坐标，不在密度图层中。"),
    ])


def credit_map(areas: pd.DataFrame, boundaries, density: pd.DataFrame | None) -> list[str]:
    """What the credit-risk map could not draw."""
    missing = areas[~areas["code"].isin(boundaries.shapes.keys()) & (areas["lon"].isna() | areas["lat"].isna())]
    return _sentences([
        (boundaries.problem, boundaries.problem),
        (len(missing), f"{'、'.join(missing['name'])}没有边界或坐标，未在地图上显示（数字见下表）。"),
        (density is not None and density.empty, "所选范围内没有带坐标的C/D类企业，密度图层为空。"),
    ])


_INSPECTION_ORPHANS = {
    "inspection_task": "条抽查对象记录的抽查任务（task_id）在抽查任务表中不存在",
    "inspection_enterprise": "条抽查对象记录的市场主体（enterprise_id）在市场主体表中不存在",
    "task_plan": "个抽查任务的抽查计划（plan_id）在抽查计划表中不存在",
}


def inspections(headline, orphans: dict[str, int], uncovered_years: tuple[int, ...]) -> list[str]:
    """The inspections page's notes: publications before inspection, missing results, the
    working-day calendar, orphans (queries.inspections.headline, orphan_counts)."""
    notes = _sentences([
        (headline.published_before_inspection_count,
         f"本期应判定公示的记录中有{headline.published_before_inspection_count}条公示日期早于检查日期，"
         "已按及时公示计入，请核实录入。"),
        (headline.missing_result_count,
         f"本期有{headline.missing_result_count}户已检查但未录入检查结果：计入本期检查户数和问题发现率的分母，不计为发现问题。"),
    ])
    if not headline.has_workday_table:
        notes.append("报表库没有法定节假日与调休表（workday_adjustments），公示期限按周一至周五计算工作日。")
    elif uncovered_years:
        years = "、".join(f"{y}年" for y in uncovered_years)
        notes.append(f"法定节假日与调休表未覆盖{years}，这些年份的公示期限按周一至周五计算工作日。")
    return notes + _sentences(
        (orphans.get(key), f"全库有{orphans.get(key)}{text}，未计入本页数字。") for key, text in _INSPECTION_ORPHANS.items()
    )


def list_entries(title: str, quality) -> list[str]:
    """One list's orphan entries and entries removed before they were listed (queries.lists.list_quality)."""
    return _sentences([
        (quality.orphan_count,
         f"{title}有 {fmt_count(quality.orphan_count)} 条记录的企业（enterprise_id）在市场主体表中不存在，未计入本页各项数字。"),
        (quality.removed_before_listed_count,
         f"{title}有 {fmt_count(quality.removed_before_listed_count)} 条记录的移出日期早于列入日期，"
         "期初、期末在册与列入、移出可能对不上。"),
    ])


def annual_reports(report_year: int, orphan_count: int) -> list[str]:
    """Annual reports of enterprises missing from the register."""
    return _sentences([
        (orphan_count, f"{report_year}年度有 {fmt_count(orphan_count)} 份年报的企业在市场主体表中不存在，未计入年报公示率。"),
    ])


def revisits(quality) -> list[str]:
    """Revisits and tier-3 cases left out (queries.revisits.revisit_quality)."""
    q = quality
    return _sentences([
        (q.orphan_revisit_count,
         f"{fmt_count(q.orphan_revisit_count)} 条回访记录的案件在行政处罚案件表中不存在，已从各项指标中剔除。"),
        (q.orphan_enterprise_revisit_count,
         f"{fmt_count(q.orphan_enterprise_revisit_count)} 条回访记录所属案件的当事企业在市场主体表中不存在，已从各项指标中剔除。"),
        (q.orphan_enterprise_tier3_count,
         f"{fmt_count(q.orphan_enterprise_tier3_count)} 件本期决定的三级案件的当事企业在市场主体表中不存在，未计入抽访比例。"),
        (q.unknown_category_count,
         f"{fmt_count(q.unknown_category_count)} 条回访记录所属案件的处罚类别不在7类之内，计入合计，不计入任何回访等级。"),
    ])


def penalties(summary, orphan_count: int) -> list[str]:
    """Negative waived amounts and cases of enterprises missing from the register."""
    return _sentences([
        (summary.negative_waived_count,
         f"{summary.negative_waived_count}件从轻、减轻或免罚案件的实际罚没款高于裁量基准罚款，"
         "其减免额为负数，已按原值计入减免处罚金额，请核实录入。"),
        (orphan_count, f"{orphan_count}件处罚案件的市场主体编号（enterprise_id）在市场主体表中不存在，未计入本页数字。"),
    ])
