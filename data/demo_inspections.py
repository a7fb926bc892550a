"""双随机、一公开: yearly plans, one task per plan and county, and the objects drawn with their results.

About a third of the plans are joint plans led by another department (进一次门、查多项事). Most
tasks draw their objects with ratios by credit-risk grade (差异化抽查), so C and D companies are
drawn more often, and problems are found more often at C and D. Tasks run for one to four
months; some finish late and a few are still open past their due date (the overdue list).
Results are published within 20 working days of the inspection as a rule, some later.
"""

from __future__ import annotations

import numpy as np

from data.demo_common import COMPANY, COOPERATIVE, FAR, INDIVIDUAL, Ctx, weighted_sample, ymd
from data.demo_credit import Grades
from data.demo_entities import Entities
from data.demo_places import COUNTY_WEIGHTS
from data.geo import COUNTIES

OBJECTS_PER_YEAR = 19_000
"""Objects drawn per year at scale 1."""
PLAN_YEARS = 3
RESULTS = (
    "no_problem",
    "not_operating",
    "corrected",
    "not_disclosed",
    "false_disclosure",
    "unreachable",
    "referred",
    "refused",
)
RESULT_BASE = np.array([0.0, 0.08, 0.095, 0.015, 0.003, 0.02, 0.006, 0.0015])
"""Base probabilities of each result but no_problem (which takes the rest)."""
PROBLEM_BY_GRADE = np.array([1.0, 0.6, 1.0, 2.0, 3.0])
"""Multiplier of problem results by grade code (unrated, A, B, C, D)."""
DRAW_WEIGHT_BY_GRADE = np.array([1.0, 0.5, 1.0, 3.0, 5.0])
"""Differentiated drawing: relative chance of being drawn by grade code."""
DIFFERENTIATED_SHARE = {"150524": 0.62, "150581": 0.68}
DIFFERENTIATED_DEFAULT = 0.80
LATE_PUBLICATION_SHARE = {"150521": 0.10, "150526": 0.07}
LATE_PUBLICATION_DEFAULT = 0.03

SOLO_PLANS = [
    ("食品经营者", "food"),
    ("食品生产企业", "food"),
    ("餐饮服务单位", "food"),
    ("特种设备使用单位", "special_equipment"),
    ("电梯维护保养单位", "special_equipment"),
    ("重点工业产品质量", "product_quality"),
    ("电线电缆及建材产品质量", "product_quality"),
    ("价格行为", "pricing"),
    ("涉企收费", "pricing"),
    ("广告发布", "advertising"),
    ("企业登记事项", "registration"),
    ("个体工商户登记事项", "registration"),
    ("企业年度报告公示信息", "annual_report"),
    ("农民专业合作社年度报告公示信息", "annual_report"),
    ("计量器具使用", "other"),
    ("网络交易经营者", "other"),
    ("药品零售企业", "other"),
    ("化妆品经营者", "other"),
    ("医疗器械经营企业", "other"),
    ("商标使用行为", "other"),
    ("认证活动", "other"),
]
JOINT_PLANS = [
    ("成品油经营企业", "product_quality", "商务局"),
    ("旅行社经营行为", "other", "文旅局"),
    ("A级旅游景区", "pricing", "文旅局"),
    ("公共场所卫生", "other", "卫健委"),
    ("学校食堂食品安全", "food", "教育局"),
    ("校外培训机构", "advertising", "教育局"),
    ("燃气经营企业", "special_equipment", "住建局"),
    ("道路运输企业", "other", "交通运输局"),
    ("农资经营单位", "product_quality", "农牧局"),
    ("危险化学品经营单位", "other", "应急管理局"),
    ("粮食收购企业", "other", "发改委"),
    ("人力资源服务机构", "other", "人社局"),
    ("餐饮服务单位食品和消防安全", "food", "市场监管局"),
    ("加油站计量和油品质量", "product_quality", "市场监管局"),
]
# Which entities an item category can draw: entity types and industry sections (None = any).
ELIGIBLE = {
    "food": ((COMPANY, INDIVIDUAL), "CFH"),
    "special_equipment": ((COMPANY,), "BCDEFGHKLQ"),
    "product_quality": ((COMPANY, INDIVIDUAL), "CFE"),
    "pricing": ((COMPANY, INDIVIDUAL), "FGHKLOQ"),
    "advertising": ((COMPANY, INDIVIDUAL), "FHKLMOPQR"),
    "registration": ((COMPANY, INDIVIDUAL, COOPERATIVE), None),
    "annual_report": ((COMPANY, COOPERATIVE), None),
    "other": ((COMPANY, INDIVIDUAL, COOPERATIVE), None),
}


