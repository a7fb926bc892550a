"""Helpers every topic module uses: region scope, dialect-portable expressions, rates.

Where dialects differ (date differences, exact money sums), the difference is hidden here,
once, and tested on every dialect in tests/test_common_queries.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
from sqlalchemy import BigInteger, Integer, String, and_, case, cast, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from queries.meta import region_tree
from queries.schema import regions

OTHER = "other"
"""Region key of rows that fall in no office of the chosen county (shown as 其他)."""

TOTAL = "total"
"""Region key of the total row (the whole of the filter's regions) that the overview's
per-region target frames end with."""


# --- region scope ----------------------------------------------------------------------------

def scope_conditions(f, county_col, office_col=None) -> list[ColumnElement]:
    """WHERE conditions restricting rows to the filter's counties and office.

    `county_col` is the row's county per metrics.md; `office_col` the office_code of the row's
    enterprise (None when the row has no enterprise: an office filter then excludes the row).
    """
    conditions: list[ColumnElement] = []
    if f.counties:
        conditions.append(county_col.in_(f.counties))
    if f.office:
        conditions.append(office_col == f.office if office_col is not None else literal(False))
    return conditions


def places_by_office(f) -> bool:
    """Whether a figure for `f` reads each row's office (an office chosen, or one county grouped
    by its offices): the office is the row's enterprise's, so the register must be joined."""
    return bool(f.office or f.by_office)


def require_register(f, join_register: bool) -> None:
    """Refuse to read rows without the register for a filter that places them by office."""
    if not join_register and places_by_office(f):
        raise ValueError("figures by office need the register")


def region_key(f, county_col, office_col=None) -> ColumnElement:
    """The "by region" grouping key: the county, or the office when exactly one county is chosen.

    Grouping one county by office puts rows whose enterprise has no office, or an office of
    another county, under OTHER, so the parts add up to the county.
    """
    if not f.by_office:
        return county_col
    if office_col is None:
        return literal(OTHER)
    offices_of_county = select(regions.c.code).where(
        regions.c.parent_code == f.counties[0], regions.c.level == "office"
    )
    return case((office_col.in_(offices_of_county), office_col), else_=literal(OTHER))


def shown_regions(tree: pd.DataFrame, f) -> list[str]:
    """The one rule for the regions a "by region" figure lists (zeros included), in the tree's
    display order: the chosen office; else the chosen county's offices (one county chosen);
    else the chosen counties, or every county. `tree` is queries.meta.region_tree's frame."""
    if f.office:
        return [f.office]
    if f.by_office:
        chosen = (tree["level"] == "office") & (tree["parent_code"] == f.counties[0])
    else:
        chosen = tree["level"] == "county"
        if f.counties:
            chosen &= tree["code"].isin(f.counties)
    return list(tree.loc[chosen, "code"])


def regions_in_scope(conn: Connection, f) -> list[str]:
    """shown_regions over the database's region tree."""
    return shown_regions(region_tree(conn), f)


def complete_keys(frame: pd.DataFrame, keys: Sequence, key_name: str, measures: Sequence[str]) -> pd.DataFrame:
    """`frame` (a "key" column and `measures`) as one row per key of `keys`, in that order, with
    zeros where a key has no row, then any other key of `frame` with a non-zero measure.

    Counts come back as int (MySQL sums are DECIMAL); `_yuan` measures stay exact Decimals.
    """
    found = {row["key"]: row for row in frame.to_dict("records")}
    extra = [k for k, row in found.items() if k not in keys and any(row[m] for m in measures)]

    def value(key, measure):
        raw = found.get(key, {}).get(measure)
        if measure.endswith("_yuan"):
            return raw if raw is not None else Decimal("0.00")
        return int(raw or 0)

    records = [{key_name: k, **{m: value(k, m) for m in measures}} for k in [*keys, *extra]]
    return pd.DataFrame(records, columns=[key_name, *measures])


def with_total(frame: pd.DataFrame, key: str = "region_code", constants: dict | None = None) -> pd.DataFrame:
    """`frame` (one row per region, counts and exact `_yuan` sums) and, last, its total: the row
    keyed TOTAL holding the sum of the parts of every column (a rate's numerator and denominator
    are summed, never its value). `constants` gives the total's value of columns that are not
    summed (e.g. the report year).
    Every total a page shows beside its regions (合计, 全市) is this row, computed here once."""

    def total(column: str):
        values = list(frame[column])
        if column in (constants or {}):
            return constants[column]
        if column.endswith("_yuan"):
            return sum(values, Decimal("0.00"))
        if frame[column].dtype.kind == "f":
            return float(sum(values))
        return int(sum(values))

    row = {column: TOTAL if column == key else total(column) for column in frame.columns}
    combined = pd.concat([frame, pd.DataFrame([row], columns=frame.columns)], ignore_index=True)
    numeric = [c for c in frame.columns if c != key and not c.endswith("_yuan") and frame[c].dtype.kind in "iuf"]
    return combined.astype({c: frame[c].dtype for c in numeric})


# --- dialect-portable expressions -------------------------------------------------------------

