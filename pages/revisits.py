"""执法事后回访: revisit completion against the 90 % target, tier-3 sampling, overdue list, methods."""

import streamlit as st

from dashboard import charts_revisits as charts
from dashboard.app import start_page
from dashboard.cache import run
from dashboard.config import targets
from dashboard.format import fmt_count, fmt_range
from dashboard.ui import count_card, download_buttons, footnote, quality_notes, rate_card, section
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
RATE_CALIBER = "本期到期的应回访中截至数据截至日已回访（含提前）的比例"
TIER3_CALIBER = "本期决定的简易、轻微免罚、首违不罚案件中有回访记录的比例"

with section():
    now, then = run(revisit_summary, f), run(revisit_summary, f.compared())
    # The rate judged against a target leads the row, twice as wide as the counts beside it.
    rate_column, due, done = st.columns([2, 1, 1])
    with rate_column:
        rate_card("回访率", now.done_count, now.due_count, then.done_count, then.due_count, "revisit_rate", ctx,
                  target=goal.revisit_rate, help=RATE_CALIBER)
    with due:
        count_card("本期应回访（次）", now.due_count, then.due_count, "revisits_due", ctx,
                   help="到期日在本期内（至数据截至日）的应回访记录")
    with done:
        count_card("已回访（次）", now.done_count, then.done_count, "revisits_done", ctx,
                   help="本期应回访中截至数据截至日已完成的（含提前完成）")
    tier3_column, on_time, overdue = st.columns([2, 1, 1])
    with tier3_column:
        rate_card("三级案件抽访比例", now.tier3_sampled_count, now.tier3_case_count, then.tier3_sampled_count,
                  then.tier3_case_count, "tier3_sampling_ratio", ctx, target=goal.tier3_sampling_ratio,
                  help=TIER3_CALIBER)
    with on_time:
        rate_card("按期回访率", now.on_time_count, now.due_count, then.on_time_count, then.due_count,
                  "revisit_on_time_rate", ctx, help="回访日期不晚于到期日的 ÷ 本期应回访")
    with overdue:
        count_card("逾期未回访（次）", now.overdue_count, then.overdue_count, "revisits_overdue", ctx,
                   help="到期日已过、截至数据截至日仍未回访的全部记录（不限本期）")

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
    rate_card("整改到位率", now.rectified_count, now.assessed_count, then.rectified_count, then.assessed_count,
              "rectification_rate", ctx, help="本期完成的回访中整改到位的 ÷ 已评估整改情况的")
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
    overdue = run(overdue_revisits, f)
    total = run(revisit_summary, f).overdue_count
    shown = f"，下表列出逾期最久的 {fmt_count(len(overdue))} 条" if total > len(overdue) else ""
    st.caption(f"截至{f.period.as_of.month}月{f.period.as_of.day}日共 {fmt_count(total)} 条回访到期未完成{shown}；"
               "逾期天数 = 截至日 − 到期日 + 1。")
    table = charts.overdue_table(overdue, ctx.names, within=county)
    if table.empty:
        st.success("没有逾期未回访的记录。")
    else:
        st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 560),
                     column_config={"到期日": st.column_config.DateColumn(format="YYYY-MM-DD")})
        download_buttons(table, "逾期未回访清单", ctx, key="overdue_revisits")

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
