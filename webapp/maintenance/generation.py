"""Generating visits from maintenance plans: every period a plan calls for, inserted once.

Safe to run again and at the same time as another generator (`flask maintenance generate` runs
daily): a (customer, activity, period) that exists is never inserted twice. The verbs that
change one visit (reschedule, reassign, cancel, complete) live in `schedule.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..archive.models import Customer
from ..clock import local_today, utcnow
from ..extensions import db
from ..records import audit_values, created_values, stamp_new_rows, write_audit_rows
from .models import OPEN_VISIT_STATES, RECURRING_ACTIVITIES, MaintenancePlan, Visit
from .periods import monthly_periods, next_semi_annual, quarterly_periods, yearly_periods


@dataclass
class _Known:
    """What the generator knows about a customer's existing visits of one activity."""

    keys: set[str] = field(default_factory=set)
    last: Any = None  # the row with the highest period key (semi-annual chains need it)


def _existing_visits(customer_ids: Iterable[str] | None) -> dict[tuple[str, str], _Known]:
    """Existing recurring visits by (customer, activity): their keys and the latest one."""
    stmt = select(
        Visit.customer_id, Visit.activity, Visit.period_key, Visit.state, Visit.done_on, Visit.due_date,
        Visit.deleted_at,
    ).where(Visit.activity.in_(RECURRING_ACTIVITIES))
    if customer_ids is not None:
        stmt = stmt.where(Visit.customer_id.in_(list(customer_ids)))
    known: dict[tuple[str, str], _Known] = {}
    for row in db.session.execute(stmt):
        entry = known.setdefault((row.customer_id, row.activity), _Known())
        entry.keys.add(row.period_key)
        if entry.last is None or row.period_key > entry.last.period_key:
            entry.last = row
    return known


def _semi_annual_periods(plan: MaintenancePlan, last: Any, until: date) -> Iterator[tuple[str, date]]:
    """The next semi-annual maintenance, once the previous one is closed.

    Due six months after the last one was DONE (a cancelled one counts from its due date);
    the first is due six months after the plan starts. Only one is open at a time.
    """
    if last is None:
        anchor, previous_key = plan.start_date, None
    elif last.state in OPEN_VISIT_STATES and last.deleted_at is None:
        return
    elif last.state == "done" and last.done_on is not None:
        anchor, previous_key = last.done_on, last.period_key
    else:
        anchor, previous_key = last.due_date, last.period_key
    if anchor <= until:
        yield next_semi_annual(anchor, previous_key)


def _periods(plan: MaintenancePlan, known: _Known | None, until: date) -> Iterator[tuple[str, date]]:
    """Every (period key, due date) the plan calls for up to `until`."""
    if plan.activity == "monthly_patrol":
        yield from monthly_periods(plan.start_date, until)
    elif plan.activity == "quarterly_inspection":
        yield from quarterly_periods(plan.start_date, until)
    elif plan.activity == "year_end_inspection":
        yield from yearly_periods(plan.start_date, until)
    elif plan.activity == "semi_annual_maintenance":
        yield from _semi_annual_periods(plan, known.last if known else None, until)


def generate_visits(until: date, *, customer_ids: Iterable[str] | None = None, today: date | None = None) -> int:
    """Create the visits active plans call for, for periods starting up to `until`; returns how many.

    Safe to run again and at the same time as another generator: a period that exists is never
    inserted twice.
    """
    today = today or local_today()
    db.session.flush()
    stmt = (
        select(MaintenancePlan)
        .join(Customer, Customer.id == MaintenancePlan.customer_id)
        .where(
            MaintenancePlan.active.is_(True),
            MaintenancePlan.deleted_at.is_(None),
            Customer.deleted_at.is_(None),
            MaintenancePlan.start_date <= until,
        )
    )
    if customer_ids is not None:
        customer_ids = list(customer_ids)
        stmt = stmt.where(MaintenancePlan.customer_id.in_(customer_ids))
    plans = list(db.session.scalars(stmt))
    if not plans:
        return 0
    known = _existing_visits(customer_ids)
    rows = []
    for plan in plans:
        entry = known.get((plan.customer_id, plan.activity))
        for key, due in _periods(plan, entry, until):
            if entry is not None and key in entry.keys:
                continue
            rows.append({
                "customer_id": plan.customer_id, "plan_id": plan.id, "activity": plan.activity,
                "period_key": key, "original_due_date": due, "due_date": due,
                "assignee_id": plan.responsible_id, "state": "overdue" if due < today else "due",
                "done_on": None, "inspection_id": None, "history": [],
            })
    return insert_visits_if_absent(rows)


_AUDITED_VISIT_COLUMNS = (
    "customer_id", "plan_id", "activity", "period_key", "original_due_date", "due_date", "assignee_id", "state",
)


def insert_visits_if_absent(rows: list[dict]) -> int:
    """Insert visits, skipping any (customer, activity, period) that exists; returns how many went in.

    Bulk INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite; elsewhere one savepoint per
    row. Rows inserted here are stamped like any synced record (version 1, a change_seq) and
    written to the audit log.
    """
    if not rows:
        return 0
    db.session.flush()
    now = utcnow()
    stamp_new_rows(db.session, rows, now)
    table = Visit.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            dialect_insert(table)
            .on_conflict_do_nothing(index_elements=["customer_id", "activity", "period_key"])
            .returning(table.c.id)
        )
        inserted = set()
        for start in range(0, len(rows), 500):
            inserted.update(db.session.execute(stmt, rows[start:start + 500]).scalars().all())
    else:  # pragma: no cover - other databases
        inserted = set()
        for row in rows:
            try:
                with db.session.begin_nested():
                    db.session.execute(table.insert(), [row])
                inserted.add(row["id"])
            except IntegrityError:
                pass
    write_audit_rows([
        audit_values("create", "visit", row["id"], row["customer_id"], created_values(row, _AUDITED_VISIT_COLUMNS), at=now)
        for row in rows
        if row["id"] in inserted
    ])
    return len(inserted)


def refresh_visit_states(today: date | None = None) -> int:
    """Mark open visits overdue once today is past their due date (and due again after a later
    reschedule); returns how many changed."""
    today = today or local_today()
    changed = 0
    for visit in db.session.scalars(select(Visit).where(Visit.state == "due", Visit.due_date < today)):
        visit.state = "overdue"
        changed += 1
    for visit in db.session.scalars(select(Visit).where(Visit.state == "overdue", Visit.due_date >= today)):
        visit.state = "due"
        changed += 1
    db.session.flush()
    return changed
