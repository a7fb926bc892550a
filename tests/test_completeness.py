"""Nothing falls through the cracks: every page is in the navigation, every code of the
contract has a Chinese label, every table of the contract is in schema.py."""

import re
from pathlib import Path

import pytest

from dashboard import i18n
from queries.schema import metadata

REPO = Path(__file__).resolve().parent.parent
CONTRACT = REPO / "docs" / "reporting-schema.md"


def test_every_page_file_is_registered_in_navigation():
    entry = (REPO / "streamlit_app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\("(pages/\w+\.py)"', entry))
    on_disk = {f"pages/{p.name}" for p in (REPO / "pages").glob("*.py")}
    assert registered == on_disk


def test_no_page_is_a_placeholder():
    for page in (REPO / "pages").glob("*.py"):
        assert "建设中" not in page.read_text(encoding="utf-8"), page.name


def _contract_text(table: str, column: str) -> str:
    """The contract's text listing the codes of `table.column` (its row's meaning cell)."""
    text = CONTRACT.read_text(encoding="utf-8")
    section = text.split(f"## {table} ")[1].split("\n## ")[0]
    if column == "result":
        return section.split("`result` codes:")[1].split('"Problem found"')[0]
    row = next(line for line in section.splitlines() if line.startswith(f"| {column} |"))
    return row.split("|")[4]


def _contract_codes(table: str, column: str) -> set[str]:
    return set(re.findall(r"`(\w+)`", _contract_text(table, column)))


@pytest.mark.parametrize(
    "table, column, labels",
    [
        ("enterprises", "entity_type", i18n.ENTITY_TYPE),
        ("inspection_tasks", "item_category", i18n.ITEM_CATEGORY),
        ("inspections", "result", i18n.INSPECTION_RESULT),
        ("abnormal_list_entries", "listing_reason", i18n.ABNORMAL_LISTING_REASON),
        ("abnormal_list_entries", "removal_reason", i18n.ABNORMAL_REMOVAL_REASON),
        ("serious_violation_entries", "listing_reason", i18n.SERIOUS_LISTING_REASON),
        ("serious_violation_entries", "removal_reason", i18n.SERIOUS_REMOVAL_REASON),
        ("enforcement_cases", "category", i18n.CASE_CATEGORY),
        ("enforcement_cases", "violation_type", i18n.VIOLATION_TYPE),
        ("case_revisits", "method", i18n.REVISIT_METHOD),
    ],
)
def test_every_contract_code_has_a_chinese_label(table, column, labels):
    codes = _contract_codes(table, column)
    assert codes, f"no codes parsed for {table}.{column}"
    assert codes <= set(labels), codes - set(labels)
    assert all(re.search(r"[\u4e00-\u9fff]", labels[c]) for c in codes)
    # the document names each code with the same Chinese words the dashboard shows
    named = dict(re.findall(r"`(\w+)` ([^,;`|]+)", _contract_text(table, column)))
    for code in codes:
        assert named.get(code, "").strip().startswith(labels[code]), (code, named.get(code), labels[code])


def test_every_table_has_a_chinese_name():
    assert set(i18n.TABLE_LABELS) == set(metadata.tables)


def test_a_null_code_reads_as_not_filled_in():
    import pandas as pd

    # pandas 3 returns a NULL text value as NaN (or pd.NA): the label must not read "nan"
    for missing in (None, float("nan"), pd.NA):
        assert i18n.label(i18n.REVISIT_METHOD, missing) == "未填写"
    assert i18n.label(i18n.REVISIT_METHOD, "phone") == "电话"
    assert i18n.label(i18n.REVISIT_METHOD, "video") == "video"  # an unknown code stays visible
