"""Post-enforcement revisits 执法事后回访 (metrics.md section 4).

A revisit row counts under its case's county (enforcement_cases.region_code) and under the
office of the case's enterprise (a case without an enterprise falls under 其他 when one county
is grouped by office, and is left out when an office is chosen). Two kinds of orphan are
dropped from every figure and counted by `revisit_quality` for the data-quality notes: a
revisit whose case_id matches no case, and a case whose enterprise_id matches no enterprise
(the same cases the waived-penalties page leaves out).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from queries.periods import Filters
from queries.common import (
    TOTAL,
    Rate,
    between,
    composed,
    complete_keys,
    count_if,
    days_between,
    orphan_count,
    region_key,
    regions_in_scope,
    require_register,
    scope_conditions,
)
from queries.quality import register_join_needed
from queries.schema import case_revisits as revisits
from queries.schema import enforcement_cases as cases
from queries.schema import enterprises

CATEGORY_TIER = {
    "aggravated": 1,
    "general": 2,
    "lighter": 2,
    "mitigated": 2,
    "summary": 3,
    "minor_exempt": 3,
    "first_offense_exempt": 3,
}
"""回访等级 of each case category: 1 重违严惩 (two a year), 2 at least one a year, 3 sampled 30 %."""
TIERS = (1, 2, 3)
SAMPLED_TIER = 3
TIER3_CATEGORIES = tuple(c for c, tier in CATEGORY_TIER.items() if tier == SAMPLED_TIER)
METHODS = ("onsite", "phone", "survey", "meeting")
OVERDUE_LIMIT = 500


def tier_of(category) -> ColumnElement:
    """SQL CASE giving the tier (1–3) of a case category column; NULL for an unknown category."""
    whens = [(category.in_([c for c, t in CATEGORY_TIER.items() if t == tier]), literal(tier)) for tier in TIERS]
    return case(*whens, else_=None)


_revisit_case = revisits.join(cases, cases.c.id == revisits.c.case_id).outerjoin(
    enterprises, enterprises.c.id == cases.c.enterprise_id
)
_case_enterprise = cases.outerjoin(enterprises, enterprises.c.id == cases.c.enterprise_id)
_enterprise_known = or_(cases.c.enterprise_id.is_(None), enterprises.c.id.is_not(None))

REVISIT_MEASURES = [
    "due_count",
    "done_count",
    "on_time_count",
    "overdue_count",
    "revisited_count",
    "assessed_count",
    "rectified_count",
]
"""Counts over revisit rows, in this order:
due_count (due_on in P up to as-of), done_count (of those, revisited_on <= as-of),
on_time_count (of those, revisited_on <= due_on), overdue_count (any row whose due date has
passed and not revisited by as-of), revisited_count (revisited_on in P up to as-of),
assessed_count (of those, rectified not NULL), rectified_count (of those, rectified TRUE)."""
SAMPLING_MEASURES = ["tier3_case_count", "tier3_sampled_count"]
"""Tier-3 cases decided in P up to as-of, and those of them with at least one revisit row."""


def _revisit_window(f: Filters) -> ColumnElement:
    """Rows any revisit figure of P can use: due by as-of (overdue looks back without limit) or
    revisited in P."""
    return or_(revisits.c.due_on <= f.period.as_of, between(revisits.c.revisited_on, f.period.start, f.period.as_of))


def _revisit_measures(rows, f: Filters) -> list[ColumnElement]:
    """REVISIT_MEASURES as aggregates over `rows` (a subquery with due_on, revisited_on, rectified)."""
    as_of, due_on, revisited_on = f.period.as_of, rows.c.due_on, rows.c.revisited_on
    due_in_p = between(due_on, f.period.start, as_of)
    revisited_in_p = between(revisited_on, f.period.start, as_of)
    not_done = or_(revisited_on.is_(None), revisited_on > as_of)
    assessed = and_(revisited_in_p, rows.c.rectified.is_not(None))
    return [
        count_if(due_in_p).label("due_count"),
        count_if(and_(due_in_p, revisited_on <= as_of)).label("done_count"),
        count_if(and_(due_in_p, revisited_on <= due_on)).label("on_time_count"),
        count_if(and_(due_on <= as_of, not_done)).label("overdue_count"),
        count_if(revisited_in_p).label("revisited_count"),
        count_if(assessed).label("assessed_count"),
        count_if(and_(assessed, rows.c.rectified == True)).label("rectified_count"),  # noqa: E712 - SQL
    ]


def _sampling_measures(rows) -> list[ColumnElement]:
    return [func.count().label("tier3_case_count"), count_if(rows.c.is_sampled == 1).label("tier3_sampled_count")]


def _aggregate(conn: Connection, rows, measures: list[ColumnElement], has_key: bool) -> pd.DataFrame:
    """`measures` over the subquery `rows`, grouped on its `key` column when `has_key`.

    The key is computed inside the subquery and grouped on outside, so no dialect has to match
    a GROUP BY expression holding bound parameters against the select list.
    """
    stmt = select(rows.c.key, *measures).group_by(rows.c.key) if has_key else select(*measures)
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in frame.columns.drop("key", errors="ignore"):
        frame[column] = [int(v or 0) for v in frame[column]]
    return frame


def _case_scope(f: Filters, join_register: bool) -> list:
    """The cases' WHERE conditions: the filter's regions, and a case whose enterprise is missing is
    dropped, which needs the register joined; without `join_register` (quality.register_join_needed
    found no such case and no office in play) the register is not read."""
    require_register(f, join_register)
    if join_register:
        return [_enterprise_known, *scope_conditions(f, cases.c.region_code, enterprises.c.office_code)]
    return scope_conditions(f, cases.c.region_code)



def _revisit_counts(conn: Connection, f: Filters, key: ColumnElement | None, join_register: bool = True) -> pd.DataFrame:
    """One row per value of `key` (one row in all when None): key, then REVISIT_MEASURES."""
    keyed = [key.label("key")] if key is not None else []
    source = _revisit_case if join_register else revisits.join(cases, cases.c.id == revisits.c.case_id)
    rows = (
        select(revisits.c.due_on, revisits.c.revisited_on, revisits.c.rectified, *keyed)
        .select_from(source)
        .where(_revisit_window(f), *_case_scope(f, join_register))
        .subquery("window_revisits")
    )
    return _aggregate(conn, rows, _revisit_measures(rows, f), key is not None)


def _sampling_counts(conn: Connection, f: Filters, key: ColumnElement | None, join_register: bool = True) -> pd.DataFrame:
    """One row per value of `key` among tier-3 cases decided in P: key, then SAMPLING_MEASURES."""
    has_revisit = select(revisits.c.id).where(revisits.c.case_id == cases.c.id).exists()
    keyed = [key.label("key")] if key is not None else []
    rows = (
        select(case((has_revisit, literal(1)), else_=literal(0)).label("is_sampled"), *keyed)
        .select_from(_case_enterprise if join_register else cases)
        .where(
            cases.c.category.in_(TIER3_CATEGORIES),
            between(cases.c.decided_on, f.period.start, f.period.as_of),
            *_case_scope(f, join_register),
        )
        .subquery("tier3_cases")
    )
    return _aggregate(conn, rows, _sampling_measures(rows), key is not None)


@dataclass(frozen=True)
class RevisitSummary:
    """The headline figures of section 4 over P."""

    due_count: int
    done_count: int
    on_time_count: int
    overdue_count: int
    revisited_count: int
    assessed_count: int
    rectified_count: int
    tier3_case_count: int
    tier3_sampled_count: int

    @property
    def revisit_rate(self) -> Rate:
        return Rate(self.done_count, self.due_count)

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time_count, self.due_count)

    @property
    def tier3_sampling_ratio(self) -> Rate:
        return Rate(self.tier3_sampled_count, self.tier3_case_count)

    @property
    def rectification_rate(self) -> Rate:
        return Rate(self.rectified_count, self.assessed_count)


@composed
def revisit_summary(run, f: Filters) -> RevisitSummary:
    """Headline figures: due, done, on time, overdue, revisited in P, rectification, tier-3 sampling
    (revisit_summary_counts, joining the register only where a figure needs it)."""
    return run(revisit_summary_counts, f, register_join_needed(run, f, cases.name))


def revisit_summary_counts(conn: Connection, f: Filters, join_register: bool = True) -> RevisitSummary:
    """Headline figures: due, done, on time, overdue, revisited in P, rectification, tier-3 sampling."""
    revisit_row = _revisit_counts(conn, f, None, join_register).to_dict("records")[0]
    sampling_row = _sampling_counts(conn, f, None, join_register).to_dict("records")[0]
    return RevisitSummary(**revisit_row, **sampling_row)


def revisits_by_tier(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per tier 1–3 (zeros included). tier, then REVISIT_MEASURES.

    Rows of a case whose category is none of the seven count in the totals but in no tier
    (`revisit_quality` counts them)."""
    frame = _revisit_counts(conn, f, tier_of(cases.c.category))
    return complete_keys(frame[frame["key"].notna()], list(TIERS), "tier", REVISIT_MEASURES)


