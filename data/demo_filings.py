"""Annual reports (年报) and the abnormal-list entries for not filing them.

Each report year's season runs from 1 January to the 30 June deadline of the next year. Almost
every entity files on time, a few late (July–December); some entities go dormant (停业未经营)
and stop filing for good. Companies and cooperatives that have not filed by the deadline are
listed (no_annual_report) in early July, in one batch per county — the July spike of the list —
and leave it when they file (corrected / credit_repair), are deregistered, or reach three years.
Individual businesses are not listed (they are only marked 经营异常状态, which is not in scope).
The model runs from HISTORY_YEARS back so that the stock and the three-year transfers are
realistic; annual_reports rows are written for the last three report years only.
"""

from __future__ import annotations

import numpy as np

from data.demo_common import COMPANY, COOPERATIVE, FAR, INDIVIDUAL, Ctx, year_of, ymd
from data.demo_entities import Entities
from data.demo_lists import (
    ABNORMAL_REASONS,
    ABNORMAL_REMOVALS,
    HISTORY_YEARS,
    ListEntries,
    abnormal_removal,
    fix_reasons,
)
from data.geo import COUNTIES

REPORT_YEARS_WRITTEN = 3
ON_TIME = {COMPANY: 0.986, INDIVIDUAL: 0.988, COOPERATIVE: 0.975}
"""Probability that an active (not dormant) entity files by the deadline."""
COUNTY_ON_TIME_OFFSET = {
    "150502": 0.004,
    "150521": -0.004,
    "150522": 0.0,
    "150523": 0.002,
    "150524": -0.012,
    "150525": 0.0,
    "150526": -0.006,
    "150581": 0.003,
}
DORMANCY_HAZARD = {COMPANY: 0.004, INDIVIDUAL: 0.003, COOPERATIVE: 0.008}
"""Yearly probability that an active entity stops filing for good."""
COUNTY_DORMANCY_FACTOR = {"150502": 0.8, "150521": 1.3, "150524": 2.0, "150526": 1.5}
"""Counties where more businesses quietly stop operating (default 1)."""
REVIVAL_SHARE = 0.3
"""Dormant companies that, once listed, file the missing report after all."""


def _season_days(rng, n: int, year: int) -> np.ndarray:
    """Filing days by the deadline: filings pile up towards 30 June."""
    start, deadline = ymd(year + 1, 1, 1), ymd(year + 1, 6, 30)
    span = deadline - start
    rush = rng.random(n) < 0.12
    spread = np.floor(rng.beta(2.4, 1.0, n) * (span + 1)).astype(np.int64)
    last_days = span - rng.integers(0, 12, n)
    return start + np.minimum(np.where(rush, last_days, spread), span)


def _listing_days(ctx: Ctx, rng, county: np.ndarray, year: int) -> np.ndarray:
    """One batch day per county in the first working days of July; a few in a later batch."""
    deadline = np.array([ymd(year + 1, 6, 30)])
    batch = ctx.calendar.add_workdays(np.repeat(deadline, len(COUNTIES)), rng.integers(1, 8, len(COUNTIES)))
    later = ctx.calendar.add_workdays(np.repeat(deadline, county.size), rng.integers(18, 30, county.size))
    return np.where(rng.random(county.size) < 0.1, later, batch[county])


