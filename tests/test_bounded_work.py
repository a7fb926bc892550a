"""Bounded work per request: custom ranges clamped to the data, impossible years refused, a
statement time limit on SQLite too (named as a timeout, not as 无法连接), and a page that stops
querying after its first timeout."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import dashboard.db as db
from queries.periods import MAX_CUSTOM_DAYS, build_filters, clamp_custom
from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.fixture_base import DATA_DATE, TODAY
from tests.test_overview_page import rows as overview_rows

EARLIEST = date(2025, 1, 1)


def test_clamp_moves_the_start_to_the_first_data_and_caps_the_length():
    # 1900..2100 with data from 2025-01-01 to 2026-11-22: start → 2025-01-01, then 2025-01-01 +
    # 1097 days = 2028-01-02 is past the data date, so the range ends there at most: still 1098 days.
    start, end, notice = clamp_custom(date(1900, 1, 1), date(2100, 12, 31), EARLIEST, DATA_DATE)
    assert (start, end) == (EARLIEST, EARLIEST + timedelta(days=MAX_CUSTOM_DAYS - 1))
    assert notice.startswith("自定义时间段超出数据覆盖的范围（报表库最早的数据为2025-01-01，最长1098天）")
    # a long range before the data date keeps its last 1098 days
    start, end, _ = clamp_custom(date(2000, 1, 1), date(2026, 11, 22), None, DATA_DATE)
    assert (start, end) == (date(2026, 11, 22) - timedelta(days=1097), date(2026, 11, 22))


def test_clamp_leaves_a_range_within_the_data_alone():
    assert clamp_custom(date(2026, 11, 1), date(2026, 12, 31), EARLIEST, DATA_DATE) == (
        date(2026, 11, 1), date(2026, 12, 31), None
    )
    assert clamp_custom(date(2020, 1, 1), date(2020, 12, 31), EARLIEST, DATA_DATE)[2] is None


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("bounded"), overview_rows())


@pytest.mark.parametrize("page", [None, "pages/lists.py", "pages/penalties.py", "pages/credit_risk.py"])
def test_a_century_long_link_is_clamped_with_a_notice(monkeypatch, url, page):
    at = open_page(monkeypatch, url, page=page, params={"preset": "custom", "start": "1900-01-01", "end": "2100-12-31"})
    assert not at.exception, at.exception
    # the overview fixture's first event: abnormal entry 4, listed 2025-01-01 → 2025-01-01 + 1097
    # days (365 + 365 + 365 + 2) = 2028-01-03
    if page is None:  # the notice is shown once, on the run that read the link
        assert any(w.value.endswith("已改为 2025-01-01 至 2028-01-03。") for w in at.warning)
    assert "2025年1月1日—2028年1月3日（数据截至11月22日）" in shown_text(at)


@pytest.mark.parametrize("start,end", [("0001-01-01", "9999-12-31"), ("2026-01-01", "9999-12-31"), ("0001-01-01", "2026-01-01")])
def test_years_outside_the_range_are_refused(monkeypatch, url, start, end):
    at = open_page(monkeypatch, url, params={"preset": "custom", "start": start, "end": end})
    assert not at.exception, at.exception
    assert "链接中的自定义日期超出可选范围（1900—2100年），已改用默认时间段“上周”。" in [w.value for w in at.warning]


def test_the_longest_range_runs_on_every_dialect(dialect_db):
    """No query's parameter count grows past what a server takes (PostgreSQL: 65535)."""
    from queries import lists, penalties

    dialect_db.load(overview_rows())
    start, end, _ = clamp_custom(date(1900, 1, 1), date(2100, 12, 31), None, DATA_DATE)
    f = build_filters("custom", TODAY, DATA_DATE, custom=(start, end))
    with dialect_db.readonly().connect() as conn:
        series = lists.list_series(conn, f, "abnormal")
        trend = penalties.monthly_trend(conn, f)
    assert len(series) <= 40  # months of a 1098-day range
    assert len(trend) <= 12


def _slow_count() -> str:
    return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n"


def test_sqlite_statement_time_limit_is_a_timeout_not_a_connection_failure(monkeypatch, url):
    monkeypatch.setattr(db, "STATEMENT_TIMEOUT_SECONDS", 0.2)
    engine = db.readonly_engine(url)
    with pytest.raises(sa.exc.OperationalError) as caught:
        with engine.connect() as conn:
            conn.exec_driver_sql(_slow_count()).scalar()
    error = db.translate_error(caught.value, url)
    assert isinstance(error, db.QueryTimedOut)
    assert "无法连接" not in error.message
    with engine.connect() as conn:  # the next statement has its own clock
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


@pytest.mark.parametrize("dialect,sleep", [("postgresql", "SELECT pg_sleep(3)"), ("mariadb", "SELECT SLEEP(3) FROM regions")])
def test_server_statement_timeout_is_a_timeout(fresh_db, monkeypatch, dialect, sleep):
    server = fresh_db(dialect)
    server.load({"regions": [{"code": "150500", "name": "通辽市", "level": "city", "parent_code": None,
                              "lon": None, "lat": None, "sort_order": 1}]})
    monkeypatch.setattr(db, "STATEMENT_TIMEOUT_SECONDS", 1)
    engine = db.readonly_engine(server.url)
    with pytest.raises(sa.exc.DBAPIError) as caught:
        with engine.connect() as conn:
            conn.exec_driver_sql(sleep).all()
    engine.dispose()
    assert isinstance(db.translate_error(caught.value, server.url), db.QueryTimedOut)


def test_after_the_first_timeout_the_page_stops_querying(monkeypatch, url):
    import dashboard.cache as cache

    calls: list[str] = []
    real = cache._cached

    def counting(db_url, stamp, name, args, kwargs, **options):
        calls.append(name)
        if name == "queries.inspections.headline_counts":
            raise db.QueryTimedOut("查询超过60秒未完成，已停止（报表库繁忙或表被锁定）。请缩短时间段或稍后再试。")
        if calls.count("queries.inspections.headline_counts") and name != "queries.inspections.headline_counts":
            raise AssertionError(f"{name} was queried after the timeout")
        return real(db_url, stamp, name, args, kwargs, **options)

    at = open_page(monkeypatch, url, page="pages/inspections.py")
    monkeypatch.setattr(cache, "_cached", counting)
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors[0].startswith("查询超过60秒未完成")
    assert any(e.startswith("本页已有查询超时，为免加重报表库负担，本部分本次未查询") for e in errors[1:])
    assert calls.count("queries.inspections.headline_counts") == 1
