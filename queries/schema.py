"""The reporting-database contract (docs/reporting-schema.md) as SQLAlchemy Core tables.

This metadata is the single source for the demo database, the test fixtures and the
schema check (`doctor`). Ids come from the source systems, so no primary key autoincrements.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CHAR,
    Column,
    Date,
    Double,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

MONEY = Numeric(14, 2)


def _id() -> Column:
    return Column("id", BigInteger, primary_key=True, autoincrement=False)


regions = Table(
    "regions",
    metadata,
    Column("code", String(12), primary_key=True, autoincrement=False),
    Column("name", String(64), nullable=False),
    Column("level", String(8), nullable=False),
    Column("parent_code", String(12), nullable=True),
    Column("lon", Double, nullable=True),
    Column("lat", Double, nullable=True),
    Column("sort_order", Integer, nullable=True),
)

enterprises = Table(
    "enterprises",
    metadata,
    _id(),
    Column("uscc", CHAR(18), nullable=False),
    Column("name", String(200), nullable=False),
    Column("entity_type", String(16), nullable=False),
    Column("industry_section", CHAR(1), nullable=True),
    Column("region_code", String(12), nullable=False),
    Column("office_code", String(12), nullable=True),
    Column("registered_on", Date, nullable=False),
    Column("deregistered_on", Date, nullable=True),
    Column("lon", Double, nullable=True),
    Column("lat", Double, nullable=True),
    UniqueConstraint("uscc", name="uq_enterprises_uscc"),
    # Covering for the population scans (region scope + "alive on d" + the join key), which
    # on a province's register is the difference between a table scan and an index scan.
    Index("ix_enterprises_scope", "region_code", "office_code", "entity_type", "registered_on", "deregistered_on", "id"),
)

credit_risk_assessments = Table(
    "credit_risk_assessments",
    metadata,
    Column("enterprise_id", BigInteger, primary_key=True, autoincrement=False),
    Column("assessed_on", Date, primary_key=True),
    Column("grade", CHAR(1), nullable=False),
    Column("score", Numeric(6, 2), nullable=True),
    Index("ix_credit_risk_assessed_on", "assessed_on"),
)

inspection_plans = Table(
    "inspection_plans",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("lead_department", String(64), nullable=False),
    Column("is_joint", Boolean, nullable=False),
)

inspection_tasks = Table(
    "inspection_tasks",
    metadata,
    _id(),
    Column("plan_id", BigInteger, nullable=False),
    Column("name", String(200), nullable=False),
    Column("region_code", String(12), nullable=False),
    Column("item_category", String(32), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("is_differentiated", Boolean, nullable=False),
    Index("ix_inspection_tasks_dates", "due_on", "starts_on"),
)

inspections = Table(
    "inspections",
    metadata,
    _id(),
    Column("task_id", BigInteger, nullable=False),
    Column("enterprise_id", BigInteger, nullable=False),
    Column("grade_at_sampling", CHAR(1), nullable=True),
    Column("inspected_on", Date, nullable=True),
    Column("result", String(32), nullable=True),
    Column("published_on", Date, nullable=True),
    Index("ix_inspections_task", "task_id"),
    Index("ix_inspections_inspected_on", "inspected_on"),
)

def _list_table(name: str, index_prefix: str) -> Table:
    """The two lists (经营异常名录, 严重违法失信名单) have the same columns in the contract."""
    return Table(
        name,
        metadata,
        _id(),
        Column("enterprise_id", BigInteger, nullable=False),
        Column("region_code", String(12), nullable=False),
        Column("listed_on", Date, nullable=False),
        Column("listing_reason", String(32), nullable=False),
        Column("removed_on", Date, nullable=True),
        Column("removal_reason", String(32), nullable=True),
        Index(f"ix_{index_prefix}_listed_on", "listed_on"),
        Index(f"ix_{index_prefix}_removed_on", "removed_on"),
    )


abnormal_list_entries = _list_table("abnormal_list_entries", "abnormal")
serious_violation_entries = _list_table("serious_violation_entries", "serious")

enforcement_cases = Table(
    "enforcement_cases",
    metadata,
    _id(),
    Column("case_no", String(64), nullable=False),
    Column("enterprise_id", BigInteger, nullable=True),
    Column("region_code", String(12), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("category", String(32), nullable=False),
    Column("violation_type", String(32), nullable=False),
    Column("base_fine", MONEY, nullable=False),
    Column("fine_amount", MONEY, nullable=False),
    UniqueConstraint("case_no", name="uq_enforcement_cases_case_no"),
    Index("ix_enforcement_cases_decided_on", "decided_on"),
)

case_revisits = Table(
    "case_revisits",
    metadata,
    _id(),
    Column("case_id", BigInteger, nullable=False),
    Column("round", SmallInteger, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("revisited_on", Date, nullable=True),
    Column("method", String(16), nullable=True),
    Column("rectified", Boolean, nullable=True),
    Index("ix_case_revisits_case", "case_id"),
    Index("ix_case_revisits_due_on", "due_on"),
)

annual_reports = Table(
    "annual_reports",
    metadata,
    Column("enterprise_id", BigInteger, primary_key=True, autoincrement=False),
    Column("report_year", Integer, primary_key=True, autoincrement=False),
    Column("submitted_on", Date, nullable=False),
    # Covering for "filed for year Y by the as-of date" looked up per enterprise.
    Index("ix_annual_reports_filed", "enterprise_id", "report_year", "submitted_on"),
)

workday_adjustments = Table(
    "workday_adjustments",
    metadata,
    Column("day", Date, primary_key=True),
    Column("is_workday", Boolean, nullable=False),
)

report_meta = Table(
    "report_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

OPTIONAL_TABLES = frozenset({"workday_adjustments"})
"""Tables the contract marks optional: their absence is not a schema error."""
