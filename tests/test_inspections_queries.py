"""Random-inspection figures (queries/inspections.py) on a hand-built fixture, on every dialect.

P = 上周 = Mon 16 – Sun 22 Nov 2026 (as-of 22 Nov); Q (环比) = 9–15 Nov (as-of 15 Nov).
Working days come from workday_adjustments (2026's real 中秋/国庆 schedule, tests/test_workdays.py).

Tasks (county, category, starts_on – due_on, differentiated):
  T1 科尔沁区 food        1 Sep – 30 Nov  yes   active in P and Q (spans both boundaries)
  T2 科尔沁区 registration 1 Oct – 16 Nov no    due on P.start (inclusive), active in P and Q
  T3 开鲁县   product_q.  20 Nov – 31 Dec yes   joint plan, starts inside P: active in P only
  T4 开鲁县   annual_rep. 1 Jun – 31 Oct  yes   due before P: only in the overdue list and publication
  T5 开鲁县   special_eq. 23 Nov – 20 Dec no    joint plan, starts after the as-of date: never active
  T6 科尔沁区 (plan 99 missing: an orphan task, dropped)
  T7 开鲁县   registration 1 Sep – 30 Sep no   holds the 国庆 publication cases
Enterprises: 1 永清所, 2 明仁所, 3 no office, 4 an office of 开鲁县 (→ 其他 in 科尔沁区), 5 and 6 开鲁镇所.
"""

from datetime import date

import pytest

from dashboard.format import fmt_rate
from queries.periods import build_filters
from queries import inspections as q
from tests.fixture_base import (
    DATA_DATE,
    KAILU,
    KAILU_TOWN,
    KEQIN,
    KEQIN_MINGREN,
    KEQIN_YONGQING,
    TODAY,
    base_rows,
    enterprise,
    run_on,
)
from tests.test_workdays import ADJUSTMENTS_2026

def nov(day):
    return date(2026, 11, day)


def oct_(day):
    return date(2026, 10, day)


def sep(day):
    return date(2026, 9, day)


def _task(tid, plan, region, category, starts_on, due_on, differentiated, name):
    return {"id": tid, "plan_id": plan, "name": name, "region_code": region, "item_category": category,
            "starts_on": starts_on, "due_on": due_on, "is_differentiated": differentiated}


def _obj(iid, task, ent, grade, inspected_on=None, result=None, published_on=None):
    return {"id": iid, "task_id": task, "enterprise_id": ent, "grade_at_sampling": grade,
            "inspected_on": inspected_on, "result": result, "published_on": published_on}


