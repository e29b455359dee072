"""The one reading of a list's `?page=` argument, for every paged page and API."""
from __future__ import annotations

from flask import request

# Far beyond any real list, and small enough that page × page size stays a valid SQL OFFSET on
# every database (a 20-digit page once overflowed SQLite's integer and answered 500).
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The ?page= argument: 1 when missing or not a whole number, never below 1 or above MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


class ListPage:
    """One page of a list already in memory, with what the `pager` macro reads (the same
    attributes as a Flask-SQLAlchemy Pagination): for lists sorted in Python, e.g. overdue first."""

    def __init__(self, items: list, page: int, per_page: int):
        """The `page`-th slice of `items`; a page past the end is empty."""
        self.total, self.page, self.per_page = len(items), page, per_page
        self.items = items[(page - 1) * per_page: page * per_page]

    @property
    def pages(self) -> int:
        """How many pages in all (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """There is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """There is a page after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1
