"""One palette, one plotly template and the good/bad direction of every metric.

Colours are chosen to stay distinct on a washed-out projector and for red-green colour
blindness; no chart relies on colour alone (values are printed, changes carry words).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e3e7ec"
PRIMARY = "#1f5fa8"  # 监管蓝
SECONDARY = "#8aa9cf"
GOOD = "#1a7f5a"
BAD = "#c0392b"
WARN = "#d68910"
NEUTRAL = "#7f8c8d"
TARGET = "#c0392b"

GRADE_COLORS = {"A": "#2e7d5b", "B": "#8cb369", "C": "#f4a259", "D": "#bc4b51", "unrated": "#b0b7bf"}
SERIES = ["#1f5fa8", "#e07a2f", "#2e7d5b", "#8e44ad", "#c0392b", "#16a0a0", "#7f6a3b", "#5d6d7e", "#d35490"]

# Sequential scale for "higher is worse" map measures (pale sand → deep red), as RGB triples.
RISK_SCALE = [
    (255, 245, 235),
    (253, 208, 162),
    (253, 141, 60),
    (217, 72, 1),
    (140, 45, 4),
]

# Direction of each metric: +1 when a rise is good, −1 when a rise is bad, 0 when neutral.
DIRECTION = {
    "rated_count": 0,
    "high_risk_share": -1,
    "d_share": -1,
    "d_count": -1,
    "unrated_count": -1,
    "upgraded": 1,
    "downgraded": -1,
    "drawn_objects": 0,
    "completion_rate": 1,
    "due_task_completion": 1,
    "on_time_rate": 1,
    "inspected_count": 1,
    "publication_timeliness": 1,
    "pending_publication": 0,
    "problem_rate": 0,
    "differentiated_share": 1,
    "joint_tasks": 1,
    "joint_share": 1,
    "inflow": -1,
    "outflow": 1,
    "net": -1,
    "stock": -1,
    "credit_repair": 1,
    "annual_report_rate": 1,
    "annual_report_required": 0,
    "annual_report_unfiled": -1,
    "annual_report_late": -1,
    "revisits_due": 0,
    "revisits_done": 1,
    "revisit_rate": 1,
    "revisit_on_time_rate": 1,
    "revisits_overdue": -1,
    "tier3_sampling_ratio": 1,
    "rectification_rate": 1,
    "exempt_cases": 0,
    "reduced_cases": 0,
    "waived_amount": 0,
    "aggravated_cases": 0,
    "aggravated_fines": 0,
    "total_fines": 0,
}


def delta_color(metric: str) -> str:
    """st.metric's delta_color for a metric: rising-good → normal, rising-bad → inverse."""
    direction = DIRECTION.get(metric, 0)
    return {1: "normal", -1: "inverse"}.get(direction, "off")


def change_word(metric: str, change) -> str:
    """The word that says whether a change is good (改善), bad (变差) or neither (持平/—)."""
    if change is None:
        return ""
    direction = DIRECTION.get(metric, 0)
    if change == 0:
        return "持平"
    if direction == 0:
        return "上升" if change > 0 else "下降"
    return "改善" if (change > 0) == (direction > 0) else "变差"


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def scale_color(value: float | None, low: float, high: float, scale=RISK_SCALE) -> tuple[int, int, int]:
    """Linear interpolation of `value` between low and high on a sequential scale."""
    if value is None:
        return (200, 204, 209)
    if high <= low:
        position = 0.0
    else:
        position = min(max((value - low) / (high - low), 0.0), 1.0)
    scaled = position * (len(scale) - 1)
    index = min(int(scaled), len(scale) - 2)
    frac = scaled - index
    lo, hi = scale[index], scale[index + 1]
    return tuple(round(a + (b - a) * frac) for a, b in zip(lo, hi))


TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=16, color=INK),
        title=dict(font=dict(size=20, color=INK), x=0, xanchor="left"),
        colorway=SERIES,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor=GRID, linecolor=GRID, tickfont=dict(size=14), title=dict(font=dict(size=15))),
        yaxis=dict(gridcolor=GRID, linecolor=GRID, tickfont=dict(size=14), title=dict(font=dict(size=15))),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=14)),
        margin=dict(l=60, r=30, t=80, b=90),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=15)),
    )
)
pio.templates["jianguan"] = TEMPLATE


def apply(fig: go.Figure, title: str, footnote: str, height: int = 440) -> go.Figure:
    """Give a chart its title (what and when) and a footnote (口径, 数据截至), in the house style."""
    fig.update_layout(
        template="jianguan",
        title=dict(text=title),
        height=height,
        annotations=list(fig.layout.annotations or ())
        + [
            dict(
                text=footnote,
                xref="paper",
                yref="paper",
                x=0,
                y=-0.02,
                yanchor="top",
                yshift=-50,
                showarrow=False,
                align="left",
                font=dict(size=12, color=MUTED),
            )
        ],
    )
    return fig
