"""Who may see and do what: roles and the technician's customer scope."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from datetime import date

from sqlalchemy import Select, or_, select

from ..clock import local_today
from ..errors import NotFound
from ..extensions import db
from .models import Role, StandIn, User, customer_technician

STAFF_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN)


def roles_required(*roles: Role) -> Callable:
    """Decorator: the signed-in user must hold one of the roles (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def covered_customers(user: User, on: date | None = None) -> Select:
    """The ids of the customers a technician looks after on a day (today by default): their own
    schools, and the schools of every colleague they stand in for on that day.

    The one definition of a technician's scope: pages, lists and the device's pull all ask it.
    """
    day = on or local_today()
    standing_in_for = select(StandIn.absent_id).where(
        StandIn.stand_in_id == user.id, StandIn.starts_on <= day, StandIn.ends_on >= day,
        StandIn.cancelled_at.is_(None),
    )
    return select(customer_technician.c.customer_id).where(
        or_(customer_technician.c.user_id == user.id, customer_technician.c.user_id.in_(standing_in_for))
    )


def customer_scope(stmt: Select, user: User, customer_id_column) -> Select:
    """Limit a query to the customers the user may see."""
    if user.sees_all_customers:
        return stmt
    return stmt.where(customer_id_column.in_(covered_customers(user)))


def visible_customer_ids(user: User) -> set[str] | None:
    """The customers whose records the user may see: None for roles that see all of them."""
    if user.sees_all_customers:
        return None
    return set(db.session.scalars(covered_customers(user)).all())


def can_see_customer(user: User, customer_id: str | None) -> bool:
    """True when the user may open records of this customer."""
    if customer_id is None:
        return user.sees_all_customers
    if user.sees_all_customers:
        return True
    found = db.session.execute(
        covered_customers(user).where(customer_technician.c.customer_id == customer_id).limit(1)
    ).first()
    return found is not None


def get_visible(model, record_id: str, user: User, include_deleted: bool = True):
    """Load a record of a customer the user may see, or raise NotFound (never leak existence).

    The one loader for every feature's views and verbs: a record the user may not see answers
    exactly like a record that does not exist.
    """
    record = db.session.get(model, record_id)
    if record is None or (not include_deleted and record.deleted_at is not None):
        raise NotFound(_("Not found."))
    customer_id = record.id if model.__tablename__ == "customer" else record.customer_id
    if not can_see_customer(user, customer_id):
        raise NotFound(_("Not found."))
    return record
