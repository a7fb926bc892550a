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
    assert error.message.startswith("无法连接报表数据库")
