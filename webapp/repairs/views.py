"""Repair tickets: the office inbox, a technician's own tickets, the ticket page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import customer_scope, get_visible, roles_required
from ..extensions import db
from ..templating import TICKET_SOURCE_LABELS
from .forms import InboxFilterForm
from .models import RepairTicket

bp = Blueprint("repairs", __name__)

INBOX_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)


def _ticket_query(status: str = "open", source: str = ""):
    """Tickets newest first, with what the list shows loaded up front."""
    stmt = (
        select(RepairTicket)
        .where(RepairTicket.deleted_at.is_(None))
        .options(
            selectinload(RepairTicket.customer),
            selectinload(RepairTicket.device),
            selectinload(RepairTicket.cabinet),
            selectinload(RepairTicket.assigned_to),
        )
        .order_by(RepairTicket.reported_at.desc(), RepairTicket.number.desc())
    )
    if status == "open":
        stmt = stmt.where(RepairTicket.status != "closed")
    elif status == "closed":
        stmt = stmt.where(RepairTicket.status == "closed")
    if source:
        stmt = stmt.where(RepairTicket.source == source)
    return stmt


def _filter_form() -> InboxFilterForm:
    """The inbox filter, read from the query string, with translated source names."""
    form = InboxFilterForm(request.args)
    form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in TICKET_SOURCE_LABELS.items()]
    if not form.validate():
        form = InboxFilterForm(formdata=None)
        form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in TICKET_SOURCE_LABELS.items()]
    return form


@bp.route("/repairs")
@roles_required(*INBOX_ROLES)
def inbox():
    """The office's inbox: every repair request, phone and public QR alike, newest first."""
    form = _filter_form()
    page = db.paginate(
        _ticket_query(form.status.data or "open", form.source.data or ""),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("repairs/inbox.html", page=page, form=form, mine=False)


@bp.route("/repairs/mine")
@login_required
def my_tickets():
    """The tickets assigned to the signed-in technician."""
    form = _filter_form()
    stmt = customer_scope(
        _ticket_query(form.status.data or "open", form.source.data or "").where(
            RepairTicket.assigned_to_id == current_user.id
        ),
        current_user,
        RepairTicket.customer_id,
    )
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("repairs/inbox.html", page=page, form=form, mine=True)


@bp.route("/repairs/<ticket_id>")
@login_required
def ticket_detail(ticket_id: str):
    """One ticket: what was reported, where, by whom, and who is responsible."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    return render_template("repairs/detail.html", ticket=ticket)
