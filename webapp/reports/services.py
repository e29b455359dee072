"""The monthly report's verbs: draft a month, write its analysis, issue it; raise and answer a
product-quality problem. They check the rules and change the models; the caller commits.

Rules worth knowing:
- A month is drafted once (`draft_report` answers the existing report when run again, so the
  cron job on the 1st is safe to run twice) and only once the month has ended.
- Only the department head (role supervisor) writes and issues (`head_only`); an issued report
  is frozen: its figures are computed once, at issue, and stored with the text, so a ticket
  edited later never changes it (`report_issued` refuses any further edit).
- Issuing tells every active leadership and R&D user by notification, once per report.
- The report is due "early next month": by the end of the `REPORT_DUE_WORKING_DAYS`-th working
  day of the next month (5 unless configured), on the Chinese working calendar.
- Leadership and R&D read issued reports only; the head and an admin read drafts as well.
- Any member of staff in the field (technician, head, admin) raises a product-quality problem
  from a repair ticket or a flagged patrol finding; R&D (or the head) answers it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import Role, User
from ..clock import local_today, utcnow
from ..documents import filing
from ..documents.models import Photo
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..maintenance.models import Inspection
from ..maintenance.periods import shift_month
from ..notifications.services import notify_each, users_with_role
from ..records import new_id
from ..repairs.models import RepairTicket
from ..workcal.services import WorkCalendar
from .figures import compute_figures, month_span
from .models import DRAFT, ISSUED, MonthlyReport, ProductIssue

READERS = (Role.LEADERSHIP, Role.RND)
EDITORS = (Role.SUPERVISOR,)
DRAFT_READERS = (Role.SUPERVISOR, Role.ADMIN)
ISSUE_RAISERS = (Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)
ISSUE_ANSWERERS = (Role.RND, Role.SUPERVISOR)
MAX_TEXT = 20000


def require_head(user: User) -> None:
    """Only the department head may do this."""
    if not user.has_role(*EDITORS):
        raise Forbidden(_("Only the department head may do this."), code="head_only")


def can_read(user: User, report: MonthlyReport) -> bool:
    """Leadership and R&D read issued reports; the head and an admin every report."""
    if user.has_role(*DRAFT_READERS):
        return True
    return report.is_issued and user.has_role(*READERS)


def last_month(today: date | None = None) -> tuple[int, int]:
    """The month just ended, on the site's calendar."""
    today = today or local_today()
    return shift_month(today.year, today.month, -1)


def due_date(year: int, month: int, cal: WorkCalendar | None = None) -> date:
    """The last day the report of a month is due: the n-th working day of the next month."""
    cal = cal or WorkCalendar()
    n = int(current_app.config.get("REPORT_DUE_WORKING_DAYS", 5)) if has_app_context() else 5
    next_year, next_month = shift_month(year, month, 1)
    first = date(next_year, next_month, 1)
    return cal.add_working_days(first, n - 1).value if cal.is_working_day(first).value else cal.add_working_days(first, n).value


def report_for(year: int, month: int) -> MonthlyReport | None:
    """The report of a month, if drafted."""
    return db.session.scalars(select(MonthlyReport).where(MonthlyReport.year == year, MonthlyReport.month == month)).first()


def draft_report(year: int, month: int, today: date | None = None) -> tuple[MonthlyReport, bool]:
    """The month's report, drafted if it is not yet (returns it and whether it was made now)."""
    today = today or local_today()
    if (year, month) >= (today.year, today.month):
        raise DomainError(_("A month is reported once it has ended."), code="month_not_ended")
    existing = report_for(year, month)
    if existing is not None:
        return existing, False
    report = MonthlyReport(id=new_id(), year=year, month=month, status=DRAFT, analysis="", suggestions="",
                           drafted_at=utcnow(), updated_at=utcnow())
    db.session.add(report)
    db.session.flush()
    return report, True


