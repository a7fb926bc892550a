"""Meeting mode (?mode=present): URL parameters, the pinned data date, and under AppTest the same
figures as the normal page for the same filter."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import create_engine, update

from dashboard.present import parse_show, pin_data_date, present_url
from queries.schema import report_meta
from tests.apptest_support import first_screen, open_page, shown_text, sqlite_fixture
from tests.test_inspections_queries import inspection_rows

SCREENS = ("overview", "credit_risk", "inspections", "lists", "revisits", "penalties")


def test_parse_show_reads_screen_rotation_and_pinned_date():
    show = parse_show({"screen": "lists", "rotate": "30", "asof": "2026-11-22"}, SCREENS, "overview")
    assert (show.screen, show.rotate_seconds, show.asof, show.notices) == ("lists", 30, date(2026, 11, 22), [])
    assert parse_show({}, SCREENS, "penalties").screen == "penalties"  # the page the URL names


@pytest.mark.parametrize("params, words", [
    ({"screen": "nope"}, "screen='nope' 无效"),
    ({"rotate": "2"}, "rotate='2' 无效"),  # below 5 s: a flickering screen is no presentation
    ({"rotate": "abc"}, "rotate='abc' 无效"),
    ({"asof": "22/11/2026"}, "asof='22/11/2026' 不是有效日期"),
])
def test_parse_show_drops_a_bad_parameter_with_one_sentence(params, words):
    show = parse_show(params, SCREENS, "overview")
    assert show.screen == "overview" and show.rotate_seconds is None and show.asof is None
    assert len(show.notices) == 1 and words in show.notices[0]


def test_pinned_date_holds_and_a_newer_refresh_is_announced():
    assert pin_data_date(None, date(2026, 11, 22)) == (date(2026, 11, 22), None)
    assert pin_data_date(date(2026, 11, 22), date(2026, 11, 22)) == (date(2026, 11, 22), None)
    pinned, sentence = pin_data_date(date(2026, 11, 22), date(2026, 11, 23))
    assert pinned == date(2026, 11, 22)
    assert "报表库已更新至2026年11月23日" in sentence and "保持数据截至2026年11月22日" in sentence
    # A date the database does not have yet cannot be shown: the database's date, said so.
    pinned, sentence = pin_data_date(date(2026, 11, 25), date(2026, 11, 22))
    assert pinned == date(2026, 11, 22) and "晚于报表库" in sentence


def test_present_url_keeps_the_filter():
    assert present_url("lists", {"preset": "last_month", "county": "150502"}) == (
        "./?mode=present&screen=lists&preset=last_month&county=150502"
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("present"), inspection_rows())


def _cards(at) -> dict[str, tuple[str, str]]:
    """{figure code: (value, delta)} of the cards drawn, in order (ui records each card's code)."""
    codes = at.session_state["_shown_figures"]
    assert len(codes) == len(at.metric)
    return {code: (m.value, m.delta or "") for code, m in zip(codes, at.metric)}


def test_present_screen_shows_the_pages_figures(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"mode": "present", "screen": "inspections"})
    assert not at.exception
    present = _cards(at)
    # Hand-worked in test_inspections_queries (P = 16–22 Nov vs Q = 9–15 Nov).
    assert present == {
        "completion_rate": ("69.2%", "+39.2个百分点"),  # 9/13 vs 3/10
        "due_task_completion": ("75.0%", ""),  # 3/4 vs —
        "publication_timeliness": ("57.1%", "+7.1个百分点"),  # 4/7 vs 1/2
        "differentiated_share": ("69.2%", "+9.2个百分点"),  # 9/13 vs 6/10
    }
    assert not at.sidebar.selectbox and not at.sidebar.multiselect  # the filter is fixed from the URL
    assert at.query_params["asof"] == "2026-11-22"  # the data date it was opened with
    normal = _cards(open_page(monkeypatch, url, page="pages/inspections.py"))
    assert {code: normal[code] for code in present} == present


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_renders_its_figures_and_one_chart(monkeypatch, url, screen):
    at = open_page(monkeypatch, url, params={"mode": "present", "screen": screen, "preset": "last_month"})
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert 3 <= len(at.metric) <= 4
    assert len(at.get("plotly_chart")) == (0 if screen == "overview" else 1)
    assert "数据截至2026年11月22日" in "".join(h.proto.body for h in at.get("html"))


