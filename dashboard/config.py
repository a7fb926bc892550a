"""Settings: where the database is, how old data may be, targets and boundary files.

Every setting comes from an environment variable or, failing that, `.streamlit/secrets.toml`
(section `[dashboard]`), and has a default that runs the demo. The file is parsed once per
process (`reload()` forgets it); environment variables are read on every call. Nothing here
touches streamlit at import time, so query modules and command-line tools can use it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from queries.credit_risk import DEFAULT_ENTITY_TYPES, ENTITY_TYPES
from queries.periods import BEIJING

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEMO_DB_PATH = DATA_DIR / "demo.duckdb"
DEMO_DB_URL = f"duckdb:///{DEMO_DB_PATH}"

DB_URL_ENV = "DASHBOARD_DB_URL"
TODAY_ENV = "DASHBOARD_TODAY"


SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"


@cache
def _secrets_file() -> tuple[dict, str | None]:
    """secrets.toml's [dashboard] section, parsed once per process: (settings, None), or ({}, the
    sentence saying why the file cannot be read). Environment variables are read on every call."""
    path = SECRETS_PATH
    if not path.exists():
        return {}, None
    try:
        with path.open("rb") as fh:
            section = tomllib.load(fh).get("dashboard", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}, f"配置文件 {path.name} 无法读取或格式有误，其中的设置未生效，已按环境变量和默认值运行。"
    if not isinstance(section, dict):
        return {}, f"配置文件 {path.name} 中的 [dashboard] 不是一个配置节，其中的设置未生效。"
    return section, None


def reload() -> None:
    """Forget the parsed secrets.toml, so the next setting reads the file again (tests; after an edit)."""
    _secrets_file.cache_clear()


def setting(name: str, default: str | None = None) -> str | None:
    """The value of `DASHBOARD_<NAME>` from the environment, else secrets.toml's [dashboard] name."""
    env = os.environ.get(f"DASHBOARD_{name.upper()}")
    if env not in (None, ""):
        return env
    value = _secrets_file()[0].get(name.lower())
    return str(value) if value is not None else default


def database_url() -> str:
    """The reporting database's SQLAlchemy URL; the demo DuckDB file by default."""
    return setting("db_url", DEMO_DB_URL)


def today() -> date:
    """Today's date in Beijing, whatever the server clock's zone (DASHBOARD_TODAY overrides, for tests)."""
    fixed = setting("today")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(BEIJING).date()


def now() -> datetime:
    """The current Beijing time (noon of DASHBOARD_TODAY when that is set, for tests)."""
    fixed = setting("today")
    if fixed:
        return datetime.combine(date.fromisoformat(fixed), datetime.min.time(), BEIJING).replace(hour=12)
    return datetime.now(BEIJING)


def _number(name: str, default: float, low: float, high: float) -> tuple[float, str | None]:
    """A numeric setting within [low, high]: (value, None), or (default, the sentence saying why not)."""
    raw = setting(name)
    if raw is None:
        return default, None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        return default, (
            f"配置项 DASHBOARD_{name.upper()}={raw!r} 无效（应为 {low:g} 到 {high:g} 之间的数），已按默认值 {default:g} 计。"
        )
    return value, None


NUMERIC_SETTINGS = {
    "stale_after_hours": (36.0, 1.0, 24.0 * 365),
    "cache_ttl_seconds": (21600.0, 0.0, 86400.0),
    "duckdb_memory_mb": (1024.0, 64.0, 1024.0 * 1024),
    "small_sample_below": (10.0, 1.0, 100000.0),
}


def small_sample_below() -> int:
    """A rate over fewer cases than this reads as 样本少: its fraction shown, no 达标/未达标 verdict."""
    return int(_number("small_sample_below", *NUMERIC_SETTINGS["small_sample_below"])[0])


def stale_after_hours() -> float:
    """How old `refreshed_at` may be before the as-of banner turns red."""
    return _number("stale_after_hours", *NUMERIC_SETTINGS["stale_after_hours"])[0]


def cache_ttl_seconds() -> int:
    """How long query results are cached."""
    return int(_number("cache_ttl_seconds", *NUMERIC_SETTINGS["cache_ttl_seconds"])[0])


def duckdb_memory_mb() -> int:
    """DuckDB's memory_limit for the app's held database, in MB (a DuckDB file only)."""
    return int(_number("duckdb_memory_mb", *NUMERIC_SETTINGS["duckdb_memory_mb"])[0])


@dataclass(frozen=True)
class Targets:
    """Targets of metrics.md (fractions, judged on the exact value)."""

    differentiated_share: float = 0.70
    due_task_completion: float = 1.00
    publication_timeliness: float = 0.95
    revisit_rate: float = 0.90
    tier3_sampling_ratio: float = 0.30
    annual_report_rate: float = 0.95


def targets() -> Targets:
    """Targets, each overridable as DASHBOARD_TARGET_<NAME>, a fraction from 0 to 1 (e.g. 0.9)."""
    defaults = Targets()
    return Targets(**{
        name: _number(f"target_{name}", getattr(defaults, name), 0.0, 1.0)[0]
        for name in Targets.__dataclass_fields__
    })


def _entity_types() -> tuple[tuple[str, ...], str | None]:
    """The credit-risk classification scope: (entity_type codes, None), or (the default, why not)."""
    raw = setting("credit_risk_entity_types")
    if raw is None:
        return DEFAULT_ENTITY_TYPES, None
    chosen = [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]
    if chosen and all(part in ENTITY_TYPES for part in chosen):
        return tuple(t for t in ENTITY_TYPES if t in chosen), None
    return DEFAULT_ENTITY_TYPES, (
        f"配置项 DASHBOARD_CREDIT_RISK_ENTITY_TYPES={raw!r} 无效（应为 {'、'.join(ENTITY_TYPES)} 中的一个或多个，"
        f"以逗号分隔），已按默认值 {','.join(DEFAULT_ENTITY_TYPES)} 计。"
    )


def credit_risk_entity_types() -> tuple[str, ...]:
    """The entity types the credit-risk classification covers (分类对象), in schema order.

    DASHBOARD_CREDIT_RISK_ENTITY_TYPES, comma-separated codes of company, individual and
    cooperative; default company (企业 only). Passed to every credit-risk query.
    """
    return _entity_types()[0]


def setting_problems() -> list[str]:
    """One sentence per setting that is malformed or out of range (the default is used), after
    one for an unreadable secrets.toml."""
    checks = [(name, *bounds) for name, bounds in NUMERIC_SETTINGS.items()]
    checks += [(f"target_{name}", getattr(Targets(), name), 0.0, 1.0) for name in Targets.__dataclass_fields__]
    file_problem = _secrets_file()[1]
    problems = [file_problem] if file_problem else []
    problems += [problem for *args, in checks if (problem := _number(*args)[1])]
    if scope_problem := _entity_types()[1]:
        problems.append(scope_problem)
    return problems


def boundaries_path() -> Path | None:
    """County boundary GeoJSON (features keyed by 6-digit code); the demo's built file by default."""
    configured = setting("boundaries_path")
    if configured:
        return Path(configured)
    demo = DATA_DIR / "boundaries" / "counties.geojson"
    return demo if demo.exists() else None


def boundaries_source() -> str:
    """Provenance and 审图号 text shown under the map."""
    default = ""
    provenance = DATA_DIR / "boundaries" / "PROVENANCE.txt"
    if provenance.exists():
        default = provenance.read_text(encoding="utf-8").splitlines()[0].strip()
    return setting("boundaries_source", default) or ""
