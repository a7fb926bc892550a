"""queries/penalties.py (metrics.md section 5) on a hand-built fixture, on every dialect.

上周 = 2026-11-16..22 (as-of 22); the comparison week (环比) is 2026-11-09..15.
Enterprises: 1 科尔沁区·永清, 2 科尔沁区·明仁, 3 科尔沁区 without office, 4 开鲁县·开鲁镇,
5 科尔沁区 with an office of 开鲁县 (→ 其他 when 科尔沁区 is grouped by office).
"""

from datetime import date
from decimal import Decimal

import pytest

from queries.periods import build_filters
from queries.common import OTHER
from queries.penalties import (
    CATEGORIES,
    MEASURE_COLUMNS,
    cases_by_category,
    cases_by_region,
    cases_by_violation_type,
    monthly_trend,
    orphan_cases,
    penalty_summary,
    trend_months,
)
from tests.fixture_base import DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise

D = Decimal


def case_row(cid, category, region, enterprise_id, decided_on, base, fine, violation_type="other"):
    """An enforcement_cases row; money given as strings so the fixture is exact."""
    return {
        "id": cid, "case_no": f"通市监处罚〔2026〕{cid}号", "enterprise_id": enterprise_id, "region_code": region,
        "decided_on": decided_on, "category": category, "violation_type": violation_type,
        "base_fine": D(base), "fine_amount": D(fine),
    }


CASES = [
    # --- in 上周 (2026-11-16..22) ---
    case_row(1, "aggravated", KEQIN, 1, date(2026, 11, 16), "50000.00", "80000.00", "food_safety"),
    case_row(2, "general", KEQIN, 2, date(2026, 11, 17), "3000.00", "3000.00", "pricing"),
    case_row(3, "lighter", KEQIN, 1, date(2026, 11, 18), "20000.10", "12000.05", "food_safety"),  # waived 8000.05
    case_row(4, "mitigated", KAILU, 4, date(2026, 11, 19), "10000.00", "2500.50", "advertising"),  # waived 7499.50
    case_row(5, "summary", KEQIN, 3, date(2026, 11, 20), "200.00", "200.00"),
    case_row(6, "minor_exempt", KEQIN, None, date(2026, 11, 21), "5000.00", "0.00", "unlicensed"),  # no enterprise
    case_row(7, "first_offense_exempt", KAILU, 4, date(2026, 11, 22), "0.10", "0.00", "annual_report"),  # as-of day
    case_row(8, "lighter", KEQIN, 5, date(2026, 11, 20), "1000.00", "1200.00", "pricing"),  # waived −200.00
    case_row(9, "first_offense_exempt", KEQIN, 999, date(2026, 11, 18), "3000.00", "0.00"),  # orphan enterprise
    case_row(10, "first_offense_exempt", KAILU, 4, date(2026, 11, 22), "0.20", "0.00", "annual_report"),
    # --- after the data date (only a period ending later reaches it; never counted) ---
    case_row(11, "aggravated", KEQIN, 1, date(2026, 11, 23), "1000.00", "2000.00"),
    # --- the comparison week 2026-11-09..15 ---
    case_row(12, "general", KEQIN, 2, date(2026, 11, 15), "1000.00", "800.00"),  # general: never waived
    case_row(13, "minor_exempt", KAILU, 4, date(2026, 11, 10), "300.00", "0.00"),
    # --- the trend's edges: 12 months up to 2026-11 are 2025-12..2026-11 ---
    case_row(14, "lighter", KEQIN, 1, date(2025, 12, 1), "1000.00", "500.00"),
    case_row(15, "mitigated", KEQIN, 1, date(2025, 11, 30), "1000.00", "100.00"),
]