def test_filter_comes_from_the_url(monkeypatch, url):
    at = open_page(monkeypatch, url, params={"mode": "present", "screen": "inspections", "county": "150523"})
    normal = _cards(open_page(monkeypatch, url, page="pages/inspections.py", params={"county": "150523"}))
    present = _cards(at)
    assert {code: normal[code] for code in present} == present
    assert "开鲁县" in "".join(h.proto.body for h in at.get("html"))


def test_a_refresh_during_the_meeting_is_announced_not_applied(monkeypatch, tmp_path):
    url = sqlite_fixture(tmp_path, inspection_rows())
    opened = open_page(monkeypatch, url, params={"mode": "present", "screen": "inspections"})
    before = _cards(opened)
    asof = opened.query_params["asof"]
    # The reporting database is refreshed (test-only writable connection): data to 23 Nov.
    writer = create_engine(url)
    with writer.begin() as conn:
        conn.execute(update(report_meta).where(report_meta.c.key == "refreshed_at")
                     .values(value="2026-11-24T02:00:00+08:00"))
    writer.dispose()
    at = open_page(monkeypatch, url, params={"mode": "present", "screen": "inspections", "asof": asof},
                   today=date(2026, 11, 24))
    html = "".join(h.proto.body for h in at.get("html"))
    assert "数据截至2026年11月22日" in html
    assert "报表库已更新至2026年11月23日" in html
    assert _cards(at) == before
    assert at.query_params["asof"] == "2026-11-22"
    # Without the pinned date the same link shows the new data date.
    fresh = open_page(monkeypatch, url, params={"mode": "present", "screen": "inspections"}, today=date(2026, 11, 24))
    assert "数据截至2026年11月23日" in "".join(h.proto.body for h in fresh.get("html"))


def test_normal_pages_offer_meeting_mode(monkeypatch, url):
    at = open_page(monkeypatch, url, page="pages/inspections.py")
    assert "会议演示" in shown_text(at) or any("会议演示" in b.proto.label for b in at.get("link_button"))


def _fixture_rows(topic: str) -> dict:
    from tests.test_penalties_queries import penalty_rows
    from tests.test_revisits_queries import rows as revisit_rows

    return {"inspections": inspection_rows, "revisits": revisit_rows, "penalties": penalty_rows}[topic]()


@pytest.mark.parametrize("topic, first_chart, tabs", [
    ("inspections", "各旗县市区抽查完成率与时间进度",
     ["分地区明细", "逾期任务", "逾期对象", "逾期未公示", "分等级问题发现率", "抽查结果构成", "抽查事项类别"]),
    ("revisits", "分地区回访率", ["逾期未回访清单", "分等级回访率", "三级案件抽访", "整改与回访方式"]),
    ("penalties", "各类处罚案件数", ["简报用语", "分地区", "分违法类型", "月度走势", "分地区明细", "减免案件清单"]),
])
def test_topic_pages_open_with_their_story_and_keep_detail_in_tabs(monkeypatch, tmp_path, topic, first_chart, tabs):
    """The first screen: the headline cards, then the one chart that explains them; every other
    chart and list in a tab below."""
    from dashboard.theme import whole_title

    def titles(charts) -> list[str]:
        return [whole_title(json.loads(c.proto.spec)["layout"]["title"]["text"]) for c in charts]

    at = open_page(monkeypatch, sqlite_fixture(tmp_path, _fixture_rows(topic)), page=f"pages/{topic}.py")
    assert not at.exception
    assert [t.label for t in at.tabs] == tabs
    in_tabs = {title for tab in at.tabs for title in titles(tab.get("plotly_chart"))}
    outside = [title for title in titles(at.get("plotly_chart")) if title not in in_tabs]
    assert len(outside) == 1 and outside[0].startswith(first_chart), outside
    assert in_tabs  # the rest of the charts are still there, in the tabs
    first = first_screen(at.main)  # before the tabs: the headline cards, no detail table
    assert len([e for e in first if e.type == "metric"]) >= 3
    assert not [e for e in first if e.type == "dataframe"]
