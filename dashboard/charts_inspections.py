"""Chart and table builders of the 双随机、一公开 page: DataFrames of queries/inspections.py in,
plotly figures (house template via theme.apply) or display tables out. No data access.

Rates are drawn from their numerator and denominator and printed the way the cards print them
(fmt_rate: one decimal, half away from zero, "—" for a zero denominator).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.format import fmt_count, fmt_pct, fmt_rate
from dashboard.i18n import GRADE, INSPECTION_RESULT, ITEM_CATEGORY, label, region_name
from queries.common import OTHER, TOTAL, meets_target
from queries.inspections import Listing

RESULT_COLORS = {
    "no_problem": theme.GOOD,
    "not_operating": theme.SECONDARY,
    "corrected": theme.GRADE_COLORS["C"],
    "not_disclosed": theme.WARN,
    "false_disclosure": theme.GRADE_COLORS["D"],
    "unreachable": theme.SERIES[3],
    "referred": theme.BAD,
    "refused": theme.SERIES[6],
    "missing": theme.GRADE_COLORS["unrated"],
}
"""Result codes in legend order: the two without a problem first, then the problems, then 未录入."""
BEHIND = "落后于时间进度"


def in_region_order(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with region_code) in the region tree's display order, 其他 and then the total last."""
    position = {code: i for i, code in enumerate(regions["code"])}
    last = {OTHER: len(position) + 1, TOTAL: len(position) + 2}
    rank = [last[c] if c in last else position.get(c, len(position)) for c in frame["region_code"]]
    return frame.assign(_rank=rank).sort_values(["_rank", "region_code"], kind="stable").drop(columns="_rank")


def percent(numerator, denominator) -> float | None:
    """A rate as a float percentage for drawing (None for a zero denominator)."""
    return float(Decimal(int(numerator)) * 100 / Decimal(int(denominator))) if denominator else None


def time_progress(elapsed_weight, drawn) -> float | None:
    """时间进度 as a fraction: elapsed_weight / drawn objects (None when nothing is drawn)."""
    return float(elapsed_weight) / int(drawn) if drawn else None


def is_behind(completed, drawn, elapsed_weight) -> bool:
    """Completion below 时间进度 (both over the same drawn objects, compared exactly)."""
    return bool(drawn) and completed < elapsed_weight


