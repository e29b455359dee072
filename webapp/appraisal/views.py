"""Appraisal pages: the month for the head, one person's month with how each figure was computed,
the weighting schemes, adjustments, the Excel export for the payroll office, and suggestions."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..clock import local_today
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..forms import submit
from ..maintenance.periods import parse_month, shift_month
from ..templating import format_month
from . import services
from .excel import month_workbook
from .forms import AdjustmentForm, AnswerForm, SchemeForm, SuggestionForm
from .measures import OUTCOME_LABELS
from .scheme import DEFAULT_WEIGHTS, MEASURE_LABELS, MEASURES, RATES, WEIGHT_HINTS

bp = Blueprint("appraisal", __name__, url_prefix="/appraisal")
VIEWERS = (Role.SUPERVISOR, Role.ADMIN)  # see everyone's month and export it
RECORD_ENDPOINTS = {
    "visit": ("maintenance.visit_detail", "visit_id"),
    "sheet": ("maintenance.sheet_detail", "sheet_id"),
    "ticket": ("repairs.ticket_detail", "ticket_id"),
    "suggestion": ("appraisal.suggestion_detail", "suggestion_id"),
}


@bp.app_context_processor
def _appraisal_helpers() -> dict:
    """Labels and the link of a record behind a figure."""

    def record_url(record) -> str:
        endpoint, name = RECORD_ENDPOINTS[record.kind]
        return url_for(endpoint, **{name: record.id})

    return {"MEASURE_LABELS": MEASURE_LABELS, "OUTCOME_LABELS": OUTCOME_LABELS, "record_url": record_url,
            "WEIGHT_HINTS": WEIGHT_HINTS, "APPRAISAL_RATES": RATES}


def _month() -> tuple[int, int]:
    """The month asked for ('2026-10'); last month by default, the month an appraisal is made for."""
    today = local_today()
    last = shift_month(today.year, today.month, -1)
    return parse_month(request.args.get("month"), date(last[0], last[1], 1))


def _month_context(year: int, month: int) -> dict:
    """Month title and the neighbours' values for the month navigation."""
    prev_month, next_month = shift_month(year, month, -1), shift_month(year, month, 1)
    return {"year": year, "month": month, "month_title": format_month(date(year, month, 1)),
            "month_value": f"{year:04d}-{month:02d}", "prev_value": f"{prev_month[0]:04d}-{prev_month[1]:02d}",
            "next_value": f"{next_month[0]:04d}-{next_month[1]:02d}"}


def _is_head() -> bool:
    """The department head sets schemes, adjusts and answers."""
    return current_user.has_role(Role.SUPERVISOR)


@bp.route("/")
@login_required
def index():
    """The head sees everyone's month; anyone else goes to his own."""
    year, month = _month()
    if not current_user.has_role(*VIEWERS):
        return redirect(url_for("appraisal.person", user_id=current_user.id, month=f"{year:04d}-{month:02d}"))
    rows = services.appraise_month(year, month)
    scheme = services.scheme_in_force(year, month)
    return render_template("appraisal/month.html", rows=rows, scheme=scheme, measures=MEASURES,
                           **_month_context(year, month))


def _render_person(user_id: int, form: AdjustmentForm | None = None, status: int = 200):
    """One person's month with how each figure was computed."""
    year, month = _month()
    appraisal = services.appraisal_of(user_id, year, month, current_user)
    return render_template("appraisal/person.html", a=appraisal, can_adjust=_is_head(),
                           can_see_all=current_user.has_role(*VIEWERS),
                           form=form or AdjustmentForm(), **_month_context(year, month)), status


@bp.route("/people/<int:user_id>")
@login_required
def person(user_id: int):
    """A person's month: the person himself, the head or an admin (404 for anyone else)."""
    return _render_person(user_id)


@bp.route("/people/<int:user_id>/adjust", methods=["POST"])
@roles_required(Role.SUPERVISOR)
def adjust(user_id: int):
    """The head adds a justified adjustment to a person's month."""
    year, month = _month()
    person_row = db.session.get(User, user_id)
    if person_row is None:
        raise NotFound(_("Not found."))
    form = AdjustmentForm()
    result = submit(form, lambda: services.add_adjustment(person_row, year, month, float(form.points.data),
                                                          form.reason.data, current_user))
    if not result.done:
        return _render_person(user_id, form, 400)
    flash(_("Adjustment saved."), "success")
    return redirect(url_for("appraisal.person", user_id=user_id, month=f"{year:04d}-{month:02d}"))


@bp.route("/export.xlsx")
@roles_required(*VIEWERS)
def export():
    """The month for the payroll office, as an Excel workbook."""
    year, month = _month()
    data = month_workbook(services.appraise_month(year, month), year, month)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"appraisal-{year:04d}-{month:02d}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- schemes ------------------------------------------------------------------------------------


@bp.route("/schemes", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def schemes():
    """Every version of the weights; the head adds a new one from this month or later."""
    today = local_today()
    current = services.scheme_in_force(today.year, today.month)
    weights = current.weights if current else DEFAULT_WEIGHTS
    if request.method == "GET":
        form = SchemeForm(data={"effective_from": today.replace(day=1),
                                **{f"w_{k}": weights.get(k, 0) for k in MEASURES}})
    else:
        form = SchemeForm()
    if request.method == "POST" and not _is_head():
        raise Forbidden(_("Only the department head may do this."), code="head_only")
    result = submit(form, lambda: services.set_scheme(form.weights(), form.effective_from.data, form.note.data,
                                                      current_user, today=today))
    if result.done:
        flash(_("Scheme version %(n)s saved.", n=result.value.version_no), "success")
        return redirect(url_for("appraisal.schemes"))
    return render_template("appraisal/schemes.html", form=form, versions=services.schemes(), current=current,
                           measures=MEASURES, can_edit=_is_head()), result.status


# --- suggestions ----------------------------------------------------------------------------------


@bp.route("/suggestions", methods=["GET", "POST"])
@login_required
def suggestions():
    """File a suggestion; the list shows my own (the head sees all)."""
    form = SuggestionForm()
    result = submit(form, lambda: services.file_suggestion(current_user, form.title.data, form.text.data))
    if result.done:
        flash(_("Thank you: your suggestion was filed."), "success")
        return redirect(url_for("appraisal.suggestion_detail", suggestion_id=result.value.id))
    return render_template("appraisal/suggestions.html", form=form, items=services.suggestions_for(current_user),
                           sees_all=current_user.has_role(*VIEWERS)), result.status


@bp.route("/suggestions/<suggestion_id>", methods=["GET", "POST"])
@login_required
def suggestion_detail(suggestion_id: str):
    """A suggestion and its answer; the head answers it here."""
    suggestion = services.get_suggestion(suggestion_id, current_user)
    form = AnswerForm(obj=suggestion if request.method == "GET" else None)
    result = submit(form, lambda: services.answer_suggestion(suggestion, current_user, form.answer.data,
                                                             form.adopted.data))
    if result.done:
        flash(_("Answer saved."), "success")
        return redirect(url_for("appraisal.suggestion_detail", suggestion_id=suggestion.id))
    return render_template("appraisal/suggestion.html", s=suggestion, form=form,
                           can_answer=_is_head()), result.status
