"""需关注: which target figures are below target, where, and by how much (metrics.md "Targets").

Pure logic, no streamlit and no SQL: the topic modules' per-region numerator/denominator frames
go in (`target_parts`), the ordered attention list comes out (`attention`), one `FigureStatus`
per target figure in the order of metrics.md, each holding its `AttentionItem`s.

Who is listed: the city total (when all counties are shown) and each county; when exactly one
county is chosen, that county's total and then each of its offices; under an office filter,
the office alone (the scope's total is the office's). Never 其他, never a "—" (zero denominator).
Below target is judged on the exact rate, numerator < target × denominator, in exact
fractions (a binary float of the target must not tip 900/1000 against 90 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from dashboard.config import small_sample_below
from dashboard.format import fmt_count, fmt_pct, fmt_rate, round_half_away
from dashboard.i18n import ALL_REGIONS, region_name
from queries.periods import Filters
from queries.common import OTHER, TOTAL
from queries.metrics import Metric, target_metrics

PARTS_COLUMNS = ["region_code", "metric", "numerator", "denominator"]


FIGURES: tuple[Metric, ...] = target_metrics()
"""The target figures (registry entries) in the order the 需关注 list shows them."""


def _parts_columns(page: str) -> dict[str, tuple[str, str]]:
    """Target figure code → its (numerator, denominator) columns, for the figures of `page`."""
    return {m.code: (m.numerator, m.denominator) for m in FIGURES if m.page == page}


def _exact(target: float) -> Fraction:
    """The target as the decimal fraction it was written as (0.9 → 9/10, not the binary float)."""
    return Fraction(Decimal(str(target)))


def target_text(target: float) -> str:
    """目标≥90.0% (目标100.0% for a target of 100 %)."""
    return f"目标{'' if target >= 1 else '≥'}{fmt_pct(target)}"


@dataclass(frozen=True)
class AttentionItem:
    """One region whose exact value of one figure is below target."""

    figure: Metric
    label: str
    """The figure's label as shown (e.g. with the report year)."""
    region_code: str
    region_name: str
    numerator: int
    denominator: int
    target: float
    small_sample: bool = False
    """Fewer cases than the small-sample setting: listed after the others, and said so."""

    @property
    def gap(self) -> Fraction:
        """target − value, exact (positive for every listed item)."""
        return _exact(self.target) - Fraction(self.numerator, self.denominator)

    @property
    def gap_text(self) -> str:
        """差20.0个百分点; 差不足0.1个百分点 when the gap rounds to zero."""
        points = round_half_away(Decimal(self.gap.numerator) * 100 / Decimal(self.gap.denominator), 1)
        return f"差{points}个百分点" if points > 0 else "差不足0.1个百分点"

    @property
    def value_text(self) -> str:
        """80.0%（4/5户）."""
        counts = f"{fmt_count(self.numerator)}/{fmt_count(self.denominator)}{self.figure.count_unit}"
        return f"{fmt_rate(self.numerator, self.denominator)}（{counts}）"

    @property
    def line(self) -> str:
        """The item under its figure's heading: 开鲁县 80.0%（4/5户），差20.0个百分点."""
        return f"{self.region_name} {self.value_text}，{self.gap_text}{self.sample_text}"

    @property
    def sample_text(self) -> str:
        """（样本少，仅供参考） for a small sample, else ""."""
        return "（样本少，仅供参考）" if self.small_sample else ""

    @property
    def sentence(self) -> str:
        """The item on its own (for the briefing): 开鲁县到期任务完成率80.0%（4/5户），低于目标100.0%，
        差20.0个百分点，请打开“双随机、一公开抽查”页查看。"""
        return (
            f"{self.region_name}{self.label}{self.value_text}，低于{target_text(self.target).replace('≥', '')}，"
            f"{self.gap_text}{self.sample_text}，请打开“{self.figure.page_label}”页查看。"
        )


@dataclass(frozen=True)
class FigureStatus:
    """One target figure: whether it could be read, how many listed regions have a value, and
    the items below target (total first, then by gap, largest first)."""

    figure: Metric
    label: str
    target: float
    available: bool
    judged_count: int
    items: tuple[AttentionItem, ...]

    @property
    def state(self) -> str:
        """unavailable (its source failed), no_data (every value is "—"), below or met."""
        if not self.available:
            return "unavailable"
        if self.items:
            return "below"
        return "met" if self.judged_count else "no_data"


