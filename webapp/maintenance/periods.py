"""Calendar arithmetic for the visit schedule: period keys and due dates (pure functions).

Rules (DOMAIN.md, "Deadlines the system must compute"):
- monthly patrol: one per month, due on the month's last day ('2026-11' → 2026-11-30);
- quarterly inspection: one per quarter, due on the quarter's last day ('2026-Q4' → 2026-12-31);
- year-end inspection (the quality team's): one a year, due on 31 December ('2026' → 2026-12-31);
- semi-annual maintenance: due six months after the last one was DONE, clamped to the end of a
  shorter month (31 Aug + 6 months → 28 or 29 Feb); its key names a half year ('2026-H2').
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Iterator


def month_end(year: int, month: int) -> date:
    """The last day of a month (28/29 February, 30 or 31 otherwise)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_of(day: date) -> int:
    """The quarter (1-4) a day falls in."""
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter."""
    return month_end(year, quarter * 3)


def half_of(day: date) -> int:
    """The half year (1 or 2) a day falls in."""
    return 1 if day.month <= 6 else 2


def month_key(year: int, month: int) -> str:
    """Period key of a month: '2026-11'."""
    return f"{year:04d}-{month:02d}"


def quarter_key(year: int, quarter: int) -> str:
    """Period key of a quarter: '2026-Q4'."""
    return f"{year:04d}-Q{quarter}"


def half_key(year: int, half: int) -> str:
    """Period key of a half year: '2026-H2'."""
    return f"{year:04d}-H{half}"


def parse_half_key(key: str) -> tuple[int, int]:
    """'2026-H2' → (2026, 2)."""
    year, half = key.split("-H")
    return int(year), int(half)


def next_half_key(key: str) -> str:
    """The half year after the one named: '2026-H2' → '2027-H1'."""
    year, half = parse_half_key(key)
    return half_key(year + 1, 1) if half == 2 else half_key(year, 2)


def monthly_periods(start: date, until: date) -> Iterator[tuple[str, date]]:
    """(key, due date) of every month from the one holding `start` to the one holding `until`."""
    year, month = start.year, start.month
    while (year, month) <= (until.year, until.month):
        yield month_key(year, month), month_end(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def quarterly_periods(start: date, until: date) -> Iterator[tuple[str, date]]:
    """(key, due date) of every quarter from the one holding `start` to the one holding `until`."""
    year, quarter = start.year, quarter_of(start)
    while (year, quarter) <= (until.year, quarter_of(until)):
        yield quarter_key(year, quarter), quarter_end(year, quarter)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def yearly_periods(start: date, until: date) -> Iterator[tuple[str, date]]:
    """(key, due date) of the year-end inspection of every year from `start`'s to `until`'s."""
    for year in range(start.year, until.year + 1):
        yield f"{year:04d}", date(year, 12, 31)


def next_semi_annual(anchor: date, previous_key: str | None) -> tuple[str, date]:
    """Key and due date of the maintenance after one anchored at `anchor`.

    The due date is six months after the anchor (the last done maintenance). The key is the
    half year of that due date, but always later than the previous key, so a maintenance done
    early never produces a key that already exists and keys only ever grow.
    """
    due = add_months(anchor, 6)
    key = half_key(due.year, half_of(due))
    if previous_key is not None:
        following = next_half_key(previous_key)
        key = max(key, following)
    return key, due


def week_end(day: date) -> date:
    """The Sunday ending the week (Monday to Sunday) that holds `day`."""
    return day + timedelta(days=6 - day.weekday())


def parse_month(value: str | None, default: date) -> tuple[int, int]:
    """'2026-11' → (2026, 11); the default's month when missing or malformed."""
    try:
        year_text, month_text = (value or "").split("-")
        year, month = int(year_text), int(month_text)
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return default.year, default.month


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month `delta` months away."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1
