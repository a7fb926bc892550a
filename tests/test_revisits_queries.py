"""Revisit figures (metrics.md section 4) on a hand-built fixture, on every dialect.

P = 上周 = 2026-11-16..22 (as-of 11-22); Q (环比) = 2026-11-09..15 (as-of 11-15).
"""

from datetime import date

import pytest

from queries.periods import build_filters
from queries.common import OTHER
from queries.revisits import (
    CATEGORY_TIER,
    TOTAL,
    method_mix,
    overdue_revisits,
    revisit_quality,
    revisit_summary,
    revisit_targets,
    revisits_by_region,
    revisits_by_tier,
)
from tests.fixture_base import DATA_DATE, KAILU, KAILU_TOWN, KEQIN, KEQIN_MINGREN, KEQIN_YONGQING, TODAY, base_rows, enterprise, run_on

D = date


def _case(cid, category, region, enterprise_id, decided_on):
    return {
        "id": cid, "case_no": f"通市监处〔2026〕{cid}号", "enterprise_id": enterprise_id, "region_code": region,
        "decided_on": decided_on, "category": category, "violation_type": "other",
        "base_fine": 1000, "fine_amount": 1000,
    }


def _revisit(rid, case_id, due_on, revisited_on=None, method=None, rectified=None, round_no=1):
    return {
        "id": rid, "case_id": case_id, "round": round_no, "due_on": due_on,
        "revisited_on": revisited_on, "method": method, "rectified": rectified,
    }


def rows():
    data = base_rows()
    data["enterprises"] = [
        enterprise(1, KEQIN, KEQIN_YONGQING),
        enterprise(2, KEQIN, KEQIN_MINGREN),
        enterprise(3, KAILU, KAILU_TOWN),
        enterprise(4, KEQIN, None),  # no office → 其他 under 科尔沁区
    ]
    data["enforcement_cases"] = [
        _case(1, "aggravated", KEQIN, 1, D(2026, 5, 10)),        # tier 1, owes two revisits
        _case(2, "general", KEQIN, 2, D(2026, 8, 1)),            # tier 2
        _case(3, "lighter", KAILU, 3, D(2026, 7, 1)),            # tier 2
        _case(4, "mitigated", KEQIN, None, D(2026, 6, 1)),       # tier 2, party without an enterprise
        _case(5, "summary", KEQIN, 4, D(2026, 11, 17)),          # tier 3 in P, sampled
        _case(6, "minor_exempt", KAILU, 3, D(2026, 11, 18)),     # tier 3 in P, not sampled
        _case(7, "first_offense_exempt", KEQIN, 1, D(2026, 11, 20)),  # tier 3 in P, not sampled
        _case(8, "first_offense_exempt", KAILU, 3, D(2026, 11, 22)),  # tier 3 in P, sampled (revisit due later)
        _case(9, "general", KEQIN, 1, D(2026, 1, 5)),            # overdue since October
        _case(10, "aggravated", KAILU, 3, D(2026, 3, 1)),        # revisits due in Q
        _case(11, "general", KEQIN, 77, D(2026, 6, 1)),          # enterprise 77 does not exist: orphan
        _case(12, "warning", KEQIN, 2, D(2026, 4, 1)),           # a category outside the seven
        _case(13, "minor_exempt", KAILU, 88, D(2026, 11, 19)),   # tier 3 in P, enterprise 88 missing: orphan
    ]
    data["case_revisits"] = [
        _revisit(1, 1, D(2026, 11, 17), D(2026, 11, 16), "onsite", True),               # done early in P, on time
        _revisit(2, 1, D(2026, 11, 20), round_no=2),                                      # not done: overdue 3 days
        _revisit(3, 2, D(2026, 11, 18), D(2026, 11, 21), "phone", False),                # done, but late
        _revisit(4, 3, D(2026, 11, 19), D(2026, 11, 25), "onsite", True),                # after as-of: not done, overdue
        _revisit(5, 4, D(2026, 11, 22), D(2026, 11, 10), "phone"),                       # due on as-of, done before P
        _revisit(6, 5, D(2026, 11, 21), D(2026, 11, 21), "survey"),                      # rectified not assessed
        _revisit(7, 8, D(2027, 2, 20)),                                                   # not yet due
        _revisit(8, 9, D(2026, 10, 1)),                                                   # overdue since 10-01
        _revisit(9, 10, D(2026, 11, 12), D(2026, 11, 12), "meeting", True),              # Q: due, done on time
        _revisit(10, 10, D(2026, 11, 14), D(2026, 11, 16), "onsite", True, round_no=2),  # Q: overdue; P: revisited
        _revisit(11, 999, D(2026, 11, 18)),                                               # orphan: no case 999
        _revisit(12, 11, D(2026, 11, 18)),                                                # case with orphan enterprise
        _revisit(13, 12, D(2026, 11, 20), D(2026, 11, 20), "phone", True),               # unknown category
    ]
    return data


