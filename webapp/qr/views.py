"""QR labels: /q/<token>, the public fault-report page, label actions and label sheets."""
from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..archive.models import Cabinet, Customer, Device
from ..archive.qr import short_code
from ..auth.models import Role
from ..auth.permissions import can_see_customer, customer_scope, get_visible, roles_required
from ..clock import local_today
from ..documents.label_sheet import LAYOUTS, build_label_sheet
from ..errors import DomainError, NotFound
from ..extensions import db, limiter
from ..repairs.services import report_from_label
from . import services
from .forms import LabelSheetForm, PublicReportForm

bp = Blueprint("qr", __name__)

LABEL_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
REPORT_SESSION_KEY = "qr_report"


@bp.app_template_filter("short_code")
def _short_code_filter(token: str | None) -> str:
    """The code printed under a QR, for templates."""
    return short_code(token) if token else ""


def public_base_url() -> str:
    """Where labels point: PUBLIC_BASE_URL when set, else the address this request came to."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")


def record_url(record) -> str:
    """The staff page of a cabinet or device."""
    if isinstance(record, Cabinet):
        return url_for("archive.cabinet_detail", cabinet_id=record.id)
    return url_for("archive.device_detail", device_id=record.id)


def _safe_next(fallback: str) -> str:
    """A local page to go back to after an action (never another site)."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def _report_limit() -> str:
    """The configured rate limit for public fault reports (per IP address)."""
    return current_app.config["PUBLIC_REPORT_RATE_LIMIT"]


GONE_TEXTS = {
    404: (
        _l("Label not recognised"),
        _l("This QR code is not one of our labels, or it was scanned only in part. Please scan it again."),
    ),
    410: (
        _l("Label no longer valid"),
        _l("This label was replaced or withdrawn. Look for a newer label on the equipment, or tell the school office about the fault."),
    ),
}


def _gone_texts(status: int) -> dict:
    """Headline and message of an unknown/revoked label page in both languages (a scanned label
    is read by anyone: the other language is shown too, smaller)."""
    texts = {}
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            texts[lang] = (str(GONE_TEXTS[status][0]), str(GONE_TEXTS[status][1]))
    return texts


def _label_gone(token: str, status: int):
    """The friendly page for an unknown (404) or revoked (410) label."""
    record_link = None
    if current_user.is_authenticated:
        found = services.label_record_for_token(token)
        if found is not None and can_see_customer(current_user, found.customer_id):
            record_link = record_url(found)
    texts = _gone_texts(status)
    here = str(get_locale() or "zh")
    main = texts.get(here) or next(iter(texts.values()))
    others = [t for lang, t in texts.items() if lang != here and t != main]
    template = "qr/unknown.html" if status == 404 else "qr/revoked.html"
    return render_template(template, status=status, main=main, others=others, record_link=record_link), status


def _resolve_for_public(token: str):
    """Resolve a token for the public pages: the record, or a ready 404/410 response."""
    try:
        record = services.resolve_token(token)
    except services.LabelRevoked:
        return None, _label_gone(token, 410)
    except NotFound:
        return None, _label_gone(token, 404)
    if not services.is_publicly_open(record) and not (
        current_user.is_authenticated and can_see_customer(current_user, record.customer_id)
    ):
        return None, _label_gone(token, 410)
    return record, None


def _public_page(record, token: str, form: PublicReportForm):
    """The minimal public page: school and record name, sign-in link, the report form."""
    return render_template(
        "qr/public.html",
        school=record.customer.name,
        name=record.name,
        kind="cabinet" if isinstance(record, Cabinet) else "device",
        token=token,
        form=form,
    )


@bp.route("/q/<token>")
def scan(token: str):
    """A scanned label: staff who may see the record go to it, everyone else gets the public page."""
    record, gone = _resolve_for_public(token)
    if gone is not None:
        return gone
    if current_user.is_authenticated and can_see_customer(current_user, record.customer_id):
        return redirect(record_url(record))
    response = current_app.make_response(_public_page(record, token, PublicReportForm()))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/q/<token>/report", methods=["POST"])
