"""The app's engine cannot write, on every dialect: the database itself refuses."""

import pytest
import sqlalchemy as sa

from dashboard.db import DatabaseUnavailable, readonly_engine
from tests.fixture_base import base_rows

# Statements a compromised or careless caller might try, per dialect; the last of each list
# first switches the session or transaction back to read-write.
ESCAPES = {
    "sqlite": ["PRAGMA query_only = OFF"],
    "duckdb": ["SET access_mode = 'READ_WRITE'"],
    "postgresql": [
        "SET transaction_read_only = off",
        "SET default_transaction_read_only = off",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    ],
    "mariadb": ["SET SESSION TRANSACTION READ WRITE", "SET SESSION tx_read_only = 0"],
}
WRITES = [
    "INSERT INTO report_meta (key, value) VALUES ('x', 'y')",
    "UPDATE report_meta SET value = 'z'",
    "DELETE FROM report_meta",
    "CREATE TABLE intruder (id INTEGER)",
]


@pytest.fixture(scope="module")
def db(dialect_db):
    dialect_db.load(base_rows())
    return dialect_db


def _quote_key(sql: str, dialect: str) -> str:
    # `key` is a reserved word in MySQL/MariaDB
    return sql.replace("(key, value)", "(`key`, value)") if dialect == "mariadb" else sql


def _attempt(engine, statements) -> Exception | None:
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
            conn.commit()
    except Exception as exc:  # noqa: BLE001 - the refusal is what we want to see
        return exc
    return None


def _unchanged(db) -> bool:
    check = db.writer()
    with check.connect() as conn:
        meta = conn.exec_driver_sql("SELECT COUNT(*) FROM report_meta").scalar_one()
        values = sorted(row[0] for row in conn.exec_driver_sql("SELECT value FROM report_meta"))
    check.dispose()
    return meta == 3 and "z" not in values and "y" not in values


@pytest.mark.parametrize("write", WRITES)
def test_write_is_refused(db, write):
    engine = db.readonly()
    assert _attempt(engine, [_quote_key(write, db.dialect)]) is not None
    assert _unchanged(db)


def test_switching_back_to_read_write_is_refused(db):
    engine = db.readonly()
    for escape in ESCAPES[db.dialect]:
        error = _attempt(engine, [escape, _quote_key(WRITES[0], db.dialect)])
        assert error is not None, f"{escape!r} then INSERT was allowed"
    # and a fresh transaction after those attempts is still read-only
    assert _attempt(engine, [_quote_key(WRITES[0], db.dialect)]) is not None
    assert _unchanged(db)


def test_reading_works(db):
    with db.readonly().connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM regions")).scalar_one() == 6


def test_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path):
    path = tmp_path / "nope.sqlite"
    with pytest.raises(DatabaseUnavailable, match="不存在"):
        readonly_engine(f"sqlite:///{path}")
    assert not path.exists()


