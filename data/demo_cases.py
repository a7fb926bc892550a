"""行政处罚案件 in the seven categories of 通辽's 分类处罚, and the revisits they owe (康复式回访).

Fines follow the discretion baseline: general = baseline, aggravated above it, lighter below,
mitigated well below, summary procedure small, the two exempt categories zero. Revisits follow
the contract's rule: aggravated cases owe two a year, general/lighter/mitigated one, and a
30 % sample of summary / minor_exempt / first_offense_exempt cases one (one county samples a
little under 30 %, one county is slow with its revisits, so the targets are worth checking).
"""

from __future__ import annotations

import numpy as np

from data.demo_common import FAR, Ctx, allocate, pick, ymd
from data.demo_entities import Entities
from data.demo_places import COUNTY_WEIGHTS
from data.geo import COUNTIES

CASES_PER_YEAR = (2600, 3400)
CASE_YEARS = 3
CATEGORY_SHARES = {
    "aggravated": 0.05,
    "general": 0.35,
    "lighter": 0.15,
    "mitigated": 0.08,
    "summary": 0.15,
    "minor_exempt": 0.10,
    "first_offense_exempt": 0.12,
}
TIER3 = ("summary", "minor_exempt", "first_offense_exempt")
VIOLATIONS = (
    "food_safety",
    "pricing",
    "advertising",
    "special_equipment",
    "product_quality",
    "unlicensed",
    "annual_report",
    "trademark",
    "other",
)
VIOLATION_WEIGHTS = {
    "default": (28, 8, 7, 6, 12, 10, 2, 6, 21),
    # 首违不罚 is above all the first missed annual report (自治区's 首次未年报不予处罚 notice).
    "first_offense_exempt": (10, 10, 15, 0, 5, 0, 45, 0, 15),
    "minor_exempt": (30, 15, 15, 0, 10, 0, 0, 0, 30),
}
MEDIAN_BASE_YUAN = {
    "food_safety": 8000,
    "pricing": 5000,
    "advertising": 10000,
    "special_equipment": 30000,
    "product_quality": 15000,
    "unlicensed": 5000,
    "annual_report": 2000,
    "trademark": 20000,
    "other": 5000,
}
CASE_PREFIX = {
    "150502": "科区市监",
    "150521": "科左中市监",
    "150522": "科左后市监",
    "150523": "开市监",
    "150524": "库市监",
    "150525": "奈市监",
    "150526": "扎市监",
    "150581": "霍市监",
}
CITY_PREFIX = "通市监"
TIER3_SAMPLE = {"150522": 0.27}
TIER3_SAMPLE_DEFAULT = 0.31
REVISIT_DONE = {"150524": 0.84}
REVISIT_DONE_DEFAULT = 0.93
METHODS = ("onsite", "phone", "survey", "meeting")


def build_cases(ctx: Ctx, ents: Entities) -> tuple[dict, dict, tuple]:
    """enforcement_cases and case_revisits columns, and (entity indices, days) of serious-list listings."""
    rng = ctx.rng("cases")
    parts = [_year_cases(ctx, rng, year) for year in range(ctx.year - CASE_YEARS + 1, ctx.year + 1)]
    category = np.concatenate([p[0] for p in parts])
    decided = np.concatenate([p[1] for p in parts])
    order = np.lexsort((rng.random(decided.size), decided))
    category, decided = category[order], decided[order]
    n = decided.size
    codes = list(COUNTIES)
    county = rng.choice(len(codes), n, p=np.array([COUNTY_WEIGHTS[c] for c in codes]))
    violation = _violations(rng, category)
    ent = _parties(rng, ents, county, decided, violation)
    base, fine = _fines(rng, category, violation)
    case_cols = {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "case_no": _case_numbers(rng, county, decided, category),
        "enterprise_id": np.where(ent >= 0, ents.ids[np.maximum(ent, 0)], -1),
        "region_code": np.array(codes, dtype=object)[county],
        "decided_on": decided,
        "category": category,
        "violation_type": violation,
        "base_fine": base,
        "fine_amount": fine,
    }
    serious = (category == "aggravated") & (ent >= 0) & (fine >= 5_000_000) & (rng.random(n) < 0.3)
    if not serious.any():
        # Small scales: the largest aggravated fine old enough to be listed still leads to a listing.
        eligible = np.flatnonzero((category == "aggravated") & (ent >= 0) & (decided <= ctx.dd - 60))
        if eligible.size:
            serious[eligible[np.argmax(fine[eligible])]] = True
    revisit_cols = _revisits(ctx, rng, category, decided, county)
    return case_cols, revisit_cols, (ent[serious], decided[serious])


