"""经营异常名录 and 严重违法失信名单: listings, removals, the three-year transfer between them.

An abnormal-list entry leaves the list at the first of these events: the enterprise fulfils its
obligation (corrected / credit_repair), it is deregistered, the listing is revoked as wrong, or
the third anniversary passes and it is transferred to the serious-violation list (usually within
days, sometimes weeks; a few are still waiting, which is what the dashboard's 已届满 warning is
for). Each transfer creates the matching serious-violation entry on the transfer day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from data.demo_common import COMPANY, COOPERATIVE, FAR, Ctx, add_years, ymd
from data.demo_entities import Entities
from data.geo import COUNTIES

ABNORMAL_REASONS = ("no_annual_report", "no_disclosure", "false_disclosure", "unreachable")
ABNORMAL_REMOVALS = ("corrected", "credit_repair", "deregistered", "transferred", "revoked")
SERIOUS_REASONS = ("abnormal_3y", "serious_violation", "other")
SERIOUS_REMOVALS = ("credit_repair", "expired", "revoked")
NO_REMOVAL = -1

HISTORY_YEARS = 7
"""Listings start this many years before the data date's year, so transfers (after 3 years) and
expiries of serious-list entries (3 more years) both happen within the dashboard's window."""
BACKGROUND_LISTINGS = 700
"""Yearly listings for reasons found outside the random inspections (住所核查, complaints), scale 1."""
WARNING_MIN = 3
"""At least this many entries in stock reach their anniversary within 90 days, and as many have
passed it untransferred, whatever the scale, so the warning table is never empty in the demo."""


@dataclass
class ListEntries:
    """Entries of one list as growing column lists (entity index, reason code, dates)."""

    ent: list = field(default_factory=list)
    listed: list = field(default_factory=list)
    reason: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    removal: list = field(default_factory=list)

    def add(self, ent, listed, reason, removed, removal) -> None:
        """Append a batch of entries (arrays of equal length, or scalars broadcast)."""
        ent = np.atleast_1d(np.asarray(ent, dtype=np.int64))
        size = ent.size
        for target, values in (
            (self.ent, ent),
            (self.listed, listed),
            (self.reason, reason),
            (self.removed, removed),
            (self.removal, removal),
        ):
            target.append(np.broadcast_to(np.asarray(values, dtype=np.int64), (size,)).copy())

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(ent, listed, reason, removed, removal) as flat arrays."""
        return tuple(
            np.concatenate(part) if part else np.array([], dtype=np.int64)
            for part in (self.ent, self.listed, self.reason, self.removed, self.removal)
        )


def abnormal_removal(
    ctx: Ctx, rng, listed: np.ndarray, dereg: np.ndarray, fix_day: np.ndarray, fix_reason: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Removal day (FAR = still listed at the data date) and reason code of abnormal entries."""
    n = listed.size
    anniversary = add_years(listed, 3)
    u = rng.random(n)
    lag = np.where(u < 0.80, rng.integers(0, 21, n), np.where(u < 0.98, rng.integers(21, 76, n), FAR))
    transfer = np.where(lag < FAR, ctx.calendar.roll_forward(np.minimum(anniversary + lag, ctx.dd + 400)), FAR)
    revoked = np.where(rng.random(n) < 0.01, ctx.calendar.roll_forward(listed + rng.integers(20, 200, n)), FAR)
    dereg = np.where(dereg > listed, dereg, FAR)
    candidates = np.stack([fix_day, dereg, transfer, revoked])
    codes = np.stack(
        [
            fix_reason,
            np.full(n, ABNORMAL_REMOVALS.index("deregistered")),
            np.full(n, ABNORMAL_REMOVALS.index("transferred")),
            np.full(n, ABNORMAL_REMOVALS.index("revoked")),
        ]
    )
    first = candidates.argmin(axis=0)
    removed = candidates[first, np.arange(n)]
    removal = codes[first, np.arange(n)]
    still = removed > ctx.dd
    return np.where(still, FAR, removed), np.where(still, NO_REMOVAL, removal)


def fix_reasons(rng, n: int, credit_repair_share: float) -> np.ndarray:
    """Reason codes for entries removed because the enterprise put things right."""
    corrected, repaired = ABNORMAL_REMOVALS.index("corrected"), ABNORMAL_REMOVALS.index("credit_repair")
    return np.where(rng.random(n) < credit_repair_share, repaired, corrected)


def _listable(ents: Entities) -> np.ndarray:
    return np.flatnonzero((ents.kind == COMPANY) | (ents.kind == COOPERATIVE))


