"""queries/schema.py matches ../shared/reporting-schema.md: every table, column, type,
nullability, primary key and unique key of the contract document."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries.schema import metadata

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "reporting-schema.md"

TYPES = {
    "VARCHAR": sa.String,
    "CHAR": sa.CHAR,
    "BIGINT": sa.BigInteger,
    "INTEGER": sa.Integer,
    "SMALLINT": sa.SmallInteger,
    "DATE": sa.Date,
    "BOOLEAN": sa.Boolean,
    "DOUBLE": sa.Double,
    "NUMERIC": sa.Numeric,
}


def _parse_contract() -> dict[str, dict]:
    tables: dict[str, dict] = {}
    current = None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w+) —", line)
        if heading:
            current = tables.setdefault(heading.group(1), {"columns": {}, "pk": set(), "unique": set()})
            continue
        if current is None:
            continue
        pk = re.match(r"^Primary key \(([^)]*)\)", line)
        if pk:
            current["pk"] = {name.strip() for name in pk.group(1).split(",")}
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("column", "---") or set(cells[0]) <= {"-"}:
            continue
        kind = re.match(r"(\w+)(?:\(([\d, ]+)\))?", cells[1])
        if not kind or kind.group(1) not in TYPES:
            continue
        for name in (n.strip() for n in cells[0].split(",")):
            current["columns"][name] = {
                "type": kind.group(1),
                "size": tuple(int(x) for x in kind.group(2).split(",")) if kind.group(2) else (),
                "nullable": cells[2] == "yes",
            }
            if " PK" in cells[1]:
                current["pk"].add(name)
            if "UNIQUE" in cells[1]:
                current["unique"].add(name)
    return tables


@pytest.fixture(scope="module")
def contract():
    if not CONTRACT.exists():
        pytest.skip(f"contract document not found at {CONTRACT}")
    return _parse_contract()


def test_every_contract_table_is_in_the_code(contract):
    assert len(contract) == 13
    assert set(contract) == set(metadata.tables)


def test_columns_types_and_nullability(contract):
    for table_name, spec in contract.items():
        table = metadata.tables[table_name]
        assert set(spec["columns"]) == set(table.columns.keys()), table_name
        for name, column_spec in spec["columns"].items():
            column = table.c[name]
            assert isinstance(column.type, TYPES[column_spec["type"]]), f"{table_name}.{name}"
            if column_spec["type"] in ("VARCHAR", "CHAR"):
                assert column.type.length == column_spec["size"][0], f"{table_name}.{name}"
            if column_spec["type"] == "NUMERIC":
                assert (column.type.precision, column.type.scale) == column_spec["size"], f"{table_name}.{name}"
            assert column.nullable == column_spec["nullable"], f"{table_name}.{name} nullability"


def test_primary_and_unique_keys(contract):
    for table_name, spec in contract.items():
        table = metadata.tables[table_name]
        assert {c.name for c in table.primary_key.columns} == spec["pk"], table_name
        unique = {
            c.name
            for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint) and not isinstance(constraint, sa.PrimaryKeyConstraint)
            for c in constraint.columns
        }
        assert unique == spec["unique"], table_name