def _year_cases(ctx: Ctx, rng, year: int) -> tuple[np.ndarray, np.ndarray]:
    first, last = ymd(year, 1, 1), min(ymd(year, 12, 31), ctx.dd)
    share_of_year = (last - first + 1) / (ymd(year, 12, 31) - first + 1)
    total = int(round(rng.integers(*CASES_PER_YEAR) * ctx.scale * share_of_year))
    counts = allocate(total, CATEGORY_SHARES, minimum=1)
    category = np.concatenate([np.full(c, name, dtype=object) for name, c in counts.items()])
    decided = ctx.office_day(rng.integers(first, last + 1, category.size))
    return category, decided


def _violations(rng, category: np.ndarray) -> np.ndarray:
    out = np.empty(category.size, dtype=object)
    for name in CATEGORY_SHARES:
        rows = np.flatnonzero(category == name)
        weights = VIOLATION_WEIGHTS.get(name, VIOLATION_WEIGHTS["default"])
        out[rows] = pick(rng, dict(zip(VIOLATIONS, weights)), rows.size)
    return out


def _parties(rng, ents: Entities, county: np.ndarray, decided: np.ndarray, violation: np.ndarray) -> np.ndarray:
    """Entity index per case (-1 = a party that is not a registered entity, mostly 无照经营)."""
    ent = np.full(county.size, -1, dtype=np.int64)
    registered_party = rng.random(county.size) >= np.where(violation == "unlicensed", 0.7, 0.06)
    for ci in range(len(COUNTIES)):
        pool = np.flatnonzero(ents.county == ci)
        todo = np.flatnonzero((county == ci) & registered_party)
        for _ in range(20):
            if not todo.size:
                break
            cand = pool[rng.integers(0, pool.size, todo.size)]
            ok = (ents.registered[cand] < decided[todo]) & (ents.deregistered[cand] > decided[todo])
            ent[todo[ok]] = cand[ok]
            todo = todo[~ok]
    return ent


