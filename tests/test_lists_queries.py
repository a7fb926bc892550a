"""queries/lists.py on a hand-built fixture, on every dialect (metrics.md section 3).

上周 = 2026-11-16..22 (as-of 11-22); the comparison 上周 of 上周 = 11-09..15.
Abnormal-list entries (id: enterprise, county, listed → removed, reason):
 A1  e1  科尔沁 2026-01-10 no_annual_report          in stock throughout
 A2  e2  科尔沁 2026-11-17 → 11-20 corrected         listed and removed inside P
 A3  e3  开鲁   2025-05-01 → 2026-11-23 credit_repair removed the day after P.end
 A4  e4  开鲁   2023-11-18 → 2026-11-18 transferred   to the serious list, in P
 A5  e5  科尔沁 2026-11-22 no_disclosure             listed on P.end
 A6  e6  科尔沁 2026-11-15 false_disclosure          listed the day before P
 A7  e7  科尔沁 2025-06-01 → 2026-11-16 credit_repair removed on P.start
 A8  e8  科尔沁 2026-11-23                          after the as-of date
 A9  e999 (orphan) 科尔沁 2026-11-18                dropped, counted in quality
 A10 e9  科尔沁 (no office) 2026-11-19 → 11-21 credit_repair
 A11 e10 科尔沁 2023-08-01                          anniversary 2026-08-01, passed
 A12 e11 开鲁   2023-10-01 → 2026-11-25 corrected   anniversary passed, still in stock at 11-22
 A13 e12 科尔沁 2023-11-22                          anniversary = as-of (day 0)
 A14 e13 开鲁   2024-02-20                          anniversary 2027-02-20 = as-of + 90
 A15 e14 科尔沁 2024-02-21                          anniversary = as-of + 91
 A16 e15 科尔沁 2024-02-29                          anniversary 2027-02-28 (29 Feb → 28 Feb)
 A17 e16 科尔沁 2024-03-01
 A18 e17 开鲁   2026-10-01 → 2026-11-17 credit_repair
"""

from datetime import date

import pytest

from queries.periods import build_filters
from queries.lists import (
    anniversary,
    credit_repair,
    latest_listing_eligible_by,
    list_breakdown,
    list_flows,
    list_quality,
    list_series,
    median_of_distribution,
    series_buckets,
    three_year_warning,
)
from tests.fixture_base import DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise, run_on

OFFICE_OF = {
    1: KEQIN_YONGQING, 2: KEQIN_MINGREN, 3: KAILU_TOWN, 4: KAILU_TOWN, 5: KEQIN_YONGQING, 6: KEQIN_MINGREN,
    7: KEQIN_YONGQING, 8: KEQIN_YONGQING, 9: None, 10: KEQIN_YONGQING, 11: KAILU_TOWN, 12: KEQIN_MINGREN,
    13: KAILU_TOWN, 14: KEQIN_YONGQING, 15: KEQIN_MINGREN, 16: KEQIN_MINGREN, 17: KAILU_TOWN,
}


def _county(eid):
    return KAILU if OFFICE_OF.get(eid) == KAILU_TOWN else KEQIN


def _entry(eid_row, enterprise_id, listed, reason, removed=None, removal=None, region=None):
    return {
        "id": eid_row, "enterprise_id": enterprise_id, "region_code": region or _county(enterprise_id),
        "listed_on": listed, "listing_reason": reason, "removed_on": removed, "removal_reason": removal,
    }


