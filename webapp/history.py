"""The history area of the archive's pages: sections other features contribute.

A customer's, cabinet's or device's page ends with its history: repair tickets, patrol and
maintenance sheets, signed documents. Each feature that keeps such records registers a
section provider here (`register_section`), and the archive asks for the sections of a record
(`sections_for`). This module imports no feature, so any feature, `documents/` included, may
register without importing the archive or another feature. The app factory registers the
sections in the order the pages show them; registering a key again replaces it in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Callable

from flask import current_app, has_request_context, url_for

# The record kinds whose pages have a history area (the archive's own names for them).
RECORD_KINDS = ("customer", "cabinet", "device")


@dataclass
class HistoryItem:
    """One line in a record's history."""

    at: datetime | date | None
    title: str
    url: str | None = None
    tag: str = ""
    tag_class: str = ""
    detail: str = ""


@dataclass
class HistorySection:
    """A group in the history area: repairs, patrols, documents..."""

    key: str
    title: str
    items: list[HistoryItem] = field(default_factory=list)
    empty: str = ""


# A provider is given the record and the user looking at it, and returns its section.
HistoryProvider = Callable[[Any, Any], HistorySection]
_providers: dict[str, list[tuple[str, HistoryProvider]]] = {kind: [] for kind in RECORD_KINDS}


def register_section(record_kind: str, key: str, provider: HistoryProvider) -> None:
    """Add a section to the pages of one record kind; the same key again replaces it in place."""
    if record_kind not in _providers:
        raise ValueError(f"no history area on {record_kind!r} pages; choose one of {RECORD_KINDS}")
    providers = _providers[record_kind]
    for index, (existing, _provider) in enumerate(providers):
        if existing == key:
            providers[index] = (key, provider)
            return
    providers.append((key, provider))


def sections_for(record_kind: str, record: Any, user: Any) -> list[HistorySection]:
    """The history sections of a record, in registration order."""
    return [provider(record, user) for _key, provider in _providers.get(record_kind, [])]


@dataclass
class TimelineEntry:
    """One line of a record's timeline: a history item and the section it comes from."""

    key: str
    kind: str
    item: HistoryItem


def _when(item: HistoryItem) -> datetime:
    """A sort key for a line: a bare date counts as the end of that day (after its timed lines)."""
    at = item.at
    if at is None:
        return datetime.min.replace(tzinfo=UTC)
    if isinstance(at, datetime):
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    return datetime.combine(at, time.max, tzinfo=UTC)


def timeline(sections: list[HistorySection]) -> list[TimelineEntry]:
    """Every section's lines in one list, newest first: repairs, sheets, papers and changes
    read as the record lived them, not section by section."""
    entries = [TimelineEntry(s.key, s.title, item) for s in sections for item in s.items]
    return sorted(entries, key=lambda e: _when(e.item), reverse=True)


def registered_keys(record_kind: str) -> list[str]:
    """The section keys of a record kind's pages, in the order they show."""
    return [key for key, _provider in _providers.get(record_kind, [])]


def url_if_exists(endpoint: str, **values: Any) -> str | None:
    """A URL for a history line; None outside a request (history built in a CLI or a test)."""
    if has_request_context() and endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None