def _long(frame: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A wide frame (one row per region) as PARTS_COLUMNS rows, one per metric of `columns`."""
    return pd.concat(
        [
            pd.DataFrame({"region_code": frame["region_code"], "metric": metric,
                          "numerator": frame[num], "denominator": frame[den]})
            for metric, (num, den) in columns.items()
        ],
        ignore_index=True,
    )


def target_parts(
    inspection: pd.DataFrame | None = None,
    revisit: pd.DataFrame | None = None,
    annual: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per region and target metric. region_code (TOTAL for the scope), metric,
    numerator, denominator.

    `inspection` is queries.inspections.targets_by_region, `revisit` queries.revisits.
    revisit_targets, `annual` queries.annual_reports.annual_report_rate_parts; a source that
    could not be read is None and its metrics are absent (their figures become "unavailable").
    """
    frames = []
    if inspection is not None:
        frames.append(inspection[PARTS_COLUMNS])
    if revisit is not None:
        frames.append(_long(revisit, _parts_columns("revisits")))
    if annual is not None:
        frames.append(_long(annual, _parts_columns("lists")))
    if not frames:
        return pd.DataFrame(columns=PARTS_COLUMNS)
    parts = pd.concat(frames, ignore_index=True)
    return parts.astype({"numerator": "int64", "denominator": "int64"})


def scope_phrase(f: Filters, names: dict[str, str]) -> str:
    """Who the list covers: 全市及各旗县市区 / 科尔沁区及其各监管所 / 所选旗县市区 / the office."""
    if f.office:
        return names.get(f.office, f.office)
    if f.by_office:
        return f"{names.get(f.counties[0], f.counties[0])}及其各监管所"
    return "所选各旗县市区" if f.counties else f"{ALL_REGIONS}及各旗县市区"


def _listed_name(code: str, f: Filters, names: dict[str, str]) -> str | None:
    """The name a region row is listed under, or None when it is never listed."""
    if code == TOTAL:
        if f.office:
            return names.get(f.office, f.office)
        if f.by_office:
            return names.get(f.counties[0], f.counties[0])
        return None if f.counties else ALL_REGIONS
    if code == OTHER or f.office:  # under an office filter the total is the office itself
        return None
    return region_name(code, names)


def _status(
    figure: Metric, label: str, rows: pd.DataFrame, target: float, f: Filters, names: dict[str, str],
    small_below: int,
) -> FigureStatus:
    """`figure`'s rows judged: the listed regions with a value, and those below target in order:
    the scope's total, then by gap; a region with fewer than `small_below` cases after the rest."""
    order = {code: i for i, code in enumerate(names)}
    judged, items = 0, []
    for row in rows.itertuples(index=False):
        name = _listed_name(row.region_code, f, names)
        if name is None or not row.denominator:
            continue
        judged += 1
        if row.numerator < _exact(target) * row.denominator:
            items.append(AttentionItem(
                figure, label, row.region_code, name, int(row.numerator), int(row.denominator), target,
                small_sample=int(row.denominator) < small_below,
            ))
    items.sort(key=lambda i: (i.region_code != TOTAL, i.small_sample, -i.gap, order.get(i.region_code, len(order)),
                              i.region_code))
    return FigureStatus(figure, label, target, True, judged, tuple(items))


def attention(
    parts: pd.DataFrame, targets, f: Filters, names: dict[str, str], labels: dict[str, str] | None = None,
    small_below: int | None = None,
) -> list[FigureStatus]:
    """One FigureStatus per figure of FIGURES, in that order.

    `parts` comes from `target_parts`; `targets` is config.targets(); `names` maps region codes
    to names in display order (ties in gap keep that order); `labels` overrides a figure's label
    (e.g. 2025年度年报公示率); `small_below` is the small-sample setting (config's by default).
    """
    if small_below is None:
        small_below = small_sample_below()
    statuses = []
    for figure in FIGURES:
        label = (labels or {}).get(figure.code, figure.label)
        target = getattr(targets, figure.target)
        rows = parts[parts["metric"] == figure.code]
        if rows.empty:  # its source could not be read (every source has a TOTAL row)
            statuses.append(FigureStatus(figure, label, target, False, 0, ()))
        else:
            statuses.append(_status(figure, label, rows, target, f, names, small_below))
    return statuses


def others_sentence(statuses: list[FigureStatus], f: Filters, names: dict[str, str]) -> str:
    """The figures not below target in one sentence: met, without data ("—"), not readable.

    When nothing is below target this is the whole list's one sentence, naming the scope
    (全市及各旗县市区的……均达标。); otherwise it follows the items ("" when every figure is below).
    """
    met = [s.label for s in statuses if s.state == "met"]
    without = [s.label for s in statuses if s.state == "no_data"]
    unavailable = [s.label for s in statuses if s.state == "unavailable"]
    words = []
    if met:
        scope = "" if any(s.items for s in statuses) else f"{scope_phrase(f, names)}的"
        words.append(f"{scope}{'、'.join(met)}均达标。")
    if without:
        words.append(f"{'、'.join(without)}本期无数据（“—”），无从判断。")
    if unavailable:
        words.append(f"{'、'.join(unavailable)}未能读取，见上方提示。")
    return "".join(words)
