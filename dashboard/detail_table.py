"""The enterprises behind a figure, on screen: a searchable, sortable, paged table with downloads.

Each page of rows is one query (queries/details.py pages in SQL); the downloads walk the whole
selection a chunk per query when the button is clicked (deferred), writing CSV or Excel as the
chunks arrive. Codes are shown in Chinese; the region and office columns by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import downloads
from dashboard.cache import engine_for, run
from dashboard.config import database_url
from dashboard.filters import describe
from dashboard.format import fmt_count, fmt_date
from dashboard.i18n import (
    ABNORMAL_LISTING_REASON,
    CASE_CATEGORY,
    ENTITY_TYPE,
    GRADE_SHORT,
    REVISIT_TIER,
    VIOLATION_TYPE,
    label,
    region_name,
)
from dashboard.ui import PageContext, download_name
from queries import details


@dataclass(frozen=True)
class Column:
    """A shown column: the query's column, its header, how its value is written, its kind in a download."""

    source: str
    header: str
    show: str = "text"
    """text, region, office, date, count, yuan, or a code mapping name (see _CODES)."""
    sort: str | None = None
    """The query column this header sorts by (None: not sortable)."""


_CODES = {
    "entity_type": ENTITY_TYPE,
    "grade": {g: GRADE_SHORT[g] for g in "ABCD"} | {"unrated": "未分类"},
    "listing_reason": ABNORMAL_LISTING_REASON,
    "category": CASE_CATEGORY,
    "violation_type": VIOLATION_TYPE,
    "tier": REVISIT_TIER,
}
_KIND = {"date": downloads.DATE, "count": downloads.COUNT, "yuan": downloads.AMOUNT}

NAME = Column("enterprise_name", "企业名称", sort="enterprise_name")
PARTY = Column("enterprise_name", "企业名称", "party", sort="enterprise_name")
"""A case's party: a party that is not a registered entity has no enterprise row."""
USCC = Column("uscc", "统一社会信用代码", sort="uscc")
COUNTY = Column("region_code", "旗县市区", "region", sort="region_code")
OFFICE = Column("office_code", "监管所", "office")

VIEWS: dict[str, tuple[Column, ...]] = {
    "high_risk": (
        NAME, USCC, Column("entity_type", "主体类型", "entity_type"), COUNTY, OFFICE,
        Column("grade", "等级", "grade", sort="grade_rank"),
        Column("assessed_on", "评级日期", "date", sort="grade_stamp"),
    ),
    "overdue_objects": (
        NAME, USCC, COUNTY, OFFICE, Column("task_name", "抽查任务", sort="task_name"),
        Column("grade_at_sampling", "抽取时等级", "grade"),
        Column("due_on", "完成期限", "date", sort="due_on"),
        Column("days_overdue", "逾期天数", "count", sort="days_overdue"),
    ),
    "three_year": (
        Column("status", "状态"), Column("eligible_on", "届满三年日期", "date", sort="listed_on"),
        NAME, USCC, COUNTY, OFFICE, Column("listed_on", "列入日期", "date"),
        Column("listing_reason", "列入原因", "listing_reason", sort="listing_reason"),
    ),
    "overdue_revisits": (
        Column("case_no", "案号", sort="case_no"), PARTY, USCC, COUNTY, OFFICE,
        Column("tier", "回访等级", "tier", sort="tier"), Column("round", "轮次", "round"),
        Column("due_on", "应回访日期", "date", sort="due_on"),
        Column("days_overdue", "逾期天数", "count", sort="days_overdue"),
    ),
    "waived_cases": (
        Column("case_no", "案号", sort="case_no"), PARTY, USCC, COUNTY, OFFICE,
        Column("category", "处罚类别", "category", sort="category"),
        Column("violation_type", "违法类型", "violation_type"),
        Column("decided_on", "决定日期", "date", sort="decided_on"),
        Column("base_fine", "裁量基准罚款（元）", "yuan"),
        Column("fine_amount", "实际罚没款（元）", "yuan"),
        Column("waived_yuan", "减免金额（元）", "yuan", sort="waived_order"),
    ),
}


