"""The appraisal's verbs: set a weighting scheme, adjust a month, compute a month, and file and
answer suggestions. They check the rules and change the models; the caller commits.

Rules worth knowing:
- Only the department head (role supervisor) sets schemes, adjusts a month and answers
  suggestions (`head_only`); anyone signed in files a suggestion.
- A scheme takes effect from the first day of a month and can never start before the current
  month (`scheme_in_past`): a month is computed with the scheme in force then, so a past month's
  figures never change because the weights did. Several versions may start in one month; the
  newest of them is in force.
- An adjustment needs a reason (`reason_required`); it and every scheme and answer are audited
  (the flush hook writes the audit row: who, when, old and new values).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..auth.models import Role, User
from ..clock import local_today, utcnow
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..records import new_id
from .measures import month_figures
from .models import AppraisalAdjustment, AppraisalScheme, Suggestion
from .scheme import DEFAULT_WEIGHTS, MonthScore, check_weights, score_month

MAX_ADJUSTMENT = 100


def require_head(user: User) -> None:
    """Only the department head may do this."""
    if not user.has_role(Role.SUPERVISOR):
        raise Forbidden(_("Only the department head may do this."), code="head_only")


# --- schemes --------------------------------------------------------------------------------


def schemes() -> list[AppraisalScheme]:
    """Every version, newest first."""
    return list(db.session.scalars(select(AppraisalScheme).order_by(AppraisalScheme.version_no.desc())))


def scheme_in_force(year: int, month: int) -> AppraisalScheme | None:
    """The newest version that took effect on or before the month's first day (None before any)."""
    return db.session.scalars(
        select(AppraisalScheme).where(AppraisalScheme.effective_from <= date(year, month, 1))
        .order_by(AppraisalScheme.effective_from.desc(), AppraisalScheme.version_no.desc()).limit(1)
    ).first()


def set_scheme(weights: dict, effective_from: date | None, note: str, by: User, today: date | None = None) -> AppraisalScheme:
    """A new version of the weights, in force from the first of `effective_from`'s month."""
    require_head(by)
    today = today or local_today()
    if effective_from is None:
        raise DomainError(_("Give the month the scheme takes effect."), code="date_required")
    start = effective_from.replace(day=1)
    if start < today.replace(day=1):
        raise DomainError(_("A scheme cannot start before this month: past months keep the scheme they had."),
                          code="scheme_in_past", details={"earliest": today.replace(day=1).isoformat()})
    checked = check_weights(weights)
    number = (db.session.scalar(select(func.max(AppraisalScheme.version_no))) or 0) + 1
    scheme = AppraisalScheme(id=new_id(), version_no=number, effective_from=start, weights=checked,
                             note=(note or "").strip()[:500], created_by_id=by.id, created_at=utcnow())
    db.session.add(scheme)
    db.session.flush()
    return scheme


# --- adjustments ----------------------------------------------------------------------------


def add_adjustment(person: User, year: int, month: int, points: float | None, reason: str, by: User) -> AppraisalAdjustment:
    """The head adds (or takes off) points on one person's month, with the reason."""
    require_head(by)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the figures are adjusted.")
        raise DomainError(message, code="reason_required", errors={"reason": [message]})
    if points is None or points == 0 or abs(points) > MAX_ADJUSTMENT:
        message = _("Between -%(n)s and %(n)s points, not 0.", n=MAX_ADJUSTMENT)
        raise DomainError(message, code="invalid", errors={"points": [message]})
    adjustment = AppraisalAdjustment(id=new_id(), user_id=person.id, year=year, month=month, points=round(points, 1),
                                     reason=reason[:2000], created_by_id=by.id, created_at=utcnow())
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def adjustments_of(year: int, month: int) -> dict[int, list[AppraisalAdjustment]]:
    """The month's adjustments by person, oldest first."""
    out: dict[int, list[AppraisalAdjustment]] = {}
    for row in db.session.scalars(select(AppraisalAdjustment).where(
            AppraisalAdjustment.year == year, AppraisalAdjustment.month == month).order_by(AppraisalAdjustment.created_at)):
        out.setdefault(row.user_id, []).append(row)
    return out


