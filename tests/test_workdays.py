"""The working-day calendar (queries/workdays.py), with and without workday_adjustments, on every dialect."""

from datetime import date

import pytest
from sqlalchemy import func, select

from queries.schema import metadata, regions
from queries.workdays import has_adjustments_table, load_calendar
from tests.conftest import DIALECTS
from tests.fixture_base import base_rows

# The State Council's 2026 schedule around 中秋 and 国庆: Fri 25 Sep (中秋) and 1–7 Oct are days
# off (Sat 3 Oct is a statutory day too); Sun 20 Sep and Sat 10 Oct are 调休 make-up working days.
DAYS_OFF_2026 = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 9, 25)] + [date(2026, 10, d) for d in (1, 2, 3, 5, 6, 7)]
MAKE_UP_DAYS_2026 = [date(2026, 1, 4), date(2026, 9, 20), date(2026, 10, 10)]
ADJUSTMENTS_2026 = [{"day": d, "is_workday": False} for d in DAYS_OFF_2026] + [
    {"day": d, "is_workday": True} for d in MAKE_UP_DAYS_2026
]


@pytest.fixture(scope="module")
def conn(dialect_db):
    rows = base_rows()
    rows["workday_adjustments"] = ADJUSTMENTS_2026
    dialect_db.load(rows)
    with dialect_db.readonly().connect() as connection:
        yield connection


def test_adjustments_override_monday_to_friday(conn):
    calendar = load_calendar(conn, date(2026, 9, 1), date(2026, 11, 30))
    assert calendar.has_table and calendar.covered_years == {2026}
    assert calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休 make-up day
    assert calendar.is_workday(date(2026, 9, 20))  # Sunday, 调休 make-up day
    assert not calendar.is_workday(date(2026, 10, 1))  # Thursday, 国庆
    assert not calendar.is_workday(date(2026, 10, 4))  # Sunday without a row: weekend
    assert calendar.is_workday(date(2026, 10, 8))  # Thursday without a row: weekday
    with pytest.raises(ValueError):
        calendar.is_workday(date(2027, 1, 4))  # outside the loaded years


def test_twentieth_working_day_across_holidays(conn):
    calendar = load_calendar(conn, date(2026, 9, 1), date(2026, 11, 30))
    # After Thu 24 Sep: (25 Sep 中秋 off) 28, 29, 30 Sep = 3; (1–7 Oct off) 8, 9 Oct = 5; Sat 10 Oct = 6;
    # 12–16 Oct = 11; 19–23 Oct = 16; 26, 27, 28, 29 Oct = 20 → Thu 29 Oct; the 21st is Fri 30 Oct.
    assert calendar.add_workdays(date(2026, 9, 24), 20) == date(2026, 10, 29)
    assert calendar.add_workdays(date(2026, 9, 24), 21) == date(2026, 10, 30)
    # Counting back 20 working days from Fri 30 Oct: 30–26 Oct (5), 23–19 (10), 16–12 (15),
    # Sat 10 Oct (16), 9, 8 Oct (18), 30, 29 Sep (20) → the latest start is Mon 28 Sep.
    assert calendar.last_start_reaching_by(date(2026, 10, 30), 20) == date(2026, 9, 28)
    assert calendar.add_workdays(date(2026, 9, 28), 20) == date(2026, 10, 30)
    # The earliest start whose 20th working day is on or after Mon 26 Oct: Mon 21 Sep (Sun 20 Sep,
    # a make-up working day, reaches only Fri 23 Oct).
    assert calendar.first_start_reaching_from(date(2026, 10, 26), 20) == date(2026, 9, 21)
    assert calendar.add_workdays(date(2026, 9, 20), 20) == date(2026, 10, 23)


def test_uncovered_years(conn):
    calendar = load_calendar(conn, date(2025, 11, 1), date(2027, 2, 1))
    assert calendar.uncovered_years([2025, 2026, 2027]) == [2025, 2027]
    # 2027 has no rows: Monday–Friday. Fri 1 Jan 2027 (元旦 in reality) counts as a working day.
    assert calendar.is_workday(date(2027, 1, 1))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_missing_table_means_monday_to_friday(fresh_db, dialect):
    db = fresh_db(dialect, with_schema=False)
    db.create_schema([name for name in metadata.tables if name != "workday_adjustments"])
    db.load(base_rows())
    with db.readonly().connect() as connection:
        connection.execute(select(func.count()).select_from(regions)).scalar_one()
        assert not has_adjustments_table(connection)
        calendar = load_calendar(connection, date(2026, 9, 1), date(2026, 11, 30))
        # The probe failing must not spoil this connection (PostgreSQL/DuckDB abort a failed transaction).
        assert connection.execute(select(func.count()).select_from(regions)).scalar_one() == 6
    assert not calendar.has_table and calendar.uncovered_years([2026]) == [2026]
    # Mon–Fri only, after Thu 24 Sep: 25, 28, 29, 30 Sep, 1, 2 Oct = 6; 5–9 = 11; 12–16 = 16; 19–22 = 20.
    assert calendar.add_workdays(date(2026, 9, 24), 20) == date(2026, 10, 22)
    assert not calendar.is_workday(date(2026, 10, 10))
