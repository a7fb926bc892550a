"""Chinese labels, keyed by the English codes of the reporting schema and of our metrics.

The one place where UI words live; tests/test_completeness.py checks every code has a label.
"""

from __future__ import annotations

import pandas as pd

from dashboard.safe import as_text

TABLE_LABELS = {
    "regions": "行政区划/监管所",
    "enterprises": "市场主体",
    "credit_risk_assessments": "企业信用风险分类结果",
    "inspection_plans": "双随机抽查计划",
    "inspection_tasks": "抽查任务",
    "inspections": "抽查对象及结果",
    "abnormal_list_entries": "经营异常名录",
    "serious_violation_entries": "严重违法失信名单",
    "enforcement_cases": "行政处罚案件",
    "case_revisits": "执法事后回访",
    "annual_reports": "年度报告公示",
    "workday_adjustments": "法定节假日与调休",
    "report_meta": "报表库元数据",
}

LEVEL = {"city": "市", "county": "旗县市区", "office": "市场监管所"}

ENTITY_TYPE = {"company": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}

GRADE = {"A": "A 低风险", "B": "B 一般风险", "C": "C 较高风险", "D": "D 高风险", "unrated": "未分类"}
GRADE_SHORT = {"A": "A类", "B": "B类", "C": "C类", "D": "D类", "unrated": "未分类"}

ITEM_CATEGORY = {
    "registration": "登记事项",
    "annual_report": "年报信息",
    "food": "食品",
    "special_equipment": "特种设备",
    "product_quality": "产品质量",
    "pricing": "价格",
    "advertising": "广告",
    "other": "其他",
}

INSPECTION_RESULT = {
    "no_problem": "未发现问题",
    "not_operating": "未发现开展本次抽查涉及的经营活动",
    "corrected": "发现问题已责令改正",
    "not_disclosed": "未按规定公示应当公示的信息",
    "false_disclosure": "公示信息隐瞒真实情况、弄虚作假",
    "unreachable": "通过登记的住所（经营场所）无法联系",
    "referred": "发现问题待后续处理（移送/立案）",
    "refused": "不配合检查情节严重",
    "missing": "已检查未录入结果",
}
PROBLEM_RESULTS = frozenset(INSPECTION_RESULT) - {"no_problem", "not_operating", "missing"}

ABNORMAL_LISTING_REASON = {
    "no_annual_report": "未按规定报送年度报告",
    "no_disclosure": "未在责令期限内公示有关企业信息",
    "false_disclosure": "公示信息隐瞒真实情况、弄虚作假",
    "unreachable": "通过登记的住所或者经营场所无法联系",
}
ABNORMAL_REMOVAL_REASON = {
    "corrected": "履行义务后申请移出",
    "credit_repair": "信用修复",
    "deregistered": "注销",
    "transferred": "届满三年列入严重违法失信名单",
    "revoked": "列入错误撤销",
}
SERIOUS_LISTING_REASON = {
    "abnormal_3y": "列入经营异常名录届满三年仍未履行义务",
    "serious_violation": "严重违法行为被行政处罚",
    "other": "其他",
}
SERIOUS_REMOVAL_REASON = {
    "credit_repair": "信用修复",
    "expired": "期满移出",
    "revoked": "列入错误撤销",
}

CASE_CATEGORY = {
    "aggravated": "从重处罚",
    "general": "一般处罚",
    "lighter": "从轻处罚",
    "mitigated": "减轻处罚",
    "summary": "简易程序处罚",
    "minor_exempt": "轻微违法不予处罚",
    "first_offense_exempt": "首违不罚",
}
VIOLATION_TYPE = {
    "food_safety": "食品安全",
    "pricing": "价格",
    "advertising": "广告",
    "special_equipment": "特种设备",
    "product_quality": "产品质量",
    "unlicensed": "无照经营",
    "annual_report": "年报",
    "trademark": "商标",
    "other": "其他",
}
REVISIT_TIER = {1: "重违严惩（每年两次）", 2: "一般/从轻/减轻（每年至少一次）", 3: "简易/轻微免罚/首违不罚（抽访30%）"}
REVISIT_METHOD = {"onsite": "现场", "phone": "电话", "survey": "问卷", "meeting": "座谈"}

OTHER_REGION = "其他"
ALL_REGIONS = "全市"

CODE_LABELS = {
    "entity_type": ENTITY_TYPE,
    "grade": GRADE,
    "item_category": ITEM_CATEGORY,
    "inspection_result": INSPECTION_RESULT,
    "abnormal_listing_reason": ABNORMAL_LISTING_REASON,
    "abnormal_removal_reason": ABNORMAL_REMOVAL_REASON,
    "serious_listing_reason": SERIOUS_LISTING_REASON,
    "serious_removal_reason": SERIOUS_REMOVAL_REASON,
    "case_category": CASE_CATEGORY,
    "violation_type": VIOLATION_TYPE,
    "revisit_method": REVISIT_METHOD,
}


OFFICE_SUFFIX = "市场监管所"


def region_name(code: str, names: dict[str, str]) -> str:
    """A region key as every chart, map and table names it: OTHER ("other") → 其他, an unknown
    code stays visible, and an office goes by its short name, the way the bureau says it: without
    its county's name in front, 市场监管所 as 所 (科尔沁区永清市场监管所 → 永清所). Sentences that
    name an office on its own (the filter, the briefing) use its full name."""
    if code == "other":
        return OTHER_REGION
    if not isinstance(code, str):  # a NULL region code (NaN or None) of a row that breaks the contract
        return "未填写"
    name = names.get(code, code)
    if not name.endswith(OFFICE_SUFFIX):
        return name
    county = names.get(code[:6]) if len(code) > 6 else None
    if county and name.startswith(county) and name != county:
        name = name.removeprefix(county)
    return name.removesuffix(OFFICE_SUFFIX) + "所"


def label(mapping: dict, code) -> str:
    """The Chinese label of `code`, or the code itself (so an unknown code is still visible)."""
    if code is None or pd.isna(code):  # pandas 3 returns a NULL text value as NaN
        return "未填写"
    return mapping.get(code) or as_text(code)
