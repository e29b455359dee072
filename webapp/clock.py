"""The one clock: UTC instants, the site's time zone, and "today" where the schools are.

Times are stored in UTC and shown in the site's zone (`BABEL_DEFAULT_TIMEZONE`, Asia/Shanghai
unless configured). Every module that needs "now", "today" or a local day asks here, so the
zone is read in one place. This module sits at the ground floor: it imports nothing of the
app, so models and services of every feature can use it. (`webapp.records` still exposes
`UTCDateTime`, since the deployed migrations name it there.)
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    """Return the current time in UTC (aware)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Normalise to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        """Attach UTC to naive values read back from SQLite."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def site_zone() -> ZoneInfo:
    """The site's time zone (the running app's BABEL_DEFAULT_TIMEZONE; Asia/Shanghai outside one)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def local_today() -> date:
    """Today's date in the site's time zone."""
    return utcnow().astimezone(site_zone()).date()


def local_date(moment: datetime) -> date:
    """The calendar day of a UTC moment in the site's time zone."""
    return moment.astimezone(site_zone()).date()


def local_day_start(day: date) -> datetime:
    """Midnight at the start of a site-local day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=site_zone())


def local_text(moment: datetime | None) -> str:
    """A UTC moment as local 'YYYY-MM-DD HH:MM' (empty for none), as papers print it."""
    return moment.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M") if moment else ""
