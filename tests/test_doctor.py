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


# --- classification: what is wrong, in one sentence, with its own exit code --------------------

from datetime import date  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from dashboard.doctor import EXIT_CODES, diagnose  # noqa: E402
from queries.schema import metadata  # noqa: E402
from tests.fixture_base import CITY, DATA_DATE, KAILU, KEQIN, KEQIN_YONGQING, TODAY, base_rows, enterprise  # noqa: E402


def test_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("这不是数据库")
    code, sentences = diagnose(f"sqlite:///{path}")
    assert code == EXIT_CODES["not_database"] == 5
    assert len(sentences) == 1 and "不是可读取的 SQLite 数据库" in sentences[0]


def test_unreachable_host_and_refused_login_are_told_apart(fresh_db):
    fresh_db("postgresql", with_schema=False)  # skips without the server
    code, sentences = diagnose("postgresql+psycopg://dashboard_ro:Geheim@127.0.0.1:1/reporting")
    assert code == EXIT_CODES["unreachable"] == 3
    assert sentences[0].startswith("无法连接报表库所在的主机（postgresql+psycopg://***@127.0.0.1:1/reporting）")
    code, sentences = diagnose("postgresql+psycopg://no_such_role_x:pw@127.0.0.1:5432/postgres")
    assert code == EXIT_CODES["login"] == 4
    assert sentences[0].startswith("报表库拒绝登录（postgresql+psycopg://***@127.0.0.1:5432/postgres）")
    assert all("Geheim" not in s for s in sentences)


def test_unknown_mariadb_database_is_a_refused_login(fresh_db):
    fresh_db("mariadb", with_schema=False)
    code, sentences = diagnose("mysql+pymysql://root@127.0.0.1:3306/no_such_db_x")
    assert code == EXIT_CODES["login"]
    assert "Unknown database" in sentences[0]


def test_text_dates_on_postgresql_are_a_type_problem_in_doctor_and_on_the_page(fresh_db, monkeypatch):
    from tests.apptest_support import open_page

    db = fresh_db("postgresql")
    db.execute("ALTER TABLE abnormal_list_entries ALTER COLUMN listed_on TYPE VARCHAR(10)")
    db.load(base_rows())
    code, sentences = diagnose(db.url)
    assert code == EXIT_CODES["wrong_type"] == 6
    assert sentences == ["表 abnormal_list_entries（经营异常名录）的字段 listed_on 类型为 character varying，数据契约要求日期类型。"]
    at = open_page(monkeypatch, db.url, page="pages/lists.py")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert sentences[0] in errors
    assert not any("缺少查询所需的表或字段" in e for e in errors)


def _loose_schema(db) -> None:
    """The contract's tables without the keys and NOT NULLs a reporting database may not enforce."""
    loose = sa.MetaData()
    for table in metadata.sorted_tables:
        if table.name == "credit_risk_assessments":
            sa.Table(table.name, loose, *(sa.Column(c.name, c.type) for c in table.columns))
        else:
            table.to_metadata(loose)
    loose.tables["enterprises"].c["region_code"].nullable = True
    engine = db.writer()
    loose.create_all(engine)
    engine.dispose()


def _dirty_rows():
    rows = base_rows()
    rows["enterprises"] = [enterprise(e, KEQIN, None) for e in range(1, 5)] + [
        enterprise(5, "150599", None),                                 # a county that does not exist
        enterprise(6, KAILU, None, registered_on=date(2026, 12, 1)),   # registered after the data date
        enterprise(7, KEQIN, KEQIN_YONGQING),                          # a known office
        enterprise(8, KEQIN, "150502999"),                             # an office that does not exist
    ]
    rows["credit_risk_assessments"] = [
        {"enterprise_id": 1, "assessed_on": date(2026, 1, 5), "grade": "A", "score": None},
        {"enterprise_id": 1, "assessed_on": date(2026, 1, 5), "grade": "D", "score": None},   # same day: D wins
        {"enterprise_id": 2, "assessed_on": date(2026, 1, 5), "grade": "c", "score": None},   # lower case
        {"enterprise_id": 3, "assessed_on": date(2026, 1, 5), "grade": "B", "score": None},
        {"enterprise_id": 4, "assessed_on": date(2026, 1, 5), "grade": "X", "score": None},   # not a grade
        {"enterprise_id": 99, "assessed_on": date(2026, 1, 5), "grade": "C", "score": None},  # orphan
        {"enterprise_id": 3, "assessed_on": date(2026, 12, 9), "grade": "D", "score": None},  # future
    ]
    return rows


