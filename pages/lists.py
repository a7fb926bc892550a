"""经营异常名录与严重违法失信名单: inflow, outflow, stock, why and where; the three-year warning,
credit repair and, beside the abnormal list, the annual-report rate (metrics.md sections 3 and 6)."""

from dataclasses import replace
from datetime import timedelta
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import charts_lists, i18n, quality
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section
from dashboard.cache import run
from dashboard.db import DataError
from dashboard.detail_table import detail_table, region_keys
from dashboard.format import fmt_count, fmt_date, fmt_range
from dashboard.ui import city_run, data_check_sentences
from dashboard.ui import (
    count_card,
    days_card,
    footnote,
    in_tabs,
    lazy_tabs,
    rate_card,
    show_chart,
    show_page,
    show_sections,
    target_of,
)
from queries.annual_reports import (
    SeasonFigures,
    annual_report_orphans,
    annual_report_rate_parts,
    annual_report_season,
    season,
)
from queries.common import TOTAL, shown_regions
from queries.lists import (
    WARNING_DAYS,
    WEEKLY_MAX_DAYS,
    credit_repair,
    list_breakdown,
    list_flows,
    list_quality,
    list_series,
    three_year_warning,
)
from queries.metrics import metric, topic_tables

LIST_TITLES = {"abnormal": "经营异常名录", "serious": "严重违法失信名单"}
REASON_LABELS = {
    "abnormal": (i18n.ABNORMAL_LISTING_REASON, i18n.ABNORMAL_REMOVAL_REASON),
    "serious": (i18n.SERIOUS_LISTING_REASON, i18n.SERIOUS_REMOVAL_REASON),
}


def narrow_footnote(ctx, caliber: str, figure: str) -> str:
    """ui.footnote for a chart in a half-width column: 数据截至 on a line of its own, so nothing is cut."""
    return footnote(ctx, caliber, figure).replace("｜", "<br>")


def headline(ctx, list_name: str) -> None:
    f = ctx.filters
    flows, before = run(list_flows, f, list_name), run(list_flows, f.compared(), list_name)
    city = city_run(ctx, list_flows, list_name)
    cards = st.columns(4)
    with cards[0]:
        count_card("inflow", flows.inflow, before.inflow, ctx, city=city and city.inflow)
    with cards[1]:
        count_card("outflow", flows.outflow, before.outflow, ctx, city=city and city.outflow)
    with cards[2]:
        count_card("net", flows.net, before.net, ctx, city=city and city.net)
    with cards[3]:
        count_card("stock", flows.closing_stock, before.closing_stock, ctx,
                   label=f"{metric('stock').label}（{fmt_date(f.period.as_of)}）", city=city and city.closing_stock)
    sentence = (
        f"期初在册 {fmt_count(flows.opening_stock)}（截至{fmt_date(f.period.start - timedelta(days=1))}）"
        f" ＋ 本期列入 {fmt_count(flows.inflow)} − 本期移出 {fmt_count(flows.outflow)}"
    )
    if flows.identity_holds:
        st.markdown(f"**{sentence} ＝ 期末在册 {fmt_count(flows.closing_stock)}**")
    else:
        st.warning(f"{sentence} ≠ 期末在册 {fmt_count(flows.closing_stock)}：有移出日期早于列入日期的记录，见页末数据质量提示。")


def series_chart(ctx, list_name: str) -> None:
    series = run(list_series, ctx.filters, list_name)
    first, last = series["bucket_start"].iloc[0], series["counted_to"].iloc[-1]
    unit = "每周" if ctx.filters.period.days <= WEEKLY_MAX_DAYS else "每月"
    context = "，阴影为所选时段、浅色为此前各周" if not series["in_period"].all() else ""
    title = f"{LIST_TITLES[list_name]}{unit}列入与移出（{fmt_range(first, last)}{context}）"
    caliber = (
        "列入/移出＝列入/移出日期在该段内；在册＝段末（或数据截至日）已列入且未移出；"
        "所选时段不超过91天按ISO周（周一至周日）、否则按自然月，所选时段的首末两段按时段截取"
    )
    fig = charts_lists.flow_series_figure(series, title, footnote(ctx, caliber, "inflow"))
    show_chart(fig, f"{list_name}_series")


def reason_counts(breakdown: pd.DataFrame, list_name: str, flow: str) -> pd.DataFrame:
    """Entries per reason of one flow, with the reason's Chinese label (NULL as 未填写)."""
    rows = breakdown[breakdown["flow"] == flow]
    counts = rows.groupby("reason", dropna=False)["entry_count"].sum().reset_index()
    labels = REASON_LABELS[list_name][flow == "outflow"]
    counts["reason_label"] = [i18n.label(labels, code if pd.notna(code) else None) for code in counts["reason"]]
    return counts


