"""The screens of meeting mode: per topic its 3–4 headline figures and the one chart that explains
them, drawn with the same queries, card helpers and chart builders as the topic's page."""

from __future__ import annotations

import streamlit as st

from dashboard import attention as att
from dashboard import charts_credit_risk, charts_inspections, charts_lists, charts_penalties, charts_revisits
from dashboard import config, present, theme
from dashboard.cache import run
from dashboard.format import fmt_date, fmt_range
from dashboard.i18n import region_name
from dashboard.ui import PageContext, city_run, count_card, footnote, money_card, rate_card, section, summary_rate_card
from queries import credit_risk, inspections, lists, penalties, revisits
from queries.annual_reports import annual_report_rate_parts, season
from queries.metrics import metric


def _row(ctx: PageContext, cards: list) -> None:
    """The headline figures side by side, each a callable drawing one card."""
    with st.container(key="present_cards"):
        for column, draw in zip(st.columns(len(cards)), cards):
            with column, section():
                draw()


def _chart(fig) -> None:
    """The screen's one chart, in the large type, filling the rest of the screen."""
    with st.container(key="present_chart"):
        st.plotly_chart(theme.for_projector(fig, present.chart_scale()), theme=None, height="stretch",
                        config={"displayModeBar": False})


def _now_and_then(ctx: PageContext, query, *args, **kwargs):
    return run(query, ctx.filters, *args, **kwargs), run(query, ctx.filters.compared(), *args, **kwargs)


def _part(summary, field: str):
    """A field of the whole city's summary (city_run), or None for a whole-city viewer."""
    return None if summary is None else getattr(summary, field)


def _when(ctx: PageContext) -> str:
    return fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)


def overview(ctx: PageContext) -> None:
    """Four figures from four topics, and what is below target (the 需关注 list, its first lines)."""
    inspection, inspection_before = _now_and_then(ctx, inspections.headline)
    visits, visits_before = _now_and_then(ctx, revisits.revisit_summary)
    flows, flows_before = _now_and_then(ctx, lists.list_flows, "abnormal")
    money, money_before = _now_and_then(ctx, penalties.penalty_summary)
    # A county-scoped viewer's cards carry the whole city's figure under them, as on the pages.
    city_inspection, city_visits = city_run(ctx, inspections.headline), city_run(ctx, revisits.revisit_summary)
    city_flows, city_money = city_run(ctx, lists.list_flows, "abnormal"), city_run(ctx, penalties.penalty_summary)
    _row(ctx, [
        lambda: summary_rate_card("publication_timeliness", inspection, inspection_before, ctx, short=True,
                                  city=city_inspection),
        lambda: summary_rate_card("revisit_rate", visits, visits_before, ctx, short=True, city=city_visits),
        lambda: count_card("inflow", flows.inflow, flows_before.inflow, ctx, label=f"经营异常名录{metric('inflow').short}",
                           city=_part(city_flows, "inflow")),
        lambda: money_card("waived_amount", money.waived_yuan, money_before.waived_yuan, ctx, short=True,
                           city=_part(city_money, "waived_yuan")),
    ])
    sources = {
        "inspection": run(inspections.targets_by_region, ctx.filters),
        "revisit": run(revisits.revisit_targets, ctx.filters),
        "annual": run(annual_report_rate_parts, ctx.filters),
    }
    year = season(ctx.filters).report_year
    statuses = att.attention(att.target_parts(**sources), config.targets(), ctx.filters, ctx.names,
                             labels={"annual_report_rate": f"{year}年度年报公示率"})
    below = [s for s in statuses if s.state == "below"]
    with st.container(key="present_attention"):
        st.markdown("**需关注**")
        if not below:
            st.markdown(att.others_sentence(statuses, ctx.filters, ctx.names))
        # What fits one screen: three figures, their first two places each (the page lists all).
        for status in below[:3]:
            more = f"（另有{len(status.items) - 2}处，见总览页）" if len(status.items) > 2 else ""
            st.markdown(f":red[**未达标**]　**{status.label}**　{att.target_text(status.target)}{more}")
            st.markdown("\n".join(f"- {item.line}" for item in status.items[:2]))
        if len(below) > 3:
            st.markdown(f"另有{len(below) - 3}项指标未达标，见总览页。")


def credit(ctx: PageContext) -> None:
    """Rated, high-risk share, D and unclassified; the region × grade grid."""
    scope = config.credit_risk_entity_types()
    now_frame, then_frame = run(credit_risk.grade_distributions, ctx.filters, entity_types=scope)
    now, then = credit_risk.grade_totals(now_frame), credit_risk.grade_totals(then_frame)
    city_frames = city_run(ctx, credit_risk.grade_distributions, entity_types=scope)
    city = None if city_frames is None else credit_risk.grade_totals(city_frames[0])
    city_high = None if city is None else (city.high_risk.numerator, city.high_risk.denominator)
    _row(ctx, [
        lambda: count_card("rated_count", now.rated_count, then.rated_count, ctx, short=True,
                           city=_part(city, "rated_count")),
        lambda: rate_card("high_risk_share", now.high_risk.numerator, now.high_risk.denominator,
                          then.high_risk.numerator, then.high_risk.denominator, ctx, short=True, city=city_high),
        lambda: count_card("d_count", now.d_count, then.d_count, ctx, short=True, city=_part(city, "d_count")),
        lambda: count_card("unrated_count", now.unrated_count, then.unrated_count, ctx, short=True,
                           city=_part(city, "unrated_count")),
    ])
    f = ctx.filters
    figures = charts_credit_risk.region_figures(now_frame, then_frame, ctx.regions, f)
    scope_text = charts_credit_risk.scope_phrase(scope)
    title = f"{'各监管所' if f.by_office else '各旗县市区'}各等级占比（{fmt_date(f.period.as_of)}，按高风险占比排序）"
    caliber = f"{scope_text}；每家在册企业取当日最新一次分类结果；<br>占比 = 该等级企业数 / 已评级企业数（未分类不计入）"
    _chart(charts_credit_risk.grade_heat_grid(figures, title, footnote(ctx, caliber)))


