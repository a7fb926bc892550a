"""queries/credit_risk.py on a hand-built fixture, on every dialect (metrics.md §1).

"On or before" is inclusive: enterprise 15 is assessed exactly on the first trend point and
exactly on Q's as-of date, enterprise 10 exactly on the 2026-06-30 trend point.

Period: 上周 with today 2026-11-23 → P = 2026-11-16..22 (as-of 11-22), Q = 11-09..15 (as-of 11-15).
Trend points: 2025-12-31, the month ends of 2026-01..10, and 2026-11-22.

Grade of each enterprise (— = in the population but unrated, × = outside the population):
| id | county/office        | assessments                              | at Q 11-15 | at P 11-22 |
|----|----------------------|------------------------------------------|-----------|-----------|
| 1  | 科尔沁区 永清          | 2025-06-01 A, 2026-11-20 C                | A         | C         |
| 2  | 科尔沁区 永清          | 2025-06-01 D, 2026-11-19 B                | D         | B         |
| 3  | 科尔沁区 明仁          | 2026-03-15 C                             | C         | C         |
| 4  | 科尔沁区 明仁          | 2025-01-01 B, 2026-11-23 D (after P.end) | B         | B         |
| 5  | 科尔沁区 no office     | 2026-01-10 A                             | A         | A         |
| 6  | 科尔沁区 开鲁镇 office  | 2025-05-01 D                             | D         | D         |
| 7  | 科尔沁区 永清          | none                                     | —         | —         |
| 8  | 科尔沁区 永清, dereg 11-18 | 2025-01-01 C                          | C         | ×         |
| 9  | 科尔沁区 永清, reg 11-17    | 2026-11-17 A                          | ×         | A         |
| 10 | 开鲁县 开鲁镇          | 2025-03-01 A, 2026-06-30 D, 2026-11-12 C  | C         | C         |
| 11 | 开鲁县 开鲁镇          | 2025-03-01 B, 2026-11-16 A                | B         | A         |
| 12 | 开鲁县 开鲁镇          | 2024-01-01 B, 2026-09-01 "X" (no grade)   | —         | —         |
| 13 | region 150599 (not in the tree) | 2026-01-01 D                   | dropped   | dropped   |
| 14 | 开鲁县, dereg 2025-12-01 | 2025-01-01 D                            | ×         | ×         |
| 15 | 开鲁县 开鲁镇          | 2025-12-31 C, 2026-11-15 A                | A         | A         |
| —  | enterprise 999 (orphan assessment) | 2026-01-01 D                | dropped   | dropped   |
"""

from datetime import date

import pytest
from sqlalchemy import literal, select

from queries.periods import build_filters
from queries import credit_risk as cr
from tests.fixture_base import (
    DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise,
)

UNKNOWN_REGION = "150599"


def _assess(eid, on, grade):
    return {"enterprise_id": eid, "assessed_on": on, "grade": grade, "score": None}


def fixture_rows() -> dict[str, list[dict]]:
    """The fixture of the module docstring (also used by the page tests)."""
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING, lon=122.251, lat=43.631),
        enterprise(2, KEQIN, KEQIN_YONGQING),
        enterprise(3, KEQIN, KEQIN_MINGREN, lon=122.259, lat=43.639),
        enterprise(4, KEQIN, KEQIN_MINGREN),
        enterprise(5, KEQIN, None),
        enterprise(6, KEQIN, KAILU_TOWN),
        enterprise(7, KEQIN, KEQIN_YONGQING),
        enterprise(8, KEQIN, KEQIN_YONGQING, deregistered_on=date(2026, 11, 18)),
        enterprise(9, KEQIN, KEQIN_YONGQING, registered_on=date(2026, 11, 17)),
        enterprise(10, KAILU, KAILU_TOWN, lon=121.305, lat=43.597),
        enterprise(11, KAILU, KAILU_TOWN),
        enterprise(12, KAILU, KAILU_TOWN),
        enterprise(13, UNKNOWN_REGION, None),
        enterprise(14, KAILU, KAILU_TOWN, deregistered_on=date(2025, 12, 1)),
        enterprise(15, KAILU, KAILU_TOWN),
    ]
    rows["credit_risk_assessments"] = [
        _assess(1, date(2025, 6, 1), "A"), _assess(1, date(2026, 11, 20), "C"),
        _assess(2, date(2025, 6, 1), "D"), _assess(2, date(2026, 11, 19), "B"),
        _assess(3, date(2026, 3, 15), "C"),
        _assess(4, date(2025, 1, 1), "B"), _assess(4, date(2026, 11, 23), "D"),
        _assess(5, date(2026, 1, 10), "A"),
        _assess(6, date(2025, 5, 1), "D"),
        _assess(8, date(2025, 1, 1), "C"),
        _assess(9, date(2026, 11, 17), "A"),
        _assess(10, date(2025, 3, 1), "A"), _assess(10, date(2026, 6, 30), "D"), _assess(10, date(2026, 11, 12), "C"),
        _assess(11, date(2025, 3, 1), "B"), _assess(11, date(2026, 11, 16), "A"),
        _assess(12, date(2024, 1, 1), "B"), _assess(12, date(2026, 9, 1), "X"),
        _assess(13, date(2026, 1, 1), "D"),
        _assess(14, date(2025, 1, 1), "D"),
        _assess(15, date(2025, 12, 31), "C"), _assess(15, date(2026, 11, 15), "A"),
        _assess(999, date(2026, 1, 1), "D"),
    ]
    return rows


