"""企业信用风险分类: which counties hold the high-risk enterprises, and is it getting better (metrics.md §1)."""

from functools import partial

import streamlit as st

from dashboard import charts_credit_risk as charts
from dashboard import config, maps, quality
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section
from dashboard.cache import run
from dashboard.detail_table import detail_table
from dashboard.filters import drill_into, region_phrase, switch_preset
from dashboard.format import fmt_count, fmt_date
from dashboard.i18n import region_name
from dashboard.ui import city_run, data_check_sentences, with_city_row
from dashboard.ui import count_card, download_buttons, footnote, in_tabs, rate_card, show_chart, show_page, show_sections
from dashboard.ui import table as show_table
from queries import credit_risk as cr
from queries.metrics import metric, topic_tables

SCOPE = config.credit_risk_entity_types()  # the classification scope (分类对象), passed to every credit query
SCOPE_PHRASE = charts.scope_phrase(SCOPE)
CALIBER = f"{SCOPE_PHRASE}；每家在册企业取当日最新一次分类结果；占比 = 该等级企业数 / 已评级企业数（未分类不计入）"
CHART_CALIBER = f"{SCOPE_PHRASE}；每家在册企业取当日最新一次分类结果；<br>占比 = 该等级企业数 / 已评级企业数（未分类不计入）"
MIGRATION_CALIBER = f"{SCOPE_PHRASE}；两个日期均在册且均已评级的企业；<br>升级 = 向A类移动，降级 = 向D类移动"


def distributions(ctx):
    """Grade counts per region at P's and Q's as-of dates (cached by `run`)."""
    return run(cr.grade_distributions, ctx.filters, entity_types=SCOPE)


def city_totals(ctx):
    """The whole city's grade totals at P's as-of date, for a county-scoped viewer (else None)."""
    city = city_run(ctx, cr.grade_distributions, entity_types=SCOPE)
    return None if city is None else cr.grade_totals(city[0])


def headline_cards(ctx) -> None:
    """metrics.md's headline: rated enterprises, high-risk share, D count, 未分类."""
    now, then = (cr.grade_totals(d) for d in distributions(ctx))
    city = city_totals(ctx)
    note = _as_of_note(ctx)
    cards = st.columns(4)
    with cards[0]:
        count_card("rated_count", now.rated_count, then.rated_count, ctx, help_note=note, city=city and city.rated_count)
    with cards[1]:
        rate_card("high_risk_share", *_parts(now.high_risk), *_parts(then.high_risk), ctx, help_note=note,
                  city=city and _parts(city.high_risk))
    with cards[2]:
        count_card("d_count", now.d_count, then.d_count, ctx, help_note=note, city=city and city.d_count)
    with cards[3]:
        count_card("unrated_count", now.unrated_count, then.unrated_count, ctx, help_note=note, short=True,
                   city=city and city.unrated_count)
    st.caption(f"口径：{SCOPE_PHRASE}；各项数字均按此范围计。")


def grade_cards(ctx) -> None:
    """The rest of the grade distribution: A, B and C counts and the D share."""
    now, then = (cr.grade_totals(d) for d in distributions(ctx))
    city = city_totals(ctx)
    note = _as_of_note(ctx)
    cards = st.columns(4)
    for column, grade in zip(cards, ("A", "B", "C")):
        with column:
            code = f"{grade.lower()}_count"
            count_card(code, getattr(now, code), getattr(then, code), ctx, help_note=note, city=city and getattr(city, code))
    with cards[3]:
        rate_card("d_share", *_parts(now.d_share), *_parts(then.d_share), ctx, help_note=note,
                  city=city and _parts(city.d_share))


def _as_of_note(ctx) -> str:
    f = ctx.filters
    return f"{SCOPE_PHRASE}。等级为{fmt_date(f.period.as_of)}各企业的最新评级，对比{fmt_date(f.comparison.as_of)}。"


def _parts(rate) -> tuple[int, int]:
    return rate.numerator, rate.denominator


# The key of the detail tabs (and their URL parameter): a map click on an office opens CD_TAB.
# (A comment, not a docstring: a bare string in a page script is drawn on the page.)
DETAIL_TABS = "credit_tab"
CD_TAB = "C/D类企业名单"


def by_region(ctx) -> None:
    """The map first (the chart that explains the headline), then the detail in tabs: trend,
    grade distribution, migration, the C/D list and the table, all from one frame of region figures."""
    figures = charts.region_figures(*distributions(ctx), ctx.regions, ctx.filters)
    show_sections(
        ctx,
        partial(county_map, figures=figures),
        in_tabs(
            key=DETAIL_TABS,
            走势=trend,
            等级分布=partial(grade_distribution, figures=figures),
            等级迁移=migration,
            **{CD_TAB: partial(high_risk_list, figures=figures)},
            明细表=partial(region_table, figures=figures),
        ),
    )


