"""The one caching wrapper: engine per URL (cache_resource), query results (cache_data) keyed by
the SQL identity and the data date.

Pages call `run(queries.topic.function, filters, ...)`; the function gets a read-only
connection as its first argument. A result is kept until report_meta.refreshed_at changes
(checked at the start of every page run, `check_freshness`), with the TTL as a safety net.
Failures come back as `DataError` with a Chinese message.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import threading
import time

import streamlit as st
from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url

from dashboard.cancel import WATCHDOG
from dashboard.config import cache_ttl_seconds, database_url, duckdb_memory_mb
from dashboard.db import DataError, QueryTimedOut, readonly_engine, translate_error
from queries.periods import Filters
from queries.schema import report_meta

PAGE_BUDGET_SECONDS = 150
"""Query time one page run may spend; after that (or after its first statement timeout) the
page issues no further queries in this run and says so, instead of queueing more on a busy
database."""

_BUDGET = "_page_query_budget"


class PageBudgetSpent(DataError):
    """A section skipped because the page has already timed out or spent its time budget."""


def _file_identity(url: str) -> tuple | None:
    """(inode, mtime) of a SQLite or DuckDB file URL (None for a server or a missing file): a
    file replaced by a new load (the demo's atomic rename) gets a new engine."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "duckdb") or not parsed.database:
            return None
        stat = os.stat(parsed.database)
    except Exception:  # noqa: BLE001 - a malformed URL or a missing file is reported by the engine
        return None
    return stat.st_ino, stat.st_mtime_ns


def _still_current(engine: Engine) -> bool:
    return engine.file_identity == _file_identity(engine.source_url)


def _dispose(engine: Engine) -> None:
    engine.dispose()


@st.cache_resource(show_spinner=False, validate=_still_current, on_release=_dispose)
def _engine(url: str) -> Engine:
    engine = readonly_engine(url, duckdb_memory_mb=duckdb_memory_mb())
    engine.source_url, engine.file_identity = url, _file_identity(url)
    return engine


def engine_for(url: str) -> Engine:
    """The app's read-only engine for `url`: one per URL and process, held open (a DuckDB file
    stays open, its pooled connections are cursors of it), renewed when the file is replaced."""
    return _engine(url)


# --- files ---------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=8)
def _from_file(loader_name: str, path: str, _identity: tuple):
    module_name, function_name = loader_name.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), function_name)(path)


def from_file(loader, path) -> object:
    """`loader(path)` once per version of the file (its inode and mtime), shared by every session
    (a read-only object such as the county boundaries). OSError when the file cannot be read."""
    stat = os.stat(path)
    return _from_file(f"{loader.__module__}.{loader.__qualname__}", str(path), (stat.st_ino, stat.st_mtime_ns))


# --- the data date: results are valid until report_meta.refreshed_at changes -------------------

STAMP_RECHECK_SECONDS = 30.0
"""How old a freshness check may be before `run` repeats it (a page run checks at its start)."""
_stamps: dict[str, tuple[float, str]] = {}
_stamps_lock = threading.Lock()


def _read_stamp(url: str) -> str:
    """report_meta.refreshed_at (with the file's identity for a file database); "" when unreadable
    (then results are kept for the TTL only, and the query itself reports the failure)."""
    try:
        with engine_for(url).connect() as conn:
            value = conn.execute(
                select(report_meta.c.value).where(report_meta.c.key == "refreshed_at")
            ).scalar_one_or_none()
    except Exception:  # noqa: BLE001 - a broken database is reported by the page's own queries
        return ""
    return f"{value or ''}|{_file_identity(url) or ''}"


def check_freshness(url: str | None = None) -> str:
    """Read the data stamp of `url` (default: the configured database) now: one indexed
    single-row query. Called at the start of every page run; returns the stamp."""
    url = url or database_url()
    stamp = _read_stamp(url)
    with _stamps_lock:
        before = _stamps.get(url)
        _stamps[url] = (time.monotonic(), stamp)
    if before is not None and before[1] != stamp:
        for listener in list(_stamp_listeners):
            listener(url)
    return stamp


_stamp_listeners: list = []
"""Called with the URL when a check finds a new data stamp (the pre-warm wakes up)."""


def data_stamp(url: str) -> str:
    """The stamp results of `url` are cached under: the last freshness check, repeated when it is
    older than STAMP_RECHECK_SECONDS."""
    with _stamps_lock:
        known = _stamps.get(url)
    if known is None or time.monotonic() - known[0] > STAMP_RECHECK_SECONDS:
        return check_freshness(url)
    return known[1]


# --- results ------------------------------------------------------------------------------------

def _filters_identity(filters: Filters) -> str:
    """A filter's cache identity: its repr, which names every field (a frozen dataclass of dates,
    strings and tuples). Streamlit's own hashing walks the dataclass field by field, 0.5 ms per
    call, and a page asks the cache 80 times per run, cold or warm: 9× less this way."""
    return repr(filters)


@st.cache_data(ttl=cache_ttl_seconds(), show_spinner=False, max_entries=4000, hash_funcs={Filters: _filters_identity})
def _cached(url: str, stamp: str, query_name: str, args: tuple, kwargs: tuple, on_engine: bool = False):
    """One result per (database, data stamp, query function, bound arguments): the SQL identity,
    valid until the data stamp changes; the TTL is only a safety net."""
    module_name, function_name = query_name.rsplit(".", 1)
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        if on_engine:
            return function(engine_for(url), *args, **dict(kwargs))
        # Watched: a statement of a session that has gone is interrupted (dashboard/cancel.py).
        with engine_for(url).connect() as conn, WATCHDOG.watching(conn):
            return function(conn, *args, **dict(kwargs))
    except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese sentence
        raise translate_error(exc, url) from exc


