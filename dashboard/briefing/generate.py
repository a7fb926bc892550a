"""Build a briefing and write it in the chosen formats, each file under a temporary name first
and renamed when complete, so a failure never leaves a half-written briefing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dashboard.briefing import html as html_doc
from dashboard.briefing import images
from dashboard.briefing.model import TOPIC_ORDER, Briefing, Context
from dashboard.briefing.topics import build_briefing

FORMATS = ("pdf", "docx", "pptx", "png")
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "pptx": "PowerPoint", "png": "PNG"}


@dataclass(frozen=True)
class Output:
    """One document: its format, file name and bytes (PNG: a folder's files)."""

    fmt: str
    name: str
    data: bytes | None = None
    files: tuple[tuple[str, bytes], ...] = ()


def base_name(briefing: Briefing, ctx: Context, topic_keys) -> str:
    """监管周报_2026-11-16_2026-11-22[_科尔沁区][_双随机、一公开抽查]: safe on every file system."""
    p = ctx.filters.period
    parts = [briefing.kind, p.start.isoformat(), p.as_of.isoformat()]
    if ctx.filters.counties:
        parts.append(briefing.filter_sentence.rsplit("，", 1)[-1])
    if tuple(topic_keys) != TOPIC_ORDER:
        parts += [t.title for t in briefing.topics]
    return re.sub(r'[\\/:*?"<>|\s]+', "_", "_".join(parts))[:150]


def render(briefing: Briefing, formats, name: str, progress=None) -> list[Output]:
    """The documents of `formats`, in memory (charts are drawn once for all of them)."""
    say = progress or (lambda fraction, text: None)
    say(0.35, "正在绘制图表……")
    images.render_charts(briefing)
    outputs: list[Output] = []
    steps = len(formats)
    if "pdf" in formats:
        say(0.5, "正在生成 PDF……")
        from dashboard.briefing.pdf import pdf_bytes

        outputs.append(Output("pdf", f"{name}.pdf", pdf_bytes(briefing)))
    if "png" in formats:
        say(0.6, "正在生成 PNG……")
        from dashboard.briefing.browser import chromium, screenshot

        with chromium() as browser:
            pages = html_doc.sections(briefing, lambda chart, w, h: images.figure_png(chart.figure, w, h))
            files = tuple((f"{stem}.png", screenshot(browser, page)) for stem, page in pages)
        outputs.append(Output("png", f"{name}_PNG", files=files))
    if "docx" in formats:
        say(0.75, "正在生成 Word……")
        from dashboard.briefing.word import docx_bytes

        outputs.append(Output("docx", f"{name}.docx", docx_bytes(briefing)))
    if "pptx" in formats:
        say(0.85, "正在生成 PowerPoint……")
        from dashboard.briefing.slides import pptx_bytes

        outputs.append(Output("pptx", f"{name}.pptx", pptx_bytes(briefing)))
    say(1.0, f"已生成 {steps} 种格式。")
    return sorted(outputs, key=lambda o: FORMATS.index(o.fmt))


def briefing_outputs(run, ctx: Context, formats=FORMATS, topic_keys=TOPIC_ORDER, progress=None):
    """(briefing, outputs) for `ctx`: the content from `run`, then every format of `formats`."""
    say = progress or (lambda fraction, text: None)
    say(0.05, "正在查询各项指标……")
    briefing = build_briefing(run, ctx, tuple(topic_keys))
    return briefing, render(briefing, formats, base_name(briefing, ctx, topic_keys), progress)


def write_outputs(outputs: list[Output], folder: Path) -> list[Path]:
    """Each output written under a temporary name in `folder`, then renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for output in outputs:
        final = folder / output.name
        if output.data is not None:
            fd, temp = tempfile.mkstemp(prefix=f".{output.fmt}-", suffix=".part", dir=folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(output.data)
                os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the briefing from its readers
                os.replace(temp, final)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        else:
            temp = Path(tempfile.mkdtemp(prefix=".png-", suffix=".part", dir=folder))
            try:
                for file_name, data in output.files:
                    (temp / file_name).write_bytes(data)
                temp.chmod(0o755)
                if final.exists():
                    shutil.rmtree(final)
                os.replace(temp, final)
            except BaseException:
                shutil.rmtree(temp, ignore_errors=True)
                raise
        written.append(final)
    return written