def grade_distribution(ctx, figures) -> None:
    """The A, B, C counts and D share, over the region × grade grid."""
    show_sections(ctx, grade_cards, partial(heat_grid, figures=figures))


def county_map(ctx, figures) -> None:
    """The map: measure switch, optional C/D density, legend, footnote; a clicked county drills in.
    In a container of its own: the map's fullscreen takes this section (style.MAP_FULLSCREEN_JS)."""
    with st.container(key="credit_map_section"):
        _county_map(ctx, figures)


def _county_map(ctx, figures) -> None:
    f = ctx.filters
    level = "各监管所" if f.by_office else "各旗县市区"
    title = st.empty()
    controls = st.columns([3, 2] + ([1] if f.counties else []), vertical_alignment="center")
    # The measure and the density toggle live in the URL (bind), so a copied link shows this view.
    measure = controls[0].segmented_control(
        "地图指标", list(charts.MEASURES), format_func=charts.MEASURES.get, default="high_risk_share",
        required=True, key="credit_map_measure", label_visibility="collapsed", bind="query-params",
    )
    title.markdown(f"#### {level}{charts.MEASURES[measure]}（{fmt_date(f.period.as_of)}）")
    show_density = controls[1].toggle("叠加C/D类企业密度", key="credit_map_density", bind="query-params")
    if f.counties:
        controls[2].button("返回全市", key="credit_map_back", on_click=drill_into, args=(None,))
    areas = charts.map_areas(figures, measure)
    scale = charts.map_scale(areas)
    boundaries = maps.read_boundaries(config.boundaries_path())
    density = run(cr.high_risk_density, f, entity_types=SCOPE) if show_density else None
    deck = maps.area_deck(areas, boundaries, scale, context_codes=_context_codes(ctx), density=density)
    event = st.pydeck_chart(
        deck, on_select="rerun", selection_mode="single-object", height=maps.MAP_HEIGHT,
        key=f"credit_map_{'_'.join(f.counties) or 'city'}", alt=f"{level}{charts.MEASURES[measure]}地图",
    )
    st.markdown(maps.legend_html(charts.MEASURES[measure], scale, charts.measure_text(measure)), unsafe_allow_html=True)
    source = config.boundaries_source() or ("无边界数据，按区划中心点绘制" if not boundaries.shapes else "未注明")
    hint = _map_hint(ctx) + ("；热力为C/D类企业分布，颜色越深越密集" if show_density else "")
    st.caption(f"{hint}。{footnote(ctx, CALIBER, 'high_risk_share').replace('<br>', '；')}｜边界：{source}")
    ctx.notes.extend(quality.credit_map(areas, boundaries, density))
    _drill(ctx, maps.selected_code(event))


def _context_codes(ctx) -> tuple[str, ...]:
    """Grey outlines under the map: the chosen county around its offices, else the counties not chosen."""
    f = ctx.filters
    counties = tuple(ctx.regions.loc[ctx.regions["level"] == "county", "code"])
    if f.by_office:
        return f.counties
    return tuple(c for c in counties if f.counties and c not in f.counties)


def _map_hint(ctx) -> str:
    """What the map's shapes mean and what a click does."""
    if ctx.filters.by_office:
        return f"圆点为监管所驻地，大小与颜色表示指标值；点击监管所在下方“{CD_TAB}”标签页打开其名单"
    return "点击旗县市区可下钻查看其监管所"


def _drill(ctx, code: str | None) -> None:
    """A clicked county narrows the whole page to it (the shared filter, kept in the URL); a
    clicked office opens its C/D enterprise list (the list below the map, set to that office)."""
    counties = set(ctx.regions.loc[ctx.regions["level"] == "county", "code"])
    if code in counties and ctx.filters.counties != (code,):
        drill_into(code)
        st.rerun()
    offices = set(ctx.regions.loc[ctx.regions["level"] == "office", "code"])
    # Only a new click moves the list: the map keeps its selection across reruns, and the list's
    # own region picker must stay free to change afterwards.
    if code in offices and st.session_state.get("credit_map_opened") != code:
        st.session_state["credit_map_opened"] = code
        st.session_state[f"{CD_LIST}_region"] = code
        st.session_state[f"{CD_LIST}_page"] = 1
        st.session_state[DETAIL_TABS] = CD_TAB  # the list is in a tab: open it
    if code is None:
        st.session_state.pop("credit_map_opened", None)


CD_LIST = "credit_cd"


def high_risk_list(ctx, figures) -> None:
    """The C/D enterprises behind the shares: by region, searchable, paged in SQL, downloadable."""
    opened = st.session_state.get("credit_map_opened")
    if opened:
        st.caption(f"已打开{region_name(opened, ctx.names)}的C/D类企业名单（地图上点击其他监管所可切换）。")
    detail_table(
        ctx, "high_risk", f"C/D类企业名单（{fmt_date(ctx.filters.period.as_of)}）", CD_LIST,
        region_options=list(figures["code"]), caliber=f"{SCOPE_PHRASE}；截至日最新分类结果为C类或D类的在册企业",
        entity_types=SCOPE,
    )


