"""The working calendar's admin pages: see each year's source, enter a year's holidays."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..clock import local_today
from ..errors import DomainError
from ..extensions import db
from .forms import RemoveYearForm, WorkCalendarYearForm, YearPickForm
from .services import (
    ASSUMED,
    FIRST_YEAR,
    LAST_YEAR,
    STATUS_LABELS,
    WorkCalendar,
    calendar_warning,
    days_from_json,
    format_days,
    get_entered_row,
    package_year,
    parse_year,
    remove_year,
    save_year,
    years_overview,
)

bp = Blueprint("workcal", __name__, url_prefix="/admin/calendar")
EDITORS = (Role.ADMIN, Role.SUPERVISOR)


@bp.app_context_processor
def _calendar_helpers() -> dict:
    """Let any template show the assumed-calendar warning: {{ calendar_warning(years) }}."""
    return {"calendar_warning": calendar_warning, "CALENDAR_STATUS_LABELS": STATUS_LABELS}


@bp.route("/")
@roles_required(*EDITORS)
def years():
    """Every year near today with where its calendar comes from."""
    today = local_today()
    cal = WorkCalendar()
    overview = years_overview(today, cal)
    missing = [y for y, status in overview if status == ASSUMED and y <= today.year + 1]
    pick = YearPickForm(request.args, meta={"csrf": False})
    if "year" in request.args and pick.validate():
        return redirect(url_for("workcal.year", year=pick.year.data))
    return render_template("workcal/years.html", overview=overview, missing=missing, today=today, pick=pick)


@bp.route("/<int:year>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def year(year: int):
    """Enter or correct one year's holidays and make-up working days."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        flash(_("Choose a year between %(a)s and %(b)s.", a=FIRST_YEAR, b=LAST_YEAR), "error")
        return redirect(url_for("workcal.years"))
    row = get_entered_row(year)
    entered = row if row is not None and row.deleted_at is None else None
    official = package_year(year)
    form = WorkCalendarYearForm()
    form.holidays.render_kw = {**form.holidays.render_kw, "placeholder": f"{year}-01-01 元旦\n{year}-10-01..{year}-10-07 国庆节"}
    form.makeup_days.render_kw = {**form.makeup_days.render_kw, "placeholder": f"{year}-10-09 国庆节"}
    warnings: list[str] = []
    if request.method == "GET":
        source = official if request.args.get("prefill") == "package" and official else None
        if source is not None:
            form.holidays.data = format_days(source.holidays)
            form.makeup_days.data = format_days(source.makeup_days)
        elif entered is not None:
            form.holidays.data = _format_stored(entered.holidays)
            form.makeup_days.data = _format_stored(entered.makeup_days)
            form.note.data = entered.note
    elif form.validate_on_submit():
        parsed = parse_year(year, form.holidays.data or "", form.makeup_days.data or "")
        for name, messages in parsed.errors.items():
            getattr(form, name).errors = list(getattr(form, name).errors) + messages
        warnings = parsed.warnings
        if not parsed.errors and (not warnings or form.confirm.data):
            try:
                save_year(year, parsed.holidays, parsed.makeup_days, form.note.data or "", current_user)
            except DomainError as err:
                db.session.rollback()
                form.holidays.errors = list(form.holidays.errors) + [err.message]
            else:
                db.session.commit()
                flash(_("The working calendar for %(year)s is saved. Days off: %(h)s; make-up working days: %(m)s.",
                        year=year, h=len(parsed.holidays), m=len(parsed.makeup_days)), "success")
                return redirect(url_for("workcal.year", year=year))
    cal = WorkCalendar()
    return render_template(
        "workcal/year.html",
        year=year,
        status=cal.status(year),
        form=form,
        warnings=warnings,
        entered=entered,
        official=official,
        official_holidays=format_days(official.holidays).splitlines() if official else [],
        official_makeup=format_days(official.makeup_days).splitlines() if official else [],
        remove_form=RemoveYearForm(),
    )


@bp.route("/<int:year>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove(year: int):
    """Remove a year's entry so the package (or Monday–Friday) applies again."""
    form = RemoveYearForm()
    if form.validate_on_submit():
        try:
            remove_year(year, current_user)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("The entry for %(year)s is removed.", year=year), "success")
    return redirect(url_for("workcal.year", year=year))


def _format_stored(items: list[dict]) -> str:
    """Stored [{"date", "name"}] lists back into the text-box format."""
    return format_days(days_from_json(items))