def completion_figure(frame: pd.DataFrame, names: dict, target: float, title: str, footnote: str) -> go.Figure:
    """Completion rate per region (bars, red and worded when behind 时间进度), 时间进度 as a
    marker, the target as a dashed line, and the figures printed in a column right of it.
    `frame` from `region_figures`, in display order."""
    labels = [region_name(code, names) for code in frame["region_code"]]
    rates = [percent(c, d) for c, d in zip(frame["completed_count"], frame["drawn_count"])]
    progress = [time_progress(w, d) for w, d in zip(frame["elapsed_weight"], frame["drawn_count"])]
    behind = [is_behind(c, d, w) for c, d, w in zip(frame["completed_count"], frame["drawn_count"], frame["elapsed_weight"])]
    fig = go.Figure()
    for is_late, name, color in ((False, "完成率", theme.PRIMARY), (True, f"完成率（{BEHIND}）", theme.BAD)):
        keep = [i for i, b in enumerate(behind) if b == is_late]
        fig.add_trace(go.Bar(
            y=[labels[i] for i in keep], x=[rates[i] or 0 for i in keep], orientation="h", name=name,
            marker_color=color, hovertemplate="%{y}：完成率%{x:.1f}%<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        y=labels, x=[p * 100 if p is not None else None for p in progress], mode="markers", name="时间进度",
        marker=dict(symbol="diamond", size=18, color=theme.INK, line=dict(color="white", width=2)),
        hovertemplate="%{y}：时间进度%{x:.1f}%<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"完成目标{fmt_pct(target)}",
                             line=dict(color=theme.TARGET, dash="dash", width=2)))
    fig.add_vline(x=target * 100, line=dict(color=theme.TARGET, dash="dash", width=2))
    texts = [
        f"完成{fmt_rate(c, d)}（{fmt_count(c)}/{fmt_count(d)}户）｜进度{fmt_pct(p)}{'｜<b>落后</b>' if b else ''}"
        if d else "无在办抽查任务"
        for c, d, p, b in zip(frame["completed_count"], frame["drawn_count"], progress, behind)
    ]
    fig.add_trace(go.Scatter(
        y=labels, x=[target * 100 + 4] * len(labels), mode="text", text=texts, textposition="middle right",
        textfont=dict(size=15, color=[theme.BAD if b else theme.INK for b in behind]), showlegend=False, hoverinfo="skip",
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_xaxes(range=[0, 185], tickvals=[0, 20, 40, 60, 80, 100], ticksuffix="%")
    fig.update_layout(barmode="overlay", bargap=0.35)
    return theme.finish(fig, title, footnote, max(320, 220 + 56 * len(labels)), bottom=130)


def grade_figure(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Problem-finding rate per grade at sampling, with the counts printed beside each rate."""
    rates = [percent(p, n) for p, n in zip(frame["problem_count"], frame["inspected_count"])]
    fig = go.Figure(go.Bar(
        x=[label(GRADE, g) for g in frame["grade"]],
        y=[r or 0 for r in rates],
        marker_color=[theme.GRADE_COLORS.get(g, theme.NEUTRAL) for g in frame["grade"]],
        text=[f"{fmt_rate(p, n)}<br>{fmt_count(p)}/{fmt_count(n)}户" for p, n in zip(frame["problem_count"], frame["inspected_count"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{x}：%{text}<extra></extra>",
    ))
    top = max([r for r in rates if r is not None] + [10.0])
    fig.update_yaxes(title_text="问题发现率（%）", range=[0, top * 1.35], tickvals=[t for t in range(0, 101, 10) if t <= top * 1.2])
    return theme.finish(fig, title, footnote, 460, bottom=130)


def results_figure(frame: pd.DataFrame, names: dict, order: list[str], total_label: str,
                   title: str, footnote: str) -> go.Figure:
    """100 % stacked bars of result codes per region (`order`, display order) and their total."""
    counts = frame.pivot_table(index="region_code", columns="result", values="inspected_count", aggfunc="sum", fill_value=0)
    counts = counts.reindex([c for c in order if c in counts.index])
    counts.loc["__total__"] = counts.sum()
    rows = [total_label] + [region_name(code, names) for code in counts.index[:-1]]
    counts = counts.reindex(["__total__", *counts.index[:-1]])
    totals = counts.sum(axis=1)
    fig = go.Figure()
    codes = [c for c in RESULT_COLORS if c in counts.columns] + sorted(set(counts.columns) - set(RESULT_COLORS))
    for code in codes:
        shares = [percent(n, t) or 0 for n, t in zip(counts[code], totals)]
        fig.add_trace(go.Bar(
            y=rows, x=shares, orientation="h", name=label(INSPECTION_RESULT, code),
            marker_color=RESULT_COLORS.get(code, theme.NEUTRAL),
            text=[fmt_rate(n, t) if s >= 8 else "" for n, t, s in zip(counts[code], totals, shares)],
            textposition="inside", insidetextanchor="middle",
            customdata=[[fmt_count(n), fmt_rate(n, t)] for n, t in zip(counts[code], totals)],
            hovertemplate="%{y}：" + label(INSPECTION_RESULT, code) + " %{customdata[0]}户（%{customdata[1]}）<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=rows, autorange="reversed")
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_layout(barmode="stack", margin=dict(r=330), legend=dict(
        orientation="v", x=1.02, y=1, yanchor="top", xanchor="left", traceorder="normal"))
    return theme.finish(fig, title, footnote, max(400, 220 + 52 * len(rows)), bottom=130)


def category_figure(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Drawn objects per item category split into inspected / not yet, completion printed at the end."""
    labels = [label(ITEM_CATEGORY, c) for c in frame["item_category"]]
    done = list(frame["completed_count"])
    open_ = [d - c for d, c in zip(frame["drawn_count"], frame["completed_count"])]
    fig = go.Figure()
    for name, values, color in (("已检查", done, theme.PRIMARY), ("未检查", open_, theme.GRID)):
        fig.add_trace(go.Bar(y=labels, x=values, orientation="h", name=name, marker_color=color,
                             hovertemplate="%{y}：" + name + "%{x}户<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=list(frame["drawn_count"]), mode="text", showlegend=False, textposition="middle right",
        text=[f"  完成率{fmt_rate(c, d)}（{fmt_count(c)}/{fmt_count(d)}户）" for c, d in zip(frame["completed_count"], frame["drawn_count"])],
        hoverinfo="skip",
    ))
    top = max([int(d) for d in frame["drawn_count"]] + [1])
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_xaxes(range=[0, top * 1.6], ticksuffix="户")
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal"))
    return theme.finish(fig, title, footnote, max(380, 200 + 52 * len(labels)), bottom=130)


def _rate_with_target(numerator, denominator, target: float | None = None) -> str:
    text = fmt_rate(numerator, denominator)
    if target is not None and denominator and not meets_target(numerator, denominator, target):
        text += "（未达标）"
    return text


def region_table(frame: pd.DataFrame, names: dict, targets, total_label: str) -> pd.DataFrame:
    """The by-region figures (queries.inspections.region_figures_with_total, in display order):
    its TOTAL row is the 合计 row, under `total_label`; rates below target say 未达标."""
    rows = []
    for r in frame.to_dict("records"):
        code = r["region_code"]
        rows.append({
            "地区": total_label if code == TOTAL else region_name(code, names),
            "抽查户数": int(r["drawn_count"]),
            "已检查": int(r["completed_count"]),
            "完成率": fmt_rate(r["completed_count"], r["drawn_count"]),
            "时间进度": fmt_pct(time_progress(r["elapsed_weight"], r["drawn_count"])),
            "进度": ("落后" if is_behind(r["completed_count"], r["drawn_count"], r["elapsed_weight"]) else "正常") if r["drawn_count"] else "—",
            "到期任务完成率": _rate_with_target(r["due_done_count"], r["due_object_count"], targets.due_task_completion),
            "按期完成率": fmt_rate(r["due_on_time_count"], r["due_object_count"]),
            "公示及时率": _rate_with_target(r["published_on_time_count"], r["publication_due_count"], targets.publication_timeliness),
            "差异化抽查占比": _rate_with_target(r["differentiated_count"], r["drawn_count"], targets.differentiated_share),
        })
    return pd.DataFrame(rows)


def mark_shortfalls(table: pd.DataFrame):
    """The table with every 未达标 / 落后 cell in the "bad" colour (the word is in the cell too)."""
    def colour(value):
        return f"color: {theme.BAD}; font-weight: 600" if isinstance(value, str) and ("未达标" in value or value == "落后") else ""
    return table.style.map(colour)


def category_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per item category: drawn / inspected / completion (tasks active in P) and problems found in P."""
    return pd.DataFrame({
        "抽查事项类别": [label(ITEM_CATEGORY, c) for c in frame["item_category"]],
        "抽查户数": frame["drawn_count"].astype(int),
        "已检查": frame["completed_count"].astype(int),
        "完成率": [fmt_rate(c, d) for c, d in zip(frame["completed_count"], frame["drawn_count"])],
        "本期检查户数": frame["inspected_count"].astype(int),
        "发现问题户数": frame["problem_count"].astype(int),
        "问题发现率": [fmt_rate(p, n) for p, n in zip(frame["problem_count"], frame["inspected_count"])],
    })


def overdue_table(listing: Listing, names: dict) -> pd.DataFrame:
    """逾期未完成任务: most overdue first."""
    rows = listing.rows
    return pd.DataFrame({
        "旗县市区": [region_name(c, names) for c in rows["region_code"]],
        "抽查任务": rows["task_name"], "抽查计划": rows["plan_name"], "完成期限": rows["due_on"],
        "抽查户数": rows["drawn_count"], "未检查户数": rows["outstanding_count"], "逾期天数": rows["days_overdue"],
    })


def overdue_publication_table(listing: Listing, names: dict) -> pd.DataFrame:
    """逾期未公示 by task: longest overdue first (the plan last: its name is long)."""
    rows = listing.rows
    return pd.DataFrame({
        "旗县市区": [region_name(c, names) for c in rows["region_code"]],
        "抽查任务": rows["task_name"], "逾期未公示户数": rows["overdue_count"], "最长逾期天数": rows["days_overdue"],
        "最早公示期限": rows["earliest_deadline"], "最早检查日期": rows["earliest_inspected_on"],
        "抽查计划": rows["plan_name"],
    })
