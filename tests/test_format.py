"""Display rules of metrics.md: half away from zero, "—" for zero denominators, 万元."""

from decimal import Decimal

import pytest

from dashboard.format import (
    fmt_count, fmt_pp, fmt_range, fmt_rate, fmt_signed_wan, fmt_wan, pct_change, rate_change_pp, round_half_away,
)
from datetime import date


@pytest.mark.parametrize("value, places, expected", [
    ("1.845", 2, "1.85"), ("-6.25", 1, "-6.3"), ("0.05", 1, "0.1"), ("-0.05", 1, "-0.1"), ("2.675", 2, "2.68"),
])
def test_half_away_from_zero(value, places, expected):
    assert str(round_half_away(Decimal(value), places)) == expected


def test_rates_and_points():
    assert fmt_rate(1, 8) == "12.5%"  # 12.5 exactly
    assert fmt_rate(1, 3) == "33.3%"
    assert fmt_rate(0, 0) == "—"
    assert fmt_rate(0, 5) == "0.0%"
    # 1/3 − 1/4 = 8.333… points; computed from the exact rates and rounded once
    assert fmt_pp(rate_change_pp(1, 3, 1, 4)) == "+8.3个百分点"
    assert fmt_pp(rate_change_pp(1, 4, 1, 3)) == "−8.3个百分点"
    assert fmt_pp(rate_change_pp(1, 3, 0, 0)) == "—"


def test_counts_money_and_changes():
    assert fmt_count(320123) == "320,123"
    assert fmt_wan(Decimal("12345.00")) == "1.23万元"  # 1.2345 → 1.23
    assert fmt_wan(Decimal("12350.00")) == "1.24万元"  # 1.235 → 1.24 (half away from zero)
    assert fmt_wan(Decimal("123456789.99")) == "12,345.68万元"
    assert fmt_signed_wan(Decimal("-150")) == "−0.02万元"  # −0.015 → −0.02
    assert pct_change(5, 4) == "+25.0%"
    assert pct_change(5, 0) == "—"


def test_date_ranges():
    assert fmt_range(date(2026, 11, 16), date(2026, 11, 22)) == "2026年11月16日—22日"
    assert fmt_range(date(2026, 10, 27), date(2026, 11, 2)) == "2026年10月27日—11月2日"
    assert fmt_range(date(2025, 12, 29), date(2026, 1, 4)) == "2025年12月29日—2026年1月4日"


def test_tiny_negative_money_is_not_minus_zero():
    assert fmt_wan(Decimal("-0.40")) == "0.00万元"
    assert fmt_signed_wan(Decimal("-0.40")) == "0.00万元"


def test_targets_are_judged_on_exact_fractions():
    from queries.common import Rate, meets_target

    assert meets_target(55, 100, 0.55)  # 0.55 as a float is just below 55/100
    assert not meets_target(899, 1000, 0.9) and meets_target(900, 1000, 0.9)
    assert Rate(0, 0).meets(0.9) is None


def test_region_charts_judge_targets_like_the_cards():
    from dashboard import charts_inspections

    # 55/100 against a configured 55 % meets it exactly (a float product says 未达标)
    assert charts_inspections._rate_with_target(55, 100, 0.55) == "55.0%"
    assert charts_inspections._rate_with_target(54, 100, 0.55) == "54.0%（未达标）"
