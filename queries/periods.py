"""Periods, presets and comparison periods of metrics.md ("The filter every page shares").

Pure date arithmetic, no streamlit and no database, so every rule is unit-tested directly.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
"""Beijing time: the data date and "today" are Beijing dates whatever the server clock says."""

PRESETS = (
    "last_week",
    "week_to_date",
    "last_month",
    "month_to_date",
    "last_quarter",
    "quarter_to_date",
    "year_to_date",
    "custom",
)
DEFAULT_PRESET = "last_week"
COMPARISONS = ("previous", "year_ago")
DEFAULT_COMPARISON = "previous"

PRESET_LABELS = {
    "last_week": "上周",
    "week_to_date": "本周至今",
    "last_month": "上月",
    "month_to_date": "本月至今",
    "last_quarter": "上季度",
    "quarter_to_date": "本季度至今",
    "year_to_date": "本年至今",
    "custom": "自定义",
}
COMPARISON_LABELS = {"previous": "环比", "year_ago": "同比"}

# A 至今 preset whose unit has no complete day of data yet shows the previous whole unit.
_TO_DATE_FALLBACK = {
    "week_to_date": "last_week",
    "month_to_date": "last_month",
    "quarter_to_date": "last_quarter",
}


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] and its as-of date min(end, data date)."""

    start: date
    end: date
    as_of: date

    @property
    def days(self) -> int:
        """Number of calendar days in [start, end]."""
        return (self.end - self.start).days + 1

    @property
    def is_complete(self) -> bool:
        """True when the data covers the whole period."""
        return self.as_of >= self.end

    @property
    def has_data(self) -> bool:
        """False when the period starts after the data date (nothing is computed)."""
        return self.as_of >= self.start


def data_date_from_refreshed(refreshed_at: str) -> date:
    """The data date: the day before refreshed_at's Beijing calendar date (no offset = Beijing)."""
    stamp = datetime.fromisoformat(refreshed_at.strip().replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=BEIJING)
    return stamp.astimezone(BEIJING).date() - timedelta(days=1)


def shift_months(day: date, months: int) -> date:
    """`day` moved by whole months; a day that does not exist becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift_years(day: date, years: int) -> date:
    """`day` moved by whole years (29 Feb → 28 Feb)."""
    return shift_months(day, 12 * years)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    return month_end(shift_months(quarter_start(day), 2))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def preset_range(preset: str, today: date, data_date: date) -> tuple[date, date, str, bool]:
    """(start, end, effective preset, fell back) of a preset.

    A 至今 unit with no complete day of data yet falls back to the previous whole unit.
    """
    if preset == "last_week":
        start = week_start(today) - timedelta(days=7)
        return start, start + timedelta(days=6), preset, False
    if preset == "last_month":
        start = shift_months(month_start(today), -1)
        return start, month_end(start), preset, False
    if preset == "last_quarter":
        start = shift_months(quarter_start(today), -3)
        return start, quarter_end(start), preset, False
    unit_start = {
        "week_to_date": week_start,
        "month_to_date": month_start,
        "quarter_to_date": quarter_start,
        "year_to_date": lambda d: date(d.year, 1, 1),
    }[preset](today)
    if data_date < unit_start:
        fallback = _TO_DATE_FALLBACK.get(preset)
        if fallback is None:  # 本年至今 on 1 January: the whole previous year
            return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), preset, True
        start, end, effective, _ = preset_range(fallback, today, data_date)
        return start, end, effective, True
    return unit_start, data_date, preset, False


def comparison_range(preset: str, mode: str, start: date, end: date) -> tuple[date, date]:
    """The comparison period's dates for a period of `preset` (table in metrics.md)."""
    if preset in ("last_week", "week_to_date"):
        shift = timedelta(days=7 if mode == "previous" else 364)
        return start - shift, end - shift
    if mode == "year_ago":
        q_start = shift_years(start, -1)
        if preset == "last_month":  # the whole month: February 2024 ends on the 29th
            return q_start, month_end(q_start)
        if preset == "last_quarter":
            return q_start, quarter_end(q_start)
        return q_start, shift_years(end, -1)
    if preset == "last_month":
        q_start = shift_months(start, -1)
        return q_start, month_end(q_start)
    if preset == "last_quarter":
        q_start = shift_months(start, -3)
        return q_start, quarter_end(q_start)
    if preset == "month_to_date":
        q_start = shift_months(start, -1)
        return q_start, min(q_start + (end - start), month_end(q_start))
    if preset == "quarter_to_date":
        q_start = shift_months(start, -3)
        return q_start, min(q_start + (end - start), quarter_end(q_start))
    if preset == "year_to_date":
        return shift_years(start, -1), shift_years(end, -1)
    length = end - start
    return start - length - timedelta(days=1), start - timedelta(days=1)


