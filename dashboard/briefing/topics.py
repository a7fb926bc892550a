"""One builder per topic: headline figures, the 本期综述 sentence, charts and tables.

Each builder reads the topic's queries through `run` (the same functions the page calls)
and draws with the page's own chart builders; `with_charts=False` skips the charts (the
overview's 简报用语 box needs only the words).
"""

from __future__ import annotations

from dashboard import attention as att
from dashboard import charts_credit_risk, charts_inspections, charts_lists, charts_penalties, charts_revisits
from dashboard.briefing.model import (
    TOPIC_ORDER, Briefing, Chart, Context, NativeChart, Topic, calibers, chart_footnote, count_headline,
    direction_words, kind_and_title, money_headline, period_words, rate_headline, target_clause,
)
from dashboard.filters import describe, region_phrase
from dashboard.briefing.sentences import wan_text
from dashboard.config import credit_risk_entity_types, targets
from dashboard.format import fmt_count, fmt_date, fmt_range
from dashboard.i18n import ALL_REGIONS, region_name
from queries import credit_risk, inspections, lists, penalties, revisits
from queries.annual_reports import annual_report_rate_parts, season
from queries.common import TOTAL
from queries.metrics import PAGES, metric

PERCENT = '0.0"%"'


def attention_statuses(run, ctx: Context) -> dict[str, att.FigureStatus]:
    """The six target figures judged exactly as the overview's 需关注 list judges them."""
    f = ctx.filters
    parts = att.target_parts(
        inspection=run(inspections.targets_by_region, f),
        revisit=run(revisits.revisit_targets, f),
        annual=run(annual_report_rate_parts, f),
    )
    labels = {"annual_report_rate": f"{season(f).report_year}年度年报公示率"}
    statuses = att.attention(parts, targets(), f, ctx.names, labels=labels)
    return {s.figure.code: s for s in statuses}


def _unit_word(ctx: Context) -> str:
    return "各监管所" if ctx.filters.by_office else "各旗县市区"


def _when(ctx: Context) -> str:
    return fmt_range(ctx.filters.period.start, ctx.filters.period.as_of)


def _percent_values(nums, dens) -> list[float | None]:
    return [charts_inspections.percent(n, d) for n, d in zip(nums, dens)]


# --- 双随机、一公开 ---------------------------------------------------------------------------

def inspections_topic(run, ctx: Context, statuses, with_charts: bool = True) -> Topic:
    f, goal = ctx.filters, targets()
    now, then = run(inspections.headline, f), run(inspections.headline, f.compared())
    heads = [
        rate_headline("completion_rate", now.completed_count, now.drawn_count, then.completed_count, then.drawn_count, f),
        rate_headline("differentiated_share", now.differentiated_count, now.drawn_count, then.differentiated_count,
                      then.drawn_count, f, goal.differentiated_share),
        rate_headline("due_task_completion", now.due_done_count, now.due_object_count, then.due_done_count,
                      then.due_object_count, f, goal.due_task_completion),
        rate_headline("publication_timeliness", now.published_on_time_count, now.publication_due_count,
                      then.published_on_time_count, then.publication_due_count, f, goal.publication_timeliness),
        count_headline("drawn_objects", now.drawn_count, then.drawn_count, f),
    ]
    lead = heads[0]
    clauses = [f"“双随机、一公开”{lead.label}{lead.value_text}" + (f"，{lead.change_text}" if lead.change_text else "")]
    clauses += [target_clause(statuses[h.code], h) for h in heads[1:4]]
    topic = Topic("inspections", PAGES["inspections"][1], "；".join(clauses) + "。", heads,
                  calibers=calibers("completion_rate", "differentiated_share", "due_task_completion",
                                    "publication_timeliness"))
    if with_charts:
        figures = charts_inspections.in_region_order(run(inspections.region_figures_with_total, f), ctx.regions)
        frame = figures[figures["region_code"] != inspections.TOTAL]
        if not frame.empty:
            title = f"{_unit_word(ctx)}抽查完成率与时间进度（截至{fmt_date(f.period.as_of)}）"
            footnote = chart_footnote(ctx, metric_caliber("completion_rate") + "；菱形为时间进度")
            labels = [region_name(c, ctx.names) for c in frame["region_code"]]
            native = NativeChart("bar", labels, [
                ("完成率", _percent_values(frame["completed_count"], frame["drawn_count"])),
                ("时间进度", [None if not d else float(w) / int(d) * 100
                          for w, d in zip(frame["elapsed_weight"], frame["drawn_count"])]),
            ], PERCENT)
            topic.charts.append(Chart("inspections_completion", title, footnote, charts_inspections.completion_figure(
                frame, ctx.names, goal.due_task_completion, title, footnote), native))
            total = ALL_REGIONS if not f.counties else "合计"
            table = charts_inspections.region_table(figures, ctx.names, goal, total)
            topic.tables.append((f"{_unit_word(ctx)}抽查情况", table.drop(columns=["按期完成率", "进度"])))
    return topic


