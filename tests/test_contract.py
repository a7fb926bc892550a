"""queries/schema.py matches the project's contract document, docs/reporting-schema.md: every
table, column, type, nullability, primary key, unique key and index it names."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries.schema import metadata

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "reporting-schema.md"

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
        if line.startswith("## "):
            # a table section is "## name — …"; any other level-2 heading ends the table before it
            heading = re.match(r"^## (\w+) —", line)
            current = None
            if heading:
                current = tables.setdefault(heading.group(1), {"columns": {}, "pk": set(), "unique": set(), "indexes": {}})
            continue
        if current is None:
            continue
        index = re.match(r"^Index (\w+) \(([^)]*)\)", line)
        if index:
            current["indexes"][index.group(1)] = tuple(name.strip() for name in index.group(2).split(","))
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
    # the document is part of the repository: a missing one is a failure, never a skip
    assert CONTRACT.exists(), f"contract document not found at {CONTRACT}"
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


def test_indexes(contract):
    for table_name, spec in contract.items():
        table = metadata.tables[table_name]
        in_code = {index.name: tuple(c.name for c in index.columns) for index in table.indexes}
        assert in_code == spec["indexes"], table_name


def test_every_table_section_has_its_columns(contract):
    # a heading the parser reads but whose table rows it cannot (a changed layout) must not pass quietly
    assert all(spec["columns"] for spec in contract.values())
