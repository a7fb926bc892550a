"""The briefing as an editable Word draft (python-docx): headings, the summary as real text,
figures as Word tables, charts as images; every page's footer carries the stamp and 第x页/共y页.
"""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.attention import target_text
from dashboard.briefing.model import Briefing

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
MUTED = RGBColor(0x6B, 0x77, 0x85)
BAD = RGBColor(0xC0, 0x39, 0x2B)


def _east_asian(style_or_run, name: str) -> None:
    """Set the font for Chinese text too (python-docx sets only the Latin font)."""
    style_or_run.font.name = name
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _field(run, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) inside `run`."""
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _footer(document, stamp: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in ((f"{stamp}　第", None), (None, "PAGE"), ("页/共", None), (None, "NUMPAGES"), ("页", None)):
        run = paragraph.add_run(text or "")
        run.font.size = Pt(7.5)
        run.font.color.rgb = MUTED
        if field:
            _field(run, field)


def _table(document, columns: list[str], rows: list[list[str]], size: float = 9) -> None:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(size)
            if "未达标" in text or text == "落后":
                run.font.color.rgb = BAD
    document.add_paragraph()


def _frame_rows(frame: pd.DataFrame) -> list[list[str]]:
    def cell(value) -> str:
        if hasattr(value, "dtype") and value.dtype.kind in "iu" or isinstance(value, int):
            return f"{int(value):,}"
        return str(value)

    return [[cell(v) for v in row] for row in frame.itertuples(index=False)]


def _small(document, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


def docx_bytes(briefing: Briefing) -> bytes:
    b = briefing
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal, BODY_FONT)
    for level in (0, 1, 2):
        _east_asian(document.styles["Title" if level == 0 else f"Heading {level}"], HEADING_FONT)
    document.core_properties.title = f"{b.bureau}{b.kind}（{b.period_title}）"
    document.add_paragraph(b.bureau)
    document.add_heading(b.kind, level=0)
    document.add_paragraph(b.period_title)
    _small(document, f"{b.filter_sentence}｜数据截至{b.as_of_text}")
    document.add_heading("本期综述", level=1)
    summary = document.add_paragraph(b.summary)
    summary.paragraph_format.first_line_indent = Pt(22)
    document.add_heading("需关注", level=1)
    for status in b.attention:
        document.add_paragraph().add_run(f"未达标　{status.label}（{target_text(status.target)}）").bold = True
        for item in status.items:
            document.add_paragraph(item.line, style="List Bullet")
    if b.attention_rest:
        document.add_paragraph(("其余指标：" if b.attention else "") + b.attention_rest)
    for topic in b.topics:
        document.add_page_break()
        document.add_heading(topic.title, level=1)
        paragraph = document.add_paragraph(topic.sentence)
        paragraph.paragraph_format.first_line_indent = Pt(22)
        _table(document, ["指标", "本期", "较上期", "目标"],
               [[h.label, h.value_text, h.change_text or "—", h.verdict or "—"] for h in topic.headlines], 10)
        for chart in topic.charts:
            document.add_picture(io.BytesIO(chart.png), width=Cm(16.5))
        for title, frame in topic.tables:
            document.add_heading(title, level=2)
            _table(document, [str(c) for c in frame.columns], _frame_rows(frame), 8)
        document.add_heading("口径", level=2)
        for caliber in topic.calibers:
            _small(document, caliber)
    _footer(document, b.stamp)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
