"""The audit log, for the department head and the administrator."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
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


# the audit page's arguments before it moved onto the shared list filters
OLD_NAMES = {"customer": "school", "action": "status"}


def _own_filters() -> AuditFilterForm:
    """The record type and the person who changed it, with their choices filled."""
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.display_name)).all()
    form.entity.choices = [("", _("All record types"))] + entity_choices()
    form.user.choices = [("", _("Everyone"))] + [(str(u.id), f"{u.display_name} ({u.username})") for u in users]
    return form


@bp.route("/audit")
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def log():
    """Who changed what and when: by school, action, dates, record type and person; paged or as Excel."""
    form = listing.filter_form(current_user, [(k, str(v)) for k, v in ACTION_LABELS.items()], old_names=OLD_NAMES,
                               schools=db.session.scalars(select(Customer).order_by(Customer.name)).all())
    form.status.label.text = _("Action")
    form.status.choices[0] = ("", _("All actions"))
    shared = listing.read_filters(form)
    own = _own_filters()
    user_id = own.user.data or ""
    filters = AuditFilters(
        customer_id=shared.customer_id,
        entity=own.entity.data or "",
        entity_id=request.args.get("entity_id", ""),
        user_id=int(user_id) if user_id.isdigit() else None,
        action=shared.status,
        date_from=shared.date_from,
        date_to=shared.date_to,
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
    args = {**shared.query_args(), **{k: v for k in ("entity", "user", "entity_id") if (v := request.args.get(k))}}
    return render_template(
        "audit/log.html", form=form, own=own, page=page, entries=prepare(list(page.items)), args=args,
        export_url=listing.export_url(),
    )
