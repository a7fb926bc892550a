"""The shared sidebar filter, kept in the URL so that a link reproduces the view.

URL parameters: `preset` (a key of periods.PRESETS), `start`/`end` (ISO dates, custom only),
`cmp` (previous | year_ago), `county` (comma-separated county codes; absent = 全市), `office`.
A malformed parameter falls back to its default and the page says so in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.format import fmt_range
from dashboard.i18n import ALL_REGIONS
from dashboard.safe import ECHO_LIMIT, as_text
from queries.periods import (
    COMPARISON_LABELS,
    COMPARISONS,
    DEFAULT_COMPARISON,
    DEFAULT_PRESET,
    EARLIEST_YEAR,
    LATEST_YEAR,
    PRESET_LABELS,
    PRESETS,
    Filters,
    build_filters,
    clamp_custom,
)

_KEY = "flt_"


@dataclass
class UrlState:
    """Filter values read from the URL, with the notices for what had to be dropped."""

    preset: str = DEFAULT_PRESET
    comparison: str = DEFAULT_COMPARISON
    custom: tuple[date, date] | None = None
    counties: tuple[str, ...] = ()
    office: str | None = None
    notices: list[str] = field(default_factory=list)


def parse_url(params: dict, regions: pd.DataFrame, data_date: date, earliest: date | None = None,
              allowed: tuple[str, ...] | None = None) -> UrlState:
    """Validate URL parameters against the presets and the region tree; never raises. A custom
    range is clamped to the data's span (`earliest` event .. data date, periods.clamp_custom)."""
    state = UrlState()
    preset = params.get("preset")
    if preset is not None:
        if preset in PRESETS:
            state.preset = preset
        else:
            state.notices.append(f"链接参数 preset=“{as_text(preset, ECHO_LIMIT)}”无效，已改用默认时间段“上周”。")
    if state.preset == "custom":
        try:
            start = date.fromisoformat(params.get("start", ""))
            end = date.fromisoformat(params.get("end", ""))
            if start > end:
                raise ValueError
        except ValueError:
            state.notices.append("链接中的自定义日期无效（应为 start<=end 的 YYYY-MM-DD），已改用默认时间段“上周”。")
            state.preset = DEFAULT_PRESET
        else:
            if not (EARLIEST_YEAR <= start.year <= LATEST_YEAR and EARLIEST_YEAR <= end.year <= LATEST_YEAR):
                state.notices.append(
                    f"链接中的自定义日期超出可选范围（{EARLIEST_YEAR}—{LATEST_YEAR}年），已改用默认时间段“上周”。"
                )
                state.preset = DEFAULT_PRESET
            else:
                *state.custom, notice = clamp_custom(start, end, earliest, data_date)
                state.custom = tuple(state.custom)
                if notice:
                    state.notices.append(notice)
    cmp_mode = params.get("cmp")
    if cmp_mode is not None:
        if cmp_mode in COMPARISONS:
            state.comparison = cmp_mode
        else:
            state.notices.append(f"链接参数 cmp=“{as_text(cmp_mode, ECHO_LIMIT)}”无效，已改用“环比”。")
    county_codes = set(regions.loc[regions["level"] == "county", "code"])
    raw_counties = [c for c in str(params.get("county", "")).split(",") if c.strip()]
    if allowed is not None:  # a signed-in user's scope (dashboard/access.py): other counties are refused
        refused = [c for c in raw_counties if c in county_codes and c not in allowed]
        if refused:
            shown = as_text("、".join(refused), ECHO_LIMIT)
            state.notices.append(f"链接中的旗县市区“{shown}”不在您的查看范围内，已改为您可查看的地区。")
        county_codes &= set(allowed)
        raw_counties = [c for c in raw_counties if c not in refused]
    unknown = [c for c in raw_counties if c not in county_codes]
    if unknown:
        shown = as_text("、".join(unknown), ECHO_LIMIT)
        state.notices.append(f"链接中的旗县市区代码“{shown}”不存在，已忽略。")
    state.counties = tuple(dict.fromkeys(c for c in raw_counties if c in county_codes))
    if allowed is not None and not state.counties:
        state.counties = scope_counties(regions, allowed)
    office = params.get("office")
    if office:
        parents = regions.loc[(regions["code"] == office) & (regions["level"] == "office"), "parent_code"]
        if len(state.counties) == 1 and len(parents) and parents.iloc[0] == state.counties[0]:
            state.office = office
        else:
            state.notices.append(f"链接中的监管所“{as_text(office, ECHO_LIMIT)}”不属于所选旗县市区，已显示全部监管所。")
    return state


