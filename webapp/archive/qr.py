"""QR tokens: random, revocable, holding nothing but a URL /q/<token>."""
from __future__ import annotations

import secrets

from ..clock import utcnow
from ..extensions import db
from ..records import new_id
from .models import Cabinet, Device, QrLabel


# Lower-case letters and digits without the look-alikes 0/o, 1/i/l: the short code printed
# under the QR is read aloud over the phone and typed by hand.
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOKEN_LENGTH = 20  # 31**20 is about 2**99: not guessable


def new_token() -> str:
    """A random URL-safe token with no meaning inside it."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def short_code(token: str) -> str:
    """The human-readable code printed under the QR (first 8 characters)."""
    return token[:8]


def issue_token(record: Cabinet | Device) -> QrLabel:
    """Give a cabinet or device a new label token, revoking its current one."""
    if record.id is None:
        record.id = new_id()
    if record.qr_token:
        revoke_token(record)
    token = new_token()
    label = QrLabel(token=token)
    if isinstance(record, Cabinet):
        label.cabinet_id = record.id
    else:
        label.device_id = record.id
    record.qr_token = token
    db.session.add(label)
    return label


def revoke_token(record: Cabinet | Device) -> None:
    """Make the record's current label answer 'label no longer valid'."""
    if not record.qr_token:
        return
    label = db.session.get(QrLabel, record.qr_token)
    if label is not None and label.revoked_at is None:
        label.revoked_at = utcnow()
    record.qr_token = None
