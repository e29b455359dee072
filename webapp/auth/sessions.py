"""Sign-ins that really end: each sign-in is a server-side record the cookies point at.

The session cookie and the remember-me cookie carry "<user id>:<token>"; a request is signed in
only while the token's record is open. Signing out, changing a password and an administrator's
"sign out on every device" close records, so copies of the cookies stop working at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from ..audit.models import AuditLog
from ..errors import DomainError
from ..extensions import db
from ..clock import utcnow
from ..records import current_actor
from .models import User, UserSession
from .services import password_problems


def _digest(token: str) -> str:
    """The stored form of a sign-in token."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_lifetime() -> timedelta:
    """How long a sign-in lasts from the moment the password was typed (SIGN_IN_DAYS)."""
    return timedelta(days=float(current_app.config["SIGN_IN_DAYS"]))


def start_session(user: User, user_agent: str = "") -> UserSession:
    """Open a new sign-in for the user (a fresh token every time) and forget their dead ones."""
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.expires_at <= now, UserSession.ended_at.is_not(None)),
        )
    )
    token = secrets.token_urlsafe(32)
    record = UserSession(
        id=_digest(token), user_id=user.id, created_at=now,
        expires_at=now + sign_in_lifetime(), user_agent=(user_agent or "")[:200],
    )
    db.session.add(record)
    user.sign_in_token = token
    return record


def load_signed_in_user(identity: str) -> User | None:
    """The active user of an open, unexpired sign-in named by a cookie's "<id>:<token>"."""
    user_id, _sep, token = (identity or "").partition(":")
    if not token or not user_id.isdigit():
        return None  # cookies from before sign-ins were recorded open nothing
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id == _digest(token),
            User.id == int(user_id),
            User.active.is_(True),
            UserSession.ended_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
    )
    if user is not None:
        user.sign_in_token = token
    return user


def end_session(user: User) -> None:
    """Close the sign-in this user instance was loaded through (signing out)."""
    if user.sign_in_token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == _digest(user.sign_in_token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_sessions(user: User, keep_current: bool = False) -> int:
    """Close every open sign-in of the user (but the one in use, if asked); returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_current and user.sign_in_token:
        stmt = stmt.where(UserSession.id != _digest(user.sign_in_token))
    return db.session.execute(stmt.values(ended_at=utcnow())).rowcount or 0


def open_sessions(user: User) -> list[UserSession]:
    """The user's sign-ins that still work, newest first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(UserSession.created_at.desc())
        )
    )


def _audit(user: User, action: str, ended: int) -> None:
    """Write the audit row for a security action on a user (the password itself is never logged)."""
    actor_id, client_id = current_actor()
    db.session.add(
        AuditLog(
            at=utcnow(), user_id=actor_id, client_id=client_id, action=action,
            entity="user", entity_id=str(user.id), customer_id=None,
            changes={"sessions_ended": [None, ended]},
        )
    )


def change_password(user: User, current_password: str, new_password: str) -> int:
    """The user sets a new password; their other sign-ins end. Returns how many ended."""
    if not user.check_password(current_password or ""):
        raise DomainError(_("The current password is wrong."), code="wrong_password")
    problems = password_problems(new_password or "", user.username)
    if problems:
        raise DomainError(
            _("Password too weak: %(problems)s", problems="; ".join(problems)), code="weak_password"
        )
    if new_password == current_password:
        raise DomainError(_("Choose a password different from the current one."), code="weak_password")
    user.set_password(new_password)
    user.must_change_password = False
    ended = end_sessions(user, keep_current=True)
    _audit(user, "password", ended)
    return ended


def reset_password(user: User, new_password: str, by: User) -> int:
    """An administrator sets a user's password; that user's sign-ins end (the admin's own stays)."""
    user.set_password(new_password)
    ended = end_sessions(user, keep_current=user.id == by.id)
    _audit(user, "password", ended)
    return ended


def revoke_devices(user: User, by: User) -> int:
    """An administrator signs a user out on every device (a lost tablet); returns how many ended."""
    ended = end_sessions(user, keep_current=user.id == by.id)
    _audit(user, "sign_out_all", ended)
    return ended
