"""The briefing as HTML: an A4 document (printed to PDF by WeasyPrint) and 1920×1080 sections
(screenshot to PNG by chromium). Every text from the database is escaped; images are inline data URIs,
so the page makes no request at all.
"""

from __future__ import annotations

import base64
from html import escape

import pandas as pd

from dashboard import theme
from dashboard.briefing.model import Briefing, Headline, Topic

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"


def _img(png: bytes, alt: str, css: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" style="{css}">'


def _verdict(head: Headline) -> str:
    if not head.verdict:
        return "—"
    css = "bad" if head.verdict.startswith("未达标") else "good"
    return f'<span class="{css}">{escape(head.verdict)}</span>'


def headline_table(topic: Topic) -> str:
    rows = "".join(
        f"<tr><td>{escape(h.label)}</td><td class='num'>{escape(h.value_text)}</td>"
        f"<td>{escape(h.change_text or '—')}</td><td>{_verdict(h)}</td></tr>"
        for h in topic.headlines
    )
    return f"<table class='figures'><tr><th>指标</th><th>本期</th><th>较上期</th><th>目标</th></tr>{rows}</table>"


def frame_table(title: str, frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return f"<h3>{escape(title)}</h3><table class='detail'><tr>{head}</tr>{body}</table>"


def _cell(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return f"{int(value):,}"
    return str(value)


def attention_html(briefing: Briefing) -> str:
    if not briefing.attention:
        return f"<p>{escape(briefing.attention_rest)}</p>"
    from dashboard.attention import target_text

    boxes = "".join(
        f"<div class='box'><b class='bad'>未达标</b>　<b>{escape(s.label)}</b>（{escape(target_text(s.target))}）"
        + "<ul>" + "".join(f"<li>{escape(i.line)}</li>" for i in s.items) + "</ul></div>"
        for s in briefing.attention
    )
    rest = f"<p><b>其余指标</b>：{escape(briefing.attention_rest)}</p>" if briefing.attention_rest else ""
    return boxes + rest


DOCUMENT_CSS = f"""
@page {{ size: A4 portrait; margin: 16mm 15mm 18mm 15mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT}; color: {theme.INK}; font-size: 10.5pt; line-height: 1.6; margin: 0; }}
.cover {{ border-bottom: 2px solid {theme.PRIMARY}; padding-bottom: 6mm; margin-bottom: 5mm; }}
.cover .bureau {{ font-size: 13pt; color: {theme.PRIMARY}; }}
.cover h1 {{ font-size: 24pt; margin: 2mm 0; letter-spacing: 2px; }}
.cover .period {{ font-size: 14pt; }}
.cover .meta {{ color: {theme.MUTED}; font-size: 9.5pt; overflow-wrap: anywhere; }}
h2 {{ font-size: 15pt; color: {theme.PRIMARY}; border-left: 4px solid {theme.PRIMARY}; padding-left: 3mm;
      margin: 7mm 0 3mm; break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 4mm 0 2mm; break-after: avoid; }}
p.summary {{ text-indent: 2em; text-align: justify; }}
.box {{ border: 1px solid #d9dee4; border-radius: 4px; padding: 2mm 3mm; margin: 2mm 0; break-inside: avoid; }}
.box ul {{ margin: 1mm 0 0 0; padding-left: 5mm; }}
.bad {{ color: {theme.BAD}; }}
.good {{ color: {theme.GOOD}; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; break-inside: auto; }}
tr {{ break-inside: avoid; }}
th, td {{ border: 1px solid #c9d0d8; padding: 1.2mm 2mm; text-align: left; vertical-align: top;
          overflow-wrap: anywhere; }}
th {{ background: #eef2f6; font-weight: 600; }}
table.figures td.num {{ font-weight: 700; font-size: 12pt; white-space: nowrap; }}
table.detail {{ font-size: 8.5pt; }}
figure {{ margin: 3mm 0; break-inside: avoid; }}
figure img {{ width: 100%; height: auto; display: block; }}
.caliber {{ font-size: 8.5pt; color: {theme.MUTED}; margin: 1mm 0 0; padding-left: 5mm; }}
section.topic {{ break-before: page; }}
"""


def document_html(briefing: Briefing) -> str:
    """The whole briefing as one A4 HTML document."""
    b = briefing
    parts = [
        "<div class='cover'>",
        f"<div class='bureau'>{escape(b.bureau)}</div><h1>{escape(b.kind)}</h1>",
        f"<div class='period'>{escape(b.period_title)}</div>",
        f"<div class='meta'>{escape(b.filter_sentence)}｜数据截至{escape(b.as_of_text)}</div></div>",
        f"<h2>本期综述</h2><p class='summary'>{escape(b.summary)}</p>",
        f"<h2>需关注</h2>{attention_html(b)}",
    ]
    for topic in b.topics:
        parts.append(f"<section class='topic'><h2>{escape(topic.title)}</h2>")
        parts.append(f"<p class='summary'>{escape(topic.sentence)}</p>")
        parts.append(headline_table(topic))
        for chart in topic.charts:
            parts.append(f"<figure>{_img(chart.png, chart.title)}</figure>")
        for title, frame in topic.tables:
            parts.append(frame_table(title, frame))
        parts.append("<h3>口径</h3><ul class='caliber'>" + "".join(f"<li>{escape(c)}</li>" for c in topic.calibers) + "</ul>")
        parts.append("</section>")
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(b.kind)}</title>"
            f"<style>{DOCUMENT_CSS}{page_stamp_css(b.stamp)}</style></head><body>{''.join(parts)}</body></html>")


def _css_string(text: str) -> str:
    """`text` as a CSS string literal inside a <style> element: database text with its quotes,
    backslashes, newlines and angle brackets escaped (so it can end neither the string nor the element)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '\\"<>\n\r' else ch for ch in text)
    return f'"{escaped}"'


def page_stamp_css(stamp: str) -> str:
    """Every printed page: the stamp bottom left, 第x页/共y页 bottom right (CSS page counters)."""
    box = f"font-family: {FONT}; font-size: 7pt; color: {theme.MUTED};"
    return (
        f"@page {{ @bottom-left {{ content: {_css_string(stamp)}; {box} }}"
        f" @bottom-right {{ content: \"第\" counter(page) \"页/共\" counter(pages) \"页\"; {box} white-space: nowrap; }} }}"
    )


# --- 1920×1080 sections ------------------------------------------------------------------------

SECTION_CSS = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; width: 1920px; height: 1080px; font-family: {FONT}; color: {theme.INK}; background: white; }}
.slide {{ width: 1920px; height: 1080px; padding: 48px 72px 0; display: flex; flex-direction: column; }}
.top {{ display: flex; justify-content: space-between; align-items: baseline; border-bottom: 3px solid {theme.PRIMARY};
        padding-bottom: 14px; }}
.top h1 {{ font-size: 46px; margin: 0; }}
.top .bureau {{ font-size: 24px; color: {theme.PRIMARY}; }}
.body {{ flex: 1; display: flex; flex-direction: column; gap: 22px; padding-top: 24px; min-height: 0; }}
.cards {{ display: flex; gap: 20px; }}
.card {{ flex: 1; border: 2px solid #d9dee4; border-radius: 10px; padding: 14px 18px; min-width: 0; }}
.card .label {{ font-size: 22px; color: {theme.MUTED}; overflow-wrap: anywhere; }}
.card .value {{ font-size: 52px; font-weight: 700; line-height: 1.2; }}
.card .change, .card .verdict {{ font-size: 20px; overflow-wrap: anywhere; }}
.bad {{ color: {theme.BAD}; }} .good {{ color: {theme.GOOD}; }}
.chart {{ flex: 1; min-height: 0; display: flex; justify-content: center; }}
.chart img {{ max-width: 100%; max-height: 100%; object-fit: contain; }}
.text {{ font-size: 30px; line-height: 1.7; text-align: justify; }}
.box {{ border: 2px solid #d9dee4; border-radius: 10px; padding: 10px 18px; font-size: 24px; margin-bottom: 12px; }}
.box ul {{ margin: 4px 0; }}
.attention {{ column-count: 2; column-gap: 28px; font-size: 20px; line-height: 1.45; }}
.attention .box {{ font-size: 20px; break-inside: avoid; margin: 0 0 12px; }}
.attention p {{ margin: 0; }}
.body {{ overflow: hidden; }}
.foot {{ height: 64px; display: flex; justify-content: space-between; align-items: center; font-size: 18px;
         color: {theme.MUTED}; border-top: 1px solid #d9dee4; }}
"""


def cards_html(headlines: list[Headline]) -> str:
    cards = []
    for h in headlines:
        verdict = ""
        if h.verdict:
            verdict = f"<div class='verdict {'bad' if h.verdict.startswith('未达标') else 'good'}'>{escape(h.verdict)}</div>"
        cards.append(f"<div class='card'><div class='label'>{escape(h.label)}</div>"
                     f"<div class='value'>{escape(h.value_text)}</div>"
                     f"<div class='change'>{escape(h.change_text or '—')}</div>{verdict}</div>")
    return f"<div class='cards'>{''.join(cards)}</div>"


def section_html(briefing: Briefing, title: str, body: str, number: int, total: int) -> str:
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><style>{SECTION_CSS}</style></head><body>"
        f"<div class='slide'><div class='top'><h1>{escape(title)}</h1><div class='bureau'>{escape(briefing.bureau)}"
        f"　{escape(briefing.kind)}　{escape(briefing.period_title)}</div></div>"
        f"<div class='body'>{body}</div>"
        f"<div class='foot'><span>{escape(briefing.stamp)}</span><span>第{number}/{total}幅</span></div></div></body></html>"
    )