@limiter.limit(_report_limit)
def report(token: str):
    """Public 'report a fault': a validated form becomes a repair ticket in the office's inbox."""
    record, gone = _resolve_for_public(token)
    if gone is not None:
        return gone
    form = PublicReportForm()
    if not form.validate_on_submit():
        return _public_page(record, token, form), 422
    if form.is_robot:
        session[REPORT_SESSION_KEY] = {"token": token, "number": ""}
        return redirect(url_for(".thanks", token=token))
    ticket = report_from_label(
        record, form.description.data, location=form.location.data or "",
        reporter_name=form.reporter_name.data or "", reporter_phone=form.reporter_phone.data or "",
    )
    db.session.commit()
    session[REPORT_SESSION_KEY] = {"token": token, "number": ticket.number}
    return redirect(url_for(".thanks", token=token))


@bp.route("/q/<token>/thanks")
def thanks(token: str):
    """After a report: the ticket number to quote when calling."""
    sent = session.get(REPORT_SESSION_KEY) or {}
    if sent.get("token") != token:
        return redirect(url_for(".scan", token=token))
    record = services.label_record_for_token(token)
    if record is None:
        return _label_gone(token, 404)
    return render_template(
        "qr/thanks.html", number=sent.get("number") or "", school=record.customer.name, name=record.name, token=token
    )


@bp.errorhandler(429)
def _too_many(err):
    """Too many reports from one address: a friendly page instead of the generic error."""
    return render_template("qr/too_many.html"), 429


