"""Meeting mode (会议演示模式, `?mode=present`): one topic per screen, large type, no controls.

A screen is the topic's headline figures (3–4 registry figures, drawn by the same card helpers
as the normal pages) and the one chart that explains them (the same query and chart builder as
the topic page), under a slim top line with the bureau, the period and 数据截至. The filter is
fixed from the URL (the same parameters as the normal pages). `rotate=N` moves to the next
screen every N seconds; ←/→ (or the two buttons) step through by hand.

The presentation is a pinned snapshot: the URL carries the data date it was opened with
(`asof=YYYY-MM-DD`) and every screen is evaluated at that date, so the figures stay those of
the morning's briefing; a newer refresh of the reporting database is announced, not applied.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

import streamlit as st

from dashboard import access, config, prewarm, style
from dashboard.cache import check_freshness, run
from dashboard.db import DataError
from dashboard.filters import describe, parse_url, to_url
from dashboard.format import fmt_date
from dashboard.safe import DisplayNames, as_text, display_regions
from dashboard.ui import PageContext, section
from queries.meta import region_tree, report_meta_values
from queries.periods import build_filters, data_date_from_refreshed

MODE = "present"
ROTATE_MIN_SECONDS = 5
ROTATE_MAX_SECONDS = 3600
_SHOWN_AT = "present_shown_at"
_SCREEN = "present_screen"
_SCALE = "present_chart_scale"
DESIGN_WIDTH_PX = 1920
"""The screen width the meeting-mode sizes are set for (chart text 20 px); others in proportion."""
SCALE_RANGE = (0.5, 2.0)

# The browser's width, reported to the server (and again after a resize), so the charts' text —
# fixed sizes inside the plotly figure, unlike the cards' CSS (vw) — is drawn in proportion too.
_VIEWPORT_JS = """
export default function(component) {
  const { setStateValue } = component;
  let timer = null;
  const report = () => setStateValue('width', window.innerWidth);
  const onResize = () => { clearTimeout(timer); timer = setTimeout(report, 400); };
  window.addEventListener('resize', onResize);
  report();
  return () => { clearTimeout(timer); window.removeEventListener('resize', onResize); };
}
"""
_viewport = st.components.v2.component("jianguan_viewport", js=_VIEWPORT_JS)


def is_present() -> bool:
    """True when the URL asks for meeting mode."""
    return st.query_params.get("mode") == MODE


@dataclass
class ShowParams:
    """The meeting-mode URL parameters, validated, with a sentence for each one dropped."""

    screen: str
    rotate_seconds: int | None = None
    asof: date | None = None
    notices: list[str] = field(default_factory=list)


def parse_show(params: dict, screens: tuple[str, ...], default_screen: str) -> ShowParams:
    """`screen`, `rotate` and `asof` from the URL; never raises (a bad value is dropped with a notice)."""
    show = ShowParams(screen=default_screen if default_screen in screens else screens[0])
    screen = params.get("screen")
    if screen is not None:
        if screen in screens:
            show.screen = screen
        else:
            show.notices.append(f"链接参数 screen={screen!r} 无效，已从第一屏开始。")
    rotate = params.get("rotate")
    if rotate not in (None, "", "0"):
        try:
            seconds = int(rotate)
            if not ROTATE_MIN_SECONDS <= seconds <= ROTATE_MAX_SECONDS:
                raise ValueError
            show.rotate_seconds = seconds
        except ValueError:
            show.notices.append(
                f"链接参数 rotate={rotate!r} 无效（应为 {ROTATE_MIN_SECONDS} 到 {ROTATE_MAX_SECONDS} 之间的整数秒），已停止自动轮播。"
            )
    asof = params.get("asof")
    if asof is not None:
        try:
            show.asof = date.fromisoformat(asof)
        except ValueError:
            show.notices.append(f"链接参数 asof={asof!r} 不是有效日期（应为 YYYY-MM-DD），已改用报表库当前的数据截至日。")
    return show


def pin_data_date(asof: date | None, current: date) -> tuple[date, str | None]:
    """The data date the presentation shows, and the sentence announcing a newer refresh.

    The pinned date is the one the URL was opened with; a database refreshed since is
    announced and not applied. A pinned date later than the database's is not possible to
    show, so the database's date is used, with a sentence saying so.
    """
    if asof is None or asof == current:
        return current, None
    if asof > current:
        return current, f"链接中的数据截至日 {fmt_date(asof)} 晚于报表库的 {fmt_date(current)}，已按报表库的日期显示。"
    return asof, (
        f"报表库已更新至{fmt_date(current)}；本次演示保持数据截至{fmt_date(asof)}，与会前简报一致。"
        "散会后可打开最新数据。"
    )


def present_url(screen: str, filter_params: dict[str, str], **extra) -> str:
    """The relative link that opens meeting mode on `screen` with the given filter."""
    params = {"mode": MODE, "screen": screen, **filter_params}
    params.update({key: str(value) for key, value in extra.items() if value is not None})
    return "./?" + urlencode(params)


def _current_data_date(meta: dict[str, str], today: date) -> date:
    try:
        return data_date_from_refreshed(meta["refreshed_at"])
    except (KeyError, ValueError):
        return today - timedelta(days=1)


def present_context(default_screen: str, screens: tuple[str, ...]) -> tuple[PageContext | None, ShowParams, list[str]]:
    """The filter, names and pinned data date of this presentation, the show's parameters and the
    sentences to announce; writes the pinned date into the URL (so a reload keeps it)."""
    from dashboard.app import ensure_demo_database

    ensure_demo_database()
    prewarm.start(config.database_url())  # as a page's first run does (dashboard/app.py)
    check_freshness()  # a refresh during the meeting is seen (and announced) at once
    params = dict(st.query_params)
    show = parse_show(params, screens, default_screen)
    notices = list(show.notices)
    today = config.today()
    person = access.viewer()
    access.require_scope(person)
    try:
        meta = run(report_meta_values)
        regions = display_regions(run(region_tree))
    except DataError as exc:
        notices.append(exc.message)
        return None, show, notices
    current = _current_data_date(meta, today)
    pinned, announcement = pin_data_date(show.asof, current)
    if announcement:
        notices.append(announcement)
    # The periods resolve as on the morning after the pinned data date, so a meeting that runs
    # past midnight, or a refresh, does not move "上周" either.
    effective_today = today if pinned == current else pinned + timedelta(days=1)
    url = parse_url(params, regions, pinned, allowed=person.counties)
    notices += url.notices
    filters = build_filters(url.preset, effective_today, pinned, url.comparison, url.custom, url.counties, url.office)
    if filters.notice:
        notices.append(filters.notice)
    st.query_params.from_dict({
        **to_url(filters), "mode": MODE, "screen": show.screen, "asof": pinned.isoformat(),
        **({"rotate": str(show.rotate_seconds)} if show.rotate_seconds else {}),
    })
    regions = access.visible_regions(regions, person)
    ctx = PageContext(
        filters=filters, names=DisplayNames(zip(regions["code"], regions["name"])), regions=regions,
        data_date=pinned, bureau_name=as_text(meta.get("bureau_name")), scope=person.counties,
    )
    return ctx, show, notices


def viewport_scale() -> float:
    """The browser's width over DESIGN_WIDTH_PX (within SCALE_RANGE); 1 until the browser has
    said (and under AppTest, which has none). Kept for the screen's chart (chart_scale)."""
    width = _viewport(key="present_viewport", on_width_change=lambda: None).get("width")
    scale = 1.0
    if isinstance(width, (int, float)) and width > 0:
        scale = min(max(width / DESIGN_WIDTH_PX, SCALE_RANGE[0]), SCALE_RANGE[1])
    st.session_state[_SCALE] = scale
    return scale


