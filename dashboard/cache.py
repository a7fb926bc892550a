"""The one caching wrapper: engine per URL (cache_resource), query results with a TTL (cache_data).

Pages call `run(queries.topic.function, filters, ...)`; the function gets a read-only
connection as its first argument. Failures come back as `DataError` with a Chinese message.
"""

from __future__ import annotations

import importlib
import os

import streamlit as st
from sqlalchemy.engine import Engine, make_url

from dashboard.config import cache_ttl_seconds, database_url, duckdb_memory_mb
from dashboard.db import readonly_engine, translate_error


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
    return getattr(engine, "file_identity", None) == _file_identity(engine.url.render_as_string(hide_password=False))


def _dispose(engine: Engine) -> None:
    engine.dispose()


@st.cache_resource(show_spinner=False, validate=_still_current, on_release=_dispose)
def _engine(url: str) -> Engine:
    engine = readonly_engine(url, duckdb_memory_mb=duckdb_memory_mb())
    engine.file_identity = _file_identity(url)
    return engine


def engine_for(url: str) -> Engine:
    """The app's read-only engine for `url`: one per URL and process, held open (a DuckDB file
    stays open, its pooled connections are cursors of it), renewed when the file is replaced."""
    return _engine(url)


@st.cache_data(ttl=cache_ttl_seconds(), show_spinner=False, max_entries=2000)
def _cached(url: str, query_name: str, args: tuple, kwargs: tuple):
    module_name, function_name = query_name.rsplit(".", 1)
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        with engine_for(url).connect() as conn:
            return function(conn, *args, **dict(kwargs))
    except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese sentence
        raise translate_error(exc, url) from exc


def run(function, *args, **kwargs):
    """`function(conn, *args, **kwargs)` on the configured database, cached for the TTL.

    Arguments must be hashable values (Filters, dates, strings, tuples), so the cache key is
    exactly what the query reads.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(database_url(), name, args, tuple(sorted(kwargs.items())))
