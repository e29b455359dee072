"""Who pulls what: a technician gets their customers only, open tickets, the last year of
submissions; the office gets everything; a newly assigned customer restarts the device's pull."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, statuses
from tests.support.factories import make_cabinet, make_customer, make_device, make_room, make_site, make_user
from webapp.archive.models import Contact, HandoverItem
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from webapp.repairs.models import RepairTicket


def _school_with_everything(tech, n: int):
    """A customer with a site, room, cabinet, device, contact, handover item and a ticket."""
    customer = make_customer(technicians=[tech] if tech else [])
    site = make_site(customer)
    make_room(site)
    cabinet = make_cabinet(customer)
    device = make_device(customer, cabinet)
    db.session.add(Contact(customer_id=customer.id, name=f"联系人{n}", phone="13900000000"))
    db.session.add(HandoverItem(customer_id=customer.id, kind="spare_key", description="机柜备用钥匙", quantity=2))
    db.session.add(RepairTicket(number=f"BX2026-9{n:04d}", customer_id=customer.id, description="投影机不亮"))
    db.session.commit()
    return customer, device


def _customer_of(change: dict) -> str | None:
    """The customer a pulled change belongs to."""
    if change["kind"] == "customer":
        return change["id"]
    return change["data"].get("customer_id")


@pytest.fixture
def two_schools(app, client):
    """Technician A with school 1 (with a diary entry and a photo), technician B with school 2."""
    tech_a, tech_b = make_user(Role.TECHNICIAN), make_user(Role.TECHNICIAN)
    school_1, device_1 = _school_with_everything(tech_a, 1)
    school_2, device_2 = _school_with_everything(tech_b, 2)
    for tech, school, device in ((tech_a, school_1, device_1), (tech_b, school_2, device_2)):
        phone = FieldDevice(app.test_client(), tech)
        picture = jpeg_bytes(seed=hash(school.id) % 1000)
        entry = phone.diary(school.id)
        assert statuses(phone.push([entry, phone.photo("device", device.id, picture)])) == ["applied", "applied"]
        phone.put_blob(picture)
    return tech_a, tech_b, school_1, school_2


def test_technician_never_pulls_another_schools_records(app, two_schools):
    """Every change a technician pulls belongs to a customer assigned to them."""
    tech_a, _tech_b, school_1, school_2 = two_schools
    changes, _ = FieldDevice(app.test_client(), tech_a).pull_all()
    kinds = {c["kind"] for c in changes}
    assert {"customer", "site", "room", "cabinet", "device", "contact", "handover_item", "repair_ticket",
            "diary_entry", "photo"} <= kinds
    assert {_customer_of(c) for c in changes} == {school_1.id}
    assert school_2.id not in str(changes)


def test_office_pulls_every_school(app, two_schools):
    """Office roles pull all customers."""
    _a, _b, school_1, school_2 = two_schools
    changes, _ = FieldDevice(app.test_client(), make_user(Role.OFFICE)).pull_all()
    assert {_customer_of(c) for c in changes} == {school_1.id, school_2.id}


def test_technician_cannot_write_to_another_school(app, two_schools):
    """Pushes aimed at another school's records are rejected as not found (nothing leaks)."""
    tech_a, _b, _s1, school_2 = two_schools
    other_device = db.session.scalars(db.select(DeviceRecord).where(DeviceRecord.customer_id == school_2.id)).first()
    phone = FieldDevice(app.test_client(), tech_a)
    results = phone.push([
        phone.update("device", other_device.id, other_device.version, notes="x"),
        phone.diary(school_2.id),
        phone.photo("device", other_device.id, png_bytes(seed=3)),
    ]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "not_found")] * 3
    assert all(r["server_state"] is None for r in results)


def test_technician_cannot_read_another_schools_blob(app, two_schools):
    """A photo of another school cannot be downloaded by a technician; the office can."""
    tech_a, _b, _s1, school_2 = two_schools
    from webapp.documents.models import Photo

    theirs = db.session.scalars(db.select(Photo).where(Photo.customer_id == school_2.id)).one()
    phone = FieldDevice(app.test_client(), tech_a)
    assert phone.client.get(f"/api/sync/blobs/{theirs.image_sha256}", headers=phone.headers()).status_code == 404
    office = FieldDevice(app.test_client(), make_user(Role.OFFICE))
    response = office.client.get(f"/api/sync/blobs/{theirs.image_sha256}", headers=office.headers())
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def test_closed_ticket_leaves_the_technicians_device(app, two_schools):
    """Technicians pull open tickets; a ticket closed later arrives once as deleted/out_of_scope."""
    tech_a, _b, school_1, _s2 = two_schools
    phone = FieldDevice(app.test_client(), tech_a)
    changes, cursor = phone.pull_all()
    ticket = db.session.scalars(db.select(RepairTicket).where(RepairTicket.customer_id == school_1.id)).one()
    assert ticket.id in {c["id"] for c in changes}
    ticket.status = "closed"
    db.session.commit()
    later, _ = phone.pull_all(cursor)
    assert [(c["id"], c["deleted"], c.get("out_of_scope")) for c in later] == [(ticket.id, True, True)]
    fresh, _ = FieldDevice(app.test_client(), tech_a).pull_all()
    assert ticket.id not in {c["id"] for c in fresh}


def test_technician_pulls_only_last_year_of_submissions(app, two_schools):
    """Submissions older than a year stay off a technician's fresh device; the office still gets them."""
    tech_a, _b, school_1, _s2 = two_schools
    old = db.session.scalars(db.select(DiaryEntry).where(DiaryEntry.customer_id == school_1.id)).one()
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    tech_changes, _ = FieldDevice(app.test_client(), tech_a).pull_all()
    assert old.id not in {c["id"] for c in tech_changes}
    office_changes, _ = FieldDevice(app.test_client(), make_user(Role.OFFICE)).pull_all()
    assert old.id in {c["id"] for c in office_changes}


def test_newly_assigned_customer_restarts_the_pull(app, two_schools):
    """A customer assigned after the last pull: the incremental pull answers 410, from 0 it is there."""
    tech_a, _b, _s1, school_2 = two_schools
    phone = FieldDevice(app.test_client(), tech_a)
    _, cursor = phone.pull_all()
    tech_a.customers.append(school_2)
    db.session.commit()
    response = phone.pull(cursor)
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "scope_changed"
    changes, _ = phone.pull_all(0)
    assert school_2.id in {c["id"] for c in changes}
    assert phone.pull(cursor).status_code == 200


def test_unassigned_customer_is_listed_out_of_scope(app, two_schools):
    """Every pull names the technician's customers, so a device can drop an unassigned one."""
    tech_a, _b, school_1, _s2 = two_schools
    phone = FieldDevice(app.test_client(), tech_a)
    assert phone.pull().get_json()["scope"] == {"customer_ids": [school_1.id]}
    tech_a.customers.remove(school_1)
    db.session.commit()
    body = phone.pull().get_json()
    assert body["scope"] == {"customer_ids": []} and body["changes"] == []