ABNORMAL = [
    _entry(1, 1, date(2026, 1, 10), "no_annual_report"),
    _entry(2, 2, date(2026, 11, 17), "unreachable", date(2026, 11, 20), "corrected"),
    _entry(3, 3, date(2025, 5, 1), "no_annual_report", date(2026, 11, 23), "credit_repair"),
    _entry(4, 4, date(2023, 11, 18), "unreachable", date(2026, 11, 18), "transferred"),
    _entry(5, 5, date(2026, 11, 22), "no_disclosure"),
    _entry(6, 6, date(2026, 11, 15), "false_disclosure"),
    _entry(7, 7, date(2025, 6, 1), "no_annual_report", date(2026, 11, 16), "credit_repair"),
    _entry(8, 8, date(2026, 11, 23), "no_annual_report"),
    _entry(9, 999, date(2026, 11, 18), "unreachable", region=KEQIN),
    _entry(10, 9, date(2026, 11, 19), "unreachable", date(2026, 11, 21), "credit_repair"),
    _entry(11, 10, date(2023, 8, 1), "unreachable"),
    _entry(12, 11, date(2023, 10, 1), "unreachable", date(2026, 11, 25), "corrected"),
    _entry(13, 12, date(2023, 11, 22), "no_annual_report"),
    _entry(14, 13, date(2024, 2, 20), "no_disclosure"),
    _entry(15, 14, date(2024, 2, 21), "unreachable"),
    _entry(16, 15, date(2024, 2, 29), "unreachable"),
    _entry(17, 16, date(2024, 3, 1), "unreachable"),
    _entry(18, 17, date(2026, 10, 1), "unreachable", date(2026, 11, 17), "credit_repair"),
]

# Serious list: S5 was removed before it was listed (bad data) and breaks the identity in 开鲁.
SERIOUS = [
    _entry(1, 4, date(2026, 11, 18), "abnormal_3y"),
    _entry(2, 1, date(2022, 5, 10), "serious_violation", date(2026, 11, 19), "credit_repair"),
    _entry(3, 2, date(2023, 1, 1), "other", date(2026, 1, 5), "expired"),
    _entry(4, 5, date(2026, 11, 22), "serious_violation", date(2026, 11, 22), "revoked"),
    _entry(5, 3, date(2026, 11, 20), "other", date(2026, 11, 10), "revoked"),
]

LAST_WEEK = build_filters("last_week", TODAY, DATA_DATE)


def _filters(**kwargs):
    return build_filters("last_week", TODAY, DATA_DATE, **kwargs)


@pytest.fixture(scope="module")
def conn(dialect_db):
    rows = base_rows()
    rows["enterprises"] = [enterprise(eid, _county(eid), office) for eid, office in OFFICE_OF.items()]
    rows["abnormal_list_entries"] = ABNORMAL
    rows["serious_violation_entries"] = SERIOUS
    dialect_db.load(rows)
    with dialect_db.readonly().connect() as connection:
        yield connection


def test_abnormal_flows_last_week(conn):
    flows = list_flows(conn, LAST_WEEK, "abnormal")
    # opening (stock at 11-15): A1 A3 A4 A6 A7 A11–A18 = 13 (A2 A5 A10 listed later, A8 after, A9 orphan)
    # inflow 11-16..22: A2 A5 A10 = 3; outflow: A2 A4 A7 A10 A18 = 5 (A3 on 11-23 and A12 on 11-25 are later)
    # closing at 11-22: A1 A3 A5 A6 A11–A17 = 11 = 13 + 3 − 5
    assert (flows.opening_stock, flows.inflow, flows.outflow, flows.closing_stock) == (13, 3, 5, 11)
    assert flows.net == -2
    assert flows.identity_holds


def test_abnormal_flows_of_the_comparison_week(conn):
    flows = list_flows(conn, LAST_WEEK.compared(), "abnormal")
    # 11-09..15: opening at 11-08 = A1 A3 A4 A7 A11–A18 = 12; inflow A6 = 1; no outflow; closing 13
    assert (flows.opening_stock, flows.inflow, flows.outflow, flows.closing_stock) == (12, 1, 0, 13)


def test_flows_of_one_office(conn):
    flows = list_flows(conn, _filters(counties=(KEQIN,), office=KEQIN_YONGQING), "abnormal")
    # 永清: e1 e5 e7 e8 e10 e14 → opening A1 A7 A11 A15 = 4; inflow A5; outflow A7; closing A1 A5 A11 A15 = 4
    assert (flows.opening_stock, flows.inflow, flows.outflow, flows.closing_stock) == (4, 1, 1, 4)


