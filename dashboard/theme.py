"""One palette, one plotly template, and the colours and words of a figure's change (its direction is the
registry's, queries/metrics.py).

Colours are chosen to stay distinct on a washed-out projector and for red-green colour
blindness; no chart relies on colour alone (values are printed, changes carry words).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio

from queries.metrics import NEUTRAL as NEUTRAL_DIRECTION
from queries.metrics import RISE_BAD, RISE_GOOD, metric

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

_DELTA_COLOR = {RISE_GOOD: "normal", RISE_BAD: "inverse", NEUTRAL_DIRECTION: "off"}


def delta_color(code: str) -> str:
    """st.metric's delta_color for a figure: rising-good → normal, rising-bad → inverse, neutral → off.
    The direction is the registry's (queries.metrics); an unknown code is a KeyError."""
    return _DELTA_COLOR[metric(code).direction]


def change_word(code: str, change) -> str:
    """The word that says whether a change is good (改善), bad (变差) or neither (持平, 上升/下降)."""
    direction = metric(code).direction
    if change is None:
        return ""
    if change == 0:
        return "持平"
    if direction == NEUTRAL_DIRECTION:
        return "上升" if change > 0 else "下降"
    return "改善" if (change > 0) == (direction == RISE_GOOD) else "变差"


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


TITLE_TOP_PX = 12
LEGEND_ROW_PX = 26
LEGEND_GAP_PX = 10
FULLSCREEN_PLOT_PX = 800
"""A chart's plot width in fullscreen, in the page's type scale (the narrowest: a 1280 px screen)."""
NARROWEST_PLOT_PX = 380
"""The narrowest plot area a chart gets (a half-width column on a 1280 px screen wraps to a full
row below 440 px, style.py), so legend rows and title lines are planned for it."""


def text_px(text: str, font_px: float) -> float:
    """The drawn width of `text`: a CJK character is one em, other characters about half."""
    return sum(font_px if ord(ch) > 0x2E7F else font_px * 0.55 for ch in text)


def legend_entries(fig: go.Figure) -> list[str]:
    """The names the figure's legend shows (plotly shows none for a lone trace unless asked)."""
    if fig.layout.showlegend is False:
        return []
    if len(fig.data) == 1 and fig.data[0].showlegend is not True:
        return []
    names: dict[str, str] = {}
    for trace in fig.data:
        if trace.showlegend is not False and trace.name:
            names.setdefault(trace.legendgroup or trace.name, trace.name)
    return list(names.values())