def chart_scale() -> float:
    """The factor for the meeting-mode chart's type sizes on this browser (viewport_scale)."""
    return st.session_state.get(_SCALE, 1.0)


def top_line(ctx: PageContext, position: str) -> None:
    """The slim line over every screen: bureau, period and comparison, 数据截至, screen number."""
    bureau = html.escape(ctx.bureau_name or "监管驾驶舱")
    period = html.escape(describe(ctx.filters, ctx.names))
    st.html(
        f"<div class='present-topline'><span><b>{bureau}</b>　{period}</span>"
        f"<span><b>数据截至{fmt_date(ctx.data_date)}</b>　{html.escape(position)}</span></div>"
    )


def notice_line(notices: list[str]) -> None:
    """Announcements (a newer refresh, a dropped URL parameter) in one small line."""
    if notices:
        st.html("<div class='present-notice'>" + "　".join(html.escape(n) for n in notices) + "</div>")


def _go(screens: tuple[str, ...], step: int) -> None:
    current = st.session_state.get(_SCREEN, screens[0])
    index = (screens.index(current) + step) % len(screens) if current in screens else 0
    st.session_state[_SCREEN] = screens[index]
    st.session_state[_SHOWN_AT] = None


def navigation(screens: tuple[str, ...], titles: dict[str, str], screen: str) -> None:
    """Page indicator and the two step buttons (← and → keys)."""
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", key="present_nav"):
        st.button("上一屏", icon=":material/chevron_left:", shortcut="Left", key="present_prev",
                  on_click=_go, args=(screens, -1), type="tertiary")
        st.html(
            "<span class='present-nav'>"
            + "　".join(
                f"<b>{html.escape(titles[s])}</b>" if s == screen else html.escape(titles[s]) for s in screens
            )
            + "</span>",
            width="content",
        )
        st.button("下一屏", icon=":material/chevron_right:", shortcut="Right", key="present_next",
                  on_click=_go, args=(screens, 1), type="tertiary")


