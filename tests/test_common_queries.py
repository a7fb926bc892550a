"""The dialect helpers of queries/common.py, on every dialect."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, literal, select

from queries.common import bucket_index, cents_to_yuan, count_if, days_between, region_key, scope_conditions, sum_cents
from queries.schema import enforcement_cases, enterprises
from queries.periods import build_filters
from tests.fixture_base import DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise


def _case(cid, region, decided_on, base, fine, enterprise_id=None):
    return {
        "id": cid, "case_no": f"案{cid}", "enterprise_id": enterprise_id, "region_code": region,
        "decided_on": decided_on, "category": "general", "violation_type": "other",
        "base_fine": Decimal(base), "fine_amount": Decimal(fine),
    }


@pytest.fixture(scope="module")
def conn(dialect_db):
    rows = base_rows()
    rows["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING),
        enterprise(2, KEQIN, KEQIN_MINGREN),
        enterprise(3, KEQIN, None),
        enterprise(4, KEQIN, KAILU_TOWN),  # an office of another county → 其他
        enterprise(5, KAILU, KAILU_TOWN),
    ]
    # 0.10 + 0.20 + 0.70 summed as floats drifts; in cents it is exact.
    rows["enforcement_cases"] = [
        _case(1, KEQIN, date(2024, 2, 28), "0.10", "0.10", 1),
        _case(2, KEQIN, date(2024, 3, 1), "0.20", "0.20", 2),
        _case(3, KAILU, date(2026, 11, 22), "1234567.70", "0.70", 5),
    ]
    dialect_db.load(rows)
    with dialect_db.readonly().connect() as connection:
        yield connection


def test_days_between_crosses_leap_day(conn):
    stmt = select(days_between(enforcement_cases.c.decided_on, literal(date(2024, 2, 27))).label("days")).order_by(enforcement_cases.c.id)
    # 2024-02-28 − 02-27 = 1; 2024-03-01 − 02-27 = 3 (29 Feb exists); 2026-11-22 − 2024-02-27 = 366 + 365 + 268 = 999 days
    assert [row.days for row in conn.execute(stmt)] == [1, 3, 999]


def test_sum_cents_is_exact(conn):
    cents = conn.execute(select(sum_cents(enforcement_cases.c.fine_amount))).scalar_one()
    assert cents_to_yuan(cents) == Decimal("1.00")  # 0.10 + 0.20 + 0.70
    base = conn.execute(select(sum_cents(enforcement_cases.c.base_fine - enforcement_cases.c.fine_amount))).scalar_one()
    assert cents_to_yuan(base) == Decimal("1234567.00")  # 0 + 0 + (1234567.70 − 0.70)


def test_count_if_and_buckets(conn):
    buckets = [(date(2024, 2, 1), date(2024, 2, 29)), (date(2024, 3, 1), date(2024, 3, 31))]
    key = bucket_index(enforcement_cases.c.decided_on, buckets).label("bucket")
    stmt = select(key, func.count().label("n")).group_by(key).order_by(key)
    assert [(row.bucket, row.n) for row in conn.execute(stmt)] == [(None, 1), (0, 1), (1, 1)] or \
        [(row.bucket, row.n) for row in conn.execute(stmt)] == [(0, 1), (1, 1), (None, 1)]
    in_keqin = conn.execute(select(count_if(enforcement_cases.c.region_code == KEQIN))).scalar_one()
    assert in_keqin == 2


def test_count_if_is_zero_over_no_rows(conn):
    # Each dialect compiles its own conditional count (DuckDB's count_if is NULL over no rows);
    # a count is 0 there, and NULL never reaches a figure.
    cases = enforcement_cases.c
    none_match = conn.execute(select(count_if(cases.region_code == "no-such-code"))).scalar_one()
    no_rows = conn.execute(select(count_if(cases.region_code == KEQIN)).where(cases.id < 0)).scalar_one()
    some_match = conn.execute(select(count_if(cases.enterprise_id > 1))).scalar_one()
    # 3 cases, none in that region; no row has id < 0; enterprises 2 and 5 are > 1
    assert (int(none_match), int(no_rows), int(some_match)) == (0, 0, 2)


def test_region_key_groups_one_county_by_office(conn):
    f = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))
    key = region_key(f, enterprises.c.region_code, enterprises.c.office_code).label("region")
    stmt = (
        select(key, func.count().label("n"))
        .where(*scope_conditions(f, enterprises.c.region_code, enterprises.c.office_code))
        .group_by(key)
    )
    # enterprises 1 (永清), 2 (明仁), 3 (no office) and 4 (an office of 开鲁县) are in 科尔沁区
    assert dict(conn.execute(stmt).all()) == {KEQIN_YONGQING: 1, KEQIN_MINGREN: 1, "other": 2}


def test_scope_by_office_and_all_counties(conn):
    f = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,), office=KEQIN_MINGREN)
    stmt = select(func.count()).select_from(enterprises).where(
        *scope_conditions(f, enterprises.c.region_code, enterprises.c.office_code)
    )
    assert conn.execute(stmt).scalar_one() == 1
    every = build_filters("last_week", TODAY, DATA_DATE)
    key = region_key(every, enterprises.c.region_code, enterprises.c.office_code).label("region")
    assert dict(conn.execute(select(key, func.count()).group_by(key)).all()) == {KEQIN: 4, KAILU: 1}
