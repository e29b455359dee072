"""Proactive service on the device: checklist templates and visits (pull only), filled sheets
(submissions), and repair tickets opened on a patrol.

- `checklist_template`: every user pulls the current versions (technicians drop superseded
  ones; a sheet keeps the version it was filled with, which the server prints from).
- `schedule`: visits of the customers a technician looks after (their own and their
  colleagues', so a stand-in knows what is due), open ones and those of the last year.
- `inspection`: a finished sheet, append-only. Created from the device through the maintenance
  services (every answer checked against its template version, out-of-range readings flagged,
  the visit marked done), then the customer's `signature` (document_kind 'inspection') locks it.
  A correction is a new sheet naming the one it replaces in `supersedes_id`. Review state and
  the office's comment travel back by pull.
- `repair_ticket` gains a create: one tap on a flagged or failed item opens a ticket, source
  'patrol', prefilled with the device and the finding, through repairs.services.create_ticket.
  The id is made on the device, so the ticket pulled later replaces the device's own copy.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import or_

from webapp.archive.models import Cabinet, Customer, Device
from webapp.auth.permissions import can_see_customer
from webapp.clock import local_today, utcnow
from webapp.errors import DomainError, NotFound
from webapp.extensions import db
from webapp.maintenance import services
from webapp.maintenance.models import OPEN_VISIT_STATES, ChecklistTemplate, Inspection, Visit
from webapp.repairs import events as repair_events
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import create_ticket

from ..registry import SHARED, SUBMISSION, SyncContext, data_columns, get_kind, register_kind
from . import repairs as _repair_kinds  # noqa: F401  (registered first: its kind is extended below)

HISTORY_DAYS = 366
UUID = validate.Length(equal=36)


# --- templates and visits ------------------------------------------------------------------------


def current_versions(user) -> list:
    """A technician's device keeps the current version of each checklist."""
    return [ChecklistTemplate.superseded_at.is_(None)]


def open_or_recent(user) -> list:
    """Open visits, and closed ones due in the last year."""
    since = local_today() - timedelta(days=HISTORY_DAYS)
    return [or_(Visit.state.in_(OPEN_VISIT_STATES), Visit.due_date >= since)]


register_kind(
    "checklist_template",
    ChecklistTemplate,
    record_type=SHARED,
    customer_column=None,
    relevant=current_versions,
    description="A checklist template version (items with types, labels in Chinese and English). Pull only.",
)
register_kind(
    "schedule",
    Visit,
    record_type=SHARED,
    relevant=open_or_recent,
    description="A scheduled visit (monthly patrol, semi-annual maintenance, quarterly inspection). Pull only.",
)


# --- filled sheets -------------------------------------------------------------------------------


def create_inspection(ctx: SyncContext, record_id: str, data: dict) -> Inspection:
    """A finished sheet from the device, checked and handed in through the maintenance services."""
    return services.file_sheet_from_device(ctx.user, data, record_id)


def last_year_of_sheets(user) -> list:
    """A technician's device keeps the last year of sheets (by arrival)."""
    return [Inspection.created_at >= utcnow() - timedelta(days=HISTORY_DAYS)]


SHEET_INPUT = {"template_id", "customer_id", "site_id", "cabinet_id", "device_id", "visit_id", "answers",
               "started_at", "finished_at", "customer_opinion", "supersedes_id"}

register_kind(
    "inspection",
    Inspection,
    record_type=SUBMISSION,
    create=create_inspection,
    read_only=[key for key, _column in data_columns(Inspection) if key not in SHEET_INPUT],
    required=("template_id", "customer_id", "answers"),
    create_only=(),
    relevant=last_year_of_sheets,
    extra_fields={
        "answers": fields.Dict(keys=fields.String(), required=True),
        "customer_opinion": fields.String(load_default="", validate=validate.Length(max=2000)),
        "supersedes_id": fields.String(allow_none=True, load_default=None, validate=UUID),
    },
    description="A filled checklist (patrol / maintenance sheet, inspection record): a submission; "
                "the customer's signature (kind 'signature', document_kind 'inspection') locks it.",
)


# --- repair tickets opened from a finding ---------------------------------------------------------

def create_patrol_ticket(ctx: SyncContext, record_id: str, data: dict) -> RepairTicket:
    """A repair ticket for a finding on a patrol (source 'patrol'), for a customer the user looks after."""
    user = ctx.user
    customer = db.session.get(Customer, data.get("customer_id") or "")
    if customer is None or not can_see_customer(user, customer.id):
        raise NotFound(_("Not found."), errors={"customer_id": [_("Unknown customer.")]})
    device = cabinet = None
    if data.get("device_id"):
        device = db.session.get(Device, data["device_id"])
        if device is None or device.customer_id != customer.id:
            raise DomainError(_("Please correct the marked fields."), code="invalid",
                              errors={"device_id": [_("The device belongs to another customer.")]})
    if data.get("cabinet_id"):
        cabinet = db.session.get(Cabinet, data["cabinet_id"])
        if cabinet is None or cabinet.customer_id != customer.id:
            raise DomainError(_("Please correct the marked fields."), code="invalid",
                              errors={"cabinet_id": [_("The cabinet belongs to another customer.")]})
    finder_is_responsible = user.role == "technician" and user in customer.technicians
    ticket = create_ticket(
        customer, data.get("description") or "", source="patrol", location=data.get("location") or "",
        reporter_name=user.display_name, device=device, cabinet=cabinet,
        assigned_to=user if finder_is_responsible else None, created_by=user, record_id=record_id,
    )
    repair_events.refresh_ticket(ticket)
    return ticket


def _extend_repair_ticket_kind() -> None:
    """Give the repair_ticket kind a create for patrol findings, keeping everything else it has."""
    existing = get_kind("repair_ticket")
    if existing is None or existing.create is not None:
        return  # the repairs feature takes creates itself: leave its registration alone
    writable = {"customer_id", "device_id", "cabinet_id", "description", "location"}
    register_kind(
        "repair_ticket",
        RepairTicket,
        record_type=existing.record_type,
        create=create_patrol_ticket,
        update=existing.update,
        delete=existing.delete,
        restore=existing.restore,
        read_only=[key for key, _column in data_columns(RepairTicket) if key not in writable]
        + sorted(set(existing.read_only) - writable),
        required=("customer_id", "description"),
        customer_column=existing.customer_column,
        relevant=existing.relevant,
        blobs=existing.blobs,
        extra_fields={"description": fields.String(required=True, validate=validate.Length(min=1, max=4000))},
        description=existing.description + " A device creates one only for a finding on a patrol (source 'patrol').",
    )


_extend_repair_ticket_kind()