@pytest.fixture(scope="module")
def conn(dialect_db):
    dialect_db.load(rows())
    with dialect_db.readonly().connect() as connection:
        yield connection


def week(**kwargs):
    return build_filters("last_week", TODAY, DATA_DATE, **kwargs)


def test_tier_mapping_covers_the_seven_categories():
    assert CATEGORY_TIER == {
        "aggravated": 1, "general": 2, "lighter": 2, "mitigated": 2,
        "summary": 3, "minor_exempt": 3, "first_offense_exempt": 3,
    }


def test_summary_of_the_week(conn):
    s = revisit_summary(conn, week())
    # due 11-16..22 (orphans 11 and 12 dropped): revisits 1, 2, 3, 4, 5, 6, 13 = 7
    assert s.due_count == 7
    # done by 11-22: 1 (11-16), 3 (11-21, late), 5 (11-10, early), 6, 13; not 2 (NULL) or 4 (11-25) = 5
    assert (s.done_count, s.revisit_rate.value) == (5, 5 / 7)
    assert s.revisit_rate.meets(0.90) is False  # 71.4 % < 90 %
    # on time (revisited_on <= due_on): 1, 5, 6, 13 (same day); 3 is late = 4
    assert s.on_time_count == 4
    # overdue at 11-22: 2 (due 11-20), 4 (due 11-19, done 11-25), 8 (due 10-01) = 3
    assert s.overdue_count == 3
    # revisited 11-16..22: 1, 3, 6, 10, 13 = 5; rectified assessed: 1 T, 3 F, 10 T, 13 T (6 NULL) → 3 / 4
    assert (s.revisited_count, s.rectified_count, s.assessed_count) == (5, 3, 4)
    # tier-3 cases decided in P: 5 (sampled), 6, 7, 8 (sampled: its revisit is due later) → 2 / 4
    assert (s.tier3_sampled_count, s.tier3_case_count) == (2, 4)
    assert s.tier3_sampling_ratio.meets(0.30) is True


def test_summary_of_the_comparison_week(conn):
    q = revisit_summary(conn, week().compared())
    # due 11-09..15: 9 (done 11-12 on time), 10 (done 11-16, after Q's as-of 11-15) → 1 / 2
    assert (q.due_count, q.done_count, q.on_time_count) == (2, 1, 1)
    # overdue at 11-15: 8 (due 10-01) and 10 (due 11-14, done only on 11-16) = 2
    assert q.overdue_count == 2
    # revisited 11-09..15: 5 (phone, not assessed), 9 (meeting, rectified) → 1 / 1
    assert (q.revisited_count, q.rectified_count, q.assessed_count) == (2, 1, 1)
    assert (q.tier3_sampled_count, q.tier3_case_count) == (0, 0)
    assert q.tier3_sampling_ratio.value is None