@bp.route("/q/<token>/qr.svg")
@login_required
def image(token: str):
    """The label's QR code as SVG, for staff pages (it holds only <base>/q/<token>)."""
    record = services.resolve_token(token)
    if not can_see_customer(current_user, record.customer_id):
        raise NotFound(_("Not found."))
    svg = qrcode.make(
        services.label_url(public_base_url(), token),
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_Q,
        border=2,
    )
    buf = BytesIO()
    svg.save(buf)
    response = Response(buf.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _label_action(kind: str, record_id: str, action) -> Response:
    """Run a label action on a record, flash the outcome and go back."""
    record = services.load_record(kind, record_id)
    get_visible(type(record), record.id, current_user)
    try:
        message = action(record)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(_safe_next(record_url(record)))


@bp.route("/labels/<kind>/<record_id>/issue", methods=["POST"])
@roles_required(*LABEL_ROLES)
def issue(kind: str, record_id: str):
    """Give a cabinet or device that has no label its first one."""

    def act(record):
        """Issue and say so."""
        label = services.issue_label(record)
        return _("Label issued: code %(code)s.", code=short_code(label.token))

    return _label_action(kind, record_id, act)


@bp.route("/labels/<kind>/<record_id>/reissue", methods=["POST"])
@roles_required(*LABEL_ROLES)
def reissue(kind: str, record_id: str):
    """Replace a label: the old one stops working at once."""

    def act(record):
        """Reissue against the token the person saw."""
        label = services.reissue_label(record, request.form.get("token"))
        return _("New label issued: code %(code)s. The old label no longer works; print and stick the new one.", code=short_code(label.token))

    return _label_action(kind, record_id, act)


@bp.route("/labels/<kind>/<record_id>/revoke", methods=["POST"])
@roles_required(*LABEL_ROLES)
def revoke(kind: str, record_id: str):
    """Withdraw a label without a replacement."""

    def act(record):
        """Revoke against the token the person saw."""
        services.revoke_label(record, request.form.get("token"))
        return _("The label was withdrawn; scanning it now says it is no longer valid.")

    return _label_action(kind, record_id, act)


@bp.route("/labels/customer/<customer_id>/issue-missing", methods=["POST"])
@roles_required(*LABEL_ROLES)
def issue_missing(customer_id: str):
    """Issue labels for every cabinet and device of a school that has none yet."""
    customer = get_visible(Customer, customer_id, current_user, include_deleted=False)
    count = services.issue_missing_labels(customer)
    db.session.commit()
    flash(_("%(n)s labels issued.", n=count), "success")
    return redirect(_safe_next(url_for(".label_sheet", customer_id=customer.id)))


def _id_list(raw: list[str]) -> list[str]:
    """Ids from repeated or comma-separated query arguments, in order, without repeats."""
    seen: list[str] = []
    for value in raw:
        for part in value.split(","):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    return seen


def _candidates():
    """What the label page offers, from ?customer_id=, ?cabinet_id= or ?device_ids=.

    Returns (customer or None, cabinets, devices, preselected cabinet ids, preselected device ids).
    Records the user may not see are left out, as if they did not exist.
    """
    customer = None
    cabinets: list[Cabinet] = []
    devices: list[Device] = []
    pre_cabinets: list[str] = []
    pre_devices: list[str] = []
    select_what = request.args.get("select", "")
    customer_id = request.args.get("customer_id")
    cabinet_id = request.args.get("cabinet_id")
    device_ids = _id_list(request.args.getlist("device_ids"))
    if customer_id:
        customer = get_visible(Customer, customer_id, current_user, include_deleted=False)
        cabinets, devices = services.customer_records(customer)
        if select_what in ("cabinets", "all"):
            pre_cabinets = [c.id for c in cabinets if c.qr_token]
        if select_what in ("devices", "all"):
            pre_devices = [d.id for d in devices if d.qr_token]
        if not select_what:
            pre_cabinets = [c.id for c in cabinets if c.qr_token]
    elif cabinet_id:
        cabinet = get_visible(Cabinet, cabinet_id, current_user, include_deleted=False)
        customer = cabinet.customer
        cabinets = [cabinet]
        devices = [d for d in cabinet.devices if d.deleted_at is None]
        pre_cabinets = [cabinet.id] if cabinet.qr_token else []
        if select_what in ("devices", "all"):
            pre_devices = [d.id for d in devices if d.qr_token]
    elif device_ids:
        rows = db.session.scalars(
            customer_scope(
                select(Device).where(Device.id.in_(device_ids), Device.deleted_at.is_(None)),
                current_user,
                Device.customer_id,
            )
        ).all()
        by_id = {d.id: d for d in rows}
        devices = [by_id[i] for i in device_ids if i in by_id]
        pre_devices = [d.id for d in devices if d.qr_token]
        owners = {d.customer_id for d in devices}
        if len(owners) == 1:
            customer = devices[0].customer
    return customer, cabinets, devices, pre_cabinets, pre_devices


@bp.route("/labels", methods=["GET", "POST"])
@login_required
def label_sheet():
    """Pick labels (one cabinet, a whole school, hand-picked devices) and get an A4 PDF."""
    customer, cabinets, devices, pre_cabinets, pre_devices = _candidates()
    if customer is None and not devices:
        customers = db.session.scalars(
            customer_scope(
                select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name),
                current_user,
                Customer.id,
            )
        ).all()
        return render_template("qr/label_pick_customer.html", customers=customers)

    form = LabelSheetForm()
    form.cabinet_ids.choices = [SelectChoice(c.id, c.name) for c in cabinets if c.qr_token]
    form.device_ids.choices = [SelectChoice(d.id, d.name) for d in devices if d.qr_token]
    if request.method == "GET":
        form.cabinet_ids.data = pre_cabinets
        form.device_ids.data = pre_devices
    if form.validate_on_submit():
        chosen_c = set(form.cabinet_ids.data)
        chosen_d = set(form.device_ids.data)
        records = [c for c in cabinets if c.id in chosen_c] + [d for d in devices if d.id in chosen_d]
        items = services.label_items(records, public_base_url())
        pdf = build_label_sheet(
            items,
            LAYOUTS[form.layout.data],
            current_app.config["PDF_FONT_PATH"],
            start_offset=form.start_offset.data,
            caption=_("Scan to report a fault"),
            cut_lines=form.cut_lines.data,
            title=_("QR labels"),
        )
        stem = customer.name if customer is not None else _("devices")
        filename = f"{_('QR labels')} {stem} {local_today().isoformat()}.pdf"
        return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=filename)

    missing = [r for r in cabinets + devices if not r.qr_token]
    return render_template(
        "qr/label_sheet.html",
        form=form,
        customer=customer,
        cabinets=cabinets,
        devices=devices,
        missing=missing,
        can_issue=current_user.has_role(*LABEL_ROLES),
        layouts=LAYOUTS,
    ), (422 if request.method == "POST" else 200)
