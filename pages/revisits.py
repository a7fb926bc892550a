"""执法事后回访: revisit completion against the 90 % target, tier-3 sampling, overdue list, methods."""

import streamlit as st

from dashboard import charts_revisits as charts
from dashboard.app import start_page
from dashboard.cache import run
from dashboard.config import targets
from dashboard.detail_table import detail_table, region_keys
from dashboard.format import fmt_count, fmt_range
from dashboard.ui import count_card, download_buttons, footnote, quality_notes, section, summary_rate_card
from queries.metrics import metric
from queries.revisits import (
    method_mix,
    overdue_revisits,
    revisit_quality,
    revisit_summary,
    revisits_by_region,
    revisits_by_tier,
)

ctx = start_page("执法事后回访")
f = ctx.filters
goal = targets()
when = fmt_range(f.period.start, f.period.as_of)  # stale data: titles claim only the days covered
county = ctx.names.get(f.counties[0]) if f.by_office else None
RATE_CALIBER = metric("revisit_rate").caliber
TIER3_CALIBER = metric("tier3_sampling_ratio").caliber

with section():
    now, then = run(revisit_summary, f), run(revisit_summary, f.compared())
    # The rate judged against a target leads the row, twice as wide as the counts beside it.
    rate_column, due, done = st.columns([2, 1, 1])
    with rate_column:
        summary_rate_card("revisit_rate", now, then, ctx)
    with due:
        count_card("revisits_due", now.due_count, then.due_count, ctx)
    with done:
        count_card("revisits_done", now.done_count, then.done_count, ctx)
    tier3_column, on_time, overdue = st.columns([2, 1, 1])
    with tier3_column:
        summary_rate_card("tier3_sampling_ratio", now, then, ctx)
    with on_time:
        summary_rate_card("revisit_on_time_rate", now, then, ctx)
    with overdue:
        count_card("revisits_overdue", now.overdue_count, then.overdue_count, ctx)

left, right = st.columns(2)
with left, section():
    by_tier = run(revisits_by_tier, f).assign(label=lambda d: [charts.tier_label(t, line_break=True) for t in d["tier"]])
    st.plotly_chart(charts.rate_bars(
        by_tier, "label", "done_count", "due_count", goal.revisit_rate,
        f"分等级回访率（{when}）", footnote(ctx, RATE_CALIBER), "无到期回访", horizontal=False,
    ), width="stretch")
with right, section():
    # 整改到位率 and the method mix share their base: revisits done in P (not those due in P).
    now, then = run(revisit_summary, f), run(revisit_summary, f.compared())
    summary_rate_card("rectification_rate", now, then, ctx)
    st.plotly_chart(charts.method_mix_bars(
        run(method_mix, f), f"回访方式构成（{when}完成的回访）", footnote(ctx, "回访日期在本期内的记录，按回访方式计数"),
    ), width="stretch")

left, right = st.columns(2)
by_region = None
with left, section():
    by_region = run(revisits_by_region, f).assign(
        label=lambda d: [charts.region_label(c, ctx.names, within=county) for c in d["region_code"]]
    )
    st.plotly_chart(charts.rate_bars(
        by_region, "label", "done_count", "due_count", goal.revisit_rate,
        f"分地区回访率（{when}）", footnote(ctx, RATE_CALIBER), "无到期回访",
    ), width="stretch")
with right, section():
    if by_region is not None:
        st.plotly_chart(charts.rate_bars(
            by_region, "label", "tier3_sampled_count", "tier3_case_count", goal.tier3_sampling_ratio,
            f"分地区三级案件抽访比例（{when}决定的案件）",
            footnote(ctx, TIER3_CALIBER), "无三级案件",
        ), width="stretch")

with section():
    st.subheader("逾期未回访清单")
    total = run(revisit_summary, f).overdue_count
    st.caption(f"截至{f.period.as_of.month}月{f.period.as_of.day}日共 {fmt_count(total)} 条回访到期未完成；"
               "逾期天数 = 截至日 − 到期日 + 1。")
    if not total:
        st.success("没有逾期未回访的记录。")
    else:
        detail_table(ctx, "overdue_revisits", "逾期未回访清单", "overdue_revisits", region_options=region_keys(ctx),
                     caliber="到期日已过、截至日仍未回访的全部回访记录（不限本期）")

with section():
    quality = run(revisit_quality, f)
    quality_notes([sentence for count, sentence in [
        (quality.orphan_revisit_count,
         f"{fmt_count(quality.orphan_revisit_count)} 条回访记录的案件在行政处罚案件表中不存在，已从各项指标中剔除。"),
        (quality.orphan_enterprise_revisit_count,
         f"{fmt_count(quality.orphan_enterprise_revisit_count)} 条回访记录所属案件的当事企业在市场主体表中不存在，"
         "已从各项指标中剔除。"),
        (quality.orphan_enterprise_tier3_count,
         f"{fmt_count(quality.orphan_enterprise_tier3_count)} 件本期决定的三级案件的当事企业在市场主体表中不存在，未计入抽访比例。"),
        (quality.unknown_category_count,
         f"{fmt_count(quality.unknown_category_count)} 条回访记录所属案件的处罚类别不在7类之内，计入合计，不计入任何回访等级。"),
    ] if count])