def test_serious_flows_and_a_broken_identity(conn):
    flows = list_flows(conn, LAST_WEEK, "serious")
    # opening at 11-15: S2 = 1; inflow S1 S4 S5 = 3; outflow S2 S4 = 2 (S5's removal is dated 11-10)
    # closing: S1 = 1 ≠ 1 + 3 − 2: S5 was "removed" before it was listed
    assert (flows.opening_stock, flows.inflow, flows.outflow, flows.closing_stock) == (1, 3, 2, 1)
    assert not flows.identity_holds
    keqin = list_flows(conn, _filters(counties=(KEQIN,)), "serious")
    # 科尔沁区: opening S2 = 1; inflow S4 = 1 (listed and removed on 11-22); outflow S2 S4 = 2; closing 0
    assert (keqin.opening_stock, keqin.inflow, keqin.outflow, keqin.closing_stock) == (1, 1, 2, 0)
    assert keqin.identity_holds


def test_quality_counts(conn):
    abnormal = list_quality(conn, LAST_WEEK, "abnormal")
    assert (abnormal.orphan_count, abnormal.removed_before_listed_count) == (1, 0)  # A9
    serious = list_quality(conn, LAST_WEEK, "serious")
    assert (serious.orphan_count, serious.removed_before_listed_count) == (0, 1)  # S5
    kailu = list_quality(conn, _filters(counties=(KAILU,)), "abnormal")
    assert kailu.orphan_count == 0  # A9 is in 科尔沁区


def test_weekly_series_shows_thirteen_weeks_with_context(conn):
    series = list_series(conn, LAST_WEEK, "abnormal")
    # weeks 08-24..30 … 11-16..22; only the last is 上周
    assert len(series) == 13
    assert series["bucket_start"].iloc[0] == date(2026, 8, 24)
    assert list(series["in_period"]) == [False] * 12 + [True]
    # opening at 08-23: A1 A3 A4 A7 A11–A17 = 11; A18 listed in the week of 09-28 → 12; A6 (11-15) → 13;
    # last week +3 −5 → 11
    assert series.attrs["opening_stock"] == 11
    assert list(series["stock"]) == [11] * 5 + [12] * 6 + [13, 11]
    assert list(series["inflow"]) == [0] * 5 + [1] + [0] * 5 + [1, 3]
    assert list(series["outflow"]) == [0] * 12 + [5]


def test_monthly_series_clipped_to_the_as_of_date(conn):
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 1, 1), date(2026, 12, 31)))
    series = list_series(conn, f, "abnormal")
    # December lies wholly after the as-of date (11-22): not drawn; November counts up to 11-22
    assert len(series) == 11
    assert (series["bucket_end"].iloc[-1], series["counted_to"].iloc[-1]) == (date(2026, 11, 30), date(2026, 11, 22))
    # opening at 2025-12-31: A3 A4 A7 A11–A17 = 10; 2026 inflow A1 (Jan) A18 (Oct) A2 A5 A6 A10 (Nov) = 6;
    # outflow A2 A4 A7 A10 A18 (Nov) = 5 → 11 at 11-22
    assert series.attrs["opening_stock"] == 10
    assert list(series["inflow"]) == [1] + [0] * 8 + [1, 4]
    assert list(series["outflow"]) == [0] * 10 + [5]
    assert list(series["stock"]) == [11] * 9 + [12, 11]


def test_series_buckets_split_the_week_holding_p_start():
    f = build_filters("month_to_date", TODAY, DATA_DATE)  # 11-01 (a Sunday) .. 11-22
    buckets = series_buckets(f.period)
    assert [(b.start, b.end, b.in_period) for b in buckets[-6:]] == [
        (date(2026, 10, 19), date(2026, 10, 25), False),
        (date(2026, 10, 26), date(2026, 10, 31), False),
        (date(2026, 11, 1), date(2026, 11, 1), True),
        (date(2026, 11, 2), date(2026, 11, 8), True),
        (date(2026, 11, 9), date(2026, 11, 15), True),
        (date(2026, 11, 16), date(2026, 11, 22), True),
    ]
    assert buckets[0].start == date(2026, 8, 24)  # 12 weeks before the week of P.end
    quarter = build_filters("last_quarter", TODAY, DATA_DATE)  # 07-01..09-30 = 92 days → months
    assert [(b.start, b.end) for b in series_buckets(quarter.period)] == [
        (date(2026, 7, 1), date(2026, 7, 31)), (date(2026, 8, 1), date(2026, 8, 31)), (date(2026, 9, 1), date(2026, 9, 30)),
    ]