def penalty_rows() -> dict[str, list[dict]]:
    """The shared rows plus this module's enterprises and cases (the page test uses them too)."""
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING),
        enterprise(2, KEQIN, KEQIN_MINGREN),
        enterprise(3, KEQIN, None),
        enterprise(4, KAILU, KAILU_TOWN),
        enterprise(5, KEQIN, KAILU_TOWN),
    ]
    rows["enforcement_cases"] = [dict(row) for row in CASES]
    return rows


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(penalty_rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


def last_week(**kwargs):
    return build_filters("last_week", TODAY, DATA_DATE, **kwargs)


def test_summary_over_last_week(conn):
    s = penalty_summary(conn, last_week())
    # cases 1–8 and 10 (9 is an orphan, 11–15 lie outside the week): 9 cases
    assert s.case_count == 9
    assert s.exempt_count == 3  # minor_exempt 6 + first_offense_exempt 7, 10
    assert s.reduced_count == 3  # lighter 3, 8 + mitigated 4
    assert s.aggravated_count == 1  # case 1
    # 8000.05 + 7499.50 + 5000.00 + 0.10 + 0.20 − 200.00 = 20299.85, exact to the cent
    assert s.waived_yuan == D("20299.85") and isinstance(s.waived_yuan, Decimal)
    assert s.aggravated_fines_yuan == D("80000.00")
    # 80000 + 3000 + 12000.05 + 2500.50 + 200 + 0 + 0 + 1200 + 0 = 98900.55
    assert s.fines_yuan == D("98900.55")
    assert s.negative_waived_count == 1  # case 8: base 1000 < fine 1200


def test_summary_over_comparison_week(conn):
    s = penalty_summary(conn, last_week().compared())
    # case 12 (general, base 1000 > fine 800: not a waived category) and case 13 (minor_exempt 300)
    assert (s.case_count, s.exempt_count, s.reduced_count, s.aggravated_count) == (2, 1, 0, 0)
    assert s.waived_yuan == D("300.00")
    assert s.fines_yuan == D("800.00")
    assert s.negative_waived_count == 0


def test_period_is_cut_at_the_as_of_date(conn):
    # 2026-11-16..30 with data up to 22: case 11 (decided 23) does not count, so the same as 上周
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 11, 16), date(2026, 11, 30)))
    assert penalty_summary(conn, f) == penalty_summary(conn, last_week())


def test_summary_of_an_empty_period(conn):
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 1, 1), date(2026, 1, 31)))
    s = penalty_summary(conn, f)
    assert (s.case_count, s.waived_yuan, s.fines_yuan) == (0, D("0.00"), D("0.00"))


def test_cases_by_category(conn):
    frame = cases_by_category(conn, last_week())
    assert list(frame["category"]) == list(CATEGORIES)
    assert list(frame.columns) == ["category", *MEASURE_COLUMNS]
    by = frame.set_index("category")
    assert by["case_count"].to_dict() == {
        "aggravated": 1, "general": 1, "lighter": 2, "mitigated": 1,
        "summary": 1, "minor_exempt": 1, "first_offense_exempt": 2,
    }
    assert by["waived_yuan"].to_dict() == {
        "aggravated": D("0.00"), "general": D("0.00"),
        "lighter": D("7800.05"),  # 8000.05 − 200.00
        "mitigated": D("7499.50"), "summary": D("0.00"),
        "minor_exempt": D("5000.00"), "first_offense_exempt": D("0.30"),  # 0.10 + 0.20
    }
    assert sum(by["waived_yuan"]) == D("20299.85")  # the parts add up to the card


def test_cases_by_county(conn):
    frame = cases_by_region(conn, last_week())
    assert list(frame["region_code"]) == [KEQIN, KAILU]
    by = frame.set_index("region_code")
    # 科尔沁区: cases 1, 2, 3, 5, 6, 8; 开鲁县: 4, 7, 10
    assert by["case_count"].to_dict() == {KEQIN: 6, KAILU: 3}
    # 科尔沁区 8000.05 + 5000.00 − 200.00 = 12800.05; 开鲁县 7499.50 + 0.10 + 0.20 = 7499.80
    assert by["waived_yuan"].to_dict() == {KEQIN: D("12800.05"), KAILU: D("7499.80")}
    # 科尔沁区 80000 + 3000 + 12000.05 + 200 + 0 + 1200 = 96400.05; 开鲁县 2500.50
    assert by["fines_yuan"].to_dict() == {KEQIN: D("96400.05"), KAILU: D("2500.50")}
    assert by["exempt_count"].to_dict() == {KEQIN: 1, KAILU: 2}