ALL = build_filters("last_week", TODAY, DATA_DATE)
ONE_COUNTY = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))
ONE_OFFICE = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,), office=KEQIN_YONGQING)


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(fixture_rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


def _by_region(frame):
    return {
        row.region_code: (row.a_count, row.b_count, row.c_count, row.d_count, row.rated_count, row.unrated_count)
        for row in frame.itertuples()
    }


def test_distribution_at_period_end_by_county(conn):
    # 科尔沁区 at 11-22: A = 5, 9; B = 2, 4; C = 1, 3; D = 6; rated 7; 未分类 = 7 (8 deregistered on 11-18).
    # 开鲁县: A = 11, 15; C = 10; 未分类 = 12 (its latest assessment, "X", is no grade); 14 deregistered.
    # Enterprise 4's D of 11-23 is after the as-of date; enterprise 13 (region not in the tree) is dropped.
    assert _by_region(cr.grade_distribution(conn, ALL)) == {
        KEQIN: (2, 2, 2, 1, 7, 1),
        KAILU: (2, 0, 1, 0, 3, 1),
    }


def test_headline_totals_and_comparison(conn):
    now = cr.grade_totals(cr.grade_distribution(conn, ALL))
    then = cr.grade_totals(cr.grade_distribution(conn, ALL.compared()))
    # At P: A 4, B 2, C 3, D 1 → rated 10, 未分类 2; high risk (3 + 1) / 10.
    assert (now.a_count, now.b_count, now.c_count, now.d_count) == (4, 2, 3, 1)
    assert (now.rated_count, now.unrated_count) == (10, 2)
    assert (now.high_risk.numerator, now.high_risk.denominator) == (4, 10)
    assert (now.d_share.numerator, now.d_share.denominator) == (1, 10)
    # At Q (11-15): 1 A, 2 D, 3 C, 4 B, 5 A, 6 D, 7 —, 8 C, 10 C, 11 B, 12 —, 15 A (assessed on 11-15):
    # A 3, B 2, C 3, D 2 → (3 + 2) / 10.
    assert (then.a_count, then.b_count, then.c_count, then.d_count, then.unrated_count) == (3, 2, 3, 2, 2)
    assert (then.high_risk.numerator, then.high_risk.denominator) == (5, 10)


def test_one_county_groups_by_office_and_adds_up(conn):
    # 永清: 1 C, 2 B, 9 A, 7 —; 明仁: 3 C, 4 B; 其他: 5 A (no office), 6 D (an office of 开鲁县).
    assert _by_region(cr.grade_distribution(conn, ONE_COUNTY)) == {
        KEQIN_YONGQING: (1, 1, 1, 0, 3, 1),
        KEQIN_MINGREN: (0, 1, 1, 0, 2, 0),
        "other": (1, 0, 0, 1, 2, 0),
    }
    assert _by_region(cr.grade_distribution(conn, ONE_OFFICE)) == {KEQIN_YONGQING: (1, 1, 1, 0, 3, 1)}


def test_trend_points():
    assert cr.trend_points(ALL) == [date(2025, 12, 31)] + [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
        date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31),
    ] + [date(2026, 11, 22)]
    last_month = build_filters("last_month", TODAY, DATA_DATE)  # October 2026, complete
    assert cr.trend_points(last_month)[0] == date(2025, 11, 30)
    assert cr.trend_points(last_month)[-2:] == [date(2026, 9, 30), date(2026, 10, 31)]
    # P runs to 12-31 but the data stops on 11-22: 11-30 is after the as-of date and is dropped.
    stale = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 11, 1), date(2026, 12, 31)))
    points = cr.trend_points(stale)
    assert len(points) == 11 and points[-2:] == [date(2026, 10, 31), date(2026, 11, 22)]


