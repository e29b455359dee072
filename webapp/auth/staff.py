"""The head's staff verbs: people, their roles and schools, stand-ins, temporary passwords.

Decisions worth knowing:
- The department head (supervisor) and the administrator manage staff. The head cannot make
  or change an administrator: otherwise the head could hand himself every right there is.
- Nobody changes their own role or disables their own account here, so the last manager
  cannot lock everyone out.
- A password someone else chose is temporary: it must be changed at the next sign-in, and the
  user's sign-ins end at once. A reset makes the password here and shows it once.
- A stand-in covers an absent technician's schools on the days given (site-local, inclusive);
  `permissions.covered_customers` is where that scope is read, by pages and devices alike.
  One stand-in per absent person at a time, so nobody wonders who is covering.
"""
from __future__ import annotations

import secrets
from datetime import date
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from ..archive.models import Customer
from ..audit.models import AuditLog
from ..clock import local_today, utcnow
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..records import current_actor
from .models import Role, StandIn, User
from .services import create_user, password_problems
from .sessions import end_sessions

MANAGER_ROLES = (Role.ADMIN, Role.SUPERVISOR)
# Letters and digits nobody misreads over the phone (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def assignable_roles(actor: User) -> list[str]:
    """The roles this manager may give: all for the administrator, all but administrator for the head."""
    roles = [r.value for r in Role]
    return roles if actor.has_role(Role.ADMIN) else [r for r in roles if r != Role.ADMIN.value]


def check_may_manage(actor: User, target: User | None, role: str | None = None) -> None:
    """Raise Forbidden unless the actor may create or change this user (and give this role)."""
    if not actor.has_role(*MANAGER_ROLES):
        raise Forbidden(_("Only the department head or an administrator manages staff."))
    if actor.has_role(Role.ADMIN):
        return
    if (target is not None and target.has_role(Role.ADMIN)) or role == Role.ADMIN.value:
        raise Forbidden(_("Only an administrator may create or change an administrator."))


def _audit(user: User, action: str, changes: dict) -> None:
    """An audit row for a staff action (never a password)."""
    actor_id, client_id = current_actor()
    db.session.add(AuditLog(at=utcnow(), user_id=actor_id, client_id=client_id, action=action,
                            entity="user", entity_id=str(user.id), customer_id=None, changes=changes))


def assign_schools(user: User, customer_ids: Iterable[str]) -> None:
    """Set the schools a technician covers; the change is audited by name."""
    wanted = sorted(set(customer_ids))
    customers = list(db.session.scalars(
        select(Customer).where(Customer.id.in_(wanted), Customer.deleted_at.is_(None)).order_by(Customer.name)
    )) if wanted else []
    if len(customers) != len(wanted):
        raise DomainError(_("One of the schools chosen no longer exists."), code="invalid_customer")
    before = sorted(c.name for c in user.customers)
    after = [c.name for c in customers]
    user.customers = customers
    if before != after and user.id is not None:
        _audit(user, "assign", {"customers": [before, after]})


def create_staff(actor: User, *, username: str, display_name: str, role: str, password: str,
                 phone: str | None, active: bool, customer_ids: Iterable[str]) -> User:
    """Create a colleague with a first password they must change at their first sign-in."""
    check_may_manage(actor, None, role)
    user = create_user(username, display_name, role, password, phone=phone)
    user.active = active
    user.must_change_password = True
    db.session.flush()
    assign_schools(user, customer_ids)
    return user


def save_staff(actor: User, user: User, *, display_name: str, role: str, phone: str | None, active: bool,
               customer_ids: Iterable[str]) -> None:
    """Change a colleague's name, role, phone, active flag and schools; disabling ends their sign-ins."""
    check_may_manage(actor, user, role)
    if role not in {r.value for r in Role}:
        raise DomainError(_("Unknown role: %(role)s", role=role), code="invalid_role")
    if user.id == actor.id and (role != user.role or not active):
        raise DomainError(_("You cannot change your own role or disable your own account."), code="self_change")
    user.display_name = display_name
    user.role = role
    user.phone = phone
    if user.active and not active:
        end_sessions(user)
    user.active = active
    assign_schools(user, customer_ids)


