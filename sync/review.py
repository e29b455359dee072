"""What the office's sync review page lists, and dismissing many refused mutations at once.

After one misbehaving device there can be thousands of rejections, so nothing here stops at
an arbitrary limit: lists are counted truly, filtered (kind, technician, school, code,
waiting or handled, combined), newest first and a page at a time, ordered by (time, id) so a
page never repeats or skips a row. A bulk dismissal takes one cause (a code of one kind):
it marks the rejections handled with a note, audits each one, and deletes nothing, so the
dismissed items stay listed under "handled". Nothing here commits: the caller does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import selectinload

from webapp.archive.models import Customer
from webapp.auth.models import User
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.records import audit_values, utcnow, write_audit_rows

from .models import Conflict, RejectedMutation
from .registry import all_kinds, get_kind

PAGE_SIZE = 50
WAITING, HANDLED = "waiting", "handled"
STATES = (WAITING, HANDLED)
ID_SHAPE = re.compile(r"[0-9A-Za-z-]{1,36}")
BATCH = 500  # rows per UPDATE when dismissing: keeps each statement's id list short


def _an_id(value: Any) -> bool:
    """True for text shaped like a record id (a refused mutation may carry anything at all)."""
    return isinstance(value, str) and bool(ID_SHAPE.fullmatch(value))


def customer_of_mutation(mutation: dict) -> str | None:
    """The school a pushed mutation is about: the customer its data names, or its record's."""
    data = mutation.get("data")
    named = data.get("customer_id") if isinstance(data, dict) else None
    if _an_id(named):
        return named
    kind = get_kind(str(mutation.get("kind")))
    record_id = mutation.get("id")
    if kind is None or kind.customer_column is None or not _an_id(record_id):
        return None
    record = db.session.get(kind.model, record_id)
    customer_id = kind.customer_id_of(record) if record is not None else None
    return customer_id if _an_id(customer_id) else None


# --- rejected mutations -------------------------------------------------------------------------


@dataclass
class RejectionFilters:
    """Which rejections to list; empty values do not filter."""

    kind: str = ""
    user_id: int | None = None
    customer_id: str = ""
    code: str = ""
    state: str = WAITING

    @classmethod
    def from_args(cls, args: Any) -> "RejectionFilters":
        """Filters from a query string (unknown or malformed values are ignored)."""
        user = str(args.get("user", "")).strip()
        state = args.get("state", WAITING)
        return cls(
            kind=str(args.get("kind", "")).strip()[:60],
            user_id=int(user) if user.isdigit() else None,
            customer_id=str(args.get("school", "")).strip()[:36],
            code=str(args.get("code", "")).strip()[:40],
            state=state if state in STATES else WAITING,
        )

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that keep them."""
        values = {"kind": self.kind, "user": str(self.user_id or ""), "school": self.customer_id, "code": self.code}
        if self.state != WAITING:
            values["state"] = self.state
        return {name: value for name, value in values.items() if value}

    def narrowed(self) -> bool:
        """True when any filter besides the state is set."""
        return bool(self.kind or self.user_id or self.customer_id or self.code)

    def names_a_cause(self) -> bool:
        """True when the filters name one cause (a code of one kind), which may be dismissed at once."""
        return bool(self.kind and self.code)


def rejection_query(filters: RejectionFilters) -> Select:
    """Rejections matching the filters (unordered)."""
    stmt = select(RejectedMutation)
    if filters.state == WAITING:
        stmt = stmt.where(RejectedMutation.handled_at.is_(None))
    else:
        stmt = stmt.where(RejectedMutation.handled_at.is_not(None))
    if filters.kind:
        stmt = stmt.where(RejectedMutation.kind == filters.kind)
    if filters.user_id:
        stmt = stmt.where(RejectedMutation.user_id == filters.user_id)
    if filters.customer_id:
        stmt = stmt.where(RejectedMutation.customer_id == filters.customer_id)
    if filters.code:
        stmt = stmt.where(RejectedMutation.code == filters.code)
    return stmt


def count_of(stmt: Select) -> int:
    """How many rows a query finds."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def rejections_page(filters: RejectionFilters, page: int, per_page: int = PAGE_SIZE):
    """One page of the matching rejections, newest first; `.total` is the true count."""
    stmt = (rejection_query(filters).options(selectinload(RejectedMutation.user))
            .order_by(RejectedMutation.created_at.desc(), RejectedMutation.id.desc()))
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def waiting_rejection_count() -> int:
    """Rejections nobody has handled yet (the tab's counter)."""
    return count_of(rejection_query(RejectionFilters()))