def _solo_order(rng) -> np.ndarray:
    """Indices into SOLO_PLANS: one topic of each item category first (so even a small year
    covers every category), then the other topics, each part shuffled."""
    categories = sorted({c for _, c in SOLO_PLANS})
    first = [
        int(rng.choice([i for i, (_, c) in enumerate(SOLO_PLANS) if c == cat])) for cat in rng.permutation(categories)
    ]
    rest = [i for i in rng.permutation(len(SOLO_PLANS)) if i not in first]
    return np.array(first + rest)


def _plans(ctx: Ctx, rng) -> list[tuple]:
    """(year, name, lead department, is_joint, topic, category) per plan, years in order."""
    plans = []
    size = float(np.clip(ctx.scale, 0.25, 1.0))
    for year in range(ctx.year - PLAN_YEARS + 1, ctx.year + 1):
        count = max(12, int(round(rng.integers(38, 53) * size)))
        joint = max(3, int(round(count / 3)))
        for pool, take, is_joint in ((JOINT_PLANS, joint, True), (SOLO_PLANS, count - joint, False)):
            for k in range(take):
                if k % len(pool) == 0:
                    order = rng.permutation(len(pool)) if is_joint else _solo_order(rng)
                entry = pool[order[k % len(pool)]]
                topic = entry[0] + ("（第二批）" if k >= len(pool) else "")
                lead = entry[2] if is_joint else "市场监管局"
                kind = "部门联合双随机抽查计划" if is_joint else "双随机抽查计划"
                plans.append((year, f"{year}年度通辽市{topic}{kind}", lead, is_joint, topic, entry[1]))
    return plans


def _eligibility(ents: Entities) -> dict[str, np.ndarray]:
    masks = {}
    for category, (kinds, sections) in ELIGIBLE.items():
        mask = np.isin(ents.kind, kinds)
        if sections is not None:
            mask &= np.isin(ents.section.astype(str), list(sections))
        masks[category] = mask
    return masks


def build_inspections(ctx: Ctx, ents: Entities, grades: Grades) -> tuple[dict, dict, dict, dict]:
    """Columns of inspection_plans, inspection_tasks and inspections, and the findings that lead
    to abnormal-list entries ({listing reason: (entity indices, inspection days)})."""
    rng = ctx.rng("inspections")
    plans = _plans(ctx, rng)
    plan_cols = {
        "id": np.arange(1, len(plans) + 1, dtype=np.int64),
        "name": [p[1] for p in plans],
        "year": np.array([p[0] for p in plans], dtype=np.int64),
        "lead_department": [p[2] for p in plans],
        "is_joint": np.array([p[3] for p in plans]),
    }
    tasks = _tasks(ctx, rng, plans)
    eligible = _eligibility(ents)
    by_county = [np.flatnonzero(ents.county == ci) for ci in range(len(COUNTIES))]
    objects_task, objects_ent = [], []
    for t, task in enumerate(tasks):
        if task["starts_on"] > ctx.dd:
            continue  # objects are drawn when the task starts
        chosen = _draw(rng, ents, grades, eligible[task["category"]], by_county[task["county"]], task)
        objects_task.append(np.full(chosen.size, t))
        objects_ent.append(chosen)
    task_idx = np.concatenate(objects_task)
    ent = np.concatenate(objects_ent)
    task_cols = _task_columns(tasks)
    insp_cols, findings = _outcomes(ctx, rng, tasks, task_idx, ent, ents.ids[ent], grades)
    return plan_cols, task_cols, insp_cols, findings