@pytest.mark.parametrize("dialect", DIALECTS)
def test_data_faults_are_counted_and_named(fresh_db, monkeypatch, dialect):
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    db = fresh_db(dialect, with_schema=False)
    _loose_schema(db)
    db.load(_dirty_rows())
    code, sentences = diagnose(db.url)
    assert code == EXIT_CODES["data"] == 7
    assert sentences == [
        "表 credit_risk_assessments（企业信用风险分类结果）有 2 条评级不是 A/B/C/D（含小写或空值），不计为已分类。",
        "表 credit_risk_assessments（企业信用风险分类结果）有 1 组同一企业同一天的多条评级：按当天较差的等级计一次。",
        "表 enterprises（市场主体）的字段 registered_on 有 1 个日期晚于数据截至日（2026年11月22日），不计入截至该日的数字。",
        "表 credit_risk_assessments（企业信用风险分类结果）的字段 assessed_on 有 1 个日期晚于数据截至日（2026年11月22日），不计入截至该日的数字。",
        "表 credit_risk_assessments（企业信用风险分类结果）有 1 条记录的 enterprise_id 在表 enterprises 中不存在，未计入。",
        "表 enterprises（市场主体）有 1 条记录的 region_code 为空或不在区划表（regions）中。",
        # enterprise 8's office; enterprise 7's is known, and 1–6 have none (not a fault)
        "表 enterprises（市场主体）有 1 条记录的 office_code 为空或不在区划表（regions）中。",
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_same_day_assessments_count_once_with_the_worse_grade(fresh_db, dialect):
    from queries.credit_risk import grade_distributions, grade_totals
    from queries.periods import build_filters

    db = fresh_db(dialect, with_schema=False)
    _loose_schema(db)
    db.load(_dirty_rows())
    f = build_filters("last_week", TODAY, DATA_DATE)
    with db.readonly().connect() as conn:
        now, _ = grade_distributions(conn, f, entity_types=("company",))
    totals = grade_totals(now)
    # placeable, registered by 11-22: enterprises 1–4 (5 has no county, 6 registers later).
    # Rated: 1 (A and D on one day → D, once) and 3 (B; its D is after the as-of date) → 2;
    # 2 ('c') and 4 ('X') are not grades. High risk: 1 of 2 — not 2 of 3 as a doubled count would say.
    assert (totals.high_risk.numerator, totals.high_risk.denominator) == (1, 2)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_fixed_schema_loses_its_banner_on_the_next_run(fresh_db, monkeypatch, dialect):
    from tests.apptest_support import open_page

    db = fresh_db(dialect)
    db.load(base_rows())
    db.execute("ALTER TABLE inspections DROP COLUMN published_on")
    at = open_page(monkeypatch, db.url)
    assert "表 inspections（抽查对象及结果）缺少字段：published_on。" in [e.value for e in at.error]
    db.execute("ALTER TABLE inspections ADD COLUMN published_on DATE")
    at.run()
    assert "表 inspections（抽查对象及结果）缺少字段：published_on。" not in [e.value for e in at.error]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_declared_key_spares_grouping_the_assessments(fresh_db, dialect):
    """Where the database declares the contract's key (enterprise_id, assessed_on), no same-day
    repeat can exist and the catalogue says so: the assessments are not grouped. Without the key
    they are, and the repeat is counted."""
    from queries.quality import Fault, duplicate_faults, key_declared

    keyed = fresh_db(dialect)
    keyed.load(base_rows() | {"enterprises": [enterprise(1, KEQIN, None)],
                              "credit_risk_assessments": [{"enterprise_id": 1, "assessed_on": date(2026, 1, 5), "grade": "A", "score": None}]})
    statements = []
    engine = keyed.readonly()
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.connect() as conn:
        assert key_declared(conn, "credit_risk_assessments", ("enterprise_id", "assessed_on"))
        assert not key_declared(conn, "credit_risk_assessments", ("enterprise_id",))
        assert key_declared(conn, "enterprises", ("id",))
        statements.clear()
        assert duplicate_faults(conn) == []
    assert statements and not any("GROUP BY" in statement.upper() for statement in statements)

    loose = fresh_db(dialect, with_schema=False)
    _loose_schema(loose)
    loose.load(_dirty_rows())
    with loose.readonly().connect() as conn:
        assert not key_declared(conn, "credit_risk_assessments", ("enterprise_id", "assessed_on"))
        # enterprise 1 has an A and a D on 5 Jan 2026: one enterprise-day repeated
        assert duplicate_faults(conn) == [Fault("duplicate", "credit_risk_assessments", "enterprise_id, assessed_on", 1)]
