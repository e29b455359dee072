"""Every module in this package registers sync kinds; `load_all` imports them all.

A feature adds its kinds by adding one module here (see sync/registry.py for the call).
"""
from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every kinds module so its register_kind calls run (idempotent)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: (i.name != "archive", i.name)):
        importlib.import_module(f"{__name__}.{info.name}")