def test_breakdown_by_reason_and_county(conn):
    frame = list_breakdown(conn, LAST_WEEK, "abnormal")
    got = {(r.flow, r.region_code, r.reason): r.entry_count for r in frame.itertuples()}
    assert got == {
        ("inflow", KEQIN, "unreachable"): 2,  # A2 A10 (A9 is an orphan)
        ("inflow", KEQIN, "no_disclosure"): 1,  # A5
        ("outflow", KEQIN, "corrected"): 1,  # A2
        ("outflow", KEQIN, "credit_repair"): 2,  # A7 A10
        ("outflow", KAILU, "transferred"): 1,  # A4
        ("outflow", KAILU, "credit_repair"): 1,  # A18
    }


def test_breakdown_by_office_puts_no_office_under_other(conn):
    frame = list_breakdown(conn, _filters(counties=(KEQIN,)), "abnormal")
    got = {(r.flow, r.region_code, r.reason): r.entry_count for r in frame.itertuples()}
    assert got == {
        ("inflow", KEQIN_MINGREN, "unreachable"): 1,  # A2
        ("inflow", KEQIN_YONGQING, "no_disclosure"): 1,  # A5
        ("inflow", "other", "unreachable"): 1,  # A10, enterprise without office
        ("outflow", KEQIN_MINGREN, "corrected"): 1,  # A2
        ("outflow", KEQIN_YONGQING, "credit_repair"): 1,  # A7
        ("outflow", "other", "credit_repair"): 1,  # A10
    }


def test_three_year_warning_window_edges(conn):
    warning = three_year_warning(conn, LAST_WEEK)
    # as-of 11-22, window to 2027-02-20: in stock and listed on or before 2024-02-20:
    # A11 (2023-08-01), A12 (2023-10-01, removed only on 11-25), A13 (2023-11-22, day 0), A14 (2024-02-20, day 90).
    # A4 was transferred; A15 (anniversary as-of + 91) is out.
    rows = warning.rows
    assert list(rows["entry_id"]) == [11, 12, 13, 14]
    assert (warning.total_count, warning.passed_count) == (4, 3)
    assert list(rows["is_passed"]) == [True, True, True, False]
    assert list(rows["eligible_on"]) == [date(2026, 8, 1), date(2026, 10, 1), date(2026, 11, 22), date(2027, 2, 20)]
    # passed: as-of − anniversary + 1 → 08-01: 113 + 1, 10-01: 52 + 1, 11-22: 0 + 1; A14: 2027-02-20 − 11-22 = 90 remaining
    assert list(rows["days"]) == [114, 53, 1, 90]
    assert list(rows["uscc"])[0] == enterprise(10, KEQIN, None)["uscc"]
    assert list(rows["listing_reason"]) == ["unreachable", "unreachable", "no_annual_report", "no_disclosure"]


def test_three_year_warning_bounded_with_the_total(conn):
    warning = three_year_warning(conn, LAST_WEEK, limit=2)
    assert list(warning.rows["entry_id"]) == [11, 12]
    assert (warning.total_count, warning.passed_count) == (4, 3)
    kailu = three_year_warning(conn, _filters(counties=(KAILU,)))
    assert list(kailu.rows["entry_id"]) == [12, 14]


