"""双随机、一公开抽查完成情况: plan progress by region, publication, risk-based sampling (metrics.md §2)."""

import streamlit as st

from dashboard import charts_inspections as charts
from dashboard import quality
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section
from dashboard.cache import run
from dashboard.config import targets
from dashboard.db import DataError
from dashboard.detail_table import detail_table, region_keys
from dashboard.format import fmt_count, fmt_date, fmt_range, fmt_rate
from dashboard.i18n import ALL_REGIONS
from dashboard.ui import city_run, data_check_sentences, with_city_row
from dashboard.ui import count_card, download_buttons, footnote, in_tabs, show_chart, show_page, summary_rate_card
from dashboard.ui import table as show_table
from queries import inspections as q
from queries.metrics import metric, topic_tables

PROGRESS_CALIBER = (
    f"完成率：{metric('completion_rate').caliber}；<br>"
    "时间进度 = 各任务自开始日至截至日已过天数 / 任务总天数（含首尾，已到期为100%），按抽查户数加权；虚线为完成目标"
)
INSPECTED_CALIBER = metric("problem_rate").caliber
DEADLINE_CALIBER = "公示期限 = 检查日期后第20个工作日（不含检查当日，按法定节假日与调休表）"


def headline_cards(ctx) -> None:
    """Two rows of five: plan progress and the three targets first, then the detail figures."""
    now = run(q.headline, ctx.filters)
    before = run(q.headline, ctx.filters.compared())
    city = city_run(ctx, q.headline)

    def rate(column, code, help_note=None, short=False):
        with column:
            summary_rate_card(code, now, before, ctx, help_note=help_note, short=short, city=city)

    def count(column, code, field, label=None, help_note=None):
        with column:
            count_card(code, getattr(now, field), getattr(before, field), ctx, label=label, help_note=help_note,
                       city=city and getattr(city, field))

    row = st.columns(5)
    rate(row[0], "completion_rate", short=True)
    rate(row[1], "due_task_completion")
    rate(row[2], "publication_timeliness", help_note=f"{DEADLINE_CALIBER}。")
    rate(row[3], "differentiated_share")
    rate(row[4], "problem_rate")
    row = st.columns(5)
    count(row[0], "drawn_objects", "drawn_count")
    rate(row[1], "on_time_rate")
    count(row[2], "pending_publication", "pending_publication_count")
    count(row[3], "inspected_count", "inspected_count")
    share = fmt_rate(now.joint_task_count, now.active_task_count)
    count(row[4], "joint_tasks", "joint_task_count", label=f"联合抽查（占{share}）",
          help_note=f"本期在办任务{fmt_count(now.active_task_count)}个，联合抽查任务占{share}。")


def by_region(ctx) -> None:
    """Completion against 时间进度 per region: the chart that explains the headline."""
    f, goals = ctx.filters, targets()
    frame = _region_frame(ctx)[1]
    unit = "各监管所" if f.by_office else "各旗县市区"
    if frame.empty:
        st.info("所选范围内本期没有在办的抽查任务。")
        return
    fig = charts.completion_figure(
        frame, ctx.names, goals.due_task_completion, f"{unit}抽查完成率与时间进度（截至{fmt_date(f.period.as_of)}）",
        footnote(ctx, PROGRESS_CALIBER, "completion_rate"),
    )
    show_chart(fig, "inspections_completion")


def region_table(ctx) -> None:
    """The by-region figures as a table with its total (and 全市 for a county-scoped viewer)."""
    f, goals = ctx.filters, targets()
    figures, frame = _region_frame(ctx)
    if frame.empty:
        st.info("所选范围内本期没有在办的抽查任务。")
        return
    total_label = ALL_REGIONS if not f.counties else "合计"
    # One office is its own total: no second row with the same numbers.
    table = charts.region_table(frame if f.office else figures, ctx.names, goals, total_label)
    city = city_run(ctx, q.region_figures_with_total)
    if city is not None:
        table = with_city_row(table, charts.region_table(city[city["region_code"] == q.TOTAL], ctx.names, goals, "全市"))
    show_table(charts.mark_shortfalls(table))
    download_buttons(table, "双随机抽查_分地区", ctx, key="双随机抽查_分地区")


def _region_frame(ctx):
    """The region figures with their total row, and without it."""
    figures = charts.in_region_order(run(q.region_figures_with_total, ctx.filters), ctx.regions)
    return figures, figures[figures["region_code"] != q.TOTAL]


def grades(ctx) -> None:
    """Problem-finding rate by credit grade at sampling."""
    when = _when(ctx)
    frame = run(q.problems_by_grade, ctx.filters)
    fig = charts.grade_figure(frame, f"各信用风险等级问题发现率（{when}检查）",
                              footnote(ctx, "按抽取时的信用风险分类等级；" + INSPECTED_CALIBER, "inspected_count"))
    show_chart(fig, "inspections_grades")


