"""Small samples read as small: a rate over fewer cases than the setting (default 10) shows its
fraction, says 样本少 instead of 达标/未达标 and 改善/变差, and comes last in the 需关注 list."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import attention as att
from dashboard.config import Targets, small_sample_below
from tests.test_attention import CITY_F, NAMES, listed, parts
from tests.fixture_base import KAILU, KEQIN


@pytest.fixture(autouse=True)
def _default_rule(monkeypatch):
    monkeypatch.delenv("DASHBOARD_SMALL_SAMPLE_BELOW", raising=False)


def test_the_setting_defaults_to_ten_and_can_be_changed(monkeypatch):
    assert small_sample_below() == 10
    monkeypatch.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "3")
    assert small_sample_below() == 3
    monkeypatch.setenv("DASHBOARD_SMALL_SAMPLE_BELOW", "zero")
    assert small_sample_below() == 10  # malformed: the default, with a sentence (config.setting_problems)


def test_attention_lists_a_small_sample_last_and_says_so():
    statuses = att.attention(parts(
        ("total", "revisit_rate", 18, 21),  # 85.7 % < 90 %: gap 4.3 points, 21 cases
        (KAILU, "revisit_rate", 0, 1),      # 0.0 %: gap 90 points, but one case: last
        (KEQIN, "revisit_rate", 16, 20),    # 80.0 %: gap 10 points, 20 cases
    ), Targets(), CITY_F, NAMES)
    assert listed(statuses) == [("revisit_rate", "全市"), ("revisit_rate", "科尔沁区"), ("revisit_rate", "开鲁县")]
    total, keqin, kailu = statuses[3].items
    assert keqin.line == "科尔沁区 80.0%（16/20次），差10.0个百分点"
    assert kailu.line == "开鲁县 0.0%（0/1次），差90.0个百分点（样本少，仅供参考）"
    assert "样本少" in kailu.sentence and "样本少" not in total.sentence


def test_the_threshold_is_strict_at_the_setting():
    # 9 cases is small under the default 10; 10 cases is not: 8/9 = 88.9 % and 8/10 = 80 % are both below.
    statuses = att.attention(parts((KAILU, "revisit_rate", 8, 9), (KEQIN, "revisit_rate", 8, 10)),
                             Targets(), CITY_F, NAMES)
    keqin, kailu = statuses[3].items  # 科尔沁区 80.0 % (gap 10) before 开鲁县 88.9 % (small)
    assert (keqin.region_name, keqin.small_sample) == ("科尔沁区", False)
    assert (kailu.region_name, kailu.small_sample) == ("开鲁县", True)


def _cards():
    from datetime import date

    import pandas as pd

    from dashboard.ui import PageContext, rate_card
    from queries.periods import build_filters

    f = build_filters("last_week", date(2026, 11, 23), date(2026, 11, 22))
    ctx = PageContext(f, {}, pd.DataFrame(), date(2026, 11, 22), "")
    rate_card("revisit_rate", 0, 1, 1, 2, ctx)     # 开鲁县 of the issue: 0/1 against 1/2
    rate_card("revisit_rate", 8, 10, 5, 10, ctx)   # 10 cases: judged as usual
    rate_card("completion_rate", 3, 4, 1, 4, ctx)  # no target: still 样本少, no 改善


def test_a_card_over_a_small_sample_shows_its_fraction_and_no_verdict():
    at = AppTest.from_function(_cards).run()
    assert not at.exception
    small, full, no_target = at.metric
    assert small.value == "0.0% :small[（0/1次）]"  # the fraction at half size beside the rate
    assert small.label == ":orange[**样本少**] 回访率（目标≥90.0%）"  # not 未达标
    assert small.delta == "-50.0个百分点"  # 0 % − 50 %, in grey and worded 样本少, not 变差
    assert small.proto.delta_description == "样本少（较上周）" and small.proto.color == 2  # delta_color off
    assert full.value == "80.0%" and full.label == ":red[**未达标**] 回访率（目标≥90.0%）"
    assert full.proto.delta_description == "改善（较上周）"  # 80 % vs 50 %
    assert no_target.value == "75.0% :small[（3/4户）]" and no_target.label.startswith(":orange[**样本少**]")


def test_the_rule_is_on_for_real_pages(monkeypatch, tmp_path):
    """The other tests switch the rule off (conftest); here, with the default, the revisits page
    on its hand-built fixture (a handful of revisits) reads 样本少 with the fraction, no verdict."""
    from tests.apptest_support import open_page, sqlite_fixture
    from tests.test_revisits_queries import rows

    at = open_page(monkeypatch, sqlite_fixture(tmp_path, rows()), page="pages/revisits.py")
    assert not at.exception
    card = next(m for m in at.metric if "回访率" in m.label and "抽访" not in m.label)
    assert card.label.startswith(":orange[**样本少**]") and "达标" not in card.label, card.label
    assert ":small[（" in card.value and "/" in card.value, card.value
    assert card.proto.delta_description in ("", None) or card.proto.delta_description.startswith("样本少")
