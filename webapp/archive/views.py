"""Archive pages and the archive's read API: customers, sites, cabinets, devices, handover items."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..audit.services import AuditFilters, audit_query, prepare, trail_for
from ..auth.permissions import get_visible, roles_required
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..forms import show_errors
from ..history import sections_for
from ..templating import CATEGORY_LABELS
from ..paging import page_number
from .. import listing
from . import excel_views, queries, rules, services
from .forms import FORMS, DeviceFieldForm, DeviceSearchForm, VersionedForm, fill_choices, select_data_from
from .models import DEVICE_CATEGORIES, Cabinet, Customer, Device
from .queries import DeviceFilters
from .services import EDITOR_ROLES

bp = Blueprint("archive", __name__)

DEVICES_ON_CUSTOMER_PAGE = 20
# Where each kind of record is listed on the customer page.
ANCHORS = {"contact": "contacts", "site": "sites", "room": "sites", "handover": "handover", "device": "devices", "cabinet": "cabinets"}
TITLES_NEW = {
    "contact": _l("New contact"),
    "site": _l("New site"),
    "room": _l("New room"),
    "cabinet": _l("New cabinet"),
    "device": _l("New device"),
    "handover": _l("New handover item"),
}



def _audit_trail(entity: str, entity_id: str) -> list | None:
    """A record's latest audit entries (a customer's: of all its records), for audit readers."""
    if not services.can_view_audit(current_user):
        return None
    if entity == "customer":
        return prepare(list(db.session.scalars(audit_query(AuditFilters(customer_id=entity_id)).limit(20))))
    return prepare(trail_for(entity, entity_id))


def _record_url(record: Any) -> str:
    """Where a record is shown after a change."""
    kind = services.kind_of(record)
    if kind == "customer":
        return url_for("archive.customer_detail", customer_id=record.id)
    if kind == "device":
        return url_for("archive.device_detail", device_id=record.id)
    if kind == "cabinet":
        return url_for("archive.cabinet_detail", cabinet_id=record.id)
    return url_for("archive.customer_detail", customer_id=record.customer_id, _anchor=ANCHORS[kind])


def _label(record: Any) -> str:
    """A short name for a record in messages."""
    return getattr(record, "name", None) or getattr(record, "description", "")


# --- customers ------------------------------------------------------------------------------


@bp.route("/customers")
@login_required
def customer_list():
    """Customers the user may see, searchable by name, address and text."""
    text = request.args.get("q", "").strip()[:100]
    include_retired = services.can_edit_archive(current_user) and request.args.get("retired") == "1"
    page = queries.paginate(queries.customer_query(current_user, text, include_retired), page_number())
    ids = [c.id for c in page.items]
    args = {k: v for k, v in (("q", text), ("retired", "1" if include_retired else "")) if v}
    return render_template(
        "archive/customer_list.html",
        page=page,
        q=text,
        include_retired=include_retired,
        args=args,
        device_counts=queries.counts_by_customer(Device, ids),
        cabinet_counts=queries.counts_by_customer(Cabinet, ids),
        can_edit=services.can_edit_archive(current_user),
    )


@bp.route("/customers/<customer_id>")
@login_required
def customer_detail(customer_id: str):
    """A customer's archive: facts, people, sites, cabinets, devices, handover, history."""
    customer = get_visible(Customer, customer_id, current_user)
    can_edit = services.can_edit_archive(current_user)
    cabinets = queries.active(customer.cabinets)
    devices, device_total = queries.customer_devices(customer, DEVICES_ON_CUSTOMER_PAGE)
    return render_template(
        "archive/customer_detail.html",
        customer=customer,
        can_edit=can_edit,
        contacts=queries.active(customer.contacts),
        sites=queries.active(customer.sites),
        cabinets=cabinets,
        cabinet_device_counts=queries.device_counts_by_cabinet(c.id for c in cabinets),
        devices=devices,
        device_total=device_total,
        handover_items=sorted(queries.active(customer.handover_items), key=lambda h: (h.kind, h.description)),
        retired=queries.retired_children(customer) if can_edit else {},
        technicians=sorted(customer.technicians, key=lambda u: u.display_name),
        history_sections=sections_for("customer", customer, current_user),
        trail=_audit_trail("customer", customer.id),
    )


