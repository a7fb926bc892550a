"""监管总览: what needs attention (需关注, metrics.md "Targets") and the period's headline figures
of every topic, each linking to its page. The first page, projected first in a joint meeting."""

import pandas as pd
import streamlit as st

from dashboard import attention as att
from dashboard.app import start_page
from dashboard.briefing.app import briefing_section, summary_box
from dashboard.cache import run
from dashboard.charts_credit_risk import scope_phrase
from dashboard.config import credit_risk_entity_types, targets
from dashboard.filters import region_phrase
from dashboard.format import fmt_count, fmt_date, fmt_rate, fmt_signed_count
from dashboard.i18n import ENTITY_TYPE, label, region_name
from dashboard.ui import (
    count_card,
    download_buttons,
    footnote,
    money_card,
    rate_card,
    section,
    show_page,
    show_sections,
    side_by_side,
    summary_rate_card,
)
from dashboard.ui import city_run
from dashboard.ui import table as show_table
from queries import credit_risk, inspections, lists, market, penalties, revisits
from queries.annual_reports import annual_report_rate_parts, season
from queries.metrics import metric

# att.target_parts argument → the query giving that topic's per-region target parts (a comment:
# streamlit's magic would print a bare string on the page).
TARGET_SOURCES = {
    "inspection": inspections.targets_by_region,
    "revisit": revisits.revisit_targets,
    "annual": annual_report_rate_parts,
}
TOPIC_ICONS = {
    "pages/credit_risk.py": ":material/map:",
    "pages/inspections.py": ":material/fact_check:",
    "pages/lists.py": ":material/list_alt:",
    "pages/revisits.py": ":material/handshake:",
    "pages/penalties.py": ":material/balance:",
}


def _now_and_then(ctx, query, *args):
    """`query` over the period and over the comparison period (a card's value and its comparison)."""
    return run(query, ctx.filters, *args), run(query, ctx.filters.compared(), *args)


def attention_statuses(ctx) -> list[att.FigureStatus]:
    """The six target figures' statuses; a source that fails shows its one sentence and its
    figures are marked unreadable, the others are still judged."""
    sources = {}
    for name, query in TARGET_SOURCES.items():
        with section():
            sources[name] = run(query, ctx.filters)
    year = season(ctx.filters).report_year
    return att.attention(
        att.target_parts(**sources), targets(), ctx.filters, ctx.names,
        labels={"annual_report_rate": f"{year}年度年报公示率"},
    )


def figure_box(status: att.FigureStatus) -> None:
    """One figure below target: its name and target beside the page to open (under its navigation
    title), then its regions, worst first."""
    with st.container(border=True):
        with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):
            st.markdown(f"**:red[未达标]　{status.label}**　:gray[{att.target_text(status.target)}]", width="content")
            st.page_link(status.figure.page_path, icon=":material/arrow_forward:", help="打开该页查看明细")
        st.markdown("\n".join(f"- {item.line}" for item in status.items))


def attention_list(ctx) -> None:
    f = ctx.filters
    st.subheader("需关注", help=(
        f"{att.scope_phrase(f, ctx.names)}中按精确值低于目标的指标：先列合计，再按差距从大到小；无分母（“—”）的不列。"
        f"年报公示率为{season(f).report_year}年度截至{fmt_date(season(f).as_of)}。"
    ))
    statuses = attention_statuses(ctx)
    below = [s for s in statuses if s.state == "below"]
    rest = att.others_sentence(statuses, f, ctx.names)
    if not below:
        if any(s.state == "unavailable" for s in statuses):
            st.warning(rest, icon=":material/warning:")
        else:
            st.success(rest, icon=":material/check_circle:")
        return
    for status in below:
        figure_box(status)
    if rest:
        st.markdown(f":green[**其余指标**]：{rest}")


def topic_link(page: str) -> None:
    """The topic's page under its navigation title, heading its cards."""
    st.page_link(page, icon=TOPIC_ICONS[page])


def credit_cards(ctx) -> None:
    topic_link("pages/credit_risk.py")
    scope = credit_risk_entity_types()
    # P's and Q's distributions come from one call (the credit-risk page's own, so it is shared).
    now, then = (credit_risk.grade_totals(frame)
                 for frame in run(credit_risk.grade_distributions, ctx.filters, entity_types=scope))
    city = city_run(ctx, credit_risk.grade_distributions, entity_types=scope)
    city = None if city is None else credit_risk.grade_totals(city[0]).high_risk
    rate_card("high_risk_share", now.high_risk.numerator, now.high_risk.denominator,
              then.high_risk.numerator, then.high_risk.denominator, ctx, help_note=f"{scope_phrase(scope)}。",
              city=city and (city.numerator, city.denominator))


def inspection_cards(ctx) -> None:
    topic_link("pages/inspections.py")
    now, then = _now_and_then(ctx, inspections.headline)
    city = city_run(ctx, inspections.headline)
    left, right = st.columns(2)
    with left:
        summary_rate_card("completion_rate", now, then, ctx, city=city)
    with right:
        summary_rate_card("publication_timeliness", now, then, ctx, city=city)


def list_cards(ctx) -> None:
    topic_link("pages/lists.py")
    now, then = _now_and_then(ctx, lists.list_flows, "abnormal")
    city = city_run(ctx, lists.list_flows, "abnormal")
    for column, code in zip(st.columns(2), ("inflow", "outflow")):
        with column:
            count_card(code, getattr(now, code), getattr(then, code), ctx, label=f"经营异常名录{metric(code).short}",
                       city=city and getattr(city, code))


