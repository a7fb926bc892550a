"""Chart builders of the revisits page: DataFrames in, plotly figures out (no data access).

Rates are drawn as horizontal bars (long Chinese labels stay readable on a projector) with the
value, the fraction and, below target, the word 未达标 printed on the bar, and the target as a
dashed line.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.format import DASH, fmt_count, fmt_pct, fmt_rate
from dashboard.i18n import REVISIT_METHOD, REVISIT_TIER, label, region_name
from queries.common import Rate

BAR_ROW_PX = 56
CHART_CHROME_PX = 190
RATE_AXIS_MAX = 104
VERTICAL_HEIGHT_PX = 520
CATEGORY_FONT = dict(size=16, color=theme.INK)
TARGET_FONT = dict(size=14, color=theme.TARGET)
TEXT_INSIDE_FROM_PCT = 55  # a bar this long holds its printed value; a shorter one prints it outside


def tier_label(tier, line_break: bool = False) -> str:
    """回访等级 label of a tier (1–3); a missing tier is a category outside the seven.
    With `line_break` (chart axis labels), the frequency in brackets goes on a second line."""
    text = REVISIT_TIER.get(tier, "类别不明")
    return text.replace("（", "<br>（", 1) if line_break else text


def _bar_height(rows: int) -> int:
    return CHART_CHROME_PX + BAR_ROW_PX * max(rows, 2)


def _rate_text(rate: Rate, target: float, separator: str, empty: str) -> str:
    if rate.value is None:
        return f"{DASH}（{empty}）"
    parts = [fmt_rate(rate.numerator, rate.denominator), f"（{fmt_count(rate.numerator)}/{fmt_count(rate.denominator)}）"]
    return separator.join(parts if rate.meets(target) else [*parts, "未达标"])


def _bars(labels: list[str], values: list[float], texts: list[str], colors, inside: list[bool], horizontal: bool) -> go.Figure:
    """Bars in the given order (top to bottom when horizontal), each with its text printed
    inside at the bar's end (white) or just beyond it (ink)."""
    fig = go.Figure(
        go.Bar(
            x=values if horizontal else labels,
            y=labels if horizontal else values,
            orientation="h" if horizontal else "v",
            marker_color=colors,
            text=texts,
            textposition=["inside" if i else "outside" for i in inside],
            insidetextanchor="end",
            textfont=dict(size=15, color=["white" if i else theme.INK for i in inside]),
            cliponaxis=False,
            hovertemplate=("%{y}" if horizontal else "%{x}") + "：%{text}<extra></extra>",
        )
    )
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    category_axis(autorange="reversed" if horizontal else None, automargin=True, tickfont=CATEGORY_FONT)
    fig.update_layout(showlegend=False, bargap=0.35)
    return fig


def rate_bars(
    frame: pd.DataFrame,
    label_column: str,
    numerator: str,
    denominator: str,
    target: float,
    title: str,
    footnote: str,
    empty: str,
    horizontal: bool = True,
) -> go.Figure:
    """One bar per row of `frame` (in its order; horizontal bars suit many or long labels,
    vertical ones a few): numerator / denominator as a percentage against a dashed target line;
    a bar below target is drawn in the "bad" colour and says 未达标; a zero denominator shows
    "—（`empty`）", e.g. —（无到期回访）."""
    rates = [Rate(int(n), int(d)) for n, d in zip(frame[numerator], frame[denominator])]
    values = [0.0 if r.value is None else r.value * 100 for r in rates]
    fig = _bars(
        list(frame[label_column]),
        values,
        [_rate_text(r, target, "" if horizontal else "<br>", empty) for r in rates],
        [theme.PRIMARY if r.value is None or r.meets(target) else theme.BAD for r in rates],
        [v >= TEXT_INSIDE_FROM_PCT for v in values],
        horizontal,
    )
    target_text = f"目标≥{fmt_pct(target)}"
    target_style = dict(line_dash="dash", line_color=theme.TARGET, line_width=2, layer="below")
    if horizontal:
        fig.add_vline(target * 100, annotation_text=target_text, annotation_position="top",
                      annotation_font=TARGET_FONT, **target_style)
    else:  # labelled above the plot's right corner, clear of the bars' printed values
        fig.add_hline(target * 100, **target_style)
        fig.add_annotation(text=f"- - {target_text}", x=1, y=1, xref="paper", yref="paper", xanchor="right",
                           yanchor="bottom", showarrow=False, font=TARGET_FONT)
        fig.update_xaxes(tickangle=0)
    ticks = [0, 20, 40, 60, 80, 100]
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    value_axis(range=[0, RATE_AXIS_MAX], tickmode="array", tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    height = _bar_height(len(frame)) if horizontal else VERTICAL_HEIGHT_PX
    return theme.apply(fig, title, footnote, height=height)


def method_mix_bars(frame: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """One horizontal bar per revisit method (frame: method, revisited_count), with the count
    and its share of all revisits done printed beside the bar."""
    total = int(frame["revisited_count"].sum())
    counts = [int(c) for c in frame["revisited_count"]]
    fig = _bars(
        [label(REVISIT_METHOD, m) for m in frame["method"]],
        counts,
        [f"{fmt_count(c)} 次（{fmt_rate(c, total)}）" for c in counts],
        theme.PRIMARY,
        [False] * len(counts),
        horizontal=True,
    )
    fig.update_xaxes(range=[0, max(counts + [1]) * 1.45], title_text="回访次数")
    return theme.apply(fig, title, footnote, height=_bar_height(len(frame)))


def overdue_table(frame: pd.DataFrame, names: dict[str, str], with_office: bool = False) -> pd.DataFrame:
    """The overdue list as shown and downloaded (frame: queries.revisits.overdue_revisits).
    With `with_office` (one county chosen) it also names each row's 监管所."""
    columns = {
        "案号": frame["case_no"],
        "当事人": [name if isinstance(name, str) else "（非登记主体）" for name in frame["enterprise_name"]],
        "旗县市区": [region_name(code, names) for code in frame["region_code"]],
    }
    if with_office:
        # pandas holds a missing office as NaN, not None
        columns["监管所"] = [region_name(c, names) if isinstance(c, str) else "" for c in frame["office_code"]]
    columns.update({
        "回访等级": [tier_label(tier) for tier in frame["tier"]],
        "轮次": [f"第{r}次" for r in frame["round"]],
        "到期日": frame["due_on"],
        "逾期天数": frame["days_overdue"],
    })
    return pd.DataFrame(columns)
