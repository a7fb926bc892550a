"""Credit-risk classification (metrics.md §1): grade distribution, trend, migration, density.

The grade of an enterprise at date d is the grade of its latest assessment with
assessed_on <= d (none = 未分类); the population at d (分类对象) is the rows of `enterprises`
whose entity_type is in the classification scope, registered on or before d and not
deregistered on or before d. Both rules are SQL, written once below (`_GradeStamps`,
`_in_population`), and every figure is evaluated at an as-of date.

The scope is a setting (dashboard/config.py `credit_risk_entity_types`, default 企业 only:
个体工商户 and 农民专业合作社 are not classified by default). Every query here takes it as the
keyword argument `entity_types`, a tuple of entity_type codes bound as parameters, so the
result cache keys on it and this package never reads the app's settings.
Enterprises whose region_code is not a county of `regions` are left out of every figure
(they cannot be placed) and counted by `data_quality`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Integer, and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from queries.periods import month_end, shift_months
from queries.common import Rate, composed, count_if, days_between, exact_text, region_key, scope_conditions
from queries.schema import credit_risk_assessments as cra
from queries.schema import enterprises as ent
from queries.schema import regions

ENTITY_TYPES = ("company", "individual", "cooperative")
"""The entity_type codes of reporting-schema.md, in display order."""
DEFAULT_ENTITY_TYPES = ("company",)
"""The default classification scope: 企业 only."""

GRADES = ("A", "B", "C", "D")
HIGH_RISK_GRADES = ("C", "D")
TREND_POINTS = 12
DENSITY_CELLS_PER_DEGREE = 50
"""Density grid of 0.02° (about 2 km): fine at city zoom, coarse enough to stay small."""

_RANK = {"A": 1, "B": 2, "C": 3, "D": 4}
_EPOCH = date(1900, 1, 1)

DISTRIBUTION_COLUMNS = ["region_code", "a_count", "b_count", "c_count", "d_count", "rated_count", "unrated_count"]


# --- the two rules ---------------------------------------------------------------------------

def _in_scope(entity_types: Sequence[str]) -> ColumnElement:
    """The enterprise's entity_type is in the classification scope."""
    if not entity_types:
        raise ValueError("the classification scope needs at least one entity type")
    return ent.c.entity_type.in_(list(entity_types))


def _alive(on) -> ColumnElement:
    """Registered on or before `on` and not deregistered on or before it."""
    return and_(
        ent.c.registered_on <= on,
        or_(ent.c.deregistered_on.is_(None), ent.c.deregistered_on > on),
    )


def _in_population(on, entity_types: Sequence[str]) -> ColumnElement:
    """The population at `on` (分类对象): in the classification scope and alive at `on`."""
    return and_(_in_scope(entity_types), _alive(on))


def _placeable() -> ColumnElement:
    """The enterprise's region_code is a county of the region tree."""
    return ent.c.region_code.in_(select(regions.c.code).where(regions.c.level == "county"))