def to_url(f: Filters) -> dict[str, str]:
    """The URL parameters that reproduce `f`."""
    params = {"preset": f.preset, "cmp": f.comparison_mode}
    if f.preset == "custom":
        params["start"] = f.period.start.isoformat()
        params["end"] = f.period.end.isoformat()
    if f.counties:
        params["county"] = ",".join(f.counties)
    if f.office:
        params["office"] = f.office
    return params


def comparison_phrase(f: Filters) -> str:
    """较上周 / 较上月 / 较去年同期 …: what the card's change is measured against."""
    if f.comparison_mode == "year_ago":
        return "较去年同期"
    return {
        "last_week": "较上周",
        "week_to_date": "较上周同期",
        "last_month": "较上月",
        "month_to_date": "较上月同期",
        "last_quarter": "较上季度",
        "quarter_to_date": "较上季度同期",
        "year_to_date": "较去年同期",
    }.get(f.effective_preset or f.preset, f"较前{f.period.days}天")


def region_phrase(f: Filters, names: dict[str, str]) -> str:
    """全市 / 科尔沁区 / 科尔沁区·永清市场监管所 / 科尔沁区、开鲁县."""
    if not f.counties:
        return ALL_REGIONS
    text = "、".join(names.get(code, code) for code in f.counties)
    if f.office:
        text += "·" + names.get(f.office, f.office)
    return text


def describe(f: Filters, names: dict[str, str]) -> str:
    """The sentence that stamps charts and exports: 2026年11月16日—22日（第47周），环比上周，全市."""
    period = fmt_range(f.period.start, f.period.end)
    if f.preset in ("last_week", "week_to_date"):
        period += f"（第{f.period.start.isocalendar().week}周）"
    if not f.period.is_complete and f.period.has_data:
        period += f"（数据截至{f.period.as_of.month}月{f.period.as_of.day}日）"
    versus = comparison_phrase(f).removeprefix("较")
    # Against the same dates a year earlier it is 同比 whichever button was chosen (本年至今).
    mode = "year_ago" if versus == "去年同期" else f.comparison_mode
    comparison = COMPARISON_LABELS[mode] + versus
    return f"{period}，{comparison}，{region_phrase(f, names)}"


