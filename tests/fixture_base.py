"""Rows every topic fixture shares: a city, two counties with offices, and report_meta.

Data date of these fixtures: refreshed_at 2026-11-23T02:00:00+08:00 → data date 2026-11-22;
tests run with "today" = 2026-11-23 (a Monday), so 上周 = 2026-11-16..2026-11-22.
"""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 23)
DATA_DATE = date(2026, 11, 22)
REFRESHED_AT = "2026-11-23T02:00:00+08:00"

CITY = "150500"
KEQIN = "150502"  # 科尔沁区
KAILU = "150523"  # 开鲁县
KEQIN_YONGQING = "150502001"
KEQIN_MINGREN = "150502002"
KAILU_TOWN = "150523001"

REGIONS = [
    {"code": CITY, "name": "通辽市", "level": "city", "parent_code": None, "lon": 122.26, "lat": 43.62, "sort_order": 1},
    {"code": KEQIN, "name": "科尔沁区", "level": "county", "parent_code": CITY, "lon": 122.26, "lat": 43.62, "sort_order": 1},
    {"code": KAILU, "name": "开鲁县", "level": "county", "parent_code": CITY, "lon": 121.31, "lat": 43.60, "sort_order": 2},
    {"code": KEQIN_YONGQING, "name": "科尔沁区永清市场监管所", "level": "office", "parent_code": KEQIN, "lon": 122.25, "lat": 43.63, "sort_order": 1},
    {"code": KEQIN_MINGREN, "name": "科尔沁区明仁市场监管所", "level": "office", "parent_code": KEQIN, "lon": 122.28, "lat": 43.61, "sort_order": 2},
    {"code": KAILU_TOWN, "name": "开鲁县开鲁镇市场监管所", "level": "office", "parent_code": KAILU, "lon": 121.32, "lat": 43.61, "sort_order": 1},
]

REPORT_META = [
    {"key": "refreshed_at", "value": REFRESHED_AT},
    {"key": "city_code", "value": CITY},
    {"key": "bureau_name", "value": "通辽市市场监督管理局"},
]


def enterprise(eid: int, region: str, office: str | None, registered_on=date(2020, 1, 1), **extra) -> dict:
    """An enterprises row with plausible defaults (override any column through `extra`)."""
    row = {
        "id": eid,
        "uscc": f"91{region}{eid:010d}"[:18],
        "name": f"测试企业{eid}",
        "entity_type": "company",
        "industry_section": "F",
        "region_code": region,
        "office_code": office,
        "registered_on": registered_on,
        "deregistered_on": None,
        "lon": None,
        "lat": None,
    }
    row.update(extra)
    return row


def base_rows() -> dict[str, list[dict]]:
    """A fresh copy of the shared rows, to extend with a topic's own."""
    return {"regions": [dict(r) for r in REGIONS], "report_meta": [dict(r) for r in REPORT_META]}


def run_on(conn, *, data_checks_clean: bool = False):
    """A `run` for a composed query's parts on one connection (as queries.common.composed does);
    with `data_checks_clean`, every table's data check (quality.table_faults) finds nothing."""
    from queries.quality import table_faults

    def run(part, *args, **kwargs):
        if data_checks_clean and part is table_faults:
            return []
        return part(conn, *args, **kwargs)

    return run