def region_keys(ctx: PageContext) -> list[str]:
    """The region keys of the page's "by region" breakdown, for the list's region picker: the
    chosen county's offices and 其他, or the chosen (else all) counties; none for one office."""
    f, regions = ctx.filters, ctx.regions
    if f.office:
        return []
    if f.by_office:
        offices = regions[(regions["level"] == "office") & (regions["parent_code"] == f.counties[0])]
        return [*offices["code"], "other"]
    counties = regions[regions["level"] == "county"]
    return [c for c in counties["code"] if not f.counties or c in f.counties]


def three_year_status(is_passed: bool, days: int) -> str:
    """已届满（超过 N 天） for a passed anniversary (counting the day itself), else 剩余 N 天."""
    return f"已届满（超过{fmt_count(days)}天）" if is_passed else f"剩余{fmt_count(days)}天"


def shown(frame: pd.DataFrame, code: str, names: dict) -> pd.DataFrame:
    """The fetched rows as the table shows them: Chinese headers, codes and regions by name."""
    if code == "three_year" and len(frame):
        frame = frame.assign(status=[three_year_status(p, d) for p, d in zip(frame["is_passed"], frame["days"])])
    elif code == "three_year":
        frame = frame.assign(status=pd.Series(dtype=object))
    out = {}
    for column in VIEWS[code]:
        values = frame[column.source] if column.source in frame else pd.Series([None] * len(frame), dtype=object)
        if column.show == "region":
            out[column.header] = [region_name(v, names) for v in values]
        elif column.show == "office":
            out[column.header] = ["—" if v is None or pd.isna(v) else region_name(v, names) for v in values]
        elif column.show == "party":
            out[column.header] = ["（非登记主体）" if v is None or pd.isna(v) else str(v) for v in values]
        elif column.show == "round":
            out[column.header] = [f"第{int(v)}次" for v in values]
        elif column.show == "tier":
            out[column.header] = ["类别不明" if v is None or pd.isna(v) else label(REVISIT_TIER, int(v)) for v in values]
        elif column.show == "grade":
            out[column.header] = ["未分类" if v is None or pd.isna(v) else label(_CODES["grade"], v) for v in values]
        elif column.show in _CODES:
            mapping = _CODES[column.show]
            out[column.header] = [label(mapping, v) for v in values]
        elif column.show == "count":
            out[column.header] = [int(v) for v in values]
        elif column.show in ("date", "yuan"):
            out[column.header] = list(values)
        else:
            out[column.header] = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in values]
    return pd.DataFrame(out, columns=[c.header for c in VIEWS[code]])


def _layout(code: str) -> downloads.Layout:
    columns = VIEWS[code]
    return downloads.Layout(tuple(c.header for c in columns), tuple(_KIND.get(c.show, downloads.TEXT) for c in columns))


def _chunks(engine, f, code: str, names: dict, query: dict):
    """The whole selection, a chunk per query, on a connection of its own from the app's engine
    (a download runs on another thread, after the page run that drew the button)."""
    with engine.connect() as conn:
        for chunk in details.detail_chunks(conn, f, code, **query):
            yield shown(chunk, code, names)


