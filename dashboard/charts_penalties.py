"""Chart and table builders of the 包容审慎 / 减免处罚 page: DataFrames of queries/penalties.py in,
plotly figures (house template via theme.apply) or display tables out. No data access.

Money arrives as exact Decimal yuan and is drawn in 万元 rounded half away from zero, the way
the cards print it, so a bar label never disagrees with a card.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import theme
from dashboard.format import to_wan
from dashboard.i18n import CASE_CATEGORY, VIOLATION_TYPE, label, region_name
from queries.periods import month_end
from queries.common import OTHER, TOTAL
from queries.penalties import AGGRAVATED, EXEMPT, REDUCED, WAIVED

GROUPS = (
    ("免罚（轻微免罚、首违不罚）", EXEMPT, theme.GOOD),
    ("从轻、减轻", REDUCED, theme.PRIMARY),
    ("从重", AGGRAVATED, theme.BAD),
    ("一般、简易程序", ("general", "summary"), theme.NEUTRAL),
)
"""How the 7 categories are grouped and coloured (the headline cards' groups)."""


def wan(yuan) -> float:
    """Decimal yuan as the 万元 value a chart draws (rounded as printed)."""
    return float(to_wan(yuan))


def wan_label(yuan) -> str:
    """Decimal yuan as a bar label: 1,234.57万元."""
    return f"{to_wan(yuan):,}万元"


def category_figure(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Horizontal bars: cases per category (from `cases_by_category`), coloured by card group;
    waived categories also print their 减免处罚金额."""
    fig = go.Figure()
    grouped = {code for _, codes, _ in GROUPS for code in codes}
    others = tuple(code for code in frame["category"] if code not in grouped)
    for name, codes, color in [*GROUPS, *([("其他类别", others, theme.SECONDARY)] if others else [])]:
        part = frame[frame["category"].isin(codes)]
        text = [
            f"{n}件｜减免{wan_label(y)}" if code in WAIVED else f"{n}件"
            for code, n, y in zip(part["category"], part["case_count"], part["waived_yuan"])
        ]
        fig.add_trace(
            go.Bar(
                y=[label(CASE_CATEGORY, code) for code in part["category"]],
                x=list(part["case_count"]),
                orientation="h",
                name=name,
                marker_color=color,
                text=text,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}：%{x}件<extra></extra>",
            )
        )
    fig.update_yaxes(
        categoryorder="array", categoryarray=[label(CASE_CATEGORY, c) for c in frame["category"]], autorange="reversed"
    )
    fig.update_xaxes(range=_padded_range(frame["case_count"], 1.6), **_count_ticks(frame["case_count"]))
    fig.update_layout(showlegend=False, barmode="overlay")  # the category names label every bar
    return theme.finish(fig, title, footnote, _bar_height(len(frame)))


def _bar_height(rows: int) -> int:
    """Room for `rows` horizontal bars."""
    return max(340, 190 + 52 * rows)


def _count_ticks(values) -> dict:
    """Whole-number ticks on a count axis (plotly would put 0.5 between small counts)."""
    return dict(dtick=1, tick0=0) if max([int(v) for v in values] + [0]) <= 8 else dict(tickformat=",d")


def _padded_range(values, factor: float) -> list[float]:
    """An x range from 0 that leaves room for the printed labels right of the longest bar."""
    largest = max([float(v) for v in values] + [0.0])
    smallest = min([float(v) for v in values] + [0.0])
    return [smallest * factor, largest * factor if largest > 0 else 1.0]


def waived_bars(frame: pd.DataFrame, labels: list[str], title: str, footnote: str) -> go.Figure:
    """Horizontal bars of 减免处罚金额 (万元) for the rows of a breakdown frame, in its order, top
    first, each labelled with its amount and the number of 免罚 / 从轻减轻 cases behind it."""
    values = [wan(y) for y in frame["waived_yuan"]]
    counts = [int(e + r) for e, r in zip(frame["exempt_count"], frame["reduced_count"])]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker_color=[theme.PRIMARY if v >= 0 else theme.BAD for v in values],
            text=[f"{wan_label(y)}（{n}件）" for y, n in zip(frame["waived_yuan"], counts)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x:.2f}万元<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_xaxes(range=_padded_range(values, 1.45))
    return theme.finish(fig, title, footnote, _bar_height(len(labels)))


def waived_by_region_figure(frame: pd.DataFrame, names: dict[str, str], title: str, footnote: str) -> go.Figure:
    """减免处罚金额 per region (from `cases_by_region`), largest first and 其他 last."""
    ordered = frame.assign(_other=frame["region_code"] == OTHER, _waived=[float(y) for y in frame["waived_yuan"]])
    ordered = ordered.sort_values(["_other", "_waived"], ascending=[True, False], kind="stable")
    return waived_bars(ordered, [region_name(code, names) for code in ordered["region_code"]], title, footnote)


def waived_by_violation_figure(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """减免处罚金额 per violation type (from `cases_by_violation_type`, already largest first)."""
    return waived_bars(frame, [label(VIOLATION_TYPE, code) for code in frame["violation_type"]], title, footnote)


def month_label(start: date, end: date, first: bool) -> str:
    """2025年12月 for the first month and every January, else 3月; a cut month says 至22日."""
    text = f"{start.year}年{start.month}月" if first or start.month == 1 else f"{start.month}月"
    if end < month_end(start):
        text += f"（至{end.day}日）"
    return text


def trend_figure(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Two panels over the months of `monthly_trend`: 减免处罚金额 (bars, 万元) above, and the
    免罚 / 从轻减轻 / 从重 case counts (lines) below.

    A last month cut short by the as-of date ("12月（至3日）") is drawn apart so it does not read
    as a collapse: a hatched, paler bar, a dotted last line segment with open markers, and a note."""
    months = [
        month_label(start, end, i == 0) for i, (start, end) in enumerate(zip(frame["month_start"], frame["month_end"]))
    ]
    partial = len(frame) > 0 and frame["month_end"].iloc[-1] < month_end(frame["month_start"].iloc[-1])
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.55, 0.45])
    amounts = [wan(y) for y in frame["waived_yuan"]]
    last = len(months) - 1
    fig.add_trace(
        go.Bar(
            x=months, y=amounts, name="减免处罚金额（万元）",
            marker=dict(
                color=theme.SECONDARY,
                opacity=[0.45 if partial and i == last else 1.0 for i in range(len(months))],
                pattern=dict(shape=["/" if partial and i == last else "" for i in range(len(months))],
                             fgcolor=theme.INK, solidity=0.25),
            ),
            text=[f"{to_wan(y):,}" for y in frame["waived_yuan"]], textposition="outside", cliponaxis=False,
            hovertemplate="%{x}：%{y:.2f}万元<extra></extra>",
        ),
        row=1, col=1,
    )
    whole = last if partial else last + 1
    for name, column, color in (
        ("免罚（件）", "exempt_count", theme.GOOD),
        ("从轻、减轻（件）", "reduced_count", theme.PRIMARY),
        ("从重（件）", "aggravated_count", theme.BAD),
    ):
        values = list(frame[column])
        fig.add_trace(
            go.Scatter(
                x=months[:whole], y=values[:whole], name=name, mode="lines+markers", line=dict(color=color, width=3),
                marker=dict(size=8), hovertemplate="%{x}：%{y}件<extra>" + name + "</extra>", legendgroup=name,
            ),
            row=2, col=1,
        )
        if partial:
            fig.add_trace(
                go.Scatter(
                    x=months[max(0, last - 1):], y=values[max(0, last - 1):], name=f"{name}（未满月）", mode="lines+markers",
                    line=dict(color=color, width=2, dash="dot"), legendgroup=name, showlegend=False,
                    marker=dict(size=[0, 9] if last else [9], symbol="circle-open", line=dict(width=2, color=color)),
                    hovertemplate="%{x}：%{y}件（未满月）<extra>" + name + "</extra>",
                ),
                row=2, col=1,
            )
    top = max(amounts + [0.0])
    fig.update_yaxes(title_text="万元", range=[min(amounts + [0.0]) * 1.2, top * 1.25 if top > 0 else 1], row=1, col=1)
    counts = [*frame["exempt_count"], *frame["reduced_count"], *frame["aggravated_count"]]
    fig.update_yaxes(title_text="件", rangemode="tozero", row=2, col=1, **_count_ticks(counts))
    theme.apply(fig, title, footnote, height=640)
    if partial:
        fig.add_annotation(x=months[last], y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text="本月未满（斜纹、虚线）", font=dict(size=13, color=theme.MUTED))
    fig.update_layout(margin=dict(b=120))
    return fig


TABLE_COLUMNS = {
    "exempt_count": "免罚（件）",
    "reduced_count": "从轻、减轻（件）",
    "aggravated_count": "从重（件）",
    "case_count": "案件合计（件）",
    "waived_yuan": "减免处罚（万元）",
    "aggravated_fines_yuan": "从重罚没（万元）",
    "fines_yuan": "罚没款合计（万元）",
}


def region_table(frame: pd.DataFrame, names: dict[str, str], total_label: str) -> pd.DataFrame:
    """The by-region figures as a display / download table (frame: queries.penalties.
    cases_by_region_with_total); its TOTAL row is the 合计 row, under `total_label`."""
    rows = []
    for record in frame.to_dict("records"):
        code = record["region_code"]
        row = {"地区": total_label if code == TOTAL else region_name(code, names)}
        for column, heading in TABLE_COLUMNS.items():
            row[heading] = wan(record[column]) if column.endswith("_yuan") else int(record[column])
        rows.append(row)
    return pd.DataFrame(rows, columns=["地区", *TABLE_COLUMNS.values()])
