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

Entities outside the default classification scope (企业 only), which count nowhere in credit
risk unless the scope includes their type (grade with the scope widened to all three types):
| id | type / county/office        | assessments                         | at Q 11-15 | at P 11-22 |
|----|-----------------------------|-------------------------------------|-----------|-----------|
| 16 | individual 科尔沁区 永清     | 2026-01-01 D (located like 1)       | D         | D         |
| 17 | individual 开鲁县 开鲁镇     | none                                | —         | —         |
| 18 | cooperative 科尔沁区 明仁    | 2025-06-01 C, 2026-11-18 A          | C         | A         |
| 19 | cooperative 开鲁县          | none                                | —         | —         |
| 20 | individual region 150599    | 2026-01-01 D                        | dropped   | dropped   |
| 21 | individual 科尔沁区 no office | 2026-02-01 "X" (no grade)          | —         | —         |
With the default scope every figure below is what it was before these six rows existed.
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
        enterprise(16, KEQIN, KEQIN_YONGQING, entity_type="individual", lon=122.252, lat=43.632),
        enterprise(17, KAILU, KAILU_TOWN, entity_type="individual"),
        enterprise(18, KEQIN, KEQIN_MINGREN, entity_type="cooperative", lon=122.253, lat=43.633),
        enterprise(19, KAILU, None, entity_type="cooperative"),
        enterprise(20, UNKNOWN_REGION, None, entity_type="individual"),
        enterprise(21, KEQIN, None, entity_type="individual"),
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
        _assess(16, date(2026, 1, 1), "D"),
        _assess(18, date(2025, 6, 1), "C"), _assess(18, date(2026, 11, 18), "A"),
        _assess(20, date(2026, 1, 1), "D"),
        _assess(21, date(2026, 2, 1), "X"),
    ]
    return rows


COMPANIES = cr.DEFAULT_ENTITY_TYPES
EVERY_TYPE = ("company", "individual", "cooperative")

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
    assert _by_region(cr.grade_distribution(conn, ALL, entity_types=COMPANIES)) == {
        KEQIN: (2, 2, 2, 1, 7, 1),
        KAILU: (2, 0, 1, 0, 3, 1),
    }


def test_headline_totals_and_comparison(conn):
    now = cr.grade_totals(cr.grade_distribution(conn, ALL, entity_types=COMPANIES))
    then = cr.grade_totals(cr.grade_distribution(conn, ALL.compared(), entity_types=COMPANIES))
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
    assert _by_region(cr.grade_distribution(conn, ONE_COUNTY, entity_types=COMPANIES)) == {
        KEQIN_YONGQING: (1, 1, 1, 0, 3, 1),
        KEQIN_MINGREN: (0, 1, 1, 0, 2, 0),
        "other": (1, 0, 0, 1, 2, 0),
    }
    assert _by_region(cr.grade_distribution(conn, ONE_OFFICE, entity_types=COMPANIES)) == {KEQIN_YONGQING: (1, 1, 1, 0, 3, 1)}


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
    frame = cr.high_risk_trend(conn, ONE_OFFICE, entity_types=COMPANIES)
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
    frame = cr.high_risk_trend(conn, ALL, entity_types=COMPANIES)
    last = frame[frame["point_on"] == DATA_DATE]
    assert (int(last["high_risk_count"].sum()), int(last["rated_count"].sum())) == (4, 10)


def test_migration_matrix(conn):
    matrix = cr.migration_matrix(conn, ALL, entity_types=COMPANIES)
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
    cells = {(r.from_grade, r.to_grade): r.enterprise_count for r in cr.migration_matrix(conn, ONE_OFFICE, entity_types=COMPANIES).itertuples()}
    assert cells == {("A", "C"): 1, ("D", "B"): 1}  # 永清: enterprises 1 and 2


def test_high_risk_density(conn):
    frame = cr.high_risk_density(conn, ALL, entity_types=COMPANIES)
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
    quality = cr.data_quality(conn, ALL, entity_types=COMPANIES)
    # Orphan: the assessment of enterprise 999. Unplaceable: enterprise 13 (20 is an individual,
    # outside the scope). No grade: 12's "X" (21's "X" is an individual's). C/D without
    # coordinates in scope: enterprise 6. Assessed outside the scope: 16, 18, 21 (20 cannot be
    # placed; 17 and 19 have no assessment).
    assert quality == cr.CreditDataQuality(
        orphan_assessments=1, unplaceable_enterprises=1, invalid_grade_assessments=1, high_risk_without_location=1,
        assessed_outside_scope=3,
    )
    office = cr.data_quality(conn, ONE_OFFICE, entity_types=COMPANIES)
    assert (office.high_risk_without_location, office.assessed_outside_scope) == (0, 1)  # 永清: 16


