"""A page computes only its open tab (ui.lazy_tabs): a closed tab's queries and charts do not
run until it is chosen, so a cold page costs its first screen and one tab. Fixtures: the lists
page's and the penalties page's (their figures are worked out in those tests)."""

from __future__ import annotations

import pytest

from dashboard import cache
from tests.apptest_support import chart_titled, open_page
from tests.test_lists_page import url as lists_url  # noqa: F401 - fixture
from tests.test_penalties_page import url as penalties_url  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _lazy(monkeypatch):
    monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "0")  # the default (conftest draws every tab)


def _asked(monkeypatch) -> list[tuple]:
    """The (function name, arguments) of every cached query the page asks for from now on."""
    calls: list[tuple] = []
    original = cache.run_at

    def recording(url, function, *args, **kwargs):
        calls.append((function.__qualname__, args[1:] if args else (), tuple(sorted(kwargs.items()))))
        return original(url, function, *args, **kwargs)

    monkeypatch.setattr(cache, "run_at", recording)
    return calls


def _of_serious_list(call) -> bool:
    """A query of the serious list's figures (the data checks name every table on any tab)."""
    return call[0] in ("list_flows", "list_series") and "serious" in call[1]


def test_the_closed_list_is_not_computed_until_its_tab_is_chosen(monkeypatch, lists_url):
    asked = _asked(monkeypatch)
    at = open_page(monkeypatch, lists_url, page="pages/lists.py")
    assert not at.exception, at.exception
    cards = [(m.label, m.value) for m in at.metric]
    # The abnormal list (inflow 3, stock 12 on 22 Nov: test_lists_page) and nothing of the serious list.
    assert ("本期列入", "3") in cards and ("期末在册（2026年11月22日）", "12") in cards
    assert ("期末在册（2026年11月22日）", "1") not in cards
    assert not [call for call in asked if _of_serious_list(call)]
    asked.clear()
    serious = open_page(monkeypatch, lists_url, page="pages/lists.py", params={"list_tab": "严重违法失信名单"})
    cards = [(m.label, m.value) for m in serious.metric]
    assert ("期末在册（2026年11月22日）", "1") in cards and ("期末在册（2026年11月22日）", "12") not in cards
    assert [call for call in asked if _of_serious_list(call)]


def test_a_closed_detail_tab_draws_nothing_and_asks_nothing(monkeypatch, penalties_url):
    asked = _asked(monkeypatch)
    at = open_page(monkeypatch, penalties_url, page="pages/penalties.py")
    assert not at.exception, at.exception
    tabs = at.main.get("tab_container")[-1]
    assert [t.label for t in tabs.children.values()][:2] == ["简报用语", "分地区"]
    # The 分地区 chart (科尔沁区 1.28 万元, 开鲁县 0.75: test_penalties_page) is in a closed tab.
    with pytest.raises(AssertionError, match="no chart titled"):
        chart_titled(at, "各旗县市区减免处罚金额")
    assert not any(name.endswith("cases_by_region_with_total") for name, *_ in asked)
    # Every tab drawn (the setting a bureau may use to print the whole page): the chart is there.
    monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "1")
    every = open_page(monkeypatch, penalties_url, page="pages/penalties.py")
    bar = chart_titled(every, "各旗县市区减免处罚金额")["data"][0]
    assert (bar["y"], bar["x"]) == (["科尔沁区", "开鲁县"], [1.28, 0.75])
