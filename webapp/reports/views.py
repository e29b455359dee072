"""Report pages: the months' reports, one month (a draft the head writes and issues, or the frozen
issued report), the records behind a figure, the PDF and Excel files, and the product-quality
problems raised for R&D. The `flask report-draft` command (cron, on the 1st) lives here too."""
from __future__ import annotations

import io
from datetime import date

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..errors import DomainError, NotFound
from ..extensions import db
from ..forms import show_errors
from ..maintenance.models import Inspection, Visit
from ..maintenance.periods import parse_month
from ..repairs.models import RepairTicket
from ..templating import format_month
from ..training.seminars import minutes_for_month
from . import services
from .charts import charts_of
from .excel import report_workbook
from .figures import FIGURE_LABELS, FIGURES
from .pdf import render_report
from .reading import figure_of, row_label, row_text, school_rows
from .forms import IssueAnswerForm, IssueForm, ProductIssueForm, ReportTextForm
from .models import ProductIssue

bp = Blueprint("reports", __name__, url_prefix="/reports", cli_group=None)
READ_ROLES = (Role.SUPERVISOR, Role.ADMIN, Role.LEADERSHIP, Role.RND)
RECORD_MODELS = {"ticket": RepairTicket, "visit": Visit, "sheet": Inspection, "issue": ProductIssue}


@bp.app_context_processor
def _report_helpers() -> dict:
    """Labels and number formats of the figures, for the report templates."""
    return {"FIGURE_LABELS": FIGURE_LABELS, "figure_row_label": row_label, "figure_row_text": row_text}


def _parse(month_value: str) -> tuple[int, int]:
    """'2026-10' from the URL (404 when it is not a month)."""
    sentinel = date(1900, 1, 1)
    year, month = parse_month(month_value, sentinel)
    if (year, month) == (1900, 1):
        raise NotFound(_("Not found."))
    return year, month


def _school(figures: dict) -> str | None:
    """The school the reader narrowed the report to (?school=), if one of the report's."""
    school = request.args.get("school") or None
    return school if school in figures.get("schools", {}) else None


def _render(report, form: ReportTextForm | None = None, status: int = 200):
    """One month's report: figures (of one school if asked), charts, text and the head's form."""
    figures = services.figures_of(report)
    school = _school(figures)
    rows_of = (lambda key: school_rows(figures, key, school)) if school else (lambda key: figure_of(figures, key)["rows"])
    sections = [(key, rows_of(key)) for key in FIGURES]
    charts = [c.as_json() for c in charts_of(figures, rows_of)]
    editable = not report.is_issued and current_user.has_role(*services.EDITORS)
    if form is None and editable:
        form = ReportTextForm(obj=report)
    return render_template(
        "reports/detail.html", report=report, figures=figures, sections=sections, charts=charts, school=school,
        form=form, editable=editable, issue_form=IssueForm(), month_title=format_month(date(report.year, report.month, 1)),
        issues=services.issues_of_month(report.year, report.month),
        deadline=services.due_date(report.year, report.month),
        minutes_url=minutes_for_month(report.year, report.month),
    ), status


@bp.route("/")
@roles_required(*READ_ROLES)
def index():
    """The reports month by month (drafts only for the head and an admin)."""
    deadline = services.head_deadline() if current_user.has_role(*services.DRAFT_READERS) else None
    return render_template("reports/index.html", reports=services.reports_for(current_user), deadline=deadline)


@bp.route("/<month>")
@roles_required(*READ_ROLES)
def detail(month: str):
    """A month's report."""
    year, month_no = _parse(month)
    return _render(services.get_report(year, month_no, current_user))


@bp.route("/<month>/draft", methods=["POST"])
@roles_required(Role.SUPERVISOR)
def draft(month: str):
    """The head drafts a month now (the same verb as the 1st-of-month command)."""
    year, month_no = _parse(month)
    try:
        services.draft_report(year, month_no)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("reports.index"))
    return redirect(url_for("reports.detail", month=month))