def detail_table(ctx: PageContext, code: str, title: str, key: str, *, region: str | None = None,
                 region_options: list[str] | None = None, caliber: str | None = None, heading: bool = True,
                 **options) -> None:
    """The table of `code` for the filter (and `region`, a region key of the page's breakdown):
    search box, sort, page; the rows of one page; CSV and Excel of the whole selection.

    `region_options`, when given, adds a region picker (全部 + those keys) whose choice is kept
    under `{key}_region` in session_state (a map click can set it). `options` go to the query
    (entity_types, task_id).
    """
    f = ctx.filters
    columns = VIEWS[code]
    sortable = {c.header: c.sort for c in columns if c.sort}
    detail = details.DETAILS[code]
    default_header = next((h for h, s in sortable.items() if s == detail.default_sort), next(iter(sortable)))
    if heading:  # False when the section's own heading already says it (the title still names the file)
        st.markdown(f"#### {title}")
    controls = st.columns([3, 2, 2, 1] if region_options else [3, 2, 1], vertical_alignment="bottom")
    def first_page():
        st.session_state[f"{key}_page"] = 1

    search = controls[0].text_input("搜索企业名称或统一社会信用代码", key=f"{key}_search",
                                    placeholder="输入名称或信用代码的一部分", on_change=first_page)
    at = 1
    if region_options:
        choices = ["", *region_options]
        if st.session_state.get(f"{key}_region") not in choices:
            st.session_state[f"{key}_region"] = region if region in choices else ""
        region = controls[1].selectbox(
            "地区", choices, key=f"{key}_region",
            format_func=lambda c: region_name(c, ctx.names) if c else "全部", on_change=first_page,
        ) or None
        at = 2
    sort_header = controls[at].selectbox("排序", list(sortable), index=list(sortable).index(default_header),
                                         key=f"{key}_sort", on_change=first_page)
    descending = controls[at + 1].toggle("降序", value=detail.default_descending, key=f"{key}_desc",
                                         on_change=first_page)
    query = dict(region=region, search=search, sort=sortable[sort_header], descending=descending, **options)
    number = int(st.session_state.get(f"{key}_page", 1))
    page = run(details.detail_page, f, code, page=number - 1, page_size=details.PAGE_SIZE, **query)
    if page.total_count == 0:
        st.info("没有符合条件的记录。" if search else "本期无数据。")
        return
    table = shown(page.rows, code, ctx.names)
    config = {c.header: st.column_config.NumberColumn(c.header, format="localized") for c in columns if c.show == "count"}
    config.update({c.header: st.column_config.DateColumn(c.header, format="YYYY-MM-DD") for c in columns if c.show == "date"})
    config.update({c.header: st.column_config.NumberColumn(c.header, format="%.2f") for c in columns if c.show == "yuan"})
    st.dataframe(table, hide_index=True, column_config=config, key=f"{key}_rows")
    first = page.page * page.page_size + 1
    last = first + len(page.rows) - 1
    footer = st.columns([3, 1, 1, 1], vertical_alignment="center")
    footer[0].caption(f"共 {fmt_count(page.total_count)} 条，第 {fmt_count(first)}–{fmt_count(last)} 条"
                      f"（第 {page.page + 1} / {page.page_count} 页，按“{sort_header}”{'降序' if descending else '升序'}）")
    st.session_state[f"{key}_page"] = page.page + 1  # clamped: the selection may have shrunk
    footer[1].number_input("页码", min_value=1, max_value=page.page_count, step=1, key=f"{key}_page",
                           label_visibility="collapsed")
    engine, names = engine_for(database_url()), dict(ctx.names)
    stamp = describe(f, ctx.names) + (f"，{region_name(region, ctx.names)}" if region else "") + (
        f"，搜索“{search.strip()}”" if search and search.strip() else "")
    notes = downloads.notes_for(stamp, fmt_date(ctx.data_date), caliber)
    layout = _layout(code)
    name = download_name(title.split("（")[0], ctx)

    def frames():
        return _chunks(engine, f, code, names, query)

    footer[2].download_button("下载 CSV", downloads.streamed(downloads.write_csv, frames, layout), f"{name}.csv",
                              "text/csv", key=f"{key}_csv", on_click="ignore")
    footer[3].download_button("下载 Excel", downloads.streamed(downloads.write_xlsx, frames, layout, notes),
                              f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              key=f"{key}_xlsx", on_click="ignore")
