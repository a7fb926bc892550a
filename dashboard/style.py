"""The page's CSS, in one place: nothing is cut on a projector, and the meeting mode's large type.

Streamlit cuts a card's label, value and change with "…" when the card is narrow (1280 px
projectors with the sidebar open). A leader reading "到期…" or "改善（…" cannot tell what the
card says, so every text inside a card wraps instead. `inject()` is called once per run by
the page furniture; the CSS is style-only HTML and takes no room on the page.
"""

from __future__ import annotations

import json

import streamlit as st

# Card texts wrap instead of ending in "…"; the change and its word go onto a second line
# when they do not fit beside each other. A chart column narrower than 440 px (two side by
# side on a 1280 px screen with the sidebar) takes a full row, so no chart is squeezed until
# its title or legend is cut (theme.NARROWEST_PLOT_PX plans legends for that width).
NO_CUT = """
[data-testid='stMainBlockContainer']{padding-top:2.5rem}
[data-testid='stMetric'] [data-testid='stMetricLabel'],
[data-testid='stMetric'] [data-testid='stMetricLabel'] > div,
[data-testid='stMetric'] [data-testid='stMetricValue'],
[data-testid='stMetric'] [data-testid='stMetricDelta'],
[data-testid='stMetric'] [data-testid='stMetricDeltaDescription']{
  overflow:visible; white-space:normal; text-overflow:clip; height:auto; max-width:100%; min-width:0}
[data-testid='stMetric'] .stMarkdownEllipsis,
[data-testid='stMetric'] .stMarkdownEllipsis p{
  overflow:visible; white-space:normal; text-overflow:clip; overflow-wrap:anywhere; line-height:1.3}
[data-testid='stMetric'] *:has(> [data-testid='stMetricDelta']){flex-wrap:wrap; row-gap:0.25rem; height:auto}
[data-testid='stMetricValue'] .stMarkdownEllipsis p{line-height:1.15}
[data-testid='stMetricValue'] span[style*='font-size']{font-size:0.5em !important; font-weight:600; display:inline-block; line-height:1.2}
[data-testid='stHorizontalBlock']:has(> [data-testid='stColumn'] :is([data-testid='stPlotlyChart'],[data-testid='stDeckGlJsonChart'])){flex-wrap:wrap}
[data-testid='stColumn']:has(:is([data-testid='stPlotlyChart'],[data-testid='stDeckGlJsonChart'])){min-width:min(100%,440px)}
[data-testid='stPageLink'] p{white-space:normal; overflow:visible; text-overflow:clip}
"""

# Meeting mode (`?mode=present`): no sidebar, toolbar or Streamlit chrome; type sized by the
# screen width (vw), so 1920 px gives ≥ 64 px values and ≥ 28 px labels, and 1280 px two thirds
# of that; the screen fits the viewport without scrolling.
PRESENT = """
[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],[data-testid='stExpandSidebarButton'],
[data-testid='stSidebarNav'],[data-testid='stHeader'],[data-testid='stToolbar'],[data-testid='stDecoration'],
[data-testid='stStatusWidget'],footer{display:none !important}
[data-testid='stMainBlockContainer']{padding:0.6vw 2vw 0.4vw 2vw !important; max-width:100% !important}
[data-testid='stMain']{overflow:hidden}
[data-testid='stMainBlockContainer']{height:100vh}
[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock']{height:100%; flex-wrap:nowrap; gap:0.5vw}
[data-testid='stLayoutWrapper']:has(> .st-key-present_chart){flex:1 1 0; min-height:0}
.st-key-present_chart{height:100%}
.st-key-present_viewport{display:none}
.st-key-present_chart [data-testid='stElementContainer']{height:100%}
.st-key-present_attention :is(p,li){font-size:clamp(18px,1.5vw,48px); line-height:1.4}
.present-topline{display:flex; justify-content:space-between; gap:1.5vw; font-size:max(14px,0.95vw);
  color:#4a5561; border-bottom:1px solid #d5dbe1; padding-bottom:0.3vw; line-height:1.3}
.present-topline b{color:#1f2933}
.present-title{font-size:clamp(24px,2.1vw,64px); font-weight:700; color:#1f2933; line-height:1.2; margin:0}
[data-testid='stMetric']{padding:0.5vw 0.9vw !important}
[data-testid='stMetric'] [data-testid='stMetricLabel'] p{font-size:clamp(18px,1.5vw,48px) !important; line-height:1.25}
[data-testid='stMetric'] [data-testid='stMetricValue'] p{font-size:clamp(40px,3.4vw,110px) !important; font-weight:600}
[data-testid='stMetric'] [data-testid='stMetricValue']{font-size:clamp(40px,3.4vw,110px) !important}
[data-testid='stMetric'] [data-testid='stMetricDelta'] p,
[data-testid='stMetric'] [data-testid='stMetricDeltaDescription'] p{font-size:clamp(15px,1.15vw,38px) !important}
/* A county viewer's 全市 line under each card: as large as the change line, readable in the room. */
.st-key-present_cards [data-testid='stCaptionContainer'] p{font-size:clamp(15px,1.15vw,38px) !important}
[data-testid='stMetric'] [data-testid='stMetricDelta'] svg{width:1.1vw; height:1.1vw; min-width:14px; min-height:14px}
[data-testid='stMetric'] [data-testid='stTooltipIcon']{display:none}
.present-nav{font-size:max(14px,0.9vw); color:#4a5561}
.present-notice{font-size:max(14px,0.95vw); color:#8a4b00; background:#fff4e0; border-radius:4px; padding:0.2vw 0.6vw}
"""

