"""The server's epoch: a number that changes when the database is restored from a backup.

A restored server has forgotten what happened after its backup: mutations it acknowledged
(devices dropped them from their outboxes) and change_seq numbers it handed out (devices hold
cursors past its head). Devices compare the epoch in every pull with the one they saw last; on a
change they resend what the server no longer has (its `last_seq` for them says where) and pull
again from 0. `flask backup restore` starts a new epoch through the step registered here.
"""
from __future__ import annotations

import secrets

from webapp.extensions import db

from .models import SyncSetting, get_setting

SYNC_EPOCH = "sync_epoch"


def current_epoch() -> int:
    """The epoch devices are told (0 until the first restore)."""
    return get_setting(SYNC_EPOCH)


def new_epoch() -> str:
    """Start a new epoch (a random number JavaScript holds exactly); returns a line for the log."""
    value = secrets.randbelow(2**53 - 2) + 1
    setting = db.session.get(SyncSetting, SYNC_EPOCH)
    if setting is None:
        db.session.add(SyncSetting(key=SYNC_EPOCH, value=value))
    else:
        setting.value = value
    db.session.flush()
    return f"new sync epoch {value}: devices resend what this server lost and download everything again"


def server_position(client) -> dict:
    """What a device checks after a restore: the epoch and the last seq applied for it."""
    return {"epoch": current_epoch(), "last_seq": int(client.last_seq or 0) if client is not None else None}
