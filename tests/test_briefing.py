"""dashboard/briefing.py: the pasteable 包容审慎 sentence, from figures to words."""

from datetime import date
from decimal import Decimal

from dashboard.briefing import CITY_SUBJECT, briefing_subject, penalties_sentence, wan_text
from queries.penalties import PenaltySummary
from tests.fixture_base import KAILU, KEQIN, KEQIN_YONGQING, REGIONS

NAMES = {region["code"]: region["name"] for region in REGIONS}


def summary(exempt=0, reduced=0, waived="0", aggravated=0, aggravated_fines="0", cases=0, fines="0", negative=0):
    return PenaltySummary(
        exempt_count=exempt,
        reduced_count=reduced,
        aggravated_count=aggravated,
        case_count=cases,
        waived_yuan=Decimal(waived),
        aggravated_fines_yuan=Decimal(aggravated_fines),
        fines_yuan=Decimal(fines),
        negative_waived_count=negative,
    )


def test_seed_figures_read_like_the_seed():
    # seed 003: 73 免罚, 1070 从轻减轻, 减免 1461.47万元, 30 从重, 罚没款 1065万元 (of the 从重 cases)
    figures = summary(73, 1070, "14614700.00", 30, "10650000.00", 2400, "23456789.99")
    sentence = penalties_sentence(figures, date(2026, 11, 16), date(2026, 11, 22), CITY_SUBJECT)
    assert sentence == (
        "2026年11月16日—22日，全市市场监管系统共办理轻微免罚、首违不罚案件73件，从轻、减轻案件1070件，"
        "减免处罚1461.47万元；办理从重处罚案件30件，涉及罚没款1065.00万元。"
        "同期各类处罚案件2400件，罚没款合计2345.68万元。"  # 23456789.99 元 = 2345.678999 万元 → 2345.68
    )


def test_amounts_round_half_away_from_zero_without_separators():
    assert wan_text(Decimal("12250.00")) == "1.23"  # 1.225 → 1.23 (half-even would give 1.22)
    assert wan_text(Decimal("12249.99")) == "1.22"
    assert wan_text(Decimal("-12250.00")) == "-1.23"  # a negative total (see the data-quality note)
    assert wan_text(Decimal("-0.40")) == "0.00"  # never "-0.00"
    assert wan_text(Decimal("123456789.00")) == "12345.68"  # no thousands separator in a briefing
    assert wan_text(Decimal("0.30")) == "0.00"


def test_a_period_cut_by_the_data_date_names_the_days_covered():
    figures = summary(1, 2, "5000.00", 0, "0.00", 3, "1000.00")
    sentence = penalties_sentence(figures, date(2026, 11, 1), date(2026, 11, 22), "开鲁县")
    assert sentence.startswith("2026年11月1日—22日，开鲁县共办理轻微免罚、首违不罚案件1件，从轻、减轻案件2件，减免处罚0.50万元；")
    assert "办理从重处罚案件0件，涉及罚没款0.00万元。同期各类处罚案件3件，罚没款合计0.10万元。" in sentence


def test_a_period_across_the_new_year():
    figures = summary(0, 1, "100.00", 0, "0", 1, "50.00")
    sentence = penalties_sentence(figures, date(2025, 12, 29), date(2026, 1, 4), CITY_SUBJECT)
    assert sentence.startswith("2025年12月29日—2026年1月4日，全市市场监管系统共办理")


def test_no_cases():
    sentence = penalties_sentence(summary(), date(2026, 11, 16), date(2026, 11, 22), "科尔沁区")
    assert sentence == "2026年11月16日—22日，科尔沁区未办理行政处罚案件。"


def test_subject_follows_the_region_filter():
    assert briefing_subject((), None, NAMES) == "全市市场监管系统"
    assert briefing_subject((KEQIN,), None, NAMES) == "科尔沁区"
    assert briefing_subject((KEQIN, KAILU), None, NAMES) == "科尔沁区、开鲁县"
    assert briefing_subject((KEQIN,), KEQIN_YONGQING, NAMES) == "科尔沁区永清市场监管所"
    assert briefing_subject(("150599",), None, NAMES) == "150599"  # an unnamed code stays visible


def test_charts_without_chromium_fail_in_one_sentence(monkeypatch):
    import plotly.graph_objects as go
    import pytest

    from dashboard.briefing import images
    from dashboard.db import DataError

    monkeypatch.setattr(images, "_started", False)
    monkeypatch.setattr(images, "browser_path", lambda: None)
    with pytest.raises(DataError) as error:
        images.figure_png(go.Figure())
    assert error.value.message.startswith("无法绘制图表：未找到 Chromium")
