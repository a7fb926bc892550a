"""企业信用风险分类: monthly assessment runs over the last three years, for companies.

The grade of each company follows a birth–death Markov chain (A↔B↔C↔D, one step a month at
most) whose stationary mix is about A 55 %, B 35 %, C 7 %, D 3 %. Each county has a trend that
tilts the chain toward better or worse grades, so the map and the trend lines differ by county.
A company put on the abnormal list is usually downgraded at the next run. A row is written when
a company is first rated and whenever its grade changes, as the source system publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo_common import COMPANY, GRADES, Ctx, month_starts
from data.demo_entities import Entities
from data.demo_lists import ListEntries
from data.geo import COUNTIES

RUN_MONTHS = 36
STATIONARY = np.array([0.55, 0.35, 0.07, 0.03])
TOWARD_A = np.array([0.0, 0.020, 0.050, 0.040])
"""Monthly probability of moving one grade toward A, from A, B, C, D."""
TOWARD_D = np.append(STATIONARY[1:] / STATIONARY[:-1] * TOWARD_A[1:], 0.0)
"""Chosen so that STATIONARY is the chain's equilibrium (detailed balance)."""
COUNTY_TREND = {
    "150502": -0.6,
    "150521": 0.7,
    "150522": 0.3,
    "150523": -0.3,
    "150524": 0.9,
    "150525": 0.0,
    "150526": -0.7,
    "150581": 0.4,
}
"""Positive = drifting toward higher risk over the three years."""
TREND_STRENGTH = 0.35
"""How strongly a county's trend tilts the monthly moves (as a log factor): a few points of
high-risk share over three years, not a landslide."""
LISTING_DOWNGRADE = (0.5, 0.15)
"""At the first run after an abnormal listing, an A/B company drops to C or D with these chances."""
COUNTY_RISK_LEVEL = {
    "150502": 0.9,
    "150521": 1.1,
    "150522": 1.2,
    "150523": 0.9,
    "150524": 1.4,
    "150525": 1.0,
    "150526": 0.8,
    "150581": 1.25,
}
"""Multiplier of the C and D shares at the first run."""
NEVER_RATED_SHARE = 0.03
SCORE_MISSING_SHARE = 0.08
SCORE_RANGE = {1: (85.0, 99.5), 2: (70.0, 85.0), 3: (55.0, 70.0), 4: (30.0, 55.0)}
"""Score by grade: higher = lower risk (the provincial model's 0–100 credit score)."""


