"""Fixture databases on every dialect, written through a test-only connection.

`dialect_db` (module scope, parametrised over sqlite, duckdb, postgresql, mariadb) gives an
empty database with the contract's tables; `load()` writes rows through a separate writable
engine, and `readonly()` returns the app's own read-only engine on it. Each PostgreSQL and
MariaDB database is a throwaway one, dropped afterwards. A missing server skips those tests
with a message naming it, except in CI (env CI set), where it fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.db import readonly_engine
from queries.schema import metadata

DIALECTS = ("sqlite", "duckdb", "postgresql", "mariadb")
SERVER_ADMIN_URLS = {
    "postgresql": os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    "mariadb": os.environ.get("TEST_MARIADB_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/"),
}
SERVER_NAMES = {"postgresql": "PostgreSQL（127.0.0.1:5432）", "mariadb": "MariaDB（127.0.0.1:3306）"}
_server_state: dict[str, str | None] = {}


@pytest.fixture(autouse=True)
def _small_sample_rule_off(monkeypatch):
    """The hand-built fixtures count a handful of cases, so under the default small-sample rule
    (fewer than 10 cases → 样本少, no verdict) every rate would read 样本少. Tests judge their
    rates as on a full sample; tests/test_small_samples.py sets the rule back on."""
    monkeypatch.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "1")


@pytest.fixture(autouse=True)
def _prefetch_off(monkeypatch):
    """The page prefetch (dashboard/prefetch.py) runs a page's queries in a thread pool; page tests
    count and time queries on the page's own thread, so it is off here (it changes only when a
    result is computed, never what it is). tests/test_prefetch.py turns it on."""
    monkeypatch.setenv("DASHBOARD_PREFETCH", "0")


@pytest.fixture(autouse=True)
def _closed_tabs_drawn(monkeypatch):
    """A page computes only its open tab (ui.lazy_tabs); the page tests assert what every tab
    shows in one run, so they draw every tab (the setting `draw_closed_tabs`, as a bureau may for
    printing the whole page). tests/test_lazy_tabs.py checks the default: closed tabs not computed."""
    monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "1")


def _server_error(dialect: str) -> str | None:
    if dialect not in _server_state:
        try:
            engine = sa.create_engine(SERVER_ADMIN_URLS[dialect], connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            engine.dispose()
            _server_state[dialect] = None
        except Exception as exc:  # noqa: BLE001 - any failure means the server is not usable
            _server_state[dialect] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return _server_state[dialect]


def require_server(dialect: str) -> None:
    """Skip (or, in CI, fail) when the dialect's server is unreachable."""
    if dialect not in SERVER_ADMIN_URLS:
        return
    error = _server_error(dialect)
    if error is None:
        return
    message = f"{SERVER_NAMES[dialect]} is not reachable ({error})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; in CI the server tests must run", pytrace=False)
    pytest.skip(message)


class FixtureDB:
    """One throwaway database: write through `load`, read through the app's `readonly()` engine."""

    def __init__(self, dialect: str, url: str, drop=None):
        self.dialect = dialect
        self.url = url
        self._drop = drop
        self._readonly: Engine | None = None

    def writer(self) -> Engine:
        """A writable engine, for fixtures only (never the app's)."""
        if self.dialect == "sqlite":
            return sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        if self.dialect == "duckdb":
            # The app's engine holds the DuckDB file open, and DuckDB refuses a writable
            # connection beside a read-only one in the same process: release it first.
            self._release_readonly()
            return sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def create_schema(self, tables: Iterable[str] | None = None) -> None:
        engine = self.writer()
        chosen = None if tables is None else [metadata.tables[name] for name in tables]
        metadata.create_all(engine, tables=chosen, checkfirst=False)
        engine.dispose()

    def load(self, rows: dict[str, list[dict]]) -> None:
        """Insert rows ({table name: [row dicts]}) in the contract's dependency order."""
        self._release_readonly()
        engine = self.writer()
        with engine.begin() as conn:
            for table in metadata.sorted_tables:
                if rows.get(table.name):
                    conn.execute(table.insert(), rows[table.name])
        engine.dispose()

    def execute(self, *statements: str) -> None:
        """Run raw DDL/DML through the writer (e.g. to drop a column for the schema check)."""
        self._release_readonly()
        engine = self.writer()
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        engine.dispose()

    def readonly(self) -> Engine:
        """The app's read-only engine on this database."""
        if self._readonly is None:
            self._readonly = readonly_engine(self.url)
        return self._readonly

    def _release_readonly(self) -> None:
        if self._readonly is not None:
            self._readonly.dispose()
            self._readonly = None

    def close(self) -> None:
        self._release_readonly()
        if self._drop:
            self._drop()


def new_database(dialect: str, tmp_dir: Path) -> FixtureDB:
    """An empty database (no tables) of `dialect`; call `.close()` when done."""
    require_server(dialect)
    name = f"jg_test_{uuid.uuid4().hex[:10]}"
    if dialect == "sqlite":
        path = tmp_dir / f"{name}.sqlite"
        sa.create_engine(f"sqlite:///{path}").connect().close()
        return FixtureDB(dialect, f"sqlite:///{path}")
    if dialect == "duckdb":
        return FixtureDB(dialect, f"duckdb:///{tmp_dir / (name + '.duckdb')}")
    admin = sa.create_engine(SERVER_ADMIN_URLS[dialect], isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE DATABASE {name}" + (" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if dialect == "mariadb" else "")
        )
    base = sa.engine.make_url(SERVER_ADMIN_URLS[dialect])
    url = base.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            if dialect == "postgresql":
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()

    return FixtureDB(dialect, url, drop)


@pytest.fixture(scope="module", params=DIALECTS)
def dialect_db(request, tmp_path_factory) -> FixtureDB:
    """An empty database with the contract's tables, one per dialect, for a test module."""
    db = new_database(request.param, tmp_path_factory.mktemp(request.param))
    try:
        db.create_schema()
        yield db
    finally:
        db.close()


@pytest.fixture
def fresh_db(request, tmp_path):
    """Factory for function-scoped databases: `fresh_db(dialect)` (closed after the test)."""
    made: list[FixtureDB] = []

    def make(dialect: str, with_schema: bool = True) -> FixtureDB:
        db = new_database(dialect, tmp_path)
        made.append(db)
        if with_schema:
            db.create_schema()
        return db

    yield make
    for db in made:
        db.close()
