"""Random inspections 双随机、一公开 (metrics.md section 2): plan progress, results, publication.

Each figure is defined once as a `_Figure` (WHERE conditions and labelled measures over the
drawn objects in the filter's regions); the headline, the by-region figures, the overview's
`targets_by_region` and the breakdowns all run those same figures with different grouping keys.

Orphan rows (an inspection whose task or enterprise is missing, a task whose plan is missing)
are dropped by the inner joins and counted by `orphan_counts`.

Publication deadlines (the 20th working day after inspected_on) come from the Python working-day
calendar of queries/workdays.py: the deadline only grows with inspected_on, so the rows whose
deadline falls in a date range are those inspected in a date range, and each row's deadline
reaches SQL with bound dates: on DuckDB and PostgreSQL as a derived table of the judged days
(day, deadline; each day's deadline worked out once) joined on inspected_on, on SQLite and
MariaDB as a CASE over inspected_on (SQLite scans a derived table once per row: no index on it).
No dialect's date functions are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

import pandas as pd
from sqlalchemy import Date, and_, case, column, false, func, literal, or_, select, true, values
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from queries.common import TOTAL, between, composed, count_if, region_key, require_register, scope_conditions, with_total
from queries.metrics import target_metrics
from queries.quality import register_join_needed
from queries.schema import enterprises, inspection_plans, inspection_tasks, inspections
from queries.workdays import WorkCalendar, load_calendar

PUBLICATION_WORKDAYS = 20
"""Results are published within 20 working days of the inspection (inspection day not counted)."""
LIST_LIMIT = 500
"""Rows a detail list returns at most (its total is returned beside it)."""
NOT_PROBLEM = ("no_problem", "not_operating")
GRADES = ("A", "B", "C", "D", "unrated")
UNRATED = "unrated"
MISSING_RESULT = "missing"
TARGET_METRICS = {m.code: (m.numerator, m.denominator) for m in target_metrics() if m.page == "inspections"}
"""Target figure code → its (numerator, denominator) columns of `region_figures` (the registry's)."""

_CALENDAR_MARGIN = timedelta(days=90)  # more than 20 working days across any holiday season
DEADLINE_JOIN_DIALECTS = ("duckdb", "postgresql")
"""Where each judged day's deadline is a joined derived table (measured at scale 6, 本年至今:
DuckDB 0.23 → 0.15 s, PostgreSQL 0.61 → 0.47 s); elsewhere a CASE tree per row (SQLite: a
LEFT JOIN to a derived table is a scan of it per row, 0.15 → 0.50 s)."""

_i = inspections.c
_t = inspection_tasks.c
_plans = inspection_plans.c
OBJECTS = (
    inspections.join(inspection_tasks, inspection_tasks.c.id == _i.task_id)
    .join(inspection_plans, inspection_plans.c.id == _t.plan_id)
    .join(enterprises, enterprises.c.id == _i.enterprise_id)
)
"""Drawn objects with their task, plan and enterprise (inner joins drop orphans)."""
TASK_OBJECTS = inspections.join(inspection_tasks, inspection_tasks.c.id == _i.task_id).join(
    inspection_plans, inspection_plans.c.id == _t.plan_id
)
"""OBJECTS without the register: what a figure reads when no row needs its enterprise (see
quality.register_join_needed)."""



@dataclass(frozen=True)
class _Figure:
    """WHERE conditions and labelled counts over OBJECTS: each count is the number of rows
    meeting `where` and its condition (None: every such row)."""

    where: tuple
    counts: dict[str, ColumnElement | None]
    joins: tuple = ()
    """(derived table, ON clause) pairs left-joined to OBJECTS for the counts (the deadlines)."""

    @property
    def measures(self) -> dict[str, ColumnElement]:
        """The counts as aggregate expressions over rows already restricted to `where`."""
        return {name: func.count() if cond is None else count_if(cond) for name, cond in self.counts.items()}

    def measures_within(self) -> dict[str, ColumnElement]:
        """The counts as aggregates over any rows: `where` is folded into each one, so several
        figures can be counted in one pass over OBJECTS."""
        return {
            name: count_if(and_(*self.where, *(() if cond is None else (cond,))))
            for name, cond in self.counts.items()
        }


@dataclass(frozen=True)
class PublicationWindow:
    """The rows judged for publication timeliness in a period, and their calendar.

    `first`..`last` are the inspected_on dates whose deadline falls from P.start to the as-of
    date (empty when first > last, e.g. a period of one weekend: no deadline falls on it).
    """

    calendar: WorkCalendar
    first: date
    last: date
    as_of: date

    def deadline(self, inspected_on: date) -> date:
        return self.calendar.add_workdays(inspected_on, PUBLICATION_WORKDAYS)


@dataclass(frozen=True)
class InspectionHeadline:
    """The headline figures of one period (counts; rates are numerator/denominator pairs)."""

    drawn_count: int
    completed_count: int
    differentiated_count: int
    due_object_count: int
    due_done_count: int
    due_on_time_count: int
    inspected_count: int
    problem_count: int
    missing_result_count: int
    publication_due_count: int
    published_on_time_count: int
    published_before_inspection_count: int
    pending_publication_count: int
    active_task_count: int
    joint_task_count: int
    has_workday_table: bool
    uncovered_years: tuple[int, ...]


@dataclass(frozen=True)
class Listing:
    """A bounded detail list: at most LIST_LIMIT rows, with the totals of the whole list."""

    rows: pd.DataFrame
    task_count: int
    object_count: int
    uncovered_years: tuple[int, ...] = field(default=())


def publication_window(conn: Connection, period) -> PublicationWindow:
    """The inspected_on range whose publication deadline falls in [period.start, period.as_of]."""
    calendar = load_calendar(conn, period.start - _CALENDAR_MARGIN, period.as_of + _CALENDAR_MARGIN)
    return PublicationWindow(
        calendar=calendar,
        first=calendar.first_start_reaching_from(period.start, PUBLICATION_WORKDAYS),
        last=calendar.last_start_reaching_by(period.as_of, PUBLICATION_WORKDAYS),
        as_of=period.as_of,
    )


def _deadline_case(window: PublicationWindow) -> ColumnElement:
    """Each judged row's deadline as a CASE over inspected_on, for rows inspected from
    window.first to window.last.

    The calendar is walked once per day of the window (in Python); the days form runs of equal
    deadlines, and the CASE is a balanced tree over those runs, so a row meets about log2(runs)
    comparisons (8 for a year's window) instead of one per run.
    """
    days = [window.first + timedelta(days=n) for n in range((window.last - window.first).days + 1)]
    runs = [(list(run)[-1], deadline) for deadline, run in groupby(days, key=window.deadline)]

    def tree(lo: int, hi: int) -> ColumnElement:
        if lo == hi:
            return literal(runs[lo][1], Date)
        mid = (lo + hi) // 2
        return case((_i.inspected_on <= runs[mid][0], tree(lo, mid)), else_=tree(mid + 1, hi))

    return tree(0, len(runs) - 1)


def _deadlines(window: PublicationWindow):
    """One row per judged day (window.first..window.last): day, deadline — each day's deadline
    worked out once from the calendar and joined to the rows on inspected_on, rather than a CASE
    over the days evaluated for every row (DuckDB spent most of the headline on that CASE).

    A VALUES list of bound dates (DEADLINE_JOIN_DIALECTS both have it): a year's window is one
    construct of 330 rows, where a UNION ALL of one-row SELECTs cost more to build and compile in
    Python (0.1 s of a cold 本年至今 overview) than DuckDB took to run it.
    """
    days = [window.first + timedelta(days=n) for n in range((window.last - window.first).days + 1)]
    table = values(column("day", Date), column("deadline", Date), name="deadlines")
    return table.data([(day, window.deadline(day)) for day in days])


def _active(period) -> _Figure:
    """Drawn objects of the tasks active in P (starts_on <= as-of, due_on >= P.start)."""
    return _Figure(
        (_t.starts_on <= period.as_of, _t.due_on >= period.start),
        {
            "drawn_count": None,
            "completed_count": _i.inspected_on <= period.as_of,
            "differentiated_count": _t.is_differentiated == true(),
        },
    )


def _due(period) -> _Figure:
    """Objects of the tasks due from P.start to the as-of date."""
    return _Figure(
        (between(_t.due_on, period.start, period.as_of),),
        {
            "due_object_count": None,
            "due_done_count": _i.inspected_on <= period.as_of,
            "due_on_time_count": _i.inspected_on <= _t.due_on,
        },
    )


def _inspected(period) -> _Figure:
    """Rows inspected in P (up to the as-of date), whatever their task's dates."""
    return _Figure(
        (between(_i.inspected_on, period.start, period.as_of),),
        {
            "inspected_count": None,
            "problem_count": and_(_i.result.is_not(None), _i.result.not_in(NOT_PROBLEM)),
            "missing_result_count": _i.result.is_(None),
        },
    )


def _publication(window: PublicationWindow, dialect: str) -> _Figure:
    """Rows whose deadline falls in P; on time = published on or before the deadline (a joined
    table of the days' deadlines on DEADLINE_JOIN_DIALECTS, else a CASE per row)."""
    joins = ()
    if window.first > window.last:
        where, on_time = (false(),), false()
    elif dialect not in DEADLINE_JOIN_DIALECTS:
        where, on_time = (between(_i.inspected_on, window.first, window.last),), _i.published_on <= _deadline_case(window)
    else:
        deadlines = _deadlines(window)
        joins = ((deadlines, deadlines.c.day == _i.inspected_on),)
        where, on_time = (between(_i.inspected_on, window.first, window.last),), _i.published_on <= deadlines.c.deadline
    return _Figure(
        where,
        {
            "publication_due_count": None,
            "published_on_time_count": on_time,
            "published_before_inspection_count": _i.published_on < _i.inspected_on,
        },
        joins,
    )


def _unpublished_at(as_of: date) -> ColumnElement:
    return or_(_i.published_on.is_(None), _i.published_on > as_of)


def _pending(window: PublicationWindow) -> _Figure:
    """待公示: inspected by the as-of date, unpublished then, deadline not yet passed."""
    return _Figure(
        (_i.inspected_on > window.last, _i.inspected_on <= window.as_of, _unpublished_at(window.as_of)),
        {"pending_publication_count": None},
    )


def _run(conn: Connection, f, figure: _Figure, keys: dict[str, ColumnElement]) -> pd.DataFrame:
    """`figure` over the filter's regions, grouped by `keys`; measures as int columns."""
    return _grouped(conn, f, figure.measures, figure.where, keys, figure.joins)


def _run_together(conn: Connection, f, figures: tuple[_Figure, ...], keys: dict[str, ColumnElement],
                  join_register: bool = True) -> pd.DataFrame:
    """Several figures over the filter's regions in ONE pass over OBJECTS, grouped by `keys`.

    The pass reads the rows any figure needs (the OR of their WHERE conditions) and each count
    keeps its own figure's conditions, so every count equals the figure run on its own; a key
    value that only some figures have gets zeros for the others.
    """
    measures = {name: expr for figure in figures for name, expr in figure.measures_within().items()}
    joins = tuple(join for figure in figures for join in figure.joins)
    return _grouped(conn, f, measures, (or_(*(and_(*figure.where) for figure in figures)),), keys, joins, join_register)


def _grouped(conn: Connection, f, measures: dict, where: tuple, keys: dict[str, ColumnElement], joins: tuple = (),
             join_register: bool = True) -> pd.DataFrame:
    require_register(f, join_register)
    labelled = [expr.label(name) for name, expr in keys.items()]
    source = OBJECTS if join_register else TASK_OBJECTS
    for table, on in joins:  # a left join: rows outside the derived table's days keep NULLs
        source = source.outerjoin(table, on)
    stmt = (
        select(*labelled, *(expr.label(name) for name, expr in measures.items()))
        .select_from(source)
        .where(*scope_conditions(f, _t.region_code, enterprises.c.office_code), *where)
    )
    if not join_register:  # the inner join's other rule: an object without an enterprise is dropped
        stmt = stmt.where(_i.enterprise_id.is_not(None))
    if keys:
        stmt = stmt.group_by(*keys.values())
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=[*keys, *measures])
    return frame.astype({name: "int64" for name in measures})


