"""queries.common.with_total: the one place a by-region frame gets its 合计 / 全市 row."""

from decimal import Decimal

import pandas as pd

from queries.common import TOTAL, with_total


def test_the_total_row_sums_the_parts_exactly():
    frame = pd.DataFrame({
        "region_code": ["150502", "150523"],
        "report_year": [2025, 2025],
        "submitted_count": [5, 4],
        "waived_yuan": [Decimal("0.10"), Decimal("0.20")],  # 0.1 + 0.2 in binary floats is 0.30000000000000004
        "elapsed_weight": [1.5, 2.25],
    })
    total = with_total(frame, constants={"report_year": 2025})
    assert list(total["region_code"]) == ["150502", "150523", TOTAL]
    row = total.iloc[-1]
    assert (row["report_year"], row["submitted_count"], row["elapsed_weight"]) == (2025, 9, 3.75)
    assert row["waived_yuan"] == Decimal("0.30")
    assert total["submitted_count"].dtype == frame["submitted_count"].dtype  # counts stay integers


def test_no_regions_is_a_zero_total():
    frame = pd.DataFrame({"region_code": [], "case_count": pd.Series([], dtype="int64"), "fines_yuan": []})
    total = with_total(frame)
    assert total.to_dict("records") == [{"region_code": TOTAL, "case_count": 0, "fines_yuan": Decimal("0.00")}]
