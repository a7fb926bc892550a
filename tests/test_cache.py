"""The result cache: kept until the data date changes, shared by two names of the same SQL,
filled for other views by the pre-warm; and DuckDB's held database shared by threads."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
import streamlit as st

from dashboard import cache, prewarm
from queries import annual_reports, inspections
from queries.periods import build_filters
from tests.fixture_base import DATA_DATE, KAILU, KEQIN, TODAY, base_rows, enterprise

CALLS: list[str] = []


def counting_query(conn, label: str) -> str:
    """A query function the tests can count (cache.run resolves it by module and name)."""
    CALLS.append(label)
    return conn.execute(sa.text("SELECT value FROM report_meta WHERE key = 'refreshed_at'")).scalar_one()


@pytest.fixture
def db(fresh_db, monkeypatch):
    database = fresh_db("sqlite")
    rows = base_rows()
    rows["enterprises"] = [enterprise(1, KEQIN, None), enterprise(2, KAILU, None)]
    rows["annual_reports"] = [{"enterprise_id": 1, "report_year": 2025, "submitted_on": DATA_DATE.replace(month=3)}]
    database.load(rows)
    monkeypatch.setenv("DASHBOARD_DB_URL", database.url)
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    st.cache_data.clear()
    CALLS.clear()
    yield database
    st.cache_resource.clear()  # releases the app's engine on the file


def _statements(url: str) -> list[str]:
    seen: list[str] = []
    sa.event.listen(cache.engine_for(url), "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_results_are_kept_until_the_data_date_changes(db):
    cache.check_freshness()
    assert cache.run(counting_query, "a") == "2026-11-23T02:00:00+08:00"
    assert cache.run(counting_query, "a") == "2026-11-23T02:00:00+08:00"
    assert CALLS == ["a"]  # the second run came from the cache
    db.execute("UPDATE report_meta SET value = '2026-11-24T02:00:00+08:00' WHERE key = 'refreshed_at'")
    cache.check_freshness()  # what every page run does first
    assert cache.run(counting_query, "a") == "2026-11-24T02:00:00+08:00"
    assert CALLS == ["a", "a"]


def test_two_names_of_the_same_sql_share_one_result(db):
    f = build_filters("last_week", TODAY, DATA_DATE)
    seen = _statements(db.url)
    parts = cache.run(annual_reports.annual_report_rate_parts, f)
    scans = [s for s in seen if "annual_reports" in s]
    assert scans  # the season's scan ran once for the overview's name …
    season = cache.run(annual_reports.annual_report_season, f)
    assert [s for s in seen if "annual_reports" in s] == scans  # … and not again for the lists page's
    # 2 required (both registered 2020, live); 1 filed, by 1 in 科尔沁区 (150502, listed first)
    assert list(parts["required_count"]) == [1, 1, 2]
    assert list(parts["submitted_count"]) == [1, 0, 1]
    assert int(season.by_region["required_count"].sum()) == 2
    figures = cache.run(inspections.region_figures, f)
    count = len(seen)
    targets = cache.run(inspections.targets_by_region, f)
    assert len(seen) == count and figures.empty and set(targets["region_code"]) == {"total"}


def query_with_options(conn, label: str, flag: bool = False, **options) -> tuple:
    CALLS.append(label)
    return label, flag, tuple(sorted(options.items()))


def test_arguments_are_one_key_however_they_are_written(db):
    assert cache.run(query_with_options, "x") == ("x", False, ())
    assert cache.run(query_with_options, "x", False) == ("x", False, ())
    assert cache.run(query_with_options, label="x", flag=False) == ("x", False, ())
    assert CALLS == ["x"]
    assert cache.run(query_with_options, "x", task_id=7) == ("x", False, (("task_id", 7),))
    assert CALLS == ["x", "x"]


def test_prewarm_replays_what_the_pages_asked_for(db):
    shown = build_filters("last_week", TODAY, DATA_DATE)
    cache.note_page_filters(shown)
    try:
        cache.run(inspections.headline, shown)
        cache.run(inspections.headline, shown.compared())
        cache.run(counting_query, "not about the filter")
    finally:
        cache.note_page_filters(None)
    assert (inspections.headline, (cache.THIS_PERIOD,), ()) in cache.page_shapes()
    assert (inspections.headline, (cache.COMPARED,), ()) in cache.page_shapes()
    st.cache_data.clear()
    other = build_filters("month_to_date", TODAY, DATA_DATE, counties=(KAILU,))
    prewarm.warm(db.url, views=[other])
    seen = _statements(db.url)
    cache.run(inspections.headline, other)
    cache.run(inspections.headline, other.compared())
    assert seen == []  # both were warm


def test_default_views_are_each_preset_for_the_city_and_each_county(db):
    views = prewarm.default_views(db.url)
    assert [(v.preset, v.counties) for v in views] == [
        ("last_week", ()), ("last_week", (KEQIN,)), ("last_week", (KAILU,)),
        ("month_to_date", ()), ("month_to_date", (KEQIN,)), ("month_to_date", (KAILU,)),
    ]
    assert all(v.data_date == DATA_DATE for v in views)


def test_prewarm_thread_is_not_started_outside_a_server(db):
    prewarm.start(db.url)  # under pytest there is no streamlit server
    assert db.url not in prewarm._threads


def test_duckdb_file_is_held_once_and_shared_by_threads(fresh_db):
    from dashboard.db import readonly_engine

    database = fresh_db("duckdb")
    database.load(base_rows())
    engine = readonly_engine(database.url, duckdb_memory_mb=256)
    results, errors = [], []

    def read():
        try:
            for _ in range(20):
                with engine.connect() as conn:
                    results.append(conn.execute(sa.text("SELECT COUNT(*) FROM regions")).scalar_one())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == [6] * 80
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT current_setting('memory_limit')").scalar_one().startswith("244")
    engine.dispose()  # releases the file: a writer can open it again
    database.load({"report_meta": [{"key": "extra", "value": "x"}]})


def test_key_spreads_keyword_options():
    """A query taking **options (queries.details.detail_page) gets each option under its own name,
    hashable, and is called with them as keywords (not as one argument named "options")."""
    from queries import details

    f = build_filters("last_week", TODAY, DATA_DATE)
    name, args, named = cache._key(details.detail_page, (f, "high_risk"), {"entity_types": ("company",), "page": 2})
    assert name == "queries.details.detail_page" and args == ()
    assert dict(named)["entity_types"] == ("company",) and dict(named)["page"] == 2 and "options" not in dict(named)
    hash(named)


def test_prewarm_on_a_fresh_process_leaves_every_page_nothing_to_query(tmp_path, monkeypatch):
    """No page has been visited since the start (nothing recorded): the pre-warm works from
    dashboard/page_queries.json, and afterwards each page's first visit runs no query but the
    data-date check."""
    from streamlit.testing.v1 import AppTest

    from data import demo
    from tests.apptest_support import ENTRY

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    demo.generate(url, scale=0.01, data_date=DATA_DATE)
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    monkeypatch.setenv("DASHBOARD_DRAW_CLOSED_TABS", "0")  # each page as a visitor opens it: its first tab
    st.cache_data.clear()
    monkeypatch.setattr(cache, "_shapes", {})  # a fresh process: no page run recorded
    try:
        view = prewarm.default_views(url)[0]  # 上周·全市, the sidebar's default
        assert (view.preset, view.counties) == ("last_week", ())
        made = prewarm.warm(url, views=[view])
        assert made >= len(prewarm.shapes()) > 30
        seen = _statements(url)
        cache.check_freshness(url)
        freshness = set(seen)
        seen.clear()
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
        for page in ("pages/credit_risk.py", "pages/inspections.py", "pages/lists.py", "pages/revisits.py",
                     "pages/penalties.py", "pages/overview.py"):
            at.switch_page(page)
            at.run()
            assert not at.exception, page
            assert [s for s in seen if s not in freshness] == [], page
    finally:
        st.cache_resource.clear()


def test_the_background_warmer_warms_at_start_and_on_a_new_data_date_and_stops(db, monkeypatch):
    monkeypatch.setattr(cache, "_shapes", {})  # a fresh process
    monkeypatch.setattr(prewarm, "_stop", threading.Event())
    monkeypatch.setattr(prewarm, "PAUSE_SECONDS", 0.0)
    monkeypatch.setattr(prewarm, "default_views", lambda url: [build_filters("last_week", TODAY, DATA_DATE)])
    warmed: list[str] = []
    done = threading.Event()
    real = prewarm.warm

    def recording(url, stop=None, views=None):
        made = real(url, stop, views)
        warmed.append(cache.data_stamp(url))
        done.set()
        return made

    monkeypatch.setattr(prewarm, "warm", recording)
    warmer = prewarm._Warmer(db.url)
    monkeypatch.setitem(prewarm._threads, db.url, warmer)
    monkeypatch.setattr(cache, "_stamp_listeners", [prewarm._wake])
    cache.check_freshness(db.url)
    warmer.start()
    assert done.wait(60)  # at its first run, before any page was visited
    assert warmed == [cache.data_stamp(db.url)]
    seen = _statements(db.url)
    cache.run(inspections.headline, build_filters("last_week", TODAY, DATA_DATE))
    assert seen == []  # from the manifest: warm
    done.clear()
    db.execute("UPDATE report_meta SET value = '2026-11-24T02:00:00+08:00' WHERE key = 'refreshed_at'")
    cache.check_freshness(db.url)  # a page run sees the new stamp and wakes the warmer
    assert done.wait(60)
    assert len(warmed) == 2 and warmed[1].startswith("2026-11-24T02:00:00+08:00")
    prewarm._stop.set()
    warmer.wake.set()
    warmer.join(10)
    assert not warmer.is_alive()


def test_a_table_in_two_figures_data_checks_is_checked_once(db):
    """The overview asks data_faults for ("enterprises",) and for ("credit_risk_assessments",
    "enterprises"): through the cache the register's checks run once, the second set only adds the
    assessments' own, and the faults are those of checking the set at once."""
    from queries import quality

    cache.run(quality.data_faults, DATA_DATE, ("enterprises",))
    seen = _statements(db.url)
    both = cache.run(quality.data_faults, DATA_DATE, ("credit_risk_assessments", "enterprises"))
    cached = list(seen)
    seen.clear()
    with cache.engine_for(db.url).connect() as conn:
        quality.table_faults(conn, DATA_DATE, "credit_risk_assessments")
        assessments_alone = list(seen)
        assert both == quality.data_faults(conn, DATA_DATE, ("credit_risk_assessments", "enterprises"))
    assert cached == assessments_alone  # only the assessments' own checks: the register's were cached


