"""Benchmark: the full weekly briefing (PDF, Word and PowerPoint) on the demo database.

Cold = a fresh query runner and the first chart drawn (kaleido and its chromium start);
warm = the same briefing again in the same process (query results memoised, as the app's
cache holds them within its TTL; kaleido running). Target: warm ≤ 30 s.

    python -m bench.briefing                 # the demo database (data/demo.sqlite)
    python -m bench.briefing --url sqlite:///bench/province.sqlite

Writes its own section of bench/RESULTS.md (between the briefing markers; the rest is kept).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard import config  # noqa: E402
from dashboard.briefing import images  # noqa: E402
from dashboard.briefing.generate import render  # noqa: E402
from dashboard.briefing.runner import QueryRunner, load_context  # noqa: E402
from dashboard.briefing.topics import build_briefing  # noqa: E402

FORMATS = ("pdf", "docx", "pptx")
START, END = "<!-- briefing benchmark -->", "<!-- /briefing benchmark -->"


def timed_run(run, preset: str) -> dict[str, float]:
    """Seconds for the content (queries), then charts and each format, of one whole briefing."""
    times = {}
    started = time.perf_counter()
    ctx = load_context(run, preset)
    briefing = build_briefing(run, ctx)
    times["queries + content"] = time.perf_counter() - started
    mark = time.perf_counter()
    images.render_charts(briefing)
    times["charts (kaleido)"] = time.perf_counter() - mark
    for fmt in FORMATS:
        mark = time.perf_counter()
        render(briefing, (fmt,), "bench")
        times[fmt] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    return times


def section(url: str, preset: str, cold: dict, warm: dict) -> str:
    rows = "\n".join(f"| {step} | {cold[step]:.2f} | {warm[step]:.2f} |" for step in cold)
    verdict = "meets" if warm["total"] <= 30 else "MISSES"
    return (
        f"{START}\n## Weekly briefing (PDF + Word + PowerPoint)\n\n"
        f"Run on {time.strftime('%Y-%m-%d')} · {platform.machine()} · Python {platform.python_version()} · "
        f"`{url.split('://')[0]}` · preset `{preset}`. Command: `python -m bench.briefing`.\n\n"
        "Cold = fresh query runner, kaleido not yet started; warm = the same briefing again (queries memoised "
        "as in the app's cache, kaleido running). Charts are drawn once and shared by the three formats; "
        "the format rows time each format alone.\n\n"
        f"| step | cold s | warm s |\n|---|---:|---:|\n{rows}\n\n"
        f"Warm total {warm['total']:.1f} s — {verdict} the ≤ 30 s target.\n{END}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.briefing", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=config.database_url(), help="reporting database (default: the demo)")
    parser.add_argument("--preset", default="last_week")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    run = QueryRunner(args.url)
    try:
        cold = timed_run(run, args.preset)
        warm = timed_run(run, args.preset)
    finally:
        images.stop()
        run.close()
    text = section(args.url, args.preset, cold, warm)
    print(text)
    old = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    if START in old and END in old:
        old = old[: old.index(START)] + old[old.index(END) + len(END) + 1:]
    args.results.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
