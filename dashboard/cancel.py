"""Cancel the queries of sessions that have gone (issue 13, bounded work).

A browser tab closed while its page waits on a long query used to leave the query running to its
end (or its statement timeout): a watchdog knows which raw driver connection is running a
statement for which Streamlit session, and interrupts it once streamlit's runtime no longer has
that session. The interrupted query raises `QueryCancelled` in the gone session, so the result
cache keeps nothing; a second session waiting on the same cached result (streamlit holds one
lock per cache key) then computes it itself, and nobody else's result is lost.

Where the driver allows it: SQLite and DuckDB (`connection.interrupt()`), PostgreSQL with
psycopg (`connection.cancel_safe()`/`cancel()`), MariaDB/MySQL by `KILL QUERY` of the connection's
thread from a second connection (a user may always kill its own threads). Other drivers are not
interrupted: their statement timeout still bounds the work.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from dashboard.db import DataError

CHECK_SECONDS = 1.0
"""How often the watchdog asks whether the sessions of running queries are still there."""


class QueryCancelled(DataError):
    """A query interrupted because the session that asked for it has gone."""


def current_session() -> str | None:
    """The Streamlit session this thread runs a script for (None outside one: the pre-warm,
    the command line)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def session_alive(session_id: str) -> bool:
    """Whether streamlit's runtime still has the session (True when there is no runtime)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(session_id)


def stopper(conn):
    """A function that stops the statement running on `conn` (a SQLAlchemy Connection), or None
    when its driver cannot."""
    raw = getattr(conn.connection, "dbapi_connection", None)
    if raw is None:
        return None
    if conn.dialect.name in ("mysql", "mariadb") and callable(getattr(raw, "thread_id", None)):
        return _kill_query(conn.engine, raw.thread_id())
    for method in ("interrupt", "cancel_safe", "cancel"):  # sqlite3/duckdb, psycopg ≥ 3.2, psycopg
        stop = getattr(raw, method, None)
        if callable(stop):
            return stop
    return None


def _kill_query(engine, thread_id: int):
    def kill() -> None:
        # The one statement the app sends that is not a read, so it goes below the engine's
        # statement guard: a driver connection of the same read-only user, a fixed statement
        # with the thread id as its only parameter.
        other = engine.raw_connection()
        try:
            cursor = other.cursor()
            cursor.execute("KILL QUERY %s", (int(thread_id),))
            cursor.close()
        finally:
            other.close()

    return kill


@dataclass
class _Running:
    session_id: str
    stop: object
    cancelled: bool = False


class Watchdog:
    """The running statements by session; a daemon thread interrupts those whose session is gone.

    `is_alive(session_id)` decides (streamlit's runtime by default; tests put a stub there)."""

    def __init__(self, is_alive=None, interval: float = CHECK_SECONDS):
        self.is_alive = is_alive or session_alive
        self.interval = interval
        self._running: dict[int, _Running] = {}
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, conn, session_id: str | None = None):
        """Watch `conn` (a SQLAlchemy Connection) while the block runs its statements for
        `session_id` (default: the current session; none, nothing to watch). A statement the
        watchdog interrupts raises QueryCancelled out of the block."""
        session_id = session_id or current_session()
        stop = stopper(conn) if session_id else None
        if stop is None:
            yield
            return
        entry = _Running(session_id, stop)
        key = id(entry)
        with self._lock:
            self._running[key] = entry
            self._ensure_thread()
            self._wake.notify()
        try:
            yield
        except Exception as exc:
            with self._lock:  # a stop under way finishes first
                cancelled = entry.cancelled
            if cancelled:
                raise QueryCancelled("页面已关闭，其查询已取消。") from exc
            raise
        finally:
            # Under the lock, so an interrupt can never reach the connection once it has gone
            # back to the pool (and on to another session's query).
            with self._lock:
                self._running.pop(key, None)

    def sweep(self) -> int:
        """Interrupt every watched statement whose session has gone; returns how many."""
        with self._lock:
            entries = [e for e in self._running.values() if not e.cancelled]
        gone = {e.session_id for e in entries if not self.is_alive(e.session_id)}
        stopped = 0
        with self._lock:
            for entry in self._running.values():
                if entry.session_id in gone and not entry.cancelled:
                    entry.cancelled = True  # before the stop: the statement may fail at once
                    try:
                        entry.stop()
                    except Exception:  # noqa: BLE001 - a stop that fails leaves the statement timeout to end it
                        entry.cancelled = False
                        continue
                    stopped += 1
        return stopped

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="query-watchdog", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._running:
                    self._wake.wait()
            self.sweep()
            with self._lock:
                self._wake.wait(self.interval)


WATCHDOG = Watchdog()
"""The process's watchdog (dashboard.cache runs every query under it)."""
