"""经营异常名录 and 严重违法失信名单: inflow, outflow, stock, breakdowns, warning, credit repair.

Both lists share one implementation parametrised by `list_name` ("abnormal" | "serious");
definitions are metrics.md section 3. An entry's county is its own region_code; its office is
its enterprise's office_code. Entries whose enterprise is missing (orphans) are dropped from
every figure, so all figures on the page agree with each other, and counted in `list_quality`.

Stock and flows come from one grouped count: for boundary dates d_0 < d_1 < … < d_n, each entry
is placed by the position of its listed_on and removed_on among them (the first d_k on or after
the date). An entry is in stock at d_k when listed_pos <= k < removed_pos, entered in
(d_{k-1}, d_k] when listed_pos == k and left then when removed_pos == k — exactly the
definitions of metrics.md, evaluated from a few grouped rows instead of one query per date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Table, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from queries.periods import Filters, Period, month_end, shift_years, week_start
from queries.common import (
    between, composed, count_if, days_between, orphan_count, region_key, require_register, scope_conditions,
)
from queries.quality import register_join_needed
from queries.schema import abnormal_list_entries, enterprises, serious_violation_entries

LIST_TABLES: dict[str, Table] = {"abnormal": abnormal_list_entries, "serious": serious_violation_entries}
WEEKLY_MAX_DAYS = 91
"""A period of at most this many days is drawn per ISO week, a longer one per calendar month."""
CONTEXT_WEEKS = 13
"""A weekly series shows at least this many weeks up to P.end (earlier weeks as context)."""
WARNING_DAYS = 90
ELIGIBLE_YEARS = 3
DETAIL_LIMIT = 500


def _table(list_name: str) -> Table:
    if list_name not in LIST_TABLES:
        raise ValueError(f"unknown list {list_name!r}")
    return LIST_TABLES[list_name]


def _scoped(f: Filters, table: Table, join_register: bool = True):
    """(FROM clause, WHERE list): entries joined to their enterprise, within the filter's scope.

    Without `join_register` (see quality.register_join_needed) the entries are read alone, and
    only the join's other rule is kept: an entry without an enterprise_id is dropped."""
    require_register(f, join_register)
    if not join_register:
        return table, [table.c.enterprise_id.is_not(None), *scope_conditions(f, table.c.region_code)]
    joined = table.join(enterprises, table.c.enterprise_id == enterprises.c.id)
    return joined, scope_conditions(f, table.c.region_code, enterprises.c.office_code)



# --- stock and flows -------------------------------------------------------------------------

def _position(col, boundaries: Sequence[date]):
    """Index of the first boundary on or after `col`; len(boundaries) when none (or col NULL)."""
    whens = [(col <= day, literal(k)) for k, day in enumerate(boundaries)]
    return case(*whens, else_=literal(len(boundaries)))


def _position_counts(conn: Connection, f: Filters, table: Table, boundaries: Sequence[date],
                    join_register: bool = True) -> list[tuple[int, int, int]]:
    """(listed_pos, removed_pos, entry_count) of the entries listed by the last boundary."""
    joined, scope = _scoped(f, table, join_register)
    placed = (
        select(
            _position(table.c.listed_on, boundaries).label("listed_pos"),
            _position(table.c.removed_on, boundaries).label("removed_pos"),
        )
        .select_from(joined)
        .where(table.c.listed_on <= boundaries[-1], *scope)
        .subquery()
    )
    stmt = select(placed.c.listed_pos, placed.c.removed_pos, func.count().label("entry_count")).group_by(
        placed.c.listed_pos, placed.c.removed_pos
    )
    return [(int(lp), int(rp), int(n)) for lp, rp, n in conn.execute(stmt)]


def _stock_at(counts, k: int) -> int:
    return sum(n for listed_pos, removed_pos, n in counts if listed_pos <= k < removed_pos)


def _listed_in(counts, k: int) -> int:
    return sum(n for listed_pos, _, n in counts if listed_pos == k)


