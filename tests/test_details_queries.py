"""queries/details.py on a hand-built fixture, on every dialect: the rows behind a figure, paged,
searched and sorted in SQL.

P = 上周 2026-11-16..22, as-of 11-22 (today 2026-11-23).

Enterprises (companies unless noted) and their grade at 11-22:
| id | name                  | county / office        | grade at 11-22           |
|----|-----------------------|------------------------|--------------------------|
| 1  | 通辽甲商贸有限公司      | 科尔沁区 永清           | D (2026-01-05)           |
| 2  | 百分%百_超市           | 科尔沁区 明仁           | C (2026-03-01)           |
| 3  | 开鲁丙农资有限公司      | 开鲁县 开鲁镇           | A (C 2025-06-01, A 11-20) |
| 4  | 开鲁丁!建材有限公司     | 开鲁县 开鲁镇           | D (2026-02-02)           |
| 5  | 科尔沁戊个体店 (individual) | 科尔沁区 永清      | D, outside the scope     |
| 6  | 科尔沁己科技有限公司    | 科尔沁区, 开鲁镇 office (→ 其他) | C (2026-04-04) |
| 1001–2200 | 批量企业0001…1200 | 开鲁县, no office      | C (2026-05-01): the large table |
"""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from queries import details
from queries.periods import build_filters
from tests.fixture_base import (
    DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise,
)

BATCH = range(1001, 2201)
COMPANIES = ("company",)


def fixture_rows() -> dict[str, list[dict]]:
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING, name="通辽甲商贸有限公司", uscc="91150502MA0000001X"),
        enterprise(2, KEQIN, KEQIN_MINGREN, name="百分%百_超市"),
        enterprise(3, KAILU, KAILU_TOWN, name="开鲁丙农资有限公司"),
        enterprise(4, KAILU, KAILU_TOWN, name="开鲁丁!建材有限公司"),
        enterprise(5, KEQIN, KEQIN_YONGQING, name="科尔沁戊个体店", entity_type="individual"),
        enterprise(6, KEQIN, KAILU_TOWN, name="科尔沁己科技有限公司"),
        *[enterprise(n, KAILU, None, name=f"批量企业{n - 1000:04d}") for n in BATCH],
    ]

    def grade(eid, on, letter):
        return {"enterprise_id": eid, "assessed_on": on, "grade": letter, "score": None}

    rows["credit_risk_assessments"] = [
        grade(1, date(2026, 1, 5), "D"), grade(2, date(2026, 3, 1), "C"),
        grade(3, date(2025, 6, 1), "C"), grade(3, date(2026, 11, 20), "A"),
        grade(4, date(2026, 2, 2), "D"), grade(5, date(2026, 1, 1), "D"), grade(6, date(2026, 4, 4), "C"),
        *[grade(n, date(2026, 5, 1), "C") for n in BATCH],
    ]
    rows["inspection_plans"] = [{"id": 1, "name": "2026年度抽查计划", "year": 2026, "lead_department": "市场监管",
                                 "is_joint": False}]

    def task(tid, region, due_on):
        return {"id": tid, "plan_id": 1, "name": f"抽查任务{tid}", "region_code": region, "item_category": "food",
                "starts_on": date(2026, 9, 1), "due_on": due_on, "is_differentiated": True}

    rows["inspection_tasks"] = [task(1, KEQIN, date(2026, 11, 10)), task(2, KAILU, date(2026, 11, 30)),
                                task(3, KAILU, date(2026, 11, 22))]

    def drawn(iid, tid, eid, inspected_on):
        return {"id": iid, "task_id": tid, "enterprise_id": eid, "grade_at_sampling": "C",
                "inspected_on": inspected_on, "result": "no_problem" if inspected_on else None, "published_on": None}

    rows["inspections"] = [
        drawn(1, 1, 1, None), drawn(2, 1, 2, date(2026, 11, 23)), drawn(3, 1, 6, date(2026, 11, 5)),
        drawn(4, 2, 4, None), drawn(5, 3, 4, None),
    ]

    def entry(lid, eid, region, listed_on, removed_on=None):
        return {"id": lid, "enterprise_id": eid, "region_code": region, "listed_on": listed_on,
                "listing_reason": "unreachable", "removed_on": removed_on,
                "removal_reason": "credit_repair" if removed_on else None}

    rows["abnormal_list_entries"] = [
        entry(1, 1, KEQIN, date(2023, 6, 1)), entry(2, 2, KEQIN, date(2024, 1, 15)),
        entry(3, 4, KAILU, date(2024, 3, 1)), entry(4, 6, KEQIN, date(2022, 1, 1), date(2026, 11, 22)),
        entry(5, 3, KAILU, date(2023, 11, 22), date(2026, 11, 23)),
    ]

    def case(cid, eid, region, category, decided_on, base, fine):
        return {"id": cid, "case_no": f"通市监罚〔2026〕{cid}号", "enterprise_id": eid, "region_code": region,
                "decided_on": decided_on, "category": category, "violation_type": "food_safety",
                "base_fine": Decimal(base), "fine_amount": Decimal(fine)}

    rows["enforcement_cases"] = [
        case(1, 1, KEQIN, "minor_exempt", date(2026, 11, 17), "5000.00", "0.00"),
        case(2, 2, KEQIN, "lighter", date(2026, 11, 20), "10000.00", "6000.50"),
        case(3, 4, KAILU, "general", date(2026, 11, 18), "3000.00", "3000.00"),
        case(4, None, KAILU, "first_offense_exempt", date(2026, 11, 16), "2000.00", "0.00"),
        case(5, 6, KEQIN, "mitigated", date(2026, 11, 10), "8000.00", "4000.00"),
        case(6, 3, KAILU, "aggravated", date(2026, 11, 19), "1000.00", "2000.00"),
    ]

    def revisit(rid, cid, due_on, revisited_on=None):
        return {"id": rid, "case_id": cid, "round": 1, "due_on": due_on, "revisited_on": revisited_on,
                "method": "phone" if revisited_on else None, "rectified": True if revisited_on else None}

    rows["case_revisits"] = [
        revisit(1, 5, date(2026, 11, 1)), revisit(2, 6, date(2026, 11, 22), date(2026, 11, 23)),
        revisit(3, 3, date(2026, 10, 1), date(2026, 10, 5)), revisit(4, 4, date(2026, 11, 20)),
    ]
    return rows