class _GradeStamps:
    """Each enterprise's latest assessment on or before each of a few dates, as joinable stamps.

    A stamp is (days since 1900-01-01) × 10 + the grade's rank (A 1, B 2, C 3, D 4, any other
    code 0). The primary key allows one assessment per enterprise and day, so the largest stamp
    among the assessments on or before a date is the latest one, and stamp % 10 is its grade
    (`rank`); NULL means no assessment yet (未分类). (Should a source without the key repeat
    a day, the worse grade of that day wins.)

    Two grouped scans in primary-key order answer every date at once: `base` holds the latest
    stamp on or before the first date; `later` the latest stamp after the first date and on or
    before each later one. A later stamp is always the newer, so a date's stamp is
    COALESCE(later, base), and the long history before the first date is aggregated only once.

    With `assessed_only`, `base` has a row for every enterprise assessed by the LAST date (its
    stamp NULL when its first assessment came after the first date), and `assessed()` joins the
    register INTO it: a figure over rated enterprises then reads only the assessed ones instead
    of probing the whole register.
    """

    def __init__(self, points: Sequence[date], assessed_only: bool = False):
        if list(points) != sorted(points):
            raise ValueError("grade dates must be in ascending order")
        self.points = list(points)
        rank = case(_RANK, value=exact_text(cra.c.grade), else_=0)  # 'c' is not a grade
        stamp = days_between(cra.c.assessed_on, literal(_EPOCH)) * 10 + rank
        if assessed_only and len(self.points) > 1:
            base_stamp = func.max(case((cra.c.assessed_on <= self.points[0], stamp), else_=None))
            base_until = self.points[-1]
        else:
            base_stamp, base_until = func.max(stamp), self.points[0]
        self.base = (
            select(cra.c.enterprise_id, base_stamp.label("stamp"))
            .where(cra.c.assessed_on <= base_until)
            .group_by(cra.c.enterprise_id)
            .subquery("grade_base")
        )
        self.later = None
        if len(self.points) > 1:
            columns = [
                func.max(case((cra.c.assessed_on <= point, stamp), else_=None)).label(f"stamp_{i}")
                for i, point in enumerate(self.points[1:], start=1)
            ]
            self.later = (
                select(cra.c.enterprise_id, *columns)
                .where(cra.c.assessed_on > self.points[0], cra.c.assessed_on <= self.points[-1])
                .group_by(cra.c.enterprise_id)
                .subquery("grade_later")
            )

    def assessed(self):
        """The assessed enterprises (see `assessed_only`) joined to the register and the later stamps."""
        joined = self.base.join(ent, ent.c.id == self.base.c.enterprise_id)
        if self.later is not None:
            joined = joined.outerjoin(self.later, self.later.c.enterprise_id == ent.c.id)
        return joined

    def rank(self, i: int) -> ColumnElement:
        """The grade rank at the i-th date (1 A … 4 D, 0 not a grade, NULL unassessed)."""
        stamp = self.base.c.stamp if i == 0 else func.coalesce(self.later.c[f"stamp_{i}"], self.base.c.stamp)
        return stamp % 10


def _stamps_at(points: Sequence[date]):
    """Each ASSESSED enterprise's latest stamp (see `_GradeStamps`) on or before each date, from
    one grouped scan of the assessments up to the last date (a subquery, one row per enterprise
    assessed by then). Columns: enterprise_id, stamp_0 … stamp_n (NULL: not yet assessed then).

    Meant to be joined INTO the register, so a figure over rated enterprises reads only the
    assessed ones (a province assesses a fraction of its register).
    """
    rank = case(_RANK, value=exact_text(cra.c.grade), else_=0)  # 'c' is not a grade
    stamp = days_between(cra.c.assessed_on, literal(_EPOCH)) * 10 + rank
    last = len(points) - 1
    columns = [
        func.max(stamp if i == last else case((cra.c.assessed_on <= point, stamp), else_=None)).label(f"stamp_{i}")
        for i, point in enumerate(points)
    ]
    return (
        select(cra.c.enterprise_id, *columns)
        .where(cra.c.assessed_on <= points[-1])
        .group_by(cra.c.enterprise_id)
        .subquery("grade_stamps")
    )


def _is_rated(rank) -> ColumnElement:
    return rank.between(1, len(GRADES))


def _is_high_risk(rank) -> ColumnElement:
    return rank.in_([_RANK[g] for g in HIGH_RISK_GRADES])


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
    for column in columns:
        if column.endswith("_count"):
            frame[column] = frame[column].astype("int64")
    return frame


# --- grade distribution ----------------------------------------------------------------------

@composed
def grade_distribution(run, f, *, entity_types: Sequence[str]) -> pd.DataFrame:
    """One row per region (county, or office / "other" when one county is chosen) at P's as-of date.

    region_code, a_count, b_count, c_count, d_count, rated_count, unrated_count. Shares are
    count / rated_count; regions without enterprises are absent. (The first of
    `grade_distributions`, which costs about the same and is what the pages ask for.)
    """
    return run(grade_distributions, f, entity_types=entity_types)[0]


