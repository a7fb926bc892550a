"""Downloads a statistician can use: numbers as numbers, the filter beside them, not in them.

A table on screen holds display text ("42.9%", "−14.3个百分点", "1,234.56万元", "—"). Its download
turns each column whose every value reads as one kind of number back into that number, exactly
as displayed: rates become fractions with a percent format (0.429 → 42.9%), points and money
plain numbers with their format, dates real dates, "—" an empty cell. A column with anything
else (names, words) stays text.

- Excel: sheet 数据 (a header row, then the rows, with number formats), sheet 说明 (the filter
  sentence, 数据截至, and the export time).
- CSV (UTF-8 with BOM, so Excel opens it): the header row first, then the rows; a percentage
  column's header says （%） and holds 42.9, a points column （个百分点）. The filter goes into the
  file name.
- Large selections (the detail tables) are written chunk by chunk as they are read from the
  database (`stream_csv`, `stream_xlsx`): no frame of the whole selection is ever built.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook

from dashboard.config import now
from dashboard.safe import csv_cell

DASH = "—"
PERCENT = "percent"
POINTS = "points"
MONEY = "money"
"""万元 as displayed ("1,234.57万元")."""
AMOUNT = "amount"
"""An exact Decimal (yuan) from the database."""
COUNT = "count"
NUMBER = "number"
DATE = "date"
TEXT = "text"

_NUM = r"[+\-−]?\d[\d,]*(?:\.\d+)?"
_PATTERNS = [
    (PERCENT, re.compile(rf"^({_NUM})%$")),
    (POINTS, re.compile(rf"^({_NUM})个百分点$")),
    (MONEY, re.compile(rf"^({_NUM})万元$")),
    (NUMBER, re.compile(rf"^({_NUM})$")),
]
EXCEL_FORMATS = {
    PERCENT: "0.0%",
    POINTS: '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
    MONEY: "#,##0.00",
    AMOUNT: "#,##0.00",
    COUNT: "#,##0",
    DATE: "yyyy-mm-dd",
}
CSV_SUFFIX = {PERCENT: "（%）", POINTS: "（个百分点）", MONEY: "（万元）"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value in ("", DASH)


def column_kind(values: Iterable) -> str:
    """The kind every non-empty value of a column reads as (TEXT when they disagree)."""
    kinds = set()
    for value in values:
        if _is_empty(value):
            continue
        if isinstance(value, bool):
            return TEXT
        if isinstance(value, (date, datetime, pd.Timestamp)):
            kinds.add(DATE)
        elif isinstance(value, Decimal):
            kinds.add(AMOUNT)
        elif isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
            kinds.add(COUNT)
        elif isinstance(value, float):
            kinds.add(NUMBER)
        elif isinstance(value, str):
            kind = next((k for k, pattern in _PATTERNS if pattern.match(value.strip())), TEXT)
            if kind == NUMBER and "," in value:
                kind = COUNT if "." not in value else NUMBER
            kinds.add(kind)
        else:
            return TEXT
        if len(kinds) > 1:
            # Counts and plain numbers mix into numbers; anything else stays text.
            return NUMBER if kinds <= {COUNT, NUMBER} else TEXT
    return kinds.pop() if kinds else TEXT


def cell_value(value, kind: str):
    """A display value as the number (or date) Excel should hold; None for an empty cell."""
    if _is_empty(value):
        return None
    if kind == TEXT:
        return str(value)
    if kind == DATE:
        return value.date() if isinstance(value, (datetime, pd.Timestamp)) else value
    if isinstance(value, str):
        match = next((p.match(value.strip()) for k, p in _PATTERNS if k == kind or (kind == COUNT and k == NUMBER)), None)
        number = _decimal(match.group(1) if match else value)
        if kind == PERCENT:
            return float(number / 100)
        return int(number) if kind == COUNT else float(number)
    if kind == COUNT:
        return int(value)
    return float(value)


def csv_value(value, kind: str):
    """A display value for the CSV: the number as shown (a percentage as 42.9), no thousands commas."""
    number = cell_value(value, kind)
    if number is None:
        return ""
    if kind == TEXT:
        return csv_cell(number)  # a database name like =HYPERLINK(…) stays text in a spreadsheet
    if kind == PERCENT:
        return f"{Decimal(str(number)) * 100:f}".rstrip("0").rstrip(".") if number else "0"
    if kind == DATE:
        return number.isoformat()
    return number


@dataclass(frozen=True)
class Layout:
    """The columns of a download: header and kind of each."""

    headers: tuple[str, ...]
    kinds: tuple[str, ...]

    @classmethod
    def of(cls, frame: pd.DataFrame, kinds: dict[str, str] | None = None) -> Layout:
        kinds = kinds or {}
        return cls(
            tuple(str(c) for c in frame.columns),
            tuple(kinds.get(c) or column_kind(frame[c].tolist()) for c in frame.columns),
        )

    def csv_headers(self) -> list[str]:
        return [_with_unit(h, CSV_SUFFIX.get(k, "")) for h, k in zip(self.headers, self.kinds)]

    def excel_headers(self) -> list[str]:
        """Percentages and points keep their unit in the number format; 万元 needs it in the header."""
        return [_with_unit(h, CSV_SUFFIX[MONEY] if k == MONEY else "") for h, k in zip(self.headers, self.kinds)]


def _with_unit(header: str, unit: str) -> str:
    return header if not unit or header.endswith(unit) else header + unit


def safe_name(*parts: str) -> str:
    """A file name from parts: no path separators, spaces or characters a file system refuses."""
    return "_".join(_UNSAFE.sub("-", p).strip("-") for p in parts if p)


# --- writers ---------------------------------------------------------------------------------

def _csv_rows(frames: Iterable[pd.DataFrame], layout: Layout) -> Iterator[list]:
    for frame in frames:
        for row in frame.itertuples(index=False, name=None):
            yield [csv_value(v, k) for v, k in zip(row, layout.kinds)]


def write_csv(frames: Iterable[pd.DataFrame], layout: Layout, out) -> None:
    """CSV into the binary file `out`: BOM, header row, then the rows of every frame in turn."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(layout.csv_headers())
    for row in _csv_rows(frames, layout):
        writer.writerow(row)
    text.flush()
    text.detach()


