"""QR label verbs: resolve a scanned token, issue / reissue / revoke labels, gather label sheets."""
from __future__ import annotations

from typing import Iterable, Union

from flask_babel import gettext as _
from sqlalchemy import select

from ..archive.models import Cabinet, Customer, Device, QrLabel
from ..archive.qr import issue_token, revoke_token, short_code
from ..documents.label_sheet import LabelItem
from ..errors import DomainError, NotFound
from ..extensions import db

Record = Union[Cabinet, Device]
KINDS = {"cabinet": Cabinet, "device": Device}


class LabelRevoked(DomainError):
    """The label was replaced or withdrawn: it answers 'label no longer valid'."""

    code = "label_revoked"
    status = 410


def resolve_token(token: str) -> Record:
    """The cabinet or device a scanned token opens; NotFound or LabelRevoked otherwise."""
    label = db.session.get(QrLabel, token) if token and len(token) <= 40 else None
    if label is None:
        raise NotFound(_("This label is not recognised."), code="label_unknown")
    record = label.cabinet if label.cabinet_id else label.device
    if record is None:
        raise NotFound(_("This label is not recognised."), code="label_unknown")
    if label.revoked_at is not None or record.qr_token != token:
        raise LabelRevoked(_("This label is no longer valid."))
    return record


def label_record_for_token(token: str) -> Record | None:
    """The record a token was issued for, revoked or not (for staff help on a dead label)."""
    label = db.session.get(QrLabel, token) if token and len(token) <= 40 else None
    if label is None:
        return None
    return label.cabinet if label.cabinet_id else label.device


def is_publicly_open(record: Record) -> bool:
    """False when the record or its customer is retired: its label no longer takes reports."""
    return record.deleted_at is None and record.customer is not None and record.customer.deleted_at is None


def load_record(kind: str, record_id: str) -> Record:
    """A cabinet or device by kind name and id, or NotFound."""
    model = KINDS.get(kind)
    record = db.session.get(model, record_id) if model is not None else None
    if record is None:
        raise NotFound(_("Not found."))
    return record


def _refuse_retired(record: Record) -> None:
    """Labels are not issued for retired records."""
    if record.deleted_at is not None:
        raise DomainError(_("This record is retired; restore it before issuing a label."), code="retired")


def issue_label(record: Record) -> QrLabel:
    """Give a record that has no label its first token; refuse if it already has one."""
    _refuse_retired(record)
    if record.qr_token:
        raise DomainError(
            _("This record already has a label. Use “reissue” to replace it."), code="label_exists"
        )
    return issue_token(record)


def reissue_label(record: Record, expected_token: str | None) -> QrLabel:
    """Replace a record's label: the old token stops working, a new one is issued.

    `expected_token` is the token the person saw; if it changed meanwhile (someone else
    reissued, or the form was sent twice) nothing happens, so a label just printed is not
    silently killed.
    """
    _refuse_retired(record)
    if (record.qr_token or "") != (expected_token or ""):
        raise DomainError(
            _("The label was changed meanwhile. Look at the current label and try again."),
            code="label_changed",
        )
    return issue_token(record)


def revoke_label(record: Record, expected_token: str | None) -> None:
    """Withdraw a record's label without a new one (the label was lost or the device removed)."""
    if not record.qr_token:
        raise DomainError(_("This record has no label."), code="no_label")
    if record.qr_token != (expected_token or ""):
        raise DomainError(
            _("The label was changed meanwhile. Look at the current label and try again."),
            code="label_changed",
        )
    revoke_token(record)


def issue_missing_labels(customer: Customer) -> int:
    """Issue tokens for every current cabinet and device of a customer that has none."""
    count = 0
    for record in list(customer.cabinets) + list(customer.devices):
        if record.deleted_at is None and not record.qr_token:
            issue_token(record)
            count += 1
    return count


def label_url(base_url: str, token: str) -> str:
    """The absolute URL a label's QR code holds: <base>/q/<token>, nothing else."""
    return f"{base_url.rstrip('/')}/q/{token}"


def customer_records(customer: Customer) -> tuple[list[Cabinet], list[Device]]:
    """A customer's current cabinets and devices in label order (devices grouped by cabinet)."""
    cabinets = list(
        db.session.scalars(
            select(Cabinet)
            .where(Cabinet.customer_id == customer.id, Cabinet.deleted_at.is_(None))
            .order_by(Cabinet.name, Cabinet.id)
        )
    )
    cabinet_order = {c.id: i for i, c in enumerate(cabinets)}
    devices = list(
        db.session.scalars(
            select(Device).where(Device.customer_id == customer.id, Device.deleted_at.is_(None))
        )
    )
    devices.sort(key=lambda d: (cabinet_order.get(d.cabinet_id, len(cabinets)), d.name, d.id))
    return cabinets, devices


def label_items(records: Iterable[Record], base_url: str) -> list[LabelItem]:
    """What goes on each label of a sheet; records without a current token are left out."""
    items = []
    for record in records:
        if not record.qr_token or record.deleted_at is not None:
            continue
        items.append(
            LabelItem(
                url=label_url(base_url, record.qr_token),
                school=record.customer.name,
                name=record.name,
                code=short_code(record.qr_token),
            )
        )
    return items
