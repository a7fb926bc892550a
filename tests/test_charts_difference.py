"""Charts that show the difference (issue: annual-report rates all at 96–98 %, partial months, no change)."""

from __future__ import annotations

import pandas as pd

from dashboard import charts_lists


def test_zoomed_range_shows_the_spread():
    # 96.2 %–98.4 % with a 95 % target: the axis starts at 90 %, not 0 %.
    assert charts_lists.zoomed_range([96.2, 98.4, 97.0], 0.95) == (90.0, 101.5)
    # Values that reach low anyway keep the axis from 0.
    assert charts_lists.zoomed_range([4.0, 60.0], 0.95)[0] == 0.0
    assert charts_lists.zoomed_range([], None) == (0.0, 105.0)


def test_annual_report_dots_on_a_zoomed_axis_with_both_seasons():
    frame = pd.DataFrame({
        "region_name": ["科尔沁区", "开鲁县"], "required_count": [1000, 500], "submitted_count": [975, 481],
        "late_count": [5, 0], "previous_submitted": [968, 490], "previous_required": [1000, 500],
    })
    fig = charts_lists.annual_report_region_figure(frame, 0.95, "年报公示率", "口径")
    low, _ = fig.layout.xaxis.range
    assert low == 90 and "横轴自 90% 起" in fig.layout.xaxis.title.text
    now = next(t for t in fig.data if t.name == "本年度（截至日）")
    before = next(t for t in fig.data if t.name == "去年同期")
    # Top first in the frame, bottom first on the axis: 开鲁县 96.2 % (481/500), 科尔沁区 97.5 %.
    assert [round(x, 1) for x in now.x] == [96.2, 97.5]
    assert now.text == ("96.2%", "97.5%（逾期 5 户）")
    assert [round(x, 1) for x in before.x] == [98.0, 96.8]


def test_empty_chart_is_recognised():
    import plotly.graph_objects as go

    from dashboard.ui import has_data

    assert not has_data(go.Figure())
    assert not has_data(go.Figure(go.Bar(x=[], y=[])))
    assert not has_data(go.Figure(go.Scatter(x=["1月"], y=[None])))
    assert not has_data(go.Figure(go.Bar(x=[0, 0], y=["甲", "乙"], text=["0 次（—）", "0 次（—）"])))  # nothing happened
    assert not has_data(go.Figure(go.Bar(x=[0], y=["开鲁镇所"], text=["—（无到期回访）"])))
    assert has_data(go.Figure(go.Bar(x=[0], y=["开鲁镇所"], text=["0.0%（0/5）"])))  # a measured 0 %
    assert has_data(go.Figure(go.Bar(x=[0, 2], y=["甲", "乙"])))
    assert has_data(go.Figure(go.Heatmap(z=[[0.1, None]])))
