"""The modules that register sync kinds, and the order they run in.

A feature adds its kinds by adding a module here (see sync/registry.py for the call) and
naming it in `MODULES`. The order is the order of registration, so `all_kinds()` lists a kind
after those it refers to (customers before their devices, tickets before their events), as
`GET /api/openapi.json` and the review pages show them. Deleting is not left to this order:
`registry.children_first()` derives it from the tables' foreign keys.
"""
from __future__ import annotations

import importlib

MODULES = (
    "archive",        # customers and what hangs on them
    "repairs",        # repair tickets (of customers, cabinets, devices), one opened from a patrol finding
    "maintenance",    # checklist templates, visits, sheets
    "repair_events",  # the steps of a ticket
    "projects",       # installation projects of the technician's team and their site records
    "submissions",    # diary entries, signatures and photos (of sheets, tickets, entries)
    "knowledge",      # knowledge-base articles about the devices at a technician's schools
)


def load_all() -> None:
    """Import every kinds module in `MODULES` order so its register_kind calls run (idempotent)."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
