"""Benchmark: every page on a province-sized database, cold and warm, with every query timed.

Runs the real pages under streamlit's AppTest (so it measures exactly what a page asks the
database for), with `dashboard.cache.run` wrapped to record each query's time and the rows it
transfers. Cold = empty result cache (what the first leader of the morning waits for);
warm = the same page again within the cache TTL.

    python -m bench.benchmark                      # scale 6 SQLite (~190万 live entities), builds it once
    python -m bench.benchmark --scale 1            # the demo size
    python -m bench.benchmark --url postgresql+psycopg://postgres@127.0.0.1:5432/bench --generate

Writes bench/RESULTS.md (the latest results live in the repo).
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

from dashboard import cache  # noqa: E402
from queries.schema import metadata  # noqa: E402

DATA_DATE = date(2026, 11, 22)
SCENARIOS = {
    "上周·全市": {},
    "本年至今·全市": {"preset": "year_to_date"},
    "上周·科尔沁区（按监管所）": {"county": "150502"},
}


def _pages() -> list[str]:
    entry = (REPO / "streamlit_app.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\("(pages/\w+\.py)"', entry)


class QueryLog:
    """Wraps dashboard.cache.run: records (query, seconds, rows transferred) per call."""

    def __init__(self):
        self.calls: list[tuple[str, float, int]] = []
        self._original = cache.run

    def __enter__(self):
        def timed(function, *args, **kwargs):
            started = time.perf_counter()
            result = self._original(function, *args, **kwargs)
            self.calls.append((f"{function.__module__.split('.')[-1]}.{function.__name__}",
                               time.perf_counter() - started, _rows(result)))
            return result

        cache.run = timed
        return self

    def __exit__(self, *exc):
        cache.run = self._original


def _rows(result) -> int:
    if isinstance(result, pd.DataFrame):
        return len(result)
    for attribute in ("rows", "frame", "items"):
        inner = getattr(result, attribute, None)
        if isinstance(inner, pd.DataFrame):
            return len(inner)
    return 1


def _run_page(page: str, params: dict, cold: bool) -> tuple[float, list, bool]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=600)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # the entry script renders the default page first
    if cold:
        st.cache_data.clear()
    with QueryLog() as log:
        started = time.perf_counter()
        at.switch_page(page)
        at.run()
        elapsed = time.perf_counter() - started
    return elapsed, log.calls, bool(at.exception) or bool(at.error and any("失败" in e.value for e in at.error))


def _table_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in metadata.tables.values()}
    engine.dispose()
    return counts


def benchmark(url: str, repeats: int, pages: list[str] | None = None) -> str:
    os.environ["DASHBOARD_DB_URL"] = url
    os.environ["DASHBOARD_TODAY"] = (DATA_DATE + timedelta(days=1)).isoformat()
    counts = _table_counts(url)
    lines = [
        "# Benchmark results",
        "",
        f"Run on {date.today().isoformat()} · {platform.machine()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · database `{sa.engine.make_url(url).get_backend_name()}` · "
        f"data date {DATA_DATE}.",
        "",
        "Command: `python -m bench.benchmark " + " ".join(sys.argv[1:]) + "`",
        "",
        "Rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()) + ".",
        "",
        "Cold = result cache cleared (engine kept); warm = the same page again within the TTL. "
        f"Times are the median of {repeats} runs of the whole page script (queries, charts, rendering "
        "to the AppTest tree), in seconds. Rows = rows transferred from the database for the page.",
        "",
        "| page | scenario | cold s | warm s | queries | rows transferred | slowest query (s) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    slowest_overall: dict[str, float] = defaultdict(float)
    for page in pages or _pages():
        for scenario, params in SCENARIOS.items():
            cold_times, warm_times, calls = [], [], []
            failed = False
            for _ in range(repeats):
                elapsed, calls, bad = _run_page(page, params, cold=True)
                cold_times.append(elapsed)
                failed |= bad
                elapsed_warm, _, _ = _run_page(page, params, cold=False)
                warm_times.append(elapsed_warm)
            worst = max(calls, key=lambda c: c[1]) if calls else ("—", 0.0, 0)
            for name, seconds, _ in calls:
                slowest_overall[name] = max(slowest_overall[name], seconds)
            lines.append(
                f"| {page} | {scenario} | {statistics.median(cold_times):.2f} | {statistics.median(warm_times):.2f} "
                f"| {len(calls)} | {sum(c[2] for c in calls):,} | {worst[0]} ({worst[1]:.2f})"
                f"{' ⚠ error shown' if failed else ''} |"
            )
            print(lines[-1], flush=True)
    lines += ["", "Slowest single queries (cold, any scenario):", "", "| query | s |", "|---|---:|"]
    for name, seconds in sorted(slowest_overall.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"| {name} | {seconds:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=6.0)
    parser.add_argument("--url", help="benchmark this database (default: bench/bench-scale<S>.sqlite)")
    parser.add_argument("--generate", action="store_true", help="(re)generate the data into --url first")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--pages", nargs="*", help="only these page files (default: every page)")
    args = parser.parse_args()
    from data import demo

    url = args.url
    if url is None:
        path = REPO / "bench" / f"bench-scale{args.scale:g}.sqlite"
        url = f"sqlite:///{path}"
        if not path.exists():
            args.generate = True
    if args.generate:
        started = time.perf_counter()
        demo.generate(url, scale=args.scale, data_date=DATA_DATE)
        print(f"generated scale {args.scale:g} in {time.perf_counter() - started:.0f} s", flush=True)
    report = benchmark(url, args.repeats, args.pages)
    Path(args.out).write_text(report, encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