def inspection_rows() -> dict[str, list[dict]]:
    """The fixture (also used by the page test)."""
    rows = base_rows()
    rows["workday_adjustments"] = [dict(r) for r in ADJUSTMENTS_2026]
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING), enterprise(2, KEQIN, KEQIN_MINGREN), enterprise(3, KEQIN, None),
        enterprise(4, KEQIN, KAILU_TOWN), enterprise(5, KAILU, KAILU_TOWN), enterprise(6, KAILU, KAILU_TOWN),
    ]
    rows["inspection_plans"] = [
        {"id": 1, "name": "2026年度市场监管部门双随机抽查计划", "year": 2026, "lead_department": "市场监管局", "is_joint": False},
        {"id": 2, "name": "2026年度部门联合双随机抽查计划", "year": 2026, "lead_department": "商务局", "is_joint": True},
    ]
    rows["inspection_tasks"] = [
        _task(1, 1, KEQIN, "food", sep(1), nov(30), True, "餐饮服务单位抽查"),
        _task(2, 1, KEQIN, "registration", oct_(1), nov(16), False, "企业登记事项抽查"),
        _task(3, 2, KAILU, "product_quality", nov(20), date(2026, 12, 31), True, "成品油经营企业联合抽查"),
        _task(4, 1, KAILU, "annual_report", date(2026, 6, 1), oct_(31), True, "企业年度报告公示信息抽查"),
        _task(5, 2, KAILU, "special_equipment", date(2026, 11, 23), date(2026, 12, 20), False, "燃气经营企业联合抽查"),
        _task(6, 99, KEQIN, "other", oct_(1), nov(1), False, "计划缺失的任务"),
        _task(7, 1, KAILU, "registration", sep(1), sep(30), False, "个体工商户登记事项抽查"),
    ]
    rows["inspections"] = [
        _obj(1, 1, 1, "A", nov(17), "no_problem", nov(18)),
        _obj(2, 1, 2, "C", nov(18), "corrected"),
        _obj(3, 1, 3, "D", nov(23), "referred", nov(23)),  # inspected after the as-of date
        _obj(4, 1, 1, "D"),
        _obj(5, 1, 4, None, nov(10), "not_operating", nov(11)),
        _obj(6, 2, 1, "B", nov(12), "no_problem", nov(13)),
        _obj(7, 2, 2, "C", nov(16), "unreachable", nov(23)),  # published after the as-of date
        _obj(8, 2, 3, "B", nov(19), None),  # inspected without a result
        _obj(9, 2, 2, "A"),
        _obj(10, 3, 5, "D", nov(21), "false_disclosure"),
        _obj(11, 3, 6, "C"),
        _obj(12, 4, 5, "B", oct_(20), "no_problem", nov(16)),
        _obj(13, 4, 6, "A"),
        _obj(14, 4, 5, "C", oct_(19), "corrected"),
        _obj(15, 4, 6, "D", oct_(22), "refused", nov(20)),
        _obj(16, 4, 5, "B", oct_(23), "no_problem", nov(20)),
        _obj(17, 5, 5, "B"),
        _obj(18, 6, 1, "A", nov(17), "no_problem"),  # orphan task (plan missing)
        _obj(19, 77, 1, "A", nov(17), "no_problem"),  # orphan: task missing
        _obj(20, 1, 999, "A", nov(17), "no_problem"),  # orphan: enterprise missing
        _obj(21, 1, 2, "B", oct_(21), "no_problem", nov(18)),
        _obj(22, 4, 6, "B", oct_(24), "no_problem", oct_(1)),  # published before its inspection
        _obj(23, 4, 5, "C", oct_(19), "corrected", nov(17)),
        _obj(24, 4, 6, "A", oct_(14), "no_problem", nov(10)),
        _obj(25, 6, 2, "B"),  # orphan task's outstanding object
        _obj(28, 3, 6, None, nov(22), "no_problem", nov(22)),  # inspected on the as-of date
        _obj(29, 4, 6, "C", oct_(16), "corrected"),
        # T7, the 国庆 cases (judged when P = 26 Oct – 1 Nov):
        _obj(31, 7, 5, "B", sep(24), "no_problem", oct_(29)),  # 20th working day: on time
        _obj(32, 7, 6, "B", sep(24), "no_problem", oct_(30)),  # 21st working day: late
        _obj(33, 7, 5, "C", sep(24), "corrected"),  # never published
        _obj(34, 7, 6, "A", sep(28), "no_problem", oct_(30)),  # deadline Fri 30 Oct: on time
        _obj(35, 7, 5, "B", sep(21), "no_problem", sep(18)),  # published before inspection: on time
        _obj(36, 7, 6, "B", sep(20), "no_problem", oct_(26)),  # deadline 23 Oct: judged the week before
        _obj(37, 7, 5, "B", sep(29), "no_problem"),  # deadline Mon 2 Nov: pending at 1 Nov
        _obj(38, 7, 6, "D", sep(28), "refused", oct_(31)),  # Saturday after a Friday deadline: late
    ]
    return rows


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(inspection_rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


def _filters(**kw):
    return build_filters("last_week", TODAY, DATA_DATE, **kw)


def test_headline_last_week(conn):
    h = q.headline(conn, _filters())
    # Active in P (starts <= 22 Nov, due >= 16 Nov): T1, T2, T3 (T4 due 31 Oct, T5 starts 23 Nov, T6 orphan).
    assert (h.active_task_count, h.joint_task_count) == (3, 1)  # T3 is joint → share 1/3
    # Drawn: T1 {1,2,3,4,5,21} 6 + T2 {6,7,8,9} 4 + T3 {10,11,28} 3 = 13 (20 dropped: enterprise missing).
    # Completed by 22 Nov: T1 {1,2,5,21} 4 (3 is dated 23 Nov) + T2 {6,7,8} 3 + T3 {10,28} 2 = 9.
    # Differentiated: T1 6 + T3 3 = 9; 9/13 = 69.2% < 70 %.
    assert (h.drawn_count, h.completed_count, h.differentiated_count) == (13, 9, 9)
    # Due 16–22 Nov: T2 only: 4 objects, 3 inspected by 22 Nov, 2 by 16 Nov (6 on 12 Nov, 7 on 16 Nov).
    assert (h.due_object_count, h.due_done_count, h.due_on_time_count) == (4, 3, 2)
    # Inspected 16–22 Nov: 1, 2, 7, 8, 10, 28 = 6 (3 is after the as-of date; 18, 19, 20 orphans).
    # Problems: 2 corrected, 7 unreachable, 10 false_disclosure = 3; 8 has no result (not a problem).
    assert (h.inspected_count, h.problem_count, h.missing_result_count) == (6, 3, 1)
    # Deadlines 16–20 Nov ← inspected 19–25 Oct: 14 (19 Oct → dl 16 Nov, unpublished) ✗,
    # 23 (19 Oct → 16 Nov, published 17 Nov) ✗, 12 (20 Oct → 17 Nov, published 16 Nov) ✓,
    # 21 (21 Oct → 18 Nov, published 18 Nov) ✓, 15 (22 Oct → 19 Nov, published 20 Nov: 21st day) ✗,
    # 16 (23 Oct → 20 Nov, published 20 Nov: 20th day) ✓, 22 (Sat 24 Oct → 20 Nov, published
    # 1 Oct, before its inspection: on time) ✓ → 4/7.
    assert (h.publication_due_count, h.published_on_time_count, h.published_before_inspection_count) == (7, 4, 1)
    # Pending at 22 Nov: inspected 26 Oct – 22 Nov and unpublished then: 2, 7 (published 23 Nov), 8, 10.
    assert h.pending_publication_count == 4
    assert h.has_workday_table and h.uncovered_years == ()


def test_the_register_is_joined_only_when_a_figure_needs_it(conn):
    """The figures join the register to drop objects whose enterprise is missing and to place
    objects by office. Object 20's enterprise (999) is missing: the inspections' data check finds
    it, so the join is kept. With no such orphan and no office in play it would change no count,
    and the figures read the objects alone."""
    from queries.quality import register_join_needed

    run, run_without_orphans = run_on(conn), run_on(conn, data_checks_clean=True)
    assert register_join_needed(run, _filters(), "inspections")
    assert not register_join_needed(run_without_orphans, _filters(), "inspections")
    assert not register_join_needed(run_without_orphans, _filters(counties=(KEQIN, KAILU)), "inspections")
    assert register_join_needed(run_without_orphans, _filters(counties=(KEQIN,)), "inspections")  # by office
    assert register_join_needed(run_without_orphans, _filters(counties=(KEQIN,), office=KEQIN_YONGQING), "inspections")
    with pytest.raises(ValueError):
        q.headline_counts(conn, _filters(counties=(KEQIN,)), join_register=False)
    # Read without the register, object 20 (T1, inspected 17 Nov, unpublished) is counted:
    # drawn 13 + 1, completed 9 + 1, differentiated 9 + 1 (T1 is), inspected 6 + 1, pending 4 + 1;
    # T1 is not due in P and its deadline falls in December, so nothing else moves.
    h = q.headline_counts(conn, _filters(), join_register=False)
    assert (h.drawn_count, h.completed_count, h.differentiated_count) == (14, 10, 10)
    assert (h.inspected_count, h.problem_count, h.missing_result_count) == (7, 3, 1)
    assert (h.due_object_count, h.publication_due_count, h.pending_publication_count) == (4, 7, 5)
    by_region = q.region_figures_counts(conn, _filters(), join_register=False).set_index("region_code")
    joined = q.region_figures(conn, _filters()).set_index("region_code")
    assert by_region.loc[KEQIN, "drawn_count"] == joined.loc[KEQIN, "drawn_count"] + 1
    assert by_region.loc[KAILU, "drawn_count"] == joined.loc[KAILU, "drawn_count"]


def test_headline_comparison_week(conn):
    h = q.headline(conn, _filters().compared())
    # Q = 9–15 Nov: active T1, T2 → 2 tasks, none joint; drawn 6 + 4 = 10; completed by 15 Nov:
    # 5 (10 Nov), 21 (21 Oct), 6 (12 Nov) = 3; differentiated T1 = 6.
    assert (h.active_task_count, h.joint_task_count) == (2, 0)
    assert (h.drawn_count, h.completed_count, h.differentiated_count) == (10, 3, 6)
    # No task is due 9–15 Nov: the rates have a zero denominator and are shown as "—".
    assert (h.due_object_count, h.due_done_count, h.due_on_time_count) == (0, 0, 0)
    assert fmt_rate(h.due_done_count, h.due_object_count) == "—"
    # Inspected 9–15 Nov: 5 not_operating, 6 no_problem → 2 rows, no problem.
    assert (h.inspected_count, h.problem_count) == (2, 0)
    # Deadlines 9–13 Nov ← inspected 12–18 Oct: 24 (14 Oct → dl 11 Nov, published 10 Nov) ✓,
    # 29 (Fri 16 Oct → dl 13 Nov, unpublished) ✗ → 1/2.
    assert (h.publication_due_count, h.published_on_time_count) == (2, 1)
    # Pending at 15 Nov (inspected 19 Oct – 15 Nov, unpublished then): 12, 14, 15, 16, 21, 23 = 6.
    assert h.pending_publication_count == 6


def test_publication_across_national_day(conn):
    f = build_filters("custom", TODAY, DATA_DATE, custom=(oct_(26), nov(1)))
    h = q.headline(conn, f)
    # Deadlines 26–30 Oct ← inspected 21–28 Sep (test_workdays works out both ends):
    # 31 (24 Sep → dl Thu 29 Oct, published 29 Oct) ✓; 32 (published 30 Oct, the 21st day) ✗;
    # 33 unpublished ✗; 34 (28 Sep → dl Fri 30 Oct, published 30 Oct) ✓; 35 (21 Sep, published
    # 18 Sep, before the inspection) ✓; 38 (28 Sep → Fri 30 Oct, published Sat 31 Oct) ✗.
    # 36 (Sun 20 Sep, a make-up working day → dl 23 Oct) is judged in the week before.
    assert (h.publication_due_count, h.published_on_time_count, h.published_before_inspection_count) == (6, 3, 1)
    # Pending at 1 Nov (inspected 29 Sep – 1 Nov, unpublished then): 37 (29 Sep), 24 (published
    # 10 Nov), 14, 23 (17 Nov), 12 (16 Nov), 21 (18 Nov), 15 and 16 (20 Nov), 29 = 9; 22 is published.
    assert h.pending_publication_count == 9
    assert h.uncovered_years == ()


def test_no_deadline_falls_in_a_holiday_week(conn):
    f = build_filters("custom", TODAY, DATA_DATE, custom=(oct_(3), oct_(7)))
    h = q.headline(conn, f)
    # 3–7 Oct are all days off: no deadline falls in P, so timeliness has no value ("—").
    assert (h.publication_due_count, h.published_on_time_count) == (0, 0)
    assert fmt_rate(h.published_on_time_count, h.publication_due_count) == "—"
    # Pending at 7 Oct (deadline after 7 Oct ⇔ inspected after 2 Sep): T7's 31, 32, 33, 34, 36, 37
    # and 38 were not yet published on 7 Oct; 35 was (18 Sep).
    assert h.pending_publication_count == 7


def test_a_long_window_gives_the_same_figures_by_deadline_table_and_by_case(conn, monkeypatch):
    """A custom period of 14 months: its judged days (about 430) are one VALUES list of the
    deadline table where the dialect joins one (DuckDB, PostgreSQL); the same figures as the CASE
    per row, which the other dialects use."""
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2025, 10, 1), nov(22)))
    window = q.publication_window(conn, f.period)
    assert (window.last - window.first).days + 1 > 400
    joined = q.headline(conn, f), q.region_figures(conn, f)
    monkeypatch.setattr(q, "DEADLINE_JOIN_DIALECTS", ())
    by_case = q.headline(conn, f), q.region_figures(conn, f)
    assert joined[0] == by_case[0]
    assert joined[1].to_dict("records") == by_case[1].to_dict("records")
    # Judged: every row inspected by Sun 25 Oct 2026 (deadline Fri 20 Nov, the last by 22 Nov; the
    # first deadline, in autumn 2025, precedes every row). On time: 12, 16, 21, 22 (published before
    # its inspection), 24 of 12, 14, 15, 16, 21, 22, 23, 24, 29 (test_headline_* work out each
    # deadline) and 31, 34, 35 of T7's 31–38 (test_publication_across_national_day) → 8 of 9 + 8 = 17.
    assert (by_case[0].publication_due_count, by_case[0].published_on_time_count) == (17, 8)


