"""The one rule for storage keys: lowercase SHA-256 hex of the stored bytes."""
from __future__ import annotations

import re

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def is_sha256(value: object) -> bool:
    """True for a lowercase SHA-256 hex digest."""
    return isinstance(value, str) and bool(SHA256_RE.match(value))
