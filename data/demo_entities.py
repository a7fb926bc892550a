"""Market entities (市场主体) of the demo city: who they are, where, and when they came and went."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo_common import COMPANY, COOPERATIVE, ENTITY_TYPES, FAR, INDIVIDUAL, Ctx, month_starts, year_of, ymd
from data.demo_names import entity_names, uscc_codes
from data.demo_places import COUNTY_WEIGHTS, KIND_SPREAD_DEG, KIND_WEIGHT, Office, points_around
from data.geo import COUNTIES, county_shapes

LIVE_ENTITIES = 320_000
"""Live market entities at scale 1 (the bureau reports 32.14万 经营主体)."""
DEREGISTERED_SHARE = 0.36
"""Deregistered entities kept in the register, as a share of the live ones: enough that the
last year closes about 7 % of the stock while about 13 % is new, so the total grows by about
6 % a year (2024–2026: 9.6 %, 8.0 %, 5.8 % at scale 1), as the seeds report
(全市市场主体总量32.14万户，同比增长5.39%)."""
DEREGISTRATION_MEAN_YEARS = 4.5
"""Mean of the exponential look-back of deregistration dates: closures cluster in recent years
(the clean-up of long-dormant entities), older ones thin out."""
REGISTRATION_SEASON = (0.85, 0.55, 1.25, 1.2, 1.1, 1.05, 1.0, 1.0, 1.05, 0.75, 1.05, 1.1)
"""Relative registration intensity per calendar month: the Spring Festival trough in February,
the spring peak, the National Day holiday in October."""
DEREGISTRATION_SEASON = (0.8, 0.55, 0.95, 1.0, 1.0, 1.25, 0.95, 0.9, 1.0, 0.75, 1.1, 1.6)
"""Relative closure intensity per month: the annual-report deadline (30 June) and the year-end
register clean-up bring closures forward."""
TYPE_SHARES = {COMPANY: 0.25, INDIVIDUAL: 0.70, COOPERATIVE: 0.05}
NO_OFFICE_SHARE = 0.05
"""Entities whose supervising office is not recorded."""
HISTORY_YEARS = 25

SECTIONS = "ABCDEFGHIJKLMNOPQRST"
# GB/T 4754 门类 weights per entity type: trade (F) dominates, catering (H) is big for
# individual businesses, and cooperatives are nearly all agriculture (A).
SECTION_WEIGHTS = {
    COMPANY: dict(
        A=6,
        B=1.2,
        C=9,
        D=1.5,
        E=10,
        F=32,
        G=5,
        H=4,
        I=4,
        J=0.5,
        K=4,
        L=7,
        M=6,
        N=2,
        O=3,
        P=1.5,
        Q=1,
        R=2,
        S=0.2,
        T=0.02,
    ),
    INDIVIDUAL: dict(A=2, C=3, E=1.5, F=52, G=5, H=17, I=1.5, L=0.5, M=0.5, N=0.5, O=12, P=0.5, Q=0.5, R=3),
    COOPERATIVE: dict(A=92, C=2, F=3, N=1, O=2),
}
# Yearly growth of the registration rate, by type: individual businesses come and go fastest;
# cooperatives boomed in the 2010s after the 2007 cooperative law.
GROWTH = {COMPANY: 0.10, INDIVIDUAL: 0.14, COOPERATIVE: 0.03}
COOPERATIVES_SINCE = 2008


@dataclass
class Entities:
    """All entities as column arrays, ordered by id (ids run 1..n in order of registration)."""

    ids: np.ndarray
    kind: np.ndarray
    section: np.ndarray
    county: np.ndarray
    office: np.ndarray
    registered: np.ndarray
    deregistered: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    uscc: list
    name: list

    def alive(self, day) -> np.ndarray:
        """Boolean mask (or per-row comparison when `day` is an array): registered and not yet gone."""
        return (self.registered <= day) & (self.deregistered > day)

    def __len__(self) -> int:
        return len(self.ids)


def _registration_days(rng, kind: np.ndarray, first: int, last: int) -> np.ndarray:
    """Registration days, more recent more frequent (an exponential growth of the rate)."""
    out = np.empty(len(kind), dtype=np.int64)
    for code, growth in GROWTH.items():
        rows = np.flatnonzero(kind == code)
        start = max(first, ymd(COOPERATIVES_SINCE, 1, 1)) if code == COOPERATIVE else first
        span = last - start
        u = rng.random(rows.size)
        rate = growth / 365.25
        out[rows] = start + np.floor(np.log1p(u * np.expm1(rate * span)) / rate).astype(np.int64)
    return out


def _seasonal(days: np.ndarray, weights: tuple[float, ...], last: int) -> np.ndarray:
    """Days moved within their calendar year so that months follow `weights`, keeping each
    year's count (the growth trend) and order: a day's share of its year becomes its share of
    the year's weighted months. The year of `last` is warped over its days up to `last` only,
    so nothing moves past it."""
    days = np.asarray(days, dtype=np.int64)
    out = days.copy()
    years = year_of(days)
    for year in np.unique(years):
        rows = np.flatnonzero(years == year)
        start = ymd(int(year), 1, 1)
        end = min(ymd(int(year) + 1, 1, 1), last + 1)  # exclusive
        if end - start < 2:
            continue
        bounds = np.append(month_starts(start, end - 1), end)
        bounds = np.minimum(bounds, end)
        lengths = np.diff(bounds).astype(float)
        months = bounds[:-1].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        weight = lengths * np.array(weights)[months]
        share = np.concatenate([[0.0], np.cumsum(lengths)]) / lengths.sum()
        weighted = np.concatenate([[0.0], np.cumsum(weight)]) / weight.sum()
        position = (days[rows] - start + 0.5) / (end - start)
        out[rows] = start + np.minimum(
            np.floor(np.interp(position, weighted, share) * (end - start)).astype(np.int64), end - start - 1
        )
    return out


def _draw_types(rng, n: int) -> np.ndarray:
    keys = list(TYPE_SHARES)
    return np.array(keys)[rng.choice(len(keys), n, p=list(TYPE_SHARES.values()))]


def _sections(rng, kind: np.ndarray) -> np.ndarray:
    section = np.empty(len(kind), dtype=object)
    for code, weights in SECTION_WEIGHTS.items():
        rows = np.flatnonzero(kind == code)
        letters = list(weights)
        p = np.array(list(weights.values()), dtype=float)
        section[rows] = np.array(letters, dtype=object)[rng.choice(len(letters), rows.size, p=p / p.sum())]
    # A few individual businesses were registered without an industry.
    missing = (kind == INDIVIDUAL) & (rng.random(len(kind)) < 0.01)
    section[missing] = None
    return section


def build_entities(ctx: Ctx, offices: list[Office]) -> Entities:
    """Live and deregistered entities; counties weighted by size, offices by kind, ids by registration."""
    rng = ctx.rng("entities")
    n_live = int(round(LIVE_ENTITIES * ctx.scale))
    n_dead = int(round(n_live * DEREGISTERED_SHARE))
    n = n_live + n_dead
    first = ymd(ctx.year - HISTORY_YEARS, 1, 1)
    kind = _draw_types(rng, n)
    registered = _registration_days(rng, kind, first, ctx.dd)
    # Deregistered entities: life spans shorter for individual businesses; deregistrations are
    # more frequent in recent years (the register clean-up of 长期停业未经营 entities).
    deregistered = np.full(n, FAR, dtype=np.int64)
    dead = np.zeros(n, dtype=bool)
    dead[rng.choice(n, n_dead, replace=False)] = True
    back = np.minimum(rng.exponential(365.25 * DEREGISTRATION_MEAN_YEARS, n), 365.25 * 15).astype(np.int64)
    life = 60 + rng.exponential(365.25 * np.where(kind == INDIVIDUAL, 3.5, 6.0)).astype(np.int64)
    dereg_day = ctx.calendar.roll_back(_seasonal(ctx.dd - back, DEREGISTRATION_SEASON, ctx.dd))
    deregistered[dead] = dereg_day[dead]
    registered[dead] = np.maximum(first, dereg_day[dead] - life[dead])
    registered = ctx.calendar.roll_back(_seasonal(registered, REGISTRATION_SEASON, ctx.dd))

    county_codes = list(COUNTIES)
    county = rng.choice(len(county_codes), n, p=np.array([COUNTY_WEIGHTS[c] for c in county_codes]))
    office, lon, lat = _offices_and_places(rng, county, county_codes, offices)
    section = _sections(rng, kind)

    order = np.lexsort((rng.random(n), registered))
    kind, section, county, office = kind[order], section[order], county[order], office[order]
    registered, deregistered, lon, lat = registered[order], deregistered[order], lon[order], lat[order]
    ids = np.arange(1, n + 1, dtype=np.int64)
    county_names = np.array([COUNTIES[c] for c in county_codes], dtype=object)[county]
    town_names = np.array([o.town for o in offices] + [""], dtype=object)[office]
    names = entity_names(ctx.rng("entity-names"), kind, section, county_names, town_names)
    # Companies registered by the city bureau carry the city's code in their USCC.
    region_in_code = np.array(county_codes, dtype=object)[county]
    city_registered = (kind == COMPANY) & (rng.random(n) < 0.2)
    region_in_code[city_registered] = "150500"
    uscc = uscc_codes(ids, kind, region_in_code.tolist())
    return Entities(ids, kind, section, county, office, registered, deregistered, lon, lat, uscc, names)


def _offices_and_places(rng, county: np.ndarray, county_codes: list[str], offices: list[Office]):
    """Office index per entity (-1 = not recorded) and a location clustered around that office."""
    n = len(county)
    office = np.full(n, -1, dtype=np.int64)
    lon = np.empty(n)
    lat = np.empty(n)
    shapes = county_shapes()
    for ci, code in enumerate(county_codes):
        rows = np.flatnonzero(county == ci)
        local = [i for i, o in enumerate(offices) if o.county == code]
        weights = np.array([KIND_WEIGHT[offices[i].kind] for i in local])
        chosen = np.array(local)[rng.choice(len(local), rows.size, p=weights / weights.sum())]
        office[rows] = chosen
        centre_lon = np.array([o.lon for o in offices])[chosen]
        centre_lat = np.array([o.lat for o in offices])[chosen]
        spread = np.array([KIND_SPREAD_DEG[o.kind] for o in offices])[chosen]
        # One in ten entities is out in the countryside, far from any office town.
        rural = rng.random(rows.size) < 0.1
        spread = np.where(rural, 0.5, spread)
        lon[rows], lat[rows] = points_around(rng, shapes[code], centre_lon, centre_lat, spread)
    office[rng.random(n) < NO_OFFICE_SHARE] = -1
    return office, lon, lat


def enterprise_columns(ents: Entities, offices: list[Office]) -> dict:
    """Columns of the `enterprises` table."""
    county_codes = np.array(list(COUNTIES), dtype=object)
    office_codes = np.array([o.code for o in offices] + [None], dtype=object)
    return {
        "id": ents.ids,
        "uscc": ents.uscc,
        "name": ents.name,
        "entity_type": np.array(ENTITY_TYPES, dtype=object)[ents.kind],
        "industry_section": ents.section,
        "region_code": county_codes[ents.county],
        "office_code": office_codes[ents.office],
        "registered_on": ents.registered,
        "deregistered_on": ents.deregistered,
        "lon": ents.lon,
        "lat": ents.lat,
    }