def test_one_county_grouped_by_office_with_other(conn):
    frame = cases_by_region(conn, last_week(counties=(KEQIN,)))
    assert list(frame["region_code"]) == [KEQIN_YONGQING, KEQIN_MINGREN, OTHER]
    by = frame.set_index("region_code")
    # 永清: cases 1, 3 (enterprise 1); 明仁: case 2; 其他: 5 (no office), 6 (no enterprise), 8 (开鲁县's office)
    assert by["case_count"].to_dict() == {KEQIN_YONGQING: 2, KEQIN_MINGREN: 1, OTHER: 3}
    # 其他: 5000.00 − 200.00 = 4800.00; the offices add up to the county's 12800.05
    assert by["waived_yuan"].to_dict() == {KEQIN_YONGQING: D("8000.05"), KEQIN_MINGREN: D("0.00"), OTHER: D("4800.00")}


def test_county_without_other_bucket(conn):
    frame = cases_by_region(conn, last_week(counties=(KAILU,)))
    # every 开鲁县 case belongs to an enterprise of 开鲁镇所: no 其他 row
    assert frame[["region_code", "case_count"]].values.tolist() == [[KAILU_TOWN, 3]]


def test_office_filter(conn):
    f = last_week(counties=(KEQIN,), office=KEQIN_YONGQING)
    s = penalty_summary(conn, f)
    # cases 1 (aggravated) and 3 (lighter, waived 8000.05); fines 80000 + 12000.05
    assert (s.case_count, s.aggravated_count, s.reduced_count, s.exempt_count) == (2, 1, 1, 0)
    assert (s.waived_yuan, s.fines_yuan) == (D("8000.05"), D("92000.05"))
    assert list(cases_by_region(conn, f)["region_code"]) == [KEQIN_YONGQING]


def test_cases_by_violation_type(conn):
    frame = cases_by_violation_type(conn, last_week())
    # ordered by waived amount: food_safety 8000.05, advertising 7499.50, unlicensed 5000.00,
    # annual_report 0.30, other 0.00 (case 5, summary), pricing −200.00 (case 8; case 2 is general)
    assert frame[["violation_type", "case_count", "waived_yuan"]].values.tolist() == [
        ["food_safety", 2, D("8000.05")],
        ["advertising", 1, D("7499.50")],
        ["unlicensed", 1, D("5000.00")],
        ["annual_report", 2, D("0.30")],
        ["other", 1, D("0.00")],
        ["pricing", 2, D("-200.00")],
    ]


def test_monthly_trend_last_twelve_months(conn):
    frame = monthly_trend(conn, last_week())
    assert len(frame) == 12
    assert (frame["month_start"].iloc[0], frame["month_end"].iloc[-1]) == (date(2025, 12, 1), date(2026, 11, 22))
    by = frame.set_index("month_start")
    # 2025-12: case 14 (lighter, 1000 − 500); case 15 (2025-11-30) is outside the 12 months
    assert (by.loc[date(2025, 12, 1), "case_count"], by.loc[date(2025, 12, 1), "waived_yuan"]) == (1, D("500.00"))
    # 2026-11 up to the 22nd: the 9 cases of 上周 + cases 12, 13; 20299.85 + 300.00 = 20599.85; case 11 is after as-of
    assert (by.loc[date(2026, 11, 1), "case_count"], by.loc[date(2026, 11, 1), "waived_yuan"]) == (11, D("20599.85"))
    assert by.loc[date(2026, 11, 1), "reduced_count"] == 3 and by.loc[date(2026, 11, 1), "exempt_count"] == 4
    assert sum(frame["case_count"]) == 12  # every other month is an explicit zero
    assert by.loc[date(2026, 6, 1), "waived_yuan"] == D("0.00")


def test_trend_months_stop_at_the_as_of_date():
    # a period ending in December after a data date of 2026-11-22: December has no data yet
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 11, 16), date(2026, 12, 6)))
    months = trend_months(f)
    assert len(months) == 11
    assert months[0] == (date(2026, 1, 1), date(2026, 1, 31))
    assert months[-1] == (date(2026, 11, 1), date(2026, 11, 22))
    # February 2026 ends on the 28th
    assert months[1] == (date(2026, 2, 1), date(2026, 2, 28))


def test_orphan_cases(conn):
    assert orphan_cases(conn, last_week()) == 1  # case 9, enterprise 999
    assert orphan_cases(conn, last_week(counties=(KAILU,))) == 0
    assert orphan_cases(conn, last_week(counties=(KEQIN,), office=KEQIN_MINGREN)) == 1  # office cannot narrow it
    assert orphan_cases(conn, last_week().compared()) == 0
