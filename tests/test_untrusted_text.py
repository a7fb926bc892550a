"""Untrusted text stays text: names, reasons and the bureau name from the database, and URL
parameters, never become a link, an image, a colour, a tag or a 10 000-character echo, on any
page; a NULL region name or enterprise region code does not take a page down.

The fixture is the overview's (every topic has rows) with every name replaced by a payload.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from dashboard.safe import ECHO_LIMIT, NAME_LIMIT, as_text, csv_cell, mask_credentials
from tests.apptest_support import open_page, sqlite_fixture
from tests.fixture_base import KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING
from tests.test_overview_page import rows as overview_rows

PAGES = [None, "pages/credit_risk.py", "pages/inspections.py", "pages/lists.py", "pages/revisits.py", "pages/penalties.py"]

LINK = "[点此重新登录](http://evil.example/login)"
IMAGE = "![i](http://evil.example/x.png)"
TAG = '<a href="http://evil.example/t">x</a><img src="http://evil.example/y.png">'
COLOUR = ":red[**红**] $\\href{http://evil.example}{k}$ www.evil.example a@evil.example"
PAYLOADS = {
    KEQIN: "科尔沁区" + LINK,
    KAILU: "开鲁县" + TAG,
    KEQIN_YONGQING: "科尔沁区永清" + IMAGE,
    KEQIN_MINGREN: "科尔沁区明仁" + COLOUR,
    KAILU_TOWN: "开鲁县开鲁镇" + "长" * 10_000,
}

# What a rendered link, image, tag, colour directive or autolink needs in the source text.
# (The app's own markup — :red[未达标], <br> — is not payload and is not matched.)
MARKUP = re.compile(r"\]\(|!\[|<\s*/?(a|img)\b|:red\[\*\*红|\$\\href|https?://evil|www\.evil|a@evil|&#|&lt;", re.IGNORECASE)


def payload_rows():
    data = overview_rows()
    for region in data["regions"]:
        region["name"] = PAYLOADS.get(region["code"], region["name"])
    for row in data["report_meta"]:
        if row["key"] == "bureau_name":
            row["value"] = IMAGE + "局" * 10_000
    data["abnormal_list_entries"][0]["listing_reason"] = "原因" + LINK + TAG
    data["enterprises"][0]["name"] = "=HYPERLINK(\"http://evil.example\")" + TAG
    return data


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("untrusted"), payload_rows())


def rendered_texts(at) -> list[str]:
    """Every string the page hands to markdown or to plotly: markdown, captions, alerts, titles,
    card labels and help, expander labels, and every plotly spec (labels, hover, titles)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text"):
        for element in at.get(kind):
            texts.append(str(element.value))
            help_text = getattr(element.proto, "help", "")
            if help_text:
                texts.append(help_text)
    for metric in at.metric:
        texts += [metric.label, str(metric.value), metric.proto.help]
    for expander in at.get("expandable"):
        texts.append(expander.proto.expandable.label if hasattr(expander.proto, "expandable") else "")
    for chart in at.get("plotly_chart"):
        texts.append(chart.proto.spec)
    texts += [str(element.value) for element in at.sidebar.get("markdown")]
    return texts


def _markup_in(texts: list[str]) -> list[str]:
    own_html = re.compile(r"<br>|</?b>|<extra>|</extra>|<style>|</style>|<span[^>]*>|</span>|<div[^>]*>|</div>|<sub>|</sub>|<sup>|</sup>")
    found = []
    for text in texts:
        stripped = own_html.sub("", text)
        if "plotly" in text or text.startswith("{"):
            stripped = json.loads(text) if text.startswith("{") else stripped
            stripped = _plotly_strings(stripped)
        for match in MARKUP.finditer(stripped if isinstance(stripped, str) else ""):
            found.append(stripped[max(match.start() - 30, 0): match.end() + 30])
    return found