def test_a_tables_row_checks_read_it_once(db):
    """The register's grades-dates-regions checks are one statement, not one per check (four full
    scans of a province's register before): registration and deregistration dates, county and
    office codes (and, on SQLite, text that is not a date) are counted in one pass."""
    from queries import quality

    seen = _statements(db.url)
    with cache.engine_for(db.url).connect() as conn:
        assert quality.table_faults(conn, DATA_DATE, "enterprises") == []
    assert len(seen) == 1 and seen[0].count("FILTER (WHERE") == 6  # 2 future, 2 unparseable (SQLite), 2 codes


def test_the_orphans_a_page_shows_come_from_the_table_checks(db):
    """Orphans counted by the data checks are not counted again: the inspections page's orphan
    counts and the credit page's orphan assessments are read from table_faults, and a period's
    orphan reports or cases are counted only when the table has orphans at all."""
    from queries import credit_risk, penalties, quality

    f = build_filters("last_week", TODAY, DATA_DATE)
    for table in ("inspections", "inspection_tasks", "credit_risk_assessments", "annual_reports", "enforcement_cases"):
        cache.run(quality.table_faults, DATA_DATE, table)
    seen = _statements(db.url)
    assert cache.run(inspections.orphan_counts, DATA_DATE) == {"inspection_task": 0, "inspection_enterprise": 0, "task_plan": 0}
    assert cache.run(annual_reports.annual_report_orphans, f) == 0
    assert cache.run(penalties.orphan_cases, f) == 0
    assert cache.run(credit_risk.data_quality, f, entity_types=("company",)).orphan_assessments == 0
    assert not [s for s in seen if "NOT (EXISTS" in s]  # no anti-join ran again

    found = [quality.Fault("orphan", "annual_reports", "enterprise_id", 3, "enterprises")]
    asked = []

    def run(function, *args, **kwargs):
        asked.append(function.__name__)
        return found if function is quality.table_faults else 2

    assert annual_reports.annual_report_orphans.compose(run, f) == 2  # the shown year's, counted
    assert asked == ["table_faults", "annual_report_year_orphans"]
    found.clear()
    asked.clear()
    assert annual_reports.annual_report_orphans.compose(run, f) == 0
    assert asked == ["table_faults"]