# --- the classification scope ----------------------------------------------------------------
# Widening the scope to all three entity types brings entities 16–21 in: proof that the
# default's figures above leave them out because of the scope and nothing else.

def test_scope_widened_distribution(conn):
    # 科尔沁区 at 11-22: A 5, 9, 18; B 2, 4; C 1, 3; D 6, 16 → rated 9; 未分类 7, 21 ("X").
    # 开鲁县: A 11, 15; C 10; 未分类 12, 17, 19. Enterprise 20 cannot be placed.
    assert _by_region(cr.grade_distribution(conn, ALL, entity_types=EVERY_TYPE)) == {
        KEQIN: (3, 2, 2, 2, 9, 2),
        KAILU: (2, 0, 1, 0, 3, 3),
    }
    # At Q (11-15): the default's A 3, B 2, C 3, D 2, 未分类 2 plus 16 D, 18 C, 17, 19, 21 unrated.
    then = cr.grade_totals(cr.grade_distribution(conn, ALL.compared(), entity_types=EVERY_TYPE))
    assert (then.a_count, then.b_count, then.c_count, then.d_count, then.unrated_count) == (3, 2, 4, 3, 5)
    # Only individuals: 科尔沁区 16 D, 21 未分类; 开鲁县 17 未分类.
    assert _by_region(cr.grade_distribution(conn, ALL, entity_types=("individual",))) == {
        KEQIN: (0, 0, 0, 1, 1, 1),
        KAILU: (0, 0, 0, 0, 0, 1),
    }


def test_scope_widened_trend_migration_density(conn):
    frame = cr.high_risk_trend(conn, ALL, entity_types=EVERY_TYPE)
    keqin = {row.point_on: (row.high_risk_count, row.rated_count) for row in frame.itertuples() if row.region_code == KEQIN}
    # 12-31: the default's 3 of 5 plus 18 C (16 is assessed only on 01-01) → 4 of 6;
    # 01-31: 3 of 6 plus 16 D and 18 C → 5 of 8; 11-22: 3 of 7 plus 16 D and 18 A → 4 of 9.
    assert keqin[date(2025, 12, 31)] == (4, 6)
    assert keqin[date(2026, 1, 31)] == (5, 8)
    assert keqin[date(2026, 11, 22)] == (4, 9)
    totals = cr.migration_totals(cr.migration_matrix(conn, ALL, entity_types=EVERY_TYPE))
    # The default's 2 up, 1 down, 6 unchanged plus 16 D→D and 18 C→A (its A of 11-18 is after Q).
    assert (totals.upgraded, totals.downgraded, totals.unchanged) == (3, 1, 7)
    density = cr.high_risk_density(conn, ALL, entity_types=EVERY_TYPE)
    cells = {(round(row.lon, 2), round(row.lat, 2)): row.enterprise_count for row in density.itertuples()}
    # 16 (D) lies in enterprise 1's cell: floor(122.252 × 50) = 6112, floor(43.632 × 50) = 2181.
    assert cells == {(122.25, 43.63): 3, (121.31, 43.59): 1}
    quality = cr.data_quality(conn, ALL, entity_types=EVERY_TYPE)
    # Unplaceable 13 and 20; no grade: 12's and 21's "X"; nothing is outside the scope.
    assert (quality.unplaceable_enterprises, quality.invalid_grade_assessments, quality.assessed_outside_scope) == (2, 2, 0)


def test_scope_must_name_a_type(conn):
    with pytest.raises(ValueError):
        cr.grade_distribution(conn, ALL, entity_types=())


def test_latest_assessment_round(conn):
    # Up to 11-22 in the scope: enterprise 1's C of 11-20 (4's D of 11-23 is later; 18's A of
    # 11-18 is a cooperative's). 开鲁县: 11's A of 11-16. October: the latest is 12's "X" of 09-01.
    assert cr.latest_assessment_on(conn, ALL, entity_types=COMPANIES) == date(2026, 11, 20)
    kailu = build_filters("last_week", TODAY, DATA_DATE, counties=(KAILU,))
    assert cr.latest_assessment_on(conn, kailu, entity_types=COMPANIES) == date(2026, 11, 16)
    october = build_filters("last_month", TODAY, DATA_DATE)
    assert cr.latest_assessment_on(conn, october, entity_types=COMPANIES) == date(2026, 9, 1)
