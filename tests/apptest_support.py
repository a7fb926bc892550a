"""Running the app under streamlit's AppTest against a fixture database."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.fixture_base import TODAY

ENTRY = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def sqlite_fixture(tmp_path: Path, rows: dict[str, list[dict]]) -> str:
    """A SQLite fixture database with the contract's tables and `rows`; returns its URL."""
    from tests.conftest import new_database

    db = new_database("sqlite", tmp_path)
    db.create_schema()
    db.load(rows)
    return db.url


def open_page(monkeypatch, url: str, page: str | None = None, params: dict | None = None, today=TODAY) -> AppTest:
    """Run the entry script on `url` (then switch to `page`, e.g. "pages/lists.py") and return the AppTest."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_TODAY", today.isoformat())
    if not os.environ.get("DASHBOARD_DRAW_CLOSED_TABS"):  # a module-scoped page precedes conftest's
        monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def shown_text(at: AppTest) -> str:
    """All markdown, captions, metrics, alerts and titles on the page, joined (for assertions)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text"):
        parts.extend(str(element.value) for element in at.get(kind))
    for metric in at.metric:
        parts.append(f"{metric.label}: {metric.value} {metric.delta or ''}")
    return "\n".join(parts)


def chart_titled(at: AppTest, words: str) -> dict:
    """The plotly spec (as a dict) of the chart whose title contains `words`."""
    import json

    from dashboard.theme import whole_title

    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if words in whole_title(spec["layout"]["title"]["text"]):
            return spec
    raise AssertionError(f"no chart titled with {words!r}")


def metric_values(at: AppTest) -> dict[str, tuple[str, str]]:
    """{card label: (value, delta or "")} of every st.metric on the page."""
    return {m.label: (m.value, m.delta or "") for m in at.metric}


CHART_TYPES = ("plotly_chart", "deck_gl_json_chart")


def first_screen(block) -> list:
    """The elements of `block` (the page's main area, or a tab) before its first tabs, in order
    and flattened: what a page shows before its detail tabs."""
    shown = []
    for child in block.children.values():
        if child.type == "tab_container":
            break
        shown.append(child)
        if getattr(child, "children", None):
            shown.extend(_all_elements(child))
    return shown


def _all_elements(block) -> list:
    found = []
    for child in block.children.values():
        found.append(child)
        if getattr(child, "children", None):
            found.extend(_all_elements(child))
    return found
