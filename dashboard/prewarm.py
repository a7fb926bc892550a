"""Pre-warm: at a server process's first page run, and again whenever the data date changes, a
background thread asks every page's queries for the default views, so the first leader of the
morning opens a warm page.

The default views are 上周 and 本月至今, for 全市 and for each county. "Every page's queries" are
the calls in dashboard/page_queries.json (written by `python3 -m scripts.page_queries`, which runs
every page under AppTest), together with any other call the pages made since the server started
(`cache.page_shapes`, e.g. a widget's non-default choice), plus the page start's own checks
(report_meta, the region tree, the schema check): the pre-warm replays them for each default view,
through the same cache. It never blocks a user's run: it waits while any page's prefetch is
working and pauses between queries (a user asking for a result being computed waits for that one
computation); it shows nothing on screen and stops on shutdown.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from datetime import timedelta

from dashboard import cache, config, page_queries, prefetch
from dashboard.doctor import check_schema
from queries.meta import earliest_event_on, region_tree, report_meta_values
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


def shapes() -> list[tuple]:
    """Every page's calls: the manifest's, then those recorded since the server started."""
    return list(dict.fromkeys([*page_queries.calls(), *cache.page_shapes()]))


def _defer(stop: threading.Event | None) -> None:
    """Let users' pages go first: wait while a page's prefetch is working, then pause briefly."""
    if stop is None:
        return
    while prefetch.busy() and not stop.is_set():
        stop.wait(PAUSE_SECONDS * 5)
    time.sleep(PAUSE_SECONDS)


def warm(url: str, stop: threading.Event | None = None, views: list | None = None) -> int:
    """Ask every page's calls for every default view of `url` (or for `views`), and the page
    start's checks; returns the calls made. A failing call is skipped (the page shows its
    sentence when opened). With `stop` (the background thread) it defers to users' pages."""
    made = 0

    def ask(run, function, *args, **kwargs) -> bool:
        nonlocal made
        if stop is not None and stop.is_set():
            return False
        _defer(stop)
        try:
            run(url, function, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a broken query must not stop the others
            log.info("pre-warm skipped %s: %s", getattr(function, "__qualname__", function), type(exc).__name__)
        made += 1
        return True

    for function in (report_meta_values, region_tree, earliest_event_on):
        ask(cache.run_at, function)
    ask(cache.run_on_engine_at, check_schema)
    calls = shapes()
    for view in default_views(url) if views is None else views:
        for shape in calls:
            function, args, kwargs = cache.bind_shape(shape, view)
            if not ask(cache.run_at, function, *args, **kwargs):
                return made
        prefetch.note_warm(url, view)  # a page of this view finds its results cached: no prefetch
    return made


class _Warmer(threading.Thread):
    def __init__(self, url: str):
        super().__init__(name="dashboard-prewarm", daemon=True)
        self.url = url
        self.wake = threading.Event()
        self.warmed: tuple[str, float] | None = None  # (stamp, when)

    def run(self) -> None:
        while not _stop.is_set():
            stamp = cache.data_stamp(self.url)  # "" when unreadable: then warmed once, as for any stamp
            expiring = self.warmed is not None and time.monotonic() - self.warmed[1] > 0.8 * config.cache_ttl_seconds()
            if self.warmed is None or stamp != self.warmed[0] or expiring:
                try:
                    warm(self.url, _stop)
                except Exception as exc:  # noqa: BLE001 - the pre-warm must never die on a bad database
                    log.info("pre-warm failed: %s", type(exc).__name__)
                self.warmed = (stamp, time.monotonic())
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
