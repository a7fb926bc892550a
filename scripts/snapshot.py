"""A DuckDB snapshot of a reporting database: what a bureau's data centre can publish nightly so
that cold pages are fast whatever engine holds the data (bench/RESULTS.md: DuckDB at scale 6 draws
every page cold within 1 s; PostgreSQL on the same two cores takes up to 7 s for the overview).

    python3 -m scripts.snapshot --source postgresql+psycopg://reader@db.example/reporting \\
                                --target /srv/jianguan/reporting.duckdb

It reads the contract's tables and columns (extra ones are left out) through the dashboard's own
read-only engine, so it cannot write to the source, and writes them with the contract's keys and
indexes to a new file beside the target, which is then renamed into place: the dashboard, pointed
at the target (`DASHBOARD_DB_URL=duckdb:///…`), keeps reading the old file until the new one is
complete, and then sees a new data stamp and pre-warms it. A source that lacks a table or column
the dashboard needs is refused with the schema check's sentences, and nothing is written.
Run it after the nightly load (cron), as the user that owns the target's directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import db, doctor
from dashboard.db import DatabaseUnavailable, describe_url
from data.demo_store import contract_ddl
from queries.schema import metadata

ROWS_PER_BATCH = 100_000


class TargetUnwritable(Exception):
    """The snapshot's directory cannot be written (one Chinese sentence)."""


def _copy_table(source: sa.engine.Connection, target, table: sa.Table) -> int:
    """Stream `table`'s contract columns from `source` into the DuckDB connection `target`."""
    names = [column.name for column in table.columns]
    # Money goes across as text and is cast to the column's DECIMAL: DuckDB would guess a
    # narrower DECIMAL from the first values of an object column and refuse the larger ones.
    exact = {column.name: f"DECIMAL({column.type.precision}, {column.type.scale})" for column in table.columns
             if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float)}
    chosen = ", ".join(f'CAST("{name}" AS {exact[name]})' if name in exact else f'"{name}"' for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    result = source.execution_options(stream_results=True).execute(sa.select(*table.columns))
    copied = 0
    for rows in result.partitions(ROWS_PER_BATCH):
        frame = pd.DataFrame([tuple(row) for row in rows], columns=names, dtype=object)
        for name in exact:
            frame[name] = [None if value is None else str(value) for value in frame[name]]
        target.register("snapshot_batch", frame)
        target.execute(f'INSERT INTO "{table.name}" ({quoted}) SELECT {chosen} FROM snapshot_batch')
        target.unregister("snapshot_batch")
        copied += len(frame)
    return copied


def snapshot(source_url: str, target: Path, say=print) -> dict[str, int]:
    """Copy the contract's tables of `source_url` into a new DuckDB file at `target` (replaced
    atomically). Returns {table: rows}. Raises DatabaseUnavailable (a Chinese sentence) when the
    source cannot be read or lacks what the dashboard needs, TargetUnwritable when the target's
    directory cannot be written."""
    import duckdb

    # Whole tables are read here, not a page's aggregates: a longer statement limit while it runs.
    page_limit, db.STATEMENT_TIMEOUT_SECONDS = db.STATEMENT_TIMEOUT_SECONDS, 3600
    engine = db.readonly_engine(source_url)
    try:
        problems = doctor.check_schema(engine)
        if problems:
            raise DatabaseUnavailable(" ".join(problems))
        absent = doctor.missing_optional_tables(engine)
        partial = target.with_name(target.name + ".partial")
        ddl_tables, ddl_indexes = contract_ddl(f"duckdb:///{partial}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            for leftover in (partial, partial.with_name(partial.name + ".wal")):
                leftover.unlink(missing_ok=True)
            out = duckdb.connect(str(partial))
        except (OSError, duckdb.Error) as exc:
            raise TargetUnwritable(f"无法在 {target.parent} 写入快照文件（{type(exc).__name__}），请检查目录是否存在且可写。") from exc
        tables = [table for table in metadata.sorted_tables if table.name not in absent]
        copied: dict[str, int] = {}
        try:
            for table, ddl in zip(metadata.sorted_tables, ddl_tables):
                if table.name not in absent:
                    out.execute(ddl)
            with engine.connect() as source:
                for table in tables:
                    started = time.perf_counter()
                    copied[table.name] = _copy_table(source, out, table)
                    say(f"{table.name}: {copied[table.name]:,} 行（{time.perf_counter() - started:.1f} 秒）")
            for ddl in ddl_indexes:
                if not any(f'ON {name} ' in ddl or f'ON "{name}" ' in ddl for name in absent):
                    out.execute(ddl)
            out.execute("CHECKPOINT")
        except BaseException:
            out.close()
            partial.unlink(missing_ok=True)
            raise
        out.close()
        os.replace(partial, target)
        return copied
    finally:
        engine.dispose()
        db.STATEMENT_TIMEOUT_SECONDS = page_limit


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="the reporting database's SQLAlchemy URL")
    parser.add_argument("--target", required=True, type=Path, help="the DuckDB file to write (replaced)")
    args = parser.parse_args(argv)
    try:
        copied = snapshot(args.source, args.target)
    except Exception as exc:  # noqa: BLE001 - every failure is one Chinese sentence, as in the app
        reason = exc if isinstance(exc, (DatabaseUnavailable, TargetUnwritable)) else db.translate_error(exc, args.source)
        print(f"快照未生成（{describe_url(args.source)}）：{reason}", file=sys.stderr)
        return 2
    print(f"快照已写入 {args.target}：{len(copied)} 张表，共 {sum(copied.values()):,} 行。")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