def _removed_in(counts, k: int) -> int:
    return sum(n for _, removed_pos, n in counts if removed_pos == k)


@dataclass(frozen=True)
class ListFlows:
    """Headline figures of one list for a period (everything up to its as-of date)."""

    opening_stock: int
    """Stock at P.start − 1."""
    inflow: int
    outflow: int
    closing_stock: int
    """Stock at the as-of date (the figure "at P.end")."""

    @property
    def net(self) -> int:
        return self.inflow - self.outflow

    @property
    def identity_holds(self) -> bool:
        """Stock(end) = Stock(start − 1) + inflow − outflow (fails only on rows removed before listed)."""
        return self.closing_stock == self.opening_stock + self.inflow - self.outflow


@composed
def list_flows(run, f: Filters, list_name: str) -> ListFlows:
    """Opening stock, inflow, outflow and closing stock of a list over f.period (list_flows_counts,
    joining the register only where a figure needs it)."""
    return run(list_flows_counts, f, list_name, register_join_needed(run, f, _table(list_name).name))


def list_flows_counts(conn: Connection, f: Filters, list_name: str, join_register: bool = True) -> ListFlows:
    """Opening stock, inflow, outflow and closing stock of a list over f.period."""
    period = f.period
    counts = _position_counts(conn, f, _table(list_name), (period.start - timedelta(days=1), period.as_of), join_register)
    return ListFlows(
        opening_stock=_stock_at(counts, 0),
        inflow=_listed_in(counts, 1),
        outflow=_removed_in(counts, 1),
        closing_stock=_stock_at(counts, 1),
    )


# --- series ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    """One bar of the series: [start, end], whether it lies in P, and the last day counted."""

    start: date
    end: date
    in_period: bool
    counted_to: date


def _month_cuts(start: date, end: date) -> list[date]:
    cuts, day = [start], month_end(start) + timedelta(days=1)
    while day <= end:
        cuts.append(day)
        day = month_end(day) + timedelta(days=1)
    return cuts


def series_buckets(period: Period) -> list[Bucket]:
    """The buckets of the series of a period (metrics.md section 3, "Series").

    P of at most 91 days: ISO weeks. Since 上周 alone is one bar, the series starts early enough
    to show CONTEXT_WEEKS weeks ending with P.end's week; the weeks before P are context
    (in_period False), and the week holding P.start is split there so that P's buckets are
    clipped to P. Longer P: calendar months clipped to P, no context. Buckets wholly after the
    as-of date are left out; a bucket running past it is counted up to it.
    """
    if period.days <= WEEKLY_MAX_DAYS:
        first = min(period.start, week_start(period.end) - timedelta(weeks=CONTEXT_WEEKS - 1))
        mondays = [first + timedelta(days=i) for i in range((period.end - first).days + 1)]
        cuts = sorted({first, period.start} | {day for day in mondays if day.weekday() == 0})
    else:
        cuts = _month_cuts(period.start, period.end)
    ends = [day - timedelta(days=1) for day in cuts[1:]] + [period.end]
    return [
        Bucket(start, end, start >= period.start, min(end, period.as_of))
        for start, end in zip(cuts, ends)
        if start <= period.as_of
    ]


@composed
def list_series(run, f: Filters, list_name: str) -> pd.DataFrame:
    """See list_series_counts, which this asks joining the register only where a figure needs it."""
    return run(list_series_counts, f, list_name, register_join_needed(run, f, _table(list_name).name))