def _plotly_strings(spec) -> str:
    """The strings of a plotly spec that plotly renders (template colours and fonts excluded)."""
    out: list[str] = []

    def walk(node, key=""):
        if key == "template":
            return
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    walk(spec)
    own_html = re.compile(r"<br>|</?b>|<extra>|</extra>|<span[^>]*>|</span>|<sub>|</sub>|<sup>|</sup>|%\{[^}]*\}")
    return "\n".join(own_html.sub("", s) for s in out)


@pytest.mark.parametrize("page", PAGES)
def test_payloads_render_as_text_on_every_page(monkeypatch, url, page):
    at = open_page(monkeypatch, url, page=page)
    assert not at.exception, at.exception
    texts = rendered_texts(at)
    assert _markup_in(texts) == []
    # nothing is echoed whole: no shown string carries more than a name's length of the payload
    assert not any("长" * (NAME_LIMIT + 1) in t or "局" * (NAME_LIMIT + 1) in t for t in texts)


@pytest.mark.parametrize("page", PAGES)
def test_payloads_in_one_county_by_office(monkeypatch, url, page):
    at = open_page(monkeypatch, url, page=page, params={"county": KEQIN})
    assert not at.exception, at.exception
    assert _markup_in(rendered_texts(at)) == []


def test_the_sidebar_shows_the_names_as_text(monkeypatch, url):
    at = open_page(monkeypatch, url)
    sidebar = [m.value for m in at.sidebar.markdown]
    assert any("！［i］（http：//evil.example/x.png）" in text for text in sidebar)
    options = at.sidebar.multiselect[0].options
    assert "科尔沁区［点此重新登录］（http：//evil.example/login）" in options


def test_url_parameters_are_echoed_as_short_text(monkeypatch, url):
    params = {"preset": LINK, "cmp": IMAGE + "x" * 5000, "county": TAG, "office": COLOUR}
    at = open_page(monkeypatch, url, params=params)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert "链接参数 preset=“［点此重新登录］（http：//evil.example/login）”无效，已改用默认时间段“上周”。" in warnings
    assert _markup_in(warnings) == []
    assert all(len(w) < ECHO_LIMIT + 40 for w in warnings)


def test_null_region_name_and_null_enterprise_region(monkeypatch, tmp_path):
    data = overview_rows()
    for region in data["regions"]:
        if region["code"] in (KAILU, KEQIN_MINGREN):
            region["name"] = None
    data["enterprises"][9]["region_code"] = None
    data["abnormal_list_entries"].append(
        {"id": 9, "enterprise_id": 10, "region_code": None, "listed_on": date(2026, 11, 17),
         "listing_reason": "no_annual_report", "removed_on": None, "removal_reason": None})
    url = _sqlite_without_not_null(tmp_path, data)
    for page in PAGES:
        at = open_page(monkeypatch, url, page=page)
        assert not at.exception, (page, at.exception)
    at = open_page(monkeypatch, url)
    assert f"{KAILU}（名称未填写）" in at.sidebar.multiselect[0].options


def _sqlite_without_not_null(tmp_path, data) -> str:
    """A fixture whose regions.name and enterprise/list region codes may be NULL (a reporting
    database that does not enforce the contract's NOT NULL)."""
    import sqlalchemy as sa

    from queries.schema import metadata
    from tests.conftest import new_database

    db = new_database("sqlite", tmp_path)
    loose = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(loose)
    for table, column in (("regions", "name"), ("enterprises", "region_code"), ("abnormal_list_entries", "region_code")):
        loose.tables[table].c[column].nullable = True
    engine = db.writer()
    loose.create_all(engine)
    engine.dispose()
    db.load(data)
    return db.url


def test_as_text_is_inert_and_short():
    assert as_text(LINK) == "［点此重新登录］（http：//evil.example/login）"
    assert as_text("a\nb\u202ec\x00d") == "a bc d"
    assert as_text("长" * 100) == "长" * (NAME_LIMIT - 1) + "…"
    assert as_text(None) == ""
    assert as_text("www.evil.example") == "www．evil.example"


def test_credentials_are_masked_parseable_or_not():
    assert mask_credentials("postgresql+psycopg://ro:s3cr@t/x@db:5432/r") == "postgresql+psycopg://***@db:5432/r"
    assert mask_credentials("conn failed: mysql://root:pw@h:notaport/db; password=hunter2") == (
        "conn failed: mysql://***@h:notaport/db; password=***"
    )


