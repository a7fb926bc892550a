"""The credit-risk page under AppTest, on the fixture of test_credit_risk_queries.

Figures of that fixture at P (11-22) / Q (11-15): 科尔沁区 A2 B2 C2 D1 (rated 7, 未分类 1),
开鲁县 A2 C1 (rated 3, 未分类 1); city 10 rated, high risk 4/10 = 40.0% vs 5/10 = 50.0%.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import config, maps, theme
from tests.apptest_support import CHART_TYPES, ENTRY, chart_titled, first_screen, metric_values, open_page, shown_text, sqlite_fixture
from tests.fixture_base import KAILU, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING
from tests.test_credit_risk_queries import fixture_rows

PAGE = "pages/credit_risk.py"
CHROMIUM = "/usr/bin/chromium"
# The map scale runs from 0 to the largest value over theme.RISK_SCALE's five stops.
PALEST = [*theme.RISK_SCALE[0], 235]
DARKEST = [*theme.RISK_SCALE[-1], 235]
# 开鲁县's 1/3 on the 0–3/7 scale of the high-risk share: position 7/9 = 3.11 stops, i.e. 1/9 of
# the way from stop 3 (217, 72, 1) to stop 4 (140, 45, 4): 217 − 77/9 = 208.4, 72 − 27/9 = 69,
# 1 + 3/9 = 1.3.
KAILU_SHARE_FILL = [208, 69, 1, 235]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("credit_page"), fixture_rows())


@pytest.fixture
def squares(tmp_path, monkeypatch):
    """Two square counties around the fixture's label points; 开鲁县 keyed by a 156-prefixed id."""
    def square(west, south):
        return {"type": "Polygon", "coordinates": [[[west, south], [west + 0.6, south], [west + 0.6, south + 0.6],
                                                    [west, south + 0.6], [west, south]]]}

    path = tmp_path / "counties.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": KEQIN, "name": "科尔沁区"}, "geometry": square(121.95, 43.3)},
        {"type": "Feature", "properties": {"id": f"156{KAILU}", "name": "开鲁县"}, "geometry": square(121.0, 43.3)},
    ]}), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_BOUNDARIES_PATH", str(path))
    monkeypatch.setenv("DASHBOARD_BOUNDARIES_SOURCE", "测试边界（审图号：测试字（2026）001号）")
    return path


def _deck(at) -> dict[str, dict]:
    """The deck's layers by id."""
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "mapStyle" not in spec or spec["mapStyle"] == "__MAP_STYLE__"  # no base-map style to fetch
    return {layer["id"]: layer for layer in spec["layers"]}


def _region_table(at):
    """The region table (the page also shows the C/D enterprise list)."""
    return next(d.value for d in at.dataframe if "已评级企业" in d.value.columns)


_chart = chart_titled
_metrics = metric_values