@composed
def revisits_by_region(run, f: Filters) -> pd.DataFrame:
    """See revisits_by_region_counts, joining the register only where a figure needs it."""
    return run(revisits_by_region_counts, f, register_join_needed(run, f, cases.name))


def revisits_by_region_counts(conn: Connection, f: Filters, join_register: bool = True) -> pd.DataFrame:
    """One row per region: each county in scope, or, when one county is chosen, each of its
    offices (only the chosen one under an office filter) and 其他 when it has rows.
    region_code (OTHER = "other" for 其他), then REVISIT_MEASURES, then SAMPLING_MEASURES."""
    key = region_key(f, cases.c.region_code, enterprises.c.office_code)
    keys = regions_in_scope(conn, f)
    counts = complete_keys(_revisit_counts(conn, f, key, join_register), keys, "region_code", REVISIT_MEASURES)
    sampling = complete_keys(_sampling_counts(conn, f, key, join_register), keys, "region_code", SAMPLING_MEASURES)
    merged = counts.merge(sampling, on="region_code", how="outer", sort=False)
    order = list(dict.fromkeys([*counts["region_code"], *sampling["region_code"]]))
    merged = merged.set_index("region_code").loc[order].fillna(0).astype(int).reset_index()
    return merged[["region_code", *REVISIT_MEASURES, *SAMPLING_MEASURES]]


