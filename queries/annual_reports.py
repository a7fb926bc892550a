"""年报公示率 (metrics.md section 6): the latest report year's filing rate, by region.

Report year Y = year of the as-of date − 1; its season runs to the 30 June deadline of Y+1 and
later filings still count (shown as late). The headline is compared with the season before at
the same point (as-of − 1 year), whatever comparison the filter chose, so every function takes
`previous`: False for Y at the as-of date, True for Y − 1 at as-of − 1 year.
A region is the enterprise's county (or office when one county is chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from queries.periods import Filters, month_end, shift_months, shift_years
from queries.common import TOTAL, bucket_index, composed, count_if, orphan_count, region_key, scope_conditions, with_total
from queries.schema import annual_reports, enterprises



@dataclass(frozen=True)
class Season:
    """A report year and the date its filings are counted up to."""

    report_year: int
    as_of: date

    @property
    def deadline(self) -> date:
        """30 June of the following year (legal deadline; later filings are late)."""
        return date(self.report_year + 1, 6, 30)


def season(f: Filters, previous: bool = False) -> Season:
    """The season shown for `f` (previous=True: the season before, at as-of − 1 year)."""
    as_of = shift_years(f.period.as_of, -1) if previous else f.period.as_of
    return Season(report_year=as_of.year - 1, as_of=as_of)


def _required_where(f: Filters, current: Season) -> list:
    """The register conditions of a required enterprise (metrics.md section 6) in the filter's regions."""
    return [
        enterprises.c.registered_on <= date(current.report_year, 12, 31),
        or_(enterprises.c.deregistered_on.is_(None), enterprises.c.deregistered_on > current.as_of),
        *scope_conditions(f, enterprises.c.region_code, enterprises.c.office_code),
    ]


def _required_counts(f: Filters, current: Season):
    """Required enterprises per region: a scan of the register alone (no report probed).

    Columns: region_code, required_count.
    """
    region = region_key(f, enterprises.c.region_code, enterprises.c.office_code)
    return (
        select(region.label("region_code"), func.count().label("required_count"))
        .where(*_required_where(f, current))
        .group_by(region)
    )


def _season_reports(*columns, f: Filters, current: Season):
    """SELECT `columns` FROM the season's reports filed by the as-of date, joined to their required
    enterprise (the shared FROM and WHERE of `_filed_counts` and `_filed_by_month`)."""
    return (
        select(*columns)
        .select_from(annual_reports.join(enterprises, enterprises.c.id == annual_reports.c.enterprise_id))
        .where(annual_reports.c.report_year == current.report_year, annual_reports.c.submitted_on <= current.as_of,
               *_required_where(f, current))
    )


def _filed_columns(ends: list[date]) -> list[str]:
    return ["region_code", "submitted_count", "late_count", *[f"filed_{i}" for i in range(len(ends))]]


def _filed_counts(f: Filters, current: Season, ends: list[date]):
    """The season's reports filed by the as-of date, joined to their required enterprise, per region.

    Driven from the reports of the one report year (the primary key makes one report per
    enterprise and year), so no enterprise is probed for a report it does not have.
    Columns: region_code, submitted_count, late_count, filed_0..filed_n (filed by each month end).
    """
    region = region_key(f, enterprises.c.region_code, enterprises.c.office_code)
    submitted = annual_reports.c.submitted_on
    return _season_reports(
        region.label("region_code"),
        func.count().label("submitted_count"),
        count_if(submitted > current.deadline).label("late_count"),
        *[count_if(submitted <= end).label(f"filed_{i}") for i, end in enumerate(ends)],
        f=f, current=current,
    ).group_by(region)


def _filed_by_month(conn: Connection, f: Filters, current: Season, ends: list[date]) -> pd.DataFrame:
    """`_filed_counts`' frame from the reports counted per region and month of filing, summed
    here: SQLite evaluates every conditional count of a row, and a dozen of them (one per month
    end) were 40 % of the statement (0.45 → 0.33 s at scale 1); the month is one CASE that stops
    at the first match. DuckDB is faster with the counts (a larger grouping costs it more).

    Late = filed after 30 June of Y+1: that date is one of `ends` once the as-of date has passed
    it (a month end), and before that no filing can be late."""
    region = region_key(f, enterprises.c.region_code, enterprises.c.office_code)
    month = bucket_index(annual_reports.c.submitted_on, list(zip([date.min, *ends[:-1]], ends)))
    stmt = _season_reports(region.label("region_code"), month.label("month"), func.count().label("n"),
                           f=f, current=current).group_by(region, month)
    counts: dict[str, list[int]] = {}
    unplaced: dict[str, int] = {}  # a text that is no date (SQLite stores any): filed, in no month
    for region_code, index, n in conn.execute(stmt):
        counts.setdefault(region_code, [0] * len(ends))
        if index is None:
            unplaced[region_code] = unplaced.get(region_code, 0) + int(n)
        else:
            counts[region_code][int(index)] += int(n)
    late_from = ends.index(current.deadline) + 1 if current.deadline in ends else len(ends)
    rows = [
        {"region_code": code, "submitted_count": sum(months) + unplaced.get(code, 0), "late_count": sum(months[late_from:]),
         **{f"filed_{i}": sum(months[: i + 1]) for i in range(len(ends))}}
        for code, months in counts.items()
    ]
    return pd.DataFrame(rows, columns=_filed_columns(ends))