def add_finding_listings(ctx: Ctx, entries: ListEntries, ents: Entities, findings: dict[str, tuple]) -> None:
    """List enterprises whose inspection found them unreachable, undisclosed or falsely disclosing.

    `findings` maps a listing reason to (entity indices, inspection days).
    """
    rng = ctx.rng("abnormal-findings")
    delay = {"unreachable": (15, 60), "no_disclosure": (30, 90), "false_disclosure": (20, 60)}
    for reason, (ent, inspected) in findings.items():
        keep = np.isin(ents.kind[ent], (COMPANY, COOPERATIVE))
        ent, inspected = ent[keep], inspected[keep]
        listed = ctx.calendar.roll_forward(inspected + rng.integers(*delay[reason], ent.size))
        ok = (listed <= ctx.dd) & (ents.deregistered[ent] > listed)
        _add_with_removal(ctx, rng, entries, ents, ent[ok], listed[ok], reason, fix_share=0.45)


def add_background_listings(ctx: Ctx, entries: ListEntries, ents: Entities) -> None:
    """Listings found in daily supervision (住所核查, complaints), spread over the whole history."""
    rng = ctx.rng("abnormal-background")
    pool = _listable(ents)
    first, last = ymd(ctx.year - HISTORY_YEARS, 1, 1), ctx.dd
    total = max(4, int(round(BACKGROUND_LISTINGS * ctx.scale * (last - first) / 365.25)))
    listed = ctx.calendar.roll_forward(rng.integers(first, last + 1, total))
    listed = np.minimum(listed, ctx.calendar.roll_back(np.full(total, ctx.dd)))
    ent = pool[rng.integers(0, pool.size, total)]
    ok = (ents.registered[ent] < listed) & (ents.deregistered[ent] > listed)
    reasons = rng.choice(["unreachable", "no_disclosure", "false_disclosure"], total, p=[0.7, 0.25, 0.05])
    for reason in ("unreachable", "no_disclosure", "false_disclosure"):
        rows = ok & (reasons == reason)
        _add_with_removal(ctx, rng, entries, ents, ent[rows], listed[rows], reason, fix_share=0.5)


def _add_with_removal(ctx, rng, entries, ents, ent, listed, reason: str, fix_share: float) -> None:
    n = ent.size
    fixes = rng.random(n) < fix_share
    fix_day = np.where(fixes, ctx.calendar.roll_forward(listed + 5 + rng.exponential(120, n).astype(np.int64)), FAR)
    removed, removal = abnormal_removal(ctx, rng, listed, ents.deregistered[ent], fix_day, fix_reasons(rng, n, 0.2))
    entries.add(ent, listed, ABNORMAL_REASONS.index(reason), removed, removal)


def ensure_warnings(ctx: Ctx, entries: ListEntries, ents: Entities) -> None:
    """Top up entries in stock whose 3-year anniversary is near (<= 90 days) or passed untransferred."""
    rng = ctx.rng("abnormal-warnings")
    ent, listed, _, removed, _ = entries.arrays()
    anniversary = add_years(listed, 3)
    in_stock = removed > ctx.dd
    soon = in_stock & (anniversary > ctx.dd) & (anniversary <= ctx.dd + 90)
    passed = in_stock & (anniversary <= ctx.dd)
    three_years_ago = int(add_years(np.array([ctx.dd]), -3)[0])
    pool = _listable(ents)
    for have, offsets in ((soon.sum(), (2, 88)), (passed.sum(), (-60, -1))):
        missing = WARNING_MIN - int(have)
        if missing <= 0:
            continue
        day = ctx.calendar.roll_forward(three_years_ago + rng.integers(*offsets, missing))
        candidates = pool[(ents.registered[pool] < day.min()) & (ents.deregistered[pool] == FAR)]
        chosen = candidates[rng.choice(candidates.size, missing, replace=False)]
        entries.add(chosen, day, ABNORMAL_REASONS.index("unreachable"), FAR, NO_REMOVAL)


def ensure_each_kind(ctx: Ctx, entries: ListEntries, ents: Entities) -> None:
    """Give every listing reason and removal reason at least one entry (small scales)."""
    rng = ctx.rng("abnormal-kinds")
    ent, listed, reason, removed, removal = entries.arrays()
    pool = _listable(ents)
    alive_pool = pool[ents.deregistered[pool] == FAR]
    for code in range(len(ABNORMAL_REASONS)):
        if not (reason == code).any():
            day = ctx.calendar.roll_back(np.array([ctx.dd - 200]))
            entries.add(alive_pool[rng.integers(alive_pool.size)], day, code, FAR, NO_REMOVAL)
    for code, name in enumerate(ABNORMAL_REMOVALS):
        if (removal == code).any():
            continue
        if name == "deregistered":
            # Removed on the day the enterprise itself was deregistered.
            gone = pool[(ents.deregistered[pool] <= ctx.dd) & (ents.deregistered[pool] - ents.registered[pool] > 200)]
            chosen = gone[rng.integers(gone.size)]
            out = ents.deregistered[chosen : chosen + 1]
            listed_day = ctx.calendar.roll_back(out - 120)
            entries.add(chosen, listed_day, ABNORMAL_REASONS.index("unreachable"), out, code)
            continue
        if name == "transferred":
            listed_day = ctx.calendar.roll_forward(np.array([ctx.dd - 3 * 365 - 300]))
            out = ctx.calendar.roll_forward(add_years(listed_day, 3) + 3)
        else:
            listed_day = ctx.calendar.roll_forward(np.array([ctx.dd - 400]))
            out = ctx.calendar.roll_forward(listed_day + 120)
        candidates = alive_pool[ents.registered[alive_pool] < listed_day[0]]
        entries.add(
            candidates[rng.integers(candidates.size)], listed_day, ABNORMAL_REASONS.index("unreachable"), out, code
        )