def _tasks(ctx: Ctx, rng, plans: list[tuple]) -> list[dict]:
    codes = list(COUNTIES)
    weight = np.array([COUNTY_WEIGHTS[c] for c in codes])
    tasks = []
    for plan_id, (year, _, _, _, topic, category) in enumerate(plans, start=1):
        counties = (
            range(len(codes))
            if rng.random() < 0.7
            else sorted(rng.choice(len(codes), rng.integers(3, 7), replace=False))
        )
        # Most plans start in spring; a few (holiday markets, spring ploughing 农资) in January.
        plan_start = (
            ymd(year, 3, 1) + rng.integers(0, 230) if rng.random() < 0.85 else ymd(year, 1, 8) + rng.integers(0, 50)
        )
        duration = rng.integers(45, 121)
        for ci in counties:
            start = int(ctx.calendar.roll_forward([plan_start + rng.integers(0, 11)])[0])
            due = min(start + duration + int(rng.integers(-5, 6)), ymd(year, 12, 25))
            due = int(ctx.calendar.roll_back([due])[0])
            share = DIFFERENTIATED_SHARE.get(codes[ci], DIFFERENTIATED_DEFAULT)
            tasks.append(
                {
                    "plan_id": plan_id,
                    "year": year,
                    "county": int(ci),
                    "category": category,
                    "name": f"{topic}抽查（{COUNTIES[codes[ci]]}）",
                    "starts_on": start,
                    "due_on": due,
                    "is_differentiated": bool(rng.random() < share),
                    "weight": weight[ci] * rng.lognormal(0, 0.4),
                }
            )
    for year in {t["year"] for t in tasks}:
        same = [t for t in tasks if t["year"] == year]
        total = sum(t["weight"] for t in same)
        for t in same:
            t["size"] = max(1, int(round(OBJECTS_PER_YEAR * ctx.scale * t["weight"] / total)))
    return tasks


def _draw(rng, ents: Entities, grades: Grades, eligible: np.ndarray, local: np.ndarray, task: dict) -> np.ndarray:
    """Objects of one task: mostly from its county, a few registered elsewhere but operating here."""
    start = task["starts_on"]
    alive = (ents.registered <= start) & (ents.deregistered > start)
    pool = local[eligible[local] & alive[local]]
    weights = np.ones(pool.size)
    if task["is_differentiated"]:
        weights = DRAW_WEIGHT_BY_GRADE[grades.at(pool, np.full(pool.size, start))]
    chosen = pool[weighted_sample(rng, weights, task["size"])]
    outsiders = rng.binomial(chosen.size, 0.03)
    if outsiders:
        others = np.flatnonzero(eligible & alive & (ents.county != task["county"]))
        extra = others[rng.choice(others.size, min(outsiders, others.size), replace=False)]
        chosen = np.concatenate([chosen[: chosen.size - extra.size], extra])
    return np.sort(chosen)


def _task_columns(tasks: list[dict]) -> dict:
    codes = np.array(list(COUNTIES), dtype=object)
    return {
        "id": np.arange(1, len(tasks) + 1, dtype=np.int64),
        "plan_id": np.array([t["plan_id"] for t in tasks], dtype=np.int64),
        "name": [t["name"] for t in tasks],
        "region_code": codes[[t["county"] for t in tasks]],
        "item_category": [t["category"] for t in tasks],
        "starts_on": np.array([t["starts_on"] for t in tasks], dtype=np.int64),
        "due_on": np.array([t["due_on"] for t in tasks], dtype=np.int64),
        "is_differentiated": np.array([t["is_differentiated"] for t in tasks]),
    }


def _outcomes(ctx: Ctx, rng, tasks: list[dict], task_idx: np.ndarray, ent: np.ndarray, enterprise_ids, grades: Grades):
    n = ent.size
    start = np.array([t["starts_on"] for t in tasks])[task_idx]
    due = np.array([t["due_on"] for t in tasks])[task_idx]
    county = np.array([t["county"] for t in tasks])[task_idx]
    category = np.array([t["category"] for t in tasks], dtype=object)[task_idx]
    grade = grades.at(ent, start)
    inspected = _inspection_days(ctx, rng, task_idx, start, due, len(tasks))
    result = _results(rng, grade, category)
    published = _publication_days(ctx, rng, inspected, county)
    done = inspected <= ctx.dd
    past_due = due <= ctx.dd
    if past_due.any() and not (past_due & ~done).any():
        # Small scales: the most recently due task still has one object outstanding, so the
        # overdue-task list is never empty in the demo.
        latest = np.flatnonzero(past_due & (due == due[past_due].max()))
        done[latest[rng.integers(latest.size)]] = False
    # Small scales: every result code occurs at least once.
    for code in range(len(RESULTS)):
        plain = np.flatnonzero(done & (result == 0))
        if not (done & (result == code)).any() and plain.size:
            result[plain[rng.integers(plain.size)]] = code
    result = np.where(done, result, -1)
    published = np.where(done, published, FAR)
    findings = {
        reason: (ent[done & (result == RESULTS.index(code))], inspected[done & (result == RESULTS.index(code))])
        for reason, code in (
            ("unreachable", "unreachable"),
            ("no_disclosure", "not_disclosed"),
            ("false_disclosure", "false_disclosure"),
        )
    }
    columns = {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "task_id": task_idx + 1,
        "enterprise_id": enterprise_ids,
        "grade_at_sampling": np.array([None, "A", "B", "C", "D"], dtype=object)[grade],
        "inspected_on": np.where(done, inspected, FAR),
        "result": np.array(list(RESULTS) + [None], dtype=object)[result],
        "published_on": published,
    }
    return columns, findings


