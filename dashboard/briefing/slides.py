"""The meeting deck (python-pptx, 16:9): title slide, 本期综述, 需关注, then one slide per topic
chart, the first with the topic's headline figures in large type. Bar and line charts are
native PowerPoint charts (their data editable in PowerPoint); the county map is an image.
Every slide carries the stamp and x/y.
"""

from __future__ import annotations

import io

from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from dashboard import theme
from dashboard.attention import target_text
from dashboard.briefing.model import Briefing, Chart, Headline

PERCENT = '0.0"%"'

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in, exactly 16:9
MARGIN = Inches(0.5)
FONT = "Microsoft YaHei"
INK = RGBColor.from_string(theme.INK[1:])
MUTED = RGBColor.from_string(theme.MUTED[1:])
PRIMARY = RGBColor.from_string(theme.PRIMARY[1:])
BAD = RGBColor.from_string(theme.BAD[1:])
GOOD = RGBColor.from_string(theme.GOOD[1:])
CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS}


def _text(slide, left, top, width, height, lines, size=14, color=INK, bold=False, align=PP_ALIGN.LEFT,
          anchor=MSO_ANCHOR.TOP):
    """A text box; `lines` is a string or a list of (text, size, color, bold) paragraphs."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    items = [(lines, size, color, bold)] if isinstance(lines, str) else lines
    for i, (text, p_size, p_color, p_bold) in enumerate(items):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.color.rgb, run.font.bold, run.font.name = Pt(p_size), p_color, p_bold, FONT
    return box


def _header(slide, title: str, briefing: Briefing) -> None:
    _text(slide, MARGIN, Inches(0.3), Inches(7.8), Inches(0.7), title, 28, INK, True)
    _text(slide, Inches(8.2), Inches(0.42), Inches(4.63), Inches(0.5),
          f"{briefing.kind}　{briefing.period_title}", 13, PRIMARY, align=PP_ALIGN.RIGHT)
    line = slide.shapes.add_connector(1, MARGIN, Inches(1.05), WIDTH - MARGIN, Inches(1.05))
    line.line.color.rgb, line.line.width = PRIMARY, Pt(2)


def _footer(slide, briefing: Briefing, number: int, total: int) -> None:
    _text(slide, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN - Inches(0.8), Inches(0.35), briefing.stamp, 9, MUTED)
    _text(slide, WIDTH - MARGIN - Inches(0.8), HEIGHT - Inches(0.45), Inches(0.8), Inches(0.35),
          f"{number}/{total}", 9, MUTED, align=PP_ALIGN.RIGHT)


def _cards(slide, headlines: list[Headline], top) -> None:
    count = max(len(headlines), 1)
    gap = Inches(0.15)
    width = Emu(int((WIDTH - 2 * MARGIN - gap * (count - 1)) / count))
    for i, head in enumerate(headlines):
        left = MARGIN + i * (width + gap)
        box = slide.shapes.add_shape(1, left, top, width, Inches(1.55))
        box.fill.background()
        box.line.color.rgb, box.line.width = RGBColor(0xD9, 0xDE, 0xE4), Pt(1.25)
        lines = [(head.label, 13, MUTED, False), (head.value_text, 30 if count < 5 else 24, INK, True),
                 (head.change_text or "—", 11, INK, False)]
        if head.verdict:
            lines.append((head.verdict, 11, BAD if head.verdict.startswith("未达标") else GOOD, True))
        _text(slide, left + Inches(0.08), top + Inches(0.04), width - Inches(0.16), Inches(1.5), lines)


def _native_chart(slide, chart: Chart, left, top, width, height) -> None:
    native = chart.native
    data = CategoryChartData(number_format=native.number_format)
    data.categories = native.categories
    for name, values in native.series:
        data.add_series(name, values)
    shape = slide.shapes.add_chart(CHART_TYPES[native.kind], left, top, width, height, data)
    graph = shape.chart
    graph.has_title = True
    graph.chart_title.text_frame.text = chart.title
    graph.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
    graph.has_legend = len(native.series) > 1
    if graph.has_legend:
        graph.legend.position, graph.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    graph.font.size, graph.font.name = Pt(12), FONT
    plot = graph.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = native.number_format, False
    labels.font.size = Pt(11)
    graph.category_axis.tick_labels.font.size = Pt(11)
    _label_every_category(graph.category_axis._element)
    values = graph.value_axis
    axis_format = '0"%"' if native.number_format == PERCENT else native.number_format
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = axis_format, False
    values.has_major_gridlines = native.kind != "bar"
    if native.number_format == PERCENT and native.kind != "line":
        values.minimum_scale, values.maximum_scale = 0, 100
    if native.kind == "bar":
        graph.category_axis.reverse_order = True  # first region on top, as on the page
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    elif native.kind == "line":
        labels.position = XL_LABEL_POSITION.ABOVE
    for i, series in enumerate(plot.series):
        color = RGBColor.from_string(theme.SERIES[i % len(theme.SERIES)][1:])
        if native.kind == "line":
            series.format.line.color.rgb = color
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color


def _label_every_category(axis) -> None:
    """<c:tickLblSkip val="1"/>: every region named, never every other one (python-pptx has no
    property for it; the element goes before noMultiLvlLbl in the schema's order)."""
    skip = OxmlElement("c:tickLblSkip")
    skip.set("val", "1")
    following = axis.find(qn("c:noMultiLvlLbl"))
    if following is not None:
        following.addprevious(skip)
    else:
        axis.append(skip)


def _picture(slide, png: bytes, left, top, width, height) -> None:
    with Image.open(io.BytesIO(png)) as image:
        ratio = image.width / image.height
    w, h = (width, int(width / ratio)) if width / height < ratio else (int(height * ratio), height)
    slide.shapes.add_picture(io.BytesIO(png), left + int((width - w) / 2), top, w, h)


def _chart(slide, chart: Chart, top) -> None:
    width, height = WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.9)
    if chart.native is not None:
        _native_chart(slide, chart, MARGIN, top, width, height)
        caliber = chart.footnote.split("<br>")[0]  # the stamp is the slide's footer
        _text(slide, MARGIN, HEIGHT - Inches(0.85), width, Inches(0.35), caliber, 9, MUTED)
    else:  # the image carries its own title and footnote
        _picture(slide, chart.png, MARGIN, top, width, HEIGHT - top - Inches(0.5))