def write_xlsx(frames: Iterable[pd.DataFrame], layout: Layout, notes: list[tuple[str, str]], out) -> None:
    """An .xlsx into the binary file `out`: 数据 (numbers with formats) and 说明 (the filter)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    headers = layout.excel_headers()
    widths = [max(8, min(40, 2 * len(h) + 2)) for h in headers]
    for i, width in enumerate(widths):
        sheet.column_dimensions[_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=h)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = [EXCEL_FORMATS.get(k) for k in layout.kinds]
    for frame in frames:
        for row in frame.itertuples(index=False, name=None):
            cells = []
            for value, kind, number_format in zip(row, layout.kinds, formats):
                cell = WriteOnlyCell(sheet, value=cell_value(value, kind))
                if cell.data_type == "f":  # text from the database is never a formula
                    cell.data_type = "s"
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    about = book.create_sheet("说明")
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 80
    for key, value in notes:
        about.append([key, value])
    book.save(out)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def table_files(frame: pd.DataFrame, notes: list[tuple[str, str]], kinds: dict[str, str] | None = None):
    """(CSV, .xlsx) of a small on-screen table as st.download_button's deferred `data`: each file
    is written when its button is clicked, not on every page run."""
    layout = Layout.of(frame, kinds)
    return streamed(write_csv, lambda: [frame], layout), streamed(write_xlsx, lambda: [frame], layout, notes)


def frame_bytes(frame: pd.DataFrame, notes: list[tuple[str, str]], kinds: dict[str, str] | None = None) -> tuple[bytes, bytes]:
    """(CSV bytes, .xlsx bytes) of a small table: what its two download buttons deliver."""
    return tuple(build() for build in table_files(frame, notes, kinds))


def streamed(writer: Callable[..., None], frames: Callable[[], Iterable[pd.DataFrame]], *args) -> Callable[[], bytes]:
    """A callable for st.download_button's deferred `data`: when clicked, writes the chunks and
    returns the file's bytes (Streamlit serves a deferred file from memory and accepts only
    bytes, str or an in-memory buffer from the callable, not a temporary file)."""
    def build() -> bytes:
        out = io.BytesIO()
        writer(frames(), *args, out)
        return out.getvalue()

    return build


def notes_for(stamp: str, data_date_text: str, caliber: str | None = None) -> list[tuple[str, str]]:
    """The 说明 sheet's rows."""
    rows = [("筛选条件", stamp), ("数据截至", data_date_text)]
    if caliber:
        rows.append(("口径", caliber))
    rows.append(("导出时间", now().strftime("%Y-%m-%d %H:%M（北京时间）")))
    return rows

