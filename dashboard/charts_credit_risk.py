"""Chart builders for the credit-risk page: pure functions, DataFrame in, figure / frame out.

Shares are always count / rated enterprises of the same region (metrics.md §1), computed from
the counts the queries return, and printed with fmt_rate (one decimal, "—" for none rated).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.format import fmt_count, fmt_date, fmt_pct, fmt_pp, fmt_rate, rate_change_pp
from dashboard.i18n import ALL_REGIONS, ENTITY_TYPE, GRADE_SHORT, OTHER_REGION, region_name
from dashboard.maps import ColorScale
from queries.common import OTHER, shown_regions
from queries.credit_risk import ENTITY_TYPES, GRADES, GradeTotals

MEASURES = {"high_risk_share": "高风险占比", "d_share": "D类占比", "d_count": "D类数量"}
"""Map measures, keyed by their theme.DIRECTION code."""

COUNT_COLUMNS = ["a_count", "b_count", "c_count", "d_count", "rated_count", "unrated_count"]
_GRADE_COUNT = {g: f"{g.lower()}_count" for g in GRADES}


def scope_phrase(entity_types) -> str:
    """The classification scope in the page's 口径: 分类对象：企业，不含个体工商户、农民专业合作社."""
    included = [ENTITY_TYPE[t] for t in ENTITY_TYPES if t in entity_types]
    excluded = [ENTITY_TYPE[t] for t in ENTITY_TYPES if t not in entity_types]
    return f"分类对象：{'、'.join(included)}" + (f"，不含{'、'.join(excluded)}" if excluded else "")


# --- one row per region ----------------------------------------------------------------------

