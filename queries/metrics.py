"""The metric registry: every figure the dashboard shows, declared once.

One `Metric` per figure code: its Chinese label (and a short label for narrow cards and
projectors), unit, kind, direction, target setting, 口径 sentence, the page it lives on and,
for a rate, the fields of its numerator and denominator. Cards, chart colours, the 需关注
list, briefing sentences, tooltips and docs/metrics.md all read it; nothing restates it.

Pure data, no streamlit and no SQL. Every entry must declare its direction: a missing or
invalid one is an error when this module is imported, never a silent "neutral".
"""

from __future__ import annotations

from dataclasses import dataclass

RISE_GOOD = 1
RISE_BAD = -1
NEUTRAL = 0
DIRECTIONS = {RISE_GOOD: "上升为好", RISE_BAD: "上升为差", NEUTRAL: "中性"}

KINDS = ("count", "rate", "money", "days")
UNITS = ("户", "次", "件", "条", "个", "家", "万元", "%", "天")

PAGES = {
    "overview": ("pages/overview.py", "监管总览"),
    "credit_risk": ("pages/credit_risk.py", "企业信用风险分类"),
    "inspections": ("pages/inspections.py", "双随机、一公开抽查"),
    "lists": ("pages/lists.py", "经营异常与严重失信名单"),
    "revisits": ("pages/revisits.py", "执法事后回访"),
    "penalties": ("pages/penalties.py", "包容审慎减免处罚"),
}

TOPIC_TABLES = {
    "market": ("enterprises",),
    "credit_risk": ("credit_risk_assessments", "enterprises"),
    "inspections": ("inspections", "inspection_tasks"),
    "lists": ("abnormal_list_entries", "serious_violation_entries"),
    "annual_reports": ("annual_reports",),
    "revisits": ("case_revisits", "enforcement_cases"),
    "penalties": ("enforcement_cases",),
}
"""The reporting tables each topic's figures are computed from: a data fault found in one of them
(queries/quality.py) is noted beside every figure of the topic and in the page's data-quality box."""


@dataclass(frozen=True)
class Metric:
    """One figure. `direction` is RISE_GOOD, RISE_BAD or NEUTRAL and has no default."""

    code: str
    label: str
    unit: str
    kind: str
    direction: int
    caliber: str
    page: str
    short_label: str = ""
    """A label that fits a narrow card or a projector (the full label when empty)."""
    target: str | None = None
    """The field of config.Targets holding this figure's target, if it has one."""
    numerator: str | None = None
    denominator: str | None = None
    """For a rate: the fields (of the topic's summary row) holding numerator and denominator."""
    count_unit: str = ""
    """For a rate: what its numerator and denominator count (户, 次, 件)."""
    english: str = ""
    """The English name, for docs/metrics.md."""
    hint: str = ""
    """One plain line that tells this figure from a look-alike (the card's tooltip leads with it)."""
    icon: str = ""
    """A card icon (material symbol) that sets a look-alike figure apart at a glance."""
    signed: bool = False
    """A count that can be negative (the net inflow): printed with its sign, and its percentage
    change given only against a positive comparison."""
    topic: str = ""
    """The key of TOPIC_TABLES the figure is computed from (default: its page's)."""

    @property
    def page_path(self) -> str:
        return PAGES[self.page][0]

    @property
    def page_label(self) -> str:
        return PAGES[self.page][1]

    @property
    def short(self) -> str:
        return self.short_label or self.label

    @property
    def tables(self) -> tuple[str, ...]:
        """The reporting tables this figure is computed from (TOPIC_TABLES)."""
        return TOPIC_TABLES[_topic(self)]


def _topic(metric: Metric) -> str:
    """The figure's topic: declared, else its page's (the overview's own figures are the market's)."""
    return metric.topic or ("market" if metric.page == "overview" else metric.page)


def _validate(metric: Metric) -> Metric:
    problems = []
    if metric.direction not in DIRECTIONS:
        problems.append(f"direction {metric.direction!r} is not RISE_GOOD, RISE_BAD or NEUTRAL")
    if metric.kind not in KINDS:
        problems.append(f"kind {metric.kind!r} is not one of {KINDS}")
    if metric.unit not in UNITS:
        problems.append(f"unit {metric.unit!r} is not one of {UNITS}")
    if metric.page not in PAGES:
        problems.append(f"page {metric.page!r} is not one of {tuple(PAGES)}")
    if metric.kind == "rate" and not (metric.numerator and metric.denominator and metric.count_unit):
        problems.append("a rate needs numerator, denominator and count_unit")
    if _topic(metric) not in TOPIC_TABLES:
        problems.append(f"topic {metric.topic!r} is not one of {tuple(TOPIC_TABLES)}")
    if not metric.caliber:
        problems.append("no 口径 sentence")
    if problems:
        raise ValueError(f"metric {metric.code!r}: " + "; ".join(problems))
    return metric