def make_period(start: date, end: date, data_date: date) -> Period:
    return Period(start, end, min(end, data_date))


def comparison_period(period: Period, q_start: date, q_end: date) -> Period:
    """Q with its as-of date cut by as many days as stale data cuts P (like with like)."""
    if period.is_complete:
        return Period(q_start, q_end, q_end)
    return Period(q_start, q_end, min(q_end, q_start + (period.as_of - period.start)))


@dataclass(frozen=True)
class Filters:
    """The shared filter: period, comparison and regions. Hashable, so results cache on it."""

    preset: str
    period: Period
    comparison_mode: str
    comparison: Period
    data_date: date
    counties: tuple[str, ...] = ()
    office: str | None = None
    notice: str | None = None
    effective_preset: str = ""
    """The preset the dates were resolved by: the chosen one, or 上周/上月/上季度/last year when
    a 至今 preset had no complete day of data yet (see `notice`)."""

    @property
    def by_office(self) -> bool:
        """Figures "by region" group by office when exactly one county is chosen."""
        return len(self.counties) == 1

    def compared(self) -> Filters:
        """The same filter over the comparison period (for the comparison figure of a card)."""
        return replace(self, period=self.comparison)


def build_filters(
    preset: str,
    today: date,
    data_date: date,
    comparison_mode: str = DEFAULT_COMPARISON,
    custom: tuple[date, date] | None = None,
    counties: tuple[str, ...] = (),
    office: str | None = None,
) -> Filters:
    """Resolve a preset (or a custom range) against today and the data date."""
    notice = None
    if preset == "custom":
        if custom is None:
            raise ValueError("custom preset needs a date range")
        start, end = custom
        effective = "custom"
    else:
        start, end, effective, fell_back = preset_range(preset, today, data_date)
        if fell_back:
            shown = PRESET_LABELS.get(_TO_DATE_FALLBACK.get(preset, ""), "上一年")
            notice = f"{PRESET_LABELS[preset]}尚无完整一天的数据，显示{shown}。"
    period = make_period(start, end, data_date)
    q_start, q_end = comparison_range(effective, comparison_mode, start, end)
    return Filters(
        preset=preset,
        period=period,
        comparison_mode=comparison_mode,
        comparison=comparison_period(period, q_start, q_end),
        data_date=data_date,
        counties=tuple(counties),
        office=office,
        notice=notice,
        effective_preset=effective,
    )


MAX_CUSTOM_DAYS = 3 * 366
"""The longest custom range computed: the series, trends and comparisons of a page then stay a
bounded amount of work (and a bounded number of bound parameters) whatever a link asks for."""

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
"""A custom date outside these years is refused with a notice (and never reaches date arithmetic
that would overflow)."""


def clamp_custom(start: date, end: date, earliest: date | None, data_date: date) -> tuple[date, date, str | None]:
    """A custom range cut to the span the data covers, with the Chinese notice saying so (None
    when nothing was cut).

    The start moves up to `earliest` (the first dated event in the database; None = unknown)
    when the range reaches past it; a range still longer than MAX_CUSTOM_DAYS keeps the
    MAX_CUSTOM_DAYS nearest the data, ending at its end or at the data date if that is sooner
    (an end after the data date stays allowed, metrics.md: the as-of date covers it).
    """
    new_start, new_end = start, end
    if earliest is not None and new_start < earliest <= new_end:
        new_start = earliest
    if (new_end - new_start).days + 1 > MAX_CUSTOM_DAYS:
        new_end = min(new_end, max(data_date, new_start + timedelta(days=MAX_CUSTOM_DAYS - 1)))
        new_start = new_end - timedelta(days=MAX_CUSTOM_DAYS - 1)
    if (new_start, new_end) == (start, end):
        return start, end, None
    first = f"报表库最早的数据为{earliest.isoformat()}，" if earliest is not None and start < earliest else ""
    return new_start, new_end, (
        f"自定义时间段超出数据覆盖的范围（{first}最长{MAX_CUSTOM_DAYS}天），"
        f"已改为 {new_start.isoformat()} 至 {new_end.isoformat()}。"
    )