@dataclass(frozen=True)
class SeasonFigures:
    """A filing season's figures from one scan of the enterprises: `by_region` (see
    annual_report_by_region) and `progress` (see annual_report_progress)."""

    by_region: pd.DataFrame
    progress: pd.DataFrame


COUNTS = ["required_count", "submitted_count", "late_count"]


def annual_report_season(conn: Connection, f: Filters, previous: bool = False) -> SeasonFigures:
    """The season's rate by region and its month-by-month progress, from two grouped queries.

    The required enterprises are counted from the register alone and the filed ones from the
    season's reports joined to the register (a province has millions of both), so the page asks
    for both views at once rather than scanning twice per season.
    """
    current = season(f, previous)
    ends = season_month_ends(current)
    filed = [f"filed_{i}" for i in range(len(ends))]
    required = pd.DataFrame(conn.execute(_required_counts(f, current)).all(), columns=["region_code", "required_count"])
    if conn.dialect.name == "sqlite":
        reports = _filed_by_month(conn, f, current, ends)
    else:
        reports = pd.DataFrame(conn.execute(_filed_counts(f, current, ends)).all(), columns=_filed_columns(ends))
    # Every filed report belongs to a required enterprise (same register conditions), so a
    # region with reports always has a register row: the left merge loses nothing.
    frame = required.merge(reports, on="region_code", how="left")
    frame[COUNTS + filed] = frame[COUNTS + filed].fillna(0).astype(int)
    by_region = frame[["region_code", *COUNTS]].sort_values("region_code", kind="stable", ignore_index=True)
    by_region.insert(1, "report_year", current.report_year)
    progress = pd.DataFrame(
        {
            "month": [end.month for end in ends],
            "counted_to": pd.Series(ends, dtype=object),
            "submitted_count": [int(frame[column].sum()) for column in filed],
            "required_count": int(frame["required_count"].sum()),
        }
    )
    return SeasonFigures(by_region=by_region, progress=progress)


@composed
def annual_report_by_region(run, f: Filters, previous: bool = False) -> pd.DataFrame:
    """One row per region. region_code, report_year, required_count (denominator),
    submitted_count (numerator), late_count (of the submitted, filed after 30 June of Y+1)."""
    return run(annual_report_season, f, previous).by_region


@composed
def annual_report_rate_parts(run, f: Filters, previous: bool = False) -> pd.DataFrame:
    """For the overview: one row per region, then the total of the filter's scope (region_code
    TOTAL; the city when no county is chosen), each with the rate's numerator and denominator;
    the lists page's headline is the TOTAL row too.
    region_code, report_year, submitted_count (numerator), required_count (denominator), late_count.
    (Made of `annual_report_season`, so the overview and the lists page share one scan.)"""
    by_region = run(annual_report_season, f, previous).by_region
    frame = with_total(by_region, constants={"report_year": season(f, previous).report_year})
    return frame[["region_code", "report_year", "submitted_count", "required_count", "late_count"]]


def season_month_ends(current: Season) -> list[date]:
    """The last day of each month of the filing season (January of Y+1 on), up to the as-of date."""
    ends, day = [], date(current.report_year + 1, 1, 1)
    while day <= current.as_of:
        ends.append(min(month_end(day), current.as_of))
        day = shift_months(day, 1)
    return ends


@composed
def annual_report_progress(run, f: Filters, previous: bool = False) -> pd.DataFrame:
    """One row per month of the filing season up to the as-of month. month (1–12), counted_to
    (month end, or the as-of date), submitted_count (required enterprises filed by counted_to),
    required_count (at the as-of date, the headline's denominator)."""
    return run(annual_report_season, f, previous).progress


@composed
def annual_report_orphans(run, f: Filters) -> int:
    """Annual reports of the shown report year whose enterprise_id matches no enterprise.

    Asked only when the data check of the whole table (quality.table_faults, which every page
    showing these figures runs too) found orphans at all: otherwise the shown year has none
    either, and the second anti-join of millions of reports is not run."""
    from queries.quality import orphans_found

    return run(annual_report_year_orphans, f) if orphans_found(run, f.data_date, "annual_reports") else 0


def annual_report_year_orphans(conn: Connection, f: Filters) -> int:
    """`annual_report_orphans` counted: the shown year's reports without their enterprise."""
    return orphan_count(conn, annual_reports.c.enterprise_id, enterprises.c.id, annual_reports.c.report_year == season(f).report_year)
