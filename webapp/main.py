"""The home page: what each role needs to act on first."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .archive.models import Cabinet, Customer, Device
from .auth.models import Role, User
from .auth.permissions import customer_scope
from .clock import local_today
from .extensions import db
from .archive.queries import paginate
from .maintenance.schedule import my_visits, overdue_visit_count
from .paging import page_number
from .repairs import deadlines as dl
from .repairs.follow_up import follow_up_list
from .repairs.models import RepairTicket
from .reports import services as report_services
from .training.sessions import overdue_kinds

bp = Blueprint("main", __name__)

OFFICE_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
# schools on one page of the home page: a district has hundreds, the full list is the customer list
CUSTOMERS_PER_PAGE = 24


@dataclass
class Dashboard:
    """Everything the home page shows, gathered for one user."""

    customers: Any  # one page (Flask-SQLAlchemy Pagination) of the schools the user sees
    device_counts: dict[str, int]
    cabinet_counts: dict[str, int]
    open_tickets: list[RepairTicket]
    visits: dict[str, list[Any]] = field(default_factory=dict)
    tiles: list[tuple[str, int, str, str]] = field(default_factory=list)
    training_overdue: list[Any] = field(default_factory=list)
    report_deadline: Any = None  # the head: last month's report and its "early next month" due day
    last_report: Any = None  # leadership and R&D: the newest issued monthly report


def _counts(model, ids: list[str]) -> dict[str, int]:
    """Live records per customer."""
    return dict(
        db.session.execute(
            select(model.customer_id, func.count())
            .where(model.customer_id.in_(ids), model.deleted_at.is_(None))
            .group_by(model.customer_id)
        ).all()
    )


def _office_tiles() -> list[tuple[str, int, str, str]]:
    """Counts that need the office's or the department head's action, with where to act."""
    new_requests = db.session.scalar(
        select(func.count()).select_from(RepairTicket).where(
            RepairTicket.deleted_at.is_(None), RepairTicket.status == "reported"
        )
    ) or 0
    board = dl.supervisor_board(shown=False)
    overdue_visits = overdue_visit_count(local_today())
    to_call, _others = follow_up_list()
    return [
        (_("New repair requests"), new_requests, "repairs.inbox", "warn" if new_requests else "ok"),
        (_("Deadlines breached"), len(board.breached), "repairs.board", "bad" if board.breached else "ok"),
        (_("Deadlines at risk"), len(board.at_risk), "repairs.board", "warn" if board.at_risk else "ok"),
        (_("Overdue visits"), overdue_visits, "maintenance.calendar", "bad" if overdue_visits else "ok"),
        (_("Follow-up calls to make"), len(to_call), "repairs.follow_ups", "warn" if to_call else "ok"),
    ]


def dashboard_for(user: User, page: int = 1) -> Dashboard:
    """Gather the home page of one user: technicians their day, the office what needs action;
    `page` is the page of the schools list."""
    customers = paginate(
        customer_scope(
            select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name, Customer.id), user, Customer.id
        ), page, CUSTOMERS_PER_PAGE,
    )
    ids = [c.id for c in customers.items]
    # each ticket's school comes with it: most are not among the schools on this page
    tickets = select(RepairTicket).where(
        RepairTicket.status != "closed", RepairTicket.deleted_at.is_(None)
    ).order_by(RepairTicket.reported_at.desc()).limit(20).options(selectinload(RepairTicket.customer))
    if user.role == Role.TECHNICIAN.value:
        tickets = tickets.where(RepairTicket.assigned_to_id == user.id)
    board = Dashboard(
        customers=customers,
        device_counts=_counts(Device, ids),
        cabinet_counts=_counts(Cabinet, ids),
        open_tickets=db.session.scalars(customer_scope(tickets, user, RepairTicket.customer_id)).all(),
    )
    if user.role == Role.TECHNICIAN.value:
        board.visits = my_visits(user)
    if user.has_role(*OFFICE_ROLES):
        board.tiles = _office_tiles()
    if user.has_role(Role.SUPERVISOR, Role.ADMIN):
        board.training_overdue = overdue_kinds()
        board.report_deadline = report_services.head_deadline()
    if user.has_role(*report_services.READERS):
        board.last_report = report_services.last_issued()
    return board


@bp.route("/")
@login_required
def home():
    """Dashboard: my day (technicians) or what needs action (office, department head)."""
    return render_template("main/home.html", board=dashboard_for(current_user, page_number()), today=local_today())