def test_headline_cards_table_and_charts(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE)
    assert not at.exception
    cards = _metrics(at)
    assert cards["已评级企业"][0] == "10"
    # (3 + 1) / 10 = 40.0% vs (3 + 2) / 10 = 50.0%: −10.0 points, a fall in a rising-is-bad figure.
    assert cards["高风险占比（C+D类）"] == ("40.0%", "-10.0个百分点")
    assert cards["D类（高风险）企业"][0] == "1" and cards["未分类"][0] == "2"
    assert (cards["A类（低风险）企业"][0], cards["B类（一般风险）企业"][0], cards["C类（较高风险）企业"][0]) == ("4", "2", "3")
    assert cards["D类占比"][0] == "10.0%"
    assert cards["升级（向A类）"][0] == "2" and cards["降级（向D类）"][0] == "1"
    assert "改善（较上周）" in [m.proto.delta_description for m in at.metric if m.label.startswith("高风险占比")]

    table = _region_table(at)
    assert list(table["旗县市区"]) == ["科尔沁区", "开鲁县", "全市"]
    # 科尔沁区 3/7 vs 4/7 at Q (1 A, 2 D, 3 C, 4 B, 5 A, 6 D, 8 C); 开鲁县 1/3 vs 1/3 (10 C, 11 B, 15 A).
    assert list(table["高风险占比"]) == ["42.9%", "33.3%", "40.0%"]
    assert list(table["高风险占比变化"]) == ["−14.3个百分点", "0.0个百分点", "−10.0个百分点"]

    grid = _chart(at, "各等级占比")["data"][0]
    assert grid["y"] == ["科尔沁区", "开鲁县"]  # 42.9% before 33.3%
    assert grid["text"][0] == ["28.6%", "28.6%", "28.6%", "14.3%", "42.9%"]
    assert grid["text"][1] == ["66.7%", "0.0%", "33.3%", "0.0%", "33.3%"]

    city = [t for t in _chart(at, "月末走势")["data"] if t["name"] == "全市"][0]
    assert len(city["x"]) == 12
    # 2025-12-31: 3 of 5 + 1 of 4 = 4 of 9 = 44.4%; 2026-11-22: 3 of 7 + 1 of 3 = 4 of 10 = 40.0%.
    assert (round(city["y"][0], 1), round(city["y"][-1], 1)) == (44.4, 40.0)

    migration = _chart(at, "信用等级迁移")
    assert "升级2家，降级1家" in migration["layout"]["title"]["text"]
    counts = [t for t in migration["data"] if t.get("text")][0]["text"]
    assert counts == [["2", "0", "1", "0"], ["1", "1", "0", "0"], ["0", "0", "2", "0"], ["0", "1", "0", "1"]]


def test_first_screen_is_the_headline_and_the_map_the_rest_in_tabs(monkeypatch, url, squares):
    """Before the detail tabs: the four headline cards and one chart, the map; the trend, grade
    distribution, migration, C/D list and table are each a tab below."""
    at = open_page(monkeypatch, url, PAGE)
    assert not at.exception
    first = first_screen(at.main)
    assert [e.label for e in first if e.type == "metric"] == ["已评级企业", "高风险占比（C+D类）", "D类（高风险）企业", "未分类"]
    assert [e.type for e in first if e.type in CHART_TYPES] == ["deck_gl_json_chart"]
    assert [t.label for t in at.tabs] == ["走势", "等级分布", "等级迁移", "C/D类企业名单", "明细表"]
    tabs = {t.label: t for t in at.tabs}
    assert tabs["走势"].get("plotly_chart") and tabs["等级分布"].get("plotly_chart") and tabs["等级迁移"].get("plotly_chart")
    assert tabs["C/D类企业名单"].get("dataframe") and tabs["明细表"].get("dataframe")


def test_scope_is_named_and_settable(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE)
    text = shown_text(at)
    assert "口径：分类对象：企业，不含个体工商户、农民专业合作社" in text
    # Entities 16, 18 and 21 (individuals and a cooperative) have assessments but are outside the scope.
    assert "3 户在册市场主体有分类结果，但不属于分类对象" in "\n".join(e.value for e in at.expander[0].markdown)

    # Widened to 企业 and 个体工商户: 16 (D) joins the rated, 17 and 21 the unrated →
    # rated 11, D 2, 未分类 4 (12, 17, 21, 7); high risk (3 + 2) / 11 = 45.5%.
    monkeypatch.setenv("DASHBOARD_CREDIT_RISK_ENTITY_TYPES", "individual,company")
    at = open_page(monkeypatch, url, PAGE)
    cards = _metrics(at)
    assert (cards["已评级企业"][0], cards["D类（高风险）企业"][0], cards["未分类"][0]) == ("11", "2", "4")
    assert cards["高风险占比（C+D类）"][0] == "45.5%"
    assert "分类对象：企业、个体工商户，不含农民专业合作社" in shown_text(at)

    monkeypatch.setenv("DASHBOARD_CREDIT_RISK_ENTITY_TYPES", "companies")
    at = open_page(monkeypatch, url, PAGE)
    assert _metrics(at)["已评级企业"][0] == "10"
    assert any("DASHBOARD_CREDIT_RISK_ENTITY_TYPES='companies' 无效" in w.value for w in at.warning)


