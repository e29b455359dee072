"""Working-day arithmetic on the Chinese statutory calendar, and entering a year's calendar.

Where a year's calendar comes from, in order:
1. **entered** — an administrator entered the year's holidays and make-up working days (调休)
   in the app (the State Council publishes each year's notice in November or December);
2. **official** — the `chinese_calendar` package knows the year (1.11.0: 2004–2026);
3. **assumed** — nobody entered it and the package does not know it: Monday to Friday are
   working days, with no holidays. Every result that relied on such a year says so
   (`CalendarResult.assumed_years`, `calendar_warning(years)`), so a page can warn wherever
   a deadline depends on it.

Counting working days follows the Civil Code (民法典 art. 201): a period counted in days does
not count the day it starts on. "Back within 10 working days" of a device sent on day S is
due at the end of the 10th working day *after* S, whatever time of day S it left:
`add_working_days(S, 10)`. `working_days_between(a, b)` counts the working days d with
a < d <= b, so `working_days_between(s, add_working_days(s, n)) == n`.

These functions take dates in the site's time zone (Asia/Shanghai), never datetimes: turning
an instant into a local date is the caller's job (webapp/repairs/deadlines.py does it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Callable, Generic, Iterable, TypeVar

import chinese_calendar
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from ..clock import utcnow
from ..errors import DomainError
from ..extensions import db
from .models import WorkCalendarYear

OFFICIAL = "official"
ENTERED = "entered"
ASSUMED = "assumed"
STATUS_LABELS = {
    OFFICIAL: _l("Official (package)"),
    ENTERED: _l("Entered in the app"),
    ASSUMED: _l("Assumed Monday to Friday"),
}
# Years an administrator may enter: wide, but no typo like 20277.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_STEPS = 3660  # about ten years of days: a guard against runaway loops

T = TypeVar("T")


@dataclass(frozen=True)
class YearData:
    """One year's exceptions to Monday–Friday: holidays and make-up working days, with names."""

    year: int
    holidays: dict[date, str]
    makeup_days: dict[date, str]
    source: str  # OFFICIAL or ENTERED


@dataclass(frozen=True)
class CalendarResult(Generic[T]):
    """A calendar answer, and the years it had to assume were plain Monday–Friday."""

    value: T
    assumed_years: tuple[int, ...] = ()

    @property
    def assumed(self) -> bool:
        """True when the answer relied on a year nobody entered and the package does not know."""
        return bool(self.assumed_years)

    @property
    def warning(self) -> str | None:
        """The warning to show next to anything that depends on this answer, or None."""
        return calendar_warning(self.assumed_years)

    def __bool__(self) -> bool:
        """Truth of the value, so `if is_working_day(d):` means what it says."""
        return bool(self.value)


@dataclass(frozen=True)
class DayInfo:
    """What one date is: a working day or not, why, and which calendar said so."""

    day: date
    working: bool
    kind: str  # 'workday' | 'weekend' | 'holiday' | 'makeup'
    name: str
    status: str  # OFFICIAL | ENTERED | ASSUMED


# --------------------------------------------------------------------------- sources