def trend(ctx) -> None:
    """High-risk share at 12 month ends: the city and the counties shown (and the chosen office)."""
    f = ctx.filters
    frame = run(cr.high_risk_trend, f, entity_types=SCOPE)
    counties = list(ctx.regions.loc[ctx.regions["level"] == "county", "code"])
    shown = list(f.counties or counties) + ([f.office] if f.office else [])
    points = cr.trend_points(f)
    title = f"高风险占比月末走势（{points[0].year}年{points[0].month}月—{fmt_date(points[-1])}）"
    caliber = f"{SCOPE_PHRASE}；{metric('high_risk_share').caliber}；<br>末点为数据截至日"
    show_chart(charts.trend_chart(frame, counties, shown, ctx.names, title, footnote(ctx, caliber, "high_risk_share")), "credit_trend")


def heat_grid(ctx, figures) -> None:
    """Region × grade shares, highest high-risk share first."""
    f = ctx.filters
    title = f"{'各监管所' if f.by_office else '各旗县市区'}各等级占比（{fmt_date(f.period.as_of)}，按高风险占比排序）"
    show_chart(charts.grade_heat_grid(figures, title, footnote(ctx, CHART_CALIBER, "high_risk_share")), "credit_heat_grid")


def migration(ctx) -> None:
    """Grade at Q's as-of date → grade at P's, with the upgraded / downgraded totals; when no
    enterprise changed grade (assessments are not weekly), one line that says so instead."""
    f = ctx.filters
    matrix = run(cr.migration_matrix, f, entity_types=SCOPE)
    totals = cr.migration_totals(matrix)
    q_on, p_on = f.comparison.as_of, f.period.as_of
    if totals.upgraded + totals.downgraded == 0:
        st.markdown("#### 信用等级迁移")
        latest = run(cr.latest_assessment_on, f, entity_types=SCOPE)
        round_text = f"最近一轮评级为{fmt_date(latest)}" if latest else "尚无评级结果"
        st.info(f"本期无等级变化：{fmt_date(q_on)}与{fmt_date(p_on)}均已评级的"
                f"{fmt_count(totals.unchanged)}家企业等级均未变；{round_text}。", icon=":material/info:")
        if f.effective_preset != "last_quarter":
            st.button("切换到上季度查看等级迁移", key="credit_migration_quarter", icon=":material/swap_horiz:",
                      on_click=switch_preset, args=("last_quarter",))
        return
    title = f"信用等级迁移：升级{fmt_count(totals.upgraded)}家，降级{fmt_count(totals.downgraded)}家"
    subtitle = f"行：{fmt_date(q_on)}等级 → 列：{fmt_date(p_on)}等级"
    show_chart(charts.migration_chart(matrix, q_on, p_on, title, subtitle, footnote(ctx, MIGRATION_CALIBER, "upgraded")), "credit_migration")
    for column, code in zip(st.columns(3), ("upgraded", "downgraded", "unchanged")):
        with column:
            count_card(code, getattr(totals, code), None, ctx)


def region_table(ctx, figures) -> None:
    """The region figures as a table, downloadable as CSV and Excel."""
    f = ctx.filters
    region_title = "监管所" if f.by_office else "旗县市区"
    # With one office chosen its own row is the total: no second "开鲁县·…所" row with the same numbers.
    totals = tuple(cr.grade_totals(d) for d in distributions(ctx))
    frame = charts.county_table(figures, totals, None if f.office else region_phrase(f, ctx.names), region_title)
    city = city_run(ctx, cr.grade_distributions, entity_types=SCOPE)
    if city is not None:
        city_totals_pq = tuple(cr.grade_totals(d) for d in city)
        frame = with_city_row(frame, charts.county_table(figures.iloc[:0], city_totals_pq, "全市", region_title))
    st.markdown(f"#### {region_title}信用风险分类明细（{fmt_date(f.period.as_of)}）")
    show_table(frame, key="credit_table")
    download_buttons(frame, f"企业信用风险分类_{f.period.as_of.isoformat()}", ctx, key="credit_table_download")


def data_quality(ctx) -> None:
    """Rows the figures left out or counted as 未分类 (metrics.md, data-quality notes)."""
    ctx.notes.extend(quality.credit_risk(run(cr.data_quality, ctx.filters, entity_types=SCOPE), SCOPE_PHRASE))
    ctx.notes.extend(data_check_sentences(ctx, topic_tables("credit_risk")))


show_page(start_page("企业信用风险分类"), briefing_section("credit_risk"), headline_cards, by_region, data_quality)
