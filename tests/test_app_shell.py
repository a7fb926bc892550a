"""The entry script: banner, shared filter in the URL, and clear messages for bad input."""

from datetime import date

import pytest

from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.fixture_base import base_rows


@pytest.fixture
def url(tmp_path):
    return sqlite_fixture(tmp_path, base_rows())


def test_banner_shows_the_data_date(monkeypatch, url):
    at = open_page(monkeypatch, url)
    assert not at.exception
    assert "数据截至 2026年11月22日（报表库更新于 2026-11-23 02:00）" in [i.value for i in at.info]
    assert "2026年11月16日—22日（第47周），环比上周，全市" in shown_text(at)
    assert dict(at.query_params) == {"preset": ["last_week"], "cmp": ["previous"]} or \
        dict(at.query_params) == {"preset": "last_week", "cmp": "previous"}


def test_stale_data_turns_the_banner_red(monkeypatch, url):
    # Two days later, refreshed_at (2026-11-23 02:00) is 58 hours old > 36 hours
    at = open_page(monkeypatch, url, today=date(2026, 11, 25))
    errors = [e.value for e in at.error]
    assert any(e.startswith("数据截至 2026年11月22日") and "超过 36 小时未更新" in e for e in errors)


def test_malformed_url_parameters_fall_back_with_a_notice(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"preset": "lastweek", "cmp": "yoy", "county": "150502,999999"})
    warnings = [w.value for w in at.warning]
    assert "链接参数 preset=“lastweek”无效，已改用默认时间段“上周”。" in warnings
    assert "链接参数 cmp=“yoy”无效，已改用“环比”。" in warnings
    assert "链接中的旗县市区代码“999999”不存在，已忽略。" in warnings
    # the valid part of the link is kept
    assert "2026年11月16日—22日（第47周），环比上周，科尔沁区" in shown_text(at)
    bad_dates = open_page(monkeypatch, url, params={"preset": "custom", "start": "2026-11-30", "end": "2026-11-01"})
    assert any("自定义日期无效" in w.value for w in bad_dates.warning)


def test_link_reproduces_a_custom_view(monkeypatch, url):
    at = open_page(monkeypatch, url, params={
        "preset": "custom", "start": "2026-11-01", "end": "2026-11-10", "cmp": "year_ago",
        "county": "150502", "office": "150502002",
    })
    assert not at.warning
    assert "2026年11月1日—10日，同比去年同期，科尔沁区·科尔沁区明仁市场监管所" in shown_text(at)
    assert at.query_params["office"] in ("150502002", ["150502002"])


def test_custom_range_ending_after_today_is_computed_to_the_data_date(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"preset": "custom", "start": "2026-11-20", "end": "2026-12-31"})
    assert not at.exception
    assert "2026年11月20日—12月31日（数据截至11月22日），环比前42天，全市" in shown_text(at)


def test_filter_survives_a_page_switch_and_widget_changes(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"county": "150523"})
    at.selectbox(key="flt_preset").set_value("last_month").run()
    at.switch_page("pages/lists.py")
    at.run()
    assert "2026年10月1日—31日，环比上月，开鲁县" in shown_text(at)


def test_period_after_the_data_date_says_data_ends(monkeypatch, tmp_path):
    rows = base_rows()
    rows["report_meta"][0]["value"] = "2026-11-11T02:00:00+08:00"  # data date 2026-11-10
    at = open_page(monkeypatch, sqlite_fixture(tmp_path, rows), page="pages/lists.py")
    assert not at.exception
    assert any("数据截至 2026年11月10日" in e.value for e in at.error)  # stale: red banner
    assert "报表数据截至2026年11月10日，所选时间段尚无数据。请选择更早的时间段。" in [i.value for i in at.info]


def test_database_down_is_one_sentence_and_the_page_still_renders(monkeypatch, tmp_path):
    at = open_page(monkeypatch, f"sqlite:///{tmp_path / 'absent.sqlite'}")
    assert not at.exception
    assert [e.value for e in at.error][0].startswith("SQLite 报表库文件不存在")
    assert at.selectbox(key="flt_preset").value == "last_week"  # the filter still works


def test_missing_table_is_named(monkeypatch, tmp_path):
    from tests.conftest import new_database

    db = new_database("sqlite", tmp_path)
    db.create_schema()
    db.load(base_rows())
    db.execute("DROP TABLE enforcement_cases")
    at = open_page(monkeypatch, db.url)
    assert not at.exception
    assert "报表库缺少表 enforcement_cases（行政处罚案件）。" in [e.value for e in at.error]


def test_a_malformed_setting_is_one_sentence_and_the_default_is_used(monkeypatch, url):
    monkeypatch.setenv("DASHBOARD_TARGET_REVISIT_RATE", "90%")
    monkeypatch.setenv("DASHBOARD_TARGET_ANNUAL_REPORT_RATE", "95")  # a percentage, not a fraction
    at = open_page(monkeypatch, url, page="pages/revisits.py")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert "配置项 DASHBOARD_TARGET_REVISIT_RATE='90%' 无效（应为 0 到 1 之间的数），已按默认值 0.9 计。" in warnings
    assert "配置项 DASHBOARD_TARGET_ANNUAL_REPORT_RATE='95' 无效（应为 0 到 1 之间的数），已按默认值 0.95 计。" in warnings
    assert any("目标≥90.0%" in m.label for m in at.metric)  # the default target is in force