def region_figures(distribution: pd.DataFrame, previous: pd.DataFrame, regions: pd.DataFrame, f) -> pd.DataFrame:
    """One row per region the page shows, in the region tree's order.

    code, name, lon, lat, the six counts, high_risk_count, q_high_risk_count, q_rated_count.
    Counties (or, for one county, its offices and 其他) without enterprises get zeros, so the
    map and the table list every region in scope.
    """
    frame = _regions_in_scope(regions, f)
    if f.by_office and (distribution["region_code"] == OTHER).any():
        other = pd.DataFrame([{"code": OTHER, "name": OTHER_REGION, "lon": np.nan, "lat": np.nan}])
        frame = pd.concat([frame, other], ignore_index=True)
    now = distribution.set_index("region_code")[COUNT_COLUMNS]
    then = previous.set_index("region_code")[["c_count", "d_count", "rated_count"]]
    frame = frame.join(now, on="code").join(then.add_prefix("q_"), on="code")
    counts = COUNT_COLUMNS + ["q_c_count", "q_d_count", "q_rated_count"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["high_risk_count"] = frame["c_count"] + frame["d_count"]
    frame["q_high_risk_count"] = frame["q_c_count"] + frame["q_d_count"]
    return frame.drop(columns=["q_c_count", "q_d_count"]).reset_index(drop=True)


def _regions_in_scope(regions: pd.DataFrame, f) -> pd.DataFrame:
    """The regions of queries.common.shown_regions, named as every chart and table names them."""
    chosen = regions.set_index("code").loc[shown_regions(regions, f)].reset_index()
    names = dict(zip(regions["code"], regions["name"]))
    chosen["name"] = [region_name(code, names) for code in chosen["code"]]
    return chosen[["code", "name", "lon", "lat"]]


def _share(count, rated) -> float | None:
    return count / rated if rated else None


def measure_value(row, measure: str):
    """The map measure of one region row: a fraction for shares, a count for D类数量."""
    if measure == "d_count":
        return int(row["d_count"])
    count = row["high_risk_count"] if measure == "high_risk_share" else row["d_count"]
    return _share(count, row["rated_count"])


def measure_text(measure: str):
    """How a legend value of `measure` is written."""
    if measure == "d_count":
        return lambda value: f"{fmt_count(round(value))}家"
    return fmt_pct


def measure_label(row, measure: str) -> str:
    """A region's value as printed on the map, from the exact counts (as in the table)."""
    if measure == "d_count":
        return f"{fmt_count(row['d_count'])}家"
    count = row["high_risk_count"] if measure == "high_risk_share" else row["d_count"]
    return fmt_rate(count, row["rated_count"])


def tooltip(row) -> str:
    """The map tooltip: name, rated and 未分类, each grade's count and share, the high-risk share."""
    rated = row["rated_count"]
    lines = [row["name"], f"评级企业 {fmt_count(rated)} 家（未分类 {fmt_count(row['unrated_count'])} 家）"]
    for grade in GRADES:
        count = row[_GRADE_COUNT[grade]]
        lines.append(f"{GRADE_SHORT[grade]} {fmt_count(count)} 家，占 {fmt_rate(count, rated)}")
    lines.append(f"高风险占比（C+D） {fmt_rate(row['high_risk_count'], rated)}")
    return "\n".join(lines)


def map_areas(figures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per region for dashboard.maps.area_deck: code, name, label, lon, lat, value, tooltip."""
    rows = []
    for _, row in figures.iterrows():
        label = f"{row['name']}\n{measure_label(row, measure)}"
        rows.append({
            "code": row["code"], "name": row["name"], "label": label,
            "lon": row["lon"], "lat": row["lat"], "value": measure_value(row, measure), "tooltip": tooltip(row),
        })
    return pd.DataFrame(rows, columns=["code", "name", "label", "lon", "lat", "value", "tooltip"])


def map_scale(areas: pd.DataFrame) -> ColorScale:
    return ColorScale.from_zero(areas["value"])


# --- table -----------------------------------------------------------------------------------

def county_table(
    figures: pd.DataFrame, totals: tuple[GradeTotals, GradeTotals], total_name: str | None, region_title: str
) -> pd.DataFrame:
    """The downloadable table: one row per region, then the total unless `total_name` is None
    (one office chosen: its row is the total, a second would repeat it). `totals` are the scope's
    totals at P and at Q (queries.credit_risk.grade_totals, the headline cards' figures)."""
    rows = [_table_row(row, row["name"], region_title) for _, row in figures.iterrows()]
    if total_name is not None:
        rows.append(_table_row(_total_counts(*totals), total_name, region_title))
    return pd.DataFrame(rows)


def _total_counts(now: GradeTotals, then: GradeTotals) -> dict[str, int]:
    """The total row's counts, in the columns of a region row."""
    counts = {column: getattr(now, column) for column in COUNT_COLUMNS}
    return {**counts, "high_risk_count": now.high_risk.numerator, "q_high_risk_count": then.high_risk.numerator,
            "q_rated_count": then.rated_count}


def _table_row(row, name: str, region_title: str) -> dict:
    row = {key: int(value) for key, value in row.items() if key.endswith("_count")}
    rated = row["rated_count"]
    change = rate_change_pp(row["high_risk_count"], rated, row["q_high_risk_count"], row["q_rated_count"])
    record = {region_title: name, "已评级企业": rated}
    record.update({GRADE_SHORT[g]: row[_GRADE_COUNT[g]] for g in GRADES})
    record.update({
        "未分类": row["unrated_count"],
        "高风险占比": fmt_rate(row["high_risk_count"], rated),
        "D类占比": fmt_rate(row["d_count"], rated),
        "对比期高风险占比": fmt_rate(row["q_high_risk_count"], row["q_rated_count"]),
        "高风险占比变化": fmt_pp(change),
    })
    return record


# --- heat grid -------------------------------------------------------------------------------

def grade_heat_grid(figures: pd.DataFrame, title: str, footnote: str) -> go.Figure:
    """Region × grade share, sorted by high-risk share (highest first).

    Columns A–D and C+D; a cell is count / rated enterprises of the row's region. Each column
    is shaded on its own grade colour relative to the column's highest share, so a county that
    stands out in D stands out even though D shares are small; the printed value is the share.
    """
    columns = [(GRADE_SHORT[g], _GRADE_COUNT[g], theme.GRADE_COLORS[g]) for g in GRADES]
    columns.append(("C+D类", "high_risk_count", theme.BAD))
    rated = figures["rated_count"].replace(0, np.nan)
    shares = pd.DataFrame({column: figures[column] / rated for _, column, _ in columns})
    order = shares["high_risk_count"].sort_values(ascending=False, na_position="last", kind="stable").index
    ordered, shares = figures.loc[order], shares.loc[order]
    tops = shares.max()
    z, text, counts = [], [], []
    for (_, row), (_, row_shares) in zip(ordered.iterrows(), shares.iterrows()):
        z.append([_heat_level(band, row_shares[column], tops[column]) for band, (_, column, _) in enumerate(columns)])
        text.append([fmt_rate(row[column], row["rated_count"]) for _, column, _ in columns])
        counts.append([f"{fmt_count(row[column])} / {fmt_count(row['rated_count'])}" for _, column, _ in columns])
    fig = go.Figure(go.Heatmap(
        x=[label for label, _, _ in columns], y=list(ordered["name"]), z=z, zmin=0, zmax=len(columns),
        colorscale=_banded_scale([color for _, _, color in columns]), showscale=False, xgap=3, ygap=3,
        text=text, customdata=counts, texttemplate="%{text}", textfont=dict(size=17),
        hovertemplate="%{y}　%{x}：%{text}（%{customdata}）<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False, title=None, ticksuffix="  ", tickfont=dict(size=16))
    fig.update_xaxes(side="top", showgrid=False, title=None, tickfont=dict(size=16))
    theme.apply(fig, title, footnote, height=max(340, 200 + 46 * len(ordered)))
    fig.update_layout(margin=dict(t=110, l=20, b=120))
    return fig


_BAND = 0.7
"""Share of each colour band used: the darkest cell stays light enough for its printed value."""


def _heat_level(band: int, share, top) -> float:
    """Position on the banded scale: the column's band plus the share relative to the column's top."""
    if pd.isna(share):
        return np.nan
    return band + (_BAND * share / top if top > 0 else 0.0)


def _banded_scale(colors: list[str]) -> list[list]:
    """One white-to-colour band per column on a single colour scale from 0 to len(colors)."""
    scale = []
    for i, color in enumerate(colors):
        start, end = i / len(colors), (i + _BAND) / len(colors)
        scale += [[start, "#ffffff"], [end, color], [(i + 1) / len(colors) - 1e-9, color]]
    scale[-1][0] = 1.0
    return scale


# --- trend -----------------------------------------------------------------------------------

def trend_chart(
    trend: pd.DataFrame, counties: list[str], shown: list[str], names: dict, title: str, footnote: str
) -> go.Figure:
    """High-risk share at each trend point: the city (the sum of `counties`; bold, values
    printed) and one line per `shown` region."""
    points = sorted(trend["point_on"].unique())
    ticks = [_point_label(p, i == len(points) - 1) for i, p in enumerate(points)]
    city = trend[trend["region_code"].isin(counties)]
    city = city.groupby("point_on")[["high_risk_count", "rated_count"]].sum().reindex(points, fill_value=0)
    fig = go.Figure()
    for i, code in enumerate(shown):
        part = trend[trend["region_code"] == code].set_index("point_on").reindex(points)
        line = _trend_line(part, ticks, names.get(code, code), theme.SERIES[(i + 1) % len(theme.SERIES)], width=2)
        fig.add_trace(line.update(opacity=0.75 if len(shown) > 3 else 1.0))
    fig.add_trace(_trend_line(city, ticks, ALL_REGIONS, theme.PRIMARY, width=4, labelled=True))
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", title=None)
    fig.update_xaxes(type="category", title=None, tickangle=0)
    names = theme.legend_entries(fig)
    legend_rows = math.ceil(len(names) / theme.legend_per_row(names))
    theme.apply(fig, title, footnote, height=470 + theme.LEGEND_ROW_PX * legend_rows)
    fig.update_layout(margin=dict(b=130))
    return fig


def _point_label(point: date, is_as_of: bool) -> str:
    """Month-end ticks as 12月 (the title carries the years); the as-of day on two lines."""
    return f"{point.month}月<br>{point.day}日" if is_as_of else f"{point.month}月"


def _trend_line(part: pd.DataFrame, ticks: list[str], name: str, color: str, width: int, labelled=False) -> go.Scatter:
    pairs = list(zip(part["high_risk_count"], part["rated_count"]))
    shares = [None if pd.isna(r) or not r else round(h / r * 100, 3) for h, r in pairs]
    text = [fmt_rate(h, r) if pd.notna(r) and r else "" for h, r in pairs]
    # Only the first and the last point carry a printed value: a year ago vs now, uncluttered.
    printed = [t if i in (0, len(text) - 1) else "" for i, t in enumerate(text)]
    return go.Scatter(
        x=ticks, y=shares, name=name, mode="lines+markers+text" if labelled else "lines+markers",
        line=dict(color=color, width=width), marker=dict(size=9 if labelled else 6),
        text=printed if labelled else None, textposition="top center", textfont=dict(size=15, color=color),
        hovertemplate=f"{name} %{{x}}：%{{customdata}}<extra></extra>", customdata=text,
    )


# --- migration -------------------------------------------------------------------------------

def migration_chart(
    matrix: pd.DataFrame, from_on: date, to_on: date, title: str, subtitle: str, footnote: str
) -> go.Figure:
    """4 × 4 grid of enterprise counts: rows the grade at the comparison date, columns now.

    Below the diagonal (toward A) is shaded green, above it (toward D) red, the diagonal grey.
    """
    counts = matrix.pivot_table(index="from_grade", columns="to_grade", values="enterprise_count", aggfunc="sum")
    counts = counts.reindex(index=list(GRADES), columns=list(GRADES)).fillna(0).astype(int)
    x = [f"{GRADE_SHORT[g]}" for g in GRADES]
    y = [f"{GRADE_SHORT[g]}" for g in GRADES]
    top = max(int(counts.values.max()), 1)
    fig = go.Figure()
    for kind, color in (("upgraded", theme.GOOD), ("unchanged", theme.NEUTRAL), ("downgraded", theme.BAD)):
        z = [[_migration_cell(counts, i, j, kind, top) for j in range(4)] for i in range(4)]
        fig.add_trace(go.Heatmap(
            x=x, y=y, z=z, zmin=0, zmax=1, colorscale=[[0, "#ffffff"], [1, color]], showscale=False,
            xgap=3, ygap=3, hoverinfo="skip",
        ))
    fig.add_trace(go.Heatmap(
        x=x, y=y, z=np.zeros((4, 4)), opacity=0, showscale=False,
        text=[[fmt_count(v) for v in row] for row in counts.values], texttemplate="%{text}", textfont=dict(size=18),
        hovertemplate=f"{fmt_date(from_on)} %{{y}} → {fmt_date(to_on)} %{{x}}：%{{text}} 家<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, ticksuffix="  ", tickfont=dict(size=16))
    fig.update_xaxes(side="top", title=None, showgrid=False, tickfont=dict(size=16))
    theme.apply(fig, title, footnote, height=470)
    fig.update_layout(
        title_subtitle=dict(text=subtitle, font=dict(size=15, color=theme.MUTED)), margin=dict(t=150, l=70, b=120)
    )
    return fig


def _migration_cell(counts: pd.DataFrame, i: int, j: int, kind: str, top: int) -> float:
    direction = "unchanged" if i == j else ("upgraded" if j < i else "downgraded")
    if direction != kind:
        return np.nan
    value = counts.iat[i, j]
    return 0.15 + 0.6 * value / top if value else 0.0