@lru_cache(maxsize=None)
def package_year(year: int) -> YearData | None:
    """The year as the `chinese_calendar` package knows it, or None when it does not."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    holidays = {d: str(name) for d, name in chinese_calendar.holidays.items() if d.year == year}
    makeup = {d: str(name) for d, name in chinese_calendar.workdays.items() if d.year == year}
    return YearData(year, holidays, makeup, OFFICIAL)


def entered_year(year: int) -> YearData | None:
    """The year as entered in the app (not retired), or None."""
    row = db.session.scalar(
        select(WorkCalendarYear).where(
            WorkCalendarYear.year == year, WorkCalendarYear.deleted_at.is_(None)
        )
    )
    if row is None:
        return None
    return YearData(year, days_from_json(row.holidays), days_from_json(row.makeup_days), ENTERED)


def days_from_json(items: Iterable[dict[str, Any]]) -> dict[date, str]:
    """Turn the stored [{"date", "name"}] list into a date → name map."""
    return {date.fromisoformat(item["date"]): item.get("name") or "" for item in items or []}


def _days_to_json(days: dict[date, str]) -> list[dict[str, str]]:
    """Turn a date → name map into the stored list, sorted by date."""
    return [{"date": d.isoformat(), "name": days[d]} for d in sorted(days)]


# --------------------------------------------------------------------------- the calendar


class WorkCalendar:
    """The working calendar for one unit of work (a request, a board): loads each year once.

    Nothing is cached beyond the object's life, so several app servers never disagree about
    a year an administrator has just entered. Pass one instance to every call of a batch
    (`cal=`) to avoid a query per call. `loader` finds entered years (tests pass their own).
    """

    def __init__(self, loader: Callable[[int], YearData | None] | None = None):
        """Start empty; years are looked up on first use."""
        self._loader = loader or entered_year
        self._years: dict[int, YearData | None] = {}

    def year(self, year: int) -> YearData | None:
        """The data used for a year: entered first, then the package; None when assumed."""
        if year not in self._years:
            self._years[year] = self._loader(year) or package_year(year)
        return self._years[year]

    def status(self, year: int) -> str:
        """Where a year's calendar comes from: 'official', 'entered' or 'assumed'."""
        data = self.year(year)
        return data.source if data is not None else ASSUMED

    def day_info(self, day: date) -> DayInfo:
        """What a date is in this calendar."""
        _require_date(day)
        data = self.year(day.year)
        status = data.source if data is not None else ASSUMED
        if data is not None and day in data.holidays:
            return DayInfo(day, False, "holiday", data.holidays[day], status)
        if data is not None and day in data.makeup_days:
            return DayInfo(day, True, "makeup", data.makeup_days[day], status)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend", "", status)
        return DayInfo(day, True, "workday", "", status)

    def is_working_day(self, day: date) -> CalendarResult[bool]:
        """Whether people work on this date."""
        info = self.day_info(day)
        return CalendarResult(info.working, _assumed((info,)))

    def add_working_days(self, start: date, n: int) -> CalendarResult[date]:
        """The n-th working day after `start` (start itself not counted); `start` when n is 0."""
        _require_date(start)
        if n < 0:
            raise ValueError("n must not be negative")
        seen: list[DayInfo] = []
        day, counted, steps = start, 0, 0
        while counted < n:
            day += timedelta(days=1)
            steps += 1
            if steps > MAX_STEPS:
                raise ValueError("too many working days asked for")
            info = self.day_info(day)
            seen.append(info)
            if info.working:
                counted += 1
        return CalendarResult(day, _assumed(seen))

    def working_days_between(self, a: date, b: date) -> CalendarResult[int]:
        """Working days d with a < d <= b; negative when b comes before a."""
        _require_date(a)
        _require_date(b)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        if (b - a).days > MAX_STEPS:
            raise ValueError("range too long")
        seen = [self.day_info(a + timedelta(days=i)) for i in range(1, (b - a).days + 1)]
        return CalendarResult(sign * sum(1 for info in seen if info.working), _assumed(seen))


def _require_date(day: Any) -> None:
    """Refuse datetimes: a local date must be chosen on purpose, not by accident of UTC."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError("pass a date in the site's time zone, not a datetime")


def _assumed(infos: Iterable[DayInfo]) -> tuple[int, ...]:
    """The sorted years among these days whose calendar was assumed."""
    return tuple(sorted({info.day.year for info in infos if info.status == ASSUMED}))


# --------------------------------------------------------------------------- the verbs


def is_working_day(day: date, cal: WorkCalendar | None = None) -> CalendarResult[bool]:
    """Whether people work on this local date (with the years it assumed)."""
    return (cal or WorkCalendar()).is_working_day(day)


def add_working_days(start: date, n: int, cal: WorkCalendar | None = None) -> CalendarResult[date]:
    """The n-th working day after `start`, not counting `start` (民法典 art. 201)."""
    return (cal or WorkCalendar()).add_working_days(start, n)


def working_days_between(a: date, b: date, cal: WorkCalendar | None = None) -> CalendarResult[int]:
    """How many working days fall in (a, b]."""
    return (cal or WorkCalendar()).working_days_between(a, b)


def calendar_status(year: int, cal: WorkCalendar | None = None) -> str:
    """'official' (package), 'entered' (in the app) or 'assumed' (Monday–Friday fallback)."""
    return (cal or WorkCalendar()).status(year)


def calendar_warning(years: Iterable[int]) -> str | None:
    """The warning for results that assumed these years were plain Monday–Friday, or None."""
    years = sorted(set(years))
    if not years:
        return None
    listed = ", ".join(str(y) for y in years)
    return ngettext(
        "The working calendar for %(years)s has not been entered yet: Monday to Friday are "
        "counted as working days, without holidays or make-up working days. Deadlines may be off.",
        "The working calendars for %(years)s have not been entered yet: Monday to Friday are "
        "counted as working days, without holidays or make-up working days. Deadlines may be off.",
        len(years),
        years=listed,
    )


# --------------------------------------------------------------------------- entering a year

_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_RANGE_SEP = r"\s*(?:\.\.|~|～|至|到|–|—|\s-\s|\s+to\s+)\s*"
_LINE = re.compile(rf"^{_DATE}(?:{_RANGE_SEP}{_DATE})?(?:\s*[,，:：]?\s*(.*))?$")
MAX_RANGE_DAYS = 31


@dataclass
class YearInput:
    """A year's calendar as parsed from the admin page, with what is wrong and what is odd."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    makeup_days: dict[date, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        """Note an error against one form field."""
        self.errors.setdefault(name, []).append(message)


