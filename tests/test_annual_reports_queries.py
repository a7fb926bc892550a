"""queries/annual_reports.py on a hand-built fixture, on every dialect (metrics.md section 6).

As-of 2026-11-22 → report year 2025, deadline 2026-06-30. The comparison is report year 2024
at 2025-11-22 (deadline 2025-06-30), whatever comparison the filter chose.
 e1 科尔沁·永清 2025: 2026-03-01 (on time)   2024: 2025-04-01
 e2 科尔沁·明仁 2025: 2026-08-15 (late)      2024: 2025-12-01 (after 2025-11-22: not yet)
 e3 科尔沁 (no office) registered 2025-12-31: required for 2025 only, never filed
 e4 科尔沁·永清 registered 2026-01-01: not required
 e5 开鲁 deregistered 2026-05-01: not required now (its 2025 report ignored); 2024: 2025-05-01
 e6 开鲁 deregistered 2026-11-23 (after the as-of): still required, no 2025 report; 2024: 2025-06-30 (deadline day)
 e7 开鲁 2025: 2026-11-23 (after the as-of: not counted); 2024: 2025-07-01 (late)
 e8 科尔沁·明仁 2025: 2026-06-30 (deadline day, on time)
 a 2025 report of enterprise 999, which does not exist (orphan)
"""

from datetime import date

import pytest

from queries.periods import build_filters
from queries.annual_reports import (
    TOTAL,
    annual_report_by_region,
    annual_report_orphans,
    annual_report_progress,
    annual_report_rate_parts,
    season,
)
from tests.fixture_base import DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise


def _report(eid, year, submitted_on):
    return {"enterprise_id": eid, "report_year": year, "submitted_on": submitted_on}


@pytest.fixture(scope="module")
def conn(dialect_db):
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING),
        enterprise(2, KEQIN, KEQIN_MINGREN),
        enterprise(3, KEQIN, None, registered_on=date(2025, 12, 31)),
        enterprise(4, KEQIN, KEQIN_YONGQING, registered_on=date(2026, 1, 1)),
        enterprise(5, KAILU, KAILU_TOWN, deregistered_on=date(2026, 5, 1)),
        enterprise(6, KAILU, KAILU_TOWN, deregistered_on=date(2026, 11, 23)),
        enterprise(7, KAILU, KAILU_TOWN),
        enterprise(8, KEQIN, KEQIN_MINGREN),
    ]
    rows["annual_reports"] = [
        _report(1, 2025, date(2026, 3, 1)), _report(1, 2024, date(2025, 4, 1)),
        _report(2, 2025, date(2026, 8, 15)), _report(2, 2024, date(2025, 12, 1)),
        _report(5, 2025, date(2026, 3, 1)), _report(5, 2024, date(2025, 5, 1)),
        _report(6, 2024, date(2025, 6, 30)),
        _report(7, 2025, date(2026, 11, 23)), _report(7, 2024, date(2025, 7, 1)),
        _report(8, 2025, date(2026, 6, 30)),
        _report(999, 2025, date(2026, 2, 1)),
    ]
    dialect_db.load(rows)
    with dialect_db.readonly().connect() as connection:
        yield connection


LAST_WEEK = build_filters("last_week", TODAY, DATA_DATE)


def _by_region(frame):
    return {r.region_code: (r.submitted_count, r.required_count, r.late_count) for r in frame.itertuples()}


def test_season_is_the_year_before_the_as_of_date():
    assert (season(LAST_WEEK).report_year, season(LAST_WEEK).deadline) == (2025, date(2026, 6, 30))
    previous = season(LAST_WEEK, previous=True)
    assert (previous.report_year, previous.as_of) == (2024, date(2025, 11, 22))
    # In January the season of the year just ended starts
    january = build_filters("custom", TODAY, DATA_DATE, custom=(date(2026, 1, 1), date(2026, 1, 7)))
    assert season(january).report_year == 2025


