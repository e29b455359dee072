"""Repair events: a technician's steps on a ticket (accepted, arrived, classified, resolved with the
repair form, signed...) as append-only submissions. The mutation's id becomes the event's id, so a
resend is a duplicate and a changed resend a conflict; the life-cycle's refusals come back as
`rejected` with the lifecycle's message. Devices pull the events of the open tickets they hold.
"""
from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import select

from webapp.repairs import lifecycle as lc
from webapp.repairs.events import RepairEvent, create_from_sync
from webapp.repairs.models import RepairTicket

from ..registry import SUBMISSION, register_kind


def events_of_open_tickets(user) -> list:
    """A technician's devices keep the steps of their open tickets (the fold needs them all)."""
    return [RepairEvent.ticket_id.in_(select(RepairTicket.id).where(RepairTicket.status != lc.CLOSED))]


register_kind(
    "repair_event",
    RepairEvent,
    record_type=SUBMISSION,
    create=create_from_sync,
    read_only=("customer_id", "received_at", "received_seq", "user_id", "client_id"),
    relevant=events_of_open_tickets,
    extra_fields={
        "type": fields.String(required=True, validate=validate.OneOf(lc.EVENT_TYPES)),
        "data": fields.Dict(load_default=dict),
    },
)
