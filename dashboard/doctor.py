"""Schema check: compares a live database with the contract and names what is missing.

Probes with `SELECT … WHERE 1 = 0`, which needs only SELECT rights and no reflection (DuckDB's
SQLAlchemy reflection is broken on SQLAlchemy 2.1). Each probe runs in its own transaction,
because a failed statement aborts a PostgreSQL transaction.

Command line: `python -m dashboard.doctor [URL]`: one Chinese sentence per finding, with
counts, and an exit code naming the worst class found (EXIT_CODES).
"""

from __future__ import annotations

import sys

from datetime import date

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, bindparam, false, literal, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from dashboard.db import (
    DatabaseUnavailable,
    HostUnreachable,
    LoginRefused,
    NotThatDatabase,
    connection_failure,
    translate_error,
)
from dashboard.format import fmt_count, fmt_date
from dashboard.i18n import TABLE_LABELS
from queries.quality import Fault, data_faults
from queries.schema import OPTIONAL_TABLES, metadata

EXIT_CODES = {
    "ok": 0,
    "missing": 1,        # a table or column of the contract is missing
    "settings": 2,       # the URL cannot be parsed, the file does not exist, no driver
    "unreachable": 3,    # the host cannot be reached
    "login": 4,          # user, password or database name refused
    "not_database": 5,   # not a database of the URL's kind
    "wrong_type": 6,     # a column has the wrong type (e.g. text dates)
    "data": 7,           # the schema is right, the data breaks the contract
}


def _probe(engine: Engine, columns, table) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(select(*columns).select_from(table).where(false())).all()
        return True
    except DBAPIError as exc:
        error = translate_error(exc, str(engine.url))
        if isinstance(error, DatabaseUnavailable):
            raise error from exc
        return False


def check_schema(engine: Engine, with_types: bool = True) -> list[str]:
    """One Chinese sentence per missing required table or column (and, `with_types`, per column
    of the wrong type); empty when all is there.

    Raises DatabaseUnavailable when the database cannot be reached at all.
    """
    problems: list[str] = []
    for table in metadata.tables.values():  # the contract's order
        if _probe(engine, list(table.columns), table):
            continue
        label = TABLE_LABELS.get(table.name, table.name)
        if not _table_exists(engine, table):
            if table.name not in OPTIONAL_TABLES:
                problems.append(f"报表库缺少表 {table.name}（{label}）。")
            continue
        missing = [column.name for column in table.columns if not _probe(engine, [column], table)]
        if missing:
            problems.append(f"表 {table.name}（{label}）缺少字段：{'、'.join(missing)}。")
    if with_types and not problems:
        problems += type_problems(engine)
    return problems


# --- column types --------------------------------------------------------------------------

def _group(sa_type) -> str:
    if isinstance(sa_type, (Date, DateTime)):
        return "date"
    if isinstance(sa_type, Boolean):
        return "bool"
    if isinstance(sa_type, Integer):
        return "integer"
    if isinstance(sa_type, (Numeric, Float)):
        return "number"
    return "text"


def _declared_group(declared: str) -> str | None:
    lowered = (declared or "").lower()
    if not lowered:
        return None  # SQLite without a declared type: nothing to say
    for group, words in (("date", ("date", "time")), ("bool", ("bool",)), ("integer", ("int",)),
                         ("number", ("numeric", "decimal", "real", "double", "float", "number", "money")),
                         ("text", ("char", "text", "clob", "string", "uuid", "json"))):
        if any(word in lowered for word in words):
            return group
    return None


_GROUP_WORDS = {"date": "日期", "bool": "布尔", "integer": "整数", "number": "数值", "text": "文本"}
# What a group may stand in for: an integer or boolean column for a boolean (MySQL tinyint(1)), an
# integer column for a number, a date-time column for a date.
_ACCEPTED = {"date": {"date"}, "bool": {"bool", "integer"}, "integer": {"integer", "number"},
             "number": {"number", "integer"}, "text": {"text", "date", "integer", "number", "bool"}}


def declared_types(conn: Connection) -> dict[tuple[str, str], str]:
    """{(table, column): declared type} of the contract's tables, as the database declares them."""
    names = list(metadata.tables)
    if conn.dialect.name == "sqlite":
        found = {}
        for name in names:
            rows = conn.execute(text("SELECT name, type FROM pragma_table_info(:t)"), {"t": name}).all()
            found.update({(name, column.lower()): declared for column, declared in rows})
        return found
    schema = {"postgresql": "current_schema()", "duckdb": "current_schema()"}.get(conn.dialect.name, "DATABASE()")
    stmt = text(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = {schema} AND table_name IN :names"
    ).bindparams(bindparam("names", expanding=True))
    return {(t.lower(), c.lower()): d for t, c, d in conn.execute(stmt, {"names": names}).all()}


