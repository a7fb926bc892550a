"""Benchmark: every page on SQLite, DuckDB and PostgreSQL side by side, cold, warm and pre-warmed.

Runs the real pages under streamlit's AppTest (so it measures exactly what a page asks the
database for), with `dashboard.cache.run_at` wrapped to record each query's time and the rows
it transfers. Engines are interleaved (each repeat visits a page on every engine in turn), and
every figure is the median of `--repeats` runs.

- cold: the result cache cleared (the held engine kept), what the first leader waits for
  without a pre-warm (with the page prefetch, dashboard/prefetch.py, unless DASHBOARD_PREFETCH=0);
- warm: the same page again (results cached until the data date changes);
- pre-warmed: the cache cleared, then `dashboard.prewarm.warm` run for the view (what the
  background thread does for the default views when the data date changes), then the page.

It also times the raw-client floor of the five slowest queries (the same SQL and parameters,
captured from the engine, run through sqlite3 / duckdb / psycopg directly), five simultaneous
cold sessions of the overview, and one full pre-warm of every default view.

    python -m bench.benchmark --scale 3                    # builds bench/bench-scale3.* once
    python -m bench.benchmark --scale 1 --engines sqlite duckdb --repeats 3

PostgreSQL is the database `bench_scale<S>` on $BENCH_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/), created and filled when missing.
Writes bench/RESULTS.md unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard import cache, prefetch, prewarm  # noqa: E402
from queries.periods import build_filters  # noqa: E402
from queries.schema import metadata  # noqa: E402

DATA_DATE = date(2026, 11, 22)
TODAY = DATA_DATE + timedelta(days=1)
SCENARIOS = {"上周·全市": "last_week", "本年至今·全市": "year_to_date"}
ENGINES = ("sqlite", "duckdb", "postgresql")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")


def _pages() -> list[str]:
    entry = (REPO / "streamlit_app.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\("(pages/\w+\.py)"', entry)


def engine_url(engine: str, scale: float) -> str:
    if engine == "sqlite":
        return f"sqlite:///{REPO / 'bench' / f'bench-scale{scale:g}.sqlite'}"
    if engine == "duckdb":
        return f"duckdb:///{REPO / 'bench' / f'bench-scale{scale:g}.duckdb'}"
    return PG_SERVER.rstrip("/") + f"/bench_scale{scale:g}".replace(".", "_")


def ensure_database(engine: str, url: str, scale: float) -> None:
    """Generate the benchmark data into `url` when it is not there yet."""
    from data import demo

    if engine in ("sqlite", "duckdb"):
        if Path(sa.engine.make_url(url).database).exists():
            return
    else:
        name = sa.engine.make_url(url).database
        admin = sa.create_engine(PG_SERVER.rstrip("/") + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists:
                admin.dispose()
                return
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    started = time.perf_counter()
    demo.generate(url, scale=scale, data_date=DATA_DATE)
    if engine == "postgresql":
        analyse = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with analyse.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        analyse.dispose()
    print(f"generated {engine} scale {scale:g} in {time.perf_counter() - started:.0f} s", flush=True)


class QueryLog:
    """Wraps dashboard.cache.run_at: (query, seconds, rows transferred) of every call that
    reached the cache, and the SQL statements each query function executed."""

    def __init__(self):
        self.calls: list[tuple[str, float, int]] = []
        self._original = cache.run_at

    def __enter__(self):
        def timed(url, function, *args, **kwargs):
            started = time.perf_counter()
            result = self._original(url, function, *args, **kwargs)
            if getattr(function, "compose", None) is None:
                self.calls.append((_name(function), time.perf_counter() - started, _rows(result), (function, args, kwargs)))
            return result

        cache.run_at = timed
        return self

    def __exit__(self, *exc):
        cache.run_at = self._original


def _name(function) -> str:
    return f"{function.__module__.split('.')[-1]}.{function.__name__}"


def _rows(result) -> int:
    if isinstance(result, pd.DataFrame):
        return len(result)
    if isinstance(result, tuple):
        return sum(_rows(part) for part in result)
    for attribute in ("rows", "frame", "items", "by_region"):
        inner = getattr(result, attribute, None)
        if isinstance(inner, pd.DataFrame):
            return len(inner)
    return 1


def _visit(page: str, preset: str, before=None) -> tuple[float, list, bool]:
    """Seconds to switch to `page` with the filter `preset`. The entry page is rendered first
    (a session's first run), then `before()` (e.g. emptying the cache), then the timed switch."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=900)
    if preset != "last_week":
        at.query_params["preset"] = preset
    at.run()
    prefetch.wait_idle(900)  # the first run's prefetch is over before the cache is emptied
    if before is not None:
        before()
    return _switch(at, page)


def _switch(at, page: str) -> tuple[float, list, bool]:
    with QueryLog() as log:
        started = time.perf_counter()
        at.switch_page(page)
        at.run()
        elapsed = time.perf_counter() - started
        prefetch.wait_idle(900)  # a prefetched call the page did not ask for in this view
    failed = bool(at.exception) or bool(at.error and any("失败" in e.value for e in at.error))
    return elapsed, log.calls, failed


def _use(url: str) -> None:
    os.environ["DASHBOARD_DB_URL"] = url
    os.environ["DASHBOARD_TODAY"] = TODAY.isoformat()
    os.environ["DASHBOARD_PREWARM"] = "0"


def _clear_results() -> None:
    import streamlit as st

    st.cache_data.clear()


def _view(preset: str):
    return build_filters(preset, TODAY, DATA_DATE)


def measure(urls: dict[str, str], pages: list[str], repeats: int) -> dict:
    """{(engine, page, scenario): {"cold": [...], "warm": [...], "prewarmed": [...], "calls": [...]}}"""
    results: dict = defaultdict(lambda: defaultdict(list))
    for repeat in range(repeats):
        for scenario, preset in SCENARIOS.items():
            for page in pages:
                for engine, url in urls.items():  # interleaved: one engine after the other
                    _use(url)
                    cold, calls, failed = _visit(page, preset, before=_clear_results)
                    warm, _, _ = _visit(page, preset)

                    def warmed(url=url, preset=preset):
                        _clear_results()
                        prewarm.warm(url, views=[_view(preset)])

                    prewarmed, _, _ = _visit(page, preset, before=warmed)
                    entry = results[(engine, page, scenario)]
                    entry["cold"].append(cold)
                    entry["warm"].append(warm)
                    entry["prewarmed"].append(prewarmed)
                    entry["calls"] = calls
                    entry["failed"] = entry.get("failed", False) or failed
                    print(f"[{repeat + 1}/{repeats}] {engine:10} {page:22} {scenario}: cold {cold:.2f} "
                          f"warm {warm:.2f} pre-warmed {prewarmed:.2f}", flush=True)
    return results


class StatementLog:
    """The SQL statements (with parameters) an engine executes while active."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


def raw_floor(engine: str, url: str, call: tuple, repeats: int) -> tuple[float, float, int]:
    """(project seconds, raw-client seconds, statements) of one recorded query call, medians."""
    function, args, kwargs = call
    app_engine = cache.engine_for(url)
    project, raw = [], []
    statements: list = []
    for _ in range(repeats):
        with StatementLog(app_engine) as log, app_engine.connect() as conn:
            started = time.perf_counter()
            function(conn, *args, **kwargs)
            project.append(time.perf_counter() - started)
        statements = log.statements
        raw.append(_raw_run(engine, url, statements))
    return statistics.median(project), statistics.median(raw), len(statements)


def _raw_run(engine: str, url: str, statements: list) -> float:
    parsed = sa.engine.make_url(url)
    if engine == "sqlite":
        import sqlite3

        conn = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
    elif engine == "duckdb":
        import duckdb

        conn = duckdb.connect(parsed.database, read_only=True)  # shares the app's held instance
    else:
        import psycopg

        conn = psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database)
    started = time.perf_counter()
    try:
        for statement, parameters in statements:
            cursor = conn.cursor()
            cursor.execute(statement, parameters)
            cursor.fetchall()
    finally:
        elapsed = time.perf_counter() - started
        conn.close()
    return elapsed


CHROMIUM = "/usr/bin/chromium"


def concurrent_cold(url: str, sessions: int = 5) -> float | None:
    """Wall seconds for `sessions` browser sessions opening 监管总览 (上周) at the same moment on a
    freshly started streamlit server (empty cache, one process: what five leaders opening the
    link from the meeting invitation do). None when chromium or playwright is missing."""
    import asyncio
    import socket
    import subprocess
    import urllib.request

    if not Path(CHROMIUM).exists():
        return None
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DASHBOARD_DB_URL=url, DASHBOARD_TODAY=TODAY.isoformat(), DASHBOARD_PREWARM="0")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)

        async def main() -> float:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                pages = [await (await browser.new_context()).new_page() for _ in range(sessions)]

                async def one(page):
                    await page.goto(f"{base}/", wait_until="domcontentloaded")
                    await page.wait_for_selector('[data-testid="stMetric"]', timeout=600_000)
                    await page.wait_for_selector(
                        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=600_000
                    )

                started = time.perf_counter()
                await asyncio.gather(*(one(page) for page in pages))
                elapsed = time.perf_counter() - started
                await browser.close()
                return elapsed

        return asyncio.run(main())
    finally:
        server.terminate()
        server.wait(timeout=30)


def _table_counts(url: str) -> dict[str, int]:
    with cache.engine_for(url).connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in metadata.tables.values()}


def _versions() -> str:
    import duckdb
    import streamlit

    parts = [f"Python {platform.python_version()}", f"SQLAlchemy {sa.__version__}", f"streamlit {streamlit.__version__}",
             f"DuckDB {duckdb.__version__}", f"SQLite {__import__('sqlite3').sqlite_version}"]
    try:
        with sa.create_engine(PG_SERVER.rstrip("/") + "/postgres").connect() as conn:
            parts.append(conn.exec_driver_sql("SHOW server_version").scalar_one().split()[0].join(["PostgreSQL ", ""]))
    except Exception:  # noqa: BLE001 - no server: the engine is not benchmarked
        pass
    return " · ".join(parts)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def _load_reading(load_before: str) -> str:
    """What the load at the start (before the benchmark's own work) says about the figures: a
    1-minute average above the number of cores means other work shared the machine."""
    if float(load_before.split()[2]) > (os.cpu_count() or 1):
        return ("the machine was busy with other work, so absolute times are noisy; compare engines within a "
                "row (they are interleaved).")
    return "no other work of note; engines are interleaved, so compare within a row."


def report(args, urls: dict[str, str], results: dict, floors: list, concurrent: dict, full_warm: dict,
           load_before: str, load_after: str) -> str:
    engines = list(urls)
    med = statistics.median
    lines = [
        "# Benchmark results",
        "",
        f"Run on {date.today().isoformat()} · {platform.machine()} · {os.cpu_count()} cores · {_versions()} · "
        f"scale {args.scale:g} · data date {DATA_DATE} · median of {args.repeats}.",
        "",
        f"Machine load: {load_before} at the start, {load_after} at the end — " + _load_reading(load_before),
        "",
        "Command: `python -m bench.benchmark " + " ".join(sys.argv[1:]) + "`",
        "",
        "Rows: " + ", ".join(f"{name} {n:,}" for name, n in _table_counts(next(iter(urls.values()))).items()) + ".",
        "",
        "Seconds for the whole page script (queries, charts, rendering to the AppTest tree). cold = result "
        "cache empty; warm = the same page again; pre-warmed = cache emptied, then the pre-warm run for the "
        "view, then the page (上周 is a default view of the background pre-warm; 本年至今 is not, it is "
        "warmed here the same way to show the floor).",
        "",
        "| page | scenario | " + " | ".join(f"{e} cold / warm / pre-warmed" for e in engines) + " |",
        "|---|---|" + "---:|" * len(engines),
    ]
    for page in args.pages or _pages():
        for scenario in SCENARIOS:
            cells = []
            for engine in engines:
                entry = results.get((engine, page, scenario))
                if not entry:
                    cells.append("—")
                    continue
                flag = " ⚠" if entry.get("failed") else ""
                cells.append(f"{med(entry['cold']):.2f} / {med(entry['warm']):.2f} / {med(entry['prewarmed']):.2f}{flag}")
            lines.append(f"| {page.removeprefix('pages/').removesuffix('.py')} | {scenario} | " + " | ".join(cells) + " |")
    lines += ["", "Slowest queries on a cold page (seconds, last repeat):", "",
              "| query | " + " | ".join(engines) + " |", "|---|" + "---:|" * len(engines)]
    slowest: dict[str, dict[str, float]] = defaultdict(dict)
    for (engine, _page, _scenario), entry in results.items():
        for name, seconds, _rows_, _call in entry["calls"]:
            slowest[name][engine] = max(slowest[name].get(engine, 0.0), seconds)
    ranked = sorted(slowest.items(), key=lambda kv: -max(kv[1].values()))[:10]
    for name, by_engine in ranked:
        lines.append(f"| {name} | " + " | ".join(f"{by_engine.get(e, 0):.2f}" for e in engines) + " |")
    if floors:
        lines += ["", "Raw-client floor of the five slowest queries (本年至今·全市, medians): the project's time "
                  "through SQLAlchemy and pandas vs the same SQL and parameters run on the raw client "
                  "(sqlite3 / duckdb / psycopg) — what is left is the SQL and the engine.", "",
                  "| query | engine | project s | raw client s | statements |", "|---|---|---:|---:|---:|"]
        for query, engine, project, raw, statements in floors:
            lines.append(f"| {query} | {engine} | {project:.2f} | {raw:.2f} | {statements} |")
    if concurrent:
        lines += ["", "Five browser sessions opening 监管总览 (上周·全市) at once on a freshly started server "
                  "(cold cache, one process; includes the browser's own loading), wall seconds until all are drawn: "
                  + ", ".join(f"{e} {s:.2f}" for e, s in concurrent.items()) + "."]
    if full_warm:
        lines += ["", "One full pre-warm (every page's queries, dashboard/page_queries.json, for 上周 and 本月至今 × 全市 "
                  "and each county), "
                  "seconds, as the background thread runs it after a new data date: "
                  + ", ".join(f"{e} {s:.0f}" for e, s in full_warm.items()) + "."]
    return "\n".join(lines) + "\n"


KEPT_FROM = "<!-- briefing benchmark -->"
"""Where the sections written by other tools start in RESULTS.md (kept when the page tables are rewritten)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=3.0)
    parser.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", nargs="*", help="only these page files (default: every page)")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--skip-full-warm", action="store_true")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    urls = {engine: engine_url(engine, args.scale) for engine in args.engines}
    for engine, url in urls.items():
        ensure_database(engine, url, args.scale)
    load_before = _load()
    pages = args.pages or _pages()
    results = measure(urls, pages, args.repeats)
    floors = []
    if not args.skip_floor:
        slowest: dict[str, tuple[float, tuple]] = {}
        for (_engine, _page, scenario), entry in results.items():
            if scenario != "本年至今·全市":
                continue
            for name, seconds, _, call in entry["calls"]:
                if seconds > slowest.get(name, (0.0, None))[0]:
                    slowest[name] = (seconds, call)
        for query, (_, call) in sorted(slowest.items(), key=lambda kv: -kv[1][0])[:5]:
            for engine, url in urls.items():
                _use(url)
                project, raw, statements = raw_floor(engine, url, call, args.repeats)
                floors.append((query, engine, project, raw, statements))
                print(f"floor {query} {engine}: project {project:.2f} raw {raw:.2f}", flush=True)
    concurrent = {}
    for engine, url in urls.items():
        seconds = concurrent_cold(url)
        if seconds is not None:
            concurrent[engine] = seconds
            print(f"5 concurrent cold sessions {engine}: {seconds:.2f}", flush=True)
    full_warm = {}
    if not args.skip_full_warm:
        for engine, url in urls.items():
            _use(url)
            _clear_results()
            started = time.perf_counter()
            prewarm.warm(url)
            full_warm[engine] = time.perf_counter() - started
            print(f"full pre-warm {engine}: {full_warm[engine]:.0f} s", flush=True)
    text = report(args, urls, results, floors, concurrent, full_warm, load_before, _load())
    out = Path(args.out)
    # The other tools' sections (bench/briefing.py, the load test) follow the page tables: kept.
    kept = out.read_text(encoding="utf-8") if out.exists() else ""
    if KEPT_FROM in kept:
        text += "\n" + kept[kept.index(KEPT_FROM):]
    out.write_text(text, encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
