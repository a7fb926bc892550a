"""Writing the generated columns into a database, and a content checksum of the result.

Generated tables are dicts of columns in the generator's internal encoding: day numbers for
dates (FAR = NULL), cents for NUMERIC columns (-1 = NULL where nullable), -1 for a NULL integer
or boolean, NaN for a NULL float, None for a NULL string. The column types of
`queries.schema.metadata` decide the conversion.

SQLite files are written through the sqlite3 module in one transaction with journaling off,
in SQLAlchemy's own storage formats (ISO date strings, 0/1 booleans, floats for NUMERIC), so
the result reads back exactly as if SQLAlchemy had written it; DuckDB files by scanning
DataFrames; the server dialects through SQLAlchemy Core executemany in chunks. In every case
the tables are created from the contract's own DDL, and `checksum` is the same.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from data.demo_common import FAR
from queries.schema import metadata

Progress = Callable[[float, str], None]
CHUNK_ROWS = 5_000


def _column_values(column: sa.Column, values, *, sqlite_native: bool) -> list:
    """One column as a list of DB-API values (None for NULL)."""
    kind = column.type
    if isinstance(kind, sa.Date):
        days = np.asarray(values, dtype=np.int64)
        null = days >= FAR
        if sqlite_native:
            out = np.datetime_as_string(np.where(null, 0, days).astype("datetime64[D]")).astype(object)
        else:
            out = np.where(null, 0, days).astype("datetime64[D]").astype(object)
        out[null] = None
        return out.tolist()
    if isinstance(kind, sa.Boolean):
        flags = np.asarray(values).astype(np.int64)
        out = (flags if sqlite_native else flags.astype(bool)).astype(object)
        out[flags < 0] = None
        return out.tolist()
    if isinstance(kind, sa.Float):
        floats = np.asarray(values, dtype=float).astype(object)
        floats[np.isnan(np.asarray(values, dtype=float))] = None
        return floats.tolist()
    if isinstance(kind, sa.Numeric):
        cents = np.asarray(values, dtype=np.int64)
        null = (cents < 0) if column.nullable else np.zeros(cents.size, dtype=bool)
        if sqlite_native:
            out = (cents / 100).astype(object)
        else:
            out = np.array([Decimal(int(c)).scaleb(-2) for c in cents.tolist()], dtype=object)
        out[null] = None
        return out.tolist()
    if isinstance(kind, sa.Integer):
        ints = np.asarray(values, dtype=np.int64)
        out = ints.astype(object)
        if column.nullable:
            out[ints < 0] = None
        return out.tolist()
    return list(values)


def table_rows(table: sa.Table, columns: dict, *, sqlite_native: bool) -> list[tuple]:
    """The rows of one generated table as tuples in the table's column order."""
    lists = [_column_values(col, columns[col.name], sqlite_native=sqlite_native) for col in table.columns]
    return list(zip(*lists))


def contract_ddl(url: str) -> tuple[list[str], list[str]]:
    """CREATE TABLE and CREATE INDEX statements of the contract, compiled for the URL's dialect."""
    engine = sa.create_engine(url)
    tables = [str(CreateTable(t).compile(engine)) for t in metadata.sorted_tables]
    indexes = [
        str(CreateIndex(i).compile(engine))
        for t in metadata.sorted_tables
        for i in sorted(t.indexes, key=lambda i: i.name)
    ]
    engine.dispose()
    return tables, indexes