def test_by_tier(conn):
    frame = revisits_by_tier(conn, week()).set_index("tier")
    # tier 1 (cases 1, 10): due 1, 2 → done 1; overdue 2
    assert frame.loc[1, ["due_count", "done_count", "on_time_count", "overdue_count"]].tolist() == [2, 1, 1, 1]
    # tier 2 (cases 2, 3, 4, 9): due 3, 4, 5 → done 3, 5; on time 5; overdue 4, 8
    assert frame.loc[2, ["due_count", "done_count", "on_time_count", "overdue_count"]].tolist() == [3, 2, 1, 2]
    # tier 3 (case 5): revisit 6 due and done on its due date
    assert frame.loc[3, ["due_count", "done_count", "on_time_count", "overdue_count"]].tolist() == [1, 1, 1, 0]
    # revisit 13 (category "warning") is in the total 7 but in no tier: 2 + 3 + 1 = 6
    assert list(frame.index) == [1, 2, 3]


def test_by_county_adds_up(conn):
    frame = revisits_by_region(conn, week()).set_index("region_code")
    assert list(frame.index) == [KEQIN, KAILU]
    # 科尔沁区: due 1, 2, 3, 5, 6, 13 = 6; done 1, 3, 5, 6, 13 = 5; on time 1, 5, 6, 13; overdue 2, 8
    # tier 3: cases 5 (sampled) and 7 → 1 / 2
    assert frame.loc[KEQIN, ["due_count", "done_count", "on_time_count", "overdue_count",
                             "tier3_case_count", "tier3_sampled_count"]].tolist() == [6, 5, 4, 2, 2, 1]
    # 开鲁县: due 4 (not done, overdue); tier 3: cases 6 and 8 (sampled) → 1 / 2
    assert frame.loc[KAILU, ["due_count", "done_count", "on_time_count", "overdue_count",
                             "tier3_case_count", "tier3_sampled_count"]].tolist() == [1, 0, 0, 1, 2, 1]


def test_one_county_by_office_with_other(conn):
    frame = revisits_by_region(conn, week(counties=(KEQIN,))).set_index("region_code")
    assert list(frame.index) == [KEQIN_YONGQING, KEQIN_MINGREN, OTHER]
    cols = ["due_count", "done_count", "on_time_count", "overdue_count", "tier3_case_count", "tier3_sampled_count"]
    # 永清 (enterprise 1): cases 1 (revisits 1, 2), 7 (tier 3, not sampled), 9 (overdue 8)
    assert frame.loc[KEQIN_YONGQING, cols].tolist() == [2, 1, 1, 2, 1, 0]
    # 明仁 (enterprise 2): revisits 3 (late) and 13
    assert frame.loc[KEQIN_MINGREN, cols].tolist() == [2, 2, 1, 0, 0, 0]
    # 其他: case 4 without an enterprise (revisit 5) and case 5 of enterprise 4 without office (revisit 6)
    assert frame.loc[OTHER, cols].tolist() == [2, 2, 2, 0, 1, 1]
    assert frame["due_count"].sum() == 6  # the parts add up to 科尔沁区


def test_office_filter_leaves_out_cases_without_enterprise(conn):
    f = week(counties=(KEQIN,), office=KEQIN_MINGREN)
    s = revisit_summary(conn, f)
    assert (s.due_count, s.done_count, s.overdue_count) == (2, 2, 0)
    assert revisits_by_region(conn, f)["region_code"].tolist() == [KEQIN_MINGREN]


def test_targets_for_the_overview(conn):
    frame = revisit_targets(conn, week())
    assert frame["region_code"].tolist() == [KEQIN, KAILU, TOTAL]
    total = frame.set_index("region_code").loc[TOTAL]
    # the total is the sum of the counties and equals the headline figures: 5 / 7 and 2 / 4
    assert total[["due_count", "done_count", "tier3_case_count", "tier3_sampled_count"]].tolist() == [7, 5, 4, 2]


def test_method_mix_of_revisits_done_in_the_week(conn):
    frame = method_mix(conn, week())
    # revisited 11-16..22: 1 onsite, 10 onsite, 3 phone, 13 phone, 6 survey; none by meeting
    assert frame.values.tolist() == [["onsite", 2], ["phone", 2], ["survey", 1], ["meeting", 0]]