def reason_charts(ctx, list_name: str) -> None:
    """Entries per listing reason beside entries per removal reason."""
    breakdown = run(list_breakdown, ctx.filters, list_name)
    period = fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)
    counts = {flow: reason_counts(breakdown, list_name, flow) for flow in ("inflow", "outflow")}
    slots = max(len(frame) for frame in counts.values())
    for column, flow in zip(st.columns(2), ("inflow", "outflow")):
        word, color = {"inflow": ("列入", charts_lists.INFLOW_COLOR), "outflow": ("移出", charts_lists.OUTFLOW_COLOR)}[flow]
        with column:
            if counts[flow].empty:
                st.info(f"{period}没有{word}{LIST_TITLES[list_name]}的记录。")
                continue
            title = f"{LIST_TITLES[list_name]}按{word}原因（{period}）"
            fig = charts_lists.reason_figure(counts[flow], title, narrow_footnote(ctx, f"{word}原因，单位：户次", "inflow"), color, slots)
            show_chart(fig, f"{list_name}_{flow}_reasons")


def region_chart(ctx, list_name: str) -> None:
    """Entries in and out per county (or office), the regions of the filter first."""
    breakdown = run(list_breakdown, ctx.filters, list_name)
    period = fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)
    totals = breakdown.pivot_table(index="region_code", columns="flow", values="entry_count", aggfunc="sum", fill_value=0)
    codes = shown_regions(ctx.regions, ctx.filters)
    codes += [code for code in totals.index if code not in codes]
    by_region = totals.reindex(index=codes, columns=["inflow", "outflow"], fill_value=0).reset_index(names="region_code")
    by_region["region_name"] = [i18n.region_name(code, ctx.names) for code in by_region["region_code"]]
    unit = "监管所" if ctx.filters.by_office else "旗县市区"
    title = f"{LIST_TITLES[list_name]}各{unit}列入与移出（{period}）"
    caliber = "旗县市区＝作出决定的机关所在旗县市区；监管所＝企业所属监管所，无所属或属他旗县的计入“其他”；单位：户次"
    show_chart(charts_lists.region_flow_figure(by_region, title, footnote(ctx, caliber, "inflow")), f"{list_name}_regions")


def credit_repair_cards(ctx, list_name: str) -> None:
    f = ctx.filters
    repair, before = run(credit_repair, f, list_name), run(credit_repair, f.compared(), list_name)
    city = city_run(ctx, credit_repair, list_name)
    st.subheader("信用修复")
    cards = st.columns(4)
    with cards[0]:
        count_card("credit_repair", repair.count, before.count, ctx, city=city and city.count)
    with cards[1]:
        days_card("repair_median_days", repair.median_days, before.median_days, ctx, city=city and city.median_days)


def warning_table(ctx) -> None:
    f = ctx.filters
    warning = run(three_year_warning, f, 0)  # the counts only: the rows are paged below
    st.subheader(f"届满三年预警（{WARNING_DAYS}天内届满三年、可列入严重违法失信名单）")
    window_end = fmt_date(f.period.as_of + timedelta(days=WARNING_DAYS))
    st.markdown(
        f"截至{fmt_date(f.period.as_of)}仍在经营异常名录、列入满三年之日不晚于{window_end}的："
        f"**共 {fmt_count(warning.total_count)} 户次，其中已届满 {fmt_count(warning.passed_count)} 户次**"
        "（已届满的排在前面，“已届满（超过 N 天）”按届满之日起算）"
    )
    if not warning.total_count:
        st.info("没有即将或已经届满三年的在册记录。")
        return
    detail_table(ctx, "three_year", f"届满三年预警名单（截至{fmt_date(f.period.as_of)}）", "warning",
                 region_options=region_keys(ctx),
                 caliber=f"截至日仍在经营异常名录、列入满三年之日不晚于截至日后{WARNING_DAYS}天的记录")


def annual_report_section(ctx) -> None:
    f = ctx.filters
    current, last = season(f), season(f, previous=True)
    now, then = (run(annual_report_season, f, previous) for previous in (False, True))
    st.subheader(f"年报公示率（{current.report_year}年度）")
    total, prior = (
        run(annual_report_rate_parts, f, previous).set_index("region_code").loc[TOTAL] for previous in (False, True)
    )
    st.caption(
        f"未按期报送年报是列入经营异常名录的主要原因。应报＝{current.report_year}年12月31日前成立且截至{fmt_date(current.as_of)}"
        f"未注销吊销的市场主体；法定公示期至{fmt_date(current.deadline)}，此后补报计为逾期公示；"
        f"对比{last.report_year}年度同一时点（截至{fmt_date(last.as_of)}）。"
    )
    # The season is compared with the last season at the same date, whatever comparison the
    # filter chose: the cards say 较去年同期.
    season_ctx = replace(ctx, filters=replace(f, comparison_mode="year_ago"))
    city = city_run(ctx, annual_report_rate_parts, False)
    city = None if city is None else city.set_index("region_code").loc[TOTAL]
    cards = st.columns(4)
    with cards[0]:
        rate_card("annual_report_rate", int(total.submitted_count), int(total.required_count),
                  int(prior.submitted_count), int(prior.required_count), season_ctx,
                  city=None if city is None else (int(city.submitted_count), int(city.required_count)))
    with cards[1]:
        count_card("annual_report_required", int(total.required_count), int(prior.required_count), season_ctx,
                   city=None if city is None else int(city.required_count))
    with cards[2]:
        count_card("annual_report_unfiled", int(total.required_count - total.submitted_count),
                   int(prior.required_count - prior.submitted_count), season_ctx,
                   city=None if city is None else int(city.required_count - city.submitted_count))
    with cards[3]:
        count_card("annual_report_late", int(total.late_count), int(prior.late_count), season_ctx,
                   city=None if city is None else int(city.late_count))
    annual_report_charts(ctx, now, then)


