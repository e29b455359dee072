"""Repair tickets as shared records. Devices pull a technician's open tickets; a device creates
one only for a finding on a patrol (`repairs.services.report_finding`, source 'patrol'), under
an id it made, so the ticket pulled later replaces the device's own copy. A ticket's life-cycle
on site travels as append-only `repair_event` submissions (kinds/repair_events.py).
"""
from __future__ import annotations

from marshmallow import fields, validate

from webapp.repairs import services
from webapp.repairs.models import RepairTicket

from ..registry import SHARED, SyncContext, data_columns, register_kind

FINDING_INPUT = {"customer_id", "device_id", "cabinet_id", "description", "location"}


def open_tickets_only(user) -> list:
    """A technician's devices keep open tickets; a closed one leaves them as out_of_scope."""
    return [RepairTicket.status != "closed"]


def report_finding(ctx: SyncContext, record_id: str, data: dict) -> RepairTicket:
    """A finding on a patrol, pushed from the device, as a ticket."""
    return services.report_finding(ctx.user, data["customer_id"], data["description"], device_id=data.get("device_id"),
                                   cabinet_id=data.get("cabinet_id"), location=data.get("location") or "",
                                   record_id=record_id)


register_kind(
    "repair_ticket",
    RepairTicket,
    record_type=SHARED,
    create=report_finding,
    read_only=[key for key, _column in data_columns(RepairTicket) if key not in FINDING_INPUT],
    required=("customer_id", "description"),
    relevant=open_tickets_only,
    extra_fields={"description": fields.String(required=True, validate=validate.Length(min=1, max=4000))},
    description="A reported fault at a customer, from the call to the follow-up. A device creates one only for a "
                "finding on a patrol (source 'patrol').",
)