@bp.route("/customers/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def customer_new():
    """Add a customer."""
    form = FORMS["customer"]()
    if _validated(form, "customer", None):
        try:
            customer = services.create_customer(current_user, _form_data(form, "customer"))
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _show_refusal(form, err)
        else:
            flash(_("%(name)s was added to the archive.", name=customer.name), "success")
            return redirect(url_for("archive.customer_detail", customer_id=customer.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    return render_template(
        "archive/form.html", form=form, title=_("New customer"), customer=None,
        cancel_url=url_for("archive.customer_list"),
    )


@bp.route("/customers/<customer_id>/edit", methods=["GET", "POST"])
@login_required
def customer_edit(customer_id: str):
    """Change a customer's facts."""
    return record_edit("customer", customer_id)


# --- contacts, sites, rooms, cabinets, devices, handover items ---------------------------------------


def _form_data(form: VersionedForm, kind: str) -> dict:
    """The values of the form fields the service takes."""
    names = services.FIELD_DEVICE_FIELDS if isinstance(form, DeviceFieldForm) else services.KINDS[kind][1]
    return {name: form[name].data for name in names if name in form}


def _show_refusal(form: VersionedForm, err: DomainError) -> None:
    """Show a service's refusal on the form; after a stale save the next one is made knowingly."""
    show_errors(form, err)
    if isinstance(err, rules.Stale):
        form.base_version.data = str(err.details.get("version", ""))


def _validated(form: VersionedForm, kind: str, customer: Customer | None, record: Any = None) -> bool:
    """The form's own checks plus the archive's rules, so every problem shows on the first try."""
    ok = form.validate_on_submit()
    if not form.is_submitted() or isinstance(form, DeviceFieldForm):
        return ok
    problems = rules.record_problems(kind, customer, _form_data(form, kind), record)
    for name, messages in problems.items():
        if name in form and not form[name].errors:
            form[name].errors = list(form[name].errors) + [str(m) for m in messages]
    return ok and not problems


@bp.route("/customers/<customer_id>/<kind>/new", methods=["GET", "POST"])
@login_required
def record_new(customer_id: str, kind: str):
    """Add a contact, site, room, cabinet, device or handover item to a customer."""
    if kind not in services.CHILD_KINDS:
        abort(404)
    customer = get_visible(Customer, customer_id, current_user)
    services.require_editor(current_user)
    form = FORMS[kind]()
    fill_choices(form, customer)
    if request.method == "GET":
        for name in ("site_id", "room_id", "cabinet_id"):
            if name in form and request.args.get(name):
                form[name].data = request.args[name]
        if kind == "device" and form.cabinet_id.data:
            cabinet = db.session.get(Cabinet, form.cabinet_id.data)
            if cabinet is not None and cabinet.customer_id == customer.id and cabinet.room_id:
                form.room_id.data = cabinet.room_id
    if _validated(form, kind, customer):
        try:
            record = services.create_record(current_user, kind, customer, _form_data(form, kind))
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _show_refusal(form, err)
        else:
            flash(_("%(name)s was added.", name=_label(record)), "success")
            return redirect(_record_url(record))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    return render_template(
        "archive/form.html", form=form, title=str(TITLES_NEW[kind]), customer=customer,
        cancel_url=url_for("archive.customer_detail", customer_id=customer.id, _anchor=ANCHORS[kind]),
    )


@bp.route("/archive/<kind>/<record_id>/edit", methods=["GET", "POST"])
@login_required
def record_edit(kind: str, record_id: str):
    """Change an archive record; technicians may correct a device's version, serial and notes."""
    record = get_visible(services.model_for(kind), record_id, current_user)
    customer = record if kind == "customer" else db.session.get(Customer, record.customer_id)
    editor = services.can_edit_archive(current_user)
    field_mode = kind == "device" and not editor and services.can_edit_device_in_field(current_user, record)
    if not editor and not field_mode:
        raise Forbidden(_("Your role may look at the archive but not change it."))
    form_class = DeviceFieldForm if field_mode else FORMS[kind]
    form = form_class(obj=record)
    if kind != "customer" and not field_mode:
        fill_choices(form, customer)
    if request.method == "GET":
        form.base_version.data = str(record.version)
        select_data_from(form, record)
    if _validated(form, kind, None if kind == "customer" else customer, record):
        data = _form_data(form, kind)
        try:
            if kind == "device":
                services.update_device(current_user, record, data, form.base_version_int())
            else:
                services.update_record(current_user, record, data, form.base_version_int())
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _show_refusal(form, err)
        else:
            flash(_("Saved."), "success")
            return redirect(_record_url(record))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    title = _("Update in the field: %(name)s", name=record.name) if field_mode else _("Edit %(name)s", name=_label(record))
    return render_template(
        "archive/form.html", form=form, title=title, customer=None if kind == "customer" else customer,
        record=record, cancel_url=_record_url(record), field_mode=field_mode,
    )


@bp.route("/archive/<kind>/<record_id>/retire", methods=["POST"])
@login_required
def record_retire(kind: str, record_id: str):
    """Retire a record (it keeps its history and can be restored)."""
    record = get_visible(services.model_for(kind), record_id, current_user)
    try:
        services.retire_record(current_user, record)
        db.session.commit()
    except Forbidden:
        raise
    except DomainError as err:
        db.session.rollback()
        flash(_("%(name)s cannot be retired: %(reason)s", name=_label(record), reason=err.message), "error")
    else:
        flash(_("%(name)s was retired. It can be restored from the same page.", name=_label(record)), "success")
    return redirect(_record_url(record))


@bp.route("/archive/<kind>/<record_id>/restore", methods=["POST"])
@login_required
def record_restore(kind: str, record_id: str):
    """Bring a retired record back."""
    record = get_visible(services.model_for(kind), record_id, current_user)
    try:
        services.restore_record(current_user, record)
        db.session.commit()
    except Forbidden:
        raise
    except DomainError as err:
        db.session.rollback()
        flash(_("%(name)s cannot be restored: %(reason)s", name=_label(record), reason=err.message), "error")
    else:
        flash(_("%(name)s was restored.", name=_label(record)), "success")
    return redirect(_record_url(record))


# --- devices and cabinets -------------------------------------------------------------------------


def _device_filters(form: DeviceSearchForm, shared: listing.ListFilters) -> DeviceFilters:
    """The device list's own search fields and the shared school and technician."""
    return DeviceFilters(
        text=(form.q.data or "")[:100],
        customer_id=shared.customer_id,
        technician_id=shared.technician_id,
        brand=form.brand.data or "",
        model=form.model.data or "",
        serial=form.serial.data or "",
        category=form.category.data if form.category.data in DEVICE_CATEGORIES else "",
        include_retired=True,  # the status filter says in service or retired
    )


@bp.route("/devices")
@login_required
def device_search():
    """Devices across the customers the user may see: by school, technician, in service or retired,
    install dates, text, category, brand, model and serial; paged or as Excel."""
    shared_form = listing.filter_form(current_user, [("active", _("In service")), ("retired", _("Retired"))],
                                      default_status="active", old_names={"customer": "school"})
    shared_form.date_from.label.text, shared_form.date_to.label.text = _("Installed from"), _("Installed to")
    shared = listing.read_filters(shared_form)
    form = DeviceSearchForm(request.args)
    form.category.choices = [("", _("All categories"))] + [(k, str(CATEGORY_LABELS[k])) for k in DEVICE_CATEGORIES]
    filters = _device_filters(form, shared)
    stmt = listing.apply_filters(queries.device_query(current_user, filters), shared,
                                 statuses=queries.DEVICE_STATUS_CONDITIONS, day=Device.install_date, day_is_date=True)
    if listing.wants_export():
        return listing.excel_response(_("Devices"), [
            (_("School"), lambda d: d.customer.name),
            (_("Device name"), lambda d: d.name),
            (_("Category"), lambda d: CATEGORY_LABELS.get(d.category, d.category)),
            (_("Brand"), lambda d: d.brand), (_("Model"), lambda d: d.model),
            (_("Serial number"), lambda d: d.serial), (_("Software version"), lambda d: d.software_version),
            (_("Cabinet"), lambda d: d.cabinet.name if d.cabinet else ""),
            (_("Installed"), lambda d: d.install_date),
            (_("Warranty end"), lambda d: d.warranty_end),
        ], listing.export_rows(stmt), "devices")
    page = queries.paginate(stmt, page_number())
    args = {**shared.query_args(), **{k: v for k in ("q", "category", "brand", "model", "serial")
                                      if (v := request.args.get(k))}}
    if "status" in request.args and not shared.status:
        args["status"] = ""
    return render_template(
        "archive/device_search.html", form=form, shared_form=shared_form, page=page, args=args, filters=filters,
        more_open=any([filters.brand, filters.model, filters.serial]),
        filtered=any(v for k, v in request.args.items() if k != "page"),
        export_url=listing.export_url(),
    )


@bp.route("/devices/<device_id>")
@login_required
def device_detail(device_id: str):
    """A device: all its facts, where it is, warranty, QR label and history."""
    device = get_visible(Device, device_id, current_user)
    return render_template(
        "archive/device_detail.html",
        device=device,
        customer=device.customer,
        can_edit=services.can_edit_archive(current_user),
        can_field_edit=services.can_edit_device_in_field(current_user, device),
        warranty=queries.warranty_state(device),
        history_sections=sections_for("device", device, current_user),
        trail=_audit_trail("device", device.id),
    )


@bp.route("/cabinets/<cabinet_id>")
@login_required
def cabinet_detail(cabinet_id: str):
    """A cabinet: its facts, the devices in it, its QR label and history."""
    cabinet = get_visible(Cabinet, cabinet_id, current_user)
    can_edit = services.can_edit_archive(current_user)
    return render_template(
        "archive/cabinet_detail.html",
        cabinet=cabinet,
        customer=cabinet.customer,
        devices=queries.active(cabinet.devices),
        retired_devices=queries.retired(cabinet.devices) if can_edit else [],
        can_edit=can_edit,
        history_sections=sections_for("cabinet", cabinet, current_user),
        trail=_audit_trail("cabinet", cabinet.id),
    )


excel_views.register(bp)