def test_database_url_with_password_never_shown(monkeypatch, tmp_path):
    from dashboard.db import DataError, readonly_engine
    from dashboard.doctor import main

    bad = "postgresql+psycopg://dashboard_ro:Geheim-1234@db.example:notaport/reporting"
    with pytest.raises(DataError) as caught:
        readonly_engine(bad)
    assert "Geheim-1234" not in caught.value.message and "dashboard_ro" not in caught.value.message
    at = open_page(monkeypatch, bad)
    assert not at.exception
    assert all("Geheim-1234" not in t and "dashboard_ro" not in t for t in rendered_texts(at))
    assert at.error, "the page says the database cannot be used"


def test_doctor_never_prints_the_password(capsys):
    from dashboard.doctor import main

    main(["doctor", "postgresql+psycopg://dashboard_ro:Geheim-1234@127.0.0.1:1/reporting"])
    main(["doctor", "postgresql+psycopg://dashboard_ro:Geheim-1234@db:notaport/reporting"])
    out = capsys.readouterr()
    assert "Geheim-1234" not in out.out + out.err


def test_exports_do_not_start_with_a_formula():
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("科尔沁区") == "科尔沁区"
    assert csv_cell(-3) == -3


def test_exported_files_keep_formula_names_as_text():
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from dashboard import downloads

    frame = pd.DataFrame({"企业名称": ["=HYPERLINK(\"http://evil\")", "正常企业"], "户数": [3, 4]})
    csv_bytes, xlsx_bytes = downloads.frame_bytes(frame, [("筛选", "全市")])
    assert "'=HYPERLINK" in csv_bytes.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(xlsx_bytes))["数据"]
    assert sheet["A2"].value == "=HYPERLINK(\"http://evil\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3


# --- property: any URL on any page -------------------------------------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402 - the property tests' own imports
from hypothesis import strategies as hs  # noqa: E402

from queries.periods import COMPARISONS, PRESETS  # noqa: E402

_DATES = hs.one_of(
    hs.dates().map(date.isoformat),
    hs.sampled_from(["0001-01-01", "9999-12-31", "1900-01-01", "2100-12-31", "2026-02-30", ""]),
    hs.text(max_size=30),
)
_CODES = hs.sampled_from([KEQIN, KAILU, KEQIN_YONGQING, KAILU_TOWN, "999999", ""])
URL_PARAMS = hs.fixed_dictionaries({}, optional={
    "preset": hs.one_of(hs.sampled_from(PRESETS), hs.sampled_from([LINK, IMAGE, TAG]), hs.text(max_size=50)),
    "start": _DATES,
    "end": _DATES,
    "cmp": hs.one_of(hs.sampled_from(COMPARISONS), hs.text(max_size=20)),
    "county": hs.one_of(hs.lists(_CODES, max_size=3).map(",".join), hs.sampled_from([LINK, TAG]), hs.text(max_size=30)),
    "office": hs.one_of(_CODES, hs.sampled_from([COLOUR, IMAGE]), hs.text(max_size=30)),
})


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=URL_PARAMS, page=hs.sampled_from(PAGES))
@example(params={"preset": "custom", "start": "0001-01-01", "end": "9999-12-31"}, page="pages/lists.py")
@example(params={"preset": "custom", "start": "1900-01-01", "end": "2100-12-31", "county": KEQIN}, page="pages/penalties.py")
def test_any_url_on_any_page_is_safe(monkeypatch, url, params, page):
    params = {key: value.replace("\x00", "") for key, value in params.items()}
    at = open_page(monkeypatch, url, page=page, params=params)
    assert not at.exception, (params, at.exception)
    assert _markup_in(rendered_texts(at)) == []
    county = at.query_params.get("county", "")
    kept = [c for c in (county if isinstance(county, str) else ",".join(county)).split(",") if c]
    assert set(kept) <= {KEQIN, KAILU}, "the view is never wider than the regions that exist"
