"""Checklist verbs: versioned templates and filled checklists (inspections).

Calendar verbs are in schedule.py, quality figures in figures.py, the review queue's reads in
queries.py. Like every service here, these check the rules, change the models, raise domain
errors and leave the commit to the caller.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..archive.models import Cabinet, Customer, Device, Site
from ..auth.models import User
from ..auth.permissions import can_see_customer
from ..clock import local_date, local_today, utcnow
from ..documents.filing import pieces_arrived
from ..documents.models import Signature
from ..errors import DomainError, NotFound, flatten_messages
from ..extensions import db
from .models import ChecklistTemplate, Inspection, Visit
from .quality import check_performer
from .schedule import complete_visit
from .schemas import KEY_PATTERN, SHA256_PATTERN, TemplateSchema
from .scoring import score_sheet
from .shipped import SHIPPED_TEMPLATES
from .validation import AnswerCheck, check_answers

_template_schema = TemplateSchema()
TEMPLATE_FIELDS = ("name_zh", "name_en", "activity", "applies_to", "device_category", "description", "items")


# --- templates --------------------------------------------------------------------------


def load_template_data(data: dict) -> dict:
    """Validate a template's content (header and items) and return it normalised."""
    try:
        return _template_schema.load(data)
    except ValidationError as err:
        raise DomainError(
            _("The checklist has errors; please correct them."),
            code="invalid_template",
            errors=flatten_messages(err.messages),
        ) from err


def create_template(template_key: str, data: dict, user: User | None, change_note: str = "") -> ChecklistTemplate:
    """Make a new checklist template (version 1) under a new stable key."""
    key = (template_key or "").strip()
    if not re.fullmatch(KEY_PATTERN, key):
        raise DomainError(
            _("Use 1-40 lower-case letters, digits or underscores, starting with a letter."),
            code="invalid_key", errors={"template_key": [_("Use 1-40 lower-case letters, digits or underscores, starting with a letter.")]},
        )
    if db.session.scalar(select(ChecklistTemplate.id).where(ChecklistTemplate.template_key == key).limit(1)):
        raise DomainError(_("A checklist with the key %(key)s exists already.", key=key), code="duplicate",
                          errors={"template_key": [_("A checklist with the key %(key)s exists already.", key=key)]})
    clean = load_template_data(data)
    template = ChecklistTemplate(
        template_key=key, version_no=1, created_by_id=user.id if user else None,
        change_note=(change_note or "").strip()[:300], **clean,
    )
    db.session.add(template)
    db.session.flush()
    return template


def revise_template(current: ChecklistTemplate, data: dict, user: User | None, change_note: str = "") -> ChecklistTemplate:
    """Save an edit as a NEW version; the edited one stays, marked superseded.

    Refuses to edit a version that is no longer current (someone saved a newer one meanwhile),
    and refuses an edit that changes nothing. Filled checklists keep pointing at the version
    they were filled with.
    """
    if not current.is_current:
        raise DomainError(
            _("A newer version of this checklist exists; open the current version and edit that."),
            code="stale_version",
        )
    clean = load_template_data(data)
    if all(getattr(current, name) == clean[name] for name in TEMPLATE_FIELDS):
        raise DomainError(_("Nothing was changed, so no new version was made."), code="unchanged")
    current.superseded_at = utcnow()
    db.session.flush()  # the old version stops being current before the new one exists
    template = ChecklistTemplate(
        template_key=current.template_key, version_no=current.version_no + 1,
        created_by_id=user.id if user else None, change_note=(change_note or "").strip()[:300], **clean,
    )
    db.session.add(template)
    db.session.flush()
    return template


def current_templates(activity: str | None = None) -> list[ChecklistTemplate]:
    """The current version of every checklist, optionally of one activity."""
    stmt = select(ChecklistTemplate).where(
        ChecklistTemplate.superseded_at.is_(None), ChecklistTemplate.deleted_at.is_(None)
    )
    if activity:
        stmt = stmt.where(ChecklistTemplate.activity == activity)
    return list(db.session.scalars(stmt.order_by(ChecklistTemplate.activity, ChecklistTemplate.template_key)))


def template_versions(template_key: str) -> list[ChecklistTemplate]:
    """Every version of a checklist, newest first."""
    return list(db.session.scalars(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.template_key == template_key)
        .order_by(ChecklistTemplate.version_no.desc())
    ))