def test_map_polygons_coloured_by_high_risk_share(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE)
    layers = _deck(at)
    features = {f["properties"]["code"]: f["properties"] for f in layers["areas"]["data"]["features"]}
    assert set(features) == {KEQIN, KAILU}
    # 科尔沁区 3/7 = 42.9% is the highest share (darkest); 开鲁县 1/3 = 33.3%.
    assert features[KEQIN]["fill"] == DARKEST and features[KAILU]["fill"] == KAILU_SHARE_FILL
    assert features[KEQIN]["tooltip"].splitlines() == [
        "科尔沁区", "评级企业 7 家（未分类 1 家）", "A类 2 家，占 28.6%", "B类 2 家，占 28.6%",
        "C类 2 家，占 28.6%", "D类 1 家，占 14.3%", "高风险占比（C+D） 42.9%",
    ]
    labels = [row["text"] for row in layers["labels"]["data"]]
    assert labels == ["科尔沁区\n42.9%", "开鲁县\n33.3%"]
    assert layers["labels"]["characterSet"] == "auto" and "Noto Sans CJK SC" in layers["labels"]["fontFamily"]
    text = shown_text(at)
    assert "测试字（2026）001号" in text
    assert "0.0%" in text and "21.4%" in text and "42.9%" in text  # the legend: 0 to 3/7 in quarters

    at.segmented_control(key="credit_map_measure").set_value("d_count").run()
    features = {f["properties"]["code"]: f["properties"] for f in _deck(at)["areas"]["data"]["features"]}
    # D count: 科尔沁区 1 (darkest), 开鲁县 0 (palest).
    assert features[KEQIN]["fill"] == DARKEST and features[KAILU]["fill"] == PALEST

    at.toggle(key="credit_map_density").set_value(True).run()
    density = _deck(at)["density"]
    assert density["@@type"] == "HeatmapLayer"
    assert sorted(row["weight"] for row in density["data"]) == [1, 2]


def test_map_without_boundaries_draws_circles(monkeypatch, url, tmp_path):
    monkeypatch.delenv("DASHBOARD_BOUNDARIES_PATH", raising=False)
    monkeypatch.delenv("DASHBOARD_BOUNDARIES_SOURCE", raising=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)  # no demo boundaries either
    at = open_page(monkeypatch, url, PAGE)
    layers = _deck(at)
    assert "areas" not in layers
    circles = {row["code"]: row for row in layers["points"]["data"]}
    assert set(circles) == {KEQIN, KAILU}
    assert (circles[KEQIN]["lon"], circles[KEQIN]["lat"]) == (122.26, 43.62)
    assert circles[KEQIN]["fill"] == DARKEST and circles[KAILU]["fill"] == KAILU_SHARE_FILL
    assert "无边界数据，按区划中心点绘制" in shown_text(at)