def test_high_risk_trend(conn):
    frame = cr.high_risk_trend(conn, ONE_OFFICE)
    series = {
        (row.point_on, row.region_code): (row.high_risk_count, row.rated_count) for row in frame.itertuples()
    }
    keqin = {point: value for (point, region), value in series.items() if region == KEQIN}
    # 科尔沁区: 12-31 rated 1 A, 2 D, 4 B, 6 D, 8 C → 3 of 5; 5 is rated from 01-10 (A) → 3 of 6;
    # 3 from 03-15 (C) → 4 of 7 until 10-31; at 11-22: 1 C, 2 B, 3 C, 4 B, 5 A, 6 D, 9 A → 3 of 7.
    assert keqin[date(2025, 12, 31)] == (3, 5)
    assert keqin[date(2026, 1, 31)] == keqin[date(2026, 2, 28)] == (3, 6)
    assert keqin[date(2026, 3, 31)] == keqin[date(2026, 10, 31)] == (4, 7)
    assert keqin[date(2026, 11, 22)] == (3, 7)
    kailu = {point: value for (point, region), value in series.items() if region == KAILU}
    # 开鲁县: 10 A, 11 B, 12 B, 15 C (assessed on 12-31 itself) → 1 of 4; 10 D on 06-30 itself → 2 of 4;
    # 12's "X" from 09-01 → 2 of 3; at 11-22: 10 C, 11 A, 15 A → 1 of 3.
    # Enterprise 14 (deregistered 2025-12-01) is never in.
    assert kailu[date(2025, 12, 31)] == kailu[date(2026, 5, 31)] == (1, 4)
    assert kailu[date(2026, 6, 30)] == kailu[date(2026, 8, 31)] == (2, 4)
    assert kailu[date(2026, 9, 30)] == (2, 3)
    assert kailu[date(2026, 11, 22)] == (1, 3)
    # The chosen office 永清: 1 A, 2 D, 8 C → 2 of 3 until 10-31; at 11-22: 1 C, 2 B, 9 A → 1 of 3.
    office = {point: value for (point, region), value in series.items() if region == KEQIN_YONGQING}
    assert office[date(2026, 10, 31)] == (2, 3) and office[date(2026, 11, 22)] == (1, 3)
    assert len(office) == 12 and set(frame["region_code"]) == {KEQIN, KAILU, KEQIN_YONGQING}


def test_trend_last_point_equals_headline(conn):
    frame = cr.high_risk_trend(conn, ALL)
    last = frame[frame["point_on"] == DATA_DATE]
    assert (int(last["high_risk_count"].sum()), int(last["rated_count"].sum())) == (4, 10)


def test_migration_matrix(conn):
    matrix = cr.migration_matrix(conn, ALL)
    cells = {(row.from_grade, row.to_grade): row.enterprise_count for row in matrix.itertuples()}
    # Rated at both 11-15 and 11-22: 1 A→C, 2 D→B, 3 C→C, 4 B→B, 5 A→A, 6 D→D, 10 C→C, 11 B→A,
    # 15 A→A (its A dated 11-15 counts at Q). Left out: 7 and 12 (unrated), 8 (deregistered 11-18),
    # 9 (registered 11-17), 13, 14.
    assert cells == {
        ("A", "A"): 2, ("A", "C"): 1, ("B", "A"): 1, ("B", "B"): 1, ("C", "C"): 2, ("D", "B"): 1, ("D", "D"): 1,
    }
    totals = cr.migration_totals(matrix)
    # Upgraded: 2 (D→B), 11 (B→A); downgraded: 1 (A→C); unchanged: 3, 4, 5, 6, 10, 15.
    assert (totals.upgraded, totals.downgraded, totals.unchanged, totals.total) == (2, 1, 6, 9)


def test_migration_respects_office_scope(conn):
    cells = {(r.from_grade, r.to_grade): r.enterprise_count for r in cr.migration_matrix(conn, ONE_OFFICE).itertuples()}
    assert cells == {("A", "C"): 1, ("D", "B"): 1}  # 永清: enterprises 1 and 2


def test_high_risk_density(conn):
    frame = cr.high_risk_density(conn, ALL)
    cells = {(round(row.lon, 2), round(row.lat, 2)): row.enterprise_count for row in frame.itertuples()}
    # C/D at 11-22 with coordinates: 1 and 3 share the cell floor(122.25x·50) = 6112, floor(43.63x·50) = 2181
    # (centre 6112.5 / 50 = 122.25, 2181.5 / 50 = 43.63); 10 is in cell (6065, 2179) → (121.31, 43.59).
    # Enterprise 6 (D) has no coordinates.
    assert cells == {(122.25, 43.63): 2, (121.31, 43.59): 1}


def test_grid_cell_floors_on_every_dialect(conn):
    values = [-0.01, 0.0, 0.019, 122.251]
    stmt = select(*[cr.grid_cell(literal(v)).label(f"c{i}") for i, v in enumerate(values)])
    # ×50: −0.5 → −1, 0 → 0, 0.95 → 0, 6112.55 → 6112
    assert tuple(conn.execute(stmt).one()) == (-1, 0, 0, 6112)


def test_data_quality(conn):
    quality = cr.data_quality(conn, ALL)
    # Orphan: the assessment of enterprise 999. Unplaceable: enterprise 13. No grade: 12's "X".
    # C/D without coordinates in scope: enterprise 6.
    assert quality == cr.CreditDataQuality(
        orphan_assessments=1, unplaceable_enterprises=1, invalid_grade_assessments=1, high_risk_without_location=1
    )
    assert cr.data_quality(conn, ONE_OFFICE).high_risk_without_location == 0
