"""How numbers are written on screen (metrics.md): counts, rates, points, 万元, dates.

Display rounding is half away from zero on the magnitude (1.845 → 1.85, −6.25 → −6.3), so
every function rounds through Decimal on the value's decimal string, never through binary floats.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def round_half_away(value, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals (ROUND_HALF_UP acts on the magnitude)."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_count(value) -> str:
    """A count with thousands separators: 320,123."""
    if value is None:
        return DASH
    return f"{int(value):,}"


def fmt_signed_count(value) -> str:
    """A count difference with its sign: +12, −3, 0."""
    if value is None:
        return DASH
    value = int(value)
    return f"+{value:,}" if value > 0 else (f"−{-value:,}" if value < 0 else "0")


def fmt_rate(numerator, denominator) -> str:
    """A rate as a percentage with one decimal; "—" for a zero denominator."""
    if not denominator:
        return DASH
    return f"{round_half_away(Decimal(numerator) * 100 / Decimal(denominator), 1)}%"


def fmt_pct(fraction) -> str:
    """A fraction (0.123) as a percentage with one decimal (12.3%); None → "—"."""
    if fraction is None:
        return DASH
    return f"{round_half_away(Decimal(str(fraction)) * 100, 1)}%"


def rate_change_pp(num, den, q_num, q_den):
    """Change between two exact rates in percentage points (a Decimal), None when either is "—"."""
    if not den or not q_den:
        return None
    return (Decimal(num) / Decimal(den) - Decimal(q_num) / Decimal(q_den)) * 100


def fmt_pp(points) -> str:
    """A change in percentage points with one decimal and its sign: +1.2个百分点."""
    if points is None:
        return DASH
    rounded = round_half_away(points, 1)
    if rounded > 0:
        return f"+{rounded}个百分点"
    if rounded < 0:
        return f"−{-rounded}个百分点"
    return "0.0个百分点"


def pct_change(value, previous) -> str:
    """Percentage change of a count or amount vs the comparison; "—" when the comparison is 0."""
    if previous is None or value is None or Decimal(previous) == 0:
        return DASH
    change = round_half_away((Decimal(value) - Decimal(previous)) * 100 / Decimal(previous), 1)
    return f"+{change}%" if change > 0 else (f"−{-change}%" if change < 0 else "0.0%")


def to_wan(yuan) -> Decimal:
    """Yuan as 万元 with two decimals (half away from zero)."""
    return round_half_away(Decimal(yuan) / 10000, 2)


def fmt_wan(yuan) -> str:
    """Yuan shown in 万元 with two decimals and thousands separators: 1,234.57万元."""
    if yuan is None:
        return DASH
    wan = to_wan(yuan)
    return f"{wan if wan != 0 else abs(wan):,}万元"  # never "-0.00万元"


def fmt_signed_wan(yuan) -> str:
    """A money difference in 万元 with its sign."""
    if yuan is None:
        return DASH
    wan = to_wan(yuan)
    if wan > 0:
        return f"+{wan:,}万元"
    if wan < 0:
        return f"−{-wan:,}万元"
    return "0.00万元"


def fmt_days(days) -> str:
    """A number of days with at most one decimal: 47天, 12.5天; "—" for none."""
    return DASH if days is None else f"{round_half_away(days, 1).normalize():f}天"


def fmt_date(day: date | None) -> str:
    """2026年11月22日."""
    if day is None:
        return DASH
    return f"{day.year}年{day.month}月{day.day}日"


def fmt_range(start: date, end: date) -> str:
    """A date range the way a briefing writes it: 2026年11月16日—22日, 2026年10月27日—11月2日."""
    if start == end:
        return fmt_date(start)
    if start.year != end.year:
        return f"{fmt_date(start)}—{fmt_date(end)}"
    if start.month != end.month:
        return f"{fmt_date(start)}—{end.month}月{end.day}日"
    return f"{fmt_date(start)}—{end.day}日"