def metric_caliber(code: str) -> str:
    return metric(code).caliber


# --- 名录与年报 -------------------------------------------------------------------------------

def lists_topic(run, ctx: Context, statuses, with_charts: bool = True) -> Topic:
    f, goal = ctx.filters, targets()
    now, then = run(lists.list_flows, f, "abnormal"), run(lists.list_flows, f.compared(), "abnormal")
    parts = run(annual_report_rate_parts, f)
    total = parts[parts["region_code"] == TOTAL].iloc[0]
    year = season(f).report_year
    heads = [
        count_headline("inflow", now.inflow, then.inflow, f, "经营异常名录列入"),
        count_headline("outflow", now.outflow, then.outflow, f, "经营异常名录移出"),
        count_headline("stock", now.closing_stock, then.closing_stock, f, "经营异常名录期末在册"),
        rate_headline("annual_report_rate", int(total["submitted_count"]), int(total["required_count"]), None, None, f,
                      goal.annual_report_rate, f"{year}年度年报公示率"),
    ]
    inflow, outflow, stock = heads[:3]
    first = f"经营异常名录列入{fmt_count(now.inflow)}条" + (f"，{inflow.change_text}" if inflow.change_text else "")
    first += f"，移出{fmt_count(now.outflow)}条，期末在册{fmt_count(now.closing_stock)}条"
    sentence = f"{first}；{target_clause(statuses['annual_report_rate'], heads[3])}。"
    topic = Topic("lists", PAGES["lists"][1], sentence, heads,
                  calibers=calibers("inflow", "outflow", "stock", "annual_report_rate"))
    if with_charts:
        series = run(lists.list_series, f, "abnormal")
        first_day, last_day = series["bucket_start"].iloc[0], series["counted_to"].iloc[-1]
        title = f"经营异常名录列入与移出（{fmt_range(first_day, last_day)}）"
        footnote = chart_footnote(ctx, "列入/移出＝列入/移出日期在该段内；在册＝段末已列入且未移出；单位：条（户次）")
        show_year = first_day.year != last_day.year
        labels = [charts_lists.bucket_label(s, e, show_year) for s, e in zip(series["bucket_start"], series["counted_to"])]
        native = NativeChart("column", labels, [
            ("列入", [float(v) for v in series["inflow"]]), ("移出", [float(v) for v in series["outflow"]]),
        ], "#,##0")
        topic.charts.append(Chart("lists_series", title, footnote,
                                  charts_lists.flow_series_figure(series, title, footnote), native))
    return topic


# --- 信用风险 ---------------------------------------------------------------------------------

