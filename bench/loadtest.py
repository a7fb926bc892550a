"""Load test: N concurrent sessions open every page of a running dashboard.

    python3 -m bench.loadtest --url http://127.0.0.1:8501 --sessions 25 [--rounds 1] [--think 3] [--markdown]
    python3 -m bench.loadtest --client browser --sessions 5      # real Chromium tabs instead

Each session is its own Streamlit session and opens the six pages in turn, each session starting
at a different page so that the pages are asked for at the same time, pausing `--think` seconds
on average (uniformly 0–2×) between pages as a reader would.

Two clients:
- `ws` (the default): each session speaks Streamlit's own websocket protocol, as the browser
  does — it connects to /_stcore/stream, asks for a page with a `rerun_script` message (the
  page's script hash from the server's navigation message, the query string of a fresh visit)
  and reads the server's messages until the run's `script_finished`. This is the server's
  side of a page load (every query, chart and element the page sends) without the cost of
  drawing it, so 25 sessions can be driven from the same 2-core machine as the server.
- `browser`: each session is a Chromium context of Debian's /usr/bin/chromium (playwright;
  nothing is downloaded), ready at `data-test-script-state="notRunning"` — what a user waits
  for including drawing, but the browsers then compete with the server for the CPU.

A page is ready when its run finished; an error is an exception box (or, counted separately,
a page whose run showed an error sentence), a run that did not finish within --timeout
seconds, or a lost connection. Prints p50 / p95 / max page-ready time per page and overall and
the errors; --markdown prints the table for bench/RESULTS.md.

Not a test: it measures a server (start it with ./run.sh or `streamlit run streamlit_app.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass

from dashboard.session_client import connect, page_run, wait_until_up

CHROMIUM = "/usr/bin/chromium"
PAGES = ["", "credit_risk", "inspections", "lists", "revisits", "penalties"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass
class Visit:
    page: str
    seconds: float | None
    error: str | None
    alerts: int = 0  # error sentences (st.error) the page showed


def _order(index: int) -> list[str]:
    return PAGES[index % len(PAGES):] + PAGES[: index % len(PAGES)]


async def _think(seconds: float) -> None:
    if seconds > 0:
        await asyncio.sleep(random.uniform(0, 2 * seconds))


async def _ws_session(base: str, index: int, rounds: int, timeout_s: float, think: float, visits: list[Visit]) -> None:
    try:
        async with connect(base, timeout_s) as ws:
            hashes: dict[str, str] = {}
            for _ in range(rounds):
                for name in _order(index):
                    started = time.monotonic()
                    try:
                        exceptions, alerts, pages = await page_run(ws, hashes.get(name, ""), name, "", timeout_s)
                        hashes = pages or hashes
                        visits.append(Visit(name or "overview", time.monotonic() - started,
                                            "exception on page" if exceptions else None, alerts))
                    except (TimeoutError, asyncio.TimeoutError):
                        visits.append(Visit(name or "overview", None, "TimeoutError"))
                        return  # the connection is mid-run: this session is over
                    await _think(think)
    except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is an error of every page left
        visits.append(Visit("connection", None, type(exc).__name__))


# --- the browser client ---------------------------------------------------------------------------


async def _browser_session(browser, base: str, index: int, rounds: int, timeout_s: float, think: float,
                           visits: list[Visit]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = await context.new_page()
    for _ in range(rounds):
        for name in _order(index):
            started = time.monotonic()
            try:
                await page.goto(f"{base}/{name}", wait_until="domcontentloaded", timeout=timeout_s * 1000)
                # the first state seen after a navigation can be the previous page's: wait for a
                # run to start, then to finish
                try:
                    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=5000)
                except Exception:  # noqa: BLE001 - a fast run may already be over
                    pass
                remaining = max(timeout_s - (time.monotonic() - started), 1)
                await page.wait_for_selector(READY, timeout=remaining * 1000)
                seconds = time.monotonic() - started
                failed = await page.locator('[data-testid="stException"]').count()
                alerts = await page.locator('[data-testid="stAlertContentError"]').count()
                visits.append(Visit(name or "overview", seconds, "exception on page" if failed else None, alerts))
            except Exception as exc:  # noqa: BLE001 - a timeout or a navigation failure is an error
                visits.append(Visit(name or "overview", None, type(exc).__name__))
            await _think(think)
    await context.close()


async def run(base: str, sessions: int, rounds: int, timeout_s: float, think: float = 0.0, client: str = "ws") -> list[Visit]:
    visits: list[Visit] = []
    if client == "ws":
        await asyncio.gather(*(_ws_session(base, i, rounds, timeout_s, think, visits) for i in range(sessions)))
        return visits
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        await asyncio.gather(*(_browser_session(browser, base, i, rounds, timeout_s, think, visits) for i in range(sessions)))
        await browser.close()
    return visits


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(visits: list[Visit]) -> list[tuple[str, int, int, int, str, str, str]]:
    """(page, loads, errors, pages with an error sentence, p50, p95, max) per page and for all pages."""
    rows = []
    names = [p or "overview" for p in PAGES] + (["connection"] if any(v.page == "connection" for v in visits) else [])
    for name in names + ["ALL"]:
        chosen = [v for v in visits if name == "ALL" or v.page == name]
        times = [v.seconds for v in chosen if v.seconds is not None and v.error is None]
        errors = sum(1 for v in chosen if v.error)
        alerted = sum(1 for v in chosen if v.alerts)
        fmt = (lambda x: f"{x:.2f}") if times else (lambda x: "—")
        rows.append((name, len(chosen), errors, alerted,
                     fmt(statistics.median(times) if times else 0), fmt(percentile(times, 95) if times else 0),
                     fmt(max(times) if times else 0)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a session reads a page before the next")
    parser.add_argument("--client", choices=("ws", "browser"), default="ws")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)
    wait_until_up(args.url.rstrip("/"), args.timeout)
    started = time.monotonic()
    visits = asyncio.run(run(args.url.rstrip("/"), args.sessions, args.rounds, args.timeout, args.think, args.client))
    wall = time.monotonic() - started
    rows = summary(visits)
    kinds = sorted({v.error for v in visits if v.error})
    heading = (f"{args.sessions} sessions × {args.rounds} round(s) × {len(PAGES)} pages, client {args.client}, "
               f"think {args.think:g} s, wall {wall:.0f} s")
    if args.markdown:
        print(heading)
        print()
        print("| page | loads | errors | with error sentence | p50 s | p95 s | max s |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print("| " + " | ".join(str(c) for c in row) + " |")
        if kinds:
            print(f"\nerrors: {', '.join(kinds)}")
    else:
        print(heading)
        print(f"{'page':<12}{'loads':>6}{'errors':>7}{'alerts':>7}{'p50':>7}{'p95':>7}{'max':>7}")
        for row in rows:
            print(f"{row[0]:<12}{row[1]:>6}{row[2]:>7}{row[3]:>7}{row[4]:>7}{row[5]:>7}{row[6]:>7}")
        if kinds:
            print(f"errors: {', '.join(kinds)}")


if __name__ == "__main__":
    main()
