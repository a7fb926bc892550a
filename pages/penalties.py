"""包容审慎减免处罚: 免罚 / 从轻减轻 / 从重 cases, 减免处罚金额 and the briefing sentence (metrics.md §5)."""

import streamlit as st

from dashboard import charts_penalties as charts
from dashboard import quality
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section
from dashboard.briefing import briefing_subject, penalties_sentence
from dashboard.cache import run
from dashboard.detail_table import detail_table, region_keys
from dashboard.format import fmt_range
from dashboard.ui import city_run, data_check_sentences, with_city_row
from dashboard.ui import count_card, download_buttons, footnote, in_tabs, money_card, show_chart, show_page
from queries import penalties as q
from queries.common import TOTAL
from queries.metrics import metric, topic_tables

WAIVED_CALIBER = f"减免处罚金额 = {metric('waived_amount').caliber}"
CASES_CALIBER = "处罚决定日期在本期（截至数据截至日）的行政处罚案件"
BRACKET_NOTE = "；括号内为免罚及从轻、减轻案件数"

# (card helper, figure code, PenaltySummary field): two rows of three. A comment, not a
# docstring: streamlit's magic would print a bare string on the page.
HEADLINE_CARDS = (
    (count_card, "exempt_cases", "exempt_count"),
    (count_card, "reduced_cases", "reduced_count"),
    (money_card, "waived_amount", "waived_yuan"),
    (count_card, "aggravated_cases", "aggravated_count"),
    (money_card, "aggravated_fines", "aggravated_fines_yuan"),
    (money_card, "total_fines", "fines_yuan"),
)


def headline_cards(ctx) -> None:
    """免罚, 从轻减轻, 减免处罚金额 / 从重, 从重罚没, 罚没款合计, each against the comparison period."""
    now = run(q.penalty_summary, ctx.filters)
    before = run(q.penalty_summary, ctx.filters.compared())
    city = city_run(ctx, q.penalty_summary)
    columns = [*st.columns(3), *st.columns(3)]
    for column, (card, code, field) in zip(columns, HEADLINE_CARDS):
        with column:
            card(code, getattr(now, field), getattr(before, field), ctx, city=city and getattr(city, field))


def briefing(ctx) -> None:
    """The sentence to paste into the weekly briefing, in a box with a copy button."""
    f = ctx.filters
    summary = run(q.penalty_summary, f)
    st.subheader("简报用语")
    sentence = penalties_sentence(
        summary, f.period.start, f.period.as_of, briefing_subject(f.counties, f.office, ctx.names)
    )
    st.code(sentence, language=None, wrap_lines=True)
    st.caption("点击框右上角的复制按钮即可粘贴。“涉及罚没款”为从重处罚案件的罚没款；“罚没款合计”为全部处罚案件。")


def categories(ctx) -> None:
    """Cases per category, coloured by card group."""
    when = _when(ctx)
    frame = run(q.cases_by_category, ctx.filters)
    fig = charts.category_figure(frame, f"各类处罚案件数（{when}）", footnote(ctx, f"{CASES_CALIBER}，按7类处罚类别计件", "total_fines"))
    show_chart(fig, "penalties_categories")


def regions(ctx) -> None:
    """减免处罚金额 per region."""
    f, when = ctx.filters, _when(ctx)
    frame = run(q.cases_by_region, f)
    unit = "各监管所" if f.by_office else "各旗县市区"
    fig = charts.waived_by_region_figure(
        frame, ctx.names, f"{unit}减免处罚金额（{when}）", footnote(ctx, WAIVED_CALIBER + BRACKET_NOTE, "waived_amount")
    )
    show_chart(fig, "penalties_regions")


def violation_types(ctx) -> None:
    """减免处罚金额 per violation type."""
    when = _when(ctx)
    frame = run(q.cases_by_violation_type, ctx.filters)
    fig = charts.waived_by_violation_figure(
        frame, f"各违法类型减免处罚金额（{when}）", footnote(ctx, WAIVED_CALIBER + BRACKET_NOTE, "waived_amount")
    )
    show_chart(fig, "penalties_violation_types")


def trend(ctx) -> None:
    """The last twelve months: amounts and case counts."""
    f = ctx.filters
    frame = run(q.monthly_trend, f)
    if frame.empty:
        st.info("所选时间段结束的月份及其前11个月均晚于数据截至日，暂无月度趋势。")
        return
    span = fmt_range(frame["month_start"].iloc[0], frame["month_end"].iloc[-1])
    fig = charts.trend_figure(
        frame, f"近12个月减免处罚金额与案件数（{span}）", footnote(ctx, f"按处罚决定日期所在月份；{WAIVED_CALIBER}", "waived_amount")
    )
    show_chart(fig, "penalties_trend")


def region_table(ctx) -> None:
    """The by-region figures with their total, downloadable."""
    f = ctx.filters
    figures = run(q.cases_by_region_with_total, f)
    if f.office:  # one office is its own total: no second row with the same numbers
        figures = figures[figures["region_code"] != TOTAL]
    table = charts.region_table(figures, ctx.names, "合计")
    city = city_run(ctx, q.cases_by_region_with_total)
    if city is not None:
        table = with_city_row(table, charts.region_table(city[city["region_code"] == TOTAL], ctx.names, "全市"))
    st.subheader("分地区明细")
    money = {heading: st.column_config.NumberColumn(heading, format="%.2f") for heading in table.columns if "万元" in heading}
    st.dataframe(table, hide_index=True, column_config=money)
    download_buttons(table, "包容审慎减免处罚_分地区", ctx, key="penalties_regions")


def waived_cases(ctx) -> None:
    """The cases behind 减免处罚金额: searchable, paged in SQL, downloadable."""
    detail_table(ctx, "waived_cases", f"减免处罚案件清单（{_when(ctx)}）", "waived_cases", region_options=region_keys(ctx),
                 caliber="处罚决定日期在本期的从轻、减轻、轻微免罚、首违不罚案件；减免金额 = 裁量基准罚款 − 实际罚没款")


def data_quality(ctx) -> None:
    ctx.notes.extend(quality.penalties(run(q.penalty_summary, ctx.filters), run(q.orphan_cases, ctx.filters)))
    ctx.notes.extend(data_check_sentences(ctx, topic_tables("penalties")))


def _when(ctx) -> str:
    return fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)


show_page(
    start_page("包容审慎减免处罚"), briefing_section("penalties"),
    headline_cards, categories,
    in_tabs(简报用语=briefing, 分地区=regions, 分违法类型=violation_types, 月度走势=trend, 分地区明细=region_table,
            减免案件清单=waived_cases),
    data_quality,
)