def rotation(screens: tuple[str, ...], seconds: int) -> None:
    """Move to the next screen every `seconds` (a timer on the server: works offline)."""
    st.session_state[_SHOWN_AT] = time.monotonic()

    @st.fragment(run_every=seconds)
    def _tick() -> None:
        shown_at = st.session_state.get(_SHOWN_AT)
        if shown_at is not None and time.monotonic() - shown_at >= seconds - 0.5:
            _go(screens, 1)
            st.rerun(scope="app")

    _tick()


def show(screens: dict, default_screen: str) -> None:
    """Render meeting mode: `screens` maps a screen code to (title, draw(ctx)) in show order."""
    style.inject(present=True)
    viewport_scale()
    order = tuple(screens)
    ctx, params, notices = present_context(default_screen, order)
    # The screen lives in session state once the show runs (buttons and the timer move it);
    # the URL's screen is where a fresh session starts.
    if st.session_state.get(_SCREEN) not in order or st.session_state.get("present_url_screen") != params.screen:
        st.session_state[_SCREEN] = params.screen
    screen = st.session_state[_SCREEN]
    st.query_params["screen"] = screen
    st.session_state["present_url_screen"] = screen
    titles = {code: title for code, (title, _) in screens.items()}
    if ctx is None:
        notice_line(notices)
        return
    top_line(ctx, f"第 {order.index(screen) + 1} / {len(order)} 屏")
    notice_line(notices)
    st.html(f"<p class='present-title'>{html.escape(titles[screen])}</p>")
    if not ctx.filters.period.has_data:
        st.info(f"报表数据截至{fmt_date(ctx.data_date)}，所选时间段尚无数据。")
    else:
        with section():
            screens[screen][1](ctx)
    navigation(order, titles, screen)
    if params.rotate_seconds:
        rotation(order, params.rotate_seconds)