def legend_per_row(names: list[str], font_px: float = 14, narrowest_px: int = NARROWEST_PLOT_PX) -> int:
    """Legend entries per row: as many of the widest entry as the narrowest plot holds (1 to 4),
    so the number of rows does not depend on the screen."""
    if not names:
        return 1
    widest = max(text_px(name, font_px) for name in names) + 3 * font_px  # symbol and gap
    return max(1, min(4, len(names), int(narrowest_px // widest)))


SPLIT_TAIL = "<span style='font-size:{px}px'>（{tail}</span>"
"""A long title's bracketed tail on its own line, a little smaller."""


def whole_title(text: str) -> str:
    """A chart title as one line of text (undoing the split of a long title onto two lines)."""
    split = re.fullmatch(r"(.*)<br><span style='font-size:\d+px'>（(.*)</span>", text or "", flags=re.S)
    return f"{split.group(1)}（{split.group(2)}" if split else (text or "")


def clear_title(fig: go.Figure, title_px: int, legend_px: int = 14, narrowest_px: int = NARROWEST_PLOT_PX) -> None:
    """Title at the top, a horizontal legend below it and the plot below both, at any size.

    A long title's bracketed part ("（截至…）") moves to a second line rather than being cut at
    the chart's edge. The legend's rows are fixed by giving each entry a fraction of the plot
    width, so the top margin holds exactly the title and those rows: a legend can never grow up
    into the title (as it did on a 1280 px projector). Both are placed in pixels from the top and
    from the plot, so a taller chart (fullscreen) keeps them apart too. A vertical legend is
    left alone.
    """
    text = fig.layout.title.text or ""
    if "<br>" not in text and text_px(text, title_px) > narrowest_px + 60 and "（" in text[1:]:
        head, tail = text.split("（", 1)
        fig.update_layout(title=dict(text=f"{head}<br>{SPLIT_TAIL.format(px=round(title_px * 0.8), tail=tail)}"))
    lines = 2 if fig.layout.title.subtitle.text or "<br>" in (fig.layout.title.text or "") else 1
    # Plotly places a two-line title (a <br> in its text) a little too high: its first line's
    # tops were cut at the chart's edge, so it gets more room above.
    title_top = TITLE_TOP_PX + (round(title_px * 0.5) if "<br>" in (fig.layout.title.text or "") else 0)
    fig.update_layout(title=dict(yref="container", y=1, yanchor="top", pad=dict(t=title_top)))
    top = title_top + round(title_px * 1.45) * lines + LEGEND_GAP_PX
    # What a chart's fullscreen (style.CHART_FULLSCREEN_JS) draws at the top: the title on one
    # line, the legend with as many entries per row as a wide plot holds.
    whole = whole_title(fig.layout.title.text)
    pad = TITLE_TOP_PX + (round(title_px * 0.5) if "<br>" in whole else 0)
    whole_lines = 2 if fig.layout.title.subtitle.text or "<br>" in whole else 1
    fullscreen = dict(pad=pad, top=pad + round(title_px * 1.45) * whole_lines + LEGEND_GAP_PX)
    names = legend_entries(fig)
    if names and fig.layout.legend.orientation in (None, "h"):
        per_row = legend_per_row(names, legend_px, narrowest_px)
        rows = -(-len(names) // per_row)
        fig.update_layout(legend=dict(
            orientation="h", yref="paper", y=1, yanchor="bottom", xanchor="left", x=0,
            entrywidthmode="fraction", entrywidth=0.98 / per_row,
        ))
        row_px = round(legend_px * 1.3 + 8)
        top += rows * row_px + LEGEND_GAP_PX
        wide = legend_per_row(names, legend_px, FULLSCREEN_PLOT_PX)
        # (A legend row is drawn about 1.3 × its type high: the page reserves 8 px more per row,
        # the fullscreen 4, so two rows leave no band.)
        fullscreen.update(top=fullscreen["top"] + -(-len(names) // wide) * round(legend_px * 1.3 + 4) + LEGEND_GAP_PX,
                          entrywidth=0.98 / wide)
    fig.update_layout(margin=dict(t=top), meta=dict(fullscreen_geometry=fullscreen))


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
                name="footnote",
            )
        ],
    )
    clear_title(fig, title_px=20)
    return fig


def footnote_room(fig: go.Figure) -> go.Figure:
    """Widen the bottom margin when the footnote (apply's, 50 px below the plot) would not fit in
    it, so neither the page nor the camera's PNG cuts its last line."""
    notes = [a for a in fig.layout.annotations or () if a.name == "footnote"]
    if not notes:
        return fig
    lines = (notes[-1].text or "").count("<br>") + 1
    height = fig.layout.height or 440
    need = int(0.02 * height) + 50 + 17 * lines + 12
    current = fig.layout.margin.b if fig.layout.margin.b is not None else 90
    if current < need:
        fig.update_layout(margin=dict(b=need))
    return fig


# The chart toolbar (st.plotly_chart's config): the camera saves a PNG at 2× the on-screen size,
# title and footnote included (they are part of the figure), and every button speaks Chinese
# (plotly.js's own locale mechanism, the dictionary given with the chart: nothing is fetched).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "监管驾驶舱图表"},
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian",
                               "hoverCompareCartesian"],
    "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": {
        "Download plot as a png": "下载图片（PNG）",
        "Download plot as a PNG": "下载图片（PNG）",
        "Download plot": "下载图片",
        "Zoom": "缩放", "Pan": "平移", "Zoom in": "放大", "Zoom out": "缩小",
        "Autoscale": "自动范围", "Reset axes": "还原坐标轴", "Reset view": "还原视图",
        "Box Select": "框选", "Lasso Select": "套索选择",
        "Toggle Spike Lines": "显示辅助线", "Show closest data on hover": "悬停显示最近数据",
        "Compare data on hover": "悬停比较数据", "Double-click to zoom back out": "双击还原",
        "Taking snapshot - this may take a few seconds": "正在生成图片……",
        "Snapshot succeeded": "图片已生成", "Image download succeeded": "图片已下载",
        "Downloading image...": "正在下载图片……", "Image download failed": "图片下载失败",
        "Sorry, there was a problem downloading your snapshot!": "图片生成失败，请重试。",
        "Produced with Plotly.js": "由 Plotly.js 绘制",
    }, "format": {"decimal": ".", "thousands": ","}}},
}