def _registry(*metrics: Metric) -> dict[str, Metric]:
    registry: dict[str, Metric] = {}
    for metric in metrics:
        if metric.code in registry:
            raise ValueError(f"metric {metric.code!r} is declared twice")
        registry[metric.code] = _validate(metric)
    return registry


_AS_OF = "按截至日各企业的最新一次分类结果"

_LIVE = "全部市场主体（企业、个体工商户、农民专业合作社），登记日期不晚于截至日且截至日未注销"

METRICS: dict[str, Metric] = _registry(
    # §7 market entities (the overview's first row)
    Metric("market_total", "市场主体总量", "户", "count", RISE_GOOD, f"{_LIVE}", "overview",
           short_label="市场主体", english="Live market entities"),
    Metric("market_growth", "市场主体同比增长", "%", "rate", RISE_GOOD,
           "截至日市场主体总量 / 上年同日总量 − 1（不论所选对比方式，均为同比）", "overview", short_label="同比增长",
           numerator="growth_count", denominator="year_ago_count", count_unit="户", english="Year-on-year growth"),
    Metric("market_new", "新设市场主体", "户", "count", RISE_GOOD, "登记日期在本期（至截至日）的市场主体", "overview",
           short_label="新设", english="New registrations"),
    Metric("market_closed", "注销市场主体", "户", "count", NEUTRAL, "注销日期在本期（至截至日）的市场主体", "overview",
           short_label="注销", english="Deregistrations"),
    Metric("market_net", "市场主体净增", "户", "count", RISE_GOOD, "新设 − 注销；仅当对比期净增为正时给出增减百分比",
           "overview", short_label="净增", english="Net new entities", signed=True),
    # §1 credit risk
    Metric("rated_count", "已评级企业", "户", "count", NEUTRAL, f"{_AS_OF}，有分类结果的在册企业数", "credit_risk",
           english="Rated enterprises"),
    Metric("high_risk_share", "高风险占比（C+D类）", "%", "rate", RISE_BAD,
           f"（C类 + D类）/ 已评级企业，{_AS_OF}", "credit_risk", short_label="高风险占比",
           numerator="high_risk_count", denominator="rated_count", count_unit="户", english="High-risk share"),
    Metric("d_share", "D类占比", "%", "rate", RISE_BAD, f"D类 / 已评级企业，{_AS_OF}", "credit_risk",
           numerator="d_count", denominator="rated_count", count_unit="户", english="Grade-D share"),
    Metric("a_count", "A类（低风险）企业", "户", "count", RISE_GOOD, _AS_OF, "credit_risk",
           short_label="A类企业", english="Grade A (low risk)"),
    Metric("b_count", "B类（一般风险）企业", "户", "count", NEUTRAL, _AS_OF, "credit_risk",
           short_label="B类企业", english="Grade B (moderate risk)"),
    Metric("c_count", "C类（较高风险）企业", "户", "count", RISE_BAD, _AS_OF, "credit_risk",
           short_label="C类企业", english="Grade C (elevated risk)"),
    Metric("d_count", "D类（高风险）企业", "户", "count", RISE_BAD, _AS_OF, "credit_risk",
           short_label="D类企业", english="Grade D (high risk)"),
    Metric("unrated_count", "未分类企业", "户", "count", RISE_BAD, "截至日在册、尚无分类结果的企业", "credit_risk",
           short_label="未分类", english="Unclassified enterprises"),
    Metric("upgraded", "升级（向A类）", "户", "count", RISE_GOOD,
           "对比日与截至日均在册且均已评级的企业中，等级向A类移动的", "credit_risk", short_label="升级", english="Upgraded"),
    Metric("downgraded", "降级（向D类）", "户", "count", RISE_BAD,
           "对比日与截至日均在册且均已评级的企业中，等级向D类移动的", "credit_risk", short_label="降级", english="Downgraded"),
    Metric("unchanged", "等级未变", "户", "count", NEUTRAL,
           "对比日与截至日均在册且均已评级的企业中，等级未变的", "credit_risk", english="Unchanged grade"),
    # §2 random inspections
    Metric("drawn_objects", "抽查户数", "户", "count", NEUTRAL,
           "本期在办任务（开始日不晚于截至日、完成期限不早于本期首日）的抽查对象", "inspections", english="Drawn objects"),
    Metric("completion_rate", "抽查完成率", "%", "rate", RISE_GOOD,
           "本期在办任务的抽查对象中截至数据截至日已检查的比例", "inspections", short_label="完成率",
           numerator="completed_count", denominator="drawn_count", count_unit="户", english="Completion rate",
           hint="进度：本期所有在办任务（含尚未到期的）中已查的比例，随任务推进上升。", icon=":material/hourglass_top:"),
    Metric("due_task_completion", "到期任务完成率", "%", "rate", RISE_GOOD,
           "完成期限在本期（至截至日）的任务，其抽查对象截至日已检查的比例", "inspections", short_label="到期完成率",
           target="due_task_completion", numerator="due_done_count", denominator="due_object_count",
           count_unit="户", english="Due-task completion",
           hint="结果：期限已到的任务是否查完，期限后补查的也算完成。", icon=":material/flag:"),
    Metric("on_time_rate", "按期完成率", "%", "rate", RISE_GOOD,
           "完成期限在本期的任务，其抽查对象在完成期限前已检查的比例", "inspections",
           numerator="due_on_time_count", denominator="due_object_count", count_unit="户", english="On-time completion",
           hint="守时：期限已到的任务中在期限前查完的比例，期限后补查的不算。", icon=":material/timer:"),
    Metric("inspected_count", "本期检查户数", "户", "count", NEUTRAL,
           "检查日期在本期（截至数据截至日）的抽查对象，不论任务日期", "inspections", english="Inspected in period"),
    Metric("publication_timeliness", "公示及时率", "%", "rate", RISE_GOOD,
           "公示期限（检查日期后第20个工作日）在本期的记录中，在期限内公示的比例", "inspections",
           target="publication_timeliness", numerator="published_on_time_count", denominator="publication_due_count",
           count_unit="户", english="Publication timeliness"),
    Metric("pending_publication", "待公示", "户", "count", RISE_BAD,
           "截至日已检查、尚未公示且公示期限未到的记录", "inspections", english="Pending publication"),
    Metric("problem_rate", "问题发现率", "%", "rate", NEUTRAL,
           "检查日期在本期的记录中结果为发现问题的比例（除未发现问题、未发现开展经营活动外）", "inspections",
           numerator="problem_count", denominator="inspected_count", count_unit="户", english="Problem-finding rate"),
    Metric("differentiated_share", "差异化抽查占比", "%", "rate", RISE_GOOD,
           "本期在办任务中差异化抽查任务的抽查对象 / 全部抽查对象", "inspections", short_label="差异化占比",
           target="differentiated_share", numerator="differentiated_count", denominator="drawn_count",
           count_unit="户", english="Differentiated share"),
    Metric("joint_tasks", "联合抽查任务", "个", "count", RISE_GOOD, "本期在办任务中属于部门联合抽查计划的任务数", "inspections",
           english="Joint inspection tasks"),
    Metric("joint_share", "联合抽查占比", "%", "rate", RISE_GOOD, "联合抽查任务 / 本期在办任务", "inspections",
           numerator="joint_task_count", denominator="active_task_count", count_unit="个", english="Joint share"),
    # §3 lists
    Metric("inflow", "本期列入", "条", "count", RISE_BAD, "列入日期在本期（至截至日）的记录（户次）", "lists",
           short_label="列入", english="Inflow"),
    Metric("outflow", "本期移出", "条", "count", RISE_GOOD, "移出日期在本期（至截至日）的记录（户次）", "lists",
           short_label="移出", english="Outflow"),
    Metric("net", "净增（列入−移出）", "条", "count", RISE_BAD, "本期列入 − 本期移出；仅当对比期净增为正时给出增减百分比", "lists",
           short_label="净增", english="Net inflow", signed=True),
    Metric("stock", "期末在册", "条", "count", RISE_BAD, "列入日期不晚于截至日、截至日尚未移出的记录", "lists",
           english="Stock"),
    Metric("credit_repair", "信用修复移出", "条", "count", RISE_GOOD, "移出原因为信用修复、移出日期在本期的记录", "lists",
           english="Removed by credit repair"),
    Metric("repair_median_days", "列入至修复移出中位天数", "天", "days", RISE_BAD,
           "本期信用修复移出记录的（移出日期 − 列入日期）中位数", "lists", short_label="修复用时中位数",
           english="Median days to credit repair"),
    # §6 annual reports
    Metric("annual_report_rate", "年报公示率", "%", "rate", RISE_GOOD,
           "应报企业（上年末前成立、截至日未注销）中截至日已公示上年度年报的比例；与上一年度同期比", "lists",
           target="annual_report_rate", numerator="submitted_count", denominator="required_count", count_unit="户",
           topic="annual_reports", english="Annual-report filing rate"),
    Metric("annual_report_required", "应报户数", "户", "count", NEUTRAL, "上年末前成立、截至日未注销的企业", "lists",
           topic="annual_reports", english="Required to file"),
    Metric("annual_report_unfiled", "未公示户数", "户", "count", RISE_BAD, "应报而截至日未公示的企业", "lists",
           topic="annual_reports", english="Not yet filed"),
    Metric("annual_report_late", "其中逾期公示户数", "户", "count", RISE_BAD, "6月30日之后公示的企业", "lists",
           short_label="逾期公示", topic="annual_reports", english="Filed late"),
    # §4 revisits
    Metric("revisits_due", "本期应回访", "次", "count", NEUTRAL, "到期日在本期内（至数据截至日）的应回访记录", "revisits",
           english="Revisits due"),
    Metric("revisits_done", "已回访", "次", "count", RISE_GOOD, "本期应回访中截至数据截至日已完成的（含提前完成）", "revisits",
           english="Revisits done"),
    Metric("revisit_rate", "回访率", "%", "rate", RISE_GOOD, "本期到期的应回访中截至数据截至日已回访（含提前）的比例",
           "revisits", target="revisit_rate", numerator="done_count", denominator="due_count", count_unit="次",
           english="Revisit rate"),
    Metric("revisit_on_time_rate", "按期回访率", "%", "rate", RISE_GOOD, "回访日期不晚于到期日的 ÷ 本期应回访", "revisits",
           numerator="on_time_count", denominator="due_count", count_unit="次", english="On-time revisit rate"),
    Metric("revisits_overdue", "逾期未回访", "次", "count", RISE_BAD, "到期日已过、截至数据截至日仍未回访的全部记录（不限本期）",
           "revisits", english="Overdue revisits"),
    Metric("tier3_sampling_ratio", "三级案件抽访比例", "%", "rate", RISE_GOOD,
           "本期决定的简易、轻微免罚、首违不罚案件中有回访记录的比例", "revisits", short_label="三级抽访比例",
           target="tier3_sampling_ratio", numerator="tier3_sampled_count", denominator="tier3_case_count",
           count_unit="件", english="Tier-3 sampling ratio"),
    Metric("rectification_rate", "整改到位率", "%", "rate", RISE_GOOD, "本期完成的回访中整改到位的 ÷ 已评估整改情况的", "revisits",
           numerator="rectified_count", denominator="assessed_count", count_unit="次", english="Rectification rate"),
    # §5 penalties
    Metric("exempt_cases", "免罚案件（轻微免罚+首违不罚）", "件", "count", NEUTRAL, "处罚决定日期在本期的轻微免罚、首违不罚案件",
           "penalties", short_label="免罚案件", english="Exempted cases"),
    Metric("reduced_cases", "从轻、减轻案件", "件", "count", NEUTRAL, "处罚决定日期在本期的从轻、减轻处罚案件", "penalties",
           english="Lighter or mitigated cases"),
    Metric("waived_amount", "减免处罚金额", "万元", "money", NEUTRAL,
           "从轻、减轻、轻微免罚、首违不罚案件的（裁量基准罚款 − 实际罚没款）之和", "penalties", english="Waived or reduced amount"),
    Metric("aggravated_cases", "从重处罚案件", "件", "count", NEUTRAL, "处罚决定日期在本期的从重处罚案件", "penalties",
           english="Aggravated cases"),
    Metric("aggravated_fines", "从重处罚罚没款", "万元", "money", NEUTRAL, "从重处罚案件的实际罚没款之和", "penalties",
           short_label="从重罚没", english="Aggravated fines"),
    Metric("total_fines", "罚没款合计（全部案件）", "万元", "money", NEUTRAL, "处罚决定日期在本期的全部案件的实际罚没款之和",
           "penalties", short_label="罚没款合计", english="Total fines"),
)


def metric(code: str) -> Metric:
    """The registry entry for `code`; a KeyError names the unknown code."""
    try:
        return METRICS[code]
    except KeyError:
        raise KeyError(f"metric {code!r} is not in queries.metrics.METRICS") from None


def topic_tables(*topics: str) -> tuple[str, ...]:
    """The tables of `topics` (TOPIC_TABLES), each once, in order: what a page's data checks read."""
    return tuple(dict.fromkeys(table for topic in topics for table in TOPIC_TABLES[topic]))


def target_metrics() -> tuple[Metric, ...]:
    """The figures with a target, in the order of metrics.md's Targets table (需关注 order)."""
    order = ("differentiated_share", "due_task_completion", "publication_timeliness", "revisit_rate",
             "tier3_sampling_ratio", "annual_report_rate")
    return tuple(METRICS[code] for code in order)