def list_series_counts(conn: Connection, f: Filters, list_name: str, join_register: bool = True) -> pd.DataFrame:
    """One row per bucket (series_buckets). bucket_start, bucket_end, counted_to, in_period,
    inflow, outflow, stock (at counted_to); attrs["opening_stock"] = stock the day before."""
    buckets = series_buckets(f.period)
    boundaries = [buckets[0].start - timedelta(days=1)] + [b.counted_to for b in buckets]
    counts = _position_counts(conn, f, _table(list_name), boundaries, join_register)
    frame = pd.DataFrame(
        [
            {
                "bucket_start": b.start,
                "bucket_end": b.end,
                "counted_to": b.counted_to,
                "in_period": b.in_period,
                "inflow": _listed_in(counts, k),
                "outflow": _removed_in(counts, k),
                "stock": _stock_at(counts, k),
            }
            for k, b in enumerate(buckets, start=1)
        ]
    )
    frame.attrs["opening_stock"] = _stock_at(counts, 0)
    return frame


# --- breakdowns ------------------------------------------------------------------------------

def _flow_counts(conn: Connection, f: Filters, table: Table, flow: str) -> pd.DataFrame:
    date_col, reason_col = (
        (table.c.listed_on, table.c.listing_reason) if flow == "inflow" else (table.c.removed_on, table.c.removal_reason)
    )
    joined, scope = _scoped(f, table)
    keyed = (
        select(
            region_key(f, table.c.region_code, enterprises.c.office_code).label("region_code"),
            reason_col.label("reason"),
        )
        .select_from(joined)
        .where(between(date_col, f.period.start, f.period.as_of), *scope)
        .subquery()
    )
    stmt = select(keyed.c.region_code, keyed.c.reason, func.count().label("entry_count")).group_by(
        keyed.c.region_code, keyed.c.reason
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["region_code", "reason", "entry_count"])
    return frame.assign(flow=flow, entry_count=frame["entry_count"].astype(int))


def list_breakdown(conn: Connection, f: Filters, list_name: str) -> pd.DataFrame:
    """One row per flow, region and reason over P. flow ("inflow": by listing_reason,
    "outflow": by removal_reason, NULL as None), region_code (county, office or "other"), reason, entry_count."""
    table = _table(list_name)
    frames = [_flow_counts(conn, f, table, flow) for flow in ("inflow", "outflow")]
    return pd.concat(frames, ignore_index=True)[["flow", "region_code", "reason", "entry_count"]]


# --- three-year warning (abnormal list only) -------------------------------------------------

def anniversary(listed_on: date) -> date:
    """The day an abnormal-list entry has been listed three years (29 Feb → 28 Feb)."""
    return shift_years(listed_on, ELIGIBLE_YEARS)


def latest_listing_eligible_by(day: date) -> date:
    """The last listed_on whose anniversary is on or before `day`.

    anniversary() never decreases, so "anniversary <= day" is exactly "listed_on <= this date".
    shift_years(day, −3) is it, except when the next day (a 29 Feb) also maps on or before `day`.
    """
    candidate = shift_years(day, -ELIGIBLE_YEARS)
    following = candidate + timedelta(days=1)
    return following if anniversary(following) <= day else candidate


@dataclass(frozen=True)
class ThreeYearWarning:
    """Entries reaching three years within WARNING_DAYS: the first DETAIL_LIMIT rows and the counts."""

    rows: pd.DataFrame
    total_count: int
    passed_count: int


