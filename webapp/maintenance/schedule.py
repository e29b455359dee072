"""The patrol and maintenance calendar: plans, the verbs that change one visit (reschedule,
reassign, cancel, complete) and what people look at (my visits, the month overview).

Visits are generated from the plans in `generation.py`, each once, never twice: the table has a
unique constraint on (customer, activity, period key), and the generator inserts with ON
CONFLICT DO NOTHING, so two generators running at the same time cannot both insert a period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..archive.models import Customer
from ..auth.models import Role, User, customer_technician
from ..clock import local_today, utcnow
from ..errors import DomainError
from ..extensions import db
from .models import OPEN_VISIT_STATES, RECURRING_ACTIVITIES, MaintenancePlan, Visit
from .generation import generate_visits
from .periods import month_end, week_end
from .quality import check_plan_owner

# Who may be responsible for a visit besides the customer's own technicians.
FIELD_STAFF_ROLES = (Role.SUPERVISOR.value, Role.QUALITY.value)
UPCOMING_DAYS = 35


# --- who may do a visit -----------------------------------------------------------------


def assignable_users(customer_id: str) -> list[User]:
    """People who can be given a customer's visits: its technicians, supervisors, quality team."""
    assigned = select(customer_technician.c.user_id).where(customer_technician.c.customer_id == customer_id)
    return list(db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            or_(
                User.role.in_(FIELD_STAFF_ROLES),
                and_(User.role == Role.TECHNICIAN.value, User.id.in_(assigned)),
            ),
        )
        .order_by(User.role.desc(), User.display_name)
    ))


def _check_assignee(customer_id: str, user_id: int | None) -> User | None:
    """The user, when they may be responsible for this customer's visits; DomainError otherwise."""
    if user_id is None:
        return None
    allowed = {u.id: u for u in assignable_users(customer_id)}
    if user_id not in allowed:
        raise DomainError(
            _("That person is not responsible for this customer. Assign the customer to the technician first."),
            code="invalid_assignee",
        )
    return allowed[user_id]


def _add_history(visit: Visit, action: str, by: User | None, *, old: Any = None, new: Any = None,
                 reason: str = "", auto: str | None = None) -> None:
    """Append one entry to a visit's history (kept on the record, so it travels to devices).

    `reason` is what a person typed; `auto` is the code of a change the system made (shown
    translated, never stored as text in one language).
    """
    entry = {
        "at": utcnow().isoformat(timespec="seconds"),
        "by": by.id if by else None,
        "by_name": by.display_name if by else "",
        "action": action,
        "from": old,
        "to": new,
        "reason": reason,
    }
    if auto:
        entry["auto"] = auto
    visit.history = [*(visit.history or []), entry]


# --- plans ------------------------------------------------------------------------------


def plans_for(customer_id: str) -> dict[str, MaintenancePlan]:
    """A customer's plans by activity."""
    plans = db.session.scalars(
        select(MaintenancePlan).where(MaintenancePlan.customer_id == customer_id, MaintenancePlan.deleted_at.is_(None))
    )
    return {p.activity: p for p in plans}


def save_plan(
    customer: Customer,
    activity: str,
    *,
    active: bool,
    responsible_id: int | None,
    start_date: date | None,
    by: User | None,
    today: date | None = None,
) -> MaintenancePlan:
    """Create or change how one activity recurs for a customer.

    A new responsible person takes over the open visits; stopping a plan cancels its visits
    that are not yet due, and starting it again reopens those.
    """
    if activity not in RECURRING_ACTIVITIES:
        raise DomainError(_("That activity does not recur."), code="invalid_activity")
    if active and responsible_id is None:
        raise DomainError(_("Choose who is responsible."), code="responsible_required")
    today = today or local_today()
    responsible = _check_assignee(customer.id, responsible_id)
    check_plan_owner(activity, responsible)
    plan = plans_for(customer.id).get(activity)
    if active and start_date is None and plan is None:
        raise DomainError(_("Give the date the plan starts."), code="start_required")
    if plan is None:
        plan = MaintenancePlan(customer_id=customer.id, activity=activity, start_date=start_date or today,
                               responsible_id=responsible_id, active=active)
        db.session.add(plan)
        db.session.flush()
        return plan
    old_responsible, was_active = plan.responsible_id, plan.active
    if start_date is not None:
        plan.start_date = start_date
    plan.responsible_id = responsible_id
    plan.active = active
    open_visits = list(db.session.scalars(
        select(Visit).where(Visit.plan_id == plan.id, Visit.state.in_(OPEN_VISIT_STATES))
    ))
    if responsible_id != old_responsible and responsible_id is not None:
        for visit in open_visits:
            if visit.assignee_id == old_responsible:
                _add_history(visit, "reassigned", by,
                             old=visit.assignee.display_name if visit.assignee else None,
                             new=responsible.display_name,
                             auto="plan_owner_changed")
                visit.assignee_id = responsible_id
    if was_active and not active:
        for visit in open_visits:
            if visit.due_date >= today:
                _add_history(visit, "cancelled", by, old=visit.state, new="cancelled",
                             auto="plan_stopped")
                visit.state = "cancelled"
    if active and not was_active:
        stopped = db.session.scalars(
            select(Visit).where(Visit.plan_id == plan.id, Visit.state == "cancelled", Visit.due_date >= today)
        )
        for visit in stopped:
            if (visit.history or [{}])[-1].get("auto") == "plan_stopped":
                _add_history(visit, "reopened", by, old="cancelled", new="due", auto="plan_restarted")
                visit.state = "due"
                visit.assignee_id = responsible_id
    db.session.flush()
    return plan


