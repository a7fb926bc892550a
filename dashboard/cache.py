"""The one caching wrapper: engine per URL (cache_resource), query results with a TTL (cache_data).

Pages call `run(queries.topic.function, filters, ...)`; the function gets a read-only
connection as its first argument. Failures come back as `DataError` with a Chinese message.
"""

from __future__ import annotations

import importlib

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.config import cache_ttl_seconds, database_url
from dashboard.db import readonly_engine, translate_error


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """The app's read-only engine for `url` (one per URL and process)."""
    return readonly_engine(url)


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
