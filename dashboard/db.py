"""Read-only database access and the typed errors the pages show in Chinese.

`readonly_engine(url)` is the only way the app opens its database. Each dialect gets the
strongest read-only guard it offers, so that a write is refused by the server itself:
Before any of those, a statement guard on every engine (a `before_cursor_execute` event)
refuses anything that is not one SELECT/WITH query — writes, DDL, SET, PRAGMA, ATTACH and
transaction control (BEGIN, COMMIT, ROLLBACK) included — so no caller can undo a guard between
two queries.
- SQLite: the file is opened with `mode=ro` (a missing file is an error, never created),
  `PRAGMA query_only`, no ATTACH (a limit of 0 attached databases) and a statement time limit.
- PostgreSQL: every transaction begins READ ONLY and takes its snapshot at once, so a later
  `SET transaction_read_only = off` is refused; `default_transaction_read_only` and a
  `statement_timeout` are set for the session.
- MySQL / MariaDB: every transaction is `START TRANSACTION READ ONLY`, the session default is
  read only, and a statement time limit is set.
- DuckDB: the file is opened with `read_only=True`, once per engine: the engine's pooled
  connections are cursors of that one database instance (DuckDB's way to use it from several
  threads), so a query does not reopen the file and its catalogue.
A production deployment should in addition use a SELECT-only database user (README).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool, QueuePool

from dashboard.safe import ERROR_LIMIT, as_text, mask_credentials

log = logging.getLogger(__name__)

STATEMENT_TIMEOUT_SECONDS = 60
SQLITE_CLOCK_EVERY = 1_000_000
"""SQLite virtual-machine steps between two looks at a statement's clock (a few milliseconds of
work). The look is Python code, so it needs the interpreter lock: every 20,000 steps, a query
beside another thread's Python work (a page rendering, a prefetch) waited for the lock at each
look and ran 0.5 → 6.4 s on the scale-1 annual-report season."""


class DataError(Exception):
    """A failure the user should read about in one Chinese sentence (`message`)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DatabaseUnavailable(DataError):
    """The database cannot be reached or opened."""


class SchemaMismatch(DataError):
    """A table or column the dashboard needs is missing."""


class QueryFailed(DataError):
    """A query failed for another reason."""


class HostUnreachable(DatabaseUnavailable):
    """The database server (or its host name) cannot be reached."""


class LoginRefused(DatabaseUnavailable):
    """The server answered but refused the user or password (or access to the database)."""


class NotThatDatabase(DatabaseUnavailable):
    """What the URL points at is not a database of the URL's kind (e.g. a text file as SQLite)."""


class QueryTimedOut(DataError):
    """A statement ran past the statement time limit and was stopped (not a connection failure)."""


def describe_url(url: str) -> str:
    """The URL without its user-info (user and password), for messages and logs; an
    unparseable URL is masked the same way, never shown whole."""
    try:
        shown = make_url(url).set(username=None, password=None).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is masked by its last "@" instead
        scheme, separator, rest = str(url).rpartition("://")
        head = scheme + separator
        shown = head + ("***@" + rest.rpartition("@")[2] if "@" in rest else rest)
    shown = mask_credentials(shown)
    return shown if len(shown) <= ERROR_LIMIT else shown[: ERROR_LIMIT - 1] + "…"


def readonly_engine(url: str, duckdb_memory_mb: int | None = None) -> Engine:
    """An engine on `url` that cannot write, with the guards listed in the module docstring.

    `duckdb_memory_mb` caps a DuckDB database's memory (its `memory_limit`; DuckDB's own default
    is 80 % of the machine). Dispose the engine to close the file."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUnavailable(f"数据库连接串无法解析：{describe_url(url)}。") from None
    backend = parsed.get_backend_name()
    builders = {"sqlite": _sqlite, "postgresql": _postgresql, "mysql": _mysql, "mariadb": _mysql,
                "duckdb": lambda p: _duckdb(p, duckdb_memory_mb)}
    if backend not in builders:
        raise DatabaseUnavailable(f"不支持的数据库类型：{backend}（支持 SQLite、PostgreSQL、MySQL/MariaDB、DuckDB）。")
    try:
        engine = builders[backend](parsed)
    except NoSuchModuleError as exc:
        raise DatabaseUnavailable(f"缺少数据库驱动：{parsed.drivername}，请按 README 安装依赖。") from exc
    event.listen(engine, "before_cursor_execute", _refuse_all_but_reading)
    return engine


class StatementRefused(DataError):
    """The engine's statement guard refused a statement that is not a query."""


