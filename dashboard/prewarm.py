"""Pre-warm: when the data date changes, a background thread asks every page's queries for the
default views, so the first leader of the morning opens a warm page.

The default views are 上周 and 本月至今, for 全市 and for each county. "Every page's queries"
are the calls the pages made through `dashboard.cache.run`, recorded with the page's filter
replaced by a marker (`cache.page_shapes`), so nothing here repeats what a page asks for: the
pre-warm replays those calls for each default view, through the same cache. The thread starts
on the first page run of a server process and warms when a page run (or its own check every
minute) finds a data stamp other than the one it started with, and again before the TTL would
expire what it warmed. It never blocks a user's run (it only fills the shared cache, pausing
between queries; a user asking for a result being computed waits for that one computation),
shows nothing on screen, and stops on shutdown.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from datetime import timedelta

from dashboard import cache, config
from queries.meta import region_tree, report_meta_values
from queries.periods import build_filters, data_date_from_refreshed

log = logging.getLogger(__name__)

DEFAULT_PRESETS = ("last_week", "month_to_date")
CHECK_SECONDS = 60.0
PAUSE_SECONDS = 0.02

_lock = threading.Lock()
_threads: dict[str, "_Warmer"] = {}
_stop = threading.Event()


def default_views(url: str) -> list:
    """The Filters of the default views of `url`'s current data: each of DEFAULT_PRESETS for
    全市 and for each county, as the sidebar builds them."""
    today = config.today()
    try:
        refreshed = cache.run_at(url, report_meta_values).get("refreshed_at")
        data_date = data_date_from_refreshed(refreshed) if refreshed else today - timedelta(days=1)
    except ValueError:
        data_date = today - timedelta(days=1)
    regions = cache.run_at(url, region_tree)
    counties = [(), *((code,) for code in regions.loc[regions["level"] == "county", "code"])]
    return [build_filters(preset, today, data_date, counties=chosen) for preset in DEFAULT_PRESETS for chosen in counties]


def warm(url: str, stop: threading.Event | None = None, views: list | None = None) -> int:
    """Ask every recorded page call for every default view of `url` (or for `views`); returns
    the calls made. A failing call is skipped (the page shows its sentence when opened)."""
    made = 0
    for view in default_views(url) if views is None else views:
        for function, args, kwargs in cache.page_shapes():
            if stop is not None and stop.is_set():
                return made
            bound = tuple(view if a == cache.THIS_PERIOD else view.compared() if a == cache.COMPARED else a for a in args)
            try:
                cache.run_at(url, function, *bound, **dict(kwargs))
            except Exception as exc:  # noqa: BLE001 - a broken query must not stop the others
                log.info("pre-warm skipped %s: %s", getattr(function, "__qualname__", function), type(exc).__name__)
            made += 1
            if stop is not None:
                time.sleep(PAUSE_SECONDS)  # let a user's run have the interpreter between queries
    return made


class _Warmer(threading.Thread):
    def __init__(self, url: str):
        super().__init__(name="dashboard-prewarm", daemon=True)
        self.url = url
        self.wake = threading.Event()
        self.warmed: tuple[str, float] | None = None  # (stamp, when)

    def run(self) -> None:
        seen = None  # the stamp at start: the process's first visitors warm the cache themselves
        while not _stop.is_set():
            try:
                stamp = cache.data_stamp(self.url)
                seen = stamp if seen is None else seen
                expiring = self.warmed is not None and time.monotonic() - self.warmed[2] > 0.8 * config.cache_ttl_seconds()
                if cache.page_shapes() and (stamp != seen or expiring):
                    warm(self.url, _stop)
                    seen, self.warmed = stamp, (stamp, time.monotonic())
            except Exception as exc:  # noqa: BLE001 - the pre-warm must never die on a bad database
                log.info("pre-warm failed: %s", type(exc).__name__)
            self.wake.wait(CHECK_SECONDS)
            self.wake.clear()


def _wake(url: str) -> None:
    warmer = _threads.get(url)
    if warmer is not None:
        warmer.wake.set()


def start(url: str) -> None:
    """Start the pre-warm thread for `url` once per process (only under a real streamlit server,
    not under AppTest, and unless the `prewarm` setting is 0)."""
    if url in _threads or not _enabled():
        return
    with _lock:
        if url in _threads:
            return
        warmer = _Warmer(url)
        _threads[url] = warmer
        if _wake not in cache._stamp_listeners:
            cache._stamp_listeners.append(_wake)
        warmer.start()


def stop() -> None:
    """Stop every pre-warm thread (at interpreter exit; a warm in progress ends after its current query)."""
    _stop.set()
    for warmer in list(_threads.values()):
        warmer.wake.set()


atexit.register(stop)


def _enabled() -> bool:
    if config.setting("prewarm", "1") in ("0", "false", "off", "no"):
        return False
    try:
        from streamlit.runtime import Runtime

        return Runtime.exists() and type(Runtime.instance()) is Runtime  # AppTest mocks the runtime
    except Exception:  # noqa: BLE001 - no runtime: a script or a test
        return False
