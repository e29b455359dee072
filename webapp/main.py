"""The home page: what each role needs first."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .archive.models import Cabinet, Customer, Device
from .auth.permissions import customer_scope
from .extensions import db
from .repairs.models import RepairTicket

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """Dashboard: my customers, counts and open repair tickets."""
    customers = db.session.scalars(
        customer_scope(
            select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name),
            current_user,
            Customer.id,
        )
    ).all()
    ids = [c.id for c in customers]
    device_counts = dict(
        db.session.execute(
            select(Device.customer_id, func.count())
            .where(Device.customer_id.in_(ids), Device.deleted_at.is_(None))
            .group_by(Device.customer_id)
        ).all()
    )
    cabinet_counts = dict(
        db.session.execute(
            select(Cabinet.customer_id, func.count())
            .where(Cabinet.customer_id.in_(ids), Cabinet.deleted_at.is_(None))
            .group_by(Cabinet.customer_id)
        ).all()
    )
    open_tickets = db.session.scalars(
        customer_scope(
            select(RepairTicket)
            .where(RepairTicket.status != "closed", RepairTicket.deleted_at.is_(None))
            .order_by(RepairTicket.reported_at.desc())
            .limit(20),
            current_user,
            RepairTicket.customer_id,
        )
    ).all()
    return render_template(
        "main/home.html",
        customers=customers,
        device_counts=device_counts,
        cabinet_counts=cabinet_counts,
        open_tickets=open_tickets,
    )