# --- changing one visit -----------------------------------------------------------------


def _require_open(visit: Visit) -> None:
    """Done and cancelled visits do not change any more."""
    if not visit.is_open:
        raise DomainError(_("This visit is closed."), code="visit_closed")


def reschedule_visit(visit: Visit, new_date: date | None, reason: str, by: User | None,
                     today: date | None = None) -> None:
    """Move a visit to a new date; the reason is required and kept in the visit's history."""
    _require_open(visit)
    today = today or local_today()
    reason = (reason or "").strip()
    if new_date is None:
        raise DomainError(_("Pick the new date."), code="date_required")
    if not reason:
        raise DomainError(_("Give a reason for the new date."), code="reason_required")
    if new_date == visit.due_date:
        raise DomainError(_("The visit is already due on that day."), code="unchanged")
    if new_date < today:
        raise DomainError(_("The new date cannot be in the past."), code="date_in_past")
    _add_history(visit, "rescheduled", by, old=visit.due_date.isoformat(), new=new_date.isoformat(),
                 reason=reason[:300])
    visit.due_date = new_date
    visit.state = "overdue" if new_date < today else "due"


def reassign_visit(visit: Visit, assignee_id: int | None, by: User | None, reason: str = "") -> None:
    """Give a visit to someone else who is responsible for the customer (kept in the history)."""
    _require_open(visit)
    if assignee_id is None:
        raise DomainError(_("Choose who does the visit."), code="assignee_required")
    if assignee_id == visit.assignee_id:
        raise DomainError(_("The visit is already assigned to that person."), code="unchanged")
    new = _check_assignee(visit.customer_id, assignee_id)
    check_plan_owner(visit.activity, new)
    old = visit.assignee.display_name if visit.assignee else None
    _add_history(visit, "reassigned", by, old=old, new=new.display_name, reason=(reason or "").strip()[:300])
    visit.assignee_id = assignee_id


def cancel_visit(visit: Visit, reason: str, by: User | None) -> None:
    """Call a visit off; the reason is required and kept."""
    _require_open(visit)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for cancelling."), code="reason_required")
    _add_history(visit, "cancelled", by, old=visit.state, new="cancelled", reason=reason[:300])
    visit.state = "cancelled"


def complete_visit(visit: Visit, done_on: date | None, by: User | None, *, inspection_id: str | None = None,
                   today: date | None = None) -> None:
    """Record a visit as done on a day; after a semi-annual maintenance the next one is scheduled."""
    _require_open(visit)
    today = today or local_today()
    if done_on is None:
        raise DomainError(_("Give the day the visit was done."), code="date_required")
    if done_on > today:
        raise DomainError(_("A visit cannot be done in the future."), code="date_in_future")
    _add_history(visit, "done", by, old=visit.state, new="done", reason="")
    visit.state = "done"
    visit.done_on = done_on
    if inspection_id:
        visit.inspection_id = inspection_id
    db.session.flush()
    if visit.activity == "semi_annual_maintenance" and visit.plan_id:
        generate_visits(done_on, customer_ids=[visit.customer_id], today=today)


def no_signature_reason(visit: Visit) -> str:
    """Why the customer did not sign this visit's sheet, when someone recorded it ('' otherwise)."""
    return next((h.get("reason") or "" for h in reversed(visit.history or []) if h.get("action") == "no_signature"), "")


def record_no_signature_reason(visit: Visit, reason: str, by: User | None) -> None:
    """Say why the customer did not sign a done visit's sheet (a monthly patrol counts as on time
    only when the customer signed or a reason is recorded); kept in the visit's history."""
    if visit.state != "done":
        raise DomainError(_("Record the visit done first."), code="illegal_step")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the customer did not sign."), code="reason_required")
    _add_history(visit, "no_signature", by, reason=reason[:300])