ALL = build_filters("last_week", TODAY, DATA_DATE)
ONE_COUNTY = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(fixture_rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


class CountingConnection:
    """A connection that records how many rows each query returned to Python."""

    def __init__(self, conn):
        self.conn, self.fetched = conn, []

    def execute(self, stmt):
        frozen = self.conn.execute(stmt).freeze()
        self.fetched.append(len(frozen.data))
        return frozen()


def _text(value):
    return None if pd.isna(value) else value


def _ids(page, column="enterprise_id"):
    return [int(v) for v in page.rows[column]]


def test_high_risk_of_a_region(conn):
    page = details.detail_page(conn, ALL, "high_risk", region=KEQIN, entity_types=COMPANIES)
    # 科尔沁区's C/D companies: 1 D, then the Cs 2 and 6 by id (5 is an individual, outside the scope).
    assert _ids(page) == [1, 2, 6] and page.total_count == 3
    assert list(page.rows["grade"]) == ["D", "C", "C"]
    assert list(page.rows["assessed_on"]) == [date(2026, 1, 5), date(2026, 3, 1), date(2026, 4, 4)]
    # Widened to individuals, 5 (D) joins, after 1 by id.
    widened = details.detail_page(conn, ALL, "high_risk", region=KEQIN, entity_types=("company", "individual"))
    assert _ids(widened) == [1, 5, 2, 6]
    # An office: the rows of its county whose enterprise is in it (6 is in 开鲁镇's office but in 科尔沁区).
    assert _ids(details.detail_page(conn, ALL, "high_risk", region=KAILU_TOWN, entity_types=COMPANIES)) == [4]
    # One county by office: 永清 has 1; 其他 has 6 (an office of another county).
    assert _ids(details.detail_page(conn, ONE_COUNTY, "high_risk", region=KEQIN_YONGQING, entity_types=COMPANIES)) == [1]
    assert _ids(details.detail_page(conn, ONE_COUNTY, "high_risk", region="other", entity_types=COMPANIES)) == [6]
    # Sorted by name: 百… (U+767E) before 科… (U+79D1) before 通… (U+901A) in code-point order; descending reverses.
    by_name = details.detail_page(conn, ALL, "high_risk", region=KEQIN, sort="enterprise_name", entity_types=COMPANIES)
    assert set(_ids(by_name)) == {1, 2, 6}
    reverse = details.detail_page(conn, ALL, "high_risk", region=KEQIN, sort="enterprise_name", descending=True,
                                  entity_types=COMPANIES)
    assert _ids(reverse) == _ids(by_name)[::-1]
    # A sort key outside the whitelist falls back to the default order.
    odd = details.detail_page(conn, ALL, "high_risk", region=KEQIN, sort="name; DROP TABLE x", entity_types=COMPANIES)
    assert _ids(odd) == [1, 2, 6]


def test_search_escapes_wildcards(conn):
    def found(text):
        return _ids(details.detail_page(conn, ALL, "high_risk", search=text, entity_types=COMPANIES))

    assert found("_") == [2]  # a literal underscore, not "any character"
    assert found("%百") == [2]
    assert found("丁!") == [4]  # the escape character itself
    assert found("ma0000001x") == [1]  # a USCC typed in lower case
    assert found("  批量企业0007 ") == [1007]
    assert found("没有这家") == []


def test_large_table_fetches_one_page_per_query(conn):
    counting = CountingConnection(conn)
    page = details.detail_page(counting, ALL, "high_risk", page=3, page_size=50, entity_types=COMPANIES)
    # 4 D/C companies plus the 1,200 batch Cs; D first (1, 4), then C by id: 2, 6, 1001, …
    assert page.total_count == 1204 and page.page_count == 25
    assert _ids(page) == list(range(1001 + 150 - 4, 1001 + 200 - 4))
    # The count (one row) and the page (50 rows): never the whole table.
    assert counting.fetched == [1, 50]
    last = details.detail_page(conn, ALL, "high_risk", page=999, page_size=50, entity_types=COMPANIES)
    assert last.page == 24 and len(last.rows) == 4 and _ids(last)[-1] == 2200

    counting = CountingConnection(conn)
    chunks = list(details.detail_chunks(counting, ALL, "high_risk", chunk_size=500, entity_types=COMPANIES))
    assert [len(c) for c in chunks] == [500, 500, 204] and counting.fetched == [500, 500, 204]
    ids = [int(v) for c in chunks for v in c["enterprise_id"]]
    assert ids == [1, 4, 2, 6, *BATCH]


def test_overdue_objects(conn):
    page = details.detail_page(conn, ALL, "overdue_objects")
    # Task 1 (科尔沁区, due 11-10): 1 not inspected, 2 inspected after the as-of date; 6 done.
    # Task 3 (开鲁县, due 11-22 = the as-of date, passed): 4. Task 2 (due 11-30) is not overdue.
    assert [(int(r.task_id), r.enterprise_name, int(r.days_overdue)) for r in page.rows.itertuples()] == [
        (1, "通辽甲商贸有限公司", 13), (1, "百分%百_超市", 13), (3, "开鲁丁!建材有限公司", 1),
    ]
    assert details.detail_page(conn, ALL, "overdue_objects", task_id=3).total_count == 1
    assert details.detail_page(conn, ONE_COUNTY, "overdue_objects", region=KEQIN_MINGREN).total_count == 1


def test_three_year(conn):
    page = details.detail_page(conn, ALL, "three_year")
    # In stock at 11-22 with the anniversary by 2027-02-20: entry 1 (2026-06-01, passed 175 days
    # counting the day), entry 5 (2026-11-22 itself, 1 day; removed only on 11-23), entry 2
    # (2027-01-15, 54 days ahead). Entry 3's anniversary (2027-03-01) is too far; entry 4 was removed on 11-22.
    assert [(int(r.entry_id), r.eligible_on, r.is_passed, r.days) for r in page.rows.itertuples()] == [
        (1, date(2026, 6, 1), True, 175), (5, date(2026, 11, 22), True, 1), (2, date(2027, 1, 15), False, 54),
    ]


def test_overdue_revisits(conn):
    page = details.detail_page(conn, ALL, "overdue_revisits")
    # Revisit 1 (due 11-01, 22 days), 4 (due 11-20, no enterprise, 3 days), 2 (due 11-22, done on 11-23: 1 day).
    assert [(int(r.revisit_id), _text(r.enterprise_name), int(r.days_overdue)) for r in page.rows.itertuples()] == [
        (1, "科尔沁己科技有限公司", 22), (4, None, 3), (2, "开鲁丙农资有限公司", 1),
    ]
    assert [int(t) for t in page.rows["tier"]] == [2, 3, 1]
    assert _ids(details.detail_page(conn, ALL, "overdue_revisits", search="〔2026〕4号"), "revisit_id") == [4]


def test_waived_cases(conn):
    page = details.detail_page(conn, ALL, "waived_cases")
    # Decided in P with a waived or reduced penalty, latest first: 2 (lighter, 10,000.00 − 6,000.50),
    # 1 (minor_exempt, 5,000.00), 4 (first_offense_exempt, no enterprise, 2,000.00). 3 is general,
    # 6 aggravated, 5 decided before P.
    assert [(int(r.case_id), r.waived_yuan) for r in page.rows.itertuples()] == [
        (2, Decimal("3999.50")), (1, Decimal("5000.00")), (4, Decimal("2000.00")),
    ]
    by_amount = details.detail_page(conn, ALL, "waived_cases", sort="waived_order", descending=True)
    assert _ids(by_amount, "case_id") == [1, 2, 4]
    # Office scope: a case without an enterprise has no office.
    assert details.detail_page(conn, ALL, "waived_cases", region=KAILU_TOWN).total_count == 0
    assert details.detail_page(conn, ALL, "waived_cases", region=KAILU).total_count == 1


def test_like_pattern():
    assert details.like_pattern("a%b_c!d") == "%a!%b!_c!!d%"
