"""Page prefetch: at the start of a page run, the page's queries (dashboard/page_queries.json) for
the run's filter go to a small shared thread pool, so one page's queries overlap (sqlite3, psycopg
and duckdb release the interpreter while the database works) instead of running one after another.

The page's sections still ask `dashboard.cache.run` in their own order and take each result from
the cache; a result the pool is computing is waited for (st.cache_data holds a lock per key while
a value is computed, and a second caller waits for it), so no query runs twice. A prefetch never
raises into the page: a failing call is dropped and the section that asks for it reports the
failure itself. It respects the page's query budget: nothing starts once the run has timed out or
spent PAGE_BUDGET_SECONDS, and a statement timeout in the pool stops the run's further queries
like one in the page. A new run of the same session drops what the previous run had not started,
and nothing starts for a session that has gone (its tab closed).

Off with the setting `prefetch` = 0 (the AppTest-based tests turn it off, so what they count
does not depend on thread timing; tests/test_prefetch.py turns it on).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from dashboard import cache, cancel, config, page_queries
from dashboard.db import QueryTimedOut

log = logging.getLogger(__name__)

WORKERS = 2
_SESSION_KEY = "_prefetch_futures"
_LAST_KEY = "_prefetch_last"

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_stop = threading.Event()
_active = 0  # submitted calls not yet finished (all sessions)
_seconds: dict[str, float] = {}
"""The longest time a prefetched call of each query function took in this process: a page's
calls are submitted longest first, so the page does not end waiting for one started last."""
_idle = threading.Condition(_lock)
_warm_views: dict[tuple, None] = {}
"""Views the pre-warm has asked every page's calls for: {(url, data stamp, cache generation,
filters): None} (a dict as an ordered set). A page run for such a view prefetches nothing: its
results are cached already, and 20 pool calls that each only find a cached result would still
compete with the page's own drawing for the interpreter."""
_WARM_VIEWS_MAX = 1000


@st.cache_data(show_spinner=False)
def _cache_generation() -> str:
    """A token that changes whenever the result cache is emptied (st.cache_data.clear(), e.g. after
    the demo database is rebuilt): a rerun asking the same again is prefetched again then."""
    return uuid.uuid4().hex


def enabled() -> bool:
    return config.setting("prefetch", "1") not in ("0", "false", "off", "no")


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="dashboard-prefetch")
        return _pool


def _done(_future) -> None:
    global _active
    with _idle:
        _active -= 1
        if _active == 0:
            _idle.notify_all()


def _fetch(url: str, function, args: tuple, kwargs: dict, budget: dict | None, session: str | None = None) -> None:
    if _stop.is_set() or cache.budget_spent(budget):
        return
    if session is not None and not cancel.session_alive(session):  # the tab has closed
        return
    started = time.monotonic()
    try:
        cache.run_at(url, function, *args, **kwargs)
        name = _name(function)
        _seconds[name] = max(_seconds.get(name, 0.0), time.monotonic() - started)
    except QueryTimedOut:
        if budget is not None and not budget["stopped"]:
            budget["stopped"] = "本页已有查询超时"
    except Exception as exc:  # noqa: BLE001 - the page's own call reports the failure
        log.info("prefetch skipped %s: %s", getattr(function, "__qualname__", function), type(exc).__name__)


def _view_key(url: str, filters) -> tuple:
    return (url, cache.data_stamp(url), _cache_generation(), filters)


def note_warm(url: str, filters) -> None:
    """The pre-warm has asked every page's calls for `filters` on `url` (dashboard/prewarm.py)."""
    key = _view_key(url, filters)
    with _lock:
        if len(_warm_views) >= _WARM_VIEWS_MAX:
            _warm_views.clear()
        _warm_views[key] = None


def start(url: str, page: str | None, filters) -> int:
    """Submit `page`'s manifest calls for `filters` (the calls of the run that is starting); the
    calls the session's previous run had not started yet are dropped. Returns how many were
    submitted: 0 when prefetch is off, the page unknown, the run's budget spent, the view
    pre-warmed (`note_warm`), or the session's previous run already asked for the same page,
    filter and data (a widget on the page changed: its results are cached)."""
    global _active
    asked = (url, page, filters, cache.data_stamp(url), _cache_generation())
    if st.session_state.get(_LAST_KEY) == asked:
        return 0
    st.session_state[_LAST_KEY] = asked
    previous = st.session_state.get(_SESSION_KEY) or []
    for future in previous:
        future.cancel()
    st.session_state[_SESSION_KEY] = []
    if not enabled() or _stop.is_set() or page is None:
        return 0
    key = _view_key(url, filters)
    with _lock:
        if key in _warm_views:  # pre-warmed: every result is cached
            return 0
    budget = cache.page_budget()
    if cache.budget_spent(budget):
        return 0
    futures: list[Future] = []
    pool = _executor()
    session = cancel.current_session()
    calls = [cache.bind_shape(shape, filters) for shape in page_queries.calls(page)]
    # Longest first (a call not timed yet counts as longest), else in the page's order.
    calls.sort(key=lambda call: -_seconds.get(_name(call[0]), float("inf")))
    for function, args, kwargs in calls:
        with _idle:
            _active += 1
        try:
            future = pool.submit(_fetch, url, function, args, kwargs, budget, session)
        except RuntimeError:  # the pool is shutting down
            _done(None)
            break
        future.add_done_callback(_done)
        futures.append(future)
    st.session_state[_SESSION_KEY] = futures
    return len(futures)


def _name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def busy() -> bool:
    """Whether any page's prefetch is queued or running (the pre-warm waits for it to finish)."""
    with _lock:
        return _active > 0


def wait_idle(timeout: float | None = None) -> bool:
    """Block until no prefetch is queued or running (tests and the benchmark); False on timeout."""
    with _idle:
        return _idle.wait_for(lambda: _active == 0, timeout)


def stop() -> None:
    """Stop prefetching (at interpreter exit): queued calls are dropped, running ones finish."""
    _stop.set()
    with _lock:
        pool = _pool
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


atexit.register(stop)
