"""Report metadata and the region tree (regions, report_meta)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from queries.schema import (
    abnormal_list_entries,
    credit_risk_assessments,
    enforcement_cases,
    inspection_tasks,
    regions,
    report_meta,
    serious_violation_entries,
)


def report_meta_values(conn: Connection) -> dict[str, str]:
    """All report_meta rows as {key: value} (refreshed_at, city_code, bureau_name)."""
    rows = conn.execute(select(report_meta.c.key, report_meta.c.value)).all()
    return {key: value for key, value in rows}


def region_tree(conn: Connection) -> pd.DataFrame:
    """One row per region. code, name, level, parent_code, lon, lat, sort_order.

    Ordered city, then counties by sort_order/code, then offices.
    """
    stmt = select(
        regions.c.code,
        regions.c.name,
        regions.c.level,
        regions.c.parent_code,
        regions.c.lon,
        regions.c.lat,
        regions.c.sort_order,
    ).order_by(regions.c.level, regions.c.sort_order, regions.c.code)
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=[
        "code", "name", "level", "parent_code", "lon", "lat", "sort_order"
    ])
    level_rank = frame["level"].map({"city": 0, "county": 1, "office": 2}).fillna(3)
    return (
        frame.assign(_rank=level_rank)
        .sort_values(["_rank", "sort_order", "code"], na_position="last", kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def earliest_event_on(conn: Connection) -> date | None:
    """The first date of any dated event the pages count (assessments, tasks, list entries,
    cases, revisits): the start of the span a custom period is clamped to. Each MIN reads an
    indexed date column."""
    columns = (
        credit_risk_assessments.c.assessed_on,
        inspection_tasks.c.starts_on,
        abnormal_list_entries.c.listed_on,
        serious_violation_entries.c.listed_on,
        enforcement_cases.c.decided_on,
    )
    found = [conn.execute(select(func.min(column))).scalar() for column in columns]
    days = [day if isinstance(day, date) else _as_date(day) for day in found if day is not None]
    days = [day for day in days if day is not None]
    return min(days) if days else None


def _as_date(value) -> date | None:
    """A MIN() result that a driver returned as text (SQLite without type affinity)."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
