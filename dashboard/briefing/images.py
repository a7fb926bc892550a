"""Charts as PNG through kaleido 1.x and Debian's chromium, offline (no MathJax, no CDN).

One kaleido server per process (`kaleido.start_sync_server(mathjax=False)`), started on first
use; plotly.js is the copy inside the plotly package. Images are drawn at 2× scale.
"""

from __future__ import annotations

import os
import shutil
import warnings

import plotly.graph_objects as go

from dashboard.db import DataError

CHART_WIDTH_PX = 1000
SCALE = 2
_started = False


def browser_path() -> str | None:
    """The chromium kaleido drives: BROWSER_PATH if set, else Debian's /usr/bin/chromium."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def _start() -> None:
    global _started
    if _started:
        return
    import kaleido

    path = browser_path()
    if not path:
        raise DataError("无法绘制图表：未找到 Chromium（/usr/bin/chromium）；请安装 Debian 的 chromium 包（scripts/setup.sh --test）。")
    os.environ.setdefault("BROWSER_PATH", path)
    try:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    except Exception as exc:  # noqa: BLE001 - the button and the command line say it in one sentence
        raise DataError(f"无法启动绘图用的 Chromium（{path}）：{str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__}。") from exc
    _started = True


def figure_png(figure, width: int = CHART_WIDTH_PX, height: int | None = None) -> bytes:
    """The figure as PNG bytes at 2× scale (height: the figure's own, else 500 px)."""
    import kaleido

    _start()
    height = height or figure.layout.height or 500
    figure = go.Figure(figure).update_layout(title_x=0.012)  # the title clear of the image's edge
    opts = {"format": "png", "width": width, "height": int(height), "scale": SCALE}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kaleido.calc_fig_sync(figure, opts=opts)


def render_charts(briefing) -> None:
    """Fill in `chart.png` for every chart of the briefing (once)."""
    for topic in briefing.topics:
        for chart in topic.charts:
            if chart.png is None:
                chart.png = figure_png(chart.figure)


def stop() -> None:
    global _started
    if _started:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _started = False