def _key(function, args: tuple, kwargs: dict) -> tuple:
    """(function name, (), every argument by name with its default filled in): the SQL identity,
    whether a caller wrote `f, False` or `f` or `f, previous=False`."""
    signature = _signature(function)
    bound = signature.bind(None, *args, **kwargs)
    bound.apply_defaults()
    named, extra = [], ()
    for name, value in list(bound.arguments.items())[1:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:  # **options: each by its own name, in order
            named.extend(sorted(value.items()))
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            extra = tuple(value)
        else:
            named.append((name, value))
    return f"{function.__module__}.{function.__qualname__}", _plain(extra), tuple((name, _plain(value)) for name, value in named)


def _plain(value):
    """A str subclass (SQLAlchemy's quoted_name, a table's `.name`) as the plain str it equals, in
    a tuple too: st.cache_data hashes the subclass differently, and the same call would miss the
    result another caller cached under the plain name."""
    if isinstance(value, str):
        return str(value)
    if type(value) is tuple:
        return tuple(_plain(item) for item in value)
    return value


@functools.lru_cache(maxsize=512)
def _signature(function) -> inspect.Signature:
    return inspect.signature(function)


# --- what the pages ask for, so the pre-warm can ask the same for other filters ------------------

_page = threading.local()
_shapes: dict[tuple, None] = {}
"""Calls pages made, with the run's filter replaced by a marker: {(function, args, kwargs): None}
(a dict as an ordered set). Read by dashboard/prewarm.py and scripts/page_queries.py."""
_SHAPES_MAX = 500
THIS_PERIOD, COMPARED, DATA_DATE = "<filters>", "<filters.compared()>", "<filters.data_date>"


def note_page_filters(filters) -> None:
    """The shared filter of the page run on this thread (set by the app once the sidebar has
    built it; None at the start of a run, so the calls before it are not a page's)."""
    _page.filters = filters


def _marked(value, current):
    if type(value) is type(current):
        return THIS_PERIOD if value == current else COMPARED if value == current.compared() else value
    if type(value) is type(current.data_date) and value == current.data_date:
        return DATA_DATE
    return value


def _note_shape(function, args: tuple, kwargs: dict) -> None:
    current = getattr(_page, "filters", None)
    if current is None:
        return
    marked = tuple(_marked(a, current) for a in args)
    with _stamps_lock:
        if len(_shapes) < _SHAPES_MAX:
            _shapes[(function, marked, tuple(sorted(kwargs.items())))] = None


def page_shapes() -> list[tuple]:
    """The recorded calls: (function, args with THIS_PERIOD / COMPARED / DATA_DATE markers,
    kwargs items)."""
    with _stamps_lock:
        return list(_shapes)


def bind_shape(shape: tuple, view) -> tuple:
    """(function, args, kwargs) of a recorded call for the filter `view`: the markers replaced."""
    function, args, kwargs = shape
    values = {THIS_PERIOD: view, COMPARED: view.compared(), DATA_DATE: view.data_date}
    return function, tuple(values.get(a, a) if isinstance(a, str) else a for a in args), dict(kwargs)


def page_budget() -> dict | None:
    """The current page run's query budget (shared with the run's prefetch), None outside a run."""
    return st.session_state.get(_BUDGET)


def budget_spent(budget: dict | None) -> bool:
    """Whether `budget` forbids further queries (its run timed out or spent PAGE_BUDGET_SECONDS);
    marks it stopped when the time is up."""
    if budget is None:
        return False
    if budget["stopped"] is None and time.monotonic() - budget["started"] > PAGE_BUDGET_SECONDS:
        budget["stopped"] = f"本页查询已超过{PAGE_BUDGET_SECONDS}秒"
    return bool(budget["stopped"])


def run(function, *args, **kwargs):
    """`function(conn, *args, **kwargs)` on the configured database, cached until the data
    changes (report_meta.refreshed_at), at most for the TTL.

    Arguments must be hashable values (Filters, dates, strings, tuples), so the cache key is
    exactly what the query reads. A query made of other queries (queries.common.composed) is
    assembled from their cached results, so two names for the same SQL share one result.
    """
    budget = st.session_state.get(_BUDGET)
    if budget_spent(budget):
        raise PageBudgetSpent(f"{budget['stopped']}，为免加重报表库负担，本部分本次未查询；请缩短时间段或稍后刷新。")
    _note_shape(function, args, kwargs)
    try:
        return run_at(database_url(), function, *args, **kwargs)
    except QueryTimedOut:
        if budget is not None:
            budget["stopped"] = "本页已有查询超时"
        raise


def start_page_budget() -> None:
    """Begin a page run's query budget (the first thing each page run does): after the run's
    first statement timeout, or PAGE_BUDGET_SECONDS, `run` stops issuing queries."""
    st.session_state[_BUDGET] = {"started": time.monotonic(), "stopped": None}


def run_at(url: str, function, *args, **kwargs):
    """`run` on the database at `url` (the pre-warm thread names its database)."""
    compose = getattr(function, "compose", None)
    if compose is not None:
        return compose(functools.partial(run_at, url), *args, **kwargs)
    return _cached(url, data_stamp(url), *_key(function, args, kwargs))


def run_on_engine(function, *args, **kwargs):
    """`function(engine, *args, **kwargs)` (a check that opens its own connections, like the
    schema check), cached like `run`."""
    return run_on_engine_at(database_url(), function, *args, **kwargs)


def run_on_engine_at(url: str, function, *args, **kwargs):
    """`run_on_engine` on the database at `url`."""
    return _cached(url, data_stamp(url), *_key(function, args, kwargs), on_engine=True)