def _region(f) -> dict[str, ColumnElement]:
    return {"region_code": region_key(f, _t.region_code, enterprises.c.office_code)}


def _task_counts(conn: Connection, f) -> dict[str, int]:
    """Tasks active in P and the joint ones; under an office, tasks with a drawn object there."""
    period = f.period
    stmt = (
        select(func.count().label("active_task_count"), count_if(_plans.is_joint == true()).label("joint_task_count"))
        .select_from(inspection_tasks.join(inspection_plans, _plans.id == _t.plan_id))
        .where(_t.starts_on <= period.as_of, _t.due_on >= period.start)
    )
    if f.counties:
        stmt = stmt.where(_t.region_code.in_(f.counties))
    if f.office:
        in_office = select(_i.task_id).join(enterprises, enterprises.c.id == _i.enterprise_id)
        stmt = stmt.where(_t.id.in_(in_office.where(enterprises.c.office_code == f.office)))
    row = conn.execute(stmt).one()
    return {"active_task_count": int(row.active_task_count), "joint_task_count": int(row.joint_task_count)}


@composed
def headline(run, f) -> InspectionHeadline:
    """The period's headline figures over the filter's regions (one value each)."""
    return run(headline_counts, f, register_join_needed(run, f, "inspections"))


def headline_counts(conn: Connection, f, join_register: bool = True) -> InspectionHeadline:
    """`headline`, joining the register to the drawn objects or not (quality.register_join_needed)."""
    period = f.period
    window = publication_window(conn, period)
    figures = (_active(period), _due(period), _inspected(period), _publication(window, conn.dialect.name), _pending(window))
    together = _run_together(conn, f, figures, {}, join_register)
    values = {name: int(value) for name, value in together.iloc[0].items()}
    deadline_years = range(period.start.year, window.deadline(period.as_of).year + 1)
    return InspectionHeadline(
        **values,
        **_task_counts(conn, f),
        has_workday_table=window.calendar.has_table,
        uncovered_years=tuple(window.calendar.uncovered_years(deadline_years)),
    )