def revisit_card(ctx) -> None:
    topic_link("pages/revisits.py")
    now, then = _now_and_then(ctx, revisits.revisit_summary)
    summary_rate_card("revisit_rate", now, then, ctx, city=city_run(ctx, revisits.revisit_summary))


def penalty_card(ctx) -> None:
    topic_link("pages/penalties.py")
    now, then = _now_and_then(ctx, penalties.penalty_summary)
    city = city_run(ctx, penalties.penalty_summary)
    money_card("waived_amount", now.waived_yuan, then.waived_yuan, ctx, city=city and city.waived_yuan)


MARKET_CALIBER = (
    "全部市场主体（企业、个体工商户、农民专业合作社）；总量为截至日在册（已登记、未注销）户数；"
    "同比增长 = 截至日总量 / 上年同日总量 − 1，不论所选对比方式；新设、注销按登记、注销日期在本期（至截至日）计"
)


def market_cards(ctx) -> None:
    """市场主体发展 (metrics.md §7), the row every bureau report opens with: total with its growth
    year on year, new and closed, each count against the comparison period (net in the new
    card's tooltip and in the breakdown tables)."""
    f = ctx.filters
    now, then = run(market.market_summaries, f)
    city = city_run(ctx, market.market_summary)
    st.subheader("市场主体发展", help=MARKET_CALIBER)
    cards = st.columns(4)
    with cards[0]:
        count_card("market_total", now.total_count, then.total_count, ctx,
                   help_note=f"截至{fmt_date(f.period.as_of)}，对比{fmt_date(f.comparison.as_of)}。",
                   city=city and city.total_count)
    with cards[1]:
        rate_card("market_growth", now.growth_count, now.year_ago_count, None, None, ctx, short=True,
                  help_note=f"{fmt_date(f.period.as_of)}总量{fmt_count(now.total_count)}户，"
                            f"{fmt_date(market.year_ago(f))}总量{fmt_count(now.year_ago_count)}户。",
                  city=city and (city.growth_count, city.year_ago_count))
    with cards[2]:
        count_card("market_new", now.new_count, then.new_count, ctx, label="本期新设",
                   help_note=f"本期净增（新设 − 注销）{fmt_signed_count(now.net_count)}户。",
                   city=city and city.new_count)
    with cards[3]:
        count_card("market_closed", now.closed_count, then.closed_count, ctx, label="本期注销",
                   city=city and city.closed_count)


def _market_rows(frame, first_column: str, names) -> list[dict]:
    rows = []
    for record in frame.to_dict("records"):
        total, year_ago = int(record["total_count"]), int(record["year_ago_count"])
        new, closed = int(record["new_count"]), int(record["closed_count"])
        rows.append({
            first_column: names(record),
            "市场主体总量": total,
            "上年同日总量": year_ago,
            "同比增长": fmt_rate(total - year_ago, year_ago),
            "本期新设": new,
            "本期注销": closed,
            "本期净增": fmt_signed_count(new - closed),
        })
    return rows


def market_breakdown(ctx) -> None:
    """市场主体 by entity type and by region (county, or office when one county is chosen)."""
    f = ctx.filters
    region_title = "监管所" if f.by_office else "旗县市区"
    by_type = run(market.by_entity_type, f)
    by_region = run(market.by_region, f)
    now = run(market.market_summary, f)
    total_row = {"total_count": now.total_count, "year_ago_count": now.year_ago_count,
                 "new_count": now.new_count, "closed_count": now.closed_count}
    st.markdown(f"#### 市场主体分类型、分地区（截至{fmt_date(f.period.as_of)}）")
    left, right = st.columns(2)
    with left:
        rows = _market_rows(by_type, "主体类型", lambda r: label(ENTITY_TYPE, r["entity_type"]))
        rows += _market_rows(pd.DataFrame([total_row]), "主体类型", lambda r: "合计")
        types = pd.DataFrame(rows)
        show_table(types, key="market_by_type")
        download_buttons(types, "市场主体_分类型", ctx, key="market_by_type_download", caliber=MARKET_CALIBER)
    with right:
        rows = _market_rows(by_region, region_title, lambda r: region_name(r["region_code"], ctx.names))
        if not f.office:  # one office is its own total: no second row with the same numbers
            rows += _market_rows(pd.DataFrame([total_row]), region_title, lambda r: region_phrase(f, ctx.names))
        regions = pd.DataFrame(rows)
        show_table(regions, key="market_by_region")
        download_buttons(regions, f"市场主体_分{region_title}", ctx, key="market_by_region_download",
                         caliber=MARKET_CALIBER)
    st.caption(footnote(ctx, MARKET_CALIBER, "market_total").replace("<br>", "；"))


def headline_cards(ctx) -> None:
    """One or two cards per topic under a link to its page; each topic guarded on its own."""
    st.subheader("本期要点")
    show_sections(
        ctx,
        inspection_cards,
        list_cards,
        side_by_side(credit_cards, revisit_card),
        side_by_side(penalty_card, widths=(1, 1)),
    )


def attention_and_words(ctx) -> None:
    """需关注, then 简报用语: the 本期综述 paragraph of the briefing, to copy."""
    attention_list(ctx)
    with st.expander("简报用语（本期综述）"):
        summary_box(ctx)


show_page(
    start_page("监管总览"),
    briefing_section(),
    market_cards,
    side_by_side(attention_and_words, headline_cards, widths=(5, 6), gap="medium"),
    market_breakdown,
)
