"""Command line: write the briefing for a filter, e.g. from cron every Monday at 07:00.

    python -m dashboard.briefing --preset last_week --format pdf,docx,pptx --out briefings/

With `--user NAME` the briefing is that user's (the access file, DASHBOARD_AUTH_FILE): a user
scoped to counties gets their counties (all of them unless --county names some of them), and a
county outside the scope, or a user without one, is refused.

Exit status 0 on success (the written paths on stdout); 1 with one Chinese sentence on stderr
when the database cannot be read, the period has no data or the user's scope refuses the
counties; 2 for a malformed option.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from dashboard import config
from dashboard.db import DataError
from queries.periods import COMPARISON_LABELS, COMPARISONS, PRESET_LABELS, PRESETS

TOPICS = ("inspections", "lists", "credit_risk", "revisits", "penalties")


def _formats(text: str) -> tuple[str, ...]:
    from dashboard.briefing.generate import FORMATS

    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"格式应为 {','.join(FORMATS)} 中的一个或多个（逗号分隔），收到：{text!r}")
    return chosen


def _codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _topics(text: str) -> tuple[str, ...]:
    chosen = _codes(text)
    unknown = [t for t in chosen if t not in TOPICS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"专题应为 {','.join(TOPICS)} 中的一个或多个，收到：{text!r}")
    return tuple(t for t in TOPICS if t in chosen)


def parser() -> argparse.ArgumentParser:
    presets = "；".join(f"{p}={PRESET_LABELS[p]}" for p in PRESETS)
    comparisons = "；".join(f"{c}={COMPARISON_LABELS[c]}" for c in COMPARISONS)
    p = argparse.ArgumentParser(
        prog="python -m dashboard.briefing",
        description="生成监管周报（PDF、Word、PowerPoint、每节一张 PNG），数字与驾驶舱页面同一查询。",
        epilog=("数据库连接串取自环境变量 DASHBOARD_DB_URL（或 .streamlit/secrets.toml 的 [dashboard] db_url），"
                "默认为演示库；“今天”按北京时间（DASHBOARD_TODAY 可指定）。"
                "出错时退出码为 1，并在标准错误输出一句中文说明；文件先写临时名再改名，失败不留半成品。"),
    )
    p.add_argument("--preset", choices=PRESETS, default="last_week", help=f"时间段（默认 last_week）：{presets}")
    p.add_argument("--start", type=date.fromisoformat, help="自定义时间段的首日 YYYY-MM-DD（与 --preset custom 同用）")
    p.add_argument("--end", type=date.fromisoformat, help="自定义时间段的末日 YYYY-MM-DD（与 --preset custom 同用）")
    p.add_argument("--compare", choices=COMPARISONS, default="previous", help=f"对比方式（默认 previous）：{comparisons}")
    p.add_argument("--county", type=_codes, default=(), help="旗县市区代码，逗号分隔（不给为全市），如 150502,150523")
    p.add_argument("--office", help="市场监管所代码（仅当 --county 只给一个旗县市区时）")
    p.add_argument("--user", help="按访问配置文件（DASHBOARD_AUTH_FILE）中该账号的查看范围生成")
    p.add_argument("--format", dest="formats", type=_formats, default=("pdf", "docx", "pptx"),
                   help="输出格式，逗号分隔：pdf（A4 周报）、docx（可编辑 Word）、pptx（16:9 会议幻灯片）、"
                        "png（每节一张 1920×1080 图，写入一个文件夹）；默认 pdf,docx,pptx")
    p.add_argument("--topics", type=_topics, default=TOPICS,
                   help=f"只生成这些专题，逗号分隔（默认全部）：{','.join(TOPICS)}")
    p.add_argument("--out", type=Path, default=Path("briefings"), help="输出文件夹（不存在则创建；默认 briefings/）")
    p.add_argument("--db-url", help="报表库连接串（默认取 DASHBOARD_DB_URL 或演示库）")
    p.add_argument("--quiet", action="store_true", help="不输出进度，只输出写入的文件路径")
    return p


def _quiet_streamlit() -> None:
    """Streamlit's notices about running without its server (the shared cache is streamlit's)
    are not for a cron mail: only errors reach stderr. Its config is read first (reading it
    resets every streamlit logger to the configured level)."""
    from streamlit import config as streamlit_config

    streamlit_config.get_option("logger.level")
    for name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    _quiet_streamlit()  # before the app modules load: dashboard.cache sets up its cache on import
    args = parser().parse_args(argv)
    custom = None
    if args.preset == "custom":
        if not (args.start and args.end) or args.start > args.end:
            print("自定义时间段需要 --start 和 --end，且首日不晚于末日。", file=sys.stderr)
            return 2
        custom = (args.start, args.end)
    from dashboard.briefing import images
    from dashboard.briefing.generate import briefing_outputs, write_outputs
    from dashboard.briefing.runner import QueryRunner, load_context

    def progress(fraction: float, text: str) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {text}", file=sys.stderr)

    url = args.db_url or config.database_url()
    if url == config.DEMO_DB_URL:  # the demo, like the app, is built (or brought up to date) first
        from data.demo import ensure_demo_database

        ensure_demo_database(progress=lambda fraction, text: progress(fraction * 0.05, f"演示数据库：{text}"))
    counties, refusal = scoped_counties(args.user, args.county)
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    run = QueryRunner(url)
    try:
        ctx = load_context(run, args.preset, args.compare, custom, counties, args.office)
        _, outputs = briefing_outputs(run, ctx, args.formats, args.topics, progress)
        for path in write_outputs(outputs, args.out):
            print(path)
    except DataError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        images.stop()
        run.close()
    return 0


def scoped_counties(user: str | None, counties: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """(the counties the briefing covers, None) within `user`'s scope, or ((), the refusal); without
    a user, the counties asked for."""
    if user is None:
        return counties, None
    from dashboard.access import user_scope

    allowed = user_scope(user)
    if allowed is None:
        return counties, None
    if not allowed:
        return (), f"账号 {user} 尚未配置可查看的旗县市区，不生成简报。"
    refused = [c for c in counties if c not in allowed]
    if refused:
        return (), f"旗县市区 {'、'.join(refused)} 不在账号 {user} 的查看范围内，不生成简报。"
    return counties or allowed, None


if __name__ == "__main__":
    sys.exit(main())
