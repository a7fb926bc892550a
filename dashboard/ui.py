"""Page furniture: guarded sections, headline cards with comparison, footnotes, downloads.

Every page uses these, so cards compare, colour and word their changes the same way
(metrics.md, "Headline figures"); a card is asked for by its figure code and takes its label,
口径 tooltip, direction and target from the registry (queries/metrics.py), and a failing section shows one Chinese sentence while the
rest of the page carries on.
"""

from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import config, downloads, theme
from dashboard.db import DataError
from dashboard.filters import comparison_phrase, describe, region_phrase
from dashboard.safe import as_text
from dashboard.format import (
    DASH,
    fmt_count,
    fmt_date,
    fmt_days,
    fmt_pct,
    fmt_pp,
    fmt_rate,
    fmt_signed_count,
    fmt_signed_wan,
    fmt_wan,
    pct_change,
    rate_change_pp,
    round_half_away,
    to_wan,
)
from queries.common import meets_target
from queries.metrics import metric
from queries.periods import COMPARISON_LABELS, Filters


@dataclass(frozen=True)
class PageContext:
    """What the entry script resolved for this run: filter, region names, data date; and the
    data-quality notes the page's sections collect (shown together at the end of the page)."""

    filters: Filters
    names: dict
    regions: pd.DataFrame
    data_date: date
    bureau_name: str
    notes: list[str] = field(default_factory=list)
    scope: tuple[str, ...] | None = None
    """The viewer's counties (dashboard/access.py): None = the whole city; with a set of
    counties, headline cards show the city figure beside theirs (`whole_city`)."""


Section = Callable[[PageContext], None]
"""A part of a page: draws itself from the page context (and may add data-quality notes)."""


@dataclass(frozen=True)
class Row:
    """Sections drawn side by side, each in its own column and guarded on its own."""

    sections: tuple[Section, ...]
    widths: tuple[int, ...] | None = None
    gap: str = "small"


def side_by_side(*sections: Section, widths: tuple[int, ...] | None = None, gap: str = "small") -> Row:
    """The sections in one row of columns (equal widths unless `widths`)."""
    return Row(sections, widths, gap)


@dataclass(frozen=True)
class Tabs:
    """Supporting detail under the first screen: one tab per part, the first open."""

    parts: tuple[tuple[str, Section | Row], ...]
    key: str | None = None


def in_tabs(*, key: str | None = None, **parts: Section | Row) -> Tabs:
    """The detail below a page's first screen (headline figures and the chart that explains
    them), one tab per part, named by its keyword: in_tabs(分等级=by_tier, 逾期清单=overdue).
    With `key` the open tab is in the URL and in st.session_state[key], so a section above the
    tabs (a map click) can open one of them by its name."""
    return Tabs(tuple(parts.items()), key)


def show_sections(ctx: PageContext, *items: Section | Row | Tabs) -> None:
    """Each item in turn: a section across the page, a Row of sections side by side, or Tabs of
    detail. A section that fails shows its one sentence and the rest of the page carries on."""
    for item in items:
        if isinstance(item, Tabs):
            for (tab, drawn), (_, part) in zip(lazy_tabs([name for name, _ in item.parts], item.key), item.parts):
                if drawn:  # only the open tab's queries and charts run (a click reruns the page)
                    with tab:
                        show_sections(ctx, part)
        elif isinstance(item, Row):
            columns = st.columns(list(item.widths or [1] * len(item.sections)), gap=item.gap)
            for column, draw in zip(columns, item.sections):
                with column, section():
                    draw(ctx)
        else:
            with section():
                item(ctx)


TAB_PARAM_SUFFIX = "_tab"