def test_three_year_warning_with_a_29_february_listing(conn):
    # As-of 2026-11-30 → window to 2027-02-28, the anniversary of 2024-02-29; A12 left on 11-25.
    f = build_filters("custom", date(2026, 12, 1), date(2026, 11, 30), custom=(date(2026, 11, 24), date(2026, 11, 30)))
    warning = three_year_warning(conn, f)
    assert list(warning.rows["entry_id"]) == [11, 13, 14, 15, 16]  # A17 (2024-03-01) is out
    leap = warning.rows.iloc[-1]
    # 2027-02-28 − 2026-11-30 = 31 + 31 + 28 = 90 days remaining
    assert (leap["eligible_on"], leap["days"], leap["is_passed"]) == (date(2027, 2, 28), 90, False)
    assert warning.passed_count == 2  # A11, A13
    # One day earlier the window ends 2027-02-27: 2024-02-29 is not yet in it (A12 is still gone)
    earlier = build_filters("custom", date(2026, 12, 1), date(2026, 11, 29), custom=(date(2026, 11, 23), date(2026, 11, 29)))
    assert list(three_year_warning(conn, earlier).rows["entry_id"]) == [11, 13, 14, 15]


def test_anniversary_arithmetic():
    assert anniversary(date(2024, 2, 29)) == date(2027, 2, 28)
    assert latest_listing_eligible_by(date(2027, 2, 28)) == date(2024, 2, 29)
    assert latest_listing_eligible_by(date(2027, 2, 27)) == date(2024, 2, 27)
    assert latest_listing_eligible_by(date(2028, 2, 29)) == date(2025, 2, 28)


def test_credit_repair_count_and_median(conn):
    # A7: 2025-06-01 → 2026-11-16 = 365 + 168 = 533 days; A10: 11-19 → 11-21 = 2; A18: 10-01 → 11-17 = 47
    # (A3 is removed on 11-23, after P); median of 2, 47, 533 = 47
    city = credit_repair(conn, LAST_WEEK, "abnormal")
    assert (city.count, city.median_days) == (3, 47)
    # 科尔沁区: 2 and 533, an even count → (2 + 533) / 2 = 267.5
    keqin = credit_repair(conn, _filters(counties=(KEQIN,)), "abnormal")
    assert (keqin.count, keqin.median_days) == (2, 267.5)
    # serious S2: 2022-05-10 → 2026-11-19 = 1461 + 193 = 1654 days
    serious = credit_repair(conn, LAST_WEEK, "serious")
    assert (serious.count, serious.median_days) == (1, 1654)
    none = credit_repair(conn, LAST_WEEK.compared(), "abnormal")
    assert (none.count, none.median_days) == (0, None)


def test_median_of_distribution():
    assert median_of_distribution([(10, 1), (5, 1)]) == 7.5
    assert median_of_distribution([(5, 2), (10, 1)]) == 5
    assert median_of_distribution([(5, 2), (10, 2)]) == 7.5
    assert median_of_distribution([]) is None


def test_the_register_is_joined_only_when_a_figure_needs_it(conn):
    """A9's enterprise (999) is missing: the abnormal list's data check finds it, so its figures
    join the register, which drops A9. The serious list has no orphan, so its figures (asserted
    above) read the entries alone, unless an office is in play."""
    from queries import lists
    from queries.quality import register_join_needed

    run = run_on(conn)
    assert register_join_needed(run, LAST_WEEK, "abnormal_list_entries")
    assert not register_join_needed(run, LAST_WEEK, "serious_violation_entries")
    assert register_join_needed(run, _filters(counties=(KEQIN,)), "serious_violation_entries")  # by office
    # Read without the register, A9 (listed 11-18 in 科尔沁区, still listed) is counted:
    # inflow 3 + 1, closing 11 + 1; the opening and the outflow do not move.
    flows = lists.list_flows_counts(conn, LAST_WEEK, "abnormal", join_register=False)
    assert (flows.opening_stock, flows.inflow, flows.outflow, flows.closing_stock) == (13, 4, 5, 12)
    with pytest.raises(ValueError):
        lists.list_flows_counts(conn, _filters(counties=(KEQIN,)), "abnormal", join_register=False)