@bp.route("/<month>/text", methods=["POST"])
@roles_required(Role.SUPERVISOR)
def save_text(month: str):
    """The head saves the analysis and suggestions of a draft; with `issue`, issues it too."""
    year, month_no = _parse(month)
    report = services.get_report(year, month_no, current_user)
    form = ReportTextForm()
    if not form.validate_on_submit():
        return _render(report, form, 400)
    try:
        services.write_text(report, current_user, form.analysis.data, form.suggestions.data)
        if request.form.get("issue"):
            services.issue_report(report, current_user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        show_errors(form, err)
        return _render(report, form, 409 if err.code == "report_issued" else 400)
    flash(_("The report is issued; leadership and R&D have been told.") if report.is_issued else _("Draft saved."),
          "success")
    return redirect(url_for("reports.detail", month=month))


@bp.route("/<month>/records")
@roles_required(*READ_ROLES)
def records(month: str):
    """The tickets, visits or sheets behind one row of a figure (of one school if asked)."""
    year, month_no = _parse(month)
    report = services.get_report(year, month_no, current_user)
    figures = services.figures_of(report)
    key = request.args.get("figure", "")
    if key not in FIGURES:
        raise NotFound(_("Not found."))
    row = next((r for r in figure_of(figures, key)["rows"] if r["key"] == request.args.get("row")), None)
    if row is None:
        raise NotFound(_("Not found."))
    model = RECORD_MODELS[FIGURES[key]]
    school = _school(figures)
    stmt = select(model).where(model.id.in_(row["ids"])).options(selectinload(model.customer))
    if school:
        stmt = stmt.where(model.customer_id == school)
    items = list(db.session.scalars(stmt)) if row["ids"] else []
    order = {record_id: i for i, record_id in enumerate(row["ids"])}
    items.sort(key=lambda item: order.get(item.id, 0))
    return render_template("reports/records.html", report=report, figure=key, row=row, items=items, kind=FIGURES[key],
                           school=figures["schools"].get(school) if school else None,
                           can_open=current_user.has_role(*services.DRAFT_READERS))


@bp.route("/<month>/report.pdf")
@roles_required(*READ_ROLES)
def pdf(month: str):
    """The report as a PDF."""
    year, month_no = _parse(month)
    report = services.get_report(year, month_no, current_user)
    issues = services.issues_of_month(year, month_no)
    data = render_report(report, services.figures_of(report), issues, current_app.config["PDF_FONT_PATH"],
                         photos=services.issue_photos(issues))
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"om-report-{month}.pdf")


@bp.route("/<month>/report.xlsx")
@roles_required(*READ_ROLES)
def excel(month: str):
    """The report as an Excel workbook with native charts."""
    year, month_no = _parse(month)
    report = services.get_report(year, month_no, current_user)
    data = report_workbook(report, services.figures_of(report))
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"om-report-{month}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- product-quality problems ---------------------------------------------------------------------


@bp.route("/issues")
@login_required
def issues():
    """Every product-quality problem raised, newest first, with R&D's answers."""
    rows = list(db.session.scalars(select(ProductIssue).options(selectinload(ProductIssue.customer))
                                   .order_by(ProductIssue.raised_at.desc()).limit(200)))
    return render_template("reports/issues.html", items=rows)


@bp.route("/issues/new", methods=["GET", "POST"])
@roles_required(*services.ISSUE_RAISERS)
def new_issue():
    """Raise a product-quality problem from a repair ticket (?ticket=) or a finding (?sheet=&item=)."""
    form = ProductIssueForm(data={"ticket_id": request.args.get("ticket", ""), "sheet_id": request.args.get("sheet", ""),
                                  "item_key": request.args.get("item", "")} if request.method == "GET" else None)
    ticket = db.session.get(RepairTicket, form.ticket_id.data) if form.ticket_id.data else None
    sheet = db.session.get(Inspection, form.sheet_id.data) if form.sheet_id.data else None
    if ticket is None and sheet is None:
        raise NotFound(_("Not found."))
    status = 200
    if form.validate_on_submit():
        try:
            if ticket is not None:
                issue = services.raise_from_ticket(ticket, current_user, form.text.data)
            else:
                issue = services.raise_from_finding(sheet, form.item_key.data, current_user, form.text.data)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            show_errors(form, err)
            status = 400
        else:
            flash(_("The product-quality problem is raised for R&D."), "success")
            return redirect(url_for("reports.issue_detail", issue_id=issue.id))
    elif request.method == "POST":
        status = 400
    return render_template("reports/issue_new.html", form=form, ticket=ticket, sheet=sheet), status


@bp.route("/issues/<issue_id>", methods=["GET", "POST"])
@login_required
def issue_detail(issue_id: str):
    """A product-quality problem with its photos; R&D (or the head) answers it here."""
    issue = services.get_issue(issue_id)
    form = IssueAnswerForm(obj=issue if request.method == "GET" else None)
    can_answer = current_user.has_role(*services.ISSUE_ANSWERERS)
    status = 200
    if request.method == "POST":
        if not can_answer:
            return redirect(url_for("reports.issue_detail", issue_id=issue.id))
        if form.validate_on_submit():
            services.answer_issue(issue, current_user, form.answer.data)
            db.session.commit()
            flash(_("Answer saved."), "success")
            return redirect(url_for("reports.issue_detail", issue_id=issue.id))
        status = 400
    return render_template("reports/issue.html", issue=issue, form=form, can_answer=can_answer), status


# --- the 1st-of-month command ---------------------------------------------------------------------


@bp.cli.command("report-draft")
@click.option("--month", "month_value", default=None, help="The month to draft, YYYY-MM (default: last month).")
def report_draft_command(month_value: str | None) -> None:
    """Draft last month's report (idempotent: run it from cron on the 1st, twice does no harm)."""
    year, month = services.last_month()
    if month_value:
        year, month = parse_month(month_value, date(year, month, 1))
    try:
        report, made = services.draft_report(year, month)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from err
    click.echo(f"{'Drafted' if made else 'Already drafted'}: the report of {report.month_value} ({report.status}).")