def get_template(template_id: str) -> ChecklistTemplate:
    """A template version by id, or NotFound."""
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None:
        raise NotFound(_("Not found."))
    return template


def install_shipped_templates(user: User | None = None) -> int:
    """Install the department's standard checklists that are not there yet; returns how many."""
    made = 0
    for shipped in SHIPPED_TEMPLATES:
        exists = db.session.scalar(
            select(ChecklistTemplate.id).where(ChecklistTemplate.template_key == shipped["template_key"]).limit(1)
        )
        if exists:
            continue
        data = {k: v for k, v in shipped.items() if k != "template_key"}
        create_template(shipped["template_key"], data, user, change_note="Shipped with the system")
        made += 1
    return made


# --- filled checklists ------------------------------------------------------------------


def _device_ids_of(customer_id: str) -> set[str]:
    """The devices a customer has (those a software upgrade may name)."""
    return set(db.session.scalars(
        select(Device.id).where(Device.customer_id == customer_id, Device.deleted_at.is_(None))
    ))


def _check_scope(template: ChecklistTemplate, customer_id: str, site_id: str | None,
                 cabinet_id: str | None, device_id: str | None) -> None:
    """The site / cabinet / device named must belong to the customer and fit the template."""
    for model, record_id in ((Site, site_id), (Cabinet, cabinet_id), (Device, device_id)):
        if record_id is None:
            continue
        record = db.session.get(model, record_id)
        if record is None or record.customer_id != customer_id:
            raise DomainError(_("That place or device is not one of this customer's."), code="invalid_scope")
    if template.applies_to == "each_cabinet" and not cabinet_id:
        raise DomainError(_("This checklist is filled for one cabinet: pick the cabinet."), code="cabinet_required")
    if template.applies_to == "devices_of_category":
        if not device_id:
            raise DomainError(_("This checklist is filled for one device: pick the device."), code="device_required")
        device = db.session.get(Device, device_id)
        if device.category != template.device_category:
            raise DomainError(_("This checklist is for another kind of device."), code="invalid_scope")


def start_inspection(
    template: ChecklistTemplate,
    customer_id: str,
    user: User,
    *,
    site_id: str | None = None,
    cabinet_id: str | None = None,
    device_id: str | None = None,
    visit: Visit | None = None,
    started_at: datetime | None = None,
    inspection_id: str | None = None,
) -> Inspection:
    """Open a draft checklist filled with this template version (which it keeps for good)."""
    if template.deleted_at is not None:
        raise DomainError(_("This checklist has been retired."), code="template_retired")
    check_performer(template.activity, user)
    _check_scope(template, customer_id, site_id, cabinet_id, device_id)
    if visit is not None and visit.customer_id != customer_id:
        raise DomainError(_("That visit belongs to another customer."), code="invalid_scope")
    inspection = Inspection(
        template_id=template.id, template_key=template.template_key, template_version=template.version_no,
        activity=template.activity, customer_id=customer_id, site_id=site_id, cabinet_id=cabinet_id,
        device_id=device_id, visit_id=visit.id if visit else None, answers={}, flagged_count=0,
        performed_by_id=user.id, started_at=started_at or utcnow(), state="draft",
    )
    if inspection_id:
        inspection.id = inspection_id
    db.session.add(inspection)
    db.session.flush()
    return inspection


def _require_editable(inspection: Inspection) -> None:
    """Signed sheets are locked; only drafts and returned sheets change."""
    if inspection.is_locked:
        raise DomainError(
            _("The customer has signed this sheet; it can no longer change. Make a correction instead."),
            code="locked",
        )
    if inspection.state not in ("draft", "has_issues"):
        raise DomainError(_("This sheet has been submitted and can no longer change."), code="illegal_step")


def _apply_software_upgrades(inspection: Inspection) -> None:
    """Write the new software versions from a maintenance sheet onto the device records."""
    for item in inspection.template.items:
        if item["type"] != "software_upgrade":
            continue
        answer = (inspection.answers or {}).get(item["key"]) or {}
        entries = answer.get("value") or []
        if not entries:
            continue
        recorded = []
        for entry in entries:
            device = db.session.get(Device, entry["device_id"])
            entry = dict(entry)
            if entry.get("from_version") is None:
                entry["from_version"] = device.software_version
            if device.software_version != entry["to_version"]:
                device.software_version = entry["to_version"]
            recorded.append(entry)
        answers = dict(inspection.answers)
        answers[item["key"]] = {**answer, "value": recorded}
        inspection.answers = answers