# --- what people look at ----------------------------------------------------------------


def _open_visits_stmt():
    """Open visits of customers still under care, with customer and assignee loaded."""
    return (
        select(Visit)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.state.in_(OPEN_VISIT_STATES), Visit.deleted_at.is_(None), Customer.deleted_at.is_(None))
        .options(selectinload(Visit.customer), selectinload(Visit.assignee))
    )


def my_visits(user: User, today: date | None = None) -> dict[str, list[Visit]]:
    """A technician's open visits: overdue, due today, later this week, coming up (next weeks)."""
    today = today or local_today()
    sunday = week_end(today)
    horizon = max(sunday, today + timedelta(days=UPCOMING_DAYS))
    visits = db.session.scalars(
        _open_visits_stmt()
        .where(Visit.assignee_id == user.id, Visit.due_date <= horizon)
        .order_by(Visit.due_date, Customer.name)
    ).all()
    groups: dict[str, list[Visit]] = {"overdue": [], "today": [], "week": [], "upcoming": []}
    for visit in visits:
        if visit.due_date < today:
            groups["overdue"].append(visit)
        elif visit.due_date == today:
            groups["today"].append(visit)
        elif visit.due_date <= sunday:
            groups["week"].append(visit)
        else:
            groups["upcoming"].append(visit)
    return groups


@dataclass
class CustomerMonth:
    """One school's row in the month calendar: its visits by activity."""

    customer: Customer
    cells: dict[str, list[Visit]]
    overdue: int = 0


@dataclass
class MonthOverview:
    """The month for all schools, overdue ones first."""

    year: int
    month: int
    rows: list[CustomerMonth]
    total: int = 0
    done: int = 0
    overdue: int = 0


def overdue_visit_count(today: date | None = None) -> int:
    """How many open visits are past their due date (what this month's overview counts as
    overdue), counted by the database instead of loading the month's visits."""
    today = today or local_today()
    return db.session.scalar(
        select(func.count()).select_from(Visit).join(Customer, Customer.id == Visit.customer_id).where(
            Visit.state.in_(OPEN_VISIT_STATES), Visit.due_date < today,
            Visit.deleted_at.is_(None), Customer.deleted_at.is_(None))
    ) or 0


def visit_status_conditions(today: date) -> dict[str, Any]:
    """The calendar's statuses as SQL conditions: overdue is open and past its due date on `today`
    (whatever the stored state says, as `Visit.is_overdue_on`); due is open and not yet late."""
    open_ = Visit.state.in_(OPEN_VISIT_STATES)
    return {"due": and_(open_, Visit.due_date >= today), "overdue": and_(open_, Visit.due_date < today),
            "done": Visit.state == "done", "cancelled": Visit.state == "cancelled"}


def calendar_query(first: date, last: date, today: date) -> Select:
    """The visits due from `first` to `last` (both included) at schools not retired, by school and
    date; when the period holds today, open visits left over from before it are in too (overdue)."""
    in_period = and_(Visit.due_date >= first, Visit.due_date <= last)
    condition = in_period
    if first <= today <= last:
        condition = or_(in_period, and_(Visit.state.in_(OPEN_VISIT_STATES), Visit.due_date < first))
    return (
        select(Visit)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(condition, Visit.deleted_at.is_(None), Customer.deleted_at.is_(None))
        .options(selectinload(Visit.customer), selectinload(Visit.assignee))
        .order_by(Customer.name, Visit.due_date)
    )


def overview_of(visits, year: int, month: int, today: date) -> MonthOverview:
    """Visits grouped by school and activity, with the counts; schools with overdue visits first."""
    rows: dict[str, CustomerMonth] = {}
    overview = MonthOverview(year=year, month=month, rows=[])
    for visit in visits:
        overdue = visit.is_overdue_on(today)
        row = rows.get(visit.customer_id)
        if row is None:
            row = rows[visit.customer_id] = CustomerMonth(customer=visit.customer, cells={a: [] for a in RECURRING_ACTIVITIES})
        row.cells.setdefault(visit.activity, []).append(visit)
        overview.total += 1
        if visit.state == "done":
            overview.done += 1
        if overdue:
            row.overdue += 1
            overview.overdue += 1
    overview.rows = sorted(rows.values(), key=lambda r: (r.overdue == 0, r.customer.name))
    return overview


def month_overview(year: int, month: int, today: date | None = None) -> MonthOverview:
    """Every school's visits due in a month (and, in the current month, the open ones left over)."""
    today = today or local_today()
    stmt = calendar_query(date(year, month, 1), month_end(year, month), today)
    return overview_of(db.session.scalars(stmt), year, month, today)
