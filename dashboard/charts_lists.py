"""Chart builders of the lists page: DataFrame in, go.Figure out (no data access, no streamlit).

Every figure goes through theme.apply (house template, title, footnote). Values are printed on
the bars; horizontal bars carry the long Chinese reason and region names.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import theme
from dashboard.format import fmt_count, fmt_pct, fmt_rate
from queries.common import meets_target
from queries.periods import month_end

INFLOW_COLOR = theme.SERIES[1]
OUTFLOW_COLOR = theme.PRIMARY
CONTEXT_INFLOW = "#f3c9a6"
CONTEXT_OUTFLOW = "#b9cde6"
STOCK_COLOR = theme.INK
ON_TIME_COLOR = theme.PRIMARY
LATE_COLOR = theme.WARN
PERCENT_TICKS = [0, 20, 40, 60, 80, 100]
PROGRESS_NOW = theme.PRIMARY
PROGRESS_BEFORE = theme.SERIES[1]


def bucket_label(start: date, end: date, show_year: bool) -> str:
    """Axis label of a series bucket: 3月 (a whole month), 11/16–22, 9/28–10/4 or 11/1 (one day)."""
    year = f"{start.year}年" if show_year else ""
    if start.day == 1 and end == month_end(start):
        return f"{year}{start.month}月"
    if start == end:
        return f"{start.month}/{start.day}"
    if start.month == end.month:
        return f"{start.month}/{start.day}–{end.day}"
    return f"{start.month}/{start.day}–{end.month}/{end.day}"


def _count_text(values) -> list[str]:
    return [fmt_count(abs(v)) if v else "" for v in values]


def _label_width_px(labels) -> int:
    """Room for the longest axis label at the template's 14 px tick font (CJK glyphs are square)."""
    widths = [sum(15 if ord(ch) > 0x2E80 else 8 for ch in str(text)) for text in labels]
    return max(widths, default=0) + 24


def _room_for_labels(values) -> list[float]:
    """An x range from 0 with room after the longest bar for its printed value."""
    return [0, max(max(values, default=0), 1) * 1.15]


def flow_series_figure(series: pd.DataFrame, title: str, footnote: str, label_room: float = 1.6) -> go.Figure:
    """The stock line on top; below it, inflow bars up and outflow bars down, per bucket.

    `label_room` multiplies the stock panel's room above its highest point, where that point's
    label goes: at 1.0 the page's label of a falling series' first point ran into the legend; a
    short panel (meeting mode on a 720 px screen) needs more of it than the page's.

    `series`: one row per bucket (queries.lists.list_series). Buckets before the chosen period
    are drawn pale (context) and the chosen period is shaded. Stock and flows get panels of
    their own (hundreds against tens would flatten one of them on a shared axis).
    """
    show_year = series["bucket_start"].iloc[0].year != series["counted_to"].iloc[-1].year
    labels = [bucket_label(s, e, show_year) for s, e in zip(series["bucket_start"], series["counted_to"])]
    x = list(range(len(series)))
    in_period = list(series["in_period"])
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.3, 0.7], vertical_spacing=0.06)
    fig.add_bar(
        x=x, y=series["inflow"].tolist(), name="列入", text=_count_text(series["inflow"]), textposition="outside",
        marker_color=[INFLOW_COLOR if p else CONTEXT_INFLOW for p in in_period],
        hovertemplate="%{customdata}<br>列入 %{y:,}<extra></extra>", customdata=labels, row=2, col=1,
    )
    fig.add_bar(
        x=x, y=(-series["outflow"]).tolist(), name="移出", text=_count_text(series["outflow"]), textposition="outside",
        marker_color=[OUTFLOW_COLOR if p else CONTEXT_OUTFLOW for p in in_period],
        hovertemplate="%{customdata[0]}<br>移出 %{customdata[1]:,}<extra></extra>",
        customdata=list(zip(labels, series["outflow"].astype(int))), row=2, col=1,
    )
    fig.add_scatter(
        x=x, y=series["stock"].tolist(), name="期末在册", mode="lines+markers+text",
        line=dict(color=STOCK_COLOR, width=3), marker=dict(size=8), cliponaxis=False,
        text=[fmt_count(v) for v in series["stock"]], textposition="top center", textfont=dict(size=13, color=STOCK_COLOR),
        hovertemplate="%{customdata}<br>期末在册 %{y:,}<extra></extra>", customdata=labels, row=1, col=1,
    )
    period_x = [i for i, p in zip(x, in_period) if p]
    if period_x and len(period_x) < len(x):
        fig.add_vrect(x0=period_x[0] - 0.5, x1=period_x[-1] + 0.5, fillcolor=theme.GRID, opacity=0.6, layer="below",
                      line_width=0, row="all", col=1)
    peak = max(int(series["inflow"].max()), int(series["outflow"].max()), 1)
    low, high = int(series["stock"].min()), int(series["stock"].max())
    pad = max((high - low) * 0.35, high * 0.03, 1)
    fig.update_traces(selector=dict(type="bar"), textfont=dict(size=14, color=theme.INK), cliponaxis=False)
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickvals=x, ticktext=labels, tickangle=-30 if len(x) > 8 else 0, row=2, col=1)
    fig.update_yaxes(title=dict(text="在册"), tickformat=",d", nticks=3, range=[max(low - pad, 0), high + pad * label_room], row=1, col=1)
    fig.update_yaxes(title=dict(text="列入↑ 移出↓"), range=[-peak * 1.3, peak * 1.3], zeroline=True, zerolinecolor=theme.MUTED,
                     tickformat=",d", row=2, col=1)
    theme.finish(fig, title, footnote, 540, bottom=90, left_px=80)
    fig.update_layout(margin=dict(b=140))
    return fig