def _time_progress(frame: pd.DataFrame, as_of: date) -> pd.Series:
    """Elapsed share of each (starts_on, due_on) plan period at as-of, both ends inclusive."""
    def share(starts_on: date, due_on: date) -> float:
        if due_on <= as_of:
            return 1.0
        return min(max((as_of - starts_on).days + 1, 0) / ((due_on - starts_on).days + 1), 1.0)

    return pd.Series([share(s, d) for s, d in zip(frame["starts_on"], frame["due_on"])], index=frame.index, dtype=float)


@composed
def region_figures(run, f) -> pd.DataFrame:
    """One row per region (county, or office/"other" when one county is chosen): see
    `region_figures_counts`, which this asks joining the register or not (quality.register_join_needed)."""
    return run(region_figures_counts, f, register_join_needed(run, f, "inspections"))


def region_figures_counts(conn: Connection, f, join_register: bool = True) -> pd.DataFrame:
    """One row per region (county, or office/"other" when one county is chosen).

    region_code, drawn_count, completed_count, differentiated_count, elapsed_weight,
    due_object_count, due_done_count, due_on_time_count, publication_due_count,
    published_on_time_count. 时间进度 = elapsed_weight / drawn_count: for each drawn object of a
    task active in P, the share of the task's period (starts_on..due_on) elapsed at the as-of date.
    """
    period = f.period
    # One pass grouped by region and task period (a task's dates are the same for all its
    # objects, so the due and publication counts just add up over them per region).
    dated = {**_region(f), "starts_on": _t.starts_on, "due_on": _t.due_on}
    figures = (_active(period), _due(period), _publication(publication_window(conn, period), conn.dialect.name))
    frame = _run_together(conn, f, figures, dated, join_register).drop(columns="published_before_inspection_count")
    frame["elapsed_weight"] = frame["drawn_count"] * _time_progress(frame, period.as_of)
    frame = frame.drop(columns=["starts_on", "due_on"]).groupby("region_code", as_index=False, dropna=False).sum()
    frame = frame[frame.drop(columns=["region_code", "elapsed_weight"]).sum(axis=1) > 0]
    columns = ["region_code", "drawn_count", "completed_count", "differentiated_count", "elapsed_weight",
               "due_object_count", "due_done_count", "due_on_time_count", "publication_due_count",
               "published_on_time_count"]
    return frame[columns].sort_values("region_code", ignore_index=True)


