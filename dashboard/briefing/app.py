"""The briefing in the app: the 生成周报 button (the whole briefing on the overview, one topic on
its page) and the overview's 简报用语 box (the 本期综述 paragraph, plain text to copy).

Both read the figures through the app's cached `run`, so they agree with the cards on screen
and cost nothing extra when the page has just asked the same queries.
"""

from __future__ import annotations

import io
import zipfile

import streamlit as st

from dashboard.briefing.generate import FORMAT_LABELS, briefing_outputs
from dashboard.briefing.model import TOPIC_ORDER
from dashboard.briefing.topics import build_briefing
from dashboard.cache import run
from dashboard.db import DataError

CHOICES = {"pdf": "PDF（A4 周报）", "docx": "Word（可编辑）", "pptx": "PowerPoint（16:9）", "png": "PNG（每节一张）"}
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "application/zip",
}
# The copy box shows the paragraph in the page's own type, wrapped (st.code would be monospace).
SUMMARY_CSS = """<style>
.st-key-briefing-summary pre, .st-key-briefing-summary code{font-family:"Noto Sans CJK SC","Noto Sans SC",
"Source Han Sans SC","Microsoft YaHei",sans-serif !important; font-size:1rem !important; line-height:1.7 !important;
white-space:pre-wrap !important; word-break:normal !important; overflow-wrap:anywhere}
</style>"""


def summary_paragraph(ctx, topic_keys=TOPIC_ORDER) -> str:
    """The 本期综述 paragraph for the page's filter (the same words as the documents)."""
    return build_briefing(run, ctx, tuple(topic_keys), with_charts=False).summary


def summary_box(ctx, topic_keys=TOPIC_ORDER) -> None:
    """简报用语: the paragraph in a box with a copy button, in proportional type."""
    st.html(SUMMARY_CSS)
    with st.container(key="briefing-summary"):
        st.code(summary_paragraph(ctx, topic_keys), language=None, wrap_lines=True)
    st.caption("点击框右上角的复制按钮即可粘贴到周报；一句一个专题，未达标的地区按差距从大到小列出。")


def _download(output) -> tuple[bytes, str]:
    if output.data is not None:
        return output.data, output.name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in output.files:
            archive.writestr(f"{output.name}/{name}", data)
    return buffer.getvalue(), f"{output.name}.zip"


def briefing_section(*topic_keys: str):
    """A page section (ctx → None) holding the button at the right: the whole briefing on the
    overview (no keys), one topic's on its page."""
    keys = tuple(topic_keys) or TOPIC_ORDER

    def show(ctx) -> None:
        with st.container(horizontal=True, horizontal_alignment="right"):
            briefing_button(ctx, keys)

    return show


def briefing_button(ctx, topic_keys=TOPIC_ORDER, key: str = "briefing") -> None:
    """A popover: choose formats, generate with a progress bar, then one download per format.

    The documents are kept for this filter in the session, so the downloads survive reruns."""
    whole = tuple(topic_keys) == TOPIC_ORDER
    with st.popover("生成周报" if whole else "生成本专题简报", icon=":material/description:"):
        formats = st.pills("格式", list(CHOICES), format_func=CHOICES.get, selection_mode="multi",
                           default=["pdf", "docx", "pptx"], key=f"{key}_formats")
        stored_key = (ctx.filters, tuple(topic_keys))
        # The click is kept in session state (a run that streamlit restarts must not lose it).
        st.button("生成", key=f"{key}_go", type="primary", disabled=not formats, icon=":material/play_arrow:",
                  on_click=st.session_state.__setitem__, args=(f"{key}_requested", True))
        if st.session_state.pop(f"{key}_requested", False) and formats:
            bar = st.progress(0.0, text="正在准备……")
            try:
                _, outputs = briefing_outputs(run, ctx, tuple(f for f in CHOICES if f in formats), tuple(topic_keys),
                                              lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))
            except DataError as exc:
                bar.empty()
                st.error(exc.message, icon=":material/error:")
                return
            bar.empty()
            st.session_state[f"{key}_outputs"] = (stored_key, outputs)
        stored = st.session_state.get(f"{key}_outputs")
        if stored and stored[0] == stored_key:
            for output in stored[1]:
                data, name = _download(output)
                st.download_button(f"下载 {FORMAT_LABELS[output.fmt]}", data, name, MIME[output.fmt],
                                   key=f"{key}_{output.fmt}", on_click="ignore", icon=":material/download:")
