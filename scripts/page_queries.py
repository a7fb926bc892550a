"""Writes dashboard/page_queries.json: every page's query calls for the default views (with each
page's first tab open, as a visitor finds it: ui.lazy_tabs computes only the open tab), so the
pre-warm and the page prefetch know what a page asks for before anyone has opened it.

It runs each page of streamlit_app.py under AppTest on a small demo database for the default
views (上周 and 本月至今, 全市 and one county) and records the calls the page made through
`dashboard.cache.run` (`cache.page_shapes()`): the query function as module:qualname, its
arguments with the page's filter written as a marker (THIS_PERIOD / COMPARED / DATA_DATE), its
keyword arguments (the format is described in dashboard/page_queries.py). After changing what a page asks for, run

    python3 -m scripts.page_queries            # rewrites dashboard/page_queries.json
    python3 -m scripts.page_queries --check    # exit 1 when the file is out of step (what the test does)
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from dashboard.page_queries import MANIFEST

REPO = Path(__file__).resolve().parent.parent
COMMAND = "python3 -m scripts.page_queries"

DATA_DATE = date(2026, 11, 22)
TODAY = DATA_DATE + timedelta(days=1)
SCALE = 0.01
PRESETS = ("last_week", "month_to_date")


def pages() -> list[tuple[str, str]]:
    """(page file, url path) of every page in the entry script's navigation, in its order."""
    entry = (REPO / "streamlit_app.py").read_text(encoding="utf-8")
    files = re.findall(r'st\.Page\("(pages/\w+\.py)"', entry)
    return [(file, Path(file).stem) for file in files]


def record() -> dict:
    """{"pages": {url path: [call, ...]}}: each page's calls over the default views, in the order
    the page first made them."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import cache, page_queries
    from data import demo
    from queries.meta import region_tree

    saved = {name: os.environ.get(name) for name in ("DASHBOARD_DB_URL", "DASHBOARD_TODAY", "DASHBOARD_PREFETCH", "DASHBOARD_DRAW_CLOSED_TABS")}
    recorded: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.sqlite'}"
        demo.generate(url, scale=SCALE, data_date=DATA_DATE)
        os.environ.update(DASHBOARD_DB_URL=url, DASHBOARD_TODAY=TODAY.isoformat(), DASHBOARD_PREFETCH="0",
                          DASHBOARD_DRAW_CLOSED_TABS="0")
        st.cache_data.clear()
        try:
            county = cache.run_at(url, region_tree).query("level == 'county'")["code"].iloc[0]
            views = [{"preset": preset} for preset in PRESETS] + [{"preset": PRESETS[0], "county": county}]
            for file, path in pages():
                calls = recorded.setdefault(path, {})
                for params in views:
                    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=120)
                    for key, value in params.items():
                        at.query_params[key] = value
                    at.run()
                    cache._shapes.clear()
                    at.switch_page(file)
                    at.run()
                    if at.exception:
                        raise RuntimeError(f"{file} failed under AppTest: {at.exception[0].value}")
                    for shape in cache.page_shapes():
                        entry = page_queries.entry(shape)
                        calls.setdefault(json.dumps(entry, ensure_ascii=False, sort_keys=True), entry)
        finally:
            st.cache_resource.clear()  # releases the engine on the temporary file
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return {"pages": {path: list(calls.values()) for path, calls in recorded.items()}}


def render(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(record())
    if "--check" in argv[1:]:
        if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != text:
            print(f"{MANIFEST.relative_to(REPO)} is out of step with the pages: run `{COMMAND}`")
            return 1
        return 0
    if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != text:
        MANIFEST.write_text(text, encoding="utf-8")
        print(f"{MANIFEST.relative_to(REPO)} rewritten from the pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