def rejection_choices() -> dict[str, list[tuple[str, str]]]:
    """The values the filters offer: the kinds, codes, technicians and schools rejections have."""
    column = RejectedMutation
    kinds = db.session.scalars(select(column.kind).distinct().order_by(column.kind)).all()
    codes = db.session.scalars(select(column.code).distinct().order_by(column.code)).all()
    users = db.session.scalars(
        select(User).where(User.id.in_(select(column.user_id))).order_by(User.display_name, User.id)
    ).all()
    schools = db.session.scalars(
        select(Customer).where(Customer.id.in_(select(column.customer_id))).order_by(Customer.name, Customer.id)
    ).all()
    return {
        "kind": [(kind, kind) for kind in kinds],
        "code": [(code, code) for code in codes],
        "user": [(str(user.id), user.display_name) for user in users],
        "school": [(school.id, school.name) for school in schools],
    }


def waiting_causes(limit: int = 10) -> list[tuple[str, str, int]]:
    """(code, kind, how many) of the waiting rejections, the commonest causes first."""
    rows = db.session.execute(
        select(RejectedMutation.code, RejectedMutation.kind, func.count())
        .where(RejectedMutation.handled_at.is_(None))
        .group_by(RejectedMutation.code, RejectedMutation.kind)
        .order_by(func.count().desc(), RejectedMutation.code, RejectedMutation.kind)
        .limit(limit)
    ).all()
    return [(code, kind, count) for code, kind, count in rows]


def dismissal_scope(filters: RejectionFilters) -> tuple[int, int]:
    """(how many waiting rejections a dismissal of these filters takes, the newest one's id)."""
    waiting = RejectionFilters(filters.kind, filters.user_id, filters.customer_id, filters.code, WAITING)
    matching = rejection_query(waiting).subquery()
    count, newest = db.session.execute(select(func.count(), func.max(matching.c.id))).one()
    return int(count), int(newest or 0)


def dismiss_rejections(user: User, filters: RejectionFilters, up_to_id: int, note: str = "") -> int:
    """Mark handled every waiting rejection of one cause (up to the one the office confirmed).

    Rejections that arrive after the confirmation (a higher id) are left for the next look.
    Each dismissed row is audited like a single "mark handled"; returns how many were dismissed.
    """
    if not filters.names_a_cause():
        raise DomainError(_("Choose a kind and a code to dismiss rejections of one cause."), code="invalid")
    note = (note or "").strip()[:2000] or _("Dismissed together with the other rejections of this cause.")
    waiting = RejectionFilters(filters.kind, filters.user_id, filters.customer_id, filters.code, WAITING)
    ids = list(db.session.scalars(
        rejection_query(waiting).with_only_columns(RejectedMutation.id).where(RejectedMutation.id <= up_to_id)
    ).all())
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.session.execute(
            update(RejectedMutation)
            .where(RejectedMutation.id.in_(chunk), RejectedMutation.handled_at.is_(None))
            .values(handled_at=now, handled_by_id=user.id, handled_note=note)
            .execution_options(synchronize_session="fetch")
        )
    changes = {"handled_at": [None, now.isoformat()], "handled_by_id": [None, user.id], "handled_note": ["", note]}
    write_audit_rows([
        audit_values("update", RejectedMutation.__tablename__, str(row_id), None, changes, at=now) for row_id in ids
    ])
    return len(ids)


# --- conflicts and incomplete submissions -----------------------------------------------------------


def conflicts_page(page: int, per_page: int = PAGE_SIZE):
    """One page of the open conflicts, newest first; `.total` is the true count."""
    stmt = (
        select(Conflict).where(Conflict.state == "open").options(selectinload(Conflict.user))
        .order_by(Conflict.created_at.desc(), Conflict.id.desc())
    )
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def open_conflict_count() -> int:
    """Conflicts waiting for the office (the tab's counter)."""
    return count_of(select(Conflict).where(Conflict.state == "open"))


def incomplete_count() -> int:
    """Submissions of every kind still waiting for a blob (the tab's counter)."""
    total = 0
    for kind in all_kinds():
        if kind.blobs:
            total += count_of(
                select(kind.model).where(kind.model.complete.is_(False), kind.model.deleted_at.is_(None))
            )
    return total