def temporary_password() -> str:
    """A fresh password that passes the strength rules and reads well aloud: xxxx-xxxx-xxxx."""
    while True:
        groups = ["".join(secrets.choice(_TEMPORARY_ALPHABET) for _i in range(4)) for _g in range(3)]
        candidate = "-".join(groups)
        if not password_problems(candidate):
            return candidate


def reset_to_temporary(actor: User, user: User) -> str:
    """Give the user a temporary password (returned, to be passed on once); their sign-ins end."""
    check_may_manage(actor, user)
    if user.id == actor.id:
        raise DomainError(_("Change your own password under Settings."), code="self_change")
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    ended = end_sessions(user)
    _audit(user, "password_reset", {"sessions_ended": [None, ended]})
    return password


def add_stand_in(actor: User, absent: User, stand_in: User, starts_on: date, ends_on: date,
                 note: str = "") -> StandIn:
    """A colleague covers an absent technician's schools from starts_on to ends_on (inclusive)."""
    check_may_manage(actor, absent)
    errors: dict[str, list[str]] = {}
    if not absent.has_role(Role.TECHNICIAN) or not absent.customers:
        errors["absent"] = [_("Only a technician with schools needs a stand-in.")]
    if stand_in.id == absent.id:
        errors["stand_in"] = [_("Choose a colleague other than the absent person.")]
    elif not stand_in.active or not stand_in.has_role(Role.TECHNICIAN):
        errors["stand_in"] = [_("The stand-in must be an active technician.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day comes before the first.")]
    elif ends_on < local_today():
        errors["ends_on"] = [_("That absence is over already.")]
    if not errors:
        overlapping = db.session.scalar(select(StandIn).where(
            StandIn.absent_id == absent.id, StandIn.cancelled_at.is_(None),
            StandIn.starts_on <= ends_on, StandIn.ends_on >= starts_on,
        ).limit(1))
        if overlapping is not None:
            errors["starts_on"] = [_("%(name)s already stands in from %(start)s to %(end)s.",
                                     name=overlapping.stand_in.display_name, start=overlapping.starts_on.isoformat(),
                                     end=overlapping.ends_on.isoformat())]
    if errors:
        raise DomainError(_("The stand-in was not saved."), code="invalid_stand_in", errors=errors)
    record = StandIn(absent_id=absent.id, stand_in_id=stand_in.id, starts_on=starts_on, ends_on=ends_on,
                     note=(note or "").strip()[:200], created_by_id=actor.id)
    db.session.add(record)
    return record


def cancel_stand_in(actor: User, record: StandIn) -> None:
    """End a stand-in early (the colleague is back); the row stays for the record."""
    check_may_manage(actor, record.absent)
    if record.cancelled_at is None:
        record.cancelled_at = utcnow()


def stand_ins_of(user: User) -> list[StandIn]:
    """Stand-ins not yet over where the user is absent or standing in, soonest first."""
    return list(db.session.scalars(
        select(StandIn).where(
            (StandIn.absent_id == user.id) | (StandIn.stand_in_id == user.id),
            StandIn.cancelled_at.is_(None), StandIn.ends_on >= local_today(),
        ).order_by(StandIn.starts_on)
    ))


def technicians() -> list[User]:
    """Active technicians, by name (the choices for a stand-in)."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.TECHNICIAN.value, User.active.is_(True)).order_by(User.display_name)
    ))


def current_stand_ins() -> list[StandIn]:
    """Every stand-in under way or coming, soonest first (the staff page's overview)."""
    return list(db.session.scalars(
        select(StandIn).where(StandIn.cancelled_at.is_(None), StandIn.ends_on >= local_today())
        .order_by(StandIn.starts_on)
    ))