def test_uncovered_year_is_reported(conn):
    f = build_filters("custom", TODAY, DATA_DATE, custom=(date(2025, 11, 10), date(2025, 11, 16)))
    h = q.headline(conn, f)
    # Deadlines fall in 2025 (10 Nov 2025 up to the 20th working day after 16 Nov 2025, in
    # December): the table has no 2025 rows, so Monday–Friday is used and 2025 is named.
    assert h.uncovered_years == (2025,)
    assert h.publication_due_count == 0 and h.drawn_count == 0


def test_region_figures_and_time_progress(conn):
    frame = q.region_figures(conn, _filters()).set_index("region_code")
    assert list(frame.index) == [KEQIN, KAILU]
    keqin, kailu = frame.loc[KEQIN], frame.loc[KAILU]
    assert (keqin.drawn_count, keqin.completed_count, keqin.differentiated_count) == (10, 7, 6)
    assert (kailu.drawn_count, kailu.completed_count, kailu.differentiated_count) == (3, 2, 3)
    # 时间进度 at 22 Nov: T1 (1 Sep – 30 Nov, 91 days) has 83 days elapsed; T2 is due (all
    # elapsed); T3 (20 Nov – 31 Dec, 42 days) has 3. 科尔沁区: (6 × 83/91 + 4 × 1) / 10 = 94.7 %;
    # 开鲁县: 3 × 3/42 / 3 = 7.1 %. So 科尔沁区 (7/10 = 70 % done) is behind schedule.
    assert keqin.elapsed_weight == pytest.approx(6 * 83 / 91 + 4)
    assert kailu.elapsed_weight == pytest.approx(3 * 3 / 42)
    assert (keqin.due_object_count, keqin.due_done_count, keqin.due_on_time_count) == (4, 3, 2)
    assert (kailu.due_object_count, kailu.publication_due_count, kailu.published_on_time_count) == (0, 6, 3)
    assert (keqin.publication_due_count, keqin.published_on_time_count) == (1, 1)  # 21


