"""The schema check names what is missing, by name, in Chinese, on every dialect."""

import pytest

from dashboard.doctor import check_schema, main, missing_optional_tables
from tests.conftest import DIALECTS


@pytest.mark.parametrize("dialect", DIALECTS)
def test_complete_database_has_no_problems(fresh_db, dialect):
    db = fresh_db(dialect)
    assert check_schema(db.readonly()) == []
    assert missing_optional_tables(db.readonly()) == set()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dropped_column_and_table_are_named(fresh_db, dialect):
    db = fresh_db(dialect)
    # Recreated without office_code (DuckDB cannot drop a column of an indexed table)
    db.execute(
        "DROP TABLE enterprises",
        "CREATE TABLE enterprises (id BIGINT PRIMARY KEY, uscc CHAR(18) NOT NULL, name VARCHAR(200) NOT NULL, "
        "entity_type VARCHAR(16) NOT NULL, industry_section CHAR(1), region_code VARCHAR(12) NOT NULL, "
        "registered_on DATE NOT NULL, deregistered_on DATE, lon DOUBLE PRECISION, lat DOUBLE PRECISION)",
        "DROP TABLE case_revisits",
        "DROP TABLE workday_adjustments",
    )
    problems = check_schema(db.readonly())
    assert problems == [
        "表 enterprises（市场主体）缺少字段：office_code。",
        "报表库缺少表 case_revisits（执法事后回访）。",
    ]
    # workday_adjustments is optional: missing, but not a problem
    assert missing_optional_tables(db.readonly()) == {"workday_adjustments"}


def test_command_line_reports_and_exits_non_zero(fresh_db, capsys):
    db = fresh_db("sqlite")
    db.execute("ALTER TABLE inspections DROP COLUMN published_on")
    assert main(["doctor", db.url]) == 1
    assert capsys.readouterr().out.strip() == "表 inspections（抽查对象及结果）缺少字段：published_on。"
    assert main(["doctor", db.url.replace(".sqlite", "-missing.sqlite")]) == 2
