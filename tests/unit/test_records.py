"""Versions, change_seq and the audit log are stamped on every write."""
from sqlalchemy import select

from tests.support.factories import make_customer, make_device
from webapp.audit.models import AuditLog
from webapp.extensions import db


def test_new_record_gets_version_one_and_a_change_seq(app):
    """A created record starts at version 1 with a change_seq from the counter."""
    customer = make_customer()
    assert customer.version == 1
    assert customer.change_seq > 0


def test_update_bumps_version_and_change_seq(app):
    """Each change adds one to the version and takes a later change_seq."""
    customer = make_customer()
    device = make_device(customer)
    before_seq, before_version = device.change_seq, device.version
    device.software_version = "V5.8.0"
    db.session.commit()
    assert device.version == before_version + 1
    assert device.change_seq > before_seq


def test_update_is_audited_with_old_and_new_values(app):
    """The audit log keeps the old and new values of a changed field."""
    customer = make_customer()
    device = make_device(customer, software_version="V1")
    device.software_version = "V2"
    db.session.commit()
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_id == device.id, AuditLog.action == "update")
    ).one()
    assert entry.changes["software_version"] == ["V1", "V2"]
    assert entry.customer_id == customer.id
