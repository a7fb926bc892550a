"""Queries for the briefing without streamlit: the app's read-only engine and a per-run memo.

`QueryRunner(url)` is called like `dashboard.cache.run` — `runner(function, *args)` runs
`function(conn, *args)` — so the content model takes either: the command line (cron) uses
this one, the app's button passes the cached `run`. A failure becomes a `DataError` with one
Chinese sentence, exactly as on the pages.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from dashboard import config
from dashboard.db import DataError, readonly_engine, translate_error
from queries.meta import region_tree, report_meta_values
from queries.periods import Filters, build_filters, data_date_from_refreshed


class NoData(DataError):
    """The chosen period has no data yet (it starts after the data date)."""


class QueryRunner:
    """`runner(function, *args, **kwargs)` → `function(conn, *args, **kwargs)` on a read-only
    engine; each distinct call runs once per runner (a briefing asks for some figures twice)."""

    def __init__(self, url: str):
        self.url = url
        self._engine = None
        self._memo: dict = {}

    def __call__(self, function, *args, **kwargs):
        compose = getattr(function, "compose", None)
        if compose is not None:  # a query made of others (queries.common.composed): share its parts
            return compose(self, *args, **kwargs)
        key = (function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in self._memo:
            try:
                if self._engine is None:
                    self._engine = readonly_engine(self.url)
                with self._engine.connect() as conn:
                    self._memo[key] = function(conn, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese sentence
                raise translate_error(exc, self.url) from exc
        return self._memo[key]

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def load_context(run, preset: str, comparison: str = "previous", custom=None, counties=(), office=None):
    """The briefing's context (filters, names, regions, data date, bureau) the way a page
    resolves it: data date from report_meta.refreshed_at, the filter against config.today().

    Raises DataError for an unreachable database, NoData when the period has no data yet.
    """
    from dashboard.briefing.model import Context  # the model imports the chart builders

    meta = run(report_meta_values)
    today = config.today()
    refreshed = meta.get("refreshed_at")
    try:
        data_date = data_date_from_refreshed(refreshed) if refreshed else today - timedelta(days=1)
    except ValueError:
        data_date = today - timedelta(days=1)
    regions: pd.DataFrame = run(region_tree)
    names = dict(zip(regions["code"], regions["name"]))
    _check_regions(regions, counties, office)
    filters: Filters = build_filters(preset, today, data_date, comparison, custom, tuple(counties), office)
    if not filters.period.has_data:
        raise NoData(f"报表数据截至{data_date.isoformat()}，所选时间段（{filters.period.start.isoformat()}起）尚无数据。")
    return Context(filters=filters, names=names, regions=regions, data_date=data_date,
                   bureau_name=meta.get("bureau_name", ""))


def _check_regions(regions: pd.DataFrame, counties, office) -> None:
    known = set(regions.loc[regions["level"] == "county", "code"])
    unknown = [c for c in counties if c not in known]
    if unknown:
        raise DataError(f"旗县市区代码 {'、'.join(unknown)} 不存在。")
    if office:
        parents = regions.loc[(regions["code"] == office) & (regions["level"] == "office"), "parent_code"]
        if len(counties) != 1 or not len(parents) or parents.iloc[0] != counties[0]:
            raise DataError(f"监管所 {office} 不属于所选的一个旗县市区（--office 需与一个 --county 同用）。")