# --- a month ---------------------------------------------------------------------------------


@dataclass
class Appraisal:
    """One person's month: the scheme used, the figures with their records, the adjustments, the score."""

    user: User
    year: int
    month: int
    scheme: AppraisalScheme | None
    score: MonthScore
    adjustments: list[AppraisalAdjustment] = field(default_factory=list)

    @property
    def weights(self) -> dict:
        """The weights used (the defaults before the head set any scheme)."""
        return self.scheme.weights if self.scheme else DEFAULT_WEIGHTS


def appraise_month(year: int, month: int, *, user_id: int | None = None, now: datetime | None = None) -> list[Appraisal]:
    """Every technician's month (or one person's), by name, computed with the scheme in force then."""
    scheme = scheme_in_force(year, month)
    weights = scheme.weights if scheme else DEFAULT_WEIGHTS
    figures = month_figures(year, month, now=now)
    adjustments = adjustments_of(year, month)
    people = select(User).where(or_(User.id.in_(list(figures) + list(adjustments)),
                                    (User.role == Role.TECHNICIAN.value) & User.active.is_(True)))
    if user_id is not None:
        people = select(User).where(User.id == user_id)
    out = []
    for user in db.session.scalars(people.order_by(User.display_name)):
        mine = adjustments.get(user.id, [])
        score = score_month(figures.get(user.id, {}), weights, sum(a.points for a in mine))
        out.append(Appraisal(user, year, month, scheme, score, mine))
    return out


def appraisal_of(person_id: int, year: int, month: int, viewer: User, now: datetime | None = None) -> Appraisal:
    """One person's month, for someone allowed to see it: the person himself, the head, an admin."""
    if viewer.id != person_id and not viewer.has_role(Role.SUPERVISOR, Role.ADMIN):
        raise NotFound(_("Not found."))
    found = appraise_month(year, month, user_id=person_id, now=now)
    if not found:
        raise NotFound(_("Not found."))
    return found[0]


# --- suggestions (合理建议) -------------------------------------------------------------------


def file_suggestion(author: User, title: str, text: str) -> Suggestion:
    """Any member of staff files a suggestion."""
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the suggestion a title.")]
    if not text:
        errors["text"] = [_("Describe the suggestion.")]
    if errors:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=errors)
    suggestion = Suggestion(id=new_id(), author_id=author.id, title=title[:200], text=text[:5000], created_at=utcnow(),
                            answer="", adopted=False)
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def answer_suggestion(suggestion: Suggestion, by: User, answer: str, adopted: bool) -> Suggestion:
    """The head answers a suggestion, and says whether it is adopted (it can be answered again)."""
    require_head(by)
    answer = (answer or "").strip()
    if not answer:
        message = _("Write the answer.")
        raise DomainError(message, code="invalid", errors={"answer": [message]})
    suggestion.answer = answer[:5000]
    suggestion.adopted = bool(adopted)
    suggestion.answered_by_id = by.id
    suggestion.answered_at = utcnow()
    db.session.flush()
    return suggestion


def suggestions_for(viewer: User) -> list[Suggestion]:
    """The head (and an admin) sees every suggestion; anyone else his own. Newest first."""
    stmt = select(Suggestion).order_by(Suggestion.created_at.desc())
    if not viewer.has_role(Role.SUPERVISOR, Role.ADMIN):
        stmt = stmt.where(Suggestion.author_id == viewer.id)
    return list(db.session.scalars(stmt))


def get_suggestion(suggestion_id: str, viewer: User) -> Suggestion:
    """A suggestion its author, the head or an admin may read (NotFound otherwise)."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or (suggestion.author_id != viewer.id and not viewer.has_role(Role.SUPERVISOR, Role.ADMIN)):
        raise NotFound(_("Not found."))
    return suggestion