def test_region_figures_by_office(conn):
    frame = q.region_figures(conn, _filters(counties=(KEQIN,))).set_index("region_code")
    # 永清 (ent 1): 1, 4, 6; 明仁 (ent 2): 2, 21, 7, 9; 其他 (ent 3, and 4 of 开鲁县's office): 3, 5, 8.
    assert frame.loc[KEQIN_YONGQING, ["drawn_count", "completed_count", "differentiated_count"]].tolist() == [3, 2, 2]
    assert frame.loc[KEQIN_MINGREN, ["drawn_count", "completed_count", "differentiated_count"]].tolist() == [4, 3, 2]
    assert frame.loc["other", ["drawn_count", "completed_count", "differentiated_count"]].tolist() == [3, 2, 2]
    # Due T2: 永清 6 (on time); 明仁 7 (on time), 9 (open); 其他 8 (19 Nov, late).
    assert frame.loc[KEQIN_YONGQING, ["due_object_count", "due_done_count", "due_on_time_count"]].tolist() == [1, 1, 1]
    assert frame.loc[KEQIN_MINGREN, ["due_object_count", "due_done_count", "due_on_time_count"]].tolist() == [2, 1, 1]
    assert frame.loc["other", ["due_object_count", "due_done_count", "due_on_time_count"]].tolist() == [1, 1, 0]


