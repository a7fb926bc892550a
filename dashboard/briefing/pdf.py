"""The A4 周报 as PDF through WeasyPrint: the document HTML laid out on A4 portrait pages with
the stamp and 第x页/共y页 in the page margin, and the CJK font (Noto Sans CJK SC, from Debian's
fonts-noto-cjk) embedded as a subset with its real characters, so text copied or searched in
the PDF is the text written (chromium's print path embeds that CFF font as Type 3 glyphs whose
text maps partly to look-alike radicals: 月 becomes ⽉).

Only data: URIs are fetched (the charts); any other URL is refused, so nothing leaves the machine.
"""

from __future__ import annotations

import logging

from dashboard.briefing.html import document_html
from dashboard.briefing.model import Briefing
from dashboard.db import DataError


def pdf_bytes(briefing: Briefing) -> bytes:
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint needs Debian's Pango (libpango-1.0-0)
        raise DataError(f"无法生成 PDF：缺少系统库 Pango（{exc}）；请安装 Debian 的 libpango-1.0-0。") from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=document_html(briefing), url_fetcher=fetcher).write_pdf()
