"""Repair tickets as shared records. Devices pull a technician's open tickets; a ticket's
life-cycle on site travels as append-only `repair_event` submissions (registered by the repairs
feature), so tickets themselves take no pushed writes yet.
"""
from __future__ import annotations

from webapp.repairs.models import RepairTicket

from ..registry import SHARED, register_kind


def open_tickets_only(user) -> list:
    """A technician's devices keep open tickets; a closed one leaves them as out_of_scope."""
    return [RepairTicket.status != "closed"]


register_kind(
    "repair_ticket",
    RepairTicket,
    record_type=SHARED,
    relevant=open_tickets_only,
)
