"""The checklist-template editor: one form of item rows that a supervisor edits in place.

Every POST carries the button that was pressed: add a row, move a row up or down, preview the
checklist as a technician will see it, or save it as a new version. Rows are added and moved
on the server, so the editor works without script and nothing typed is lost between presses.
The content's rules are the maintenance services' (`load_template_data`); this module only
puts their messages next to the fields they belong to.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError
from ..extensions import db
from . import services
from .forms import TemplateForm, item_to_form_data, items_from_form
from .models import ChecklistTemplate

PAGE = "maintenance/template_form.html"
HEADER_FIELDS = ("template_key", "name_zh", "name_en", "activity", "applies_to", "device_category", "description",
                 "change_note")
CONTENT_FIELDS = ("name_zh", "name_en", "activity", "applies_to", "device_category", "description")


def edit_template(current: ChecklistTemplate | None):
    """The editor for a new checklist (current=None) or for a new version of `current`."""
    if request.method == "GET":
        return _first_page(current)
    form = TemplateForm()
    action, index = _pressed()
    if action == "add":
        return _add_row(form, current)
    if action in ("up", "down"):
        return _move_row(form, current, action, index)
    if action == "preview":
        return _preview(form, current)
    return _save(form, current)


def _pressed() -> tuple[str, int | None]:
    """Which editor button was pressed: save, preview, add, up/down with a row number."""
    action = request.form.get("action", "save")
    name, _sep, index = action.partition(":")
    return name, (int(index) if index.isdigit() else None)


def _page(form: TemplateForm, current: ChecklistTemplate | None, *, preview=None, errors=(), focus=None,
          status: int = 200):
    """The editor page."""
    return render_template(PAGE, form=form, current=current, preview=preview, general_errors=list(errors),
                           focus=focus), status


def _first_page(current: ChecklistTemplate | None):
    """The editor as it opens: the current version's content, or one empty row for a new checklist."""
    if current is not None:
        data = {name: getattr(current, name) for name in CONTENT_FIELDS}
        data["items"] = [item_to_form_data(i) for i in current.items]
    else:
        data = {"applies_to": "site", "items": [item_to_form_data({}, existing=False)]}
    return _page(TemplateForm(formdata=None, data=data), current)


def _with_rows(form: TemplateForm, rows: list[dict]) -> TemplateForm:
    """A fresh editor form holding the header as typed and the given item rows."""
    header = {name: getattr(form, name).data for name in HEADER_FIELDS}
    return TemplateForm(formdata=None, data={**header, "items": rows})


def _add_row(form: TemplateForm, current: ChecklistTemplate | None):
    """Add an empty row of the chosen item type at the end, its label focused."""
    rows = [entry.form.data for entry in form.items.entries]
    rows.append(item_to_form_data({"type": request.form.get("new_type", "pass_flag_fail")}, existing=False))
    return _page(_with_rows(form, rows), current, focus=(len(rows) - 1, "label"))


def _move_row(form: TemplateForm, current: ChecklistTemplate | None, direction: str, index: int | None):
    """Swap a row with the one above or below it; the pressed button keeps the focus."""
    rows = [entry.form.data for entry in form.items.entries]
    focus = (len(rows), "label")
    if index is not None and 0 <= index < len(rows):
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
            focus = (other, direction)
        else:
            focus = (index, direction)
    return _page(_with_rows(form, rows), current, focus=focus)


def _content(form: TemplateForm) -> tuple[dict, list[int]]:
    """The template content the editor holds, and the row index of each item."""
    items, rows = items_from_form(form)
    return {
        "name_zh": form.name_zh.data or "", "name_en": form.name_en.data or "", "activity": form.activity.data,
        "applies_to": form.applies_to.data, "device_category": form.device_category.data or None,
        "description": form.description.data or "", "items": items,
    }, rows


def _checked(form: TemplateForm) -> tuple[dict | None, dict, list[int], list[str]]:
    """(clean content or None, content, rows, messages for no field): the form's and the services' checks."""
    fields_ok = form.validate_on_submit()
    data, rows = _content(form)
    labels_ok = _check_labels(form, rows)
    if not (fields_ok and labels_ok):
        return None, data, rows, []
    try:
        return services.load_template_data(data), data, rows, []
    except DomainError as err:
        return None, data, rows, _attach_errors(form, err.errors, rows) or [err.message]


def _preview(form: TemplateForm, current: ChecklistTemplate | None):
    """The checklist as a technician will see it, once its content passes the checks (nothing is saved)."""
    clean, _data, _rows, errors = _checked(form)
    return _page(form, current, preview=clean, errors=errors, status=200 if clean is not None else 400)


def _save(form: TemplateForm, current: ChecklistTemplate | None):
    """Save the content as a new checklist or a new version of `current`; refusals stay on the page."""
    clean, data, rows, errors = _checked(form)
    if clean is None:
        return _page(form, current, errors=errors, status=400)
    note = form.change_note.data or ""
    try:
        if current is None:
            template = services.create_template(form.template_key.data or "", data, current_user, note)
        else:
            template = services.revise_template(current, data, current_user, note)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        errors = _attach_errors(form, err.errors, rows) or [err.message]
        return _page(form, current, errors=errors, status=400)
    except IntegrityError:
        db.session.rollback()
        return _page(form, current, errors=[_("Someone saved a new version of this checklist at the same moment. "
                                              "Open the current version and edit that.")], status=400)
    flash(_("Saved as version %(n)s.", n=template.version_no), "success")
    return redirect(url_for("maintenance.template_detail", template_id=template.id))


def _check_labels(form: TemplateForm, rows: list[int]) -> bool:
    """Every kept item needs both labels (translated messages before the schema's checks)."""
    ok = True
    for index in rows:
        sub = form.items.entries[index].form
        for name in ("label_zh", "label_en"):
            if not (sub[name].data or "").strip():
                sub[name].errors = list(sub[name].errors) + [_("This field is required.")]
                ok = False
    return ok


def _attach_errors(form: TemplateForm, errors: dict[str, list[str]], rows: list[int]) -> list[str]:
    """Put the schema's errors (dotted paths such as `items.0.max`) on the editor's fields;
    returns the ones that belong to no field."""
    general: list[str] = []
    for path, messages in errors.items():
        name, _dot, rest = path.partition(".")
        position, _dot, field_path = rest.partition(".")
        field_name = field_path.partition(".")[0]
        if name == "items" and position.isdigit() and int(position) < len(rows):
            sub = form.items.entries[rows[int(position)]].form
            target = sub[field_name] if field_name in sub else sub["label_en"]
            target.errors = list(target.errors) + messages
        elif name in form and name != "items" and not rest:
            form[name].errors = list(form[name].errors) + messages
        else:
            general += messages
    return general