class days_between(FunctionElement):
    """Whole days from the second date to the first (later − earlier), as an integer."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "mysql")
@compiles(days_between, "mariadb")
def _days_between_mysql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"DATEDIFF({compiler.process(later, **kw)}, {compiler.process(earlier, **kw)})"


@compiles(days_between, "duckdb")
def _days_between_duckdb(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"date_diff('day', {compiler.process(earlier, **kw)}, {compiler.process(later, **kw)})"


class exact_text(FunctionElement):
    """A text column compared byte for byte ('c' is not 'C'): MySQL/MariaDB's usual collations
    ignore case, the other dialects compare exactly already."""

    type = String()
    inherit_cache = True
    name = "exact_text"


@compiles(exact_text)
def _exact_text_default(element, compiler, **kw):
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(exact_text, "mysql")
@compiles(exact_text, "mariadb")
def _exact_text_mysql(element, compiler, **kw):
    return f"BINARY {compiler.process(list(element.clauses)[0], **kw)}"


def sum_cents(expr) -> ColumnElement:
    """Exact sum of a money expression in integer cents (no binary-float drift on any dialect)."""
    return func.coalesce(func.sum(cast(func.round(expr * 100), BigInteger)), 0)


def cents_to_yuan(cents) -> Decimal:
    """Integer cents from `sum_cents` as an exact Decimal of yuan."""
    return (Decimal(int(cents or 0)) / 100).quantize(Decimal("0.01"))


class count_if(FunctionElement):
    """COUNT of rows meeting `condition` (0, never NULL, over no rows).

    Each dialect's own conditional count where it has one: DuckDB's count_if and the standard
    FILTER clause (PostgreSQL, SQLite) evaluate the condition alone, where the portable
    SUM(CASE …) builds and adds a number per row; on the pages' many-column counts (the trend's
    22, the data checks', the register's) that is a fifth of the statement's time on DuckDB.
    MySQL/MariaDB have no FILTER clause and keep the portable form."""

    type = BigInteger()
    inherit_cache = True
    name = "count_if"


@compiles(count_if)
def _count_if_default(element, compiler, **kw):
    condition = compiler.process(list(element.clauses)[0], **kw)
    return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


@compiles(count_if, "duckdb")
def _count_if_duckdb(element, compiler, **kw):
    # count_if over no rows is NULL there, unlike a count.
    return f"coalesce(count_if({compiler.process(list(element.clauses)[0], **kw)}), 0)"


@compiles(count_if, "postgresql")
@compiles(count_if, "sqlite")
def _count_if_filter(element, compiler, **kw):
    return f"count(*) FILTER (WHERE {compiler.process(list(element.clauses)[0], **kw)})"


def between(col, start: date, end: date) -> ColumnElement:
    """start <= col <= end, both inclusive (dates bound as parameters)."""
    return and_(col >= start, col <= end)


def bucket_index(col, buckets: Sequence[tuple[date, date]]) -> ColumnElement:
    """0-based index of the [start, end] bucket containing `col` (NULL outside all buckets).

    Used for weekly / monthly series: bucket bounds are computed in Python, so no
    dialect-specific date truncation is needed.
    """
    whens = [(between(col, start, end), literal(i)) for i, (start, end) in enumerate(buckets)]
    return case(*whens, else_=None)


# --- queries made of other queries -------------------------------------------------------------

def composed(compose):
    """A query function made of other query functions' results: `compose(run, *args, **kwargs)`
    asks for each part as `run(query, *args, **kwargs)`.

    Called with a connection, the function runs its parts on it. The app's cache
    (dashboard/cache.run) calls `compose` with its own `run` instead, so each part is cached
    under its own identity (function and arguments) and shared with every other caller of the
    same part: two names for the same SQL run it once.
    """
    @functools.wraps(compose)
    def query(conn, *args, **kwargs):
        return compose(lambda part, *a, **k: part(conn, *a, **k), *args, **kwargs)

    query.compose = compose
    return query


# --- rates -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """A rate as numerator and denominator; `value` is None for a zero denominator ("—")."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def meets(self, target: float) -> bool | None:
        """Whether the exact value reaches `target`; None when there is no value."""
        if not self.denominator:
            return None
        return meets_target(self.numerator, self.denominator, target)


def meets_target(numerator: int, denominator: int, target: float) -> bool:
    """numerator / denominator >= target, exactly: the target is read as the decimal it was
    written as (0.55, not the binary float just below it), so 55/100 meets 55 %."""
    return Fraction(int(numerator), int(denominator)) >= Fraction(Decimal(str(target)))


# --- data quality ----------------------------------------------------------------------------

def orphan_count(conn: Connection, child_col, parent_col, *where) -> int:
    """Rows whose non-NULL `child_col` matches no `parent_col` (a reporting DB may not enforce FKs).

    Written as LEFT JOIN … IS NULL, not NOT EXISTS: the same count (an unmatched row joins once,
    a matched one is dropped however many parents match), but DuckDB may then build its hash
    table on the smaller side instead of always on the parent: the annual reports against a
    province's register 0.31 → 0.11 s, the others a third faster; SQLite a fifth faster, and
    PostgreSQL plans both as the same anti-join."""
    stmt = (
        select(func.count().label("orphan_count"))
        .select_from(child_col.table.outerjoin(parent_col.table, parent_col == child_col))
        .where(child_col.is_not(None), parent_col.is_(None), *where)
    )
    return int(conn.execute(stmt).scalar_one())