def _attention(slide, briefing: Briefing) -> None:
    blocks = [[(f"未达标　{s.label}（{target_text(s.target)}）", 14, BAD, True)]
              + [(f"· {i.line}", 12, INK, False) for i in s.items] for s in briefing.attention]
    if briefing.attention_rest:
        blocks.append([(("其余指标：" if briefing.attention else "") + briefing.attention_rest, 13, GOOD, False)])
    columns: list[list] = [[], []]
    for block in blocks:  # fill the shorter column
        min(columns, key=len).extend(block + [("", 6, INK, False)])
    half = (WIDTH - 2 * MARGIN - Inches(0.3)) / 2
    for i, lines in enumerate(columns):
        if lines:
            _text(slide, MARGIN + i * (half + Inches(0.3)), Inches(1.25), Emu(int(half)), Inches(5.6), lines)


def pptx_bytes(briefing: Briefing) -> bytes:
    b = briefing
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    blank = deck.slide_layouts[6]
    plan = [("title", None, None), ("summary", None, None), ("attention", None, None)]
    for topic in b.topics:
        for i, chart in enumerate(topic.charts or [None]):
            plan.append(("topic", topic, (i, chart)))
    total = len(plan)
    for number, (kind, topic, part) in enumerate(plan, 1):
        slide = deck.slides.add_slide(blank)
        if kind == "title":
            _text(slide, Inches(1), Inches(1.6), Inches(11.3), Inches(0.6), b.bureau, 24, PRIMARY)
            _text(slide, Inches(1), Inches(2.3), Inches(11.3), Inches(1.2), b.kind, 54, INK, True)
            _text(slide, Inches(1), Inches(3.6), Inches(11.3), Inches(0.7), b.period_title, 28, INK)
            _text(slide, Inches(1), Inches(4.5), Inches(11.3), Inches(0.9),
                  f"{b.filter_sentence}\n数据截至{b.as_of_text}", 16, MUTED)
        elif kind == "summary":
            _header(slide, "本期综述", b)
            _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.6), b.summary, 17, INK)
        elif kind == "attention":
            _header(slide, "需关注", b)
            _attention(slide, b)
        else:
            i, chart = part
            _header(slide, topic.title if i == 0 else f"{topic.title}（续）", b)
            top = Inches(1.25)
            if i == 0:
                _cards(slide, topic.headlines[:5], top)
                top = Inches(2.95)
            if chart is not None:
                _chart(slide, chart, top)
        _footer(slide, b, number, total)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