# A chart in fullscreen fills the screen with its title, legend and footnote (they are part of
# the plotly figure, which redraws at the screen's size). The map's title, legend and footnote
# are elements beside the deck, so its fullscreen button takes the whole map section instead,
# scaled up to fill the screen (MAP_FULLSCREEN_JS).
FULLSCREEN = """
[data-testid='stVerticalBlock'].map-fullscreen:fullscreen{background:white; padding:1vw 2vw; overflow:hidden;
  justify-content:center}
[data-testid='stVerticalBlock'].map-fullscreen:fullscreen > *{zoom:var(--map-zoom, 1)}
"""

# Capture the deck's fullscreen click before streamlit: fullscreen the section around the map
# (title, controls, deck, legend, footnote) with its contents zoomed to fill the screen.
MAP_FULLSCREEN_JS = """
<script>
if (!window.mapFullscreenInstalled) {
  window.mapFullscreenInstalled = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-testid=stFullScreenFrame] button');
    if (!button || !/^(Fullscreen|全屏)/.test(button.getAttribute('aria-label') || '')) return;
    const frame = button.closest('[data-testid=stFullScreenFrame]');
    if (!frame.querySelector('[data-testid=stDeckGlJsonChart]')) return;
    const section = frame.closest('[data-testid=stVerticalBlock]');
    if (!section) return;
    event.preventDefault(); event.stopPropagation();
    const zoom = Math.min(screen.width * 0.96 / section.clientWidth, screen.height * 0.96 / section.scrollHeight);
    section.style.setProperty('--map-zoom', Math.max(1, zoom).toFixed(3));
    section.classList.add('map-fullscreen');
    section.requestFullscreen();
  }, true);
}
</script>
"""


# Printing from the browser (Ctrl+P → PDF): no sidebar, widgets or Streamlit chrome, cards and
# footnotes wrap, a chart never splits across pages, and each chart is scaled to the paper's
# width (its SVG gets a viewBox: FIT_SVG below), so nothing is cut at the right.
PRINT = """
@page{size:A4 portrait; margin:12mm}
@media print{
[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],[data-testid='stExpandSidebarButton'],
[data-testid='stSidebarNav'],[data-testid='stHeader'],[data-testid='stToolbar'],[data-testid='stDecoration'],
[data-testid='stStatusWidget'],[data-testid='stElementToolbar'],footer,.modebar-container,
[data-testid='stPopover'],[data-testid='stButton'],[data-testid='stDownloadButton'],[data-testid='stBaseButton-secondary'],
[data-testid='stSegmentedControl'],[data-testid='stCheckbox'],[data-testid='stToggle'],[data-testid='stSelectbox'],
[data-testid='stMultiSelect'],[data-testid='stRadio'],[data-testid='stDateInput'],[data-testid='stButtonGroup'],
[data-testid='stTooltipIcon'],[data-testid='stPills']{display:none !important}
html,body,[data-testid='stApp'],[data-testid='stAppViewContainer'],[data-testid='stMain']{
  overflow:visible !important; height:auto !important; position:static !important}
[data-testid='stMainBlockContainer']{max-width:100% !important; padding:0 !important}
[data-testid='stMetric'],[data-testid='stPlotlyChart'],[data-testid='stDeckGlJsonChart'],
[data-testid='stExpander'],[data-testid='stAlert']{break-inside:avoid}
[data-testid='stCaptionContainer'],[data-testid='stCaptionContainer'] *,[data-testid='stMarkdownContainer'] p{
  white-space:normal !important; overflow:visible !important; text-overflow:clip !important; overflow-wrap:anywhere}
[data-testid='stHorizontalBlock']{flex-wrap:wrap !important}
[data-testid='stColumn']:has(:is([data-testid='stPlotlyChart'],[data-testid='stDeckGlJsonChart'])){min-width:100% !important}
[data-testid='stPlotlyChart'],[data-testid='stPlotlyChart'] > div,.js-plotly-plot,.js-plotly-plot .plot-container,
.js-plotly-plot .svg-container{width:100% !important; max-width:100% !important; height:auto !important}
.js-plotly-plot .svg-container > .main-svg:first-child{position:relative !important}
.js-plotly-plot .main-svg{width:100% !important; height:auto !important}
}
"""

