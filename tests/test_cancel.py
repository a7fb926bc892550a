"""Queries of a session that has gone are interrupted (issue 13, bounded work): on SQLite and DuckDB
a deliberately slow query (a recursive CTE) stops soon after the session-alive check — a stub
here — says the tab has closed; the cache keeps nothing, and a second session waiting on the same
cached result computes it itself."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import bindparam, text

from dashboard import cancel
from dashboard.cancel import QueryCancelled, Watchdog
from dashboard.db import readonly_engine
from tests.conftest import new_database

COUNT_TO = text(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT count(*) FROM c"
).bindparams(bindparam("n"))
ENDLESS = {"sqlite": 2_000_000_000, "duckdb": 200_000_000, "postgresql": 2_000_000_000}
"""Far more rows than the test waits for (minutes on this machine)."""
CUBE = text(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
    "SELECT count(*) FROM c AS a, c AS b, c AS d"
)
"""MariaDB stops a recursion at max_recursive_iterations (1000) without an error: a billion rows
as the cube of a thousand instead."""
A_FEW_SECONDS = {"sqlite": 8_000_000, "duckdb": 500_000}
"""About two seconds of counting on this machine."""


def count_to(conn, n: int) -> int:
    """The slow query: count 1..n through a recursive CTE, one row per step."""
    return int(conn.execute(COUNT_TO, {"n": n}).scalar_one())


@pytest.fixture(params=["sqlite", "duckdb"])
def database(request, tmp_path):
    db = new_database(request.param, tmp_path)
    db.create_schema(["regions"])
    yield request.param, db.url
    db.close()


@pytest.fixture(params=["postgresql", "mariadb"])
def server(request, tmp_path):
    db = new_database(request.param, tmp_path)
    db.create_schema(["regions"])
    yield request.param, db.url
    db.close()


class Sessions:
    """The session-alive check's stand-in: every session is alive until `close(session)`."""

    def __init__(self):
        self.closed: set[str] = set()

    def alive(self, session_id: str) -> bool:
        return session_id not in self.closed

    def close_later(self, session_id: str, seconds: float) -> None:
        threading.Timer(seconds, self.closed.add, args=(session_id,)).start()


def test_a_closed_tabs_query_stops_and_the_connection_serves_the_next(database):
    dialect, url = database
    sessions = Sessions()
    dog = Watchdog(is_alive=sessions.alive, interval=0.05)
    engine = readonly_engine(url)
    with engine.connect() as conn:
        sessions.close_later("closed-tab", 0.3)
        started = time.monotonic()
        with pytest.raises(QueryCancelled):
            with dog.watching(conn, "closed-tab"):
                count_to(conn, ENDLESS[dialect])
        assert time.monotonic() - started < 30  # not the minutes the count would take
    with engine.connect() as conn, dog.watching(conn, "open-tab"):  # back in the pool, it serves the next
        assert count_to(conn, 1000) == 1000
    engine.dispose()


def test_a_closed_tabs_query_stops_on_a_server(server):
    """psycopg's cancel, MariaDB's KILL QUERY: the server stops the statement (well before its
    60 s statement timeout), and the connection serves the next query."""
    dialect, url = server
    sessions = Sessions()
    dog = Watchdog(is_alive=sessions.alive, interval=0.05)
    engine = readonly_engine(url)
    with engine.connect() as conn:
        sessions.close_later("closed-tab", 0.3)
        started = time.monotonic()
        with pytest.raises(QueryCancelled):
            with dog.watching(conn, "closed-tab"):
                if dialect == "mariadb":
                    conn.execute(CUBE).scalar_one()
                else:
                    count_to(conn, ENDLESS[dialect])
        assert time.monotonic() - started < 30
    with engine.connect() as conn, dog.watching(conn, "open-tab"):
        assert count_to(conn, 1000) == 1000
    engine.dispose()


def test_an_open_tabs_query_is_left_alone(database):
    dialect, url = database
    dog = Watchdog(is_alive=lambda session: True, interval=0.05)
    engine = readonly_engine(url)
    with engine.connect() as conn, dog.watching(conn, "open-tab"):
        assert count_to(conn, A_FEW_SECONDS[dialect] // 20) == A_FEW_SECONDS[dialect] // 20
    assert dog.sweep() == 0
    engine.dispose()


def test_the_cache_keeps_nothing_and_a_waiting_session_computes_it(database, monkeypatch):
    from dashboard.cache import _cached

    dialect, url = database
    sessions = Sessions()
    monkeypatch.setattr(cancel.WATCHDOG, "is_alive", sessions.alive)
    monkeypatch.setattr(cancel.WATCHDOG, "interval", 0.05)
    running_for = threading.local()
    monkeypatch.setattr(cancel, "current_session", lambda: getattr(running_for, "session", None))
    n = A_FEW_SECONDS[dialect]
    outcome: dict[str, object] = {}
    stamp = f"cancel-test-{time.time_ns()}"  # a data stamp no other test caches under

    def page(session: str) -> None:
        running_for.session = session
        try:
            outcome[session] = _cached(url, stamp, f"{__name__}.count_to", (), (("n", n),))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome[session] = exc

    closed = threading.Thread(target=page, args=("closed-tab",))
    waiting = threading.Thread(target=page, args=("open-tab",))
    closed.start()
    time.sleep(0.1)
    waiting.start()  # asks for the same result: waits on the first session's computation
    sessions.close_later("closed-tab", 0.3)
    closed.join(60)
    waiting.join(60)
    assert isinstance(outcome["closed-tab"], QueryCancelled)
    assert outcome["open-tab"] == n  # computed again by the session that is still there
