"""Presets, comparison periods and as-of dates (metrics.md, "The filter every page shares")."""

from datetime import date

import pytest

from queries.periods import build_filters, data_date_from_refreshed, shift_years

MONDAY = date(2026, 11, 23)
D = date


@pytest.mark.parametrize(
    "refreshed_at, expected",
    [
        ("2026-11-23T02:00:00+08:00", D(2026, 11, 22)),
        ("2026-11-22T18:00:00Z", D(2026, 11, 22)),  # = 2026-11-23 02:00 Beijing
        ("2026-11-22T15:59:00+00:00", D(2026, 11, 21)),  # = 2026-11-22 23:59 Beijing
        ("2026-11-23T02:00:00", D(2026, 11, 22)),  # no offset: Beijing time
    ],
)
def test_data_date_is_the_day_before_the_beijing_load_date(refreshed_at, expected):
    assert data_date_from_refreshed(refreshed_at) == expected


@pytest.mark.parametrize(
    "preset, today, data_date, period, previous, year_ago",
    [
        # 上周 on Monday 2026-11-23: the ISO week 16..22; previous = P − 7; year ago = P − 364
        ("last_week", MONDAY, D(2026, 11, 22), (D(2026, 11, 16), D(2026, 11, 22)),
         (D(2026, 11, 9), D(2026, 11, 15)), (D(2025, 11, 17), D(2025, 11, 23))),
        # 本周至今 on a Wednesday: Monday..Tuesday (data date)
        ("week_to_date", D(2026, 11, 25), D(2026, 11, 24), (D(2026, 11, 23), D(2026, 11, 24)),
         (D(2026, 11, 16), D(2026, 11, 17)), (D(2025, 11, 24), D(2025, 11, 25))),
        # 上月 / 上季度: whole units
        ("last_month", MONDAY, D(2026, 11, 22), (D(2026, 10, 1), D(2026, 10, 31)),
         (D(2026, 9, 1), D(2026, 9, 30)), (D(2025, 10, 1), D(2025, 10, 31))),
        ("last_quarter", MONDAY, D(2026, 11, 22), (D(2026, 7, 1), D(2026, 9, 30)),
         (D(2026, 4, 1), D(2026, 6, 30)), (D(2025, 7, 1), D(2025, 9, 30))),
        # 本月至今 11-01..11-22 → previous 10-01..10-22
        ("month_to_date", MONDAY, D(2026, 11, 22), (D(2026, 11, 1), D(2026, 11, 22)),
         (D(2026, 10, 1), D(2026, 10, 22)), (D(2025, 11, 1), D(2025, 11, 22))),
        # 03-01..03-31 → 02-01..02-28 (clipped to February's end); 2024 is a leap year
        ("month_to_date", D(2026, 4, 1), D(2026, 3, 31), (D(2026, 3, 1), D(2026, 3, 31)),
         (D(2026, 2, 1), D(2026, 2, 28)), (D(2025, 3, 1), D(2025, 3, 31))),
        # 本季度至今 10-01..11-22 (52 days) → 07-01..08-22
        ("quarter_to_date", MONDAY, D(2026, 11, 22), (D(2026, 10, 1), D(2026, 11, 22)),
         (D(2026, 7, 1), D(2026, 8, 22)), (D(2025, 10, 1), D(2025, 11, 22))),
        # 本年至今: the same dates a year earlier either way
        ("year_to_date", MONDAY, D(2026, 11, 22), (D(2026, 1, 1), D(2026, 11, 22)),
         (D(2025, 1, 1), D(2025, 11, 22)), (D(2025, 1, 1), D(2025, 11, 22))),
    ],
)
def test_presets_and_comparisons(preset, today, data_date, period, previous, year_ago):
    f = build_filters(preset, today, data_date, "previous")
    assert (f.period.start, f.period.end) == period
    assert (f.comparison.start, f.comparison.end) == previous
    g = build_filters(preset, today, data_date, "year_ago")
    assert (g.comparison.start, g.comparison.end) == year_ago


def test_whole_month_a_year_earlier_keeps_29_february():
    # 上月 on 2025-03-10 is February 2025; a year earlier is the whole of February 2024 (29 days)
    f = build_filters("last_month", D(2025, 3, 10), D(2025, 3, 9), "year_ago")
    assert (f.period.start, f.period.end) == (D(2025, 2, 1), D(2025, 2, 28))
    assert (f.comparison.start, f.comparison.end) == (D(2024, 2, 1), D(2024, 2, 29))
    # and the other way round: February 2024 → February 2023 (28 days)
    g = build_filters("last_month", D(2024, 3, 4), D(2024, 3, 3), "year_ago")
    assert (g.comparison.start, g.comparison.end) == (D(2023, 2, 1), D(2023, 2, 28))


def test_custom_range_compares_with_the_days_before_and_a_year_earlier():
    f = build_filters("custom", MONDAY, D(2026, 11, 22), custom=(D(2026, 11, 1), D(2026, 11, 10)))
    # 10 days ending the day before 11-01
    assert (f.comparison.start, f.comparison.end) == (D(2026, 10, 22), D(2026, 10, 31))
    leap = build_filters("custom", MONDAY, D(2026, 11, 22), "year_ago", custom=(D(2024, 2, 29), D(2024, 3, 5)))
    assert (leap.comparison.start, leap.comparison.end) == (D(2023, 2, 28), D(2023, 3, 5))


def test_to_date_preset_with_no_complete_day_falls_back_and_says_so():
    # Monday: this week has no complete day of data yet → 上周, with a notice
    f = build_filters("week_to_date", MONDAY, D(2026, 11, 22))
    assert (f.period.start, f.period.end) == (D(2026, 11, 16), D(2026, 11, 22))
    assert (f.comparison.start, f.comparison.end) == (D(2026, 11, 9), D(2026, 11, 15))
    assert f.preset == "week_to_date" and "显示上周" in f.notice
    m = build_filters("month_to_date", D(2026, 12, 1), D(2026, 11, 30))
    assert (m.period.start, m.period.end) == (D(2026, 11, 1), D(2026, 11, 30)) and "显示上月" in m.notice


def test_stale_data_cuts_the_comparison_by_the_same_days():
    # Data ends Thursday 11-19: P's as-of is 11-19 (4 days in); Q = 11-09..15 cut to 11-12
    f = build_filters("last_week", MONDAY, D(2026, 11, 19))
    assert f.period.as_of == D(2026, 11, 19) and not f.period.is_complete
    assert (f.comparison.start, f.comparison.end, f.comparison.as_of) == (D(2026, 11, 9), D(2026, 11, 15), D(2026, 11, 12))
    complete = build_filters("last_week", MONDAY, D(2026, 11, 22))
    assert complete.comparison.as_of == D(2026, 11, 15)


def test_period_after_the_data_date_has_no_data():
    f = build_filters("last_week", MONDAY, D(2026, 11, 10))
    assert not f.period.has_data
    assert f.period.as_of == D(2026, 11, 10)


def test_shift_years_moves_29_february_to_28():
    assert shift_years(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert shift_years(D(2024, 2, 29), -1) == D(2023, 2, 28)
    assert shift_years(D(2023, 3, 1), 1) == D(2024, 3, 1)