def write_text(report: MonthlyReport, by: User, analysis: str, suggestions: str) -> MonthlyReport:
    """The head writes (or rewrites) a draft's analysis and improvement suggestions."""
    require_head(by)
    if report.is_issued:
        raise DomainError(_("This report is issued: it can no longer be changed."), code="report_issued")
    report.analysis = (analysis or "").strip()[:MAX_TEXT]
    report.suggestions = (suggestions or "").strip()[:MAX_TEXT]
    report.updated_at = utcnow()
    db.session.flush()
    return report


def issue_report(report: MonthlyReport, by: User, now: datetime | None = None) -> MonthlyReport:
    """Freeze the figures with the text, mark it issued and tell leadership and R&D."""
    require_head(by)
    if report.is_issued:
        raise DomainError(_("This report is already issued."), code="report_issued")
    if not report.analysis.strip():
        message = _("Write the analysis before issuing the report.")
        raise DomainError(message, code="analysis_required", errors={"analysis": [message]})
    now = now or utcnow()
    report.figures = compute_figures(report.year, report.month, now=now)
    report.status = ISSUED
    report.issued_by_id = by.id
    report.issued_at = now
    report.updated_at = now
    db.session.flush()
    notify_each(
        users_with_role(*READERS), "monthly_report", None,
        lambda: _("The O&M report for %(year)s-%(month)02d is issued by %(name)s.",
                  year=report.year, month=report.month, name=by.display_name),
        dedupe_key=f"monthly_report:{report.id}",
        link=report_path(report) if has_app_context() else None,
    )
    return report


def report_path(report: MonthlyReport) -> str:
    """The report page's path, inside a request or not (the demo loader and cron issue none)."""
    return current_app.url_map.bind("localhost").build("reports.detail", {"month": report.month_value})


def figures_of(report: MonthlyReport, now: datetime | None = None) -> dict:
    """The figures a report shows: frozen once issued, computed from the work while a draft."""
    if report.is_issued and report.figures is not None:
        return report.figures
    return compute_figures(report.year, report.month, now=now)


def reports_for(user: User) -> list[MonthlyReport]:
    """The reports a user may read, newest month first."""
    stmt = select(MonthlyReport).order_by(MonthlyReport.year.desc(), MonthlyReport.month.desc())
    if not user.has_role(*DRAFT_READERS):
        stmt = stmt.where(MonthlyReport.status == ISSUED)
    return list(db.session.scalars(stmt))


def get_report(year: int, month: int, viewer: User) -> MonthlyReport:
    """A month's report the viewer may read (NotFound otherwise)."""
    report = report_for(year, month)
    if report is None or not can_read(viewer, report):
        raise NotFound(_("Not found."))
    return report


def last_issued() -> MonthlyReport | None:
    """The newest issued report (the leadership's home page shows it)."""
    return db.session.scalars(select(MonthlyReport).where(MonthlyReport.status == ISSUED)
                              .order_by(MonthlyReport.year.desc(), MonthlyReport.month.desc()).limit(1)).first()


@dataclass
class ReportDeadline:
    """The head's reminder: last month's report, where it stands and when it is due."""

    year: int
    month: int
    due_on: date
    report: MonthlyReport | None

    @property
    def done(self) -> bool:
        """Issued."""
        return self.report is not None and self.report.is_issued

    @property
    def month_value(self) -> str:
        """'2026-10'."""
        return f"{self.year:04d}-{self.month:02d}"

    def overdue_on(self, today: date) -> bool:
        """Not issued and past the due day."""
        return not self.done and today > self.due_on


def head_deadline(today: date | None = None) -> ReportDeadline:
    """Last month's report and its 'early next month' deadline."""
    year, month = last_month(today)
    return ReportDeadline(year, month, due_date(year, month), report_for(year, month))


# --- product-quality problems (产品质量问题) ------------------------------------------------------