@composed
def region_figures_with_total(run, f) -> pd.DataFrame:
    """`region_figures` and, last, their total (region_code TOTAL): the sums of the parts (every
    part is object-level, so the sums are the scope's figures)."""
    return with_total(run(region_figures, f))


@composed
def targets_by_region(run, f) -> pd.DataFrame:
    """One row per region and target metric, plus the total (region_code TOTAL) of the filter's regions.

    region_code, metric (differentiated_share, due_task_completion, publication_timeliness),
    numerator, denominator. The totals are `region_figures_with_total`'s.
    (Made of `region_figures`, so the overview and the inspections page share one pass.)
    """
    frame = run(region_figures_with_total, f)
    rows = [
        {"region_code": r["region_code"], "metric": metric, "numerator": int(r[num]), "denominator": int(r[den])}
        for r in frame.to_dict("records")
        for metric, (num, den) in TARGET_METRICS.items()
    ]
    return pd.DataFrame(rows, columns=["region_code", "metric", "numerator", "denominator"])


def problems_by_grade(conn: Connection, f) -> pd.DataFrame:
    """One row per grade at sampling (A, B, C, D, unrated, then any unknown code), rows inspected in P.

    grade, inspected_count, problem_count (problem-finding rate = problem / inspected).
    """
    frame = _run(conn, f, _inspected(f.period), {"grade": _i.grade_at_sampling})
    frame["grade"] = frame["grade"].fillna(UNRATED).astype(str).str.strip()
    frame = frame.groupby("grade").sum()[["inspected_count", "problem_count"]]
    order = list(GRADES) + sorted(set(frame.index) - set(GRADES))
    return frame.reindex(order, fill_value=0).rename_axis("grade").reset_index()


