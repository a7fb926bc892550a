"""The page prefetch: a cold page's queries run in a small pool while the page asks for them in
its own order, each computed once (a page asking for a result being computed waits for it), never
raising into the page, and stopping with the page's query budget."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import Future
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import cache, prefetch
from dashboard.db import QueryTimedOut
from queries.periods import build_filters
from tests.apptest_support import ENTRY

DATA_DATE = date(2026, 11, 22)
TODAY = DATA_DATE + timedelta(days=1)
CALLS: list[str] = []


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    from data import demo

    url = f"sqlite:///{tmp_path_factory.mktemp('prefetch') / 'demo.sqlite'}"
    demo.generate(url, scale=0.01, data_date=DATA_DATE)
    return url


@pytest.fixture
def app_db(demo_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_url)
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    st.cache_data.clear()
    CALLS.clear()
    yield demo_url
    assert prefetch.wait_idle(60)
    st.cache_data.clear()
    st.cache_resource.clear()


def slow_query(conn, label: str) -> str:
    """A query that takes a while (counted; resolved by module and name like every query)."""
    CALLS.append(label)
    time.sleep(0.3)
    return conn.execute(sa.text("SELECT value FROM report_meta WHERE key = 'refreshed_at'")).scalar_one()


def timing_out_query(conn) -> None:
    CALLS.append("timeout")
    raise QueryTimedOut("查询超过60秒未完成，已停止。")


def failing_query(conn) -> None:
    CALLS.append("fail")
    raise RuntimeError("broken")


def test_a_result_being_computed_is_waited_for_not_computed_again(app_db):
    results = []
    other = threading.Thread(target=lambda: results.append(cache.run_at(app_db, slow_query, "x")))
    other.start()
    time.sleep(0.1)  # the other thread is inside the computation
    mine = cache.run_at(app_db, slow_query, "x")
    other.join()
    assert CALLS == ["x"] and results == [mine]


def _page_statements(url: str, page: str | None, params: dict | None = None) -> tuple[Counter, set[str]]:
    """The SQL statements (with parameters) a cold run of `page` (with the URL's `params`)
    executes, and the threads they ran on."""
    st.cache_data.clear()
    seen: list[tuple[str, str, str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, repr(parameters), threading.current_thread().name))

    engine = cache.engine_for(url)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    if page:
        at.run()  # the entry's first run (the overview), before the listener
        assert prefetch.wait_idle(60)
        st.cache_data.clear()
        at.switch_page(page)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        at.run()
        assert prefetch.wait_idle(60)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert not at.exception
    queries = Counter((s, p) for s, p, _ in seen if "refreshed_at" not in p)  # not the freshness check
    return queries, {thread for _, _, thread in seen}


@pytest.mark.parametrize("page", [None, "pages/lists.py"])
def test_a_cold_page_runs_each_of_its_queries_once_partly_in_the_pool(app_db, monkeypatch, page):
    alone, _ = _page_statements(app_db, page)
    monkeypatch.setenv("DASHBOARD_PREFETCH", "1")
    prefetched, threads = _page_statements(app_db, page)
    assert prefetched == alone  # the same statements, none twice
    assert any(name.startswith("dashboard-prefetch") for name in threads)  # and the pool ran some of them


def test_a_link_to_another_tab_prefetches_nothing_of_the_first(app_db, monkeypatch):
    """?list_tab=严重违法失信名单 opens the serious-violation list: with the first tabs closed
    (the default), the prefetch must not run the abnormal list's queries beside it."""
    monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "0")
    link = {"list_tab": "严重违法失信名单"}
    alone, _ = _page_statements(app_db, "pages/lists.py", link)
    monkeypatch.setenv("DASHBOARD_PREFETCH", "1")
    prefetched, _ = _page_statements(app_db, "pages/lists.py", link)
    assert prefetched == alone  # nothing of the first tab's ran beside it
    first_tab, threads = _page_statements(app_db, "pages/lists.py")  # the first tab is still prefetched
    assert any(name.startswith("dashboard-prefetch") for name in threads)
    assert set(first_tab) - set(alone)  # the abnormal list's own queries, which the link did not ask for


def test_a_pre_warmed_view_is_not_prefetched(app_db, monkeypatch):
    """Once the pre-warm has asked every page's calls for a view, a page of that view submits
    nothing to the pool (its results are cached; the pool would only compete with the drawing);
    after the cache is emptied it prefetches again."""
    from dashboard import prewarm

    monkeypatch.setenv("DASHBOARD_PREFETCH", "1")
    submitted = []
    real = prefetch.start
    monkeypatch.setattr(prefetch, "start", lambda *args: submitted.append(real(*args)) or submitted[-1])

    def visit() -> int:
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
        assert not at.exception and prefetch.wait_idle(60)
        return submitted[-1]

    assert visit() > 0  # cold
    prewarm.warm(app_db)  # the default views, as the background thread asks them
    assert visit() == 0
    st.cache_data.clear()
    assert visit() > 0


def test_a_failing_call_does_not_reach_the_page_and_a_timeout_stops_the_run(app_db):
    budget = {"started": time.monotonic(), "stopped": None}
    prefetch._fetch(app_db, failing_query, (), {}, budget)
    assert CALLS == ["fail"] and budget["stopped"] is None
    prefetch._fetch(app_db, timing_out_query, (), {}, budget)
    assert CALLS == ["fail", "timeout"] and budget["stopped"] == "本页已有查询超时"
    prefetch._fetch(app_db, slow_query, ("y",), {}, budget)  # nothing starts after the run's timeout
    assert CALLS == ["fail", "timeout"]


def test_nothing_starts_after_the_page_budget(app_db):
    spent = {"started": time.monotonic() - cache.PAGE_BUDGET_SECONDS - 1, "stopped": None}
    prefetch._fetch(app_db, slow_query, ("z",), {}, spent)
    assert CALLS == [] and spent["stopped"]


def test_nothing_starts_for_a_session_that_has_gone(app_db, monkeypatch):
    from dashboard import cancel

    monkeypatch.setattr(cancel, "session_alive", lambda session: session != "gone")
    prefetch._fetch(app_db, slow_query, ("gone",), {}, None, "gone")
    prefetch._fetch(app_db, slow_query, ("here",), {}, None, "here")
    assert CALLS == ["here"]


def test_a_page_s_calls_are_submitted_longest_first(app_db, monkeypatch):
    from queries import inspections, market

    from dashboard import page_queries

    shapes = [(market.market_summary, (cache.THIS_PERIOD,), ()), (inspections.headline, (cache.THIS_PERIOD,), ()),
              (market.by_region, (cache.THIS_PERIOD,), ())]
    monkeypatch.setattr(page_queries, "calls", lambda page=None: shapes)
    monkeypatch.setattr(prefetch, "_seconds", {"queries.market.market_summary": 0.1, "queries.inspections.headline": 0.9})
    monkeypatch.setenv("DASHBOARD_PREFETCH", "1")
    submitted = []

    class Recorder:
        def submit(self, fn, url, function, *rest):
            submitted.append(function.__name__)
            future = Future()
            future.set_result(None)
            return future

    monkeypatch.setattr(prefetch, "_executor", lambda: Recorder())
    f = build_filters("last_week", TODAY, DATA_DATE)
    assert prefetch.start(app_db, "overview", f) == 3
    # not timed yet (by_region) first, then the longest
    assert submitted == ["by_region", "headline", "market_summary"]