def parse_days(text: str, year: int, name: str, result: YearInput) -> dict[date, str]:
    """Parse lines like '2027-10-01..2027-10-07 国庆节' or '2027-01-01 元旦' into date → name."""
    days: dict[date, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            result.error(name, _("Line %(n)s: “%(line)s” is not a date or a date range (write 2027-10-01 or 2027-10-01..2027-10-07, then the name).", n=number, line=line))
            continue
        parts = match.groups()
        try:
            first = date(int(parts[0]), int(parts[1]), int(parts[2]))
            last = date(int(parts[3]), int(parts[4]), int(parts[5])) if parts[3] else first
        except ValueError:
            result.error(name, _("Line %(n)s: “%(line)s” contains a date that does not exist.", n=number, line=line))
            continue
        label = (parts[6] or "").strip()[:60]
        if last < first:
            result.error(name, _("Line %(n)s: the range ends before it starts.", n=number))
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            result.error(name, _("Line %(n)s: a range longer than %(max)s days is surely a typo.", n=number, max=MAX_RANGE_DAYS))
            continue
        if first.year != year or last.year != year:
            result.error(name, _("Line %(n)s: only dates in %(year)s belong here.", n=number, year=year))
            continue
        day = first
        while day <= last:
            days.setdefault(day, label)
            day += timedelta(days=1)
    return days


def check_year(result: YearInput) -> YearInput:
    """Add the cross-checks: no day both holiday and make-up day; make-up days on weekends."""
    for day in sorted(set(result.holidays) & set(result.makeup_days)):
        result.error("makeup_days", _("%(day)s is both a holiday and a make-up working day.", day=day.isoformat()))
    for day in sorted(result.makeup_days):
        if day.weekday() < 5:
            result.warnings.append(_("%(day)s is a weekday: a make-up working day is normally a Saturday or Sunday (a weekday is a working day anyway).", day=day.isoformat()))
    if not result.holidays:
        result.warnings.append(_("No holidays are entered for %(year)s: every weekday will count as a working day.", year=result.year))
    return result


def parse_year(year: int, holidays_text: str, makeup_text: str) -> YearInput:
    """Parse and check the admin page's two text boxes for one year."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("Choose a year between %(a)s and %(b)s.", a=FIRST_YEAR, b=LAST_YEAR), code="bad_year")
    result = YearInput(year)
    result.holidays = parse_days(holidays_text, year, "holidays", result)
    result.makeup_days = parse_days(makeup_text, year, "makeup_days", result)
    return check_year(result)


def format_days(days: dict[date, str]) -> str:
    """Write a date → name map as lines, joining runs of consecutive days with one name."""
    lines: list[str] = []
    ordered = sorted(days)
    i = 0
    while i < len(ordered):
        first = last = ordered[i]
        while (
            i + 1 < len(ordered)
            and ordered[i + 1] - last == timedelta(days=1)
            and days[ordered[i + 1]] == days[first]
        ):
            i += 1
            last = ordered[i]
        span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        lines.append(f"{span} {days[first]}".rstrip())
        i += 1
    return "\n".join(lines)


def get_entered_row(year: int) -> WorkCalendarYear | None:
    """The stored row of a year, retired or not."""
    return db.session.scalar(select(WorkCalendarYear).where(WorkCalendarYear.year == year))


def save_year(year: int, holidays: dict[date, str], makeup_days: dict[date, str], note: str, user) -> WorkCalendarYear:
    """Enter (or replace) a year's holidays and make-up days; it then overrides the package."""
    check = check_year(YearInput(year, dict(holidays), dict(makeup_days)))
    for day in list(holidays) + list(makeup_days):
        if day.year != year:
            check.error("holidays", _("Only dates in %(year)s belong here.", year=year))
            break
    if check.errors:
        raise DomainError(
            " ".join(m for msgs in check.errors.values() for m in msgs),
            code="invalid_calendar",
            errors=check.errors,
        )
    user_id = getattr(user, "id", None)  # read first: loading it may autoflush
    row = get_entered_row(year)
    fields = dict(
        holidays=_days_to_json(holidays),
        makeup_days=_days_to_json(makeup_days),
        note=(note or "").strip()[:300],
        entered_by_id=user_id,
        entered_at=utcnow(),
        deleted_at=None,
    )
    if row is None:
        row = WorkCalendarYear(year=year, **fields)
        db.session.add(row)
    else:
        for key, value in fields.items():
            setattr(row, key, value)
    db.session.flush()
    return row


def remove_year(year: int, user) -> WorkCalendarYear:
    """Retire a year's entry: the package's data (or Monday–Friday) applies again."""
    user_id = getattr(user, "id", None)
    row = get_entered_row(year)
    if row is None or row.deleted_at is not None:
        raise DomainError(_("Nothing is entered for %(year)s.", year=year), code="not_entered")
    row.deleted_at = utcnow()
    row.entered_by_id = user_id
    db.session.flush()
    return row


def years_overview(today: date, cal: WorkCalendar | None = None) -> list[tuple[int, str]]:
    """Years worth showing on the admin page (last year to two years ahead, and any entered)."""
    cal = cal or WorkCalendar()
    years = set(range(today.year - 1, today.year + 3))
    years |= set(db.session.scalars(select(WorkCalendarYear.year).where(WorkCalendarYear.deleted_at.is_(None))))
    return [(y, cal.status(y)) for y in sorted(years)]
