"""What each page asks the database for, known before anyone opens it: dashboard/page_queries.json,
written by `python3 -m scripts.page_queries` (which runs every page under AppTest for the default
views) and read here by the pre-warm and the page prefetch.

Each call is a query function (module:qualname), its arguments with the page's filter as a marker
(`cache.THIS_PERIOD`, `cache.COMPARED`, `cache.DATA_DATE`) and its keyword arguments; a tuple is
written {"tuple": [...]}, a date {"date": "YYYY-MM-DD"}.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
from datetime import date
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "page_queries.json"

log = logging.getLogger(__name__)


def encode(value):
    """An argument as JSON. Anything but a scalar, a tuple or a date is refused: a page asking in
    terms of another object needs a marker in dashboard/cache.py, or it could not be replayed."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if type(value) is date:
        return {"date": value.isoformat()}
    raise TypeError(f"page_queries: cannot record an argument of type {type(value).__name__}: {value!r}")


def decode(value):
    if isinstance(value, dict) and set(value) == {"tuple"}:
        return tuple(decode(v) for v in value["tuple"])
    if isinstance(value, dict) and set(value) == {"date"}:
        return date.fromisoformat(value["date"])
    if isinstance(value, (dict, list)):
        raise ValueError(f"page_queries: unknown value {value!r}")
    return value


def _resolve(name: str):
    module_name, qualname = name.split(":")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def entry(shape: tuple) -> dict:
    """A recorded call (`cache.page_shapes()` form) as a manifest entry."""
    function, args, kwargs = shape
    return {"query": f"{function.__module__}:{function.__qualname__}", "args": [encode(a) for a in args],
            "kwargs": {name: encode(value) for name, value in kwargs}}


def shape(item: dict) -> tuple:
    """A manifest entry as a call in `cache.page_shapes()` form: (function, args, kwargs items)."""
    return (_resolve(item["query"]), tuple(decode(a) for a in item["args"]),
            tuple(sorted((name, decode(value)) for name, value in item["kwargs"].items())))


@functools.lru_cache(maxsize=1)
def load() -> dict[str, tuple]:
    """{page url path: (call, ...)} from the manifest; {} when it is missing or unreadable (then
    only calls recorded since the server started are warmed, and no page is prefetched)."""
    try:
        pages = json.loads(MANIFEST.read_text(encoding="utf-8"))["pages"]
        return {path: tuple(shape(item) for item in items) for path, items in pages.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError) as exc:
        log.warning("dashboard/page_queries.json unreadable (%s): nothing is prefetched", exc)
        return {}


def calls(page: str | None = None) -> list[tuple]:
    """The calls of `page` (a url path such as "overview"), or of every page, each once, in order."""
    pages = load()
    chosen = [pages.get(page, ())] if page is not None else pages.values()
    return list(dict.fromkeys(call for items in chosen for call in items))
