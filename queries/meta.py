"""Report metadata and the region tree (regions, report_meta)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from queries.schema import regions, report_meta


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