def test_drilled_county_shows_its_offices_and_returns(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE, params={"county": KEQIN})
    assert _metrics(at)["已评级企业"][0] == "7"
    layers = _deck(at)
    assert len(layers["context"]["data"]["features"]) == 1  # the county's outline around its offices
    offices = {row["code"]: row for row in layers["points"]["data"]}
    assert set(offices) == {KEQIN_YONGQING, KEQIN_MINGREN}  # 其他 has no location
    # 明仁 1/2 = 50.0% (darkest); 永清 1/3 = 33.3%: position 2/3 of a 0–1/2 scale, 2/3 of the way
    # from stop 2 (253, 141, 60) to stop 3 (217, 72, 1): 229, 95, 20.7. 其他 (50.0%) is in the table only.
    assert offices[KEQIN_YONGQING]["fill"] == [229, 95, 21, 235] and offices[KEQIN_MINGREN]["fill"] == DARKEST
    assert offices[KEQIN_MINGREN]["radius"] > offices[KEQIN_YONGQING]["radius"]
    # The two offices are 0.03° apart, about 30 px at the county's zoom: their labels would
    # overlap, so only the higher value (明仁所) is labelled; 永清所 keeps its circle and tooltip.
    assert [row["text"] for row in layers["labels"]["data"]] == ["明仁所\n50.0%"]
    table = _region_table(at)
    assert list(table["监管所"]) == ["永清所", "明仁所", "其他", "科尔沁区"]
    assert list(table["已评级企业"]) == [3, 2, 2, 7]
    assert "其他没有边界或坐标" in shown_text(at)

    at.button(key="credit_map_back").click().run()
    assert not at.exception
    assert {f["properties"]["code"] for f in _deck(at)["areas"]["data"]["features"]} == {KEQIN, KAILU}
    assert _metrics(at)["已评级企业"][0] == "10"


def test_selected_code_reads_polygons_and_circles():
    polygon = {"selection": {"indices": {"areas": [1]}, "objects": {"areas": [{"properties": {"code": KAILU}}]}}}
    circle = {"selection": {"indices": {"points": [0]}, "objects": {"points": [{"code": KEQIN_YONGQING}]}}}
    assert maps.selected_code(polygon) == KAILU
    assert maps.selected_code(circle) == KEQIN_YONGQING
    assert maps.selected_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_code(None) is None


def test_feature_codes_and_unreadable_boundaries(tmp_path):
    assert maps.feature_code({"code": "150502"}) == "150502"
    assert maps.feature_code({"adcode": 150523}) == "150523"
    assert maps.feature_code({"id": "156150581"}) == "150581"
    assert maps.feature_code({"code": "150525000000"}) == "150525"
    assert maps.feature_code({"name": "某县"}) is None
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    result = maps.read_boundaries(broken)
    assert result.shapes == {} and "不是有效的 GeoJSON" in result.problem
    assert maps.read_boundaries(tmp_path / "missing.geojson").problem.startswith("边界文件")


def test_damaged_feature_is_skipped_and_named_the_page_still_draws(monkeypatch, url, squares):
    collection = json.loads(squares.read_text(encoding="utf-8"))
    collection["features"][1]["geometry"]["coordinates"] = []  # 开鲁县: a polygon without rings
    squares.write_text(json.dumps(collection), encoding="utf-8")
    result = maps.read_boundaries(squares)
    assert set(result.shapes) == {KEQIN}
    assert result.problem.endswith(f"中区划 {KAILU} 的坐标无效，已跳过，这些区划按中心点绘制。")
    at = open_page(monkeypatch, url, page="pages/credit_risk.py")
    assert not at.exception
    deck = json.dumps(_deck(at), ensure_ascii=False)
    assert "科尔沁区" in deck and "开鲁县" in deck  # both counties still on the map
    assert f"区划 {KAILU} 的坐标无效" in shown_text(at)  # named in the data-quality notes


@contextmanager
def _server(url: str, boundaries: Path):
    """The real app on `url` in a child process; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DASHBOARD_DB_URL=url, DASHBOARD_TODAY="2026-11-23", DASHBOARD_BOUNDARIES_PATH=str(boundaries))
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", ENTRY, "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _spot_of(png: bytes, rgba: list[int]) -> tuple[int, int]:
    """The centre of the pixels of a screenshot drawn in `rgba` (over white)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    alpha = rgba[3] / 255
    shown = [round(c * alpha + 255 * (1 - alpha)) for c in rgba[:3]]
    ys, xs = np.nonzero(np.abs(pixels - shown).sum(axis=2) < 12)
    assert len(xs), f"nothing drawn in {shown}"
    return int(np.median(xs)), int(np.median(ys))


