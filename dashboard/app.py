"""What the entry script does on every run: demo database, schema check, banner, filter."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard import access, config, prefetch, prewarm, style
from dashboard.cache import check_freshness, note_page_filters, engine_for, run, run_on_engine, start_page_budget
from dashboard.db import DataError
from dashboard.doctor import check_schema
from dashboard.filters import sidebar_filters, to_url, url_notices
from dashboard.present import present_url
from dashboard.format import fmt_date
from dashboard.safe import DisplayNames, as_text, display_regions
from queries.periods import data_date_from_refreshed
from dashboard.ui import SHOWN_FIGURES, PageContext, opens_another_tab, page_header, require_data
from queries.meta import earliest_event_on, region_tree, report_meta_values

EMPTY_REGIONS = pd.DataFrame(columns=["code", "name", "level", "parent_code", "lon", "lat", "sort_order"])


def ensure_demo_database() -> None:
    """Create the demo database on first run, and again when its data date is past (only when
    the app is pointed at the demo; a real reporting database is never touched)."""
    if config.database_url() != config.DEMO_DB_URL:
        return
    from data.demo import is_current, ensure_demo_database as build

    if is_current(config.DEMO_DB_PATH):
        return
    word = "更新" if config.DEMO_DB_PATH.exists() else "生成"
    bar = st.progress(0.0, text=f"正在{word}演示数据库……")
    build(progress=lambda fraction, text: bar.progress(min(max(fraction, 0.0), 1.0), text=f"{word}演示数据库：{text}"))
    bar.empty()
    st.cache_data.clear()  # results of the old demo file are stale


def schema_problems() -> list[str]:
    """The schema check's sentences for the configured database (cached like every query: it
    probes every table and column). While it finds a problem it is checked again on every run,
    so a fixed schema loses its banner at once rather than after the cache's lifetime."""
    problems = run_on_engine(check_schema)
    if problems:
        problems = check_schema(engine_for(config.database_url()))
    return problems


def _banner(meta: dict[str, str]) -> tuple[datetime | None, str]:
    refreshed = meta.get("refreshed_at")
    if not refreshed:
        st.warning("报表库缺少 report_meta.refreshed_at，无法确定数据截至日期；暂按昨天计。")
        return None, ""
    try:
        data_date = data_date_from_refreshed(refreshed)
        stamp = datetime.fromisoformat(refreshed.replace("Z", "+00:00"))
    except ValueError:
        st.warning(f"report_meta.refreshed_at 的值“{as_text(refreshed)}”不是有效的时间，暂按昨天计。")
        return None, ""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=config.BEIJING)
    local = stamp.astimezone(config.BEIJING)
    age_hours = (config.now() - local).total_seconds() / 3600
    text = f"数据截至 {fmt_date(data_date)}（报表库更新于 {local:%Y-%m-%d %H:%M}）"
    if age_hours > config.stale_after_hours():
        st.error(f"{text}——数据已超过 {config.stale_after_hours():g} 小时未更新，请核实报表库同步。", icon=":material/schedule:")
    else:
        st.info(text, icon=":material/event:")
    return local, data_date


def start_page(title: str) -> PageContext:
    """Every page's first line: demo DB, banner, schema check, shared filter, then the title.

    Pages call this themselves (rather than the entry script doing it) so a page renders the
    same whether streamlit runs it through st.navigation or directly (AppTest reruns).
    """
    _leave_legacy_pages_mode()
    note_page_filters(None)  # the calls before the sidebar's filter are not the page's own
    start_page_budget()
    st.session_state[SHOWN_FIGURES] = []
    style.inject()
    ctx = _bootstrap()
    page_header(title, ctx)
    if not require_data(ctx):
        st.stop()
    return ctx


def _leave_legacy_pages_mode() -> None:
    """Rerun through the entry script when streamlit ran this page file on its own.

    With a `pages/` folder beside the entry script, streamlit starts each process (and AppTest
    each run) in its legacy multipage mode until the entry script calls st.navigation: a first
    visit straight to /penalties on a fresh server would run the page without the entry's page
    config and Chinese navigation. Clearing the flag and rerunning sends the run through
    streamlit_app.py, which lands on the same page (same url_path, same page hash).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _bootstrap() -> PageContext:
    ensure_demo_database()
    # The pre-warm thread starts with any session's first run, signed in or not (it only fills the
    # shared cache): ./run.sh opens one right after the server starts (scripts/first_visit.py).
    prewarm.start(config.database_url())
    person = access.viewer()  # sign-in first (when configured): nothing of the data shows before it
    access.require_scope(person)
    check_freshness()  # results stay cached until the data date (refreshed_at) changes
    today = config.today()
    data_date = today - timedelta(days=1)
    meta: dict[str, str] = {}
    regions = EMPTY_REGIONS
    earliest = None
    try:
        meta = run(report_meta_values)
        regions = display_regions(run(region_tree))
    except DataError as exc:
        st.error(exc.message, icon=":material/error:")
    else:
        _, found = _banner(meta)
        if found:
            data_date = found
        try:
            for problem in schema_problems():
                st.error(problem, icon=":material/table_chart:")
        except DataError as exc:
            st.error(exc.message, icon=":material/error:")
        try:
            earliest = run(earliest_event_on)
        except DataError:
            earliest = None  # a missing table is named by the schema check above
    bureau_name = as_text(meta.get("bureau_name"))
    st.sidebar.markdown(f"**监管驾驶舱**  \n{bureau_name}")
    for problem in config.setting_problems():
        st.warning(problem)
    filters = sidebar_filters(regions, today, data_date, earliest, person.counties)
    note_page_filters(filters)  # what the page asks for is replayed by the pre-warm
    # A link to another tab asks for that tab's queries: prefetching the first view's would only
    # compete with them on a cold cache.
    page = None if opens_another_tab() else st.session_state.get("page_url_path") or "overview"
    prefetch.start(config.database_url(), page, filters)
    st.sidebar.link_button(
        "会议演示模式", present_url(st.session_state.get("page_url_path") or "overview", to_url(filters)),
        icon=":material/slideshow:", help="全屏大字、一屏一个专题，筛选条件与数据截至日固定；←/→ 翻屏。",
    )
    for notice in url_notices():
        st.warning(notice)
    if filters.notice:
        st.info(filters.notice)
    # A county-scoped viewer's pages know only the city and their counties (no other county's
    # name, outline or line reaches a chart); the city figure comes from its own query (ui.city_run).
    regions = access.visible_regions(regions, person)
    ctx = PageContext(
        filters=filters,
        names=DisplayNames(zip(regions["code"], regions["name"])),
        regions=regions,
        data_date=data_date,
        bureau_name=bureau_name,
        scope=person.counties,
    )
    return ctx