def inspection(ctx: PageContext) -> None:
    """Plan progress and the three targets; completion by region against 时间进度."""
    now, before = _now_and_then(ctx, inspections.headline)
    city = city_run(ctx, inspections.headline)
    _row(ctx, [
        lambda code=code: summary_rate_card(code, now, before, ctx, short=True, city=city)
        for code in ("completion_rate", "due_task_completion", "publication_timeliness", "differentiated_share")
    ])
    f = ctx.filters
    frame = charts_inspections.in_region_order(run(inspections.region_figures, f), ctx.regions)
    if frame.empty:
        st.info("所选范围内本期没有在办的抽查任务。")
        return
    unit = "各监管所" if f.by_office else "各旗县市区"
    caliber = (
        f"{metric('completion_rate').caliber}；<br>时间进度 = 各任务自开始日至截至日已过天数 / 任务总天数，按抽查户数加权；虚线为完成目标"
    )
    _chart(charts_inspections.completion_figure(
        frame, ctx.names, config.targets().due_task_completion,
        f"{unit}抽查完成率与时间进度（截至{fmt_date(f.period.as_of)}）", footnote(ctx, caliber),
    ))


def list_screen(ctx: PageContext) -> None:
    """经营异常名录: in, out, net and stock; the flows week by week (or month by month)."""
    flows, before = _now_and_then(ctx, lists.list_flows, "abnormal")
    city = city_run(ctx, lists.list_flows, "abnormal")
    _row(ctx, [
        lambda: count_card("inflow", flows.inflow, before.inflow, ctx, city=_part(city, "inflow")),
        lambda: count_card("outflow", flows.outflow, before.outflow, ctx, city=_part(city, "outflow")),
        lambda: count_card("net", flows.net, before.net, ctx, city=_part(city, "net")),
        lambda: count_card("stock", flows.closing_stock, before.closing_stock, ctx, city=_part(city, "closing_stock")),
    ])
    series = run(lists.list_series, ctx.filters, "abnormal")
    first, last = series["bucket_start"].iloc[0], series["counted_to"].iloc[-1]
    caliber = "列入/移出＝列入/移出日期在该段内；在册＝段末（或数据截至日）已列入且未移出"
    _chart(charts_lists.flow_series_figure(
        series, f"经营异常名录列入与移出（{fmt_range(first, last)}）", footnote(ctx, caliber), label_room=3))


def revisit(ctx: PageContext) -> None:
    """Revisit rate, due, overdue and the tier-3 sampling ratio; the rate by region."""
    now, then = _now_and_then(ctx, revisits.revisit_summary)
    city = city_run(ctx, revisits.revisit_summary)
    _row(ctx, [
        lambda: summary_rate_card("revisit_rate", now, then, ctx, short=True, city=city),
        lambda: count_card("revisits_due", now.due_count, then.due_count, ctx, short=True, city=_part(city, "due_count")),
        lambda: count_card("revisits_overdue", now.overdue_count, then.overdue_count, ctx, short=True,
                           city=_part(city, "overdue_count")),
        lambda: summary_rate_card("tier3_sampling_ratio", now, then, ctx, short=True, city=city),
    ])
    f = ctx.filters
    by_region = run(revisits.revisits_by_region, f).assign(
        label=lambda d: [region_name(c, ctx.names) for c in d["region_code"]]
    )
    _chart(charts_revisits.rate_bars(
        by_region, "label", "done_count", "due_count", config.targets().revisit_rate,
        f"分地区回访率（{_when(ctx)}）", footnote(ctx, metric("revisit_rate").caliber), "无到期回访",
    ))


def penalty(ctx: PageContext) -> None:
    """Exempted, lighter, the waived amount and all fines; cases by category."""
    now, before = _now_and_then(ctx, penalties.penalty_summary)
    city = city_run(ctx, penalties.penalty_summary)
    _row(ctx, [
        lambda: count_card("exempt_cases", now.exempt_count, before.exempt_count, ctx, short=True,
                           city=_part(city, "exempt_count")),
        lambda: count_card("reduced_cases", now.reduced_count, before.reduced_count, ctx, short=True,
                           city=_part(city, "reduced_count")),
        lambda: money_card("waived_amount", now.waived_yuan, before.waived_yuan, ctx, short=True,
                           city=_part(city, "waived_yuan")),
        lambda: money_card("total_fines", now.fines_yuan, before.fines_yuan, ctx, short=True,
                           city=_part(city, "fines_yuan")),
    ])
    frame = run(penalties.cases_by_category, ctx.filters)
    _chart(charts_penalties.category_figure(
        frame, f"各类处罚案件数（{_when(ctx)}）", footnote(ctx, "处罚决定日期在本期的案件，按7类处罚类别计件")))


SCREENS = {
    "overview": ("监管总览", overview),
    "credit_risk": ("企业信用风险分类", credit),
    "inspections": ("双随机、一公开抽查", inspection),
    "lists": ("经营异常名录", list_screen),
    "revisits": ("执法事后回访", revisit),
    "penalties": ("包容审慎减免处罚", penalty),
}
"""Screen code (the topic page's URL path; overview for the first page) → (title, draw)."""


def run_show(url_path: str) -> None:
    """Meeting mode, starting on the screen of the page the URL names."""
    present.show(SCREENS, url_path or "overview")
