"""Repair events: a technician's steps on a ticket (accepted, arrived, classified, resolved with the
repair form, signed...) as append-only submissions. The mutation's id becomes the event's id, so a
resend is a duplicate and a changed resend a conflict; the life-cycle's refusals come back as
`rejected` with the lifecycle's message. Devices pull the events of the open tickets they hold.
"""
from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import select

from webapp.repairs import events
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import RepairEvent
from webapp.repairs.models import RepairTicket
from webapp.repairs.vocabulary import Status

from ..registry import SUBMISSION, SyncContext, register_kind


def events_of_open_tickets(user) -> list:
    """A technician's devices keep the steps of their open tickets (the fold needs them all)."""
    return [RepairEvent.ticket_id.in_(select(RepairTicket.id).where(RepairTicket.status != Status.CLOSED))]


def record_event(ctx: SyncContext, record_id: str, data: dict) -> RepairEvent:
    """A step pushed from the device, under the mutation's id."""
    return events.record_event_for(ctx.user, data["ticket_id"], data["type"], data.get("data"),
                                   device_time=data.get("device_time"), client_id=ctx.client_id, event_id=record_id)


register_kind(
    "repair_event",
    RepairEvent,
    record_type=SUBMISSION,
    create=record_event,
    read_only=("customer_id", "received_at", "received_seq", "user_id", "client_id"),
    relevant=events_of_open_tickets,
    extra_fields={
        "type": fields.String(required=True, validate=validate.OneOf(lc.EVENT_TYPES)),
        "data": fields.Dict(load_default=dict),
    },
)
