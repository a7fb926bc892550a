"""Market entities — 市场主体发展 (metrics.md §7): total, year-on-year growth, new and closed.

Live entities at d: every row of `enterprises`, whatever its entity_type, with registered_on <= d
and (deregistered_on IS NULL or deregistered_on > d). 新设 in P: registered_on from P.start to
the as-of date; 注销: deregistered_on in the same days. The total is the live entities at the
as-of date, and its growth 同比增长 compares it with the total at the as-of date a year earlier,
whatever comparison the filter chose (the bureaus report growth year on year).

One grouped scan of `enterprises` answers all four counts per group, for P and for the comparison
period; the headline is the sum of the regions' rows (one scan for the overview's cards, their
comparisons and its tables). Entities whose region_code
is not a county of `regions` cannot be placed: they are left out of every figure (so the parts
by region add up to the total) and counted by `data_quality`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from queries.common import Rate, between, complete_keys, composed, count_if, region_key, scope_conditions, shown_regions
from queries.meta import region_tree
from queries.periods import shift_years
from queries.schema import enterprises as ent
from queries.schema import regions

ENTITY_TYPES = ("company", "individual", "cooperative")
"""reporting-schema.md's entity_type codes, in display order (企业, 个体工商户, 农民专业合作社)."""

MEASURES = ["total_count", "year_ago_count", "new_count", "closed_count"]


_NEVER = date(9999, 12, 31)


def _alive(on) -> ColumnElement:
    """Registered by `on` and not deregistered by then. A NULL deregistration date counts as
    never (COALESCE, one comparison instead of an OR: the market scan reads every row of the
    register eight times, and DuckDB took a fifth of it on the OR)."""
    return and_(ent.c.registered_on <= on, func.coalesce(ent.c.deregistered_on, _NEVER) > on)


def _county_codes(conn: Connection) -> list[str]:
    return list(conn.execute(select(regions.c.code).where(regions.c.level == "county")).scalars())


def _placeable(conn: Connection) -> ColumnElement:
    """The entity's region_code is a county of the region tree: the counties read first and
    compared as a list (a subquery made DuckDB join the register to `regions`, a quarter of the
    scan)."""
    return ent.c.region_code.in_(_county_codes(conn))


def year_ago(f):
    """The growth's reference date: the as-of date a year earlier (29 Feb → 28 Feb)."""
    return shift_years(f.period.as_of, -1)


def _measures(period, prefix: str = "") -> list:
    """The four counts of `period`: total at its as-of date, total a year before that, new and
    closed from its start to its as-of date (labelled `prefix` + MEASURES)."""
    on, start = period.as_of, period.start
    return [
        count_if(_alive(on)).label(f"{prefix}total_count"),
        count_if(_alive(shift_years(on, -1))).label(f"{prefix}year_ago_count"),
        count_if(between(ent.c.registered_on, start, on)).label(f"{prefix}new_count"),
        count_if(between(ent.c.deregistered_on, start, on)).label(f"{prefix}closed_count"),
    ]


def _counts(conn: Connection, f, keys: list[ColumnElement]) -> list:
    """key_0 …, the four counts of P (MEASURES), then of the comparison period (THEN_MEASURES),
    grouped by `keys`: one scan answers a card's value and its comparison."""
    stmt = (
        select(*[key.label(f"key_{i}") for i, key in enumerate(keys)], *_measures(f.period), *_measures(f.comparison, "then_"))
        .select_from(ent)
        # Nothing registered after the later as-of date counts in any of the eight.
        .where(ent.c.registered_on <= max(f.period.as_of, f.comparison.as_of), _placeable(conn),
               *scope_conditions(f, ent.c.region_code, ent.c.office_code))
        .group_by(*keys)
    )
    return conn.execute(stmt).all()