def results_by_region(conn: Connection, f) -> pd.DataFrame:
    """One row per region and result code ("missing" for an inspected row without a result).

    region_code, result, inspected_count; rows inspected in P.
    """
    figure = _inspected(f.period)
    only_count = _Figure(figure.where, {"inspected_count": figure.counts["inspected_count"]})
    frame = _run(conn, f, only_count, {**_region(f), "result": _i.result})
    frame["result"] = frame["result"].fillna(MISSING_RESULT)
    return frame.groupby(["region_code", "result"], as_index=False).sum()


def by_item_category(conn: Connection, f) -> pd.DataFrame:
    """One row per item category. item_category, drawn_count, completed_count (tasks active in P),
    inspected_count, problem_count (rows inspected in P)."""
    key = {"item_category": _t.item_category}
    active = _run(conn, f, _active(f.period), key).drop(columns="differentiated_count")
    inspected = _run(conn, f, _inspected(f.period), key).drop(columns="missing_result_count")
    merged = active.merge(inspected, on="item_category", how="outer")
    counts = [c for c in merged.columns if c.endswith("_count")]
    merged[counts] = merged[counts].fillna(0).astype("int64")
    return merged.sort_values(["drawn_count", "item_category"], ascending=[False, True], ignore_index=True)


def _task_list(conn: Connection, f, where: tuple, measures: dict, order_by: tuple, limit: int):
    """Per task (any task, not only those active in P): county, names, due date and `measures`."""
    columns = (_t.id.label("task_id"), _t.region_code, _t.name.label("task_name"),
               _plans.name.label("plan_name"), _t.due_on)
    grouped = (
        select(*columns, *(expr.label(name) for name, expr in measures.items()))
        .select_from(OBJECTS)
        .where(*scope_conditions(f, _t.region_code, enterprises.c.office_code), *where)
        .group_by(_t.id, _t.region_code, _t.name, _plans.name, _t.due_on)
    )
    first = next(iter(measures))
    grouped = grouped.having(measures[first] > 0)
    rows = pd.DataFrame(conn.execute(grouped.order_by(*order_by).limit(limit)).all(),
                        columns=[c.name for c in columns] + list(measures))
    totals = grouped.subquery()
    task_count, object_count = conn.execute(
        select(func.count(), func.coalesce(func.sum(totals.c[first]), 0))
    ).one()
    return rows, int(task_count), int(object_count)