def test_overdue_list_longest_first_and_bounded(conn):
    frame = overdue_revisits(conn, week())
    # as-of − due_on + 1: 11-22 − 10-01 + 1 = 53; 11-22 − 11-19 + 1 = 4; 11-22 − 11-20 + 1 = 3
    assert frame[["case_no", "region_code", "tier", "round", "days_overdue"]].values.tolist() == [
        ["通市监处〔2026〕9号", KEQIN, 2, 1, 53],
        ["通市监处〔2026〕3号", KAILU, 2, 1, 4],
        ["通市监处〔2026〕1号", KEQIN, 1, 2, 3],
    ]
    assert frame["enterprise_name"].tolist() == ["测试企业1", "测试企业3", "测试企业1"]
    assert frame["due_on"].tolist() == [D(2026, 10, 1), D(2026, 11, 19), D(2026, 11, 20)]
    assert overdue_revisits(conn, week(), limit=2)["case_no"].tolist() == ["通市监处〔2026〕9号", "通市监处〔2026〕3号"]


def test_overdue_list_at_the_comparison_date(conn):
    frame = overdue_revisits(conn, week().compared())
    # at 11-15: 8 (11-15 − 10-01 + 1 = 46) and 10 round 2 (11-15 − 11-14 + 1 = 2)
    assert frame[["case_no", "days_overdue"]].values.tolist() == [["通市监处〔2026〕9号", 46], ["通市监处〔2026〕10号", 2]]


def test_data_quality_counts(conn):
    q = revisit_quality(conn, week())
    # revisit 11 (case 999 missing); revisit 12 (case 11's enterprise 77 missing); revisit 13 (category "warning")
    assert (q.orphan_revisit_count, q.orphan_enterprise_revisit_count, q.unknown_category_count) == (1, 1, 1)
    assert q.orphan_enterprise_tier3_count == 1  # case 13 (not among the 4 tier-3 cases of the summary)
    # 开鲁县 alone: revisit 11 has no county, so it is still counted; 12 and 13 are in 科尔沁区
    kailu = revisit_quality(conn, week(counties=(KAILU,)))
    assert (kailu.orphan_revisit_count, kailu.orphan_enterprise_revisit_count, kailu.unknown_category_count) == (1, 0, 0)
    assert kailu.orphan_enterprise_tier3_count == 1
    assert revisit_quality(conn, week(counties=(KEQIN,))).orphan_enterprise_tier3_count == 0


def test_a_month_counts_done_early_and_excludes_after_as_of(conn):
    # 本月至今 = 11-01..22: due 1, 2, 3, 4, 5, 6, 9, 10, 13 = 9; done by 11-22: all but 2 and 4 = 7
    f = build_filters("month_to_date", TODAY, DATA_DATE)
    s = revisit_summary(conn, f)
    assert (s.due_count, s.done_count) == (9, 7)
    # on time: 1, 5, 6, 9, 13 (3 and 10 late) = 5
    assert s.on_time_count == 5


def test_the_register_is_joined_only_when_a_figure_needs_it(conn):
    """Cases 11 and 13 name enterprises that are missing: the cases' data check finds them, so
    the figures join the register, which drops them (test_summary_of_the_week). A source without
    such cases, and with no office in play, is read without the register."""
    from queries import revisits
    from queries.quality import register_join_needed

    run, run_without_orphans = run_on(conn), run_on(conn, data_checks_clean=True)
    assert register_join_needed(run, week(), "enforcement_cases")
    assert not register_join_needed(run_without_orphans, week(), "enforcement_cases")
    assert register_join_needed(run_without_orphans, week(counties=(KEQIN,)), "enforcement_cases")  # by office
    # Read without the register, revisit 12 (case 11, due 11-18, not done) counts as due and
    # overdue: 7 + 1 and 3 + 1; case 13 (tier 3, decided 11-19, no revisit) as a tier-3 case: 4 + 1.
    s = revisits.revisit_summary_counts(conn, week(), join_register=False)
    assert (s.due_count, s.done_count, s.on_time_count, s.overdue_count) == (8, 5, 4, 4)
    assert (s.tier3_sampled_count, s.tier3_case_count) == (2, 5)
    with pytest.raises(ValueError):
        revisits.revisit_summary_counts(conn, week(counties=(KEQIN,)), join_register=False)