def type_problems(engine: Engine) -> list[str]:
    """One sentence per column whose declared type cannot hold what the contract says (a date
    kept as text, a count as text …)."""
    with engine.connect() as conn:
        declared = declared_types(conn)
    problems = []
    for table in metadata.tables.values():
        for column in table.columns:
            found = _declared_group(declared.get((table.name, column.name), ""))
            wanted = _group(column.type)
            if found is not None and found not in _ACCEPTED[wanted]:
                problems.append(
                    f"表 {table.name}（{TABLE_LABELS.get(table.name, table.name)}）的字段 {column.name} 类型为 "
                    f"{declared[(table.name, column.name)]}，数据契约要求{_GROUP_WORDS[wanted]}类型。"
                )
    return problems


# --- data ----------------------------------------------------------------------------------

def fault_sentence(fault: Fault, data_date: date) -> str:
    """The one Chinese sentence of a data fault, with its count."""
    label = f"{fault.table}（{TABLE_LABELS.get(fault.table, fault.table)}）"
    n = fmt_count(fault.count)
    if fault.kind == "grade":
        return f"表 {label}有 {n} 条评级不是 A/B/C/D（含小写或空值），不计为已分类。"
    if fault.kind == "duplicate":
        return f"表 {label}有 {n} 组同一企业同一天的多条评级：按当天较差的等级计一次。"
    if fault.kind == "unparseable_date":
        return f"表 {label}的字段 {fault.column} 有 {n} 个值不是有效日期，涉及的数字可能不准确。"
    if fault.kind == "future_date":
        return f"表 {label}的字段 {fault.column} 有 {n} 个日期晚于数据截至日（{fmt_date(data_date)}），不计入截至该日的数字。"
    if fault.kind == "orphan":
        return f"表 {label}有 {n} 条记录的 {fault.column} 在表 {fault.parent} 中不存在，未计入。"
    return f"表 {label}有 {n} 条记录的 {fault.column} 为空或不在区划表（regions）中。"


FAULT_PHRASES = {
    "grade": "{n} 条评级不是A–D",
    "duplicate": "{n} 组同日重复评级",
    "unparseable_date": "{n} 个无效日期",
    "future_date": "{n} 个日期晚于截至日",
    "orphan": "{n} 条记录的关联对象不存在",
    "unknown_region": "{n} 条记录区划代码不明",
}


def fault_phrase(fault: Fault) -> str:
    """A data fault in a few words with its count (the note beside an affected figure; the full
    sentence is `fault_sentence`)."""
    return FAULT_PHRASES[fault.kind].format(n=fmt_count(fault.count))


def _table_exists(engine: Engine, table) -> bool:
    return _probe(engine, [literal(1)], table)


def missing_optional_tables(engine: Engine) -> set[str]:
    """Optional tables (workday_adjustments) that the database does not have."""
    return {name for name in OPTIONAL_TABLES if not _table_exists(engine, metadata.tables[name])}


def reach(engine: Engine, url: str) -> None:
    """Open the database at `url` and read from it once; raises the classified DatabaseUnavailable."""
    try:
        with engine.connect() as conn:
            conn.execute(select(literal(1))).all()
            if conn.dialect.name == "sqlite":  # a file that is not a database fails only on a read
                conn.execute(text("SELECT count(*) FROM sqlite_master")).all()
    except Exception as exc:  # noqa: BLE001 - every failure is classified below
        raise (connection_failure(exc, url) or translate_error(exc, url)) from exc


def _data_date(engine: Engine) -> date:
    from dashboard.config import today
    from queries.meta import report_meta_values
    from queries.periods import data_date_from_refreshed

    try:
        with engine.connect() as conn:
            return data_date_from_refreshed(report_meta_values(conn)["refreshed_at"])
    except Exception:  # noqa: BLE001 - without a readable refreshed_at, yesterday (as the app does)
        from datetime import timedelta

        return today() - timedelta(days=1)


def diagnose(url: str) -> tuple[int, list[str]]:
    """(exit code, sentences) for the database at `url`: reachability, schema, types, data."""
    from dashboard.db import DataError, describe_url, readonly_engine

    try:
        engine = readonly_engine(url)
        reach(engine, url)
    except DataError as exc:
        code = {HostUnreachable: "unreachable", LoginRefused: "login", NotThatDatabase: "not_database"}.get(
            type(exc), "settings" if isinstance(exc, DatabaseUnavailable) else "unreachable")
        return EXIT_CODES[code], [exc.message]
    try:
        missing = check_schema(engine, with_types=False)
        wrong = type_problems(engine)
        if missing or wrong:
            return EXIT_CODES["missing" if missing else "wrong_type"], missing + wrong
        data_date = _data_date(engine)
        with engine.connect() as conn:
            faults = data_faults(conn, data_date)
    except DataError as exc:
        return EXIT_CODES["unreachable"], [exc.message]
    finally:
        engine.dispose()
    if faults:
        return EXIT_CODES["data"], [fault_sentence(fault, data_date) for fault in faults]
    return EXIT_CODES["ok"], [f"报表库 {describe_url(url)} 与数据契约一致，数据检查未发现问题。"]


def main(argv: list[str]) -> int:
    from dashboard.config import database_url

    code, sentences = diagnose(argv[1] if len(argv) > 1 else database_url())
    for sentence in sentences:
        print(sentence)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