def test_targets_by_region(conn):
    frame = q.targets_by_region(conn, _filters())
    got = {(r.region_code, r.metric): (r.numerator, r.denominator) for r in frame.itertuples()}
    assert got == {
        (KEQIN, "differentiated_share"): (6, 10), (KEQIN, "due_task_completion"): (3, 4),
        (KEQIN, "publication_timeliness"): (1, 1),
        (KAILU, "differentiated_share"): (3, 3), (KAILU, "due_task_completion"): (0, 0),
        (KAILU, "publication_timeliness"): (3, 6),
        # The total is the sum of the parts and equals the headline: 9/13, 3/4, 4/7.
        (q.TOTAL, "differentiated_share"): (9, 13), (q.TOTAL, "due_task_completion"): (3, 4),
        (q.TOTAL, "publication_timeliness"): (4, 7),
    }


def test_office_filter(conn):
    f = _filters(counties=(KEQIN,), office=KEQIN_MINGREN)
    h = q.headline(conn, f)
    # 明仁's objects: 2, 21 (T1), 7, 9 (T2); its tasks: T1, T2 (T6's object 25 is an orphan's).
    assert (h.drawn_count, h.completed_count, h.active_task_count, h.joint_task_count) == (4, 3, 2, 0)
    overdue = q.overdue_tasks(conn, f)
    assert overdue.rows["task_id"].tolist() == [2] and overdue.rows["outstanding_count"].tolist() == [1]