def test_market_views_share_one_register_scan(db):
    """The overview's market cards, their comparisons, its region table and its entity-type table
    come from one grouped scan of the register."""
    from queries import market

    f = build_filters("last_week", TODAY, DATA_DATE)
    cache.run(market.by_region, f)
    seen = _statements(db.url)
    by_type = cache.run(market.by_entity_type, f)
    summary = cache.run(market.market_summary, f)
    now, then = cache.run(market.market_summaries, f)  # the cards' comparison too
    assert seen == []
    assert summary.total_count == now.total_count == int(by_type["total_count"].sum()) == 2
    assert then == cache.run(market.market_summary, f.compared())  # (a scan of its own)


def test_a_table_named_by_sqlalchemy_finds_the_result_of_its_plain_name(db):
    """A table's `.name` is SQLAlchemy's quoted_name, a str that st.cache_data hashes apart from
    the plain str: the cache key makes it plain, so both callers share one result."""
    from queries import quality
    from queries.schema import enterprises

    cache.run(quality.table_faults, DATA_DATE, "enterprises")
    cache.run(quality.data_faults, DATA_DATE, ("enterprises",))
    seen = _statements(db.url)
    assert type(enterprises.name) is not str
    cache.run(quality.table_faults, DATA_DATE, enterprises.name)
    cache.run(quality.data_faults, DATA_DATE, (enterprises.name,))
    assert seen == []


def test_a_filter_is_keyed_by_every_field(db):
    """The cache keys a filter by its repr (9× faster than Streamlit's walk of the dataclass): an
    equal filter built again shares the result, and a filter differing in any field does not."""
    from dataclasses import replace

    from queries import penalties

    f = build_filters("last_week", TODAY, DATA_DATE)
    cache.run(penalties.penalty_summary, f)
    seen = _statements(db.url)

    def cases_read() -> bool:
        found = any("enforcement_cases" in statement for statement in seen)
        seen.clear()
        return found

    cache.run(penalties.penalty_summary, build_filters("last_week", TODAY, DATA_DATE))
    assert not cases_read()
    others = [replace(f, counties=(KEQIN,)), replace(f, office="150502001"), replace(f, period=f.comparison),
              replace(f, comparison_mode="year_on_year"), replace(f, notice="数据截至日早于本周")]
    for other in others:
        cache.run(penalties.penalty_summary, other)
        assert cases_read(), other