def annual_report_charts(ctx, now: SeasonFigures, then: SeasonFigures) -> None:
    f = ctx.filters
    current, last = season(f), season(f, previous=True)
    by_region, previous = now.by_region, then.by_region.set_index("region_code")
    codes = shown_regions(ctx.regions, ctx.filters)
    codes += [code for code in by_region["region_code"] if code not in codes]
    frame = by_region.set_index("region_code").reindex(codes, fill_value=0).reset_index()
    frame["previous_submitted"] = [int(previous["submitted_count"].get(code, 0)) for code in frame["region_code"]]
    frame["previous_required"] = [int(previous["required_count"].get(code, 0)) for code in frame["region_code"]]
    frame["region_name"] = [i18n.region_name(code, ctx.names) for code in frame["region_code"]]
    caliber = (
        f"公示率＝截至{fmt_date(current.as_of)}已公示{current.report_year}年度年报的应报主体 / 应报主体<br>"
        f"（{current.report_year}年12月31日前成立、截至当日未注销吊销）；逾期＝{fmt_date(current.deadline)}后公示"
    )
    target = target_of("annual_report_rate")
    left, right = st.columns(2)
    with left:
        unit = "监管所" if f.by_office else "旗县市区"
        title = f"{current.report_year}年度年报公示率·各{unit}（截至{fmt_date(current.as_of)}）"
        fig = charts_lists.annual_report_region_figure(frame, target, title, narrow_footnote(ctx, caliber, "annual_report_rate"))
        show_chart(fig, "annual_regions")
    with right:
        progress, progress_before = now.progress, then.progress
        names = (f"{current.report_year}年度", f"{last.report_year}年度（截至{fmt_date(last.as_of)}）")
        title = f"年报公示进度：{current.report_year}年度与上一年度同期（各月末累计）"
        fig = charts_lists.annual_report_progress_figure(
            progress, progress_before, target, names, title, narrow_footnote(ctx, caliber, "annual_report_rate")
        )
        show_chart(fig, "annual_progress")


def list_tab(ctx, list_name: str) -> None:
    """One list: its headline and the week-by-week series first, the rest in tabs (the abnormal
    list adds the three-year warning and the annual reports); each part guarded on its own."""
    detail = {"分原因": partial(reason_charts, list_name=list_name), "分地区": partial(region_chart, list_name=list_name)}
    if list_name == "abnormal":
        detail["届满三年预警"] = warning_table
    detail["信用修复"] = partial(credit_repair_cards, list_name=list_name)
    if list_name == "abnormal":
        detail["年报公示率"] = annual_report_section
    show_sections(ctx, partial(headline, list_name=list_name), partial(series_chart, list_name=list_name),
                  in_tabs(**detail))


def list_tabs(ctx) -> None:
    """The two lists, a tab each; the open tab is in the URL (bind), so a copied link opens the same list."""
    for (tab, drawn), list_name in zip(lazy_tabs(list(LIST_TITLES.values()), key="list_tab"), LIST_TITLES):
        if drawn:  # the other list is computed when its tab is chosen
            with tab:
                list_tab(ctx, list_name)


def data_quality(ctx) -> None:
    """Each source is read on its own: a missing annual_reports table (already reported in its
    section) must not hide the lists' notes."""
    for list_name, title in LIST_TITLES.items():
        try:
            ctx.notes.extend(quality.list_entries(title, run(list_quality, ctx.filters, list_name)))
        except DataError:
            continue
    try:
        orphans = run(annual_report_orphans, ctx.filters)
    except DataError:
        orphans = 0
    ctx.notes.extend(quality.annual_reports(season(ctx.filters).report_year, orphans))
    ctx.notes.extend(data_check_sentences(ctx, topic_tables("lists", "annual_reports")))


show_page(start_page("经营异常名录与严重违法失信名单"), briefing_section("lists"), list_tabs, data_quality)
