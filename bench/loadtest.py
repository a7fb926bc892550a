"""Load test: N concurrent browser sessions open every page of a running dashboard.

    python3 -m bench.loadtest --url http://127.0.0.1:8501 --sessions 25 [--rounds 1] [--markdown]

Each session is its own Chromium context (its own cookies and Streamlit session) and opens the
six pages in turn, each session starting at a different page so that the pages are asked for
at the same time. A page is ready when Streamlit reports its script finished
(`data-test-script-state="notRunning"`) after the navigation; an error is an exception box on
the page or a page not ready within --timeout seconds. Prints p50 / p95 / max page-ready time
per page and overall and the errors; --markdown prints the table for bench/RESULTS.md.

Not a test: it measures a server (start it with ./run.sh or `streamlit run streamlit_app.py`).
Chromium is Debian's /usr/bin/chromium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

CHROMIUM = "/usr/bin/chromium"
PAGES = ["", "credit_risk", "inspections", "lists", "revisits", "penalties"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass
class Visit:
    page: str
    seconds: float | None
    error: str | None


async def _session(browser, base: str, index: int, rounds: int, timeout_s: float, visits: list[Visit]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = await context.new_page()
    order = PAGES[index % len(PAGES):] + PAGES[: index % len(PAGES)]
    for _ in range(rounds):
        for name in order:
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
                visits.append(Visit(name or "overview", seconds, "exception on page" if failed else None))
            except Exception as exc:  # noqa: BLE001 - a timeout or a navigation failure is an error
                visits.append(Visit(name or "overview", None, type(exc).__name__))
    await context.close()


async def run(base: str, sessions: int, rounds: int, timeout_s: float) -> list[Visit]:
    from playwright.async_api import async_playwright

    visits: list[Visit] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        await asyncio.gather(*(_session(browser, base, i, rounds, timeout_s, visits) for i in range(sessions)))
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


def summary(visits: list[Visit]) -> list[tuple[str, int, int, str, str, str]]:
    """(page, loads, errors, p50, p95, max) per page and for all pages."""
    rows = []
    for name in [p or "overview" for p in PAGES] + ["ALL"]:
        chosen = [v for v in visits if name == "ALL" or v.page == name]
        times = [v.seconds for v in chosen if v.seconds is not None and v.error is None]
        errors = sum(1 for v in chosen if v.error)
        fmt = (lambda x: f"{x:.1f}") if times else (lambda x: "—")
        rows.append((name, len(chosen), errors,
                     fmt(statistics.median(times) if times else 0), fmt(percentile(times, 95) if times else 0),
                     fmt(max(times) if times else 0)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    visits = asyncio.run(run(args.url.rstrip("/"), args.sessions, args.rounds, args.timeout))
    wall = time.monotonic() - started
    rows = summary(visits)
    kinds = sorted({v.error for v in visits if v.error})
    if args.markdown:
        print(f"{args.sessions} sessions × {args.rounds} round(s) × {len(PAGES)} pages, wall {wall:.0f} s")
        print()
        print("| page | loads | errors | p50 s | p95 s | max s |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in rows:
            print("| " + " | ".join(str(c) for c in row) + " |")
        if kinds:
            print(f"\nerrors: {', '.join(kinds)}")
    else:
        print(f"{'page':<12}{'loads':>6}{'errors':>7}{'p50':>7}{'p95':>7}{'max':>7}")
        for row in rows:
            print(f"{row[0]:<12}{row[1]:>6}{row[2]:>7}{row[3]:>7}{row[4]:>7}{row[5]:>7}")
        print(f"wall {wall:.0f} s" + (f"; errors: {', '.join(kinds)}" if kinds else ""))


if __name__ == "__main__":
    main()
