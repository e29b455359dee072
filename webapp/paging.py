"""The one reading of a list's `?page=` argument, for every paged page and API."""
from __future__ import annotations

from flask import request

# Far beyond any real list, and small enough that page × page size stays a valid SQL OFFSET on
# every database (a 20-digit page once overflowed SQLite's integer and answered 500).
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The ?page= argument: 1 when missing or not a whole number, never below 1 or above MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
