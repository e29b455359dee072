"""Notify people: a row per recipient, and an e-mail after the commit where MAIL_SERVER is set.

`notify(user, kind, ticket, message)` is the one verb. A `dedupe_key` makes it idempotent
(the deadline check runs every few minutes and must say each thing once). Mail goes out only
after the transaction that created the notification commits, so a rolled-back step never
mails anyone; a mail that fails is logged and the in-app notification stays. The SMTP class is
`MAIL_SMTP_CLASS` (smtplib.SMTP by default), so tests inject a fake server object.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Callable, Iterable

from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.models import Role, User
from ..clock import utcnow
from ..extensions import db
from .models import Notification

log = logging.getLogger(__name__)
KINDS = (
    "assigned", "escalated", "deadline_at_risk", "deadline_breached", "quote_awaiting_approval",
    "rework_opened", "new_request", "unhappy_customer",
    "seminar_minutes",
    # installation projects (webapp/projects): a new project, a team, a change, a failed round
    "project_opened", "project_team", "project_change", "project_entry_failed", "project_acceptance_failed",
    # the monthly report (webapp/reports), issued to leadership and R&D
    "monthly_report",
)
MAIL_QUEUE = "notification_mail"


def notify(user: User | None, kind: str, ticket=None, message: str = "", *, dedupe_key: str | None = None,
           link: str | None = None) -> Notification | None:
    """Tell one user something (once per dedupe key); queue an e-mail for after the commit."""
    if user is None or not user.is_active:
        return None
    if dedupe_key and db.session.scalar(
        select(Notification.id).where(Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)
    ):
        return None
    note = Notification(
        user_id=user.id, kind=kind, ticket_id=getattr(ticket, "id", None), message=message,
        dedupe_key=dedupe_key, created_at=utcnow(), link=link,
    )
    try:
        with db.session.begin_nested():  # a concurrent check with the same key: keep theirs
            db.session.add(note)
    except IntegrityError:
        return None
    _queue_mail(user, message, ticket)
    return note


def recipient_locale(user: User) -> str:
    """The language to write to a user in: their setting, else the site default."""
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh") if has_app_context() else "zh"
    return user.locale or default


def notify_each(users: Iterable[User], kind: str, ticket, make_message: Callable[[], str], *,
                dedupe_key: str | None = None, link: str | None = None) -> list[Notification]:
    """Notify several users, each in their own language (make_message runs in that locale)."""
    made = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        with force_locale(recipient_locale(user)):
            message = str(make_message())
        note = notify(user, kind, ticket, message, dedupe_key=dedupe_key, link=link)
        if note is not None:
            made.append(note)
    return made


def users_with_role(*roles: Role) -> list[User]:
    """Active users holding one of the roles."""
    values = [r.value for r in roles]
    return list(db.session.scalars(select(User).where(User.role.in_(values), User.active.is_(True)).order_by(User.id)))


def unread_count(user: User) -> int:
    """How many notifications the user has not read."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def notifications_for(user: User):
    """A query of the user's notifications, newest first."""
    return select(Notification).where(Notification.user_id == user.id).order_by(
        Notification.created_at.desc(), Notification.id.desc()
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user read; returns how many."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount or 0


# --- e-mail ---------------------------------------------------------------------------------


def _queue_mail(user: User, message: str, ticket) -> None:
    """Remember a mail to send once the transaction commits (only where MAIL_SERVER is set)."""
    if not has_app_context() or not current_app.config.get("MAIL_SERVER") or not user.email:
        return
    subject = message.splitlines()[0][:120] if message else "O&M"
    db.session.info.setdefault(MAIL_QUEUE, []).append((user.email, subject, message))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text mail through the configured SMTP server."""
    config = current_app.config
    mail = EmailMessage()
    mail["From"] = config.get("MAIL_FROM", "om-service@localhost")
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    smtp_class = config.get("MAIL_SMTP_CLASS") or smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)


@event.listens_for(Session, "after_commit")
def _send_queued_mail(session: Session) -> None:
    """Send the mails of notifications that are now committed (not on a savepoint's release)."""
    if session.in_nested_transaction():
        return
    queued = session.info.pop(MAIL_QUEUE, None)
    if not queued or not has_app_context():
        return
    for to, subject, body in queued:
        try:
            send_mail(to, subject, body)
        except Exception:  # noqa: BLE001 - a mail problem must never undo the step itself
            log.exception("could not mail a notification to %s", to)


@event.listens_for(Session, "after_rollback")
def _drop_queued_mail(session: Session) -> None:
    """A rolled-back transaction mails nobody (a savepoint's rollback keeps the outer mails)."""
    if not session.in_nested_transaction():
        session.info.pop(MAIL_QUEUE, None)