def test_rate_by_county(conn):
    frame = annual_report_by_region(conn, LAST_WEEK)
    assert set(frame["report_year"]) == {2025}
    # 科尔沁: required e1 e2 e3 e8 (e4 registered in 2026) = 4; filed e1, e2 (late), e8 (deadline day) = 3, late 1
    # 开鲁: required e6 e7 (e5 deregistered before the as-of) = 2; e7 filed after the as-of → 0
    assert _by_region(frame) == {KEQIN: (3, 4, 1), KAILU: (0, 2, 0)}


def test_rate_of_the_previous_season_at_the_same_point(conn):
    frame = annual_report_by_region(conn, LAST_WEEK, previous=True)
    assert set(frame["report_year"]) == {2024}
    # 科尔沁 at 2025-11-22: required e1 e2 e8 = 3 (e3 registered in 2025); filed e1 only (e2 on 12-01) = 1
    # 开鲁: required e5 e6 e7 = 3 (e5 deregistered later); filed all three, e7 late (07-01)
    assert _by_region(frame) == {KEQIN: (1, 3, 0), KAILU: (3, 3, 1)}
    # whatever the comparison mode
    year_ago = build_filters("last_week", TODAY, DATA_DATE, comparison_mode="year_ago")
    assert _by_region(annual_report_by_region(conn, year_ago, previous=True)) == _by_region(frame)


def test_rate_by_office_of_one_county(conn):
    frame = annual_report_by_region(conn, build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,)))
    # 永清 e1 (e4 not required); 明仁 e2 (late) e8; 其他 e3 (no office, not filed)
    assert _by_region(frame) == {KEQIN_YONGQING: (1, 1, 0), KEQIN_MINGREN: (2, 2, 1), "other": (0, 1, 0)}


def test_rate_parts_for_the_overview(conn):
    frame = annual_report_rate_parts(conn, LAST_WEEK)
    # the total sums the parts: 3 + 0 filed of 4 + 2 required, 1 late
    assert _by_region(frame) == {KEQIN: (3, 4, 1), KAILU: (0, 2, 0), TOTAL: (3, 6, 1)}
    assert list(frame.columns) == ["region_code", "report_year", "submitted_count", "required_count", "late_count"]


def test_progress_through_the_season(conn):
    frame = annual_report_progress(conn, LAST_WEEK)
    # months of 2026 up to the as-of: e1 files in March, e8 on 06-30, e2 in August (late); 6 required
    assert list(frame["month"]) == list(range(1, 12))
    assert frame["counted_to"].iloc[-1] == date(2026, 11, 22)
    assert list(frame["submitted_count"]) == [0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3]
    assert set(frame["required_count"]) == {6}
    previous = annual_report_progress(conn, LAST_WEEK, previous=True)
    # 2025 up to 11-22: e5 (05-01), e1 (04-01) → April 1, May 2, June 3 (e6 06-30), July 4 (e7); 6 required
    assert list(previous["submitted_count"]) == [0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 4]


def test_orphan_reports(conn):
    assert annual_report_orphans(conn, LAST_WEEK) == 1


@pytest.mark.parametrize("previous", [False, True])
def test_the_reports_counted_by_month_give_the_same_frame_as_the_counts_per_month_end(conn, previous):
    # SQLite counts each report once in its month and sums them in Python (annual_report_season);
    # the other dialects count per month end in SQL. Both on every dialect, the whole frame, the
    # late filings and every month included (test_progress_through_the_season works them out).
    import pandas as pd

    from queries import annual_reports

    for f in (LAST_WEEK, build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))):
        current = annual_reports.season(f, previous)
        ends = annual_reports.season_month_ends(current)
        by_month = annual_reports._filed_by_month(conn, f, current, ends).sort_values("region_code", ignore_index=True)
        per_end = pd.DataFrame(conn.execute(annual_reports._filed_counts(f, current, ends)).all(), columns=list(by_month.columns))
        per_end = per_end.sort_values("region_code", ignore_index=True)
        assert by_month.to_dict("records") == [{k: (v if k == "region_code" else int(v)) for k, v in r.items()} for r in per_end.to_dict("records")]
        assert int(by_month["submitted_count"].sum()) > 0