def test_unreachable_server_is_a_chinese_sentence():
    from dashboard.db import translate_error

    engine = readonly_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(Exception) as caught:
        engine.connect()
    error = translate_error(caught.value, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert isinstance(error, DatabaseUnavailable)
    assert error.message.startswith("无法连接报表库所在的主机")


# --- read-only in depth: the statement guard, ATTACH, and a SELECT-only role -------------------

TRANSACTION_ESCAPES = {
    # end the read-only transaction, make the session writable, begin again, write
    "postgresql": ["COMMIT", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                   "SET default_transaction_read_only = off", "BEGIN"],
    "mariadb": ["COMMIT", "SET SESSION TRANSACTION READ WRITE", "START TRANSACTION READ WRITE"],
    "sqlite": ["COMMIT", "PRAGMA query_only = OFF", "BEGIN IMMEDIATE"],
    "duckdb": ["COMMIT", "BEGIN TRANSACTION"],
}


def test_the_guard_refuses_transaction_control_and_settings_before_the_database(db):
    from dashboard.db import StatementRefused

    engine = db.readonly()
    for statement in [*TRANSACTION_ESCAPES[db.dialect], *ESCAPES[db.dialect], "ROLLBACK", "BEGIN"]:
        with pytest.raises(StatementRefused):
            with engine.connect() as conn:
                conn.exec_driver_sql(statement)
    error = _attempt(engine, [*TRANSACTION_ESCAPES[db.dialect], _quote_key(WRITES[0], db.dialect)])
    assert error is not None
    assert _unchanged(db)
    with engine.connect() as conn:  # and reading still works on the same pool
        assert conn.execute(sa.text("SELECT COUNT(*) FROM regions")).scalar_one() == 6


@pytest.mark.parametrize("statement,reads", [
    ("SELECT 1", True),
    ("/* c */ WITH x AS (SELECT 1) SELECT * FROM x", True),
    ("(SELECT 1) UNION (SELECT 2)", True),
    ("SELECT name FROM regions WHERE name = 'delete; into'", True),
    ("START TRANSACTION READ ONLY", True),
    ("START TRANSACTION READ WRITE", False),
    ("SELECT 1; DELETE FROM regions", False),
    ("WITH gone AS (DELETE FROM regions RETURNING *) SELECT * FROM gone", False),
    ("SELECT * INTO copy FROM regions", False),
    ("SELECT * FROM regions FOR UPDATE", False),
    ("ATTACH DATABASE 'x.sqlite' AS w", False),
    ("SET transaction_read_only = off", False),
    ("commit", False),
])
def test_statement_classification(statement, reads):
    from dashboard.db import is_reading_statement

    assert is_reading_statement(statement) is reads


def test_sqlite_cannot_attach_even_on_the_raw_connection(tmp_path):
    """Attaching the same file read-write would get round mode=ro and query_only."""
    from tests.conftest import new_database

    fixture = new_database("sqlite", tmp_path)
    fixture.create_schema()
    fixture.load(base_rows())
    path = fixture.url.removeprefix("sqlite:///")
    raw = fixture.readonly().raw_connection()
    try:
        with pytest.raises(Exception, match="too many attached databases"):
            raw.cursor().execute(f"ATTACH DATABASE 'file:{path}?mode=rw' AS w")
        with pytest.raises(Exception):
            raw.cursor().execute("INSERT INTO report_meta (key, value) VALUES ('x', 'y')")
    finally:
        raw.close()
    assert _unchanged(fixture)
    fixture.close()


def _select_only_role(fixture) -> tuple[str, callable]:
    """The README's SELECT-only role on the throwaway database; (its URL, drop it)."""
    import uuid

    from tests.conftest import SERVER_ADMIN_URLS

    role = f"dashboard_ro_{uuid.uuid4().hex[:8]}"
    database = sa.engine.make_url(fixture.url).database
    admin = sa.create_engine(SERVER_ADMIN_URLS[fixture.dialect], isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    if fixture.dialect == "postgresql":
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'ro-pass'")
            conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {role}")
            conn.exec_driver_sql(f"ALTER ROLE {role} SET default_transaction_read_only = on")
        fixture.execute(f"GRANT USAGE ON SCHEMA public TO {role}", f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")

        def drop():
            fixture.execute(f"DROP OWNED BY {role}")
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
            admin.dispose()
    else:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE USER '{role}'@'%%' IDENTIFIED BY 'ro-pass'")
            conn.exec_driver_sql(f"GRANT SELECT ON {database}.* TO '{role}'@'%%'")

        def drop():
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP USER IF EXISTS '{role}'@'%%'")
            admin.dispose()
    url = sa.engine.make_url(fixture.url).set(username=role, password="ro-pass").render_as_string(hide_password=False)
    return url, drop


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"])
def test_the_readme_select_only_role_cannot_write_even_without_the_app_guards(fresh_db, dialect):
    fixture = fresh_db(dialect)
    fixture.load(base_rows())
    url, drop = _select_only_role(fixture)
    try:
        engine = readonly_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM regions")).scalar_one() == 6
        # straight to the driver, past the statement guard and the read-only session settings
        raw = engine.raw_connection()
        try:
            raw.rollback()
            cursor = raw.cursor()
            attempts = ["COMMIT", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"] if dialect == "postgresql" else [
                "COMMIT", "SET SESSION TRANSACTION READ WRITE"]
            for statement in attempts:
                cursor.execute(statement)
            for write in WRITES:
                with pytest.raises(Exception, match="(?i)permission denied|denied|read.only"):
                    cursor.execute(_quote_key(write, dialect))
                raw.rollback()
            if dialect == "postgresql":  # superuser-only file access is not there either
                with pytest.raises(Exception, match="(?i)permission denied"):
                    cursor.execute("SELECT pg_read_file('/etc/hostname')")
            else:
                cursor.execute("SELECT LOAD_FILE('/etc/hostname')")
                assert cursor.fetchone()[0] is None
        finally:
            raw.close()
        engine.dispose()
        assert _unchanged(fixture)
    finally:
        drop()