# Gives every plotly SVG a viewBox equal to its own size (no change on screen), kept in step as
# charts redraw, so that the print rules above can scale a chart to the paper's width.
FIT_SVG = """<script>
(() => {
  if (window.__jgFitSvg) return;
  window.__jgFitSvg = true;
  let queued = false;
  const sync = () => {
    queued = false;
    for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg')) {
      const w = svg.getAttribute('width'), h = svg.getAttribute('height');
      const box = `0 0 ${w} ${h}`;
      if (w && h && svg.getAttribute('viewBox') !== box) svg.setAttribute('viewBox', box);
    }
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(sync); } })
    .observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['width', 'height']});
  sync();
})();
</script>"""


# Streamlit's and plotly's toolbars speak English and take no dictionary of ours: their button
# labels, tooltips and plotly's data-title tooltips are put into Chinese as they appear.
TOOLBAR_ZH = {
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载 CSV（本页显示的行）",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Exit fullscreen": "退出全屏",
    "Download plot as a PNG": "下载图片（PNG）",
    "Download plot as a png": "下载图片（PNG）",
    "Zoom": "缩放",
    "Pan": "平移",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Autoscale": "自动范围",
    "Reset axes": "还原坐标轴",
    "Reset view": "还原视图",
    "Box Select": "框选",
    "Lasso Select": "套索选择",
    "Double-click to zoom back out": "双击还原",
}
TRANSLATE_TOOLBARS = """<script>
(() => {
  if (window.__jgToolbarZh) return;
  window.__jgToolbarZh = true;
  const zh = __ZH__;
  const plain = (text) => text.replace(/:[a-z]+\[([^\]]*)\]/g, '$1').replace(/\*\*/g, '');
  let queued = false;
  const sync = () => {
    queued = false;
    for (const el of document.querySelectorAll('[aria-label],[data-title],[title]')) {
      for (const attr of ['aria-label', 'data-title', 'title']) {
        const value = el.getAttribute(attr);
        if (value && zh[value]) el.setAttribute(attr, zh[value]);
        // A card's help button is labelled "Help for" + its label's raw markdown
        // (":red[**未达标**] 回访率"): a screen reader gets "说明：未达标 回访率".
        else if (value && attr === 'aria-label' && value.startsWith('Help for ')) el.setAttribute(attr, '说明：' + plain(value.slice(9)));
        else if (value && attr === 'aria-label' && /:[a-z]+\[|\*\*/.test(value)) el.setAttribute(attr, plain(value));
      }
    }
    // Tooltip popovers render their text as plain nodes when shown.
    for (const el of document.querySelectorAll('[data-testid="stTooltipContent"], [role="tooltip"], [data-baseweb="tooltip"]')) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.nodeValue.trim();
        if (zh[text]) node.nodeValue = zh[text];
      }
    }
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(sync); } })
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['aria-label', 'data-title', 'title']});
  sync();
})();
</script>"""


