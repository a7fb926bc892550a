"""Where things are in the demo city: supervision offices and random points inside counties.

Office towns are real towns of each county; their positions are not surveyed: the county seat's
office sits at the seat's approximate coordinates, urban sub-district offices near it, and the
other town offices at random points of the county (fixed, not seed-dependent, so the map of
offices does not move between demo builds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.geo import COUNTIES, CountyShape, county_shapes

# County shares of market entities, roughly by population and economic weight (科尔沁区, the city
# proper, is by far the largest; 霍林郭勒市 is small but a mining town with many businesses).
COUNTY_WEIGHTS = {
    "150502": 0.34,
    "150521": 0.12,
    "150522": 0.10,
    "150523": 0.11,
    "150524": 0.055,
    "150525": 0.12,
    "150526": 0.085,
    "150581": 0.07,
}

# Approximate seat (旗县政府驻地) coordinates, WGS84.
COUNTY_SEATS = {
    "150502": (122.265, 43.617),
    "150521": (123.317, 44.128),
    "150522": (122.357, 42.953),
    "150523": (121.316, 43.601),
    "150524": (121.775, 42.734),
    "150525": (120.663, 42.845),
    "150526": (120.906, 44.557),
    "150581": (119.657, 45.533),
}

# (office name stem, kind): kind "seat" = at the county seat, "urban" = a sub-district of the
# seat, "town" = a town elsewhere in the county. The first entry of each county is suffix 001.
OFFICES = {
    "150502": [
        ("永清", "seat"),
        ("明仁", "urban"),
        ("西门", "urban"),
        ("红星", "urban"),
        ("钱家店镇", "town"),
        ("大林镇", "town"),
    ],
    "150521": [
        ("保康镇", "seat"),
        ("舍伯吐镇", "town"),
        ("花吐古拉镇", "town"),
        ("宝龙山镇", "town"),
        ("巴彦塔拉镇", "town"),
    ],
    "150522": [("甘旗卡镇", "seat"), ("金宝屯镇", "town"), ("吉尔嘎朗镇", "town"), ("常胜镇", "town")],
    "150523": [("开鲁镇", "seat"), ("麦新镇", "town"), ("东风镇", "town"), ("小街基镇", "town")],
    "150524": [("库伦镇", "seat"), ("扣河子镇", "town"), ("额勒顺镇", "town")],
    "150525": [("大沁他拉镇", "seat"), ("八仙筒镇", "town"), ("青龙山镇", "town"), ("新镇", "town")],
    "150526": [("鲁北镇", "seat"), ("巴雅尔吐胡硕镇", "town"), ("巨日合镇", "town"), ("黄花山镇", "town")],
    "150581": [("珠斯花", "seat"), ("莫斯台", "urban")],
}
KIND_WEIGHT = {"seat": 5.0, "urban": 3.0, "town": 1.0}
"""Relative share of a county's entities an office supervises: the seat has most businesses."""
KIND_SPREAD_DEG = {"seat": 0.035, "urban": 0.025, "town": 0.05}
"""Standard deviation of entity locations around their office."""

_GEOGRAPHY_SEED = 150500


@dataclass(frozen=True)
class Office:
    """A 市场监管所: code = county code + 3 digits."""

    code: str
    name: str
    county: str
    town: str
    kind: str
    lon: float
    lat: float


def _town_points(shape: CountyShape, count: int, seat: tuple[float, float], rng) -> list[tuple[float, float]]:
    """`count` points inside the county, away from the seat and from each other."""
    points: list[tuple[float, float]] = []
    min_lon, min_lat, max_lon, max_lat = shape.bbox
    min_gap = 0.12 * max(max_lon - min_lon, max_lat - min_lat)
    while len(points) < count:
        lon = rng.uniform(min_lon, max_lon, 64)
        lat = rng.uniform(min_lat, max_lat, 64)
        for x, y in zip(lon[shape.contains(lon, lat)], lat[shape.contains(lon, lat)]):
            others = [seat, *points]
            if all((x - ox) ** 2 + (y - oy) ** 2 >= min_gap**2 for ox, oy in others):
                points.append((float(x), float(y)))
                if len(points) == count:
                    break
        min_gap *= 0.9
    return points


def build_offices() -> list[Office]:
    """Every supervision office of the city, in code order."""
    rng = np.random.default_rng(_GEOGRAPHY_SEED)
    shapes = county_shapes()
    offices = []
    for county, stems in OFFICES.items():
        shape = shapes[county]
        seat = COUNTY_SEATS[county]
        if not shape.contains([seat[0]], [seat[1]])[0]:
            seat = (shape.label_lon, shape.label_lat)
        towns = iter(_town_points(shape, sum(kind == "town" for _, kind in stems), seat, rng))
        for number, (stem, kind) in enumerate(stems, start=1):
            if kind == "seat":
                lon, lat = seat
            elif kind == "urban":
                lon, lat = _near(shape, seat, 0.02, rng)
            else:
                lon, lat = next(towns)
            name = f"{COUNTIES[county]}{stem}市场监管所"
            offices.append(Office(f"{county}{number:03d}", name, county, stem, kind, round(lon, 6), round(lat, 6)))
    return offices


def _near(shape: CountyShape, centre: tuple[float, float], spread: float, rng) -> tuple[float, float]:
    while True:
        lon, lat = centre[0] + rng.normal(0, spread), centre[1] + rng.normal(0, spread)
        if shape.contains([lon], [lat])[0]:
            return float(lon), float(lat)


def points_around(
    rng: np.random.Generator, shape: CountyShape, centre_lon: np.ndarray, centre_lat: np.ndarray, spread: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One point per centre: normal scatter around it, redrawn until inside the county.

    Points that keep falling outside (a centre near the border) end up uniform over the county.
    """
    n = len(centre_lon)
    lon = np.empty(n)
    lat = np.empty(n)
    todo = np.arange(n)
    for _ in range(12):
        if not todo.size:
            break
        x = centre_lon[todo] + rng.normal(0, 1, todo.size) * spread[todo]
        y = centre_lat[todo] + rng.normal(0, 1, todo.size) * spread[todo]
        ok = shape.contains(x, y)
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        todo = todo[~ok]
    min_lon, min_lat, max_lon, max_lat = shape.bbox
    while todo.size:
        x = rng.uniform(min_lon, max_lon, todo.size)
        y = rng.uniform(min_lat, max_lat, todo.size)
        ok = shape.contains(x, y)
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        todo = todo[~ok]
    return np.round(lon, 6), np.round(lat, 6)


def region_rows(offices: list[Office], city_point: tuple[float, float]) -> dict[str, list]:
    """Columns of the `regions` table: the city, its counties (sort_order 1..8) and the offices."""
    shapes = county_shapes()
    rows = [("150500", "通辽市", "city", None, *city_point, 1)]
    for order, (code, shape) in enumerate(shapes.items(), start=1):
        rows.append((code, shape.name, "county", "150500", shape.label_lon, shape.label_lat, order))
    for office in offices:
        order = int(office.code[-3:])
        rows.append((office.code, office.name, "office", office.county, office.lon, office.lat, order))
    names = ("code", "name", "level", "parent_code", "lon", "lat", "sort_order")
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