SECTION_CHART_PX = (1776, 640, 860)
"""Width, and height below the figures / alone, of a chart drawn for a 1920×1080 section."""


def sections(briefing: Briefing, draw=None) -> list[tuple[str, str]]:
    """(file stem, HTML) per section: 综述, 需关注, then one per topic chart (the first with the
    topic's figures), each 1920×1080. `draw(chart, width, height)` redraws a chart to fill the
    section (PNG bytes); without it the document's image is scaled."""
    bodies = [("01_本期综述", "本期综述", f"<div class='text'>{escape(briefing.summary)}</div>"),
              ("02_需关注", "需关注", f"<div class='attention'>{attention_html(briefing)}</div>")]
    for topic in briefing.topics:
        for i, chart in enumerate(topic.charts or [None]):
            cards = cards_html(topic.headlines[:5]) if i == 0 else ""
            image = ""
            if chart is not None:
                width, below_cards, alone = SECTION_CHART_PX
                png = draw(chart, width, below_cards if cards else alone) if draw else chart.png
                image = f"<div class='chart'>{_img(png, chart.title)}</div>"
            stem = f"{len(bodies) + 1:02d}_{topic.title}" + (f"_{i + 1}" if i else "")
            bodies.append((stem, topic.title, cards + image))
    total = len(bodies)
    return [(stem, section_html(briefing, title, body, n, total)) for n, (stem, title, body) in enumerate(bodies, 1)]
