"""People who use the system and their roles."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import UTCDateTime, utcnow
from ..extensions import db


class Role(str, enum.Enum):
    """What a person does in the department."""

    TECHNICIAN = "technician"
    OFFICE = "office"
    SUPERVISOR = "supervisor"
    QUALITY = "quality"
    ADMIN = "admin"
    # Marketing (市场部) opens the installation projects every school begins as.
    MARKETING = "marketing"
    # Company leadership and product R&D read the monthly report; they change nothing.
    LEADERSHIP = "leadership"
    RND = "rnd"


# Which technicians are responsible for which customers (运维责任人).
customer_technician = Table(
    "customer_technician",
    db.metadata,
    Column("customer_id", ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A member of staff who signs in."""

    __tablename__ = "user"
    __audited__ = True
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.TECHNICIAN.value)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator or the head gives the user a temporary password: every page but
    # the password page sends them there until they choose their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The sign-in (UserSession token) this instance was loaded through; set by the session
    # verbs, never stored on the user row.
    sign_in_token = None

    customers = relationship(
        "Customer", secondary=customer_technician, back_populates="technicians"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login: disabled accounts cannot sign in."""
        return bool(self.active)

    def sign_in_identity(self) -> str:
        """What the cookies carry (Flask-Login's id_attribute): the user and the sign-in, so
        ending a sign-in ends them. get_id stays the plain id, which UserMixin compares by."""
        if not self.sign_in_token:
            raise RuntimeError("sign in through auth.sessions.start_session")
        return f"{self.id}:{self.sign_in_token}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of the roles."""
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        return self.role in wanted

    @property
    def sees_all_customers(self) -> bool:
        """Office, supervisor, quality and admin see every customer; technicians their own."""
        return self.role != Role.TECHNICIAN.value

    def audit_customer_id(self) -> None:
        """Users belong to no customer."""
        return None


class StandIn(db.Model):
    """While a technician is away (from starts_on to ends_on, site-local days, inclusive) a
    colleague covers their schools: lists, pages and the colleague's device include them."""

    __tablename__ = "stand_in"
    __audited__ = True
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    absent_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stand_in_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Ended before its last day (the colleague came back early); the row stays for the record.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    absent = relationship("User", foreign_keys=[absent_id])
    stand_in = relationship("User", foreign_keys=[stand_in_id])

    def audit_customer_id(self) -> None:
        """Stand-ins belong to no customer."""
        return None


class UserSession(db.Model):
    """One sign-in on one device; its session and remember-me cookies work while it is open."""

    __tablename__ = "user_session"
    # SHA-256 of the token the cookies carry: a copy of the database opens no session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