def serious_entries(ctx: Ctx, abnormal: ListEntries, ents: Entities, case_listings: tuple) -> ListEntries:
    """The serious-violation list: every transfer from the abnormal list, listings after serious
    violations (`case_listings` = entity indices and decision days), and a few others."""
    rng = ctx.rng("serious")
    serious = ListEntries()
    ent, _, _, removed, removal = abnormal.arrays()
    moved = removal == ABNORMAL_REMOVALS.index("transferred")
    serious.add(ent[moved], removed[moved], SERIOUS_REASONS.index("abnormal_3y"), FAR, NO_REMOVAL)
    case_ent, decided = case_listings
    listed = ctx.calendar.roll_forward(decided + rng.integers(15, 60, decided.size))
    ok = listed <= ctx.dd
    serious.add(case_ent[ok], listed[ok], SERIOUS_REASONS.index("serious_violation"), FAR, NO_REMOVAL)
    # "Other" listings (e.g. court-confirmed dishonesty); one is old enough to have expired.
    n_other = max(2, int(round(10 * ctx.scale * HISTORY_YEARS)))
    first = ymd(ctx.year - HISTORY_YEARS, 1, 1)
    days = rng.integers(first, ctx.dd - 30, n_other)
    days[0] = min(days[0], int(add_years(np.array([ctx.dd]), -3)[0]) - 100)
    days = ctx.calendar.roll_forward(days)
    pool = _listable(ents)
    pool = pool[(ents.registered[pool] < first) & (ents.deregistered[pool] == FAR)]
    serious.add(pool[rng.integers(0, pool.size, n_other)], days, SERIOUS_REASONS.index("other"), FAR, NO_REMOVAL)
    return _serious_removals(ctx, rng, serious)


def _serious_removals(ctx: Ctx, rng, serious: ListEntries) -> ListEntries:
    """Removal of serious-list entries: credit repair after a year, expiry after three, rare revocation."""
    ent, listed, reason, _, _ = serious.arrays()
    n = ent.size
    expired = ctx.calendar.roll_forward(add_years(listed, 3) + rng.integers(0, 10, n))
    repaired = np.where(rng.random(n) < 0.15, ctx.calendar.roll_forward(listed + rng.integers(365, 800, n)), FAR)
    revoked = np.where(rng.random(n) < 0.01, ctx.calendar.roll_forward(listed + rng.integers(10, 100, n)), FAR)
    candidates = np.stack([repaired, expired, revoked])
    first = candidates.argmin(axis=0)
    removed = candidates[first, np.arange(n)]
    removal = first.astype(np.int64)
    # Small scales: make sure each removal reason occurs, on an entry old enough for it.
    for code in range(len(SERIOUS_REMOVALS)):
        if (removal[removed <= ctx.dd] == code).any():
            continue
        due = (ctx.calendar.roll_forward(listed + 400), expired, ctx.calendar.roll_forward(listed + 30))[code]
        eligible = np.flatnonzero((due <= ctx.dd) & (removed > ctx.dd))
        if eligible.size:
            i = eligible[rng.integers(eligible.size)]
            removed[i], removal[i] = due[i], code
    removed = np.where(removed > ctx.dd, FAR, removed)
    out = ListEntries()
    out.add(ent, listed, reason, removed, np.where(removed == FAR, NO_REMOVAL, removal))
    return out


def list_columns(entries: ListEntries, ents: Entities, reasons: tuple, removals: tuple, first_id: int = 1) -> dict:
    """Table columns of a list, ids in order of listing; region = the enterprise's county."""
    ent, listed, reason, removed, removal = entries.arrays()
    order = np.lexsort((ent, listed))
    ent, listed, reason, removed, removal = (a[order] for a in (ent, listed, reason, removed, removal))
    county_codes = np.array(list(COUNTIES), dtype=object)
    removal_names = np.array(list(removals) + [None], dtype=object)
    return {
        "id": np.arange(first_id, first_id + ent.size, dtype=np.int64),
        "enterprise_id": ents.ids[ent],
        "region_code": county_codes[ents.county[ent]],
        "listed_on": listed,
        "listing_reason": np.array(reasons, dtype=object)[reason],
        "removed_on": removed,
        "removal_reason": removal_names[removal],
    }
