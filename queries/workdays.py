"""The working-day calendar: Monday–Friday, overridden by `workday_adjustments` when it exists.

The calendar is computed in Python from the adjustment rows of the years needed (a few dozen
rows a year), so no dialect's date functions are involved. A year "is covered" when the table
holds at least one row dated in it (the State Council publishes a year's holidays and 调休
make-up days at once); for an uncovered year Monday–Friday is used and the page says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import false, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from queries.common import between
from queries.schema import workday_adjustments

ONE_DAY = timedelta(days=1)


def has_adjustments_table(conn: Connection) -> bool:
    """Whether the optional workday_adjustments table exists (a `WHERE 1 = 0` probe, no reflection).

    The probe runs on its own connection: a failed statement aborts the caller's transaction on
    PostgreSQL and DuckDB, and DuckDB has no savepoints.
    """
    try:
        with conn.engine.connect() as probe:
            probe.execute(select(workday_adjustments.c.day).where(false())).all()
    except DBAPIError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of the years `first_year`..`last_year` (asking about another year is an error)."""

    first_year: int
    last_year: int
    adjustments: Mapping[date, bool]
    covered_years: frozenset[int]
    has_table: bool

    def is_workday(self, day: date) -> bool:
        """Monday–Friday, unless an adjustment row says otherwise for that day."""
        if not self.first_year <= day.year <= self.last_year:
            raise ValueError(f"{day} is outside the loaded calendar {self.first_year}–{self.last_year}")
        return self.adjustments.get(day, day.weekday() < 5)

    def add_workdays(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself not counted), count >= 1."""
        found = 0
        while found < count:
            day += ONE_DAY
            found += self.is_workday(day)
        return day

    def last_start_reaching_by(self, end: date, count: int) -> date:
        """The latest day x with add_workdays(x, count) <= end.

        add_workdays(x, count) <= end means at least `count` working days in (x, end], i.e. x lies
        before the count-th working day counted backwards from `end` (inclusive).
        """
        found = 0
        day = end
        while True:
            found += self.is_workday(day)
            if found == count:
                return day - ONE_DAY
            day -= ONE_DAY

    def first_start_reaching_from(self, start: date, count: int) -> date:
        """The earliest day x with add_workdays(x, count) >= start (add_workdays is monotonic in x)."""
        return self.last_start_reaching_by(start - ONE_DAY, count) + ONE_DAY

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """The years among `years` the adjustments table does not cover (Monday–Friday used)."""
        return sorted({year for year in years if year not in self.covered_years})


def load_calendar(conn: Connection, first: date, last: date) -> WorkCalendar:
    """The calendar of the whole years from `first` to `last`, from workday_adjustments when present."""
    first_year, last_year = first.year, last.year
    adjustments: dict[date, bool] = {}
    present = has_adjustments_table(conn)
    if present:
        stmt = select(workday_adjustments.c.day, workday_adjustments.c.is_workday).where(
            between(workday_adjustments.c.day, date(first_year, 1, 1), date(last_year, 12, 31))
        )
        adjustments = {day: bool(is_workday) for day, is_workday in conn.execute(stmt)}
    return WorkCalendar(
        first_year=first_year,
        last_year=last_year,
        adjustments=adjustments,
        covered_years=frozenset(day.year for day in adjustments),
        has_table=present,
    )