def lazy_tabs(names: list[str], key: str | None = None) -> list[tuple[object, bool]]:
    """st.tabs whose closed tabs are not computed: (tab, draw it?) for each name; choosing another
    tab reruns the page, which then draws that one. With `key` (ending in "_tab", see
    `opens_another_tab`) the open tab is in the URL (a copied link opens the same tab); without,
    it is kept per session under a key made of the names. The setting `draw_closed_tabs` = 1 draws
    every tab (every query of the page, as before)."""
    draw_all = config.setting("draw_closed_tabs", "0") in ("1", "true", "yes", "on")
    if key and not key.endswith(TAB_PARAM_SUFFIX):
        raise ValueError(f"a tab key in the URL ends in {TAB_PARAM_SUFFIX!r}: {key!r}")
    if key:
        tabs = st.tabs(names, key=key, bind="query-params")
    elif draw_all:
        tabs = st.tabs(names)
    else:
        tabs = st.tabs(names, key="tabs_" + "_".join(names), on_change="rerun")
    return [(tab, draw_all or bool(tab.open)) for tab in tabs]


def opens_another_tab() -> bool:
    """Whether the URL opens the page on a tab other than its first: Streamlit removes a bound
    tab's parameter (a lazy_tabs key, "…_tab") while the first tab is open, so any such parameter
    names another. The page then asks for that tab's queries, not the first view's that the
    prefetch manifest lists."""
    return any(name.endswith(TAB_PARAM_SUFFIX) for name in st.query_params)


def show_page(ctx: PageContext, *items: Section | Row | Tabs) -> None:
    """A page's body after start_page: its sections (see show_sections), then the data-quality
    notes they collected, in one collapsed box."""
    show_sections(ctx, *items)
    quality_notes(ctx.notes)


def show_chart(fig, key: str) -> None:
    """A plotly chart as built (house template, no streamlit theme on top), the column's width,
    with the house toolbar (Chinese buttons, PNG download with title and footnote)."""
    if not has_data(fig):
        # An empty frame (nothing but zeros and "—") says less than one line: 本期无数据.
        title = fig.layout.title.text or ""
        heading = title.split("<br>")[0] if title else ""
        st.markdown(f"**{heading}**" if heading else "")
        st.info("本期无数据。", icon=":material/info:")
        return
    st.plotly_chart(theme.footnote_room(fig), theme=None, key=key, width="stretch", config=theme.PLOTLY_CONFIG)


