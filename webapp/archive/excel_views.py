"""The archive's Excel pages: the device export, the two empty templates, and the two imports
(a customer's devices; a district's schools, sites and contacts), registered on the archive's
blueprint by `views.py`. An import changes nothing until every row of the file is clean."""
from __future__ import annotations

import io
from typing import Callable

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import get_visible
from ..clock import local_today
from ..errors import DomainError
from ..extensions import db
from ..request_body import body_limit
from . import district_import, excel, excel_import, services
from .forms import DeviceImportForm
from .models import Customer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def devices_export(customer_id: str):
    """Download the customer's devices as an Excel file."""
    customer = get_visible(Customer, customer_id, current_user)
    data = excel.export_devices(customer)
    name = f"{customer.name}-{_('devices')}-{local_today().isoformat()}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@login_required
def import_template():
    """Download an empty device sheet to fill in."""
    return send_file(
        io.BytesIO(excel.import_template()), mimetype=XLSX, as_attachment=True,
        download_name=f"{_('device-import-template')}.xlsx",
    )


@login_required
def district_template():
    """The empty district sheet (schools, sites, contacts)."""
    return send_file(io.BytesIO(district_import.template()), mimetype=XLSX, as_attachment=True,
                     download_name="district-template.xlsx")


def _import_page(check: Callable, apply: Callable, done: Callable[[object], str], back: str, template: str, **context):
    """One import: check the uploaded file; if every row is clean apply it, say what was done and
    go `back`; otherwise show the problems (422) and change nothing."""
    form = DeviceImportForm()
    result = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        result = check(upload.stream)
        if result.ok:
            try:
                apply(result, upload.filename or "")
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
            else:
                flash(done(result), "success")
                return redirect(back)
        else:
            db.session.rollback()
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template(template, form=form, result=result, **context), status


@login_required
@body_limit("ARCHIVE_IMPORT_MAX_BYTES")
def district_import_page():
    """Import schools with their sites and contacts from Excel."""
    services.require_editor(current_user)
    return _import_page(
        district_import.check_file,
        lambda result, filename: district_import.apply_import(current_user, result, filename),
        lambda r: _("Import done: %(schools)s schools, %(sites)s sites, %(contacts)s contacts.",
                    schools=r.created, sites=r.sites, contacts=r.contacts),
        url_for("archive.customer_list"), "archive/district_import.html",
    )


@login_required
@body_limit("ARCHIVE_IMPORT_MAX_BYTES")
def devices_import(customer_id: str):
    """Import a customer's devices from Excel."""
    customer = get_visible(Customer, customer_id, current_user)
    services.require_editor(current_user)
    if customer.deleted_at is not None:
        flash(_("This customer is retired; restore it first."), "error")
        return redirect(url_for("archive.customer_detail", customer_id=customer.id))
    return _import_page(
        lambda stream: excel_import.check_file(customer, stream),
        lambda result, filename: excel_import.apply_import(current_user, customer, result, filename),
        lambda r: _("Import done: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    created=r.created, updated=r.updated, unchanged=r.unchanged),
        url_for("archive.customer_detail", customer_id=customer.id, _anchor="devices"), "archive/import.html",
        customer=customer,
    )


def register(bp: Blueprint) -> None:
    """Add the Excel pages to the archive's blueprint (their endpoints keep the names `archive.*`)."""
    bp.add_url_rule("/customers/<customer_id>/devices.xlsx", view_func=devices_export)
    bp.add_url_rule("/devices/import-template.xlsx", view_func=import_template)
    bp.add_url_rule("/customers/import-template.xlsx", view_func=district_template)
    bp.add_url_rule("/customers/import", view_func=district_import_page, methods=["GET", "POST"])
    bp.add_url_rule("/customers/<customer_id>/devices/import", view_func=devices_import, methods=["GET", "POST"])