def results(ctx) -> None:
    """Inspection results per region, as shares of those inspected."""
    f, when = ctx.filters, _when(ctx)
    frame = run(q.results_by_region, f)
    if frame.empty:
        st.info("本期没有检查记录。")
        return
    order = list(charts.in_region_order(frame.drop_duplicates("region_code"), ctx.regions)["region_code"])
    unit = "各监管所" if f.by_office else "各旗县市区"
    fig = charts.results_figure(frame, ctx.names, order, ALL_REGIONS if not f.counties else "合计",
                                f"{unit}抽查结果构成（{when}检查）", footnote(ctx, "检查日期在本期的抽查对象，按检查结果分类", "inspected_count"))
    show_chart(fig, "inspections_results")


def categories(ctx) -> None:
    """Completion per item category, and its table."""
    as_of_text = fmt_date(ctx.filters.period.as_of)
    frame = run(q.by_item_category, ctx.filters)
    if frame.empty:
        st.info("所选范围内本期没有在办的抽查任务。")
        return
    active = frame[frame["drawn_count"] > 0]
    if len(active):
        fig = charts.category_figure(active, f"各抽查事项类别完成情况（截至{as_of_text}）", footnote(ctx, PROGRESS_CALIBER.split("<br>")[0], "completion_rate"))
        show_chart(fig, "inspections_categories")
    show_table(charts.category_table(frame))


# The two detail lists' words: (subheader, sentence when empty, sentence with the totals).
OVERDUE_TASKS = (
    "逾期未完成的抽查任务", "截至{as_of}，没有已过完成期限仍有对象未检查的任务。",
    "截至{as_of}，**{tasks}个**任务已过完成期限，仍有**{objects}户**未检查（逾期天数 = 截至日 − 完成期限 + 1）。",
)
OVERDUE_PUBLICATIONS = (
    "逾期未公示", "截至{as_of}，没有超过公示期限仍未公示的抽查结果。",
    "截至{as_of}，**{objects}户**抽查结果超过公示期限仍未公示，涉及**{tasks}个**任务。"
    f"{DEADLINE_CALIBER}；逾期天数 = 截至日 − 公示期限 + 1。",
)


def _listing(ctx, listing, words: tuple[str, str, str], table, basename: str) -> None:
    """A bounded detail list: its totals in a sentence, the rows shown, CSV / Excel download."""
    as_of_text = fmt_date(ctx.filters.period.as_of)
    title, empty, summary = words
    st.subheader(title)
    if not listing.task_count:
        st.success(empty.format(as_of=as_of_text))
        return
    st.markdown(summary.format(as_of=as_of_text, tasks=fmt_count(listing.task_count), objects=fmt_count(listing.object_count)))
    if listing.task_count > len(listing.rows):
        st.caption(f"下表列出逾期最久的{fmt_count(len(listing.rows))}个任务。")
    show_table(table)
    download_buttons(table, basename, ctx, key=basename)


def overdue_tasks(ctx) -> None:
    """Tasks past their deadline with objects not yet inspected."""
    listing = run(q.overdue_tasks, ctx.filters)
    _listing(ctx, listing, OVERDUE_TASKS, charts.overdue_table(listing, ctx.names), "双随机抽查_逾期任务")


def overdue_objects(ctx) -> None:
    """The drawn objects behind the overdue tasks' 未完成户数: which enterprises are still waiting."""
    detail_table(ctx, "overdue_objects", f"逾期任务中未检查的抽查对象（截至{fmt_date(ctx.filters.period.as_of)}）",
                 "overdue_objects", region_options=region_keys(ctx),
                 caliber="完成期限已过的任务中，截至日尚未检查的抽查对象；逾期天数 = 截至日 − 完成期限 + 1")


def overdue_publications(ctx) -> None:
    """Inspection results past their publication deadline, by task."""
    listing = run(q.overdue_publications, ctx.filters)
    table = charts.overdue_publication_table(listing, ctx.names)
    _listing(ctx, listing, OVERDUE_PUBLICATIONS, table, "双随机抽查_逾期未公示")


def data_quality(ctx) -> None:
    """The page's notes; the calendar years missed by either the headline's or the overdue
    list's deadlines make one sentence."""
    headline = run(q.headline, ctx.filters)
    try:
        listed_years = run(q.overdue_publications, ctx.filters).uncovered_years
    except DataError:  # its own section has said why
        listed_years = ()
    years = tuple(sorted(set(headline.uncovered_years) | set(listed_years)))
    ctx.notes.extend(quality.inspections(headline, run(q.orphan_counts, ctx.filters.data_date), years))
    ctx.notes.extend(data_check_sentences(ctx, topic_tables("inspections")))


def _when(ctx) -> str:
    return fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)


show_page(
    start_page("双随机、一公开抽查完成情况"), briefing_section("inspections"),
    headline_cards, by_region,
    in_tabs(分地区明细=region_table, 逾期任务=overdue_tasks, 逾期对象=overdue_objects, 逾期未公示=overdue_publications,
            分等级问题发现率=grades, 抽查结果构成=results, 抽查事项类别=categories),
    data_quality,
)
