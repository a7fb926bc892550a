"""建设中: replaced by this topic's own issue."""

import streamlit as st

from dashboard.app import start_page

ctx = start_page("建设中")
st.info("本页面建设中。")
