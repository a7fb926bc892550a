"""The sentence a leader pastes into the weekly briefing, generated from the page's figures.

It follows the register of the bureau's own reports (seed 003: “全市市场监管系统共办理‘轻微免罚’
‘首违不罚’案件73件，从轻、减轻案件1070件，减免处罚1461.47万元；办理从重处罚案件30件，罚没款1065万元。”).
In that sentence the 罚没款 follows the 从重 count and belongs to those cases, so here too it is
the fines of the aggravated cases, worded “涉及罚没款” to tie it to them; the fines of all cases
follow in a sentence of their own (“同期各类处罚案件罚没款合计”), so neither can be mistaken for the other.
Pure functions: figures in, text out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dashboard.format import fmt_range, to_wan
from queries.penalties import PenaltySummary

CITY_SUBJECT = "全市市场监管系统"


def wan_text(yuan: Decimal) -> str:
    """Yuan as the bare 万元 figure of a briefing: two decimals, half away from zero, no separators."""
    wan = to_wan(yuan)
    return f"{wan if wan else abs(wan)}"  # never "-0.00"


def briefing_subject(counties: tuple[str, ...], office: str | None, names: dict[str, str]) -> str:
    """Who acted: 全市市场监管系统, 科尔沁区, 科尔沁区、开鲁县, or the office's own name."""
    if office:
        return names.get(office, office)
    if not counties:
        return CITY_SUBJECT
    return "、".join(names.get(code, code) for code in counties)


def penalties_sentence(summary: PenaltySummary, start: date, as_of: date, subject: str) -> str:
    """The 包容审慎 briefing sentence for `summary`, the cases decided from `start` to `as_of`.

    “2026年11月16日—22日，全市市场监管系统共办理轻微免罚、首违不罚案件3件，从轻、减轻案件3件，
    减免处罚2.03万元；办理从重处罚案件1件，涉及罚没款8.00万元。同期各类处罚案件9件，罚没款合计9.89万元。”
    """
    when = fmt_range(start, as_of)
    s = summary  # short name: the sentence reads better on one line per clause
    if s.case_count == 0:
        return f"{when}，{subject}未办理行政处罚案件。"
    return (
        f"{when}，{subject}共办理轻微免罚、首违不罚案件{s.exempt_count}件，"
        f"从轻、减轻案件{s.reduced_count}件，减免处罚{wan_text(s.waived_yuan)}万元；"
        f"办理从重处罚案件{s.aggravated_count}件，涉及罚没款{wan_text(s.aggravated_fines_yuan)}万元。"
        f"同期各类处罚案件{s.case_count}件，罚没款合计{wan_text(s.fines_yuan)}万元。"
    )

