"""A figure computed from a table with data faults says so beside it (issue 13): a short line under
the card (the full sentences in its tooltip) and a last footnote line on the charts drawn from that
table; figures of other tables, and every figure of a clean database, carry no such line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.apptest_support import chart_titled, open_page, shown_text, sqlite_fixture
from tests.test_overview_page import rows as overview_rows

NOTE = "含数据问题"


def dirty_rows() -> dict[str, list[dict]]:
    """The overview fixture with one grade outside A–D, one enterprise assessed twice on a day and
    one assessment of an enterprise that is not in the register."""
    data = overview_rows()
    data["credit_risk_assessments"] += [
        {"enterprise_id": 2, "assessed_on": date(2026, 1, 1), "grade": "D", "score": None},   # 2: B and D on 01-01
        {"enterprise_id": 3, "assessed_on": date(2026, 2, 1), "grade": "x", "score": None},   # not a grade
        {"enterprise_id": 99, "assessed_on": date(2026, 2, 1), "grade": "C", "score": None},  # orphan
    ]
    return data


@pytest.fixture(scope="module")
def dirty_url(tmp_path_factory):
    from tests.conftest import new_database
    from tests.test_doctor import _loose_schema

    db = new_database("sqlite", tmp_path_factory.mktemp("fault_notes_dirty"))
    _loose_schema(db)  # without the contract's unique key, as a database that does not enforce it
    db.load(dirty_rows())
    return db.url


@pytest.fixture(scope="module")
def clean_url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("fault_notes_clean"), overview_rows())


def _in_order(node):
    """Every element of the page, in the order drawn (columns left to right)."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _in_order(child)


def line_beside(at, label_words: str) -> str | None:
    """The caption drawn right after the card whose label contains `label_words` (None: no caption there)."""
    elements = list(_in_order(at._tree))
    for i, element in enumerate(elements):
        if element.type == "metric" and label_words in element.label:
            following = next((e for e in elements[i + 1:] if e.type not in ("block",)), None)
            return following.value if following is not None and following.type == "caption" else None
    raise AssertionError(f"no card labelled {label_words}")


def test_the_high_risk_share_card_names_the_faults_and_the_penalty_card_does_not(monkeypatch, dirty_url):
    at = open_page(monkeypatch, dirty_url)
    assert not at.exception, at.exception
    line = line_beside(at, "高风险占比")
    assert line is not None and NOTE in line
    assert "1 条评级不是A–D" in line and "1 组同日重复评级" in line and "1 条记录的关联对象不存在" in line
    assert "…" not in line
    assert line_beside(at, "减免处罚金额") is None
    assert line_beside(at, "回访率") is None
    card = next(m for m in at.metric if "高风险占比" in m.label)
    assert "同一企业同一天的多条评级" in card.proto.help


def test_the_credit_page_notes_the_card_and_the_charts(monkeypatch, dirty_url):
    at = open_page(monkeypatch, dirty_url, page="pages/credit_risk.py")
    assert not at.exception, at.exception
    assert NOTE in line_beside(at, "高风险占比")
    assert NOTE in line_beside(at, "已评级企业")
    footnote = json.dumps(chart_titled(at, "高风险占比月末走势")["layout"]["annotations"], ensure_ascii=False)
    assert "1 组同日重复评级" in footnote


def test_a_clean_database_shows_no_fault_line(monkeypatch, clean_url):
    for page in (None, "pages/credit_risk.py"):
        at = open_page(monkeypatch, clean_url, page=page)
        assert not at.exception, at.exception
        assert NOTE not in shown_text(at)
        assert line_beside(at, "高风险占比") is None


@pytest.mark.parametrize("page", ["pages/inspections.py", "pages/lists.py", "pages/revisits.py", "pages/penalties.py"])
def test_pages_of_other_tables_carry_no_fault_line(monkeypatch, dirty_url, page):
    at = open_page(monkeypatch, dirty_url, page=page)
    assert not at.exception, at.exception
    assert at.metric and NOTE not in shown_text(at)
