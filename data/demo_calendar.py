"""China's statutory holidays and 调休 make-up working days, from the `holidays` package.

`holidays` (0.108) models the State Council's yearly notices for 2001–2026: its China calendar
returns the days off (statutory days and the weekdays moved by 调休) and records the weekend days
worked instead in `weekend_workdays`. For a year whose notice is not yet in the package it only
*estimates* the days off and has no make-up days; such a year is left out of the table, so the
dashboard falls back to Monday–Friday for it and says so (metrics.md's data-quality note),
rather than trusting a guess.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np

EPOCH = date(1970, 1, 1)


def _china(years: list[int]):
    return holidays.country_holidays("CN", years=years)


def official_years(years: range | list[int]) -> list[int]:
    """The years among `years` whose official schedule (with make-up working days) the package has."""
    calendar = _china(list(years))
    with_makeup_days = {d.year for d in calendar.weekend_workdays}
    return [y for y in years if y in with_makeup_days]


def workday_adjustments(years: range | list[int]) -> list[tuple[date, bool]]:
    """Rows for `workday_adjustments`, sorted by day: (day, is_workday).

    Every official day off of the covered years is a row with is_workday False (weekend ones
    too, as the contract asks), and every weekend day worked instead is a row with True.
    """
    covered = official_years(years)
    if not covered:
        return []
    calendar = _china(covered)
    rows = {d: False for d in calendar if d.year in covered}
    rows.update({d: True for d in calendar.weekend_workdays if d.year in covered})
    return sorted(rows.items())


class WorkCalendar:
    """Working days over a span of day numbers: Monday–Friday, overridden by adjustment rows."""

    def __init__(self, first: int, last: int, adjustments: list[tuple[date, bool]]):
        self.first = first
        days = np.arange(first, last + 1)
        # 1970-01-01 was a Thursday: weekday index (Monday = 0) is (n + 3) % 7.
        is_workday = (days + 3) % 7 < 5
        for d, working in adjustments:
            n = (d - EPOCH).days
            if first <= n <= last:
                is_workday[n - first] = working
        self.is_workday_arr = is_workday
        self.cumulative = np.cumsum(is_workday)
        self.last = last

    def _index(self, days) -> np.ndarray:
        idx = np.asarray(days, dtype=np.int64) - self.first
        if idx.size and (idx.min() < 0 or idx.max() > self.last - self.first - 200):
            raise ValueError("day outside the work calendar's span")
        return idx

    def is_workday(self, days) -> np.ndarray:
        """Boolean array: is each day a working day."""
        return self.is_workday_arr[self._index(days)]

    def add_workdays(self, days, n) -> np.ndarray:
        """The n-th working day after each day (the day itself not counted), n >= 1."""
        idx = self._index(days)
        target = self.cumulative[idx] + np.asarray(n, dtype=np.int64)
        return np.searchsorted(self.cumulative, target, side="left") + self.first

    def roll_forward(self, days) -> np.ndarray:
        """Each day, or the next working day when it is not one."""
        days = np.asarray(days, dtype=np.int64)
        return np.where(self.is_workday(days), days, self.add_workdays(days, 1))

    def roll_back(self, days) -> np.ndarray:
        """Each day, or the previous working day when it is not one."""
        idx = self._index(days)
        # cumulative[idx] counts working days up to and including idx; the last working day at
        # or before idx is where that count was first reached.
        return np.searchsorted(self.cumulative, self.cumulative[idx], side="left") + self.first


def calendar_for(first_year: int, last_year: int) -> WorkCalendar:
    """A WorkCalendar from 1 January of `first_year` to five years after `last_year` (headroom for
    deadlines), with the official adjustments of `first_year`..`last_year`."""
    adjustments = workday_adjustments(range(first_year, last_year + 1))
    first = (date(first_year, 1, 1) - EPOCH).days
    last = (date(last_year + 5, 12, 31) - EPOCH).days
    return WorkCalendar(first, last, adjustments)


def to_date(n: int) -> date:
    """Date of a day number."""
    return EPOCH + timedelta(days=int(n))
