"""The metric registry (queries/metrics.py): every card on every page is a registry figure, and a
change is coloured and worded by the figure's declared direction, the same way everywhere."""

import pytest

from dashboard import theme
from dashboard.config import Targets
from dashboard.ui import SHOWN_FIGURES
from queries import metrics as registry
from queries.metrics import METRICS, NEUTRAL, RISE_BAD, RISE_GOOD, Metric, metric
from tests.apptest_support import open_page, sqlite_fixture
from tests.test_overview_page import rows

PAGES = [None, "pages/credit_risk.py", "pages/inspections.py", "pages/lists.py", "pages/revisits.py", "pages/penalties.py"]
# st.metric's delta colour and the card's leading word, per (direction, sign of the change)
EXPECTED = {
    (RISE_GOOD, 1): ("GREEN", "改善"), (RISE_GOOD, -1): ("RED", "变差"),
    (RISE_BAD, 1): ("RED", "变差"), (RISE_BAD, -1): ("GREEN", "改善"),
    (NEUTRAL, 1): ("GRAY", "上升"), (NEUTRAL, -1): ("GRAY", "下降"),
}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("registry"), rows())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "overview")
def test_every_card_is_a_registry_figure_coloured_by_its_direction(monkeypatch, url, page):
    at = open_page(monkeypatch, url, page)
    assert not at.exception
    codes = at.session_state[SHOWN_FIGURES]
    # every st.metric on the page went through a card that named its figure
    assert len(codes) == len(at.metric) > 0
    assert set(codes) <= set(METRICS)
    moved = 0
    for code, card in zip(codes, at.metric):
        proto = card.proto
        if proto.direction == proto.MetricDirection.NONE:
            assert proto.color == proto.MetricColor.GRAY or not proto.delta, code
            continue
        moved += 1
        sign = 1 if proto.direction == proto.MetricDirection.UP else -1
        color, word = EXPECTED[(metric(code).direction, sign)]
        assert proto.MetricColor.Name(proto.color) == color, (code, card.label)
        assert proto.delta_description.startswith(word), (code, proto.delta_description)
    assert moved  # the fixture moves at least one figure on every page


@pytest.mark.parametrize("code", sorted(METRICS))
def test_a_rise_is_coloured_and_worded_by_the_declared_direction(code):
    direction = metric(code).direction
    assert theme.delta_color(code) == {RISE_GOOD: "normal", RISE_BAD: "inverse", NEUTRAL: "off"}[direction]
    for sign in (1, -1):
        assert theme.change_word(code, sign) == EXPECTED[(direction, sign)][1]
    assert theme.change_word(code, 0) == "持平"


def test_the_seams_of_issue_9_go_one_way():
    # 抽查户数 and 本期检查户数 are both plain volumes; fewer pending publications is better
    assert metric("drawn_objects").direction == metric("inspected_count").direction == NEUTRAL
    assert metric("pending_publication").direction == RISE_BAD
    assert metric("revisit_rate").direction == metric("revisit_on_time_rate").direction == RISE_GOOD


def test_an_unknown_code_is_an_error_never_neutral():
    with pytest.raises(KeyError, match="no_such_figure"):
        theme.delta_color("no_such_figure")
    with pytest.raises(KeyError, match="no_such_figure"):
        theme.change_word("no_such_figure", 1)


def test_every_entry_declares_a_valid_direction():
    with pytest.raises(TypeError):
        Metric("x", "某指标", "户", "count", caliber="口径", page="lists")  # no direction: no default
    with pytest.raises(ValueError, match="direction"):
        registry._registry(Metric("x", "某指标", "户", "count", 2, "口径", "lists"))
    with pytest.raises(ValueError, match="declared twice"):
        registry._registry(*[Metric("x", "某指标", "户", "count", NEUTRAL, "口径", "lists")] * 2)


def test_targets_and_rate_parts_point_at_real_fields():
    for figure in registry.target_metrics():
        assert figure.target in Targets.__dataclass_fields__
        assert figure.kind == "rate" and figure.numerator and figure.denominator
    assert {m.target for m in METRICS.values() if m.target} == set(Targets.__dataclass_fields__)
