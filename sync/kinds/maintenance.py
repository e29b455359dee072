"""Proactive service on the device: checklist templates and visits (pull only) and filled
sheets (submissions).

- `checklist_template`: every user pulls the current versions (technicians drop superseded
  ones; a sheet keeps the version it was filled with, which the server prints from).
- `schedule`: visits of the customers a technician looks after (their own and their
  colleagues', so a stand-in knows what is due), open ones and those of the last year.
- `inspection`: a finished sheet, append-only. Created from the device through the maintenance
  services (every answer checked against its template version, out-of-range readings flagged,
  the visit marked done), then the customer's `signature` (document_kind 'inspection') locks it.
  A correction is a new sheet naming the one it replaces in `supersedes_id`. Review state and
  the office's comment travel back by pull.

One tap on a flagged or failed item opens a repair ticket: that is the `repair_ticket` kind's
create (kinds/repairs.py, `repairs.services.report_finding`).
"""
from __future__ import annotations

from datetime import timedelta

from marshmallow import fields, validate
from sqlalchemy import Text, cast, or_

from webapp.clock import local_today, utcnow
from webapp.maintenance import services
from webapp.maintenance.models import OPEN_VISIT_STATES, ChecklistTemplate, Inspection, Visit

from ..registry import SHARED, SUBMISSION, SyncContext, data_columns, register_kind

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


def sheet_names_photo(sha256: str):
    """A sheet names a photo in its answers (`photo_ids`): the answers' JSON text holds its hex digest."""
    return cast(Inspection.answers, Text).contains(f'"{sha256}"')


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
    names_blob=sheet_names_photo,
    extra_fields={
        "answers": fields.Dict(keys=fields.String(), required=True),
        "customer_opinion": fields.String(load_default="", validate=validate.Length(max=2000)),
        "supersedes_id": fields.String(allow_none=True, load_default=None, validate=UUID),
    },
    description="A filled checklist (patrol / maintenance sheet, inspection record): a submission; "
                "the customer's signature (kind 'signature', document_kind 'inspection') locks it.",
)