def _fines(rng, category: np.ndarray, violation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(base_fine, fine_amount) in cents."""
    n = category.size
    median = np.vectorize(MEDIAN_BASE_YUAN.get)(violation).astype(float)
    median = np.where(category == "aggravated", median * 4, median)
    median = np.where(np.isin(category, ("minor_exempt", "first_offense_exempt")), median * 0.4, median)
    yuan = np.clip(rng.lognormal(np.log(median), 1.0), 200, 800_000)
    summary = category == "summary"
    yuan = np.where(summary, rng.integers(1, 61, n) * 50.0, yuan)
    # Most fines are round hundreds; some are to the yuan, a few include confiscated income to the fen.
    u = rng.random(n)
    base = np.where(
        u < 0.85, np.round(yuan / 100) * 10_000, np.where(u < 0.95, np.round(yuan) * 100, np.round(yuan * 100))
    )
    base = np.maximum(base, 5_000).astype(np.int64)
    factor = np.select(
        [
            category == "aggravated",
            category == "lighter",
            category == "mitigated",
            np.isin(category, ("minor_exempt", "first_offense_exempt")),
        ],
        [rng.uniform(1.2, 2.0, n), rng.uniform(0.55, 0.9, n), rng.uniform(0.1, 0.45, n), np.zeros(n)],
        1.0,
    )
    fine = np.where(factor == 1.0, base, np.round(base * factor / 1000) * 1000).astype(np.int64)
    return base, fine


def _case_numbers(rng, county: np.ndarray, decided: np.ndarray, category: np.ndarray) -> list[str]:
    """案号 like 科区市监处罚〔2026〕123号: per issuing authority, document kind and year, in date order."""
    codes = list(COUNTIES)
    city = rng.random(county.size) < 0.1
    kinds = np.where(
        category == "summary",
        "简罚",
        np.where(np.isin(category, ("minor_exempt", "first_offense_exempt")), "不罚", "处罚"),
    )
    years = decided.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    counters: dict[tuple, int] = {}
    numbers = []
    for i in range(county.size):
        prefix = CITY_PREFIX if city[i] else CASE_PREFIX[codes[county[i]]]
        key = (prefix, kinds[i], years[i])
        counters[key] = counters.get(key, 0) + 1
        numbers.append(f"{prefix}{kinds[i]}〔{years[i]}〕{counters[key]}号")
    return numbers


def _revisits(ctx: Ctx, rng, category: np.ndarray, decided: np.ndarray, county: np.ndarray) -> dict:
    codes = list(COUNTIES)
    n = category.size
    sampled = np.zeros(n, dtype=bool)
    for ci, code in enumerate(codes):
        tier3 = np.flatnonzero(np.isin(category, TIER3) & (county == ci))
        take = int(round(TIER3_SAMPLE.get(code, TIER3_SAMPLE_DEFAULT) * tier3.size))
        sampled[rng.choice(tier3, take, replace=False)] = True
    if not sampled.any():
        sampled[np.flatnonzero(np.isin(category, TIER3))[:1]] = True
    first_round = (category != "aggravated") & (np.isin(category, TIER3) <= sampled)
    aggravated = category == "aggravated"
    case = np.concatenate(
        [np.flatnonzero(aggravated), np.flatnonzero(aggravated), np.flatnonzero(first_round & ~aggravated)]
    )
    round_no = np.concatenate(
        [np.ones(aggravated.sum()), np.full(aggravated.sum(), 2), np.ones((first_round & ~aggravated).sum())]
    )
    order = np.lexsort((round_no, case))
    case, round_no = case[order], round_no[order].astype(np.int64)
    m = case.size
    delay = np.where(
        category[case] == "aggravated",
        np.where(round_no == 1, rng.integers(80, 101, m), rng.integers(260, 291, m)),
        rng.integers(90, 181, m),
    )
    due = ctx.calendar.roll_forward(decided[case] + delay)
    done_share = np.array([REVISIT_DONE.get(c, REVISIT_DONE_DEFAULT) for c in codes])[county[case]]
    early_share = np.where(due - ctx.dd <= 45, 0.3, 0.05)
    done = np.where(due <= ctx.dd, rng.random(m) < done_share, rng.random(m) < early_share)
    on_time = rng.random(m) < 0.78
    day = np.where(on_time, due - rng.integers(0, 46, m), due + rng.integers(1, 41, m))
    day = np.maximum(day, decided[case] + 7)
    day = ctx.calendar.roll_back(np.minimum(day, ctx.dd + 100))
    revisited = np.where(done & (day <= ctx.dd), day, FAR)
    method = rng.choice(len(METHODS), m, p=[0.5, 0.3, 0.1, 0.1])
    u = rng.random(m)
    rectified = np.where(u < 0.86, 1, np.where(u < 0.94, 0, -1))
    happened = revisited < FAR
    # Small scales: every method and every rectification outcome occurs among done revisits.
    for values, codes in ((method, range(len(METHODS))), (rectified, (1, 0, -1))):
        for code in codes:
            if happened.sum() > 7 and not (happened & (values == code)).any():
                kinds, counts = np.unique(values[happened], return_counts=True)
                common = np.flatnonzero(happened & (values == kinds[np.argmax(counts)]))
                values[common[rng.integers(common.size)]] = code
    return {
        "id": np.arange(1, m + 1, dtype=np.int64),
        "case_id": case + 1,
        "round": round_no,
        "due_on": due,
        "revisited_on": revisited,
        "method": np.where(happened, np.array(METHODS, dtype=object)[method], None),
        "rectified": np.where(happened, rectified, -1).astype(np.int8),
    }
