"""Schema check: compares a live database with the contract and names what is missing.

Probes with `SELECT … WHERE 1 = 0`, which needs only SELECT rights and no reflection (DuckDB's
SQLAlchemy reflection is broken on SQLAlchemy 2.1). Each probe runs in its own transaction,
because a failed statement aborts a PostgreSQL transaction.

Command line: `python -m dashboard.doctor [URL]` (exit 1 when something is missing).
"""

from __future__ import annotations

import sys

from sqlalchemy import false, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from dashboard.db import DatabaseUnavailable, translate_error
from dashboard.i18n import TABLE_LABELS
from queries.schema import OPTIONAL_TABLES, metadata


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


def check_schema(engine: Engine) -> list[str]:
    """One Chinese sentence per missing required table or column; empty when all is there.

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
    return problems


def _table_exists(engine: Engine, table) -> bool:
    return _probe(engine, [literal(1)], table)


def missing_optional_tables(engine: Engine) -> set[str]:
    """Optional tables (workday_adjustments) that the database does not have."""
    return {name for name in OPTIONAL_TABLES if not _table_exists(engine, metadata.tables[name])}


def main(argv: list[str]) -> int:
    from dashboard.config import database_url
    from dashboard.db import DataError, describe_url, readonly_engine

    url = argv[1] if len(argv) > 1 else database_url()
    try:
        problems = check_schema(readonly_engine(url))
    except DataError as exc:
        print(exc.message)
        return 2
    if not problems:
        print(f"报表库 {describe_url(url)} 与数据契约一致。")
        return 0
    for problem in problems:
        print(problem)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
