"""dashboard/downloads.py: what a statistician gets from a table's CSV and Excel buttons."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from dashboard import downloads as dl


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "旗县市区": ["科尔沁区", "开鲁县", "全市"],
        "已评级企业": [7, 3, 10],
        "高风险占比": ["42.9%", "—", "40.0%"],
        "高风险占比变化": ["−14.3个百分点", "0.0个百分点", "+1.5个百分点"],
        "减免金额": ["1,234.57万元", "0.00万元", "1,234.57万元"],
        "户数": ["25,943", "1,000", "26,943"],
        "截至": [date(2026, 11, 22)] * 3,
        "金额（元）": [Decimal("3999.50"), Decimal("0.00"), None],
    })


def test_column_kinds():
    frame = _table()
    kinds = [dl.column_kind(frame[c].tolist()) for c in frame.columns]
    assert kinds == [dl.TEXT, dl.COUNT, dl.PERCENT, dl.POINTS, dl.MONEY, dl.COUNT, dl.DATE, dl.AMOUNT]
    assert dl.column_kind(["12.5%", "已届满"]) == dl.TEXT  # mixed: left as text


def test_excel_holds_numbers_with_formats_and_the_filter_on_a_second_sheet():
    csv_bytes, xlsx_bytes = dl.frame_bytes(_table(), dl.notes_for("2026年11月16日—22日（第47周），环比上周，全市", "2026年11月22日"))
    book = load_workbook(io.BytesIO(xlsx_bytes))
    assert book.sheetnames == ["数据", "说明"]
    data = book["数据"]
    headers = list(_table().columns)
    headers[4] = "减免金额（万元）"  # the unit leaves the cell, so it goes into the header
    assert [c.value for c in data[1]] == headers
    row = [c for c in data[2]]
    assert row[1].value == 7 and row[1].number_format == "#,##0"
    assert abs(row[2].value - 0.429) < 1e-12 and row[2].number_format == "0.0%"
    assert row[3].value == -14.3 and "个百分点" in row[3].number_format
    assert row[4].value == 1234.57 and row[4].number_format == "#,##0.00"
    assert row[5].value == 25943
    assert row[6].value.date() == date(2026, 11, 22) and row[6].number_format == "yyyy-mm-dd"
    assert row[7].value == 3999.5
    assert data.cell(row=3, column=3).value is None  # "—" is an empty cell, not text
    notes = {r[0].value: r[1].value for r in book["说明"].iter_rows()}
    assert notes["筛选条件"].startswith("2026年11月16日") and notes["数据截至"] == "2026年11月22日"


def test_csv_starts_with_its_header_row():
    csv_bytes, _ = dl.frame_bytes(_table(), [])
    assert csv_bytes.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0] == ["旗县市区", "已评级企业", "高风险占比（%）", "高风险占比变化（个百分点）", "减免金额（万元）",
                       "户数", "截至", "金额（元）"]
    assert rows[1] == ["科尔沁区", "7", "42.9", "-14.3", "1234.57", "25943", "2026-11-22", "3999.5"]
    assert rows[2][2] == "" and rows[3][7] == ""


def test_streamed_chunks_are_written_in_order():
    layout = dl.Layout(("企业名称", "逾期天数"), (dl.TEXT, dl.COUNT))
    chunks = [pd.DataFrame({"a": ["甲", "乙"], "b": [3, 2]}), pd.DataFrame({"a": ["丙"], "b": [1]})]
    out = dl.streamed(dl.write_csv, lambda: iter(chunks), layout)()
    assert out.decode("utf-8-sig").splitlines() == ["企业名称,逾期天数", "甲,3", "乙,2", "丙,1"]
    book = load_workbook(io.BytesIO(dl.streamed(dl.write_xlsx, lambda: iter(chunks), layout, [("筛选条件", "全市")])()))
    assert [[c.value for c in r] for r in book["数据"].iter_rows()] == [["企业名称", "逾期天数"], ["甲", 3], ["乙", 2], ["丙", 1]]


def test_safe_file_name():
    assert dl.safe_name("逾期未回访清单", "2026年11月16日—22日，环比上周，科尔沁区·永清/所") == (
        "逾期未回访清单_2026年11月16日—22日，环比上周，科尔沁区·永清-所"
    )