def build_filings(ctx: Ctx, ents: Entities) -> tuple[dict, ListEntries]:
    """The annual_reports columns and the no_annual_report abnormal-list entries."""
    rng = ctx.rng("filings")
    n = len(ents)
    first_year = ctx.year - HISTORY_YEARS - 1
    county_factor = np.array([COUNTY_DORMANCY_FACTOR.get(c, 1.0) for c in COUNTIES])[ents.county]
    hazard = np.vectorize(DORMANCY_HAZARD.get)(ents.kind) * county_factor
    reg_year = year_of(ents.registered)
    dormant_from = np.maximum(reg_year, first_year) + rng.geometric(hazard) - 1
    # Half of the entities that were later deregistered had stopped filing a year or two before.
    dead = ents.deregistered < FAR
    quit_early = dead & (rng.random(n) < 0.5)
    stop_year = year_of(np.where(dead, ents.deregistered, 0)) - 1 - (rng.random(n) < 0.4)
    dormant_from = np.where(quit_early, np.minimum(dormant_from, stop_year), dormant_from)
    on_time_p = (
        np.vectorize(ON_TIME.get)(ents.kind) + np.array([COUNTY_ON_TIME_OFFSET[c] for c in COUNTIES])[ents.county]
    )
    listable = ents.kind != INDIVIDUAL
    stock_until = np.full(n, -1, dtype=np.int64)
    entries = ListEntries()
    report_cols: dict[str, list] = {"enterprise_id": [], "report_year": [], "submitted_on": []}
    for year in range(first_year, ctx.year):
        filed, listed_day, listed = _season(ctx, rng, ents, year, dormant_from, on_time_p, listable, stock_until)
        revive = listed & (dormant_from <= year) & (rng.random(n) < REVIVAL_SHARE)
        revive_day = ctx.calendar.roll_forward(listed_day + 15 + rng.exponential(100, n).astype(np.int64))
        revive &= revive_day < ents.deregistered
        filed = np.where(revive, revive_day, filed)
        dormant_from = np.where(revive, FAR, dormant_from)
        rows = np.flatnonzero(listed)
        fix_day = np.where(filed[rows] < FAR, filed[rows] + rng.integers(0, 8, rows.size), FAR)
        fix_day = np.where(fix_day < FAR, ctx.calendar.roll_forward(np.minimum(fix_day, ctx.dd + 400)), FAR)
        removed, removal = abnormal_removal(
            ctx, rng, listed_day[rows], ents.deregistered[rows], fix_day, fix_reasons(rng, rows.size, 0.25)
        )
        entries.add(rows, listed_day[rows], ABNORMAL_REASONS.index("no_annual_report"), removed, removal)
        # A transferred company is on the serious list now: it is not listed again for reports.
        transferred = removal == ABNORMAL_REMOVALS.index("transferred")
        stock_until[rows] = np.where(transferred, FAR, removed)
        if year >= ctx.year - REPORT_YEARS_WRITTEN:
            done = np.flatnonzero(filed <= ctx.dd)
            report_cols["enterprise_id"].append(ents.ids[done])
            report_cols["report_year"].append(np.full(done.size, year, dtype=np.int64))
            report_cols["submitted_on"].append(filed[done])
    reports = {key: np.concatenate(parts) for key, parts in report_cols.items()}
    order = np.lexsort((reports["report_year"], reports["enterprise_id"]))
    return {key: values[order] for key, values in reports.items()}, entries


def _season(ctx: Ctx, rng, ents: Entities, year: int, dormant_from, on_time_p, listable, stock_until):
    """One report year: filing day per entity (FAR = none) and who is listed, on which day."""
    n = len(ents)
    deadline = ymd(year + 1, 6, 30)
    required = (ents.registered <= ymd(year, 12, 31)) & (ents.deregistered > ymd(year + 1, 1, 1))
    dormant = dormant_from <= year
    on_time = ~dormant & (rng.random(n) < on_time_p)
    late = deadline + 1 + rng.exponential(45, n).astype(np.int64)
    late = np.minimum(late, ymd(year + 2, 3, 31))
    filed = np.where(on_time, _season_days(rng, n, year), np.where(dormant, FAR, late))
    filed = np.where(required & (filed < ents.deregistered), filed, FAR)
    listed_day = _listing_days(ctx, rng, ents.county, year)
    listed = (
        required
        & listable
        & (filed > listed_day)
        & (listed_day <= ctx.dd)
        & (ents.deregistered > listed_day)
        & (stock_until <= listed_day)
    )
    return filed, listed_day, listed
