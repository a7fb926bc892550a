"""Offline area maps with pydeck: county polygons (or circles), labels, legend, density layer.

Generic over the measure: a page passes one row per area (code, name, label, lon, lat,
value, tooltip) and gets a `pdk.Deck` back. No base map and no request to any outside host:
`map_provider=None` and no `map_style` (an empty map_style makes Streamlit's frontend fetch a
carto style). Boundaries come from a GeoJSON file keyed by the 6-digit region code (`code`,
`adcode`, an id such as 156150502, or a 12-digit statistical code); an area without a
polygon (no boundary file, a supervision office, a development zone) is drawn as a circle at
its lon/lat.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pydeck as pdk

from dashboard import theme
from dashboard.cache import from_file

AREA_LAYER = "areas"
POINT_LAYER = "points"
PICKABLE_LAYERS = (AREA_LAYER, POINT_LAYER)
MAP_HEIGHT = 500

# pydeck turns a bare string into a JS accessor; quoting makes it a plain string value.
_CJK_FONT = "'Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif'"
_NO_DATA = (200, 204, 209)
_OUTLINE = [255, 255, 255, 255]
_CONTEXT_FILL = [236, 239, 243, 255]
_CONTEXT_LINE = [150, 160, 172, 255]
_TOOLTIP_STYLE = {
    "backgroundColor": "#1f2933",
    "color": "white",
    "fontSize": "15px",
    "lineHeight": "1.5",
    "whiteSpace": "pre",
    "fontFamily": theme.FONT_FAMILY,
}
_MIN_RADIUS_PX, _MAX_RADIUS_PX = 8, 26
_LABEL_PX = 17


# --- boundaries ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Boundaries:
    """Polygons by 6-digit code, and a sentence when the configured file could not be used."""

    shapes: dict[str, dict] = field(default_factory=dict)
    problem: str | None = None


def feature_code(properties: dict) -> str | None:
    """The 6-digit region code of a GeoJSON feature's `code`, `adcode`, `gb` or `id`.

    Accepts 150502, 156150502 (the national prefix 156) and 150502000000 (a 12-digit
    statistical code of a county).
    """
    for name in ("code", "adcode", "gb", "id"):
        text = str(properties.get(name) or "").strip()
        if not text.isdigit():
            continue
        if len(text) == 9 and text.startswith("156"):
            return text[3:]
        if len(text) == 12 and text.endswith("000000"):
            return text[:6]
        if len(text) == 6:
            return text
    return None


def read_boundaries(path: Path | None) -> Boundaries:
    """Boundaries from `path` (None → none: the map draws circles at the regions' lon/lat)."""
    if path is None:
        return Boundaries()
    try:
        return from_file(_read_file, path)
    except OSError as exc:
        return Boundaries(problem=f"边界文件 {path} 无法读取（{exc.strerror or exc}），地图按区划中心点绘制。")


def _read_file(path: str) -> Boundaries:
    try:
        with open(path, encoding="utf-8") as fh:
            collection = json.load(fh)
        features = collection["features"]
    except (ValueError, KeyError, TypeError) as exc:
        return Boundaries(problem=f"边界文件 {path} 不是有效的 GeoJSON（{type(exc).__name__}），地图按区划中心点绘制。")
    shapes, damaged = {}, []
    for feature in features if isinstance(features, list) else []:
        code = feature_code(feature.get("properties") or {}) if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if code else None
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            if _drawable(geometry):
                shapes[code] = geometry
            else:
                damaged.append(code)
    if not shapes:
        return Boundaries(problem=f"边界文件 {path} 中没有可用的、带 6 位区划代码的面要素，地图按区划中心点绘制。")
    if damaged:
        problem = f"边界文件 {path} 中区划 {'、'.join(damaged)} 的坐标无效，已跳过，这些区划按中心点绘制。"
        return Boundaries(shapes=shapes, problem=problem)
    return Boundaries(shapes=shapes)


def _drawable(geometry: dict) -> bool:
    """True when the geometry has rings of numeric [lon, lat] points (a bounding box exists)."""
    try:
        lon_min, lat_min, lon_max, lat_max = _bounds(geometry)
        return all(isinstance(v, (int, float)) for v in (lon_min, lat_min, lon_max, lat_max))
    except (IndexError, ValueError, TypeError, KeyError, AttributeError):
        return False


def _rings(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield polygon[0]


def _bounds(geometry: dict) -> tuple[float, float, float, float]:
    points = [point for ring in _rings(geometry) for point in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _label_point(geometry: dict) -> tuple[float, float]:
    """Centre of the largest ring's bounding box (used when the region has no lon/lat)."""
    largest = max(_rings(geometry), key=len)
    lons, lats = [p[0] for p in largest], [p[1] for p in largest]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


# --- colour scale and legend -----------------------------------------------------------------

@dataclass(frozen=True)
class ColorScale:
    """A sequential "higher is worse" scale from `low` to `high` (theme.RISK_SCALE)."""

    low: float
    high: float

    @classmethod
    def from_zero(cls, values) -> ColorScale:
        """From 0 to the largest value: a colour says how high a value is, not only its rank,
        so near-equal areas look near-equal."""
        present = [float(v) for v in values if v is not None and not pd.isna(v)]
        return cls(0.0, max(present, default=0.0))

    def rgb(self, value) -> tuple[int, int, int]:
        if value is None or pd.isna(value):
            return _NO_DATA
        return theme.scale_color(float(value), self.low, self.high)

    def rgba(self, value, alpha: int = 235) -> list[int]:
        return [*self.rgb(value), alpha]

    def stops(self, count: int = 5) -> list[float]:
        """Evenly spaced values from low to high (one when the scale is flat)."""
        if self.high <= self.low:
            return [self.high]
        step = (self.high - self.low) / (count - 1)
        return [self.low + i * step for i in range(count)]


def legend_html(title: str, scale: ColorScale, value_text) -> str:
    """A one-line legend: the title, a swatch per stop with its value (`value_text`), and "无数据"."""
    swatches = [_swatch(theme.rgb_hex(scale.rgb(value)), value_text(value)) for value in scale.stops()]
    swatches.append(_swatch(theme.rgb_hex(_NO_DATA), "无数据"))
    return (
        f'<div style="font-size:15px;line-height:2;font-family:{theme.FONT_FAMILY}">'
        f"<b>{title}</b>：{''.join(swatches)}</div>"
    )


def _swatch(color: str, text: str) -> str:
    return (
        f'<span style="display:inline-block;width:22px;height:14px;background:{color};'
        f'border:1px solid #9aa5b1;vertical-align:middle;margin:0 4px 0 12px"></span>{text}'
    )


# --- the deck --------------------------------------------------------------------------------

def area_deck(
    areas: pd.DataFrame,
    boundaries: Boundaries,
    scale: ColorScale,
    context_codes: tuple[str, ...] = (),
    density: pd.DataFrame | None = None,
    height: int = MAP_HEIGHT,
    width: int = 640,
) -> pdk.Deck:
    """A map of `areas` coloured by `value` on `scale`.

    `areas`: one row per area with code, name, label (the text drawn on the map), lon, lat,
    value (None = no data) and tooltip (multi-line text). Areas with a polygon in
    `boundaries` are drawn as polygons, the others as circles at lon/lat (sized by value); an
    area with neither is not drawn. `context_codes` are drawn as grey outlines underneath
    (e.g. the county around its offices). `density` (lon, lat, enterprise_count) adds a
    heatmap layer. The view fits everything into about `width` × `height` pixels.
    """
    shaped = areas[areas["code"].isin(boundaries.shapes.keys())]
    circles = areas[~areas["code"].isin(boundaries.shapes.keys())].dropna(subset=["lon", "lat"])
    context = [boundaries.shapes[c] for c in context_codes if c in boundaries.shapes]
    layers = []
    if context:
        layers.append(_context_layer(context))
    if len(shaped):
        layers.append(_polygon_layer(shaped, boundaries, scale, faded=density is not None))
    if density is not None and len(density):
        layers.append(_density_layer(density))
    if len(circles):
        layers.append(_circle_layer(circles, scale))
    view = _fit_view(shaped, circles, boundaries, context, width, height)
    layers.append(_label_layer(shaped, circles, boundaries, scale, view.zoom))
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        map_provider=None,
        tooltip={"text": "{tooltip}", "style": _TOOLTIP_STYLE},
        height=height,
    )


def _polygon_layer(shaped: pd.DataFrame, boundaries: Boundaries, scale: ColorScale, faded: bool) -> pdk.Layer:
    features = [
        {
            "type": "Feature",
            "geometry": boundaries.shapes[row.code],
            "properties": {
                "code": row.code,
                "name": row.name,
                "tooltip": row.tooltip,
                "fill": scale.rgba(row.value, alpha=120 if faded else 235),
            },
        }
        for row in shaped.itertuples()
    ]
    highlight = dict(auto_highlight=True, highlight_color=[31, 95, 168, 90])
    return _geojson_layer(AREA_LAYER, features, "properties.fill", _OUTLINE, pickable=True, **highlight)


def _context_layer(geometries: list[dict]) -> pdk.Layer:
    features = [{"type": "Feature", "geometry": g, "properties": {}} for g in geometries]
    return _geojson_layer("context", features, _CONTEXT_FILL, _CONTEXT_LINE, pickable=False)


def _geojson_layer(layer_id: str, features: list[dict], fill, line, pickable: bool, **extra) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data={"type": "FeatureCollection", "features": features},
        get_fill_color=fill,
        get_line_color=line,
        line_width_units="'pixels'",
        get_line_width=2,
        stroked=True,
        filled=True,
        pickable=pickable,
        **extra,
    )


def circle_radius(value, scale: ColorScale) -> float:
    """Radius in pixels: area grows with the value (square root), from 8 to 26 px."""
    if value is None or pd.isna(value) or scale.high <= 0:
        return _MIN_RADIUS_PX
    share = max(float(value), 0.0) / scale.high
    return round(_MIN_RADIUS_PX + (_MAX_RADIUS_PX - _MIN_RADIUS_PX) * math.sqrt(min(share, 1.0)), 1)


def _circle_layer(circles: pd.DataFrame, scale: ColorScale) -> pdk.Layer:
    # Largest first, so a small circle next to a large one is drawn on top and stays clickable.
    circles = circles.assign(radius=[circle_radius(v, scale) for v in circles["value"]])
    circles = circles.sort_values("radius", ascending=False, kind="stable")
    data = [
        {
            "code": row.code,
            "name": row.name,
            "tooltip": row.tooltip,
            "lon": float(row.lon),
            "lat": float(row.lat),
            "fill": scale.rgba(row.value),
            "radius": row.radius,
        }
        for row in circles.itertuples()
    ]
    return _point_layer(
        "ScatterplotLayer",
        POINT_LAYER,
        data,
        get_fill_color="fill",
        get_radius="radius",
        radius_units="'pixels'",
        stroked=True,
        get_line_color=[80, 90, 100, 255],
        line_width_units="'pixels'",
        get_line_width=1.5,
        pickable=True,
        auto_highlight=True,
    )


def _density_layer(density: pd.DataFrame) -> pdk.Layer:
    data = [
        {"lon": float(r.lon), "lat": float(r.lat), "weight": int(r.enterprise_count)} for r in density.itertuples()
    ]
    return _point_layer(
        "HeatmapLayer",
        "density",
        data,
        get_weight="weight",
        radius_pixels=28,
        intensity=1.2,
        threshold=0.04,
        color_range=[list(rgb) for rgb in theme.RISK_SCALE],
        pickable=False,
    )


def _label_layer(shaped, circles, boundaries: Boundaries, scale: ColorScale, zoom: float) -> pdk.Layer:
    """Names and values: centred on a polygon's label point, beside a circle (its colour stays visible).

    A label that would overlap one with a higher value at the initial zoom is left out (the
    tooltip and the page's table still give every area); deck.gl's own collision filter
    draws nothing under software rendering, so this is decided here.
    """
    labels = []
    for row in shaped.itertuples():
        has_point = pd.notna(row.lon) and pd.notna(row.lat)
        lon, lat = (row.lon, row.lat) if has_point else _label_point(boundaries.shapes[row.code])
        labels.append(_label(row.label, lon, lat, [0, 0], "middle", priority=1000))
    for row in circles.itertuples():
        offset = [circle_radius(row.value, scale) + 6, 0]
        labels.append(_label(row.label, row.lon, row.lat, offset, "start", priority=_priority(row.value, scale)))
    return _point_layer(
        "TextLayer",
        "labels",
        _declutter(labels, zoom),
        get_text="text",
        get_pixel_offset="offset",
        get_size=_LABEL_PX,
        get_color=[31, 41, 51, 255],
        character_set="'auto'",
        font_family=_CJK_FONT,
        font_weight=600,
        font_settings={"sdf": True},
        outline_width=4,
        outline_color=[255, 255, 255, 230],
        get_text_anchor="anchor",
        get_alignment_baseline="'center'",
        pickable=False,
    )


def _point_layer(kind: str, layer_id: str, data: list[dict], **props) -> pdk.Layer:
    """A deck.gl layer over rows with lon and lat."""
    return pdk.Layer(kind, id=layer_id, data=data, get_position=["lon", "lat"], **props)


def _label(text: str, lon, lat, offset: list, anchor: str, priority: int) -> dict:
    return {"text": text, "lon": float(lon), "lat": float(lat), "offset": offset, "anchor": anchor, "priority": priority}


def _priority(value, scale: ColorScale) -> int:
    """A circle label's claim to space: the higher the value, the higher (polygons have 1000)."""
    if value is None or pd.isna(value) or scale.high <= 0:
        return -1
    return round(999 * float(value) / scale.high)


def _declutter(labels: list[dict], zoom: float) -> list[dict]:
    """The labels that fit without overlapping, highest priority first (ties keep input order)."""
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for label in sorted(labels, key=lambda item: -item["priority"]):
        box = _label_box(label, zoom)
        if any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in placed):
            continue
        placed.append(box)
        kept.append(label)
    return sorted(kept, key=labels.index)


