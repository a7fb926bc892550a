"""Waived and reduced penalties 包容审慎 / 减免处罚 (metrics.md section 5).

Every figure is over enforcement cases with decided_on in P up to the as-of date. The county
of a case is its own region_code; its office is the office_code of its enterprise (a case
without an enterprise falls under 其他 when one county is grouped by office). A case whose
enterprise_id matches no enterprise is an orphan: it is dropped from every figure and counted
by `orphan_cases` for the data-quality notes. Money is summed in integer cents (exact).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from queries.periods import Filters, Period, month_end, shift_months
from queries.common import (
    between,
    bucket_index,
    cents_to_yuan,
    complete_keys,
    composed,
    count_if,
    orphan_count,
    region_key,
    regions_in_scope,
    scope_conditions,
    sum_cents,
    with_total,
)
from queries.schema import enforcement_cases as cases
from queries.schema import enterprises

CATEGORIES = ("aggravated", "general", "lighter", "mitigated", "summary", "minor_exempt", "first_offense_exempt")
EXEMPT = ("minor_exempt", "first_offense_exempt")
"""免罚: 轻微免罚 + 首违不罚."""
REDUCED = ("lighter", "mitigated")
"""从轻减轻: 从轻 + 减轻."""
AGGRAVATED = ("aggravated",)
"""从重."""
WAIVED = REDUCED + EXEMPT
"""The categories whose (base_fine − fine_amount) makes up 减免处罚金额."""

TREND_MONTHS = 12

_case_enterprise = cases.outerjoin(enterprises, enterprises.c.id == cases.c.enterprise_id)

MEASURE_COLUMNS = [
    "exempt_count",
    "reduced_count",
    "aggravated_count",
    "case_count",
    "waived_yuan",
    "aggravated_fines_yuan",
    "fines_yuan",
    "negative_waived_count",
]
"""The counts and exact sums (Decimal yuan) every breakdown returns, in this order."""


def _case_conditions(f: Filters) -> list[ColumnElement]:
    """Cases decided in P up to as-of, in the filter's regions, without orphan enterprise ids."""
    return [
        between(cases.c.decided_on, f.period.start, f.period.as_of),
        *scope_conditions(f, cases.c.region_code, enterprises.c.office_code),
        or_(cases.c.enterprise_id.is_(None), enterprises.c.id.is_not(None)),
    ]


def _measures(rows) -> list[ColumnElement]:
    """MEASURE_COLUMNS as aggregates over `rows` (a subquery with category, base_fine, fine_amount)."""
    category, base_fine, fine_amount = rows.c.category, rows.c.base_fine, rows.c.fine_amount
    waived_term = case((category.in_(WAIVED), base_fine - fine_amount), else_=literal(0))
    aggravated_fine = case((category.in_(AGGRAVATED), fine_amount), else_=literal(0))
    return [
        count_if(category.in_(EXEMPT)).label("exempt_count"),
        count_if(category.in_(REDUCED)).label("reduced_count"),
        count_if(category.in_(AGGRAVATED)).label("aggravated_count"),
        func.count().label("case_count"),
        sum_cents(waived_term).label("waived_cents"),
        sum_cents(aggravated_fine).label("aggravated_fines_cents"),
        sum_cents(fine_amount).label("fines_cents"),
        count_if(and_(category.in_(WAIVED), base_fine < fine_amount)).label("negative_waived_count"),
    ]


def _grouped(conn: Connection, f: Filters, key: ColumnElement | None) -> pd.DataFrame:
    """One row per value of `key` among the cases of P (one row in all when key is None):
    key, then MEASURE_COLUMNS.

    The key is computed in a subquery and grouped on outside, so no dialect has to match a
    GROUP BY expression holding bound parameters against the select list.
    """
    columns = [cases.c.category, cases.c.base_fine, cases.c.fine_amount]
    rows = (
        select(*columns, *([key.label("key")] if key is not None else []))
        .select_from(_case_enterprise)
        .where(*_case_conditions(f))
        .subquery("period_cases")
    )
    stmt = select(rows.c.key, *_measures(rows)).group_by(rows.c.key) if key is not None else select(*_measures(rows))
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in [c for c in frame.columns if c.endswith("_cents")]:
        frame[column.removesuffix("_cents") + "_yuan"] = [cents_to_yuan(v) for v in frame[column]]
    for column in [c for c in MEASURE_COLUMNS if c.endswith("_count")]:
        frame[column] = [int(v) for v in frame[column]]
    return frame[(["key"] if key is not None else []) + MEASURE_COLUMNS]