def _inspection_days(ctx: Ctx, rng, task_idx, start, due, n_tasks) -> np.ndarray:
    """Inspection day per object (FAR = not inspected, or only after the data date)."""
    n = task_idx.size
    laggard = (rng.random(n_tasks) < 0.25)[task_idx]
    outstanding_share = rng.uniform(0.05, 0.45, n_tasks)[task_idx]
    on_time = start + np.floor(rng.beta(1.6, 1.3, n) * (due - start + 1)).astype(np.int64)
    late = due + rng.integers(1, 91, n)
    # Objects of recent tasks are more often still open; old tasks have been closed since,
    # except a few that still have a straggler or two.
    straggling = (rng.random(n_tasks) < 0.1)[task_idx]
    never = rng.random(n) < np.where(ctx.dd - due <= 180, 0.6, np.where(straggling, 0.2, 0.0))
    outstanding = laggard & (rng.random(n) < outstanding_share)
    days = np.where(outstanding, np.where(never, FAR, late), on_time)
    # A running task (started, not yet due) has done the part of its work it had time for.
    running = (start <= ctx.dd) & (due > ctx.dd)
    elapsed = np.clip((ctx.dd - start) / np.maximum(due - start, 1), 0, 1)
    done_so_far = rng.random(n) < np.minimum(0.97, elapsed**0.9)
    so_far = start + np.floor(rng.random(n) * (ctx.dd - start + 1)).astype(np.int64)
    days = np.where(running, np.where(done_so_far, so_far, FAR), days)
    real = days < FAR
    days[real] = ctx.calendar.roll_forward(np.minimum(days[real], ctx.dd + 200))
    return np.where(days <= ctx.dd, days, FAR)


def _results(rng, grade: np.ndarray, category: np.ndarray) -> np.ndarray:
    """Result code per object: more problems found at C and D; address and disclosure problems
    in registration and annual-report checks, rectification orders in food checks."""
    n = grade.size
    p = np.tile(RESULT_BASE, (n, 1))
    p[:, 2:] *= PROBLEM_BY_GRADE[grade][:, None]
    paperwork = np.isin(category, ("registration", "annual_report"))
    p[paperwork, 3] *= 3
    p[paperwork, 5] *= 3
    p[paperwork, 2] *= 0.5
    p[category == "food", 2] *= 1.5
    p[:, 0] = 1 - p[:, 1:].sum(axis=1)
    cumulative = np.cumsum(p, axis=1)
    return (rng.random(n)[:, None] > cumulative).sum(axis=1)


def _publication_days(ctx: Ctx, rng, inspected: np.ndarray, county: np.ndarray) -> np.ndarray:
    """Publication day (FAR = not published by the data date): mostly within 20 working days."""
    n = inspected.size
    codes = list(COUNTIES)
    late_share = np.array([LATE_PUBLICATION_SHARE.get(c, LATE_PUBLICATION_DEFAULT) for c in codes])[county]
    u = rng.random(n)
    in_time = 1 + np.floor(rng.beta(1.5, 2.5, n) * 20).astype(np.int64)
    late = rng.integers(21, 46, n)
    k = np.where(u < 0.008, -1, np.where(u < 0.008 + late_share, late, in_time))
    real = (inspected < FAR) & (k > 0)
    published = np.full(n, FAR, dtype=np.int64)
    published[real] = ctx.calendar.add_workdays(inspected[real], k[real])
    return np.where(published <= ctx.dd, published, FAR)
