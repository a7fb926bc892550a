"""执法事后回访: revisit completion against the 90 % target, tier-3 sampling, overdue list, methods."""

import streamlit as st

from dashboard import charts_revisits as charts
from dashboard import quality
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section
from dashboard.cache import run
from dashboard.detail_table import detail_table, region_keys
from dashboard.format import fmt_count, fmt_range
from dashboard.i18n import region_name
from dashboard.ui import city_run, data_check_sentences
from dashboard.ui import (
    count_card,
    footnote,
    in_tabs,
    show_chart,
    show_page,
    summary_rate_card,
    target_of,
)
from queries.metrics import metric, topic_tables
from queries.revisits import (
    method_mix,
    revisit_quality,
    revisit_summary,
    revisits_by_region,
    revisits_by_tier,
)

RATE_CALIBER = metric("revisit_rate").caliber
TIER3_CALIBER = metric("tier3_sampling_ratio").caliber


def _summaries(ctx):
    """The revisit summary of the period and of the comparison period (cached by `run`)."""
    return run(revisit_summary, ctx.filters), run(revisit_summary, ctx.filters.compared())


def _when(ctx) -> str:
    """The period up to the as-of date: with stale data, titles claim only the days covered."""
    return fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)


def headline_cards(ctx) -> None:
    """The rates judged against a target lead each row, twice as wide as the counts beside them."""
    now, then = _summaries(ctx)
    city = city_run(ctx, revisit_summary)
    rate_column, due, done = st.columns([2, 1, 1])
    with rate_column:
        summary_rate_card("revisit_rate", now, then, ctx, city=city)
    with due:
        count_card("revisits_due", now.due_count, then.due_count, ctx, city=city and city.due_count)
    with done:
        count_card("revisits_done", now.done_count, then.done_count, ctx, city=city and city.done_count)
    tier3_column, on_time, overdue = st.columns([2, 1, 1])
    with tier3_column:
        summary_rate_card("tier3_sampling_ratio", now, then, ctx, city=city)
    with on_time:
        summary_rate_card("revisit_on_time_rate", now, then, ctx, city=city)
    with overdue:
        count_card("revisits_overdue", now.overdue_count, then.overdue_count, ctx, city=city and city.overdue_count)


def by_tier(ctx) -> None:
    """回访率 per revisit tier."""
    frame = run(revisits_by_tier, ctx.filters)
    frame = frame.assign(label=[charts.tier_label(t, line_break=True) for t in frame["tier"]])
    show_chart(charts.rate_bars(
        frame, "label", "done_count", "due_count", target_of("revisit_rate"),
        f"分等级回访率（{_when(ctx)}）", footnote(ctx, RATE_CALIBER, "revisit_rate"), "无到期回访", horizontal=False,
    ), "revisits_by_tier")


def rectification_and_methods(ctx) -> None:
    """整改到位率 and the method mix share their base: revisits done in P (not those due in P)."""
    now, then = _summaries(ctx)
    summary_rate_card("rectification_rate", now, then, ctx)
    show_chart(charts.method_mix_bars(
        run(method_mix, ctx.filters), f"回访方式构成（{_when(ctx)}完成的回访）",
        footnote(ctx, "回访日期在本期内的记录，按回访方式计数", "revisits_done"),
    ), "revisits_methods")


def _by_region(ctx):
    frame = run(revisits_by_region, ctx.filters)
    return frame.assign(label=[region_name(code, ctx.names) for code in frame["region_code"]])


def rate_by_region(ctx) -> None:
    """回访率 per region."""
    show_chart(charts.rate_bars(
        _by_region(ctx), "label", "done_count", "due_count", target_of("revisit_rate"),
        f"分地区回访率（{_when(ctx)}）", footnote(ctx, RATE_CALIBER, "revisit_rate"), "无到期回访",
    ), "revisits_by_region")


def sampling_by_region(ctx) -> None:
    """三级案件抽访比例 per region."""
    show_chart(charts.rate_bars(
        _by_region(ctx), "label", "tier3_sampled_count", "tier3_case_count", target_of("tier3_sampling_ratio"),
        f"分地区三级案件抽访比例（{_when(ctx)}决定的案件）", footnote(ctx, TIER3_CALIBER, "tier3_sampling_ratio"), "无三级案件",
    ), "revisits_sampling_by_region")


def overdue_list(ctx) -> None:
    """The revisits past due and not done, longest overdue first."""
    f = ctx.filters
    st.subheader("逾期未回访清单")
    total = run(revisit_summary, f).overdue_count
    st.caption(f"截至{f.period.as_of.month}月{f.period.as_of.day}日共 {fmt_count(total)} 条回访到期未完成；"
               "逾期天数 = 截至日 − 到期日 + 1。")
    if not total:
        st.success("没有逾期未回访的记录。")
        return
    detail_table(ctx, "overdue_revisits", "逾期未回访清单", "overdue_revisits", region_options=region_keys(ctx), heading=False,
                 caliber="到期日已过、截至日仍未回访的全部回访记录（不限本期）")


def data_quality(ctx) -> None:
    ctx.notes.extend(quality.revisits(run(revisit_quality, ctx.filters)))
    ctx.notes.extend(data_check_sentences(ctx, topic_tables("revisits")))


show_page(
    start_page("执法事后回访"), briefing_section("revisits"),
    headline_cards,
    rate_by_region,
    in_tabs(逾期未回访清单=overdue_list, 分等级回访率=by_tier, 三级案件抽访=sampling_by_region,
            整改与回访方式=rectification_and_methods),
    data_quality,
)