# A plotly chart's fullscreen (Streamlit's: the chart redrawn at the window's size) keeps the
# chart's fixed type sizes, small on a projector. Just before the fullscreen click is handled,
# every font size and pixel margin of the figure is multiplied by the window's width / 1100
# (1.75 at 1920 px), so the redraw at full size is drawn in large type; closing the fullscreen
# (button or Esc) divides them back before the redraw at the page's size.
CHART_FULLSCREEN_JS = """
<script>
if (!window.chartFullscreenInstalled) {
  window.chartFullscreenInstalled = true;
  const scaleFigure = (gd, z) => {
    const fonts = (node, depth) => {
      if (!node || typeof node !== 'object' || depth > 6) return;
      for (const [key, value] of Object.entries(node)) {
        if (value && typeof value === 'object' && /font$/i.test(key)) value.size = (value.size || 14) * z;
        else if (value && typeof value === 'object') fonts(value, depth + 1);
      }
    };
    fonts(gd.layout, 0);
    for (const trace of gd.data || []) fonts(trace, 0);
    const margin = gd.layout.margin || {};
    for (const side of ['t', 'b', 'l', 'r']) if (margin[side] != null) margin[side] *= z;
    for (const note of gd.layout.annotations || []) {
      if (note.yshift) note.yshift *= z;
      if (note.xshift) note.xshift *= z;
    }
    const title = gd.layout.title;
    if (title && title.pad && title.pad.t) title.pad.t *= z;
  };
  // Fullscreen: a long title split for a narrow column (its tail in a fixed-size span) is whole
  // again and the legend gets as many entries per row as a wide plot holds, with the title pad
  // and top margin for that (theme.clear_title puts them in layout.meta), so no empty band opens
  // between title and legend. Closing puts back what the page had.
  const enlarge = (gd, z) => {
    const title = gd.layout.title || {}, legend = gd.layout.legend || {}, margin = gd.layout.margin || {};
    gd.__jgPage = {text: title.text, pad: title.pad && title.pad.t, top: margin.t, entrywidth: legend.entrywidth};
    scaleFigure(gd, z);
    if (typeof title.text === 'string')
      // (No tag characters in this script: \\x3c and \\x3e stand for the angle brackets.)
      title.text = title.text.replace(/\\x3cbr\\x3e\\x3cspan[^\\x3e]*\\x3e（([^]*)\\x3c\\/span\\x3e$/, '（$1');
    const geometry = gd.layout.meta && gd.layout.meta.fullscreen_geometry;
    if (geometry) {
      if (title.pad) title.pad.t = geometry.pad * z;
      margin.t = geometry.top * z;
      if (geometry.entrywidth) legend.entrywidth = geometry.entrywidth;
    }
  };
  const shrink = (gd, z) => {
    scaleFigure(gd, 1 / z);
    const page = gd.__jgPage, title = gd.layout.title || {}, legend = gd.layout.legend || {};
    if (!page) return;
    title.text = page.text;
    if (title.pad) title.pad.t = page.pad;
    if (gd.layout.margin) gd.layout.margin.t = page.top;
    if (page.entrywidth != null) legend.entrywidth = page.entrywidth;
    gd.__jgPage = null;
  };
  const chartOf = (button) => {
    const frame = button.closest('[data-testid=stFullScreenFrame]');
    return frame && frame.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
  };
  const restore = (gd) => {
    if (gd && gd.__jgZoom) { shrink(gd, gd.__jgZoom); gd.__jgZoom = null; }
  };
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-testid=stFullScreenFrame] button');
    if (!button) return;
    const label = button.getAttribute('aria-label') || '';
    const gd = chartOf(button);
    if (!gd || !gd.layout) return;
    if (/^(Fullscreen|全屏)/.test(label) && !gd.__jgZoom) {
      const z = Math.min(2.5, Math.max(1, innerWidth / 1100));
      enlarge(gd, z);
      gd.__jgZoom = z;
    } else if (/^(Close fullscreen|Exit fullscreen|退出全屏)/.test(label)) restore(gd);
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') document.querySelectorAll('.js-plotly-plot').forEach(restore);
  }, true);
}
</script>
"""


def inject(present: bool = False) -> None:
    """Add the dashboard's CSS to the page (the meeting-mode rules too when `present`)."""
    css = NO_CUT + FULLSCREEN + PRINT + (PRESENT if present else "")
    st.html(f"<style>{css}</style>")
    if not present:
        st.html(MAP_FULLSCREEN_JS, unsafe_allow_javascript=True)
        st.html(CHART_FULLSCREEN_JS, unsafe_allow_javascript=True)
    st.html(FIT_SVG, unsafe_allow_javascript=True)
    st.html(TRANSLATE_TOOLBARS.replace("__ZH__", json.dumps(TOOLBAR_ZH, ensure_ascii=False)), unsafe_allow_javascript=True)
