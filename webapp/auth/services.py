"""Sign-in and user management verbs."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import DomainError
from ..extensions import db
from .models import Role, User

COMMON_PASSWORDS = {
    "password", "password1", "12345678", "123456789", "1234567890", "qwerty123", "11111111",
    "demo1234", "admin123", "abc12345", "iloveyou", "88888888", "66666666", "a1234567",
    "woaini1314", "qwertyuiop", "1q2w3e4r", "passw0rd", "admin1234", "letmein1",
}


def password_problems(password: str, username: str = "") -> list[str]:
    """Reasons a password is too weak for production; empty when it is acceptable."""
    problems = []
    if len(password) < 10:
        problems.append(_("at least 10 characters"))
    classes = sum(
        bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if classes < 3 and len(password) < 16:
        problems.append(_("mix three of: lower case, upper case, digits, symbols"))
    if password.lower() in COMMON_PASSWORDS:
        problems.append(_("not a commonly used password"))
    if username and username.lower() in password.lower():
        problems.append(_("must not contain the user name"))
    return problems


def create_user(
    username: str,
    display_name: str,
    role: Role | str,
    password: str,
    *,
    check_strength: bool = True,
    phone: str | None = None,
) -> User:
    """Create a user; refuses duplicates, unknown roles and (by default) weak passwords."""
    username = username.strip().lower()
    role_value = role.value if isinstance(role, Role) else role
    if role_value not in {r.value for r in Role}:
        raise DomainError(_("Unknown role: %(role)s", role=role_value), code="invalid_role")
    if not re.fullmatch(r"[a-z0-9_.-]{2,64}", username):
        raise DomainError(
            _("User names use 2-64 letters, digits, dots, dashes or underscores."),
            code="invalid_username",
        )
    if db.session.scalar(select(User).where(func.lower(User.username) == username)):
        raise DomainError(_("The user name %(name)s is taken.", name=username), code="duplicate")
    if check_strength:
        problems = password_problems(password, username)
        if problems:
            raise DomainError(
                _("Password too weak: %(problems)s", problems="; ".join(problems)),
                code="weak_password",
            )
    user = User(username=username, display_name=display_name or username, role=role_value, phone=phone)
    user.set_password(password)
    db.session.add(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    )
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def set_locale(user: User, locale: str | None) -> None:
    """Remember the user's language."""
    if locale not in (None, "", "zh", "en"):
        raise DomainError(_("Unknown language."), code="invalid_locale")
    user.locale = locale or None
