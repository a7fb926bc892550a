"""Page furniture: guarded sections, headline cards with comparison, footnotes, downloads.

Every page uses these, so cards compare, colour and word their changes the same way
(metrics.md, "Headline figures"), and a failing section shows one Chinese sentence while the
rest of the page carries on.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import theme
from dashboard.db import DataError
from dashboard.filters import comparison_phrase, describe
from dashboard.format import (
    DASH,
    fmt_count,
    fmt_date,
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
from queries.periods import Filters


@dataclass(frozen=True)
class PageContext:
    """What the entry script resolved for this run: filter, region names, data date."""

    filters: Filters
    names: dict
    regions: pd.DataFrame
    data_date: date
    bureau_name: str


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


def footnote(ctx: PageContext, caliber: str) -> str:
    """Chart footnote: 口径, the filter sentence and 数据截至."""
    return f"口径：{caliber}<br>{describe(ctx.filters, ctx.names)}｜数据截至{fmt_date(ctx.data_date)}"


def _delta(metric: str, text: str, change, ctx: PageContext) -> dict:
    """st.metric's delta arguments. `change` is the change as displayed (already rounded), so the
    arrow, colour and word agree with the figure a reader sees: "0.0个百分点" is 持平, no arrow."""
    if change is None:
        return dict(delta=None)
    word = theme.change_word(metric, change)
    # The word first: a narrow card cuts the end of the description, and 改善/变差 is what matters.
    phrase = comparison_phrase(ctx.filters)
    description = f"{word}（{phrase}）" if word else phrase
    unchanged = change == 0
    return dict(
        delta=text.replace("−", "-", 1),
        delta_color="off" if unchanged else theme.delta_color(metric),
        delta_description=description,
        delta_arrow="off" if unchanged else "auto",
    )


def count_card(label: str, value, previous, metric: str, ctx: PageContext, help: str | None = None) -> None:
    """A count with its difference and percentage change vs the comparison period."""
    change = None if previous is None or value is None else int(value) - int(previous)
    text = f"{fmt_signed_count(change)}（{pct_change(value, previous)}）" if change is not None else DASH
    st.metric(label, fmt_count(value), help=help, border=True, **_delta(metric, text, change, ctx))


def rate_card(
    label: str,
    num: int,
    den: int,
    q_num: int | None,
    q_den: int | None,
    metric: str,
    ctx: PageContext,
    target: float | None = None,
    help: str | None = None,
) -> None:
    """A rate with its change in percentage points; below target it says 未达标 in words."""
    value = fmt_rate(num, den)
    if target is not None:
        # The verdict leads the label, in colour AND words, so a narrow card that cuts the label
        # off still shows it; the value stays short. Judged on the exact rate; "—" is neither.
        label = f"{label}（目标{'' if target >= 1 else '≥'}{fmt_pct(target)}）"
        if den:
            label = f"{':green[达标]' if meets_target(num, den, target) else ':red[**未达标**]'} {label}"
    points = rate_change_pp(num, den, q_num, q_den) if q_den is not None else None
    shown = None if points is None else round_half_away(points, 1)
    st.metric(label, value, help=help, border=True, **_delta(metric, fmt_pp(points), shown, ctx))


def money_card(label: str, yuan, previous_yuan, metric: str, ctx: PageContext, help: str | None = None) -> None:
    """Money in 万元 with the difference in 万元 (and % change only when the comparison is positive)."""
    change = None if previous_yuan is None else yuan - previous_yuan
    text = fmt_signed_wan(change) if change is not None else DASH
    if change is not None and previous_yuan > 0:
        text += f"（{pct_change(yuan, previous_yuan)}）"
    shown = None if change is None else to_wan(change)
    st.metric(label, fmt_wan(yuan), help=help, border=True, **_delta(metric, text, shown, ctx))


def download_buttons(frame: pd.DataFrame, basename: str, ctx: PageContext, key: str) -> None:
    """CSV (UTF-8 with BOM, opens in Excel) and .xlsx downloads, stamped with the filter sentence."""
    stamp = describe(ctx.filters, ctx.names)
    csv_bytes = (f"# {stamp}；数据截至{fmt_date(ctx.data_date)}\n" + frame.to_csv(index=False)).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="数据", startrow=1)
        writer.sheets["数据"].cell(row=1, column=1, value=f"{stamp}；数据截至{fmt_date(ctx.data_date)}")
    left, right = st.columns(2)
    left.download_button("下载 CSV", csv_bytes, f"{basename}.csv", "text/csv", key=f"{key}_csv")
    right.download_button(
        "下载 Excel",
        buffer.getvalue(),
        f"{basename}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def quality_notes(notes: list[str]) -> None:
    """Data-quality notes in a collapsed box (never as an error); nothing when there are none."""
    if not notes:
        return
    with st.expander(f"数据质量提示（{len(notes)}）", expanded=False):
        for note in notes:
            st.markdown(f"- {note}")


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