def credit_topic(run, ctx: Context, statuses, with_charts: bool = True) -> Topic:
    f = ctx.filters
    now_frame, then_frame = run(credit_risk.grade_distributions, f, entity_types=credit_risk_entity_types())
    now, then = credit_risk.grade_totals(now_frame), credit_risk.grade_totals(then_frame)
    heads = [
        rate_headline("high_risk_share", now.high_risk.numerator, now.high_risk.denominator,
                      then.high_risk.numerator, then.high_risk.denominator, f),
        count_headline("rated_count", now.rated_count, then.rated_count, f),
        count_headline("d_count", now.d_count, then.d_count, f),
        count_headline("unrated_count", now.unrated_count, then.unrated_count, f),
    ]
    share = heads[0]
    change = direction_words(share, "high_risk_share")
    sentence = (f"已评级企业{fmt_count(now.rated_count)}户，其中高风险（C+D类）企业占比{share.value_text}"
                + (f"，{change}" if change else "") + f"；D类企业{fmt_count(now.d_count)}户。")
    topic = Topic("credit_risk", PAGES["credit_risk"][1], sentence, heads,
                  calibers=calibers("high_risk_share", "rated_count", "d_count", "unrated_count"))
    if with_charts:
        from dashboard.briefing.maps import credit_map

        figures = charts_credit_risk.region_figures(now_frame, then_frame, ctx.regions, f)
        title = f"{_unit_word(ctx)}高风险企业占比（{fmt_date(f.period.as_of)}）"
        footnote = chart_footnote(ctx, metric_caliber("high_risk_share"))
        topic.charts.append(Chart("credit_map", title, footnote, credit_map(figures, ctx, title, footnote), is_map=True))
        topic.charts.append(_credit_trend(run, ctx))
        region_title = "监管所" if f.by_office else "旗县市区"
        table = charts_credit_risk.county_table(figures, (now, then), ALL_REGIONS if not f.counties else "合计",
                                                region_title)
        topic.tables.append((f"{region_title}信用风险分类", table))
    return topic


def _credit_trend(run, ctx: Context) -> Chart:
    f = ctx.filters
    frame = run(credit_risk.high_risk_trend, f, entity_types=credit_risk_entity_types())
    counties = list(ctx.regions.loc[ctx.regions["level"] == "county", "code"])
    shown = list(f.counties or counties) + ([f.office] if f.office else [])
    points = credit_risk.trend_points(f)
    title = f"高风险企业占比月末走势（{points[0].year}年{points[0].month}月—{fmt_date(points[-1])}）"
    footnote = chart_footnote(ctx, metric_caliber("high_risk_share") + "；末点为数据截至日")
    figure = charts_credit_risk.trend_chart(frame, counties, shown, ctx.names, title, footnote)
    city = frame[frame["region_code"].isin(counties)].groupby("point_on")[["high_risk_count", "rated_count"]].sum()
    city = city.reindex(points, fill_value=0)
    labels = [f"{p.month}月{p.day}日" if i == len(points) - 1 else f"{p.year % 100:02d}年{p.month}月"
              for i, p in enumerate(points)]
    native = NativeChart("line", labels, [(ALL_REGIONS, _percent_values(city["high_risk_count"], city["rated_count"]))],
                         PERCENT)
    return Chart("credit_trend", title, footnote, figure, native)


# --- 回访 -------------------------------------------------------------------------------------

def revisits_topic(run, ctx: Context, statuses, with_charts: bool = True) -> Topic:
    f, goal = ctx.filters, targets()
    now, then = run(revisits.revisit_summary, f), run(revisits.revisit_summary, f.compared())
    heads = [
        rate_headline("revisit_rate", now.done_count, now.due_count, then.done_count, then.due_count, f, goal.revisit_rate),
        rate_headline("tier3_sampling_ratio", now.tier3_sampled_count, now.tier3_case_count, then.tier3_sampled_count,
                      then.tier3_case_count, f, goal.tier3_sampling_ratio),
        count_headline("revisits_due", now.due_count, then.due_count, f),
        count_headline("revisits_overdue", now.overdue_count, then.overdue_count, f),
    ]
    first = target_clause(statuses["revisit_rate"], heads[0], with_change=True)
    sentence = f"执法事后{first}；{target_clause(statuses['tier3_sampling_ratio'], heads[1])}。"
    topic = Topic("revisits", PAGES["revisits"][1], sentence, heads,
                  calibers=calibers("revisit_rate", "tier3_sampling_ratio", "revisits_due", "revisits_overdue"))
    if with_charts:
        frame = run(revisits.revisits_by_region, f)
        frame = frame.assign(label=[region_name(c, ctx.names) for c in frame["region_code"]])
        title = f"分地区回访率（{_when(ctx)}）"
        footnote = chart_footnote(ctx, metric_caliber("revisit_rate"))
        figure = charts_revisits.rate_bars(frame, "label", "done_count", "due_count", goal.revisit_rate, title, footnote,
                                           "无到期回访")
        native = NativeChart("bar", list(frame["label"]),
                             [("回访率", _percent_values(frame["done_count"], frame["due_count"]))], PERCENT)
        topic.charts.append(Chart("revisits_regions", title, footnote, figure, native))
    return topic