def test_problems_by_grade(conn):
    frame = q.problems_by_grade(conn, _filters())
    # Inspected in P: 1 A no_problem; 8 B (no result); 2 C corrected, 7 C unreachable;
    # 10 D false_disclosure; 28 unrated no_problem.
    assert frame.values.tolist() == [
        ["A", 1, 0], ["B", 1, 0], ["C", 2, 2], ["D", 1, 1], ["unrated", 1, 0],
    ]


def test_results_by_region(conn):
    frame = q.results_by_region(conn, _filters())
    got = {(r.region_code, r.result): r.inspected_count for r in frame.itertuples()}
    assert got == {
        (KEQIN, "no_problem"): 1, (KEQIN, "corrected"): 1, (KEQIN, "unreachable"): 1, (KEQIN, "missing"): 1,
        (KAILU, "false_disclosure"): 1, (KAILU, "no_problem"): 1,
    }


def test_by_item_category(conn):
    frame = q.by_item_category(conn, _filters())
    # Active: food T1 6 drawn / 4 done; registration T2 4 / 3; product_quality T3 3 / 2.
    # Inspected in P: food 1, 2 (1 problem); registration 7, 8 (1); product_quality 10, 28 (1).
    assert frame.values.tolist() == [
        ["food", 6, 4, 2, 1], ["registration", 4, 3, 2, 1], ["product_quality", 3, 2, 2, 1],
    ]


def test_overdue_tasks(conn):
    listing = q.overdue_tasks(conn, _filters())
    rows = listing.rows
    # T4 (due 31 Oct, 13 open of 12–16, 22–24, 29): 22 − 31 Oct + 1 = 23 days; T2 (due 16 Nov,
    # 9 open): 7 days. T7 is all inspected; T5 is not yet due; T6 (orphan) is dropped.
    assert rows["task_id"].tolist() == [4, 2]
    assert rows["outstanding_count"].tolist() == [1, 1]
    assert rows["drawn_count"].tolist() == [9, 4]
    assert rows["days_overdue"].tolist() == [23, 7]
    assert rows["region_code"].tolist() == [KAILU, KEQIN]
    assert (listing.task_count, listing.object_count) == (2, 2)
    bounded = q.overdue_tasks(conn, _filters(), limit=1)
    assert len(bounded.rows) == 1 and bounded.task_count == 2


def test_overdue_publications(conn):
    listing = q.overdue_publications(conn, _filters())
    rows = listing.rows
    # Deadline passed by 22 Nov (inspected by 25 Oct) and unpublished at 22 Nov:
    # T7: 33 (24 Sep → dl 29 Oct) and 37 (29 Sep → dl 2 Nov) → 2 rows, the oldest
    # 22 Nov − 29 Oct + 1 = 25 days overdue (Monday–Friday alone would say 22 Oct, 32 days);
    # T4: 29 (16 Oct → dl 13 Nov) and 14 (19 Oct → dl 16 Nov) → 2 rows, the oldest 10 days.
    assert rows["task_id"].tolist() == [7, 4]
    assert rows["overdue_count"].tolist() == [2, 2]
    assert rows["earliest_deadline"].tolist() == [oct_(29), nov(13)]
    assert rows["days_overdue"].tolist() == [25, 10]
    assert (listing.task_count, listing.object_count, listing.uncovered_years) == (2, 4, ())


def test_orphan_counts(conn):
    assert q.orphan_counts(conn, DATA_DATE) == {"inspection_task": 1, "inspection_enterprise": 1, "task_plan": 1}