def scope_counties(regions: pd.DataFrame, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The counties of a scope that exist, in the region tree's order (an empty choice of a
    user with a scope means all of their counties, never 全市)."""
    return tuple(c for c in regions.loc[regions["level"] == "county", "code"] if c in set(allowed))


def _init_state(url: UrlState) -> None:
    """Seed the widgets from the saved values (from the URL on the session's first run).

    Streamlit drops a widget's state when the page changes, so the values live under a plain
    key (`flt_saved`), are written into the widget keys before each render and are updated by
    the widgets' on_change callbacks: the filter survives page switches.
    """
    if _KEY + "saved" not in st.session_state:
        saved = {"preset": url.preset, "cmp": url.comparison, "counties": list(url.counties), "office": url.office or ""}
        if url.custom:
            saved["custom_input"] = url.custom
        st.session_state[_KEY + "saved"] = saved
        st.session_state[_KEY + "notices"] = url.notices
    for name, value in st.session_state[_KEY + "saved"].items():
        st.session_state[_KEY + name] = value


def _store(name: str) -> None:
    saved = st.session_state[_KEY + "saved"]
    saved[name] = st.session_state[_KEY + name]
    if name == "counties":
        saved["office"] = ""
        st.session_state[_KEY + "office"] = ""


def sidebar_filters(regions: pd.DataFrame, today: date, data_date: date, earliest: date | None = None,
                    allowed: tuple[str, ...] | None = None) -> Filters:
    """Render the shared filter in the sidebar and return the Filters; keeps the URL in step.
    With `allowed` (a signed-in user's counties) only those are offered, and none chosen means
    all of them."""
    _init_state(parse_url(dict(st.query_params), regions, data_date, earliest, allowed))
    names = dict(zip(regions["code"], regions["name"]))
    counties = regions[regions["level"] == "county"]
    if allowed is not None:
        counties = counties[counties["code"].isin(allowed)]
        saved = st.session_state[_KEY + "saved"]
        kept = [c for c in saved.get("counties", []) if c in set(counties["code"])]
        if kept != saved.get("counties"):  # a drill-down or old state naming another county
            saved["counties"] = kept
            st.session_state[_KEY + "counties"] = kept
    with st.sidebar:
        st.markdown("### 筛选")
        preset = st.selectbox(
            "时间段", PRESETS, format_func=PRESET_LABELS.get, key=_KEY + "preset", on_change=_store, args=("preset",)
        )
        custom = None
        if preset == "custom":
            default = (data_date - timedelta(days=6), data_date)
            if _KEY + "custom_input" not in st.session_state:
                st.session_state[_KEY + "custom_input"] = default
            # No max_value: a linked range ending after today is valid (it is computed up to the
            # data date), and a value above the widget's maximum would raise.
            picked = st.date_input("自定义日期", key=_KEY + "custom_input", on_change=_store, args=("custom_input",))
            custom = tuple(picked) if isinstance(picked, (tuple, list)) and len(picked) == 2 else default
            *custom, notice = clamp_custom(*custom, earliest, data_date)
            custom = tuple(custom)
            if notice:
                st.session_state.setdefault(_KEY + "notices", []).append(notice)
        cmp_mode = st.radio(
            "对比", COMPARISONS, format_func=COMPARISON_LABELS.get, horizontal=True, key=_KEY + "cmp",
            on_change=_store, args=("cmp",),
        )
        chosen = st.multiselect(
            "旗县市区（不选为全市）" if allowed is None else "旗县市区（不选为可查看的全部）",
            list(counties["code"]),
            format_func=lambda c: names.get(c, c),
            key=_KEY + "counties",
            placeholder="全市（可选一个或多个）" if allowed is None else "可查看的全部旗县市区",
            on_change=_store,
            args=("counties",),
        )
        if allowed is not None and not chosen:
            chosen = list(scope_counties(regions, allowed))
        office = None
        if len(chosen) == 1:
            offices = regions[(regions["level"] == "office") & (regions["parent_code"] == chosen[0])]
            options = [""] + list(offices["code"])
            if st.session_state.get(_KEY + "office") not in options:
                st.session_state[_KEY + "office"] = ""
            office = st.selectbox(
                "市场监管所", options, format_func=lambda c: names.get(c, c) if c else "全部监管所",
                key=_KEY + "office", on_change=_store, args=("office",),
            ) or None
    f = build_filters(preset, today, data_date, cmp_mode, custom, tuple(chosen), office)
    _sync_url(to_url(f))
    return f


FILTER_PARAMS = ("preset", "start", "end", "cmp", "county", "office")


def _sync_url(params: dict[str, str]) -> None:
    """Write the filter's parameters into the URL, leaving the others alone: a page's view state
    (map measure, density layer, open tab) is bound to the URL by its widgets, and replacing the
    whole query string would drop it from a link that was just opened."""
    for name in FILTER_PARAMS:
        if name in params:
            if st.query_params.get(name) != params[name]:
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def url_notices() -> list[str]:
    """Notices about malformed URL parameters, returned once (on the run that read the URL)."""
    return list(st.session_state.pop(_KEY + "notices", []))


def drill_into(county_code: str | None) -> None:
    """Narrow the shared filter to one county (a map click), or back to 全市 with None.

    Takes effect on the next run: callers follow it with st.rerun().
    """
    saved = st.session_state.setdefault(_KEY + "saved", {})
    saved["counties"] = [county_code] if county_code else []
    saved["office"] = ""


def switch_preset(preset: str) -> None:
    """Switch the shared filter to another preset (a one-click "show 上季度" button).

    Takes effect on the next run (a button's on_click callback runs before it).
    """
    saved = st.session_state.setdefault(_KEY + "saved", {})
    saved["preset"] = preset