def has_data(fig) -> bool:
    """Whether `fig` shows anything that happened: a non-zero value in any trace (bars, lines, heat
    cells, pies), or a printed label with a non-zero digit ("0.0%（0/5）" is a measured 0 %, while
    "—（无到期回访）" and bars of 0 件 are not). An empty chart says 本期无数据 instead."""
    for trace in fig.data:
        for attr in ("x", "y", "z", "values"):
            values = getattr(trace, attr, None)
            if values is None:
                continue
            flat = []
            for v in values:
                flat.extend(v if isinstance(v, (list, tuple)) else [v])
            numbers = [v for v in flat if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if any(v == v and v != 0 for v in numbers):  # v == v: not NaN
                return True
        text = getattr(trace, "text", None)
        labels = [text] if isinstance(text, str) else list(text or ())
        flat_labels = []
        for label in labels:
            flat_labels.extend(label if isinstance(label, (list, tuple)) else [label])
        if any(isinstance(label, str) and any(ch in "123456789" for ch in label) for label in flat_labels):
            return True
    return False


@contextmanager
def section():
    """Run a page section; a DataError becomes one st.error sentence and the page carries on."""
    try:
        yield
    except DataError as exc:
        st.error(exc.message, icon=":material/error:")


def require_data(ctx: PageContext) -> bool:
    """False (with a notice) when the chosen period starts after the data date."""
    if ctx.filters.period.has_data:
        return True
    st.info(f"报表数据截至{fmt_date(ctx.data_date)}，所选时间段尚无数据。请选择更早的时间段。")
    return False


def page_header(title: str, ctx: PageContext) -> None:
    """Page title with the filter sentence under it (so a screenshot says what it shows)."""
    st.title(title)
    st.caption(describe(ctx.filters, ctx.names))


def footnote(ctx: PageContext, caliber: str, figure: str | None = None) -> str:
    """Chart footnote: 口径, the filter sentence and 数据截至; with `figure` (the registry code of
    what the chart draws), a last line naming the data faults in the tables it is computed from."""
    text = f"口径：{caliber}<br>{describe(ctx.filters, ctx.names)}｜数据截至{fmt_date(ctx.data_date)}"
    line = fault_note(ctx, figure)[0] if figure else ""
    return f"{text}<br>{line}" if line else text


def whole_city(ctx: PageContext) -> Filters | None:
    """The page's filter over the whole city (same period and comparison) when the viewer sees a
    set of counties, so a card can show the city figure as context; None for a whole-city
    viewer (who sees it already) and with no sign-in."""
    if ctx.scope is None:
        return None
    return replace(ctx.filters, counties=(), office=None)


def city_run(ctx: PageContext, function, *args, **kwargs):
    """`run(function, <the whole-city filter>, ...)`: the same query as the card's, for the whole
    city, through the shared cache; None when `whole_city` is None."""
    from dashboard.cache import run

    city = whole_city(ctx)
    return None if city is None else run(function, city, *args, **kwargs)


def with_city_row(table: pd.DataFrame, city_table: pd.DataFrame | None) -> pd.DataFrame:
    """A region table ending with the whole city's row (`city_table`: the same builder's total
    row over the whole-city filter, labelled 全市), for a county-scoped viewer; else `table`."""
    return table if city_table is None else pd.concat([table, city_table], ignore_index=True)


SHOWN_FIGURES = "_shown_figures"
"""session_state key of the figure codes this run's cards drew, in order (the page tests check
every card is a registry figure: tests/test_metric_registry.py)."""


def _delta(code: str, text: str, change, ctx: PageContext, word_first: bool = True) -> dict:
    """st.metric's delta arguments. `change` is the change as displayed (already rounded), so the
    arrow, colour and word agree with the figure a reader sees: "0.0个百分点" is 持平, no arrow."""
    if change is None:
        return dict(delta=None)
    word = theme.change_word(code, change)
    # The word first: a narrow card cuts the end of the description, and 改善/变差 is what matters.
    phrase = comparison_phrase(ctx.filters)
    description = f"{word}（{phrase}）" if word else phrase
    unchanged = change == 0
    return dict(
        delta=text.replace("−", "-", 1),
        delta_color="off" if unchanged else theme.delta_color(code),
        delta_description=description,
        delta_arrow="off" if unchanged else "auto",
    )


def target_of(code: str) -> float:
    """The configured target of the registry figure `code` (a KeyError names a figure without one)."""
    field_name = metric(code).target
    if field_name is None:
        raise KeyError(f"metric {code!r} has no target")
    return getattr(config.targets(), field_name)


def _card(code: str, label: str | None, value: str, help_note: str | None, short: bool, delta: dict,
          ctx: PageContext, city: str | None = None) -> None:
    """One st.metric for the registry figure `code`: its label (or `label`, for one with a runtime
    part such as a date) and its 口径 as the tooltip (with `help_note` after it); under it, a
    short line when the tables it is computed from have data faults (the sentences in the tooltip),
    and `city` (the whole city's figure, formatted) as a reference for a county-scoped viewer."""
    figure = metric(code)
    shown = label or (figure.short if short else figure.label)
    help_text = f"{figure.caliber}。{help_note}" if help_note else f"{figure.caliber}。"
    if figure.hint:  # a look-alike figure: the one line that tells it apart comes first
        help_text = f"**{figure.hint}**\n\n口径：{help_text}"
    fault_line, fault_text = fault_note(ctx, code)
    if fault_text:
        help_text = f"{help_text}\n\n数据问题：{fault_text}"
    st.session_state.setdefault(SHOWN_FIGURES, []).append(code)
    st.metric(shown, value, help=help_text, border=True, icon=figure.icon or None, **delta)
    if city is not None:
        st.caption(f"全市：{city}", help=f"同一口径下全市的数字，供对照。{figure.caliber}。")
    if fault_line:
        st.caption(fault_line, help=fault_text)


def count_card(code: str, value, previous, ctx: PageContext, *, label: str | None = None,
               help_note: str | None = None, short: bool = False, city=None) -> None:
    """A count with its difference and percentage change vs the comparison period. A count that
    can be negative (the registry's `signed`) is printed with its sign and gets a percentage
    change only against a positive comparison (−6 vs −2 is not "+200%"). `city`: the whole city's
    count (city_run), shown under the card."""
    signed = metric(code).signed
    change = None if previous is None or value is None else int(value) - int(previous)
    text = DASH
    if change is not None:
        show_pct = previous > 0 if signed else True
        text = fmt_signed_count(change) + (f"（{pct_change(value, previous)}）" if show_pct else "")
    def written(count):
        return fmt_signed_count(count) if signed and count is not None else fmt_count(count)

    _card(code, label, written(value), help_note, short, _delta(code, text, change, ctx), ctx,
          None if city is None else written(city))


def is_small_sample(den) -> bool:
    """A rate over fewer cases than the small-sample setting (default 10): 0/1 says little."""
    return bool(den) and int(den) < config.small_sample_below()


def rate_card(code: str, num: int, den: int, q_num: int | None, q_den: int | None, ctx: PageContext, *,
              label: str | None = None, help_note: str | None = None, short: bool = False,
              city: tuple[int, int] | None = None) -> None:
    """A rate with its change in percentage points; a figure with a target (the registry's) says
    达标 / 未达标 in words before its label. Over a small sample (is_small_sample) the value
    carries its fraction, the verdict is 样本少 and the change is neither 改善 nor 变差. `city`: the
    whole city's (numerator, denominator), shown under the card."""
    figure = metric(code)
    value = fmt_rate(num, den)
    label = label or (figure.short if short else figure.label)
    small = is_small_sample(den)
    if figure.target is not None:
        target = target_of(code)
        # The verdict leads the label, in colour AND words, so a narrow card that cuts the label
        # off still shows it; the value stays short. Judged on the exact rate; "—" is neither.
        label = f"{label}（目标{'' if target >= 1 else '≥'}{fmt_pct(target)}）"
        if den and not small:
            label = f"{':green[达标]' if meets_target(num, den, target) else ':red[**未达标**]'} {label}"
    if small:
        label = f":orange[**样本少**] {label}"
        # The fraction beside the rate, at half its size (style.py), so the card keeps its height.
        value = f"{value} :small[（{fmt_count(num)}/{fmt_count(den)}{figure.count_unit}）]"
        help_note = (help_note or "") + (
            f"分母仅{fmt_count(den)}{figure.count_unit}（少于{config.small_sample_below()}{figure.count_unit}），"
            "比率不稳定，不判断达标与升降。"
        )
    points = rate_change_pp(num, den, q_num, q_den) if q_den is not None else None
    shown = None if points is None else round_half_away(points, 1)
    delta = _delta(code, fmt_pp(points), shown, ctx)
    if small and delta.get("delta") is not None:
        delta.update(delta_color="off", delta_description=f"样本少（{comparison_phrase(ctx.filters)}）")
    _card(code, label, value, help_note, short, delta, ctx, None if city is None else fmt_rate(*city))


def summary_rate_card(code: str, now, before, ctx: PageContext, **card) -> None:
    """rate_card of a rate whose numerator and denominator (the registry's fields) are attributes
    of a topic's summary for the period (`now`) and the comparison period (`before`); `city`: the
    same summary for the whole city (city_run), or None."""
    figure = metric(code)
    parts = [getattr(summary, field) for summary in (now, before) for field in (figure.numerator, figure.denominator)]
    city = card.pop("city", None)
    if city is not None:
        card["city"] = (getattr(city, figure.numerator), getattr(city, figure.denominator))
    rate_card(code, *parts, ctx, **card)


def money_card(code: str, yuan, previous_yuan, ctx: PageContext, *, label: str | None = None,
               help_note: str | None = None, short: bool = False, city=None) -> None:
    """Money in 万元 with the difference in 万元 (and % change only when the comparison is positive)."""
    change = None if previous_yuan is None else yuan - previous_yuan
    text = fmt_signed_wan(change) if change is not None else DASH
    if change is not None and previous_yuan > 0:
        text += f"（{pct_change(yuan, previous_yuan)}）"
    shown = None if change is None else to_wan(change)
    _card(code, label, fmt_wan(yuan), help_note, short, _delta(code, text, shown, ctx), ctx,
          None if city is None else fmt_wan(city))


def days_card(code: str, days, previous_days, ctx: PageContext, *, label: str | None = None,
              help_note: str | None = None, short: bool = False, city=None) -> None:
    """A number of days (one decimal, "—" for none) with its difference in days."""
    change = None
    if days is not None and previous_days is not None:
        change = round_half_away(days - previous_days, 1)
    text = DASH if change is None else f"{change.normalize():+f}天"
    _card(code, label, fmt_days(days), help_note, short, _delta(code, text, change, ctx), ctx,
          None if city is None else fmt_days(city))


def download_name(basename: str, ctx: PageContext) -> str:
    """A download's file name: what it is, then the filter (period, comparison, regions)."""
    f = ctx.filters
    period = f"{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}"
    return downloads.safe_name(basename, period, COMPARISON_LABELS[f.comparison_mode], region_phrase(f, ctx.names))


def download_buttons(frame: pd.DataFrame, basename: str, ctx: PageContext, key: str, caliber: str | None = None) -> None:
    """CSV (UTF-8 with BOM, header row first) and .xlsx (numbers with their formats; the filter and
    数据截至 on a second sheet) of an on-screen table; the filter is in the file name."""
    notes = downloads.notes_for(describe(ctx.filters, ctx.names), fmt_date(ctx.data_date), caliber)
    csv_file, xlsx_file = downloads.table_files(frame, notes)
    name = download_name(basename, ctx)
    left, right = st.columns(2)
    left.download_button("下载 CSV", csv_file, f"{name}.csv", "text/csv", key=f"{key}_csv", on_click="ignore")
    right.download_button(
        "下载 Excel",
        xlsx_file,
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


PAGE_FAULT_KINDS = ("grade", "duplicate", "unparseable_date", "future_date", "unknown_region")
"""The doctor's data-check classes a page adds to its own notes (orphans, and enterprises outside
the region table, each page already names in its own words)."""


def quality_notes(notes: list[str]) -> None:
    """Data-quality notes in a collapsed box (never as an error); nothing when there are none."""
    if not notes:
        return
    with st.expander(f"数据质量提示（{len(notes)}）", expanded=False):
        for note in notes:
            st.markdown(f"- {note}")


def page_faults(ctx: PageContext, tables: tuple[str, ...]) -> list:
    """Every data fault (queries.quality.Fault) in `tables`, one cached check per set of tables
    (nothing if the check fails: the page's own sections say why)."""
    from dashboard.cache import run
    from queries.quality import data_faults

    try:
        return run(data_faults, ctx.data_date, tables)
    except DataError:
        return []


def data_check_sentences(ctx: PageContext, tables: tuple[str, ...]) -> list[str]:
    """The doctor's sentences for the data faults found in `tables` that the page's notes do not
    already name in their own words (PAGE_FAULT_KINDS)."""
    from dashboard.doctor import fault_sentence

    return [
        fault_sentence(fault, ctx.data_date) for fault in page_faults(ctx, tables)
        if fault.kind in PAGE_FAULT_KINDS and not (fault.kind == "unknown_region" and fault.table == "enterprises")
    ]


def fault_note(ctx: PageContext, code: str) -> tuple[str, str]:
    """(short line, full sentences) on the data faults in the tables the registry figure `code`
    is computed from; ("", "") when there are none. The line goes beside the figure, the
    sentences into its tooltip."""
    from dashboard.doctor import fault_phrase, fault_sentence

    faults = page_faults(ctx, metric(code).tables)
    if not faults:
        return "", ""
    line = "⚠ 含数据问题：" + "；".join(dict.fromkeys(fault_phrase(f) for f in faults))
    return as_text(line, limit=len(line)), "".join(fault_sentence(f, ctx.data_date) for f in faults)


def table(frame, key: str | None = None, column_config: dict | None = None, **kwargs) -> None:
    """st.dataframe with counts written 25,943 (thousands separators) and no index."""
    data = frame.data if hasattr(frame, "data") else frame  # a pandas Styler keeps its frame in .data
    config = {
        column: st.column_config.NumberColumn(column, format="localized")
        for column in data.columns
        if data[column].dtype.kind in "iu"
    }
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, column_config=config, key=key, **kwargs)