@composed
def revisit_targets(run, f: Filters) -> pd.DataFrame:
    """For the overview: one row per region as in `revisits_by_region`, then a row TOTAL for the
    whole scope (the sum of the parts). region_code, due_count, done_count (回访率 = done / due),
    tier3_case_count, tier3_sampled_count (抽访比例 = sampled / cases)."""
    columns = ["due_count", "done_count", *SAMPLING_MEASURES]
    frame = run(revisits_by_region, f)[["region_code", *columns]]
    total = pd.DataFrame([{"region_code": TOTAL, **{c: int(frame[c].sum()) for c in columns}}])
    return pd.concat([frame, total], ignore_index=True)


def method_mix(conn: Connection, f: Filters) -> pd.DataFrame:
    """One row per revisit method of revisits done in P (the four methods, zeros included, then
    NULL = 未填写 and any unknown code when used). method, revisited_count."""
    frame = _revisit_counts(conn, f, revisits.c.method)
    return complete_keys(frame, list(METHODS), "method", ["revisited_count"])


def overdue_revisits(conn: Connection, f: Filters, limit: int = OVERDUE_LIMIT) -> pd.DataFrame:
    """One row per overdue revisit (due date passed, not revisited by as-of), longest overdue
    first, at most `limit` rows (the total is RevisitSummary.overdue_count).
    case_no, enterprise_name (None for a party without an enterprise), region_code (county),
    office_code, tier (None for an unknown category), round, due_on, days_overdue."""
    as_of = f.period.as_of
    days_overdue = (days_between(literal(as_of, Date), revisits.c.due_on) + 1).label("days_overdue")
    stmt = (
        select(
            cases.c.case_no,
            enterprises.c.name.label("enterprise_name"),
            cases.c.region_code,
            enterprises.c.office_code,
            tier_of(cases.c.category).label("tier"),
            revisits.c.round,
            revisits.c.due_on,
            days_overdue,
        )
        .select_from(_revisit_case)
        .where(
            revisits.c.due_on <= as_of,
            or_(revisits.c.revisited_on.is_(None), revisits.c.revisited_on > as_of),
            _enterprise_known,
            *scope_conditions(f, cases.c.region_code, enterprises.c.office_code),
        )
        .order_by(revisits.c.due_on, cases.c.case_no, revisits.c.round)
        .limit(limit)
    )
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["tier"] = [None if pd.isna(t) else int(t) for t in frame["tier"]]
    frame["round"] = [int(r) for r in frame["round"]]
    frame["days_overdue"] = [int(d) for d in frame["days_overdue"]]
    return frame


@dataclass(frozen=True)
class RevisitQuality:
    """Counts for the data-quality notes, over the rows the page's figures read."""

    orphan_revisit_count: int
    orphan_enterprise_revisit_count: int
    orphan_enterprise_tier3_count: int
    unknown_category_count: int


def revisit_quality(conn: Connection, f: Filters) -> RevisitQuality:
    """Orphans dropped from the figures and rows counted in no tier.

    orphan_revisit_count: revisit rows whose case_id matches no case (their county is unknown,
    so no region filter narrows it); orphan_enterprise_*: revisit rows, and tier-3 cases decided
    in P, whose case's enterprise_id matches no enterprise (narrowed by county, not by office:
    their office is unknown); unknown_category_count: revisit rows of cases whose category is
    none of the seven (in the totals, in no tier).
    """
    window = _revisit_window(f)
    case_scope = scope_conditions(replace(f, office=None), cases.c.region_code)
    dangling = and_(cases.c.enterprise_id.is_not(None), enterprises.c.id.is_(None))
    decided_in_p = between(cases.c.decided_on, f.period.start, f.period.as_of)
    in_scope = scope_conditions(f, cases.c.region_code, enterprises.c.office_code)
    counts = {
        "orphan_enterprise_revisit_count": select(func.count()).select_from(_revisit_case).where(window, dangling, *case_scope),
        "orphan_enterprise_tier3_count": select(func.count())
        .select_from(_case_enterprise)
        .where(dangling, cases.c.category.in_(TIER3_CATEGORIES), decided_in_p, *case_scope),
        "unknown_category_count": select(func.count())
        .select_from(_revisit_case)
        .where(window, _enterprise_known, cases.c.category.not_in(list(CATEGORY_TIER)), *in_scope),
    }
    return RevisitQuality(
        orphan_revisit_count=orphan_count(conn, revisits.c.case_id, cases.c.id, window),
        **{name: int(conn.execute(stmt).scalar_one()) for name, stmt in counts.items()},
    )
