"""The briefing's content, assembled from the same query functions and chart builders as the pages.

`build(run, ctx)` returns a `Briefing`: cover line, the 本期综述 paragraph, 需关注, then one
`Topic` per page with its headline figures (value, comparison, target verdict), its charts
(a plotly figure, and for bar/line charts the numbers for a native PowerPoint chart) and its
口径. `run` is `QueryRunner` (command line) or `dashboard.cache.run` (app); nothing here
touches streamlit or SQL, and no figure is recomputed: values, changes and verdicts come from
the query results through dashboard.format, labels, units, directions and 口径 from the
metric registry (queries/metrics.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import attention as att
from dashboard.config import small_sample_below
from dashboard.filters import comparison_phrase, describe
from dashboard.format import fmt_count, fmt_date, fmt_range, fmt_rate, fmt_wan, rate_change_pp, round_half_away, to_wan
from queries.common import TOTAL, meets_target
from queries.metrics import RISE_BAD, metric
from queries.periods import Filters

TOPIC_ORDER = ("inspections", "lists", "credit_risk", "revisits", "penalties")
"""Topics in the overview's order (the 本期综述 paragraph follows it)."""


@dataclass(frozen=True)
class Context:
    """What a briefing is for; the same fields as dashboard.ui.PageContext, so a page's ctx fits."""

    filters: Filters
    names: dict
    regions: pd.DataFrame
    data_date: date
    bureau_name: str


@dataclass(frozen=True)
class Headline:
    """One headline figure as the page's card shows it."""

    code: str
    label: str
    value_text: str
    change_text: str
    """较上周提高6.0个百分点 / 较上周增加3条 / 与上周持平 / "" (no comparison)."""
    verdict: str = ""
    """达标 / 未达标 (with the target) for a figure with a target and a value, else ""."""
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class NativeChart:
    """The numbers of a bar or line chart, for an editable PowerPoint chart."""

    kind: str  # "bar" (horizontal), "column" or "line"
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    number_format: str
    """Excel number format of the values: 0.0"%" for rates, #,##0 for counts, 0.00 for 万元."""


@dataclass
class Chart:
    key: str
    title: str
    footnote: str
    figure: go.Figure
    native: NativeChart | None = None
    is_map: bool = False
    png: bytes | None = None
    """Filled in by images.render_charts (2× scale)."""


@dataclass
class Topic:
    key: str
    title: str
    sentence: str
    headlines: list[Headline]
    charts: list[Chart] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    calibers: list[str] = field(default_factory=list)


@dataclass
class Briefing:
    bureau: str
    kind: str
    """监管周报 / 监管月报 / 监管季报 / 监管简报."""
    period_title: str
    filter_sentence: str
    as_of_text: str
    lead: str
    """The words the 本期综述 paragraph starts with: 本周全市 / 本月科尔沁区 …"""
    topics: list[Topic]
    attention: list[att.FigureStatus]
    attention_rest: str

    @property
    def summary(self) -> str:
        return summary_paragraph(self.lead, self.topics)

    @property
    def stamp(self) -> str:
        """The line every page and image carries (page x/y is added by each format)."""
        return f"{self.bureau}｜{self.filter_sentence}｜数据截至{self.as_of_text}"


def summary_paragraph(lead: str, topics: list[Topic]) -> str:
    """本期综述: the lead words, then one sentence per topic."""
    return lead + "".join(t.sentence for t in topics)


# --- words -----------------------------------------------------------------------------------

def goal_words(target: float) -> str:
    """A target as a briefing writes it: 70%, 95%, 100%, 30.5%."""
    return f"{round_half_away(target * 100, 1).normalize():f}%"


def period_words(f: Filters) -> str:
    """本周 / 本月 / 本季度 / 本年 / the dates, as the paragraph opens."""
    preset = f.effective_preset or f.preset
    for prefix, word in (("week", "本周"), ("last_week", "本周"), ("month", "本月"), ("last_month", "本月"),
                         ("quarter", "本季度"), ("last_quarter", "本季度"), ("year", "本年")):
        if preset.startswith(prefix):
            return word
    return fmt_range(f.period.start, f.period.as_of) + "，"


def kind_and_title(f: Filters) -> tuple[str, str]:
    """(监管周报, 2026年第47周（11月16日—22日）) and the like for the cover line."""
    p, preset = f.period, f.effective_preset or f.preset
    if preset in ("last_week", "week_to_date"):
        year, week, _ = p.start.isocalendar()
        end = p.as_of if not p.is_complete else p.end
        days = f"{p.start.month}月{p.start.day}日—" + (f"{end.month}月{end.day}日" if end.month != p.start.month else f"{end.day}日")
        return "监管周报", f"{year}年第{week}周（{days}）"
    if preset in ("last_month", "month_to_date"):
        return "监管月报", f"{p.start.year}年{p.start.month}月"
    if preset in ("last_quarter", "quarter_to_date"):
        return "监管季报", f"{p.start.year}年第{(p.start.month - 1) // 3 + 1}季度"
    return "监管简报", fmt_range(p.start, p.end)


