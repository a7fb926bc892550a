"""The enterprises behind a figure ("which ones?"): detail tables paged, searched and sorted in SQL.

Each detail is a SELECT of labelled columns (`DETAILS`), always including region_code (the
row's county per metrics.md) and office_code (its enterprise's office). `detail_page` narrows it
to a region, searches it by enterprise name and 统一社会信用代码 (bound LIKE patterns with their
wildcards escaped), orders it by a whitelisted column with a unique tie-break, and fetches one
page with LIMIT/OFFSET, plus the count of the whole selection. `detail_chunks` walks the whole
selection in the same order, a chunk per query, for the downloads. No query returns more rows
than a page or a chunk.

| detail | rows |
|---|---|
| high_risk | C/D enterprises of the classification scope at P's as-of date (§1) |
| overdue_objects | drawn objects not inspected by the as-of date of tasks whose due date has passed (§2) |
| three_year | abnormal-list entries in stock whose three-year anniversary is at most 90 days after the as-of date (§3) |
| overdue_revisits | revisits whose due date has passed, not done by the as-of date (§4) |
| waived_cases | cases decided in P with a waived or reduced penalty (从轻、减轻、轻微免罚、首违不罚, §5) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Date, and_, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from queries import credit_risk
from queries.common import OTHER, between, days_between, scope_conditions
from queries.lists import WARNING_DAYS, anniversary, latest_listing_eligible_by
from queries.penalties import WAIVED
from queries.revisits import tier_of
from queries.schema import abnormal_list_entries as abnormal
from queries.schema import case_revisits as revisits
from queries.schema import enforcement_cases as cases
from queries.schema import enterprises as ent
from queries.schema import inspection_plans as plans
from queries.schema import inspection_tasks as tasks
from queries.schema import inspections, regions

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
CHUNK_SIZE = 5000
"""Rows per query when a download walks the whole selection."""
ESCAPE = "!"
"""LIKE escape character: not a backslash, whose meaning in a string literal differs by dialect."""


@dataclass(frozen=True)
class Detail:
    """One detail table: how to select it and how it may be sorted and searched."""

    code: str
    build: Callable[..., Select]
    """(filters, **options) → SELECT of labelled columns (region_code and office_code among them)."""
    sortable: tuple[str, ...]
    default_sort: str
    default_descending: bool
    tiebreak: tuple[str, ...]
    """Columns that make the order total (a unique key), so pages never overlap or skip rows."""
    search: tuple[str, ...] = ("enterprise_name", "uscc")
    finish: Callable[[pd.DataFrame, object], pd.DataFrame] | None = None
    """Per-page (or per-chunk) Python columns computed from the fetched ones."""


@dataclass(frozen=True)
class DetailPage:
    rows: pd.DataFrame
    total_count: int
    page: int
    """0-based, clamped to the last page."""
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total_count // self.page_size))


# --- the five details ------------------------------------------------------------------------

def _high_risk(f, *, entity_types) -> Select:
    return credit_risk.high_risk_enterprises(f, entity_types=tuple(entity_types))


def _finish_high_risk(frame: pd.DataFrame, f) -> pd.DataFrame:
    graded = [credit_risk.grade_of_stamp(stamp) for stamp in frame["grade_stamp"]]
    frame["grade"] = [grade for grade, _ in graded]
    frame["assessed_on"] = pd.Series([day for _, day in graded], dtype=object)
    return frame.drop(columns=["grade_rank", "grade_stamp"])


def _overdue_objects(f, *, task_id: int | None = None) -> Select:
    """Objects outstanding at the as-of date of tasks whose due date has passed (the rows behind
    the overdue-task list's 未完成户数)."""
    as_of = f.period.as_of
    i, t = inspections.c, tasks.c
    source = (
        inspections.join(tasks, t.id == i.task_id)
        .join(plans, plans.c.id == t.plan_id)
        .join(ent, ent.c.id == i.enterprise_id)
    )
    where = [
        t.due_on <= as_of,
        or_(i.inspected_on.is_(None), i.inspected_on > as_of),
        *scope_conditions(f, t.region_code, ent.c.office_code),
    ]
    if task_id is not None:
        where.append(t.id == task_id)
    return select(
        i.id.label("inspection_id"),
        ent.c.name.label("enterprise_name"),
        ent.c.uscc,
        t.region_code,
        ent.c.office_code,
        t.id.label("task_id"),
        t.name.label("task_name"),
        i.grade_at_sampling,
        t.due_on,
        (days_between(literal(as_of, Date), t.due_on) + 1).label("days_overdue"),
    ).select_from(source).where(*where)


def _three_year(f) -> Select:
    as_of = f.period.as_of
    source = abnormal.join(ent, abnormal.c.enterprise_id == ent.c.id)
    return select(
        abnormal.c.id.label("entry_id"),
        ent.c.name.label("enterprise_name"),
        ent.c.uscc,
        abnormal.c.region_code,
        ent.c.office_code,
        abnormal.c.listing_reason,
        abnormal.c.listed_on,
    ).select_from(source).where(
        abnormal.c.listed_on <= latest_listing_eligible_by(as_of + timedelta(days=WARNING_DAYS)),
        or_(abnormal.c.removed_on.is_(None), abnormal.c.removed_on > as_of),
        *scope_conditions(f, abnormal.c.region_code, ent.c.office_code),
    )


def _finish_three_year(frame: pd.DataFrame, f) -> pd.DataFrame:
    as_of = f.period.as_of
    eligible = [anniversary(day) for day in frame["listed_on"]]
    frame["eligible_on"] = pd.Series(eligible, dtype=object)
    frame["is_passed"] = [day <= as_of for day in eligible]
    frame["days"] = [(as_of - day).days + 1 if day <= as_of else (day - as_of).days for day in eligible]
    return frame


def _overdue_revisits(f) -> Select:
    as_of = f.period.as_of
    source = revisits.join(cases, cases.c.id == revisits.c.case_id).outerjoin(ent, ent.c.id == cases.c.enterprise_id)
    return select(
        revisits.c.id.label("revisit_id"),
        cases.c.case_no,
        ent.c.name.label("enterprise_name"),
        ent.c.uscc,
        cases.c.region_code,
        ent.c.office_code,
        tier_of(cases.c.category).label("tier"),
        revisits.c.round,
        revisits.c.due_on,
        (days_between(literal(as_of, Date), revisits.c.due_on) + 1).label("days_overdue"),
    ).select_from(source).where(
        revisits.c.due_on <= as_of,
        or_(revisits.c.revisited_on.is_(None), revisits.c.revisited_on > as_of),
        or_(cases.c.enterprise_id.is_(None), ent.c.id.is_not(None)),  # orphans are counted elsewhere
        *scope_conditions(f, cases.c.region_code, ent.c.office_code),
    )


def _waived_cases(f) -> Select:
    source = cases.outerjoin(ent, ent.c.id == cases.c.enterprise_id)
    return select(
        cases.c.id.label("case_id"),
        cases.c.case_no,
        ent.c.name.label("enterprise_name"),
        ent.c.uscc,
        cases.c.region_code,
        ent.c.office_code,
        cases.c.category,
        cases.c.violation_type,
        cases.c.decided_on,
        cases.c.base_fine,
        cases.c.fine_amount,
        (cases.c.base_fine - cases.c.fine_amount).label("waived_order"),
    ).select_from(source).where(
        between(cases.c.decided_on, f.period.start, f.period.as_of),
        cases.c.category.in_(WAIVED),
        or_(cases.c.enterprise_id.is_(None), ent.c.id.is_not(None)),
        *scope_conditions(f, cases.c.region_code, ent.c.office_code),
    )


def _yuan(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _finish_waived(frame: pd.DataFrame, f) -> pd.DataFrame:
    frame["base_fine"] = [_yuan(v) for v in frame["base_fine"]]
    frame["fine_amount"] = [_yuan(v) for v in frame["fine_amount"]]
    frame["waived_yuan"] = [b - a for b, a in zip(frame["base_fine"], frame["fine_amount"])]
    return frame.drop(columns=["waived_order"])


DETAILS: dict[str, Detail] = {
    d.code: d
    for d in (
        Detail("high_risk", _high_risk, ("grade_rank", "grade_stamp", "enterprise_name", "uscc", "region_code"),
               "grade_rank", True, ("enterprise_id",), finish=_finish_high_risk),
        Detail("overdue_objects", _overdue_objects,
               ("due_on", "days_overdue", "enterprise_name", "uscc", "region_code", "task_name"),
               "due_on", False, ("task_id", "inspection_id")),
        Detail("three_year", _three_year, ("listed_on", "enterprise_name", "uscc", "region_code", "listing_reason"),
               "listed_on", False, ("entry_id",), finish=_finish_three_year),
        Detail("overdue_revisits", _overdue_revisits,
               ("due_on", "days_overdue", "case_no", "enterprise_name", "uscc", "region_code", "tier"),
               "due_on", False, ("case_no", "round", "revisit_id"), search=("enterprise_name", "uscc", "case_no")),
        Detail("waived_cases", _waived_cases,
               ("decided_on", "waived_order", "case_no", "enterprise_name", "uscc", "region_code", "category"),
               "decided_on", True, ("case_id",), search=("enterprise_name", "uscc", "case_no"), finish=_finish_waived),
    )
}


# --- narrowing, searching, ordering ----------------------------------------------------------

def _region_condition(f, region: str | None, rows):
    """Rows of one region of a "by region" breakdown: a county, an office (rows of the office's
    county whose enterprise is in it) or 其他 of the chosen county."""
    if not region:
        return []
    if region == OTHER:
        if not f.by_office:
            return [literal(False)]
        offices = select(regions.c.code).where(regions.c.parent_code == f.counties[0], regions.c.level == "office")
        return [rows.c.region_code == f.counties[0], or_(rows.c.office_code.is_(None), rows.c.office_code.not_in(offices))]
    parent = select(regions.c.parent_code).where(regions.c.code == region, regions.c.level == "office")
    return [or_(rows.c.region_code == region, and_(rows.c.office_code == region, rows.c.region_code.in_(parent)))]


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its wildcards (% _) and the escape taken literally."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _search_condition(detail: Detail, rows, search: str):
    text = (search or "").strip()
    if not text:
        return []
    matches = []
    for column in detail.search:
        # Codes (USCC, case numbers) are stored in upper case; names are matched as typed.
        typed = text.upper() if column != "enterprise_name" else text
        matches.append(rows.c[column].like(like_pattern(typed), escape=ESCAPE))
    return [or_(*matches)]


def _selection(f, code: str, region, search, options):
    detail = DETAILS[code]
    rows = detail.build(f, **options).subquery("detail_rows")
    where = [*_region_condition(f, region, rows), *_search_condition(detail, rows, search)]
    return detail, rows, where


def _order(detail: Detail, rows, sort: str | None, descending: bool | None):
    """ORDER BY a whitelisted column (anything else falls back to the detail's default), then the
    unique tie-break. NULLs sort as the database puts them, the same on every page."""
    if sort not in detail.sortable:
        sort, descending = detail.default_sort, detail.default_descending
    elif descending is None:
        descending = False
    first = rows.c[sort].desc() if descending else rows.c[sort].asc()
    return [first, *(rows.c[c].asc() for c in detail.tiebreak if c != sort)]


def _fetch(conn: Connection, detail: Detail, stmt, f) -> pd.DataFrame:
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    return detail.finish(frame, f) if detail.finish else frame


def detail_count(conn: Connection, f, code: str, *, region: str | None = None, search: str = "", **options) -> int:
    """How many rows the selection holds."""
    _, rows, where = _selection(f, code, region, search, options)
    return int(conn.execute(select(func.count()).select_from(rows).where(*where)).scalar_one())


def detail_page(
    conn: Connection,
    f,
    code: str,
    *,
    region: str | None = None,
    search: str = "",
    sort: str | None = None,
    descending: bool | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    **options,
) -> DetailPage:
    """One page of the selection (LIMIT/OFFSET in SQL) and the selection's row count.

    `options` go to the detail's SELECT (entity_types for high_risk, task_id for overdue_objects).
    A page past the end shows the last page; the page size is kept within 1..MAX_PAGE_SIZE.
    """
    detail, rows, where = _selection(f, code, region, search, options)
    total = int(conn.execute(select(func.count()).select_from(rows).where(*where)).scalar_one())
    size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    last = max(0, (total - 1) // size)
    number = max(0, min(int(page), last))
    stmt = select(rows).where(*where).order_by(*_order(detail, rows, sort, descending)).limit(size).offset(number * size)
    return DetailPage(_fetch(conn, detail, stmt, f), total, number, size)


def detail_chunks(
    conn: Connection,
    f,
    code: str,
    *,
    region: str | None = None,
    search: str = "",
    sort: str | None = None,
    descending: bool | None = None,
    chunk_size: int = CHUNK_SIZE,
    **options,
) -> Iterator[pd.DataFrame]:
    """The whole selection in the page's order, `chunk_size` rows per query (for downloads)."""
    detail, rows, where = _selection(f, code, region, search, options)
    order = _order(detail, rows, sort, descending)
    offset = 0
    while True:
        stmt = select(rows).where(*where).order_by(*order).limit(chunk_size).offset(offset)
        frame = _fetch(conn, detail, stmt, f)
        if len(frame):
            yield frame
        if len(frame) < chunk_size:
            return
        offset += chunk_size