def _label_box(label: dict, zoom: float) -> tuple[float, float, float, float]:
    """Approximate screen box (left, top, right, bottom) in pixels at `zoom`: CJK characters are
    about one font size wide, digits and signs about 0.6."""
    world = 512 * 2**zoom
    x = (label["lon"] + 180) / 360 * world + label["offset"][0]
    y = (1 - _mercator_y(label["lat"]) / math.pi) / 2 * world + label["offset"][1]
    lines = label["text"].split("\n")
    width = max(sum(_LABEL_PX if ord(ch) > 255 else 0.6 * _LABEL_PX for ch in line) for line in lines)
    height = len(lines) * _LABEL_PX * 1.2
    left = x if label["anchor"] == "start" else x - width / 2
    return left, y - height / 2, left + width, y + height / 2


def _fit_view(shaped, circles, boundaries: Boundaries, context: list[dict], width: int, height: int) -> pdk.ViewState:
    boxes = [_bounds(boundaries.shapes[c]) for c in shaped["code"]] + [_bounds(g) for g in context]
    boxes += [(float(r.lon), float(r.lat), float(r.lon), float(r.lat)) for r in circles.itertuples()]
    if not boxes:
        return pdk.ViewState(longitude=0, latitude=0, zoom=1)
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    # Web-Mercator zoom (deck.gl's world is 512 px wide at zoom 0) that fits the box into
    # width × height pixels with a margin; a lone point gets a town-level zoom.
    lon_span = max(east - west, 0.05)
    y_span = max(abs(_mercator_y(north) - _mercator_y(south)), math.radians(0.05))
    zoom_x = math.log2(width * 360 / (512 * lon_span * 1.2))
    zoom_y = math.log2(height * 2 * math.pi / (512 * y_span * 1.2))
    return pdk.ViewState(
        longitude=(west + east) / 2,
        latitude=(south + north) / 2,
        zoom=round(min(zoom_x, zoom_y, 11.0), 2),
    )


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def selected_code(event) -> str | None:
    """The region code of the object clicked on an `area_deck` (pydeck selection state), if any."""
    selection = (event or {}).get("selection") or {}
    objects = selection.get("objects") or {}
    for layer in PICKABLE_LAYERS:
        for picked in objects.get(layer) or []:
            code = picked.get("code") or (picked.get("properties") or {}).get("code")
            if code:
                return str(code)
    return None