# The app's own statements that are not a SELECT/WITH: the read-only transaction it opens on
# MySQL/MariaDB (every other session setting is issued on the raw driver connection at connect).
_OWN_STATEMENTS = {"START TRANSACTION READ ONLY"}
_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.S)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`")
_WRITING = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE\s+INTO|TRUNCATE|DROP|CREATE|ALTER|GRANT|REVOKE|ATTACH|DETACH|COPY|"
    r"CALL|EXEC|EXECUTE|LOAD|INSTALL|VACUUM|OUTFILE|DUMPFILE)\b", re.I)
_LOCKING = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\bINTO\b|\bLOCK\s+IN\s+SHARE\s+MODE\b", re.I)


def is_reading_statement(statement: str) -> bool:
    """True for one SELECT or WITH statement (no second statement, no SELECT … INTO or row
    locks), or one of the app's own read-only session statements. Everything else — writes,
    DDL, SET, PRAGMA, ATTACH, COPY, CALL and transaction control (BEGIN, COMMIT, ROLLBACK, SET
    TRANSACTION …) — is refused."""
    bare = " ".join(_COMMENTS.sub(" ", statement).split()).rstrip(";").strip()
    if bare.upper() in _OWN_STATEMENTS:
        return True
    unquoted = _QUOTED.sub("''", bare)
    if ";" in unquoted or _LOCKING.search(unquoted) or _WRITING.search(unquoted):
        return False
    first = unquoted.lstrip("( ").split(None, 1)[0].upper() if unquoted.lstrip("( ") else ""
    return first in ("SELECT", "WITH")


def _refuse_all_but_reading(_conn, _cursor, statement, _parameters, _context, _executemany):
    """The engine's statement guard (a before_cursor_execute event): the app only reads, so a
    statement that is not a query never reaches the database, whoever issues it."""
    if not is_reading_statement(statement):
        raise StatementRefused(f"只读连接拒绝执行非查询语句：{as_text(statement, 60)}。")


def _sqlite(parsed) -> Engine:
    database = parsed.database or ""
    if not database or database == ":memory:":
        raise DatabaseUnavailable("SQLite 报表库必须是一个已存在的文件。")
    path = Path(database).resolve()
    if not path.exists():
        raise DatabaseUnavailable(f"SQLite 报表库文件不存在：{path}。")
    engine = create_engine(
        f"sqlite+pysqlite:///file:{path.as_posix()}?mode=ro&uri=true",
        poolclass=NullPool,
    )

    @event.listens_for(engine, "connect")
    def _query_only(dbapi_conn, record):
        dbapi_conn.execute("PRAGMA query_only = ON")
        # No ATTACH at all, even on the raw driver connection: attaching the same file in
        # read-write mode would otherwise get round mode=ro and query_only.
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        # SQLite has no statement timeout: a progress handler interrupts a statement (and its
        # fetch) that runs past the limit, like PostgreSQL's statement_timeout.
        deadline = record.info.setdefault("deadline", [0.0])
        dbapi_conn.set_progress_handler(lambda: int(0 < deadline[0] < time.monotonic()), SQLITE_CLOCK_EVERY)

    @event.listens_for(engine, "before_cursor_execute")
    def _start_clock(conn, _cursor, _statement, _parameters, _context, _executemany):
        conn.info.setdefault("deadline", [0.0])[0] = time.monotonic() + STATEMENT_TIMEOUT_SECONDS

    return engine


def _postgresql(parsed) -> Engine:
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = (
        "-c default_transaction_read_only=on "
        f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000}"
    )
    engine = create_engine(
        parsed,
        connect_args={"options": options, "connect_timeout": 5},
        execution_options={"postgresql_readonly": True},
        pool_pre_ping=True,
    )

    @event.listens_for(engine, "begin")
    def _take_snapshot(conn):
        # The transaction began READ ONLY; running a query now fixes its snapshot, after which
        # PostgreSQL refuses `SET transaction_read_only = off` for the rest of the transaction.
        conn.exec_driver_sql("SELECT 1")

    return engine


def _mysql(parsed) -> Engine:
    if parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
    engine = create_engine(
        parsed,
        # read_timeout: a server that never answers (another protocol on the port) cannot hang a
        # page; it is longer than the statement time limit, so a slow query is stopped by that.
        connect_args={"connect_timeout": 5, "charset": "utf8mb4", "read_timeout": STATEMENT_TIMEOUT_SECONDS + 15},
        pool_pre_ping=True,
        pool_recycle=3600,
    )

    @event.listens_for(engine, "connect")
    def _session_read_only(dbapi_conn, _record):
        with dbapi_conn.cursor() as cur:
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            cur.execute("SELECT VERSION()")
            is_mariadb = "mariadb" in cur.fetchone()[0].lower()
            if is_mariadb:
                cur.execute(f"SET SESSION max_statement_time = {STATEMENT_TIMEOUT_SECONDS}")
            else:
                cur.execute(f"SET SESSION max_execution_time = {STATEMENT_TIMEOUT_SECONDS * 1000}")

    @event.listens_for(engine, "begin")
    def _begin_read_only(conn):
        # Explicit per transaction: a `SET SESSION TRANSACTION READ WRITE` issued inside it
        # cannot make the running transaction writable.
        conn.exec_driver_sql("START TRANSACTION READ ONLY")

    return engine


class _HeldDuckDB:
    """One read-only DuckDB database instance, opened on first use and kept until `close()`.

    `connect()` hands out a cursor of it for each pooled connection: a cursor is a separate
    connection to the same instance, so threads each use their own (a DuckDB connection must
    not be used by two threads at once) while sharing the catalogue and buffer cache.
    """

    def __init__(self, path: Path, config: dict[str, str], memory_mb: int | None):
        self.path, self.config, self.memory_mb = path, config, memory_mb
        self._root = None
        self._lock = threading.Lock()

    def connect(self):
        import duckdb
        from duckdb_engine import ConnectionWrapper

        with self._lock:
            if self._root is None:
                root = duckdb.connect(str(self.path), read_only=True, config=self.config)
                if self.memory_mb:
                    # SET rather than a connect option: a connect option would make every other
                    # read-only open of the file in this process (the demo's data-date check)
                    # fail with "different configuration".
                    root.execute(f"SET memory_limit = '{int(self.memory_mb)}MB'")
                self._root = root
            return ConnectionWrapper(self._root.cursor())

    def close(self) -> None:
        with self._lock:
            if self._root is not None:
                self._root.close()
                self._root = None


def _duckdb(parsed, memory_mb: int | None) -> Engine:
    database = parsed.database or ""
    if not database or database == ":memory:" or not Path(database).exists():
        raise DatabaseUnavailable(f"DuckDB 报表库文件不存在：{database or '（未指定）'}。")
    config = {key: str(value) for key, value in parsed.query.items()}
    held = _HeldDuckDB(Path(database), config, None if "memory_limit" in config else memory_mb)
    engine = create_engine(
        parsed.set(query={}), creator=held.connect, poolclass=QueuePool, pool_size=4, max_overflow=8, pool_timeout=60
    )

    @event.listens_for(engine, "engine_disposed")
    def _close_file(_engine):
        held.close()

    return engine


_LOGIN_REFUSED = ("password authentication failed", "no pg_hba.conf entry", "access denied for user",
                  "authentication failed", "role \"", "permission denied for database", "unknown database",
                  "database \"")
_NOT_THAT_DATABASE = ("file is not a database", "not a valid duckdb database", "invalid response to ssl negotiation",
                      "received invalid response", "expected authentication request", "packet sequence number wrong",
                      "unsupported frontend protocol", "malformed packet", "lost connection to mysql server at 'reading initial")
_HOST_UNREACHABLE = ("could not translate host", "name or service not known", "connection refused",
                     "can't connect to", "no route to host", "timeout expired", "timed out",
                     "network is unreachable", "temporary failure in name resolution", "unknown mysql server host")


def connection_failure(exc: BaseException, url: str) -> DatabaseUnavailable | None:
    """The failure to open or first read a database as one of: host unreachable, login refused,
    not a database of that kind (None when it is none of these)."""
    text = error_text(exc).lower()
    where = describe_url(url)
    if any(marker in text for marker in _NOT_THAT_DATABASE):
        return NotThatDatabase(f"{where} 不是可读取的{_kind(url)}数据库（文件或端口上的服务不对）：{error_text(exc)}。")
    if any(marker in text for marker in _LOGIN_REFUSED) and ("does not exist" in text or "denied" in text
                                                               or "failed" in text or "unknown database" in text
                                                               or "no pg_hba" in text):
        return LoginRefused(f"报表库拒绝登录（{where}）：用户名、密码或数据库名不被接受，或无权访问：{error_text(exc)}。")
    if any(marker in text for marker in _HOST_UNREACHABLE):
        return HostUnreachable(f"无法连接报表库所在的主机（{where}）：{error_text(exc)}。")
    return None


def _kind(url: str) -> str:
    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # noqa: BLE001 - only for the wording
        return ""
    return {"sqlite": " SQLite ", "duckdb": " DuckDB ", "postgresql": " PostgreSQL ", "mysql": " MySQL/MariaDB ",
            "mariadb": " MySQL/MariaDB "}.get(backend, "")


def translate_error(exc: BaseException, url: str) -> DataError:
    """Turn a driver or SQLAlchemy failure into a DataError with one Chinese sentence."""
    if isinstance(exc, DataError):
        return exc
    text = error_text(exc)
    failure = connection_failure(exc, url)
    if failure is not None:
        return failure
    if isinstance(exc, DBAPIError) and _looks_like_wrong_type(text):
        return SchemaMismatch(f"报表库字段类型与数据契约不符（请运行 python3 -m dashboard.doctor 检查）：{text}。")
    if isinstance(exc, DBAPIError) and _looks_like_timeout(text):
        return QueryTimedOut(
            f"查询超过{STATEMENT_TIMEOUT_SECONDS}秒未完成，已停止（报表库繁忙或表被锁定）。请缩短时间段或稍后再试。"
        )
    if isinstance(exc, OperationalError) and _looks_like_connection_failure(text):
        return DatabaseUnavailable(f"无法连接报表数据库（{describe_url(url)}）：{text}。")
    if isinstance(exc, DBAPIError) and _looks_like_missing_object(text):
        return SchemaMismatch(f"报表库缺少查询所需的表或字段：{text}。")
    if isinstance(exc, SQLAlchemyError):
        return QueryFailed(f"查询报表库失败：{text}。")
    return QueryFailed(f"查询报表库失败：{type(exc).__name__}：{text}。")


def error_text(exc: BaseException) -> str:
    """The first line of a driver's error, credentials masked and made inert (it may quote
    database values), cut to ERROR_LIMIT characters."""
    raw = str(getattr(exc, "orig", exc)).strip()
    first = raw.splitlines()[0] if raw else type(exc).__name__
    return as_text(mask_credentials(first), ERROR_LIMIT)


def _looks_like_wrong_type(text: str) -> bool:
    """A column of the wrong type: a text date compared with a date, a text id summed …"""
    lowered = text.lower()
    return any(marker in lowered for marker in (
        "operator does not exist", "invalid input syntax for type", "function sum(character varying)",
        "function sum(text)", "conversion error", "could not convert", "cannot compare", "no operator matches",
        "incorrect date value", "incorrect datetime value",
    ))


def _looks_like_timeout(text: str) -> bool:
    """A statement stopped by the time limit: PostgreSQL statement_timeout, MariaDB
    max_statement_time, MySQL max_execution_time, SQLite's progress handler, DuckDB interrupt."""
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in (
            "statement timeout",
            "max_statement_time",
            "maximum statement execution time",
            "query execution was interrupted",
            "interrupted",
        )
    )


def _looks_like_connection_failure(text: str) -> bool:
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in (
            "connection",
            "connect to",
            "could not connect",
            "unable to open",
            "can't connect",
            "server has gone away",
            "lost connection",
            "timeout",
            "could not translate host",
            "no such file",
        )
    )


def _looks_like_missing_object(text: str) -> bool:
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in (
            "no such table",
            "no such column",
            "does not exist",
            "doesn't exist",
            "unknown column",
            "not found",
            "undefinedtable",
            "undefinedcolumn",
        )
    )
