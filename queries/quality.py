"""Data checks of the contract a reporting database may not enforce (doctor and the pages).

Each check counts rows in one class of fault: grades outside A–D (case-sensitive on every
dialect), more than one assessment of an enterprise on one day, text in a date column that is
not a date (SQLite, which stores any text), dates after the data date, references to a row that
does not exist (orphans), and region codes that are not in `regions`.

Same-day assessments (the contract's key is enterprise + day): the worse grade of the day counts,
once — the rule is `worst_of_day` below, which the credit-risk queries' grade stamps implement
(the largest stamp of a day has the largest grade rank), so such a figure is defined, not doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, not_, or_, select, text
from sqlalchemy.engine import Connection

from queries.common import composed, count_if, exact_text, orphan_count, places_by_office
from queries.schema import metadata

GRADE_CODES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Fault:
    """`count` rows of `table` with a fault of `kind` in `column` (`parent`: the table referred to)."""

    kind: str
    table: str
    column: str
    count: int
    parent: str = ""


# Dates of things that have happened: none may lie after the data date. (Planned dates — task
# starts_on/due_on, revisit due_on — may.)
EVENT_DATES = {
    "enterprises": ("registered_on", "deregistered_on"),
    "credit_risk_assessments": ("assessed_on",),
    "inspections": ("inspected_on", "published_on"),
    "abnormal_list_entries": ("listed_on", "removed_on"),
    "serious_violation_entries": ("listed_on", "removed_on"),
    "enforcement_cases": ("decided_on",),
    "case_revisits": ("revisited_on",),
    "annual_reports": ("submitted_on",),
}
REFERENCES = (
    ("credit_risk_assessments", "enterprise_id", "enterprises", "id"),
    ("inspections", "enterprise_id", "enterprises", "id"),
    ("inspections", "task_id", "inspection_tasks", "id"),
    ("inspection_tasks", "plan_id", "inspection_plans", "id"),
    ("abnormal_list_entries", "enterprise_id", "enterprises", "id"),
    ("serious_violation_entries", "enterprise_id", "enterprises", "id"),
    ("enforcement_cases", "enterprise_id", "enterprises", "id"),
    ("case_revisits", "case_id", "enforcement_cases", "id"),
    ("annual_reports", "enterprise_id", "enterprises", "id"),
)
COUNTY_CODES = (
    ("enterprises", "region_code"),
    ("inspection_tasks", "region_code"),
    ("abnormal_list_entries", "region_code"),
    ("serious_violation_entries", "region_code"),
    ("enforcement_cases", "region_code"),
)


def _counted_checks(conn: Connection, data_date: date, name: str) -> list[tuple[str, str, object]]:
    """(kind, column, condition) of each check of table `name` that counts rows one by one, in
    the order table_faults reports them: grades, dates (on SQLite text that is not a date first),
    then region codes."""
    table = metadata.tables[name]
    checks: list[tuple[str, str, object]] = []
    if name == "credit_risk_assessments":
        # Not exactly A, B, C or D (lower case included).
        checks.append(("grade", "grade", or_(table.c.grade.is_(None), not_(exact_text(table.c.grade).in_(GRADE_CODES)))))
    for column_name in EVENT_DATES.get(name, ()):
        column = table.c[column_name]
        if conn.dialect.name == "sqlite":
            # Compared as text on purpose: the column's Date type would fail on the bad values.
            checks.append(("unparseable_date", column_name, and_(column.is_not(None), func.date(column).is_(None))))
        checks.append(("future_date", column_name, column > data_date))
    regions = metadata.tables["regions"]
    levels = [(c, "county") for t, c in COUNTY_CODES if t == name] + ([("office_code", "office")] if name == "enterprises" else [])
    for column_name, level in levels:
        column = table.c[column_name]
        # NOT IN over the (small) list of the level's codes, not a correlated probe per row: the
        # list is read once (SQLite 3× faster on the register). regions.code is the key, never
        # NULL, so NOT IN is exactly "no such code"; a NULL column is decided explicitly (a NULL
        # office is allowed, a NULL county is not).
        unknown_code = column.not_in(select(regions.c.code).where(regions.c.level == level).scalar_subquery())
        condition = and_(column.is_not(None), unknown_code) if level == "office" else or_(column.is_(None), unknown_code)
        checks.append(("unknown_region", column_name, condition))
    return checks


def key_declared(conn: Connection, table: str, columns: tuple[str, ...]) -> bool:
    """Whether the database itself keeps `columns` unique in `table`: a primary key or unique
    constraint on exactly those columns (on SQLite, a unique index that is not partial). Read
    from the catalogue, a few rows; False when the database declares no such key."""
    wanted = {name.lower() for name in columns}
    if conn.dialect.name == "sqlite":
        for name, unique, partial in conn.execute(
            text('SELECT name, "unique", partial FROM pragma_index_list(:t)'), {"t": table}
        ).all():
            if unique and not partial:
                indexed = conn.execute(text("SELECT name FROM pragma_index_info(:i)"), {"i": name}).scalars().all()
                if {str(column).lower() for column in indexed} == wanted and None not in indexed:
                    return True
        return False
    schema = {"postgresql": "current_schema()", "duckdb": "current_schema()"}.get(conn.dialect.name, "DATABASE()")
    rows = conn.execute(
        text(
            "SELECT tc.constraint_name, kcu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
            "AND kcu.table_name = tc.table_name AND kcu.table_schema = tc.table_schema "
            f"WHERE tc.table_schema = {schema} AND tc.table_name = :t "
            "AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ),
        {"t": table},
    ).all()
    keys: dict[str, set[str]] = {}
    for constraint, column in rows:
        keys.setdefault(constraint, set()).add(str(column).lower())
    return wanted in keys.values()


def duplicate_faults(conn: Connection) -> list[Fault]:
    """Enterprise-days with more than one assessment (counted once each: the worse grade wins).

    None can exist where the database declares the contract's key (enterprise_id, assessed_on):
    then the catalogue says so and the assessments are not grouped (a province's million rows;
    0.2 s on PostgreSQL). A source without the key is counted."""
    cra = metadata.tables["credit_risk_assessments"]
    if key_declared(conn, cra.name, ("enterprise_id", "assessed_on")):
        return []
    groups = (
        select(cra.c.enterprise_id)
        .group_by(cra.c.enterprise_id, cra.c.assessed_on)
        .having(func.count() > 1)
        .subquery("repeated_days")
    )
    repeated = int(conn.execute(select(func.count()).select_from(groups)).scalar_one())
    return [Fault("duplicate", cra.name, "enterprise_id, assessed_on", repeated)] if repeated else []


def reference_faults(conn: Connection, tables: tuple[str, ...]) -> list[Fault]:
    """Rows referring to an enterprise, task, plan or case that is not there."""
    faults = []
    for child, column, parent, key in REFERENCES:
        if child not in tables:
            continue
        orphans = orphan_count(conn, metadata.tables[child].c[column], metadata.tables[parent].c[key])
        if orphans:
            faults.append(Fault("orphan", child, column, orphans, parent))
    return faults


def orphans_found(run, data_date: date, table: str) -> bool:
    """Whether the data checks of `table` (table_faults, asked through `run`) found rows referring
    to a missing parent: a count of a year's or a period's orphans is needed only then."""
    return any(fault.kind == "orphan" for fault in run(table_faults, data_date, table))


def register_join_needed(run, f, table: str) -> bool:
    """Whether figures over `table` must join the register (millions of rows in a province) to
    their rows: to place them by office (one county or an office chosen), or to drop rows whose
    enterprise is missing, which is what an inner join does. Neither when no office is in play
    and the table's data check (table_faults, asked through `run`; the pages showing such figures
    run it too) found no such orphan: the join then changes no count and only costs its pass."""
    if places_by_office(f):
        return True
    return any(fault.kind == "orphan" and fault.column == "enterprise_id"
               for fault in run(table_faults, f.data_date, table))


ALL_TABLES = tuple(name for name in metadata.tables if name not in ("regions", "report_meta", "workday_adjustments"))


@composed
def data_faults(run, data_date: date, tables: tuple[str, ...] = ALL_TABLES) -> list[Fault]:
    """Every data check on `tables` (default: all the contract's data tables), in one list:
    grades and same-day assessments, then dates (in the order of `tables`), references and
    region codes. Made of each table's checks (`table_faults`), so through the app's cache a
    table that several figures' sets name (the register, on the overview) is checked once per
    data date."""
    found = [fault for table in tables for fault in run(table_faults, data_date, table)]
    return sorted(found, key=lambda fault: _position(fault, tables))


_REGION_CHECKS = [*COUNTY_CODES, ("enterprises", "office_code")]


def _position(fault: Fault, tables: tuple[str, ...]) -> tuple:
    """Where `fault` stands in data_faults' order (the order the checks of all tables at once ran in)."""
    if fault.kind in ("grade", "duplicate"):
        return (0, fault.kind != "grade")
    if fault.kind in ("unparseable_date", "future_date"):
        return (1, tables.index(fault.table), EVENT_DATES[fault.table].index(fault.column), fault.kind != "unparseable_date")
    if fault.kind == "orphan":
        return (2, [(child, column) for child, column, _, _ in REFERENCES].index((fault.table, fault.column)))
    return (3, _REGION_CHECKS.index((fault.table, fault.column)))


def table_faults(conn: Connection, data_date: date, table: str) -> list[Fault]:
    """Every data check of one table: its grades, dates and region codes counted in ONE pass over
    the table (a province's register is millions of rows: one scan, not one per check), then the
    same-day assessments and the references, which need a grouping or a second table."""
    checks = _counted_checks(conn, data_date, table)
    counts = []
    if checks:
        stmt = select(*[count_if(condition).label(f"check_{i}") for i, (_, _, condition) in enumerate(checks)])
        counts = [int(value) for value in conn.execute(stmt.select_from(metadata.tables[table])).one()]
    counted = [Fault(kind, table, column, count) for (kind, column, _), count in zip(checks, counts) if count]
    grades = [fault for fault in counted if fault.kind == "grade"]
    duplicates = duplicate_faults(conn) if table == "credit_risk_assessments" else []
    dates = [fault for fault in counted if fault.kind in ("unparseable_date", "future_date")]
    region_codes = [fault for fault in counted if fault.kind == "unknown_region"]
    return grades + duplicates + dates + reference_faults(conn, (table,)) + region_codes