def write_sqlite(path: Path, tables: dict[str, dict], progress: Progress) -> None:
    """Write a fresh SQLite file: the contract's tables, the rows, then the indexes."""
    ddl_tables, ddl_indexes = contract_ddl(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        for ddl in ddl_tables:
            conn.execute(ddl)
        done = 0
        total = sum(_row_count(c) for c in tables.values()) or 1
        for table in metadata.sorted_tables:
            rows = table_rows(table, tables[table.name], sqlite_native=True)
            marks = ", ".join("?" * len(table.columns))
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            conn.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
            done += len(rows)
            progress(done / total, f"写入 {table.name}（{len(rows):,} 行）")
        for ddl in ddl_indexes:
            conn.execute(ddl)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _duckdb_frame(table: sa.Table, columns: dict) -> tuple[pd.DataFrame, list[str]]:
    """A DataFrame DuckDB can scan, and the SELECT list that casts it to the table's types."""
    data, select = {}, []
    for column in table.columns:
        values, kind, quoted = columns[column.name], column.type, f'"{column.name}"'
        if isinstance(kind, sa.Date):
            days = np.asarray(values, dtype=np.int64)
            stamps = np.where(days >= FAR, 0, days).astype("datetime64[D]")
            stamps[days >= FAR] = np.datetime64("NaT")
            data[column.name] = stamps.astype("datetime64[s]")
            select.append(f"CAST({quoted} AS DATE)")
        elif isinstance(kind, sa.Boolean):
            flags = np.asarray(values).astype(np.int64)
            data[column.name] = pd.arrays.BooleanArray(flags > 0, flags < 0)
            select.append(quoted)
        elif isinstance(kind, sa.Float):
            data[column.name] = np.asarray(values, dtype=float)
            select.append(quoted)
        elif isinstance(kind, (sa.Numeric, sa.Integer)):
            ints = np.asarray(values, dtype=np.int64)
            data[column.name] = pd.arrays.IntegerArray(ints, (ints < 0) & column.nullable)
            # NUMERIC columns hold cents; the division is exact once rounded to the column's scale.
            select.append(f"CAST({quoted} AS DOUBLE) / 100" if isinstance(kind, sa.Numeric) else quoted)
        else:
            data[column.name] = pd.Series(list(values), dtype=object)
            select.append(quoted)
    return pd.DataFrame(data), select


def write_duckdb(path: Path, tables: dict[str, dict], progress: Progress) -> None:
    """Write a fresh DuckDB file by scanning DataFrames: DuckDB's executemany is far too slow
    for the full-scale demo."""
    import duckdb

    ddl_tables, ddl_indexes = contract_ddl(f"duckdb:///{path}")
    conn = duckdb.connect(str(path))
    try:
        conn.execute("BEGIN TRANSACTION")
        for ddl in ddl_tables:
            conn.execute(ddl)
        done = 0
        total = sum(_row_count(c) for c in tables.values()) or 1
        for table in metadata.sorted_tables:
            frame, select = _duckdb_frame(table, tables[table.name])
            conn.register("demo_frame", frame)
            conn.execute(f'INSERT INTO "{table.name}" SELECT {", ".join(select)} FROM demo_frame')
            conn.unregister("demo_frame")
            done += len(frame)
            progress(done / total, f"写入 {table.name}（{len(frame):,} 行）")
        for ddl in ddl_indexes:
            conn.execute(ddl)
        conn.execute("COMMIT")
    finally:
        conn.close()


def write_sqlalchemy(url: str, tables: dict[str, dict], progress: Progress) -> None:
    """Create the contract's tables in an empty database and insert the rows in chunks."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            metadata.create_all(conn, checkfirst=False)
        total = sum(_row_count(c) for c in tables.values()) or 1
        done = 0
        for table in metadata.sorted_tables:
            rows = table_rows(table, tables[table.name], sqlite_native=False)
            names = [c.name for c in table.columns]
            with engine.begin() as conn:
                for start in range(0, len(rows), CHUNK_ROWS):
                    chunk = rows[start : start + CHUNK_ROWS]
                    conn.execute(table.insert(), [dict(zip(names, row)) for row in chunk])
                    progress((done + start + len(chunk)) / total, f"写入 {table.name}")
            done += len(rows)
    finally:
        engine.dispose()


def _row_count(columns: dict) -> int:
    first = next(iter(columns.values()))
    return len(first)


def _normalise(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).rstrip(" ")


def checksum(url: str) -> str:
    """SHA-256 over every contract table's rows, ordered by primary key, in a dialect-neutral text
    form (dates ISO, money to the fen, floats to 6 decimals, booleans 0/1). Equal content gives
    an equal checksum whichever dialect holds it."""
    digest = hashlib.sha256()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            for name in sorted(metadata.tables):
                table = metadata.tables[name]
                digest.update(f"#{name}\n".encode())
                query = sa.select(table).order_by(*table.primary_key.columns)
                for row in conn.execute(query):
                    digest.update(("\t".join(_normalise(v) for v in row) + "\n").encode())
    finally:
        engine.dispose()
    return digest.hexdigest()
