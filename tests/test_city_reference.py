"""A county-scoped viewer sees their counties and the city total (issue 13): each headline card
carries the whole city's figure under it (the same query with the whole-city filter), and no other
county's name reaches the page; whole-city viewers and the app without sign-in see no change.

Fixture (tests/test_overview_page.py): enterprises 1–5 in 科尔沁区, 6–10 in 开鲁县; grades on
2026-01-01 A B C D A | A B B C A, and 5 → D on 11-18. P = 2026-11-16..22.
"""

from __future__ import annotations

import json

import pytest

from tests.apptest_support import open_page, shown_text
from tests.test_access import PAGES, access_file, proxy, url  # noqa: F401 - fixtures
from tests.test_fault_notes import line_beside


def _card(at, words):
    return next(m for m in at.metric if words in m.label)


def test_the_high_risk_card_of_a_county_user_shows_the_city_share(monkeypatch, url, proxy):
    proxy("kailu")
    at = open_page(monkeypatch, url, page="pages/credit_risk.py")
    assert not at.exception, at.exception
    # 开鲁县: enterprises 6–10, C/D = 9 → 1 of 5 = 20.0 %.
    assert _card(at, "高风险占比").value.startswith("20.0%")
    # The city: C/D = 3, 4, 5 (A → D on 11-18), 9 → 4 of 10 = 40.0 %.
    assert line_beside(at, "高风险占比") == "全市：40.0%"
    # Counts too: 10 rated in the city, 0 unrated.
    assert line_beside(at, "已评级企业") == "全市：10"
    monkeypatch.setenv("DASHBOARD_AUTH", "none")
    whole = open_page(monkeypatch, url, page="pages/credit_risk.py")  # without sign-in: the city itself
    assert _card(whole, "高风险占比").value == "40.0%"


def test_the_penalty_and_overview_cards_show_the_city_figure(monkeypatch, url, proxy):
    proxy("kailu")
    at = open_page(monkeypatch, url)
    assert not at.exception, at.exception
    # Waived in P: case 5 (开鲁县, 2,000 − 0) and case 7 (科尔沁区, 10,000 − 4,000) → 8,000 yuan = 0.80 万元.
    assert line_beside(at, "减免处罚金额") == "全市：0.80万元"
    assert _card(at, "减免处罚金额").value == "0.20万元"  # 开鲁县: case 5 only
    assert line_beside(at, "高风险占比") == "全市：40.0%"
    assert line_beside(at, "市场主体") == "全市：10"


@pytest.mark.parametrize("page", PAGES)
def test_no_other_county_reaches_a_county_user(monkeypatch, url, proxy, page):
    proxy("kailu")
    at = open_page(monkeypatch, url, page=page)
    assert not at.exception, at.exception
    assert any(caption.value.startswith("全市：") for caption in at.caption)
    blobs = [shown_text(at)] + [chart.proto.spec for chart in at.get("plotly_chart")]
    blobs += [deck.proto.json for deck in at.get("deck_gl_json_chart")] + [str(frame.value) for frame in at.dataframe]
    for blob in blobs:
        assert "科尔沁" not in blob and "150502" not in blob


@pytest.mark.parametrize("user", ["leader", None])
def test_whole_city_viewers_see_no_city_line(monkeypatch, url, proxy, user, access_file):
    if user is None:
        monkeypatch.setenv("DASHBOARD_AUTH", "none")
    else:
        proxy(user)
    at = open_page(monkeypatch, url, page="pages/credit_risk.py")
    assert not at.exception, at.exception
    assert not any(caption.value.startswith("全市：") for caption in at.caption)
    assert line_beside(at, "高风险占比") is None


def test_region_tables_of_a_county_user_end_with_the_city(monkeypatch, url, proxy):
    proxy("kailu")
    credit = open_page(monkeypatch, url, page="pages/credit_risk.py")
    assert not credit.exception, credit.exception
    table = next(d.value for d in credit.dataframe if "高风险占比" in d.value.columns)
    first = table.columns[0]  # 监管所: one county is shown by its offices, then its total
    assert list(table.iloc[-1][[first, "已评级企业", "高风险占比"]]) == ["全市", 10, "40.0%"]  # 4 of 10, as above
    assert list(table[first].iloc[-2:]) == ["开鲁县", "全市"]
    penalties = open_page(monkeypatch, url, page="pages/penalties.py")
    assert not penalties.exception, penalties.exception
    last = next(d.value for d in penalties.dataframe if "地区" in d.value.columns).iloc[-1]
    assert last["地区"] == "全市"
    assert any(value == 0.8 for value in last.values if isinstance(value, float))  # 8,000 yuan in 万元
    inspections = open_page(monkeypatch, url, page="pages/inspections.py")
    assert not inspections.exception, inspections.exception
    regions = next(d.value for d in inspections.dataframe if "地区" in getattr(d.value, "columns", []))
    assert regions.iloc[-1]["地区"] == "全市"


@pytest.mark.parametrize("screen", ["overview", "credit_risk", "inspections", "lists", "revisits", "penalties"])
def test_meeting_mode_cards_of_a_county_user_show_the_city_figure(monkeypatch, url, proxy, screen):
    proxy("kailu")
    at = open_page(monkeypatch, url, params={"mode": "present", "screen": screen})
    assert not at.exception, at.exception
    lines = [caption.value for caption in at.caption if caption.value.startswith("全市：")]
    assert len(lines) == len(at.metric)  # every headline figure of the screen has its city line
    if screen == "credit_risk":
        assert line_beside(at, "高风险占比") == "全市：40.0%"  # as on the page: 4 of 10
    if screen == "overview":
        assert line_beside(at, "减免处罚金额") == "全市：0.80万元"
    blob = shown_text(at) + "".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "科尔沁" not in blob
