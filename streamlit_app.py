"""监管驾驶舱 — entry script: page config and navigation.

Each page starts with `dashboard.app.start_page(title)`, which draws the shared banner and
sidebar filter, so the filter is the same on every page and kept in the URL.
"""

from pathlib import Path

import streamlit as st

# A local file: a material-icon page_icon makes the browser fetch the favicon from Google's
# font servers, which bureau networks cannot reach.
FAVICON = str(Path(__file__).resolve().parent / "dashboard" / "static" / "favicon.png")

# Meeting mode (?mode=present) draws its own screens on any page's URL, without the sidebar.
PRESENT = st.query_params.get("mode") == "present"
st.set_page_config(page_title="监管驾驶舱", page_icon=FAVICON, layout="wide",
                   initial_sidebar_state="collapsed" if PRESENT else "expanded")

PAGES = [
    st.Page("pages/overview.py", title="监管总览", icon=":material/dashboard:", default=True),
    st.Page("pages/credit_risk.py", title="企业信用风险分类", icon=":material/map:"),
    st.Page("pages/inspections.py", title="双随机、一公开抽查", icon=":material/fact_check:"),
    st.Page("pages/lists.py", title="经营异常与严重失信名单", icon=":material/list_alt:"),
    st.Page("pages/revisits.py", title="执法事后回访", icon=":material/handshake:"),
    st.Page("pages/penalties.py", title="包容审慎减免处罚", icon=":material/balance:"),
]

page = st.navigation(PAGES, position="hidden" if PRESENT else "sidebar")
if PRESENT:
    from dashboard.present_screens import run_show

    run_show(page.url_path)
else:
    st.session_state["page_url_path"] = page.url_path  # where the 会议演示 button starts the show
    page.run()
