"""Canonical JSON: the one spelling of "the same content" that hashes the same everywhere.

Keys sorted by code point, no whitespace, UTF-8, non-ASCII kept as it is: the bytes of
`static/js/canonical-json.js` (tests/e2e/test_field_app_units.py holds the two together). The
sync ledger hashes mutations with it, signatures cover content hashed with it, and a filed
paper prints the fingerprint of its content in it.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable


def canonical_json(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """`value` as canonical JSON text; `default` turns values JSON has no type for into ones it has."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default)


def sha256_hex(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """SHA-256 (lower-case hex) of `value`'s canonical JSON in UTF-8."""
    return hashlib.sha256(canonical_json(value, default).encode("utf-8")).hexdigest()
