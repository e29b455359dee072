"""The audit log, for the department head and the administrator."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from .. import listing
from ..archive.models import Customer
from ..archive.queries import paginate
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..extensions import db
from ..paging import page_number
from .forms import AuditFilterForm
from .services import ACTION_LABELS, AuditFilters, audit_query, entity_choices, prepare

bp = Blueprint("audit", __name__)


def _filter_form() -> AuditFilterForm:
    """The filter form with its choices filled."""
    form = AuditFilterForm(request.args)
    customers = db.session.scalars(select(Customer).order_by(Customer.name)).all()
    users = db.session.scalars(select(User).order_by(User.display_name)).all()
    form.customer.choices = [("", _("All customers"))] + [(c.id, c.name) for c in customers]
    form.entity.choices = [("", _("All record types"))] + entity_choices()
    form.user.choices = [("", _("Everyone"))] + [(str(u.id), f"{u.display_name} ({u.username})") for u in users]
    form.action.choices = [("", _("All actions"))] + [(k, str(v)) for k, v in ACTION_LABELS.items()]
    return form


@bp.route("/audit")
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def log():
    """Who changed what and when, filtered and paginated."""
    form = _filter_form()
    valid = form.validate()
    user_id = request.args.get("user", "")
    filters = AuditFilters(
        customer_id=form.customer.data or "",
        entity=form.entity.data or "",
        entity_id=request.args.get("entity_id", ""),
        user_id=int(user_id) if user_id.isdigit() else None,
        action=form.action.data or "",
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
    )

    if listing.wants_export():
        entries = prepare(listing.export_rows(audit_query(filters)))
        return listing.excel_response(_("Audit log"), [
            (_("When"), lambda e: e.log.at),
            (_("Who"), lambda e: e.log.user.display_name if e.log.user else _("System")),
            (_("Action"), lambda e: e.action_label),
            (_("Record"), lambda e: " ".join(x for x in (e.entity_label, e.record_name) if x)),
            (_("Changes"), lambda e: "\n".join(f"{c.label}: {c.old} → {c.new}" for c in e.changes)),
        ], entries, "audit-log")
    page = paginate(audit_query(filters), page_number())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/log.html", form=form, page=page, entries=prepare(list(page.items)), args=args,
        export_url=listing.export_url(),
    )
