"""Writes the per-figure tables of docs/metrics.md from the metric registry (queries/metrics.py).

The prose of docs/metrics.md (period rules, comparisons, each topic's definitions) is written by
hand; the tables between the markers

    <!-- BEGIN generated: figures page=<page> -->  …  <!-- END generated -->
    <!-- BEGIN generated: targets -->  …  <!-- END generated -->

are this script's output, one table per page of `queries.metrics.PAGES`. After changing the
registry, run

    python3 -m scripts.metrics_doc            # rewrites docs/metrics.md
    python3 -m scripts.metrics_doc --check    # exit 1 when the file is out of step (what the test does)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from dashboard.config import Targets
from queries.metrics import DIRECTIONS, METRICS, PAGES, RISE_BAD, RISE_GOOD, Metric, target_metrics

DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
COMMAND = "python3 -m scripts.metrics_doc"

BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<what>[^>]*?) -->\n)(?P<body>.*?)(<!-- END generated -->)", re.S)

DIRECTION_WORDS = {
    RISE_GOOD: f"{DIRECTIONS[RISE_GOOD]} rise is good",
    RISE_BAD: f"{DIRECTIONS[RISE_BAD]} rise is bad",
}
NEUTRAL_WORDS = "中性 neutral"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g} %"


def _target(metric: Metric) -> str:
    if not metric.target:
        return ""
    value = getattr(Targets(), metric.target)
    return _percent(value) if value >= 1 else f"≥ {_percent(value)}"


def _figure_row(metric: Metric) -> str:
    label = metric.label if metric.short == metric.label else f"{metric.label}（简称 {metric.short}）"
    unit = f"%（{metric.count_unit}）" if metric.kind == "rate" else metric.unit
    parts = f"`{metric.numerator}` / `{metric.denominator}`" if metric.kind == "rate" else ""
    cells = [
        f"`{metric.code}`",
        f"{label}<br>{metric.english}" if metric.english else label,
        unit,
        DIRECTION_WORDS.get(metric.direction, NEUTRAL_WORDS),
        _target(metric),
        metric.caliber,
        parts,
    ]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def figures_table(page: str) -> str:
    """The markdown table of every registered figure on `page`, in registry order."""
    metrics = [m for m in METRICS.values() if m.page == page]
    if not metrics:
        return f"（注册表中暂无本页的指标 · no figure of this page is in the registry yet）\n"
    lines = [
        "| 代码 code | 指标 figure | 单位 unit | 方向 direction | 目标 target | 口径 definition | 分子 / 分母 numerator / denominator |",
        "|---|---|---|---|---|---|---|",
        *(_figure_row(m) for m in metrics),
    ]
    return "\n".join(lines) + "\n"


def targets_table() -> str:
    """The figures with a target, their default and the setting that overrides it."""
    lines = [
        "| 指标 figure | 页面 page | 默认目标 default | 设置 setting |",
        "|---|---|---|---|",
    ]
    for metric in target_metrics():
        lines.append("| " + " | ".join(_cell(cell) for cell in (
            f"{metric.label} {metric.english}",
            metric.page_label,
            _target(metric),
            f"`DASHBOARD_TARGET_{metric.target.upper()}`",
        )) + " |")
    return "\n".join(lines) + "\n"


def _generate(what: str) -> str:
    if what == "targets":
        return targets_table()
    page = what.removeprefix("figures page=")
    if not what.startswith("figures page=") or page not in PAGES:
        raise ValueError(f"docs/metrics.md: unknown generated block {what!r}")
    return figures_table(page)


def render(text: str) -> str:
    """`text` with every generated block rewritten from the registry.

    Raises ValueError when a page of the registry has no block (a new page needs its own
    hand-written section, with a block under it).
    """
    found = {match.group("what") for match in BLOCK.finditer(text)}
    missing = [page for page in PAGES if f"figures page={page}" not in found]
    if "targets" not in found:
        missing.append("targets")
    if missing:
        raise ValueError(
            "docs/metrics.md has no generated block for " + ", ".join(missing)
            + ": add `<!-- BEGIN generated: figures page=NAME -->` … `<!-- END generated -->` under its section"
        )
    return BLOCK.sub(lambda m: m.group(1) + _generate(m.group("what")) + m.group(4), text)


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    rendered = render(text)
    if "--check" in argv[1:]:
        if rendered != text:
            print(f"docs/metrics.md is out of step with queries/metrics.py: run `{COMMAND}`")
            return 1
        return 0
    if rendered != text:
        DOC.write_text(rendered, encoding="utf-8")
        print("docs/metrics.md rewritten from the registry")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