def submit_inspection(
    inspection: Inspection,
    user: User,
    *,
    answers: Any = None,
    finished_at: datetime | None = None,
    customer_opinion: str | None = None,
) -> AnswerCheck:
    """Hand in a filled sheet: every rule is checked; software versions go onto the devices;
    the visit it was done for becomes done."""
    if inspection.is_locked and (answers is not None or inspection.state == "has_issues"):
        _require_editable(inspection)  # signed: the answers stand; a returned sheet needs a correction
    if inspection.state not in ("draft", "has_issues"):
        raise DomainError(_("This sheet has been submitted already."), code="illegal_step")
    check = check_answers(
        inspection.template.items,
        inspection.answers if answers is None else answers,
        complete=True,
        device_ids=_device_ids_of(inspection.customer_id),
    )
    if not check.ok:
        raise DomainError(_("The sheet is not complete; see the items marked."), code="invalid_answers",
                          errors=check.errors)
    inspection.answers = check.answers
    inspection.flagged_count = len(check.flagged)
    if customer_opinion is not None:
        inspection.customer_opinion = customer_opinion.strip()
    inspection.finished_at = finished_at or inspection.finished_at or utcnow()
    inspection.submitted_at = utcnow()
    inspection.state = "submitted"
    _apply_score(inspection)
    _apply_software_upgrades(inspection)
    if inspection.visit_id:
        visit = db.session.get(Visit, inspection.visit_id)
        if visit is not None and visit.is_open:
            # The finish time comes from the device's clock, which may be off: never a future day.
            today = local_today()
            done_on = min(local_date(inspection.finished_at), today)
            complete_visit(visit, done_on, user, inspection_id=inspection.id, today=today)
    return check


def _apply_score(inspection: Inspection) -> None:
    """Store a scored checklist's total (quality checks); unscored checklists keep None."""
    result = score_sheet(inspection.template.items, inspection.answers)
    if result is None or result.percent is None:
        inspection.score_points = inspection.score_max = inspection.score = None
        return
    inspection.score_points = round(result.earned, 2)
    inspection.score_max = round(result.possible, 2)
    inspection.score = result.percent


def sign_inspection(inspection: Inspection, signer_name: str, signature_sha256: str,
                    signed_at: datetime | None = None) -> None:
    """Record the customer's signature on the sheet (signer, image, time); it is recorded once."""
    if inspection.signed_at is not None:
        raise DomainError(_("This sheet is signed already."), code="already_signed")
    name = (signer_name or "").strip()
    if not name:
        raise DomainError(_("Enter the name of the person signing."), code="signer_required")
    if not re.fullmatch(SHA256_PATTERN, signature_sha256 or ""):
        raise DomainError(_("The signature image is missing."), code="signature_required")
    inspection.signer_name = name[:100]
    inspection.signature_sha256 = signature_sha256
    inspection.signed_at = signed_at or utcnow()


def receive_inspection(inspection: Inspection) -> None:
    """The office has the submitted sheet in its review queue."""
    if inspection.state != "submitted":
        raise DomainError(_("Only a submitted sheet can be received."), code="illegal_step")
    inspection.state = "received"
    inspection.received_at = utcnow()


def review_inspection(inspection: Inspection, user: User, outcome: str, comment: str = "") -> None:
    """Accept a sheet, or return it with a comment the technician sees (has issues)."""
    if outcome not in ("accepted", "has_issues"):
        raise DomainError(_("Choose accept or return with issues."), code="invalid_outcome")
    if inspection.state not in ("submitted", "received", "has_issues"):
        raise DomainError(_("This sheet cannot be reviewed in its present state."), code="illegal_step")
    comment = (comment or "").strip()
    if outcome == "has_issues" and not comment:
        raise DomainError(_("Say what is wrong so the technician can put it right."), code="comment_required")
    if inspection.received_at is None:
        inspection.received_at = utcnow()
    inspection.state = outcome
    inspection.review_comment = comment
    inspection.reviewed_by_id = user.id
    inspection.reviewed_at = utcnow()