# --- 处罚 -------------------------------------------------------------------------------------

def penalties_topic(run, ctx: Context, statuses, with_charts: bool = True) -> Topic:
    f = ctx.filters
    now, then = run(penalties.penalty_summary, f), run(penalties.penalty_summary, f.compared())
    heads = [
        count_headline("exempt_cases", now.exempt_count, then.exempt_count, f, "轻微免罚、首违不罚案件"),
        count_headline("reduced_cases", now.reduced_count, then.reduced_count, f, "从轻、减轻案件"),
        money_headline("waived_amount", now.waived_yuan, then.waived_yuan, f),
        count_headline("aggravated_cases", now.aggravated_count, then.aggravated_count, f),
        money_headline("total_fines", now.fines_yuan, then.fines_yuan, f),
    ]
    if now.case_count == 0:
        sentence = "未办理行政处罚案件。"
    else:
        sentence = (f"办理轻微免罚、首违不罚案件{now.exempt_count}件，从轻、减轻案件{now.reduced_count}件，"
                    f"减免处罚{wan_text(now.waived_yuan)}万元；从重处罚案件{now.aggravated_count}件，"
                    f"各类处罚案件罚没款合计{wan_text(now.fines_yuan)}万元。")
    topic = Topic("penalties", PAGES["penalties"][1], sentence, heads,
                  calibers=calibers("exempt_cases", "reduced_cases", "waived_amount", "aggravated_cases", "total_fines"))
    if with_charts:
        frame = run(penalties.cases_by_region, f)
        title = f"{_unit_word(ctx)}减免处罚金额（{_when(ctx)}）"
        footnote = chart_footnote(ctx, metric_caliber("waived_amount") + "；括号内为免罚及从轻、减轻案件数")
        figure = charts_penalties.waived_by_region_figure(frame, ctx.names, title, footnote)
        bars = figure.data[0]
        native = NativeChart("bar", [str(v) for v in bars.y], [("减免处罚金额（万元）", [float(v) for v in bars.x])], "0.00")
        topic.charts.append(Chart("penalties_regions", title, footnote, figure, native))
    return topic


BUILDERS = {
    "inspections": inspections_topic,
    "lists": lists_topic,
    "credit_risk": credit_topic,
    "revisits": revisits_topic,
    "penalties": penalties_topic,
}


def build_briefing(run, ctx: Context, topic_keys=TOPIC_ORDER, with_charts: bool = True) -> Briefing:
    """The whole briefing (or the topics of `topic_keys`, e.g. one page's button)."""
    f = ctx.filters
    statuses = attention_statuses(run, ctx)
    topics = [BUILDERS[key](run, ctx, statuses, with_charts) for key in topic_keys]
    kind, period_title = kind_and_title(f)
    # a topic's own briefing lists only its own target figures under 需关注
    ordered = [s for s in statuses.values() if tuple(topic_keys) == TOPIC_ORDER or s.figure.page in topic_keys]
    return Briefing(
        bureau=ctx.bureau_name, kind=kind, period_title=period_title, filter_sentence=describe(f, ctx.names),
        as_of_text=fmt_date(ctx.data_date), lead=period_words(f) + region_phrase(f, ctx.names), topics=topics,
        attention=[s for s in ordered if s.state == "below"], attention_rest=att.others_sentence(ordered, f, ctx.names),
    )