@dataclass
class Grades:
    """Grade history: `at_run[r, e]` is entity e's grade code after run r (0 = unrated)."""

    runs: np.ndarray
    at_run: np.ndarray

    def at(self, ent: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Grade code (0 = unrated) of entities on days (latest run on or before each day)."""
        run = np.searchsorted(self.runs, days, side="right") - 1
        codes = np.zeros(np.size(ent), dtype=np.int8)
        ok = run >= 0
        codes[ok] = self.at_run[run[ok], ent[ok]]
        return codes


def _initial_grades(rng, county: np.ndarray, newcomer: np.ndarray) -> np.ndarray:
    """First grade: the county's mix; newly registered companies are a little riskier."""
    level = np.array([COUNTY_RISK_LEVEL[c] for c in COUNTIES])[county]
    level = np.where(newcomer, level * 1.3, level)
    p_c, p_d = STATIONARY[2] * level, STATIONARY[3] * level
    p_a = STATIONARY[0] / (STATIONARY[0] + STATIONARY[1]) * (1 - p_c - p_d)
    u = rng.random(county.size)
    return np.select([u < p_a, u < 1 - p_c - p_d, u < 1 - p_d], [1, 2, 3], 4).astype(np.int8)


def build_credit(ctx: Ctx, ents: Entities, abnormal: ListEntries) -> tuple[dict, Grades]:
    """credit_risk_assessments columns and the grade history for later lookups."""
    rng = ctx.rng("credit")
    runs = month_starts(ctx.dd - 365 * 3 - 5, ctx.dd)[-(RUN_MONTHS + 1) :]
    companies = np.flatnonzero(ents.kind == COMPANY)
    m = companies.size
    reg, dereg, county = ents.registered[companies], ents.deregistered[companies], ents.county[companies]
    never = rng.random(m) < NEVER_RATED_SHARE
    first_run = np.searchsorted(runs, reg + 30, side="left")
    trend = np.array([COUNTY_TREND[c] for c in COUNTIES])[county]
    up_mult, down_mult = np.exp(TREND_STRENGTH * trend), np.exp(-TREND_STRENGTH * trend)
    shocked = _shock_runs(runs, ents, abnormal, companies)
    listed_at_start = _listed_on(runs[0], ents, abnormal)[companies]
    state = np.zeros(m, dtype=np.int8)
    at_run = np.zeros((runs.size, len(ents)), dtype=np.int8)
    out_ent, out_day, out_grade = [], [], []
    for r, run_day in enumerate(runs):
        alive = (reg <= run_day) & (dereg > run_day)
        new = alive & (state == 0) & ~never & (first_run <= r)
        rated = alive & (state > 0)
        u = rng.random(m)
        idx = np.maximum(state - 1, 0)
        p_up = TOWARD_D[idx] * up_mult
        p_down = TOWARD_A[idx] * down_mult
        moved = np.where(u < p_up, state + 1, np.where(u < p_up + p_down, state - 1, state))
        u = rng.random(m)
        to_c, to_d = LISTING_DOWNGRADE
        moved = np.where(
            rated & shocked[r] & (moved <= 2), np.select([u < to_d, u < to_d + to_c], [4, 3], moved), moved
        )
        initial = _initial_grades(rng, county, reg > runs[0])
        # Companies already on the abnormal list at the first run start out with its effect,
        # so the series does not begin with a jump toward C and D.
        v = rng.random(m)
        initial = np.where(
            (r == 0) & listed_at_start & (initial <= 2),
            np.select([v < to_d, v < to_d + to_c], [4, 3], initial),
            initial,
        )
        next_state = np.where(new, initial, np.where(rated, moved, state)).astype(np.int8)
        changed = (new | (rated & (next_state != state))) & alive
        out_ent.append(companies[changed])
        out_day.append(np.full(changed.sum(), run_day))
        out_grade.append(next_state[changed])
        state = np.where(alive, next_state, state)
        at_run[r, companies] = np.where(alive, state, 0)
    ent = np.concatenate(out_ent)
    grade = np.concatenate(out_grade)
    columns = {
        "enterprise_id": ents.ids[ent],
        "assessed_on": np.concatenate(out_day),
        "grade": np.array(GRADES, dtype=object)[grade],
        "score": _scores(rng, grade),
    }
    order = np.lexsort((columns["assessed_on"], columns["enterprise_id"]))
    return {k: v[order] for k, v in columns.items()}, Grades(runs, at_run)


def _listed_on(day: int, ents: Entities, abnormal: ListEntries) -> np.ndarray:
    """Per entity: on the abnormal list on `day`."""
    ent, listed, _, removed, _ = abnormal.arrays()
    on_list = np.zeros(len(ents), dtype=bool)
    on_list[ent[(listed <= day) & (removed > day)]] = True
    return on_list


def _shock_runs(runs: np.ndarray, ents: Entities, abnormal: ListEntries, companies: np.ndarray) -> np.ndarray:
    """`[run, company]`: the company was put on the abnormal list since the previous run."""
    shocked = np.zeros((runs.size, companies.size), dtype=bool)
    ent, listed, *_ = abnormal.arrays()
    position = np.full(len(ents), -1)
    position[companies] = np.arange(companies.size)
    keep = (position[ent] >= 0) & (listed < runs[-1]) & (listed >= runs[0] - 31)
    run = np.searchsorted(runs, listed[keep], side="right")
    shocked[run, position[ent[keep]]] = True
    return shocked


def _scores(rng, grade: np.ndarray) -> np.ndarray:
    """Score in cents (NUMERIC(6,2)); -1 = not published."""
    low = np.array([0.0] + [SCORE_RANGE[g][0] for g in (1, 2, 3, 4)])[grade]
    high = np.array([0.0] + [SCORE_RANGE[g][1] for g in (1, 2, 3, 4)])[grade]
    cents = np.round((low + rng.random(grade.size) * (high - low)) * 100).astype(np.int64)
    return np.where(rng.random(grade.size) < SCORE_MISSING_SHARE, -1, cents)
