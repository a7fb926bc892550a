"""Shared pieces of the demo generator: the generation context, day numbers and sampling helpers.

Dates are handled as integer day numbers (days since 1970-01-01) in numpy arrays, so whole
columns are computed at once; `FAR` stands for "never" (a NULL date) and compares later than any
real date, which keeps tests such as "removed by d" a plain `<=`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from data.demo_calendar import WorkCalendar

EPOCH = date(1970, 1, 1)
FAR = 10_000_000
"""Day number meaning "no date" (NULL); later than every real day."""

COMPANY, INDIVIDUAL, COOPERATIVE = 0, 1, 2
ENTITY_TYPES = ("company", "individual", "cooperative")
GRADES = ("", "A", "B", "C", "D")
"""Grade codes by index; 0 means unrated (未分类)."""


def day(d: date) -> int:
    """Day number of a date."""
    return (d - EPOCH).days


def ymd(year: int, month: int, dom: int) -> int:
    """Day number of a calendar date."""
    return day(date(year, month, dom))


def to_date(n: int) -> date:
    """Date of a day number."""
    return EPOCH + timedelta(days=int(n))


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar date `years` later; 29 Feb becomes 28 Feb (metrics.md's anniversary rule)."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = dt.astype("datetime64[M]")
    dom = (dt - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(12 * years, "M")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return target.astype("datetime64[D]").astype(np.int64) + np.minimum(dom, length - 1)


def month_starts(first: int, last: int) -> np.ndarray:
    """Day numbers of the 1st of every month from the month of `first` to that of `last`."""
    months = np.arange(np.datetime64(to_date(first), "M"), np.datetime64(to_date(last), "M") + np.timedelta64(1, "M"))
    return months.astype("datetime64[D]").astype(np.int64)


def stable_key(name: str) -> int:
    """A process-independent integer for a name (Python's hash() is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


def pick(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """`size` keys of `weights` drawn with probability proportional to their values."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    idx = rng.choice(len(keys), size=size, p=p / p.sum())
    return np.array(keys, dtype=object)[idx] if size else np.array([], dtype=object)


def allocate(total: int, shares: dict, minimum: int = 0) -> dict:
    """Split `total` into integer counts by `shares`, each at least `minimum` (so small scales keep every kind)."""
    weights = np.array(list(shares.values()), dtype=float)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    remainder = total - counts.sum()
    for i in np.argsort(-(exact - counts), kind="stable")[: max(remainder, 0)]:
        counts[i] += 1
    return {key: max(int(c), minimum) for key, c in zip(shares, counts)}


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of `k` distinct items drawn with probability proportional to `weights` (Gumbel top-k)."""
    n = len(weights)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.array([], dtype=np.int64)
    keys = np.log(np.maximum(weights, 1e-12)) + rng.gumbel(size=n)
    return np.argpartition(-keys, k - 1)[:k]


def scaled(n: float, scale: float, minimum: int = 0) -> int:
    """`n` scaled, rounded, and at least `minimum`."""
    return max(minimum, int(round(n * scale)))


@dataclass
class Ctx:
    """What every part of the generator shares: seed, scale, the data date and the work calendar."""

    seed: int
    scale: float
    data_date: date
    calendar: WorkCalendar
    dd: int = field(init=False)
    year: int = field(init=False)

    def __post_init__(self) -> None:
        self.dd = day(self.data_date)
        self.year = self.data_date.year

    def rng(self, part: str) -> np.random.Generator:
        """An independent random stream per part, so changing one part leaves the others as they were."""
        return np.random.default_rng([self.seed, stable_key(part)])

    def workday_on_or_before(self, days: np.ndarray) -> np.ndarray:
        """Each day moved back to the nearest working day (itself if it is one)."""
        return self.calendar.roll_back(days)

    def office_day(self, days: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Each day moved forward to a working day, then capped at `cap` (default: the data date)."""
        cap = self.dd if cap is None else cap
        rolled = self.calendar.roll_forward(days)
        return np.where(rolled > cap, self.calendar.roll_back(np.minimum(days, cap)), rolled)