@pytest.mark.browser
def test_clicking_a_county_drills_into_it(url, squares):
    """In Chromium: a click on 开鲁县's polygon narrows the page (and the URL) to 开鲁县, and
    返回全市 brings the whole city back."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with _server(url, squares) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        page.goto(f"{base}/credit_risk")
        canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
        canvas.wait_for(timeout=60_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        box = canvas.bounding_box()
        for _ in range(4):  # the deck may still be initialising when the script has finished
            page.wait_for_timeout(2000)
            # 开鲁县's square is the one in its fill colour (the map's width, and so where the
            # view puts it, depends on the page layout).
            x, y = _spot_of(canvas.screenshot(), KAILU_SHARE_FILL)
            page.mouse.click(box["x"] + x, box["y"] + y)
            try:
                page.wait_for_url(f"**county={KAILU}**", timeout=15_000)
                break
            except PlaywrightTimeout:
                continue
        assert f"county={KAILU}" in page.url
        page.get_by_text("各监管所高风险占比").wait_for(timeout=60_000)
        page.get_by_role("button", name="返回全市").click()
        page.get_by_text("各旗县市区高风险占比").wait_for(timeout=60_000)
        assert "county=" not in page.url
        browser.close()


def _cd_list(at):
    return next(d.value for d in at.dataframe if "统一社会信用代码" in d.value.columns)


def test_cd_enterprise_list_by_region_searchable(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE)
    rows = _cd_list(at)
    # C/D companies at 11-22: 6 (D), then the Cs by id: 1, 3, 10. Individuals 16 (D) are outside the scope.
    assert list(rows["企业名称"]) == ["测试企业6", "测试企业1", "测试企业3", "测试企业10"]
    assert list(rows["等级"]) == ["D类", "C类", "C类", "C类"]
    assert list(rows["旗县市区"]) == ["科尔沁区", "科尔沁区", "科尔沁区", "开鲁县"]
    assert "共 4 条" in shown_text(at)
    at.text_input(key="credit_cd_search").set_value("企业1").run()
    assert list(_cd_list(at)["企业名称"]) == ["测试企业1", "测试企业10"]

    at = open_page(monkeypatch, url, PAGE, params={"county": KEQIN})
    at.selectbox(key="credit_cd_region").set_value(KEQIN_YONGQING).run()
    assert list(_cd_list(at)["企业名称"]) == ["测试企业1"]
    at.selectbox(key="credit_cd_region").set_value("other").run()
    assert list(_cd_list(at)["企业名称"]) == ["测试企业6"]  # in 科尔沁区, with an office of 开鲁县


def test_one_office_table_has_no_duplicate_total_row(monkeypatch, url, squares):
    at = open_page(monkeypatch, url, PAGE, params={"county": KAILU, "office": "150523001"})
    table = _region_table(at)
    assert list(table["监管所"]) == ["开鲁镇所"]
    assert list(table["已评级企业"]) == [3]


def test_no_grade_change_says_so_and_offers_last_quarter(monkeypatch, url, squares):
    # October 2026 (上月): nobody was assessed between 09-30 and 10-31, so every enterprise rated at
    # both dates kept its grade; the latest assessment up to 10-31 is enterprise 12's of 09-01.
    at = open_page(monkeypatch, url, PAGE, params={"preset": "last_month"})
    message = next(i.value for i in at.info if "本期无等级变化" in i.value)
    assert "2026年9月30日与2026年10月31日均已评级的" in message and "最近一轮评级为2026年9月1日" in message
    assert not any("信用等级迁移：" in str(c.proto.spec) for c in at.get("plotly_chart"))
    at.button(key="credit_migration_quarter").click().run()
    assert not at.exception
    # 上季度 (Q3): 06-30 → 09-30, still no change (10's D of 06-30 counts at both dates): the line
    # stays, and there is no button to the view already shown.
    message = next(i.value for i in at.info if "本期无等级变化" in i.value)
    assert "2026年6月30日与2026年9月30日" in message
    assert not [b for b in at.button if b.key == "credit_migration_quarter"]