@dataclass(frozen=True)
class MarketSummary:
    """The headline of §7 for one period (in the filter's regions)."""

    total_count: int
    year_ago_count: int
    new_count: int
    closed_count: int

    @property
    def net_count(self) -> int:
        """新设 − 注销 (can be negative)."""
        return self.new_count - self.closed_count

    @property
    def growth_count(self) -> int:
        """Total − total a year earlier: the growth rate's numerator."""
        return self.total_count - self.year_ago_count

    @property
    def growth(self) -> Rate:
        """同比增长 = total / total a year earlier − 1, as the rate (total − year ago) / year ago."""
        return Rate(self.total_count - self.year_ago_count, self.year_ago_count)


def _summed_summary(frame: pd.DataFrame, prefix: str = "") -> MarketSummary:
    return MarketSummary(**{m: int(frame[prefix + m].sum()) for m in MEASURES})


@composed
def market_summary(run, f) -> MarketSummary:
    """Total at P's as-of date, total at that date a year earlier, new and closed in P: the sums
    of `market_counts` (every placeable entity in scope is in exactly one of its rows), so the
    overview's cards and its region table share one grouped scan of the register."""
    return _summed_summary(run(market_counts, f))


@composed
def market_summaries(run, f) -> tuple[MarketSummary, MarketSummary]:
    """(P's summary, the comparison period's): a card's value and its comparison, from the same
    one scan (asking market_summary for f.compared() would scan the register again)."""
    frame = run(market_counts, f)
    return _summed_summary(frame), _summed_summary(frame, "then_")


THEN_MEASURES = [f"then_{m}" for m in MEASURES]
COUNTS_COLUMNS = ["region_code", "entity_type", *MEASURES, *THEN_MEASURES]


def market_counts(conn: Connection, f) -> pd.DataFrame:
    """The four counts per (region in scope, entity type), from one grouped scan of the register:
    region_code, entity_type, total_count, year_ago_count, new_count, closed_count, and the same
    four of the comparison period (then_total_count …). The views by region and by entity type
    are its sums, so the overview scans the register once for its cards, their comparisons and
    both tables."""
    key = region_key(f, ent.c.region_code, ent.c.office_code)
    frame = pd.DataFrame([tuple(row) for row in _counts(conn, f, [key, ent.c.entity_type])], columns=COUNTS_COLUMNS)
    counts = MEASURES + THEN_MEASURES
    frame[counts] = frame[counts].map(int).astype("int64")  # MySQL sums are DECIMAL
    return frame


def _summed(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """`frame`'s measures summed per value of `by`, as complete_keys reads them ("key" and the measures)."""
    return frame.groupby(by, sort=False, as_index=False)[MEASURES].sum().rename(columns={by: "key"})


BY_TYPE_COLUMNS = ["entity_type", *MEASURES]


@composed
def by_entity_type(run, f) -> pd.DataFrame:
    """One row per entity type (企业, 个体工商户, 农民专业合作社, then any other code found):
    entity_type, total_count, year_ago_count, new_count, closed_count."""
    return complete_keys(_summed(run(market_counts, f), "entity_type"), ENTITY_TYPES, "entity_type", MEASURES)


BY_REGION_COLUMNS = ["region_code", *MEASURES]


@composed
def by_region(run, f) -> pd.DataFrame:
    """One row per region in scope (county, or office and "other" when one county is chosen), in
    the region tree's order, zeros where a region has no entities:
    region_code, total_count, year_ago_count, new_count, closed_count."""
    return complete_keys(_summed(run(market_counts, f), "region_code"), shown_regions(run(region_tree), f), "region_code", MEASURES)


@dataclass(frozen=True)
class MarketDataQuality:
    """Rows the figures leave out."""

    unplaceable_entities: int
    """Entities live at P's as-of date whose region_code is not a county of the region tree."""


def data_quality(conn: Connection, f) -> MarketDataQuality:
    stmt = select(func.count()).select_from(ent).where(_alive(f.period.as_of), ~_placeable(conn))
    return MarketDataQuality(unplaceable_entities=int(conn.execute(stmt).scalar_one()))