# --- sheets arriving from the field app (sync kind 'inspection') ----------------------------


def _problem(field_name: str, message: str, code: str = "invalid") -> DomainError:
    """A refusal naming one field of the pushed sheet."""
    return DomainError(_("Please correct the marked fields."), code=code, errors={field_name: [message]})


def _correction_target(user: User, sheet_id: str, customer_id: str, template_key: str) -> Inspection:
    """The sheet a correction replaces: same customer and checklist, handed in, not accepted or replaced."""
    original = db.session.get(Inspection, sheet_id, with_for_update=True)
    if original is None or original.customer_id != customer_id:
        raise _problem("supersedes_id", _("The sheet to correct was not found at this customer."))
    if original.template_key != template_key:
        raise _problem("supersedes_id", _("A correction is filled with the same checklist as the sheet it corrects."))
    if original.state not in ("submitted", "received", "has_issues"):
        raise _problem("supersedes_id", _("That sheet has been accepted or corrected already; it cannot be corrected."),
                       code="illegal_step")
    return original


def file_sheet_from_device(user: User, data: dict, record_id: str) -> Inspection:
    """A finished sheet pushed from the field app: checked in full, submitted and put in the review queue.

    `data`: template_id, customer_id, site/cabinet/device/visit ids, answers, started_at,
    finished_at, customer_opinion and, for a correction, supersedes_id. The customer signs
    with a separate `signature` submission (document_kind 'inspection'), which locks the sheet.
    The device's clock may be wrong: a finish time in the future is taken as now. The sheet
    is a piece of its signed paper: the filing pipeline produces the PDF before this
    transaction commits once the signature and its image are in too (maintenance/sheet_pdf.py).
    """
    customer = db.session.get(Customer, data.get("customer_id") or "")
    if customer is None or not can_see_customer(user, customer.id):
        raise NotFound(_("Not found."), errors={"customer_id": [_("Unknown customer.")]})
    if customer.deleted_at is not None:
        raise _problem("customer_id", _("This customer is retired."))
    template = db.session.get(ChecklistTemplate, data.get("template_id") or "")
    if template is None:
        raise _problem("template_id", _("Unknown checklist."))
    visit = None
    if data.get("visit_id"):
        visit = db.session.get(Visit, data["visit_id"])
        if visit is None or visit.customer_id != customer.id:
            raise _problem("visit_id", _("That visit belongs to another customer."))
    original = None
    if data.get("supersedes_id"):
        original = _correction_target(user, data["supersedes_id"], customer.id, template.template_key)
    now = utcnow()
    started_at = data.get("started_at")
    finished_at = data.get("finished_at") or now
    finished_at = min(finished_at, now)
    if started_at is not None:
        started_at = min(started_at, finished_at)
    sheet = start_inspection(
        template, customer.id, user, site_id=data.get("site_id"), cabinet_id=data.get("cabinet_id"),
        device_id=data.get("device_id"), visit=visit, started_at=started_at, inspection_id=record_id,
    )
    sheet.supersedes_id = original.id if original else None
    submit_inspection(sheet, user, answers=data.get("answers") or {}, finished_at=finished_at,
                      customer_opinion=data.get("customer_opinion") or "")
    receive_inspection(sheet)
    if original is not None:
        original.state = "superseded"
        if visit is not None and visit.inspection_id == original.id:
            visit.inspection_id = sheet.id
    pieces_arrived(Inspection.SYNC_KIND, sheet.id)
    return sheet


def apply_signature(signature: Signature) -> Inspection | None:
    """A customer's signature on a sheet arrived: record signer, image and time on the sheet.

    `documents.signing.create_signature` calls it by name (`on_signature_arrived`, registered
    in signed_sheet.py) as the signature row is added, in the same transaction.
    """
    if signature.document_kind != Inspection.SYNC_KIND or signature.deleted_at is not None:
        return None
    sheet = db.session.get(Inspection, signature.document_id)
    if sheet is None or sheet.signed_at is not None:
        return sheet
    sign_inspection(sheet, signature.signer_name, signature.image_sha256, signature.signed_at)
    return sheet