def _rate_change(points, phrase: str) -> str:
    if points is None:
        return ""
    shown = round_half_away(points, 1)
    if shown == 0:
        return f"与{phrase.removeprefix('较')}持平"
    return f"{phrase}{'提高' if shown > 0 else '降低'}{abs(shown)}个百分点"


def _amount_change(change, unit: str, phrase: str, text) -> str:
    if change is None:
        return ""
    if change == 0:
        return f"与{phrase.removeprefix('较')}持平"
    return f"{phrase}{'增加' if change > 0 else '减少'}{text(abs(change))}{unit}"


def rate_headline(code: str, num: int, den: int, q_num, q_den, f: Filters, target: float | None = None,
                  label: str | None = None) -> Headline:
    m = metric(code)
    points = rate_change_pp(num, den, q_num, q_den) if q_den is not None else None
    value, verdict = fmt_rate(num, den), ""
    if is_small_sample(den):  # as the page's card: the fraction shown, no verdict
        value += f"（{fmt_count(num)}/{fmt_count(den)}{m.count_unit}）"
        verdict = "样本少，不判断达标" if target is not None else ""
    elif target is not None and den:
        verdict = ("达标" if meets_target(num, den, target) else "未达标") + f"（{att.target_text(target)}）"
    return Headline(code, label or m.label, value, _rate_change(points, comparison_phrase(f)),
                    verdict, int(num), int(den))


def is_small_sample(den) -> bool:
    """Fewer cases than the small-sample setting (as dashboard.ui.is_small_sample)."""
    return bool(den) and int(den) < small_sample_below()


def count_headline(code: str, value: int, previous: int | None, f: Filters, label: str | None = None) -> Headline:
    m = metric(code)
    change = None if previous is None else int(value) - int(previous)
    text = _amount_change(change, m.unit, comparison_phrase(f), fmt_count)
    return Headline(code, label or m.label, f"{fmt_count(value)}{m.unit}", text, numerator=int(value))


def money_headline(code: str, yuan, previous_yuan, f: Filters, label: str | None = None) -> Headline:
    m = metric(code)
    change = None if previous_yuan is None else to_wan(yuan - previous_yuan)
    text = _amount_change(change, "万元", comparison_phrase(f), lambda v: f"{v:,}")
    return Headline(code, label or m.label, fmt_wan(yuan), text)


def target_clause(status: att.FigureStatus, head: Headline, with_change: bool = False) -> str:
    """差异化抽查占比76.7%，霍林郭勒市（31.4%）、科左中旗（52.2%）未达到70%的目标.

    The scope's own value first (with its change when asked), then the regions below target
    named with their values, worst first, as the 需关注 list orders them."""
    text = f"{head.label}{head.value_text}"
    if with_change and head.change_text:
        text += f"，{head.change_text}"
    if not head.denominator:
        return f"{head.label}本期无数据"
    goal = goal_words(status.target)
    regions = [i for i in status.items if i.region_code != TOTAL]
    named = "、".join(
        f"{i.region_name}（{fmt_rate(i.numerator, i.denominator)}{'，样本少' if i.small_sample else ''}）" for i in regions
    )
    if is_small_sample(head.denominator):
        return f"{text}，样本少，不判断达标" + (f"；{named}低于{goal}的目标" if named else "")
    if not meets_target(head.numerator, head.denominator, status.target):
        return f"{text}，未达到{goal}的目标" + (f"，{named}低于目标" if named else "")
    if named:
        return f"{text}，{named}未达到{goal}的目标"
    return f"{text}，达到{goal}的目标"


def direction_words(head: Headline, code: str) -> str:
    """A rate's change with rise/fall words for a 'rise is bad' figure (上升/下降, not 提高)."""
    if metric(code).direction == RISE_BAD:
        return head.change_text.replace("提高", "上升").replace("降低", "下降")
    return head.change_text


# --- footnotes -------------------------------------------------------------------------------

def chart_footnote(ctx: Context, caliber: str) -> str:
    """口径, then the stamp: bureau, filter sentence, 数据截至 (a cropped image explains itself)."""
    return (f"口径：{caliber}<br>{ctx.bureau_name}｜{describe(ctx.filters, ctx.names)}｜"
            f"数据截至{fmt_date(ctx.data_date)}")


def calibers(*codes: str) -> list[str]:
    return [f"{metric(c).label}：{metric(c).caliber}" for c in codes]