@dataclass(frozen=True)
class PenaltySummary:
    """The headline figures of section 5 over P (money as exact Decimal yuan)."""

    exempt_count: int
    reduced_count: int
    aggravated_count: int
    case_count: int
    waived_yuan: Decimal
    aggravated_fines_yuan: Decimal
    fines_yuan: Decimal
    negative_waived_count: int


def cases_by_category(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per case category (the 7 of the schema in CATEGORIES order, zeros included, then
    any unknown code). category, then MEASURE_COLUMNS; waived_yuan is 0 outside WAIVED."""
    return complete_keys(_grouped(conn, f, cases.c.category), list(CATEGORIES), "category", MEASURE_COLUMNS)


def penalty_summary(conn: Connection, f: Filters) -> PenaltySummary:
    """The headline figures: 免罚, 从轻减轻 and 从重 counts, 减免处罚金额, 从重罚没, 罚没款合计."""
    row = _grouped(conn, f, None).to_dict("records")[0]
    return PenaltySummary(**{column: row[column] for column in MEASURE_COLUMNS})


def cases_by_region(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per region: each county in scope, or, when one county is chosen, each of its
    offices (only the chosen one under an office filter) and 其他 when it has cases.
    region_code (OTHER = "other" for 其他), then MEASURE_COLUMNS."""
    key = region_key(f, cases.c.region_code, enterprises.c.office_code)
    return complete_keys(_grouped(conn, f, key), regions_in_scope(conn, f), "region_code", MEASURE_COLUMNS)


@composed
def cases_by_region_with_total(run, f: Filters) -> pd.DataFrame:
    """`cases_by_region` and, last, their total (region_code TOTAL): the 合计 row, exact in yuan."""
    return with_total(run(cases_by_region, f))


def cases_by_violation_type(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per violation_type with cases in P, largest 减免处罚金额 first.
    violation_type, then MEASURE_COLUMNS."""
    frame = _grouped(conn, f, cases.c.violation_type).rename(columns={"key": "violation_type"})
    rows = sorted(frame.to_dict("records"), key=lambda r: (-r["waived_yuan"], -r["case_count"], r["violation_type"]))
    return pd.DataFrame(rows, columns=frame.columns)


def trend_months(f: Filters) -> list[tuple[date, date]]:
    """The trend's buckets: the 12 calendar months up to P.end's month, each clipped to the
    as-of date; months that start after the as-of date are left out (no data yet)."""
    last = f.period.end.replace(day=1)
    starts = [shift_months(last, offset) for offset in range(1 - TREND_MONTHS, 1)]
    return [(start, min(month_end(start), f.period.as_of)) for start in starts if start <= f.period.as_of]


def monthly_trend(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per month of `trend_months(f)` (zeros included), oldest first.
    month_start, month_end (clipped to as-of), then MEASURE_COLUMNS."""
    buckets = trend_months(f)
    if not buckets:
        return pd.DataFrame(columns=["month_start", "month_end", *MEASURE_COLUMNS])
    window = replace(f, period=Period(buckets[0][0], buckets[-1][1], buckets[-1][1]))
    grouped = _grouped(conn, window, bucket_index(cases.c.decided_on, buckets))
    frame = complete_keys(grouped, list(range(len(buckets))), "bucket", MEASURE_COLUMNS)
    frame.insert(0, "month_start", [buckets[int(i)][0] for i in frame["bucket"]])
    frame.insert(1, "month_end", [buckets[int(i)][1] for i in frame["bucket"]])
    return frame.drop(columns="bucket").reset_index(drop=True)


@composed
def orphan_cases(run, f: Filters) -> int:
    """Cases decided in P (in the filter's counties) whose enterprise_id matches no enterprise.

    They are left out of every figure on the page (their office is unknown); an office filter
    does not narrow this count, because an orphan's office cannot be known. Counted only when
    the data check of the whole table (quality.table_faults, which the page runs too) found
    orphan cases at all; otherwise there are none in P either, and no second anti-join runs.
    """
    from queries.quality import orphans_found

    return run(orphan_cases_in_period, f) if orphans_found(run, f.data_date, "enforcement_cases") else 0


def orphan_cases_in_period(conn: Connection, f: Filters) -> int:
    """`orphan_cases` counted: P's cases in the filter's counties without their enterprise."""
    county_only = replace(f, office=None)
    return orphan_count(
        conn,
        cases.c.enterprise_id,
        enterprises.c.id,
        between(cases.c.decided_on, f.period.start, f.period.as_of),
        *scope_conditions(county_only, cases.c.region_code),
    )
