"""The county map for documents: filled county shapes from the local boundary GeoJSON, no tiles.

Same areas, values and colour scale as the page's pydeck map (charts_credit_risk.map_areas,
map_scale → theme.RISK_SCALE from 0 to the largest value), names and values printed on the
shapes; an area without a polygon (a supervision office) is a circle at its lon/lat.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from shapely.geometry import shape

from dashboard import charts_credit_risk, config, maps, theme

NO_DATA = "rgb(200,204,209)"
CONTEXT_FILL, CONTEXT_LINE = "rgb(236,239,243)", "rgb(150,160,172)"


def _colorscale() -> list[list]:
    last = len(theme.RISK_SCALE) - 1
    return [[i / last, f"rgb{tuple(rgb)}"] for i, rgb in enumerate(theme.RISK_SCALE)]


def _label_point(geometry: dict) -> tuple[float, float]:
    point = shape(geometry).representative_point()
    return point.x, point.y


def credit_map(figures, ctx, title: str, footnote: str, measure: str = "high_risk_share") -> go.Figure:
    """High-risk share (or another charts_credit_risk measure) per region as a filled map.

    Drawn on plain x/y axes (longitude, latitude stretched by 1/cos(latitude)) rather than a
    plotly geo subplot, which would fetch its base topojson from a CDN even when hidden."""
    areas = charts_credit_risk.map_areas(figures, measure)
    scale = charts_credit_risk.map_scale(areas)
    boundaries = maps.read_boundaries(config.boundaries_path())
    value_text = charts_credit_risk.measure_text(measure)
    fig = go.Figure()
    lons, lats = [], []
    # One county's offices are circles: its outline, in grey, shows where they are (as on the page).
    for code in ctx.filters.counties if ctx.filters.by_office else ():
        for polygon in _polygons(boundaries.shapes[code]) if code in boundaries.shapes else ():
            xs, ys = polygon.exterior.xy
            lons += list(xs)
            lats += list(ys)
            fig.add_trace(go.Scatter(x=list(xs), y=list(ys), mode="lines", fill="toself", fillcolor=CONTEXT_FILL,
                                     line=dict(color=CONTEXT_LINE, width=1.5), hoverinfo="skip", showlegend=False))
    for row in areas.itertuples(index=False):
        geometry = boundaries.shapes.get(row.code)
        if geometry is None:
            continue
        color = NO_DATA if _missing(row.value) else f"rgb{scale.rgb(row.value)}"
        for polygon in _polygons(geometry):
            xs, ys = polygon.exterior.xy
            lons += list(xs)
            lats += list(ys)
            fig.add_trace(go.Scatter(x=list(xs), y=list(ys), mode="lines", fill="toself", fillcolor=color,
                                     line=dict(color="white", width=1.5), hoverinfo="skip", showlegend=False))
    _labels(fig, areas, boundaries, scale)
    stops = scale.stops()
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(colorscale=_colorscale(), cmin=scale.low, cmax=scale.high if scale.high > scale.low else scale.low + 1e-9,
                    color=[scale.low], showscale=True,
                    colorbar=dict(title=dict(text=charts_credit_risk.MEASURES[measure], side="top"), orientation="h",
                                  x=0.5, xanchor="center", y=-0.02, yanchor="top", len=0.6, thickness=14,
                                  tickvals=stops, ticktext=[value_text(v) for v in stops])),
    ))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    if lats:  # room around the shapes for the labels of border counties
        pad_x, pad_y = (max(lons) - min(lons)) * 0.06, (max(lats) - min(lats)) * 0.06
        middle = (min(lats) + max(lats)) / 2
        fig.update_xaxes(range=[min(lons) - pad_x, max(lons) + pad_x])
        fig.update_yaxes(range=[min(lats) - pad_y, max(lats) + pad_y], scaleratio=1 / math.cos(math.radians(middle)))
    theme.apply(fig, title, footnote, height=640)
    fig.update_layout(margin=dict(l=20, r=20, t=60, b=160), showlegend=False, plot_bgcolor="white")
    fig.layout.annotations[-1].update(yshift=-90)
    return fig


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _polygons(geometry: dict):
    geom = shape(geometry)
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def _labels(fig: go.Figure, areas, boundaries, scale) -> None:
    """Names and values on the shapes; circles (same colours) for areas without a polygon."""
    xs, ys, texts, colors, positions = [], [], [], [], []
    circles = {"x": [], "y": [], "color": []}
    span = scale.high - scale.low
    for row in areas.itertuples(index=False):
        geometry = boundaries.shapes.get(row.code)
        if geometry is not None:
            x, y = _label_point(geometry)
        elif not _missing(row.lon) and not _missing(row.lat):
            x, y = float(row.lon), float(row.lat)
            circles["x"].append(x)
            circles["y"].append(y)
            circles["color"].append(NO_DATA if _missing(row.value) else f"rgb{scale.rgb(row.value)}")
        else:
            continue
        xs.append(x)
        ys.append(y)
        texts.append("<b>" + row.label.replace("\n", "</b><br>"))
        dark = geometry is not None and not _missing(row.value) and span > 0 and (float(row.value) - scale.low) / span > 0.6
        colors.append("white" if dark else theme.INK)
        positions.append("middle center" if geometry is not None else "bottom center")
    if circles["x"]:  # labelled below each circle (a circle is too small to hold its name)
        fig.add_trace(go.Scatter(x=circles["x"], y=circles["y"], mode="markers", hoverinfo="skip", showlegend=False,
                                 marker=dict(size=22, color=circles["color"], line=dict(color=theme.INK, width=1))))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=texts, textposition=positions, hoverinfo="skip",
                             showlegend=False, cliponaxis=False,
                             textfont=dict(size=14, color=colors, family=theme.FONT_FAMILY)))