def grade_distributions(conn: Connection, f, *, entity_types: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`grade_distribution` at P's and at Q's as-of dates (in that order), from the same two scans."""
    on = sorted({f.period.as_of, f.comparison.as_of})
    frames = dict(zip(on, _distributions(conn, f, on, entity_types)))
    return frames[f.period.as_of], frames[f.comparison.as_of]


def _distributions(conn: Connection, f, on: list[date], entity_types: Sequence[str]) -> list[pd.DataFrame]:
    """The grade distribution at each date of `on` (ascending), in two grouped queries: the
    population per region from the register alone, and the grades from the assessed
    enterprises only (joined to the register). 未分类 = population − rated."""
    key = region_key(f, ent.c.region_code, ent.c.office_code).label("region_code")
    common = (_in_scope(entity_types), ent.c.registered_on <= on[-1], _placeable(),
              *scope_conditions(f, ent.c.region_code, ent.c.office_code))
    population = select(key, *[count_if(_alive(d)).label(f"population_{i}") for i, d in enumerate(on)]).where(
        *common
    ).group_by(key)
    stamps = _stamps_at(on)
    graded = []
    for i, d in enumerate(on):
        rank = stamps.c[f"stamp_{i}"] % 10
        graded += [count_if(and_(_alive(d), rank == _RANK[g])).label(f"{g.lower()}_{i}") for g in GRADES]
    grades = (
        select(key, *graded)
        .select_from(stamps.join(ent, ent.c.id == stamps.c.enterprise_id))
        .where(*common)
        .group_by(key)
    )
    pop = _frame(conn.execute(population).all(), ["region_code", *[f"population_{i}" for i in range(len(on))]])
    grade_columns = [f"{g.lower()}_{i}" for i in range(len(on)) for g in GRADES]
    counts = _frame(conn.execute(grades).all(), ["region_code", *grade_columns])
    merged = pop.merge(counts, on="region_code", how="left")
    merged[grade_columns] = merged[grade_columns].fillna(0).astype("int64")
    frames = []
    for i in range(len(on)):
        frame = pd.DataFrame({"region_code": merged["region_code"]})
        for g in GRADES:
            frame[f"{g.lower()}_count"] = merged[f"{g.lower()}_{i}"].astype("int64")
        frame["rated_count"] = frame[[f"{g.lower()}_count" for g in GRADES]].sum(axis=1).astype("int64")
        frame["unrated_count"] = (merged[f"population_{i}"] - frame["rated_count"]).astype("int64")
        present = merged[f"population_{i}"] > 0
        frames.append(frame[present].sort_values("region_code", kind="stable").reset_index(drop=True)[DISTRIBUTION_COLUMNS])
    return frames


@dataclass(frozen=True)
class GradeTotals:
    """Grade counts summed over regions (the headline figures)."""

    a_count: int
    b_count: int
    c_count: int
    d_count: int
    unrated_count: int

    @property
    def rated_count(self) -> int:
        return self.a_count + self.b_count + self.c_count + self.d_count

    @property
    def high_risk(self) -> Rate:
        """高风险占比 = (C + D) / rated."""
        return Rate(self.c_count + self.d_count, self.rated_count)

    @property
    def d_share(self) -> Rate:
        return Rate(self.d_count, self.rated_count)


def grade_totals(distribution: pd.DataFrame) -> GradeTotals:
    """Totals of a `grade_distribution` frame (sum the parts; rates are divided afterwards)."""
    names = ("a_count", "b_count", "c_count", "d_count", "unrated_count")
    return GradeTotals(**{name: int(distribution[name].sum()) for name in names})


# --- trend -----------------------------------------------------------------------------------

def trend_points(f) -> list[date]:
    """The trend's dates: the last day of each of the 11 months before P.end's month, then the as-of date.

    A month end after the as-of date (data cut short by a stale load) is dropped: nothing
    after the as-of date has happened yet.
    """
    first_of_end_month = f.period.end.replace(day=1)
    month_ends = [month_end(shift_months(first_of_end_month, -k)) for k in range(TREND_POINTS - 1, 0, -1)]
    return [d for d in month_ends if d < f.period.as_of] + [f.period.as_of]


@composed
def high_risk_trend(run, f, *, entity_types: Sequence[str]) -> pd.DataFrame:
    """One row per (trend point, county) over the whole city, plus the chosen office's own rows.

    point_on, region_code, high_risk_count, rated_count. The city line is the sum of the
    counties at each point. Counties are not narrowed by the filter (the city line needs
    them all); with an office chosen, its rows carry the office's code.

    Made of parts the cache keeps apart (see `trend_parts`): the closed month ends, which do
    not change until the data does and are shared by every filter with the same office, and
    the as-of point, which is the grade distribution the page's cards already read.
    """
    closed, city_filter, office_filter = trend_parts(f)
    return trend_from_parts(
        run(high_risk_at, closed, f.counties if f.office else (), f.office, entity_types=entity_types),
        run(grade_distributions, city_filter, entity_types=entity_types)[0],
        run(grade_distributions, office_filter, entity_types=entity_types)[0] if office_filter else None,
        f,
    )


def trend_parts(f):
    """What `high_risk_trend` is made of: (the closed month-end points as a tuple, the whole
    city's filter at P's as-of date, and the filter itself when an office is chosen, else None)."""
    points = trend_points(f)
    city = replace(f, counties=(), office=None)
    return tuple(points[:-1]), city, (f if f.office else None)


def trend_from_parts(closed: pd.DataFrame, city_now: pd.DataFrame, office_now: pd.DataFrame | None, f) -> pd.DataFrame:
    """`high_risk_trend`'s frame from `high_risk_at` over the closed points and the grade
    distributions at P's as-of date (the city's by county; the office's, when chosen)."""
    on = f.period.as_of

    def point(distribution: pd.DataFrame, region_codes) -> pd.DataFrame:
        return pd.DataFrame({
            "point_on": on,
            "region_code": region_codes,
            "high_risk_count": (distribution["c_count"] + distribution["d_count"]).astype("int64"),
            "rated_count": distribution["rated_count"].astype("int64"),
        })

    parts = [closed, point(city_now, city_now["region_code"])]
    if office_now is not None:
        total = office_now[["c_count", "d_count", "rated_count"]].sum().to_frame().T
        parts.append(point(total, [f.office]))
    present = [part for part in parts if len(part)]
    frame = pd.concat(present, ignore_index=True) if present else closed
    frame = frame.astype({"high_risk_count": "int64", "rated_count": "int64"})
    return frame[frame["rated_count"] > 0].sort_values(["point_on", "region_code"]).reset_index(drop=True)


def high_risk_at(
    conn: Connection, points: tuple[date, ...], counties: tuple[str, ...], office: str | None, *, entity_types: Sequence[str]
) -> pd.DataFrame:
    """One row per (point, county) over the whole city, plus, with `office`, the office's own
    rows (restricted to `counties` like the shared filter). point_on, region_code,
    high_risk_count, rated_count; rows without rated enterprises are left out.

    Depends only on its arguments, so month ends that are over are computed once per data date
    and shared by every filter with the same points and office."""
    columns = ["point_on", "region_code", "high_risk_count", "rated_count"]
    if not points:
        return _frame([], columns)
    frame = _high_risk_by_point(conn, list(points), [], entity_types)
    if office:
        scope = [ent.c.office_code == office, *([ent.c.region_code.in_(counties)] if counties else [])]
        office_rows = _high_risk_by_point(conn, list(points), scope, entity_types).assign(region_code=office)
        frame = pd.concat([frame, office_rows], ignore_index=True)
    return frame.sort_values(["point_on", "region_code"]).reset_index(drop=True)


def _high_risk_by_point(conn: Connection, points: list[date], scope: list, entity_types: Sequence[str]) -> pd.DataFrame:
    """Per county, or, with a `scope`, one total (its region_code is filled in by the caller)."""
    stamps = _GradeStamps(points, assessed_only=True)
    counts = []
    for i, point in enumerate(points):
        rank = stamps.rank(i)
        alive = _alive(point)
        counts += [
            count_if(and_(alive, _is_high_risk(rank))).label(f"high_risk_{i}"),
            count_if(and_(alive, _is_rated(rank))).label(f"rated_{i}"),
        ]
    region = ent.c.region_code.label("region_code")
    stmt = (
        select(*([] if scope else [region]), *counts)
        .select_from(stamps.assessed())
        .where(_in_scope(entity_types), ent.c.registered_on <= points[-1], _placeable(), *scope)
    )
    if not scope:
        stmt = stmt.group_by(region)
    rows = [
        (point, row.get("region_code"), row[f"high_risk_{i}"], row[f"rated_{i}"])
        for row in conn.execute(stmt).mappings()
        for i, point in enumerate(points)
    ]
    frame = _frame(rows, ["point_on", "region_code", "high_risk_count", "rated_count"])
    return frame[frame["rated_count"] > 0].sort_values(["point_on", "region_code"]).reset_index(drop=True)


# --- migration -------------------------------------------------------------------------------

def migration_matrix(conn: Connection, f, *, entity_types: Sequence[str]) -> pd.DataFrame:
    """One row per (grade at Q's as-of date, grade at P's as-of date) pair that occurs.

    from_grade, to_grade, enterprise_count, over enterprises in the filter's scope that are
    in the population and rated (A–D) at both dates.
    """
    q_on, p_on = f.comparison.as_of, f.period.as_of
    stamps = _GradeStamps([q_on, p_on], assessed_only=True)
    then, now = stamps.rank(0).label("from_rank"), stamps.rank(1).label("to_rank")
    stmt = (
        select(then, now, func.count().label("enterprise_count"))
        .select_from(stamps.assessed())
        .where(
            _in_scope(entity_types),
            _alive(q_on),
            _alive(p_on),
            _is_rated(then),
            _is_rated(now),
            _placeable(),
            *scope_conditions(f, ent.c.region_code, ent.c.office_code),
        )
        .group_by(then, now)
    )
    letters = {rank: grade for grade, rank in _RANK.items()}
    rows = [(letters[int(r.from_rank)], letters[int(r.to_rank)], r.enterprise_count) for r in conn.execute(stmt)]
    frame = _frame(rows, ["from_grade", "to_grade", "enterprise_count"])
    return frame.sort_values(["from_grade", "to_grade"]).reset_index(drop=True)


@dataclass(frozen=True)
class MigrationTotals:
    """Upgraded (toward A), downgraded (toward D) and unchanged enterprise counts."""

    upgraded: int
    downgraded: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.upgraded + self.downgraded + self.unchanged


def migration_totals(matrix: pd.DataFrame) -> MigrationTotals:
    """Totals of a `migration_matrix` frame: A is the best grade, so a later letter is a downgrade."""
    def total(condition) -> int:
        return int(matrix.loc[condition, "enterprise_count"].sum())

    return MigrationTotals(
        upgraded=total(matrix["to_grade"] < matrix["from_grade"]),
        downgraded=total(matrix["to_grade"] > matrix["from_grade"]),
        unchanged=total(matrix["to_grade"] == matrix["from_grade"]),
    )


# --- density of C/D locations ----------------------------------------------------------------

class grid_cell(FunctionElement):
    """FLOOR(value × DENSITY_CELLS_PER_DEGREE) as an integer: the density grid's cell index."""

    type = Integer()
    inherit_cache = True
    name = "grid_cell"


def _scaled(element, compiler, **kw) -> str:
    (value,) = element.clauses
    return f"({compiler.process(value, **kw)} * {DENSITY_CELLS_PER_DEGREE})"


@compiles(grid_cell)
def _grid_cell_default(element, compiler, **kw):
    return f"CAST(FLOOR({_scaled(element, compiler, **kw)}) AS INTEGER)"


@compiles(grid_cell, "mysql")
@compiles(grid_cell, "mariadb")
def _grid_cell_mysql(element, compiler, **kw):
    return f"CAST(FLOOR({_scaled(element, compiler, **kw)}) AS SIGNED)"


@compiles(grid_cell, "sqlite")
def _grid_cell_sqlite(element, compiler, **kw):
    # SQLite's FLOOR needs the optional math functions; CAST truncates toward zero, so step
    # down by one where truncation rounded a negative value up.
    scaled = _scaled(element, compiler, **kw)
    return f"(CAST({scaled} AS INTEGER) - ({scaled} < CAST({scaled} AS INTEGER)))"


def _high_risk_now(f, entity_types: Sequence[str]):
    """FROM clause and WHERE conditions of the C/D enterprises in the filter's scope at P's as-of date."""
    on = f.period.as_of
    stamps = _GradeStamps([on], assessed_only=True)
    conditions = [
        _in_population(on, entity_types),
        _placeable(),
        _is_high_risk(stamps.rank(0)),
        *scope_conditions(f, ent.c.region_code, ent.c.office_code),
    ]
    return stamps.assessed(), conditions


def high_risk_density(conn: Connection, f, *, entity_types: Sequence[str]) -> pd.DataFrame:
    """One row per 0.02° grid cell holding C/D enterprises at P's as-of date, in the filter's scope.

    lon, lat (the cell's centre), enterprise_count. Enterprises without coordinates are left
    out (counted by `data_quality`).
    """
    source, conditions = _high_risk_now(f, entity_types)
    lon_cell, lat_cell = grid_cell(ent.c.lon).label("lon_cell"), grid_cell(ent.c.lat).label("lat_cell")
    stmt = (
        select(lon_cell, lat_cell, func.count().label("enterprise_count"))
        .select_from(source)
        .where(*conditions, ent.c.lon.is_not(None), ent.c.lat.is_not(None))
        .group_by(lon_cell, lat_cell)
        .order_by(lon_cell, lat_cell)
    )
    frame = _frame(conn.execute(stmt).all(), ["lon_cell", "lat_cell", "enterprise_count"])
    return pd.DataFrame({
        "lon": (frame["lon_cell"].astype("float64") + 0.5) / DENSITY_CELLS_PER_DEGREE,
        "lat": (frame["lat_cell"].astype("float64") + 0.5) / DENSITY_CELLS_PER_DEGREE,
        "enterprise_count": frame["enterprise_count"],
    })


def latest_assessment_on(conn: Connection, f, *, entity_types: Sequence[str]) -> date | None:
    """The latest assessed_on on or before P's as-of date among the enterprises of the scope in
    the filter's regions: the date of the latest assessment round (None when nothing is graded)."""
    stmt = (
        select(func.max(cra.c.assessed_on))
        .select_from(cra.join(ent, ent.c.id == cra.c.enterprise_id))
        .where(
            cra.c.assessed_on <= f.period.as_of,
            _in_scope(entity_types),
            _placeable(),
            *scope_conditions(f, ent.c.region_code, ent.c.office_code),
        )
    )
    value = conn.execute(stmt).scalar_one()
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- the enterprises behind a share ------------------------------------------------------------

def high_risk_enterprises(f, *, entity_types: Sequence[str]):
    """The C/D enterprises of the filter's scope at P's as-of date, as a SELECT (not run) of
    labelled columns for queries/details.py to search, sort and page in SQL:
    enterprise_id, enterprise_name, uscc, entity_type, region_code, office_code, grade_rank
    (3 C, 4 D), grade_stamp (days since 1900-01-01 × 10 + rank: its latest assessment's date)."""
    on = f.period.as_of
    # A C/D enterprise has an assessment: the register is joined INTO the assessed enterprises
    # rather than probed whole (0.36 → 0.19 s for the page and its count at scale 1 on SQLite).
    stamps = _GradeStamps([on], assessed_only=True)
    rank = stamps.rank(0)
    conditions = [
        _in_population(on, entity_types),
        _placeable(),
        _is_high_risk(rank),
        *scope_conditions(f, ent.c.region_code, ent.c.office_code),
    ]
    return select(
        ent.c.id.label("enterprise_id"),
        ent.c.name.label("enterprise_name"),
        ent.c.uscc,
        ent.c.entity_type,
        ent.c.region_code,
        ent.c.office_code,
        rank.label("grade_rank"),
        stamps.base.c.stamp.label("grade_stamp"),
    ).select_from(stamps.assessed()).where(*conditions)


def grade_of_stamp(stamp: int) -> tuple[str, date]:
    """(grade letter, assessed_on) of a grade stamp."""
    letters = {rank: grade for grade, rank in _RANK.items()}
    return letters.get(int(stamp) % 10, "?"), _EPOCH + timedelta(days=int(stamp) // 10)


# --- data quality ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CreditDataQuality:
    """Counts behind the page's data-quality notes (rows dropped from, or marked in, the figures)."""

    orphan_assessments: int
    unplaceable_enterprises: int
    invalid_grade_assessments: int
    high_risk_without_location: int
    assessed_outside_scope: int
    """Live entities of the filter's regions outside the classification scope (个体工商户 …)
    that nonetheless have an assessment by P's as-of date: counted nowhere, said so."""


@composed
def data_quality(run, f, *, entity_types: Sequence[str]) -> CreditDataQuality:
    """Orphan assessments, enterprises of the population at P's as-of date outside the region
    tree, assessments of in-scope enterprises with a grade other than A–D, C/D enterprises in
    scope at P's as-of date without coordinates, and assessed entities outside the scope.

    The orphans are the reference check of the assessments' data check (quality.table_faults,
    which the page runs too), read from there rather than counted a second time."""
    from queries.quality import table_faults

    faults = run(table_faults, f.data_date, "credit_risk_assessments")
    orphans = sum(fault.count for fault in faults if fault.kind == "orphan" and fault.column == "enterprise_id")
    return combine_quality(
        {"orphan_assessments": orphans, **run(register_quality, f.period.as_of, entity_types=entity_types)},
        run(scope_quality, f, entity_types=entity_types),
    )


def register_quality(conn: Connection, on: date, *, entity_types: Sequence[str]) -> dict[str, int]:
    """The counts that do not depend on the filter's regions or period, only on the as-of date:
    invalid_grade_assessments (whole database) and unplaceable_enterprises
    (population at `on` outside the region tree). Pages ask for them apart from the scoped
    counts so the result cache computes them once per data date and as-of date, not per filter."""
    unplaceable = select(func.count()).select_from(ent).where(_in_population(on, entity_types), ~_placeable())
    # All assessments, not only those up to the as-of date: a plain scan beats the date index
    # when nearly every row qualifies, and a bad code is worth fixing whenever it is dated.
    # The scope is checked for the (few) rows with a bad code only, by EXISTS; an IN over the
    # scope's ids had SQLite list the whole register first (0.11 → 0.02 s at scale 1).
    in_scope = select(ent.c.id).where(ent.c.id == cra.c.enterprise_id, _in_scope(entity_types)).exists()
    invalid = select(func.count()).select_from(cra).where(cra.c.grade.not_in(GRADES), in_scope)
    return {
        "unplaceable_enterprises": int(conn.execute(unplaceable).scalar_one()),
        "invalid_grade_assessments": int(conn.execute(invalid).scalar_one()),
    }


def scope_quality(conn: Connection, f, *, entity_types: Sequence[str]) -> dict[str, int]:
    """The counts of the filter's regions at P's as-of date: high_risk_without_location (C/D
    in scope without coordinates, read from the assessed enterprises only) and
    assessed_outside_scope."""
    on = f.period.as_of
    source, conditions = _high_risk_now(f, entity_types)
    no_location = or_(ent.c.lon.is_(None), ent.c.lat.is_(None))
    unlocated = select(func.count()).select_from(source).where(*conditions, no_location)
    assessed_by_then = select(cra.c.enterprise_id).where(cra.c.assessed_on <= on)
    outside = select(func.count()).select_from(ent).where(
        ~_in_scope(entity_types),
        _alive(on),
        _placeable(),
        ent.c.id.in_(assessed_by_then),
        *scope_conditions(f, ent.c.region_code, ent.c.office_code),
    )
    return {
        "high_risk_without_location": int(conn.execute(unlocated).scalar_one()),
        "assessed_outside_scope": int(conn.execute(outside).scalar_one()),
    }


def combine_quality(register: dict[str, int], scoped: dict[str, int]) -> CreditDataQuality:
    """The orphan count with `register_quality`'s, and `scope_quality`'s, as one CreditDataQuality."""
    return CreditDataQuality(**register, **scoped)
