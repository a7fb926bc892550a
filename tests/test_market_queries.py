"""queries/market.py on a hand-built fixture, on every dialect (metrics.md §7, 市场主体发展).

Period: 上周 with today 2026-11-23 → P = 2026-11-16..22 (as-of 11-22); 环比 Q = 11-09..15
(as-of 11-15); growth compares the total at 11-22 with the total at 2025-11-22 (and Q's at 11-15
with 2025-11-15). Alive at d = registered_on <= d and (no deregistration or deregistered_on > d).

| id | type        | county / office       | registered | deregistered | 11-22 | 2025-11-22 | 11-15 | 2025-11-15 |
|----|-------------|-----------------------|------------|--------------|-------|------------|-------|------------|
| 1  | company     | 科尔沁区 永清          | 2020-01-01 |              | yes   | yes        | yes   | yes        |
| 2  | individual  | 科尔沁区 永清          | 2025-11-22 |              | yes   | yes (on d) | yes   | no         |
| 3  | individual  | 科尔沁区 明仁          | 2025-11-23 |              | yes   | no         | yes   | no         |
| 4  | cooperative | 科尔沁区 no office     | 2026-11-16 (P.start)  |   | yes   | no         | no    | no         |
| 5  | company     | 科尔沁区 永清          | 2026-11-22 (as-of)    |   | yes   | no         | no    | no         |
| 6  | company     | 科尔沁区 永清          | 2026-11-23 (after)    |   | no    | no         | no    | no         |
| 7  | individual  | 开鲁县 开鲁镇          | 2019-05-05 | 2026-11-16   | no    | yes        | yes   | yes        |
| 8  | company     | 开鲁县 开鲁镇          | 2021-01-01 | 2026-11-22   | no    | yes        | yes   | yes        |
| 9  | company     | 开鲁县 开鲁镇          | 2021-01-01 | 2026-11-23   | yes   | yes        | yes   | yes        |
| 10 | individual  | 开鲁县 开鲁镇          | 2026-11-10 |              | yes   | no         | yes   | no         |
| 11 | company     | 开鲁县 no office       | 2025-12-01 | 2026-11-12   | no    | no         | no    | no         |
| 12 | company     | 科尔沁区, 开鲁镇 office | 2020-01-01 |              | yes   | yes        | yes   | yes        |
| 13 | individual  | region 150599 (not in the tree) | 2020-01-01 |    | dropped everywhere                  |
| 14 | company     | 科尔沁区 明仁          | 2018-01-01 | 2025-11-22   | no    | no (on d)  | no    | yes        |
| 15 | individual  | 科尔沁区 明仁          | 2018-01-01 | 2025-11-23   | no    | yes        | no    | yes        |
| 16 | cooperative | 开鲁县 开鲁镇          | 2026-11-18 | 2026-11-20   | no    | no         | no    | no         |
| 18 | individual  | 开鲁县 开鲁镇          | 2026-11-20 |              | yes   | no         | no    | no         |
"""

from datetime import date

import pytest

from queries import market
from queries.periods import build_filters
from tests.fixture_base import (
    DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise,
)


def fixture_rows() -> dict[str, list[dict]]:
    """The fixture of the module docstring (also used by the overview's page test)."""
    rows = base_rows()

    def e(eid, kind, county, office, registered, deregistered=None):
        return enterprise(eid, county, office, registered_on=registered, deregistered_on=deregistered, entity_type=kind)

    rows["enterprises"] = [
        e(1, "company", KEQIN, KEQIN_YONGQING, date(2020, 1, 1)),
        e(2, "individual", KEQIN, KEQIN_YONGQING, date(2025, 11, 22)),
        e(3, "individual", KEQIN, KEQIN_MINGREN, date(2025, 11, 23)),
        e(4, "cooperative", KEQIN, None, date(2026, 11, 16)),
        e(5, "company", KEQIN, KEQIN_YONGQING, date(2026, 11, 22)),
        e(6, "company", KEQIN, KEQIN_YONGQING, date(2026, 11, 23)),
        e(7, "individual", KAILU, KAILU_TOWN, date(2019, 5, 5), date(2026, 11, 16)),
        e(8, "company", KAILU, KAILU_TOWN, date(2021, 1, 1), date(2026, 11, 22)),
        e(9, "company", KAILU, KAILU_TOWN, date(2021, 1, 1), date(2026, 11, 23)),
        e(10, "individual", KAILU, KAILU_TOWN, date(2026, 11, 10)),
        e(11, "company", KAILU, None, date(2025, 12, 1), date(2026, 11, 12)),
        e(12, "company", KEQIN, KAILU_TOWN, date(2020, 1, 1)),
        e(13, "individual", "150599", None, date(2020, 1, 1)),
        e(14, "company", KEQIN, KEQIN_MINGREN, date(2018, 1, 1), date(2025, 11, 22)),
        e(15, "individual", KEQIN, KEQIN_MINGREN, date(2018, 1, 1), date(2025, 11, 23)),
        e(16, "cooperative", KAILU, KAILU_TOWN, date(2026, 11, 18), date(2026, 11, 20)),
        e(18, "individual", KAILU, KAILU_TOWN, date(2026, 11, 20)),
    ]
    return rows