def overdue_tasks(conn: Connection, f, limit: int = LIST_LIMIT) -> Listing:
    """Tasks whose due date has passed with objects not inspected by the as-of date.

    One row per task, most overdue first: task_id, region_code, task_name, plan_name, due_on,
    outstanding_count, drawn_count, days_overdue (as-of − due_on + 1). Under an office, only
    the office's objects count.
    """
    as_of = f.period.as_of
    outstanding = count_if(or_(_i.inspected_on.is_(None), _i.inspected_on > as_of))
    rows, task_count, object_count = _task_list(
        conn, f, (_t.due_on <= as_of,), {"outstanding_count": outstanding, "drawn_count": func.count()},
        (_t.due_on, outstanding.desc(), _t.id), limit,
    )
    rows["days_overdue"] = [(as_of - due_on).days + 1 for due_on in rows["due_on"]]
    return Listing(rows.astype({"outstanding_count": "int64", "drawn_count": "int64"}), task_count, object_count)


def overdue_publications(conn: Connection, f, limit: int = LIST_LIMIT) -> Listing:
    """逾期未公示 by task: rows whose deadline has passed, not published by the as-of date.

    One row per task, longest overdue first: task_id, region_code, task_name, plan_name, due_on,
    overdue_count, earliest_inspected_on, earliest_deadline, days_overdue (as-of − earliest
    deadline + 1). `uncovered_years`: years of these deadlines without workday_adjustments rows.
    """
    as_of = f.period.as_of
    near = load_calendar(conn, as_of - _CALENDAR_MARGIN, as_of + _CALENDAR_MARGIN)
    cutoff = near.last_start_reaching_by(as_of, PUBLICATION_WORKDAYS)
    earliest = func.min(_i.inspected_on)
    rows, task_count, object_count = _task_list(
        conn, f, (_i.inspected_on <= cutoff, _unpublished_at(as_of)),
        {"overdue_count": func.count(), "earliest_inspected_on": earliest},
        (earliest, func.count().desc(), _t.id), limit,
    )
    uncovered: list[int] = []
    if len(rows):
        calendar = load_calendar(conn, min(rows["earliest_inspected_on"]), as_of + _CALENDAR_MARGIN)
        deadlines = [calendar.add_workdays(d, PUBLICATION_WORKDAYS) for d in rows["earliest_inspected_on"]]
        rows["earliest_deadline"] = deadlines
        rows["days_overdue"] = [(as_of - d).days + 1 for d in deadlines]
        uncovered = calendar.uncovered_years(range(min(deadlines).year, as_of.year + 1))
    else:
        rows["earliest_deadline"] = pd.Series(dtype=object)
        rows["days_overdue"] = pd.Series(dtype="int64")
    return Listing(rows.astype({"overdue_count": "int64"}), task_count, object_count, tuple(uncovered))


@composed
def orphan_counts(run, data_date: date) -> dict[str, int]:
    """Rows dropped from every figure because a parent is missing (whole database).

    inspection_task: inspections whose task_id has no task; inspection_enterprise: inspections
    whose enterprise_id has no enterprise; task_plan: tasks whose plan_id has no plan. These are
    the reference checks of the two tables' data checks (quality.table_faults, which the page
    runs too), so they are read from there: one anti-join each per data date, not two.
    """
    from queries.quality import table_faults

    found = {
        (fault.table, fault.column): fault.count
        for table in ("inspections", "inspection_tasks")
        for fault in run(table_faults, data_date, table)
        if fault.kind == "orphan"
    }
    return {
        "inspection_task": found.get(("inspections", "task_id"), 0),
        "inspection_enterprise": found.get(("inspections", "enterprise_id"), 0),
        "task_plan": found.get(("inspection_tasks", "plan_id"), 0),
    }