def _text_required(text: str, name: str, message: str) -> str:
    """The trimmed text, or a field error."""
    text = (text or "").strip()
    if not text:
        raise DomainError(message, code="invalid", errors={name: [message]})
    return text


def raise_from_ticket(ticket: RepairTicket, by: User, text: str) -> ProductIssue:
    """A technician flags a repair as a product-quality problem (the ticket's photos go with it)."""
    if not by.has_role(*ISSUE_RAISERS):
        raise Forbidden(_("Only field staff raise product-quality problems."), code="forbidden")
    text = _text_required(text, "text", _("Describe the product-quality problem."))
    device = ticket.device
    photos = list(db.session.scalars(select(Photo.image_sha256).where(
        Photo.document_kind == "repair_ticket", Photo.document_id == ticket.id, Photo.deleted_at.is_(None))))
    issue = ProductIssue(id=new_id(), source="ticket", ticket_id=ticket.id, customer_id=ticket.customer_id,
                         device_id=ticket.device_id, brand=device.brand if device else "",
                         model=device.model if device else "", text=text[:5000], photo_ids=photos,
                         raised_by_id=by.id, raised_at=utcnow(), answer="")
    db.session.add(issue)
    db.session.flush()
    return issue


def raise_from_finding(sheet: Inspection, item_key: str, by: User, text: str) -> ProductIssue:
    """A technician flags a patrol finding (a flagged item of a sheet) as a product-quality problem."""
    if not by.has_role(*ISSUE_RAISERS):
        raise Forbidden(_("Only field staff raise product-quality problems."), code="forbidden")
    answer = (sheet.answers or {}).get(item_key)
    if not isinstance(answer, dict) or not answer.get("flagged"):
        message = _("Choose an item the sheet flagged.")
        raise DomainError(message, code="invalid", errors={"item_key": [message]})
    text = _text_required(text, "text", _("Describe the product-quality problem."))
    device = sheet.device
    issue = ProductIssue(id=new_id(), source="finding", inspection_id=sheet.id, item_key=item_key,
                         customer_id=sheet.customer_id, device_id=sheet.device_id,
                         brand=device.brand if device else "", model=device.model if device else "",
                         text=text[:5000], photo_ids=[str(p) for p in answer.get("photo_ids") or []],
                         raised_by_id=by.id, raised_at=utcnow(), answer="")
    db.session.add(issue)
    db.session.flush()
    return issue


def answer_issue(issue: ProductIssue, by: User, answer: str) -> ProductIssue:
    """R&D (or the head) answers a product-quality problem (it can be answered again)."""
    if not by.has_role(*ISSUE_ANSWERERS):
        raise Forbidden(_("Only R&D or the department head answer product-quality problems."), code="forbidden")
    issue.answer = _text_required(answer, "answer", _("Write the answer."))[:5000]
    issue.answered_by_id = by.id
    issue.answered_at = utcnow()
    db.session.flush()
    return issue


def issues_of_month(year: int, month: int) -> list[ProductIssue]:
    """The problems raised in a month, by model then time (the report's R&D section)."""
    start, end = month_span(year, month)
    return list(db.session.scalars(select(ProductIssue).where(ProductIssue.raised_at >= start, ProductIssue.raised_at < end)
                                   .order_by(ProductIssue.brand, ProductIssue.model, ProductIssue.raised_at)))


def issue_photos(issues: list[ProductIssue]) -> dict[str, list[bytes]]:
    """The stored images of each problem, by problem id, for the report's PDF (an image that has
    not reached the server yet is left out)."""
    photos: dict[str, list[bytes]] = {}
    for issue in issues:
        images = [filing.image_bytes(sha256) for sha256 in issue.photo_ids or []]
        photos[issue.id] = [image for image in images if image is not None]
    return photos


def get_issue(issue_id: str) -> ProductIssue:
    """A product-quality problem by id (NotFound otherwise)."""
    issue = db.session.get(ProductIssue, issue_id)
    if issue is None:
        raise NotFound(_("Not found."))
    return issue