PRESENT_TEXT_PX = 20
PRESENT_TITLE_PX = 28
PRESENT_PLOT_PX = 1000
"""A meeting-mode chart spans the screen: about 1000 px of plot on a 1280 px screen (1500 px at
1920 px, where for_projector's sizes are set)."""
PRESENT_FOOTNOTE_CHARS = 56
"""Characters per footnote line in meeting mode: a 1280 px screen's chart holds about 60 at 20 px."""


def _rewrap(text: str, width: int) -> str:
    lines = []
    for line in text.split("<br>"):
        while len(line) > width:
            lines.append(line[:width])
            line = line[width:]
        lines.append(line)
    return "<br>".join(lines)


def for_projector(fig: go.Figure, scale: float = 1.0) -> go.Figure:
    """The same chart for meeting mode: every text at least 20 px, the title larger, the footnote
    rewrapped to fit the screen, and no fixed height (it fills the space it is given). The sizes
    are those of a 1920 px screen; `scale` (the screen's width / 1920) draws them in proportion,
    so a 1280 px projector gets two thirds of each, as its cards do (style.PRESENT, in vw)."""
    text_px, title_px = PRESENT_TEXT_PX * scale, PRESENT_TITLE_PX * scale

    def at_least(font) -> dict:
        size = font.size if font and font.size else 0
        return dict(size=max(size, PRESENT_TEXT_PX) * scale)

    fig.update_layout(
        font=dict(size=text_px), title=dict(font=dict(size=title_px)),
        legend=dict(font=dict(size=text_px)), hoverlabel=dict(font=dict(size=text_px)),
        height=None, autosize=True,
    )
    # A title split for a narrow column is whole again on a screen-wide chart.
    fig.update_layout(title=dict(text=whole_title(fig.layout.title.text)))
    if fig.layout.title.subtitle.text:
        fig.update_layout(title=dict(subtitle=dict(font=dict(size=text_px + 2 * scale))))
    fig.update_xaxes(tickfont=dict(size=text_px), title=dict(font=dict(size=text_px)))
    fig.update_yaxes(tickfont=dict(size=text_px), title=dict(font=dict(size=text_px)))
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont = at_least(trace.textfont)
    fig.update_yaxes(automargin=True)
    tick_px = round(_x_tick_px(fig) * scale)
    footnote_lines = 0
    for annotation in fig.layout.annotations:
        annotation.font = dict(at_least(annotation.font), color=annotation.font.color)
        if annotation.name == "footnote":
            annotation.text = _rewrap(annotation.text, PRESENT_FOOTNOTE_CHARS)
            footnote_lines = annotation.text.count("<br>") + 1
            annotation.yshift = -tick_px
    top_axis = any(axis.side == "top" for axis in fig.select_xaxes())
    clear_title(fig, title_px=title_px, legend_px=text_px, narrowest_px=round(PRESENT_PLOT_PX * scale * 1.5))
    fig.update_layout(margin=dict(
        t=fig.layout.margin.t + round(2 * text_px if top_axis else 0),
        b=round(tick_px + 28 * scale * footnote_lines + 10 * scale),
    ))
    return fig


def _x_tick_px(fig: go.Figure) -> int:
    """Room below the plot for the x tick labels at 20 px: more when many points may turn them."""
    if all(axis.side == "top" or axis.visible is False for axis in fig.select_xaxes()):
        return 12
    points = max((len(trace.x) for trace in fig.data if getattr(trace, "x", None) is not None), default=0)
    return 110 if points > 8 else 45


def finish(fig: go.Figure, title: str, footnote: str, height: int, bottom: int = 120, left_px: int | None = None) -> go.Figure:
    """`apply` for a chart with category labels on its y axis (every bar chart of the pages).

    The bottom margin leaves the footnote room for all its lines. By default the y axis takes
    the room its labels need; with `left_px` the left margin is fixed instead (two charts side by
    side line up) and the footnote moves from the plot's left edge to the figure's, so a chart
    with long labels does not cut it off.
    """
    apply(fig, title, footnote, height)
    margin = dict(b=max(bottom, 60 + 17 * (footnote.count("<br>") + 1)))
    if left_px is None:
        fig.update_yaxes(automargin=True)
    else:
        margin["l"] = left_px
        fig.update_yaxes(automargin=False)
        fig.layout.annotations[-1].update(xshift=-(left_px - 12))
    fig.update_layout(margin=margin)
    return fig