def three_year_warning(conn: Connection, f: Filters, limit: int = DETAIL_LIMIT) -> ThreeYearWarning:
    """Abnormal-list entries in stock at the as-of date whose anniversary is at most 90 days ahead.

    rows: one row per entry, 已届满 first, each group by anniversary then listed_on. entry_id,
    enterprise_name, uscc, region_code, office_code, listing_reason, listed_on, eligible_on,
    is_passed, days (days since the anniversary, counting it, when passed; else days remaining).
    """
    table, as_of = abnormal_list_entries, f.period.as_of
    joined, scope = _scoped(f, table)
    in_warning = [
        table.c.listed_on <= latest_listing_eligible_by(as_of + timedelta(days=WARNING_DAYS)),
        or_(table.c.removed_on.is_(None), table.c.removed_on > as_of),
        *scope,
    ]
    passed = table.c.listed_on <= latest_listing_eligible_by(as_of)
    total, passed_total = conn.execute(
        select(func.count().label("total_count"), count_if(passed).label("passed_count"))
        .select_from(joined)
        .where(*in_warning)
    ).one()
    stmt = (
        select(
            table.c.id.label("entry_id"),
            enterprises.c.name.label("enterprise_name"),
            enterprises.c.uscc,
            table.c.region_code,
            enterprises.c.office_code,
            table.c.listing_reason,
            table.c.listed_on,
        )
        .select_from(joined)
        .where(*in_warning)
        .order_by(table.c.listed_on, table.c.id)
        .limit(limit)
    )
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=list(stmt.selected_columns.keys()))
    eligible = [anniversary(day) for day in rows["listed_on"]]
    rows["eligible_on"] = pd.Series(eligible, dtype=object)
    rows["is_passed"] = [day <= as_of for day in eligible]
    rows["days"] = [(as_of - day).days + 1 if day <= as_of else (day - as_of).days for day in eligible]
    return ThreeYearWarning(rows=rows, total_count=int(total), passed_count=int(passed_total))


# --- credit repair ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CreditRepair:
    """Removals by credit repair in P and the median days from listing to removal (None if none)."""

    count: int
    median_days: float | None


def median_of_distribution(distribution: Sequence[tuple[int, int]]) -> float | None:
    """Median of values given as (value, how many); the mean of the two middle ones for an even count."""
    ordered = sorted((int(v), int(n)) for v, n in distribution if n)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    middle = ((total - 1) // 2, total // 2)
    picked, seen = [], 0
    for value, n in ordered:
        picked += [value for position in middle if seen <= position < seen + n]
        seen += n
    return sum(picked) / 2


def credit_repair(conn: Connection, f: Filters, list_name: str) -> CreditRepair:
    """Count of removals by credit repair in P and the median of removed_on − listed_on in days."""
    table = _table(list_name)
    joined, scope = _scoped(f, table)
    days = days_between(table.c.removed_on, table.c.listed_on).label("days_listed")
    stmt = (
        select(days, func.count().label("entry_count"))
        .select_from(joined)
        .where(table.c.removal_reason == "credit_repair", between(table.c.removed_on, f.period.start, f.period.as_of), *scope)
        .group_by(days)
    )
    distribution = [(int(d), int(n)) for d, n in conn.execute(stmt)]
    return CreditRepair(count=sum(n for _, n in distribution), median_days=median_of_distribution(distribution))


# --- data quality ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ListQuality:
    """Rows left out of or distorting the figures (shown as data-quality notes)."""

    orphan_count: int
    """Entries of the chosen counties whose enterprise_id matches no enterprise (dropped)."""
    removed_before_listed_count: int
    """Entries with removed_on earlier than listed_on (they can break the stock identity)."""


@composed
def list_quality(run, f: Filters, list_name: str) -> ListQuality:
    """See list_quality_counts: without orphans in the whole list (its data check) there are none
    in the counties either, and the register is joined only where the office needs it."""
    return run(list_quality_counts, f, list_name, register_join_needed(run, f, _table(list_name).name))


def list_quality_counts(conn: Connection, f: Filters, list_name: str, join_register: bool = True) -> ListQuality:
    """Data-quality counts of a list within the filter's counties (office: only for the second
    count); `join_register` False only when the list has no orphans (quality.register_join_needed)."""
    table = _table(list_name)
    county_scope = [table.c.region_code.in_(f.counties)] if f.counties else []
    joined, scope = _scoped(f, table, join_register)
    inverted = conn.execute(
        select(func.count().label("inverted_count")).select_from(joined).where(table.c.removed_on < table.c.listed_on, *scope)
    ).scalar_one()
    orphans = orphan_count(conn, table.c.enterprise_id, enterprises.c.id, *county_scope) if join_register else 0
    return ListQuality(orphan_count=orphans, removed_before_listed_count=int(inverted))
