"""The weekly briefing (周报) and meeting deck: content, summary paragraph, PDF/Word/PowerPoint/PNG.

Layout: `runner` (queries on the read-only engine, no streamlit), `model` (the content: figures,
charts, tables, built with the same query functions and chart builders as the pages), `summary`
(the 本期综述 paragraph), `images` (charts and the county map as PNG via kaleido), one module per
format (`pdf`, `docx`, `pptx`, `png`), `generate` (all formats, written atomically) and the
command line (`python -m dashboard.briefing --help`).

Light on import: the renderers load their libraries only when used. The penalty page's
pasteable sentence lives in `sentences` and is re-exported here.
"""

from dashboard.briefing.sentences import CITY_SUBJECT, briefing_subject, penalties_sentence, wan_text

__all__ = ["CITY_SUBJECT", "briefing_subject", "penalties_sentence", "wan_text"]
