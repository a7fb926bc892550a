"""scripts/snapshot.py: a DuckDB copy of a reporting database on every dialect, with the same figures."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dashboard.db import readonly_engine
from queries import credit_risk, penalties
from queries.periods import build_filters
from queries.schema import metadata
from scripts import snapshot
from tests.fixture_base import DATA_DATE, KAILU, KEQIN, KEQIN_YONGQING, TODAY, base_rows, enterprise


def _case(cid, region, decided_on, category, base, fine):
    return {"id": cid, "case_no": f"案{cid}", "enterprise_id": 1, "region_code": region, "decided_on": decided_on,
            "category": category, "violation_type": "other", "base_fine": Decimal(base), "fine_amount": Decimal(fine)}


def _rows():
    rows = base_rows()
    rows["enterprises"] = [enterprise(1, KEQIN, KEQIN_YONGQING), enterprise(2, KAILU, None),
                           enterprise(3, KEQIN, None, deregistered_on=date(2026, 11, 18))]
    rows["credit_risk_assessments"] = [
        {"enterprise_id": 1, "assessed_on": date(2026, 3, 1), "grade": "C", "score": Decimal("61.50")},
        {"enterprise_id": 2, "assessed_on": date(2026, 3, 1), "grade": "A", "score": None},
    ]
    # Money beyond what the first rows would suggest (a guessed DECIMAL(8,2) would refuse it).
    rows["enforcement_cases"] = [
        _case(1, KEQIN, date(2026, 11, 17), "minor_exempt", "0.10", "0.00"),
        _case(2, KAILU, date(2026, 11, 20), "mitigated", "987654321.99", "12.34"),
    ]
    return rows


@pytest.fixture(scope="module")
def source(dialect_db):
    dialect_db.load(_rows())
    return dialect_db


def test_a_snapshot_has_the_sources_rows_and_figures(source, tmp_path):
    target = tmp_path / "reporting.duckdb"
    copied = snapshot.snapshot(source.url, target, say=lambda line: None)
    assert copied["enterprises"] == 3 and copied["enforcement_cases"] == 2 and copied["regions"] > 0
    assert set(copied) == set(metadata.tables)
    assert not list(tmp_path.glob("*.partial*"))

    f = build_filters("last_week", TODAY, DATA_DATE)
    figures = {}
    for name, url in (("source", source.url), ("snapshot", f"duckdb:///{target}")):
        engine = readonly_engine(url)
        with engine.connect() as conn:
            counts = {t: conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[t])).scalar_one() for t in copied}
            figures[name] = (counts, penalties.penalty_summary(conn, f),
                             credit_risk.grade_distributions(conn, f, entity_types=("company",))[0].to_dict("records"))
        engine.dispose()
    assert figures["snapshot"] == figures["source"]
    counts, summary, grades = figures["snapshot"]
    assert counts == copied
    # 16–22 Nov: case 1 exempt (waives 0.10), case 2 mitigated (waives 987654321.99 − 12.34).
    assert (summary.exempt_count, summary.reduced_count) == (1, 1)
    assert summary.waived_yuan == Decimal("987654309.75") and summary.fines_yuan == Decimal("12.34")
    # 3 is deregistered on 18 Nov: population 1 in 科尔沁区 (C) and 1 in 开鲁县 (A).
    found = sorted((g["region_code"], g["a_count"], g["c_count"], g["unrated_count"]) for g in grades)
    assert found == sorted([(KEQIN, 0, 1, 0), (KAILU, 1, 0, 0)])


def test_a_new_snapshot_replaces_the_file_whole(fresh_db, tmp_path):
    db = fresh_db("sqlite")
    db.load(_rows())
    target = tmp_path / "reporting.duckdb"
    snapshot.snapshot(db.url, target, say=lambda line: None)
    before = target.stat().st_ino
    db.execute("DELETE FROM enforcement_cases WHERE id = 2")
    assert snapshot.main(["--source", db.url, "--target", str(target)]) == 0
    assert target.stat().st_ino != before  # a new file renamed into place, not rewritten
    engine = readonly_engine(f"duckdb:///{target}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM enforcement_cases")).scalar_one() == 1
    engine.dispose()


def test_a_source_missing_a_column_is_refused_and_nothing_is_written(fresh_db, tmp_path, capsys):
    db = fresh_db("sqlite")
    db.load(_rows())
    db.execute("ALTER TABLE enforcement_cases DROP COLUMN fine_amount")
    target = tmp_path / "reporting.duckdb"
    assert snapshot.main(["--source", db.url, "--target", str(target)]) == 2
    assert not target.exists() and not list(tmp_path.glob("*.partial*"))
    message = capsys.readouterr().err
    assert "快照未生成" in message and "fine_amount" in message


def test_the_longer_statement_limit_ends_with_the_snapshot(fresh_db, tmp_path):
    from dashboard import db as app_db

    source = fresh_db("sqlite")
    source.load(_rows())
    before = app_db.STATEMENT_TIMEOUT_SECONDS
    snapshot.snapshot(source.url, tmp_path / "reporting.duckdb", say=lambda line: None)
    assert app_db.STATEMENT_TIMEOUT_SECONDS == before


def test_a_target_that_cannot_be_written_is_named_in_one_sentence(fresh_db, tmp_path, capsys):
    source = fresh_db("sqlite")
    source.load(_rows())
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the target's directory should be", encoding="utf-8")
    assert snapshot.main(["--source", source.url, "--target", str(blocker / "reporting.duckdb")]) == 2
    message = capsys.readouterr().err
    assert "无法在" in message and "写入快照文件" in message and "Traceback" not in message
    assert "查询报表库失败" not in message  # the source is fine: the sentence names the target