def reason_figure(counts: pd.DataFrame, title: str, footnote: str, color: str, slots: int = 0) -> go.Figure:
    """Horizontal bars of entries per reason. `counts`: reason_label, entry_count (largest on top).

    `slots`: bars to make room for (so that two charts side by side get the same height)."""
    ordered = counts.sort_values("entry_count", ascending=True, kind="stable")
    fig = go.Figure(
        go.Bar(
            x=ordered["entry_count"].tolist(), y=ordered["reason_label"].tolist(), orientation="h", marker_color=color,
            text=[fmt_count(v) for v in ordered["entry_count"]], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}：%{x:,}<extra></extra>",
        )
    )
    fig.update_traces(textfont=dict(size=15, color=theme.INK))
    fig.update_layout(xaxis=dict(visible=False, range=_room_for_labels(ordered["entry_count"])), showlegend=False)
    height = max(300, 190 + 52 * max(len(ordered), slots))
    return theme.finish(fig, title, footnote, height, bottom=90, left_px=_label_width_px(ordered["reason_label"]))


def region_flow_figure(by_region: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Inflow and outflow side by side per region. `by_region`: region_name, inflow, outflow (top first)."""
    ordered = by_region.iloc[::-1]
    fig = go.Figure()
    for column, name, color in (("outflow", "移出", OUTFLOW_COLOR), ("inflow", "列入", INFLOW_COLOR)):
        fig.add_bar(
            x=ordered[column].tolist(), y=ordered["region_name"].tolist(), name=name, orientation="h", marker_color=color,
            text=_count_text(ordered[column]), textposition="outside", cliponaxis=False, textfont=dict(size=14, color=theme.INK),
            hovertemplate=f"%{{y}}：{name} %{{x:,}}<extra></extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25, legend=dict(traceorder="reversed"),
                      xaxis=dict(visible=False, range=_room_for_labels(ordered[["inflow", "outflow"]].to_numpy().ravel())))
    height = max(320, 200 + 46 * len(ordered))
    return theme.finish(fig, title, footnote, height, bottom=90, left_px=_label_width_px(ordered["region_name"]))


def zoomed_range(values, target: float | None = None, step: float = 5.0) -> tuple[float, float]:
    """A percent axis that shows the spread: from a multiple of `step` below the lowest value (and
    the target) to 100 with room for labels; 0 when the values reach that low anyway."""
    points = [v for v in values if v is not None] + ([target * 100] if target is not None else [])
    if not points:
        return 0.0, 105.0
    low = max(0.0, (min(points) - 1) // step * step)
    return (0.0 if low < 2 * step else low), 101.5


def annual_report_region_figure(by_region: pd.DataFrame, target: float, title: str, footnote: str) -> go.Figure:
    """Filing rate per region as a dot plot on a zoomed axis, beside last season's rate at the same
    date (the rates sit within a few points of each other, so bars from 0 % would hide the spread).

    `by_region`: region_name, required_count, submitted_count, late_count, previous_submitted,
    previous_required (top first). A region below target says 未达标 beside its name, in red, and
    its dot is red; a thin line joins the two seasons' dots. The axis break is stated on the axis.
    """
    ordered = by_region[by_region["required_count"] > 0].iloc[::-1]
    required, submitted, late = ordered["required_count"], ordered["submitted_count"], ordered["late_count"]
    below = [not meets_target(n, d, target) for n, d in zip(submitted, required)]  # exact, as the cards
    marked = [f"{name} <span style='color:{theme.BAD}'>未达标</span>" if b else name for name, b in zip(ordered["region_name"], below)]
    now = (submitted * 100 / required).tolist()
    before = [s * 100 / r if r else None for s, r in zip(ordered["previous_submitted"], ordered["previous_required"])]
    low, high = zoomed_range(now + before, target)
    fig = go.Figure()
    for y, a, b in zip(marked, now, before):
        if b is not None:
            fig.add_scatter(x=[b, a], y=[y, y], mode="lines", line=dict(color=theme.MUTED, width=2),
                            showlegend=False, hoverinfo="skip")
    fig.add_scatter(
        x=[b for b in before if b is not None], y=[y for y, b in zip(marked, before) if b is not None],
        mode="markers", name="去年同期",
        marker=dict(symbol="diamond-open", size=13, color=theme.INK, line=dict(width=2)),
        customdata=[fmt_rate(s, r) for s, r in zip(ordered["previous_submitted"], ordered["previous_required"]) if r],
        hovertemplate="%{y}：去年同期 %{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=now, y=marked, mode="markers+text", name="本年度（截至日）",
        marker=dict(size=15, color=[theme.BAD if b else ON_TIME_COLOR for b in below], line=dict(color="white", width=1)),
        text=[fmt_rate(s, r) + (f"（逾期 {fmt_count(n)} 户）" if n else "") for s, r, n in zip(submitted, required, late)],
        textposition="middle right", textfont=dict(size=14),
        customdata=[fmt_rate(s - n, r) for s, n, r in zip(submitted, late, required)],
        hovertemplate="%{y}：%{x:.1f}%（按期 %{customdata}）<extra></extra>",
    )
    fig.add_vline(x=target * 100, line=dict(color=theme.TARGET, dash="dash", width=2),
                  annotation_text=f"目标 {fmt_pct(target)}", annotation_position="top")
    ticks = [v for v in range(int(low), 101, 5 if high - low <= 40 else 20)]
    axis_title = f"公示率（横轴自 {int(low)}% 起，未从 0 开始）" if low > 0 else "公示率"
    fig.update_layout(xaxis=dict(range=[low, high + (high - low) * 0.12], tickvals=ticks, ticktext=[f"{v}%" for v in ticks],
                                 title=dict(text=axis_title)))
    width = _label_width_px([f"{name} 未达标" if b else name for name, b in zip(ordered["region_name"], below)])
    return theme.finish(fig, title, footnote, max(340, 210 + 50 * len(ordered)), bottom=90, left_px=width)


def annual_report_progress_figure(current: pd.DataFrame, previous: pd.DataFrame, target: float,
                                  names: tuple[str, str], title: str, footnote: str) -> go.Figure:
    """Cumulative filing rate at each month end of the season, this season against the last.

    `current`, `previous`: month, submitted_count, required_count (queries.annual_reports.
    annual_report_progress); `names`: legend names of the two seasons. The 30 June deadline is
    the dotted line: what rises after it are late filings.
    """
    fig = go.Figure()
    # The current season first and wide, the last season on top of it, thinner, dashed, in a
    # contrasting colour with open markers: where the seasons coincide both stay visible.
    for frame, name, dash in ((current, names[0], "solid"), (previous, names[1], "dash")):
        if frame.empty or not frame["required_count"].iloc[0]:
            continue
        rate = frame["submitted_count"] * 100 / frame["required_count"]
        last = len(frame) - 1
        solid = dash == "solid"
        fig.add_scatter(
            x=frame["month"].tolist(), y=rate.tolist(), name=name, mode="lines+markers+text",
            line=dict(dash=dash, width=6 if solid else 2.5, color=PROGRESS_NOW if solid else PROGRESS_BEFORE),
            marker=dict(size=11 if solid else 9, symbol="circle" if solid else "circle-open",
                        color=PROGRESS_NOW if solid else PROGRESS_BEFORE, line=dict(width=2)),
            text=[fmt_rate(s, r) if i == last else "" for i, (s, r) in enumerate(zip(frame["submitted_count"], frame["required_count"]))],
            textposition="top left" if dash == "solid" else "bottom left", textfont=dict(size=15),
            customdata=[fmt_rate(s, r) for s, r in zip(frame["submitted_count"], frame["required_count"])],
            hovertemplate=f"{name} %{{x}}月底：%{{customdata}}<extra></extra>",
        )
    fig.add_vline(x=6, line=dict(color=theme.MUTED, dash="dot", width=2), annotation_text="6月30日 法定截止", annotation_position="top right")
    fig.add_hline(y=target * 100, line=dict(color=theme.TARGET, dash="dash", width=2),
                  annotation_text=f"目标 {fmt_pct(target)}", annotation_position="bottom right")
    fig.update_layout(
        xaxis=dict(range=[0.6, 12.4], tickvals=list(range(1, 13)), ticktext=[f"{m}月" for m in range(1, 13)]),
        yaxis=dict(range=[0, 112], tickvals=PERCENT_TICKS, ticktext=[f"{v}%" for v in PERCENT_TICKS], title=dict(text="累计公示率")),
    )
    return theme.finish(fig, title, footnote, 480, bottom=90, left_px=80)