ALL = build_filters("last_week", TODAY, DATA_DATE)
YEAR_AGO = build_filters("last_week", TODAY, DATA_DATE, comparison_mode="year_ago")
ONE_COUNTY = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,))
ONE_OFFICE = build_filters("last_week", TODAY, DATA_DATE, counties=(KEQIN,), office=KEQIN_YONGQING)


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(fixture_rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


def _summary(s: market.MarketSummary) -> tuple:
    return s.total_count, s.year_ago_count, s.new_count, s.closed_count


def test_headline_and_growth(conn):
    now = market.market_summary(conn, ALL)
    # Alive at 11-22: 1, 2, 3, 4, 5, 9, 10, 12, 18 = 9; at 2025-11-22: 1, 2, 7, 8, 9, 12, 15 = 7.
    # New in P: 4 (on P.start), 5 (on the as-of date), 16, 18 = 4; 6 is after the as-of date.
    # Closed in P: 7, 8 (on the as-of date), 16 = 3; 9 closes after the as-of date.
    assert _summary(now) == (9, 7, 4, 3)
    assert now.net_count == 1
    # 同比增长 = 9 / 7 − 1 = 2 / 7 = 28.57…%.
    assert (now.growth.numerator, now.growth.denominator) == (2, 7)
    assert now.growth.value == pytest.approx(2 / 7)


def test_previous_period_comparison(conn):
    then = market.market_summary(conn, ALL.compared())
    # Q as-of 11-15: 1, 2, 3, 7, 8, 9, 10, 12 = 8; 2025-11-15: 1, 7, 8, 9, 12, 14, 15 = 7.
    # New in Q (11-09..15): 10; closed in Q: 11 (11-12).
    assert _summary(then) == (8, 7, 1, 1)


def test_year_ago_comparison(conn):
    then = market.market_summary(conn, YEAR_AGO.compared())
    # 同比 Q = 2025-11-17..23 (P − 364 days), as-of 2025-11-23: 1, 2, 3 (registered that day), 7, 8, 9, 12
    # = 7 (15 is deregistered that day); at 2024-11-23: 1, 7, 8, 9, 12, 14, 15 = 7.
    # New in Q: 2 (11-22), 3 (11-23); closed in Q: 14 (11-22), 15 (11-23).
    assert _summary(then) == (7, 7, 2, 2)
    # The card's growth is P's, whatever the comparison.
    assert _summary(market.market_summary(conn, YEAR_AGO)) == (9, 7, 4, 3)


def test_a_card_and_its_comparison_come_from_one_scan(conn):
    # market_summaries reads P and the comparison period from the same grouped scan: the figures
    # worked out above for each (上期 and 同比).
    now, then = market.market_summaries(conn, ALL)
    assert (_summary(now), _summary(then)) == ((9, 7, 4, 3), (8, 7, 1, 1))
    now, then = market.market_summaries(conn, YEAR_AGO)
    assert (_summary(now), _summary(then)) == ((9, 7, 4, 3), (7, 7, 2, 2))


def test_by_entity_type(conn):
    frame = market.by_entity_type(conn, ALL)
    rows = {r.entity_type: (r.total_count, r.year_ago_count, r.new_count, r.closed_count) for r in frame.itertuples()}
    # company 1, 5, 6, 8, 9, 11, 12, 14: alive 1, 5, 9, 12; a year ago 1, 8, 9, 12; new 5; closed 8.
    # individual 2, 3, 7, 10, 15, 18 (13 dropped): alive 2, 3, 10, 18; a year ago 2, 7, 15; new 18; closed 7.
    # cooperative 4, 16: alive 4; none a year ago; new 4, 16; closed 16.
    assert rows == {"company": (4, 4, 1, 1), "individual": (4, 3, 1, 1), "cooperative": (1, 0, 2, 1)}
    assert list(frame["entity_type"]) == ["company", "individual", "cooperative"]


def test_by_region_adds_up(conn):
    frame = market.by_region(conn, ALL)
    rows = {r.region_code: (r.total_count, r.year_ago_count, r.new_count, r.closed_count) for r in frame.itertuples()}
    # 科尔沁区 1–6, 12, 14, 15: alive 1, 2, 3, 4, 5, 12; a year ago 1, 2, 12, 15; new 4, 5; none closed.
    # 开鲁县 7–11, 16, 18: alive 9, 10, 18; a year ago 7, 8, 9; new 16, 18; closed 7, 8, 16.
    assert rows == {KEQIN: (6, 4, 2, 0), KAILU: (3, 3, 2, 3)}
    assert list(frame["region_code"]) == [KEQIN, KAILU]
    assert tuple(frame[market.MEASURES].sum()) == (9, 7, 4, 3)


def test_one_county_by_office_and_office_scope(conn):
    frame = market.by_region(conn, ONE_COUNTY)
    rows = {r.region_code: (r.total_count, r.year_ago_count, r.new_count, r.closed_count) for r in frame.itertuples()}
    # 永清 1, 2, 5, 6: alive 1, 2, 5; a year ago 1, 2; new 5. 明仁 3, 14, 15: alive 3; a year ago 15.
    # 其他: 4 (no office), 12 (an office of 开鲁县): alive 4, 12; a year ago 12; new 4.
    assert rows == {KEQIN_YONGQING: (3, 2, 1, 0), KEQIN_MINGREN: (1, 1, 0, 0), "other": (2, 1, 1, 0)}
    assert _summary(market.market_summary(conn, ONE_COUNTY)) == (6, 4, 2, 0)
    assert _summary(market.market_summary(conn, ONE_OFFICE)) == (3, 2, 1, 0)


def test_data_quality(conn):
    assert market.data_quality(conn, ALL) == market.MarketDataQuality(unplaceable_entities=1)  # enterprise 13


def test_growth_reference_date_on_29_february():
    leap = build_filters("custom", date(2028, 3, 2), date(2028, 3, 1), custom=(date(2028, 2, 1), date(2028, 2, 29)))
    assert market.year_ago(leap) == date(2027, 2, 28)
    assert market.year_ago(ALL) == date(2025, 11, 22)
