"""The office's sync review page: conflicts side by side, resolve through the services (audited),
rejected mutations marked handled, submissions waiting for images."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.field_device import FieldDevice, forget_cached_user, png_bytes
from tests.support.factories import PASSWORD, make_customer, make_device, make_user
from webapp.archive.models import Device as DeviceRecord
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from sync.models import Conflict, RejectedMutation


def browser(app, user):
    """A signed-in browser session (form sign-in)."""
    web = app.test_client()
    forget_cached_user()
    web.post("/login", data={"username": user.username, "password": PASSWORD})
    return web


def get(web, url):
    """GET as the browser's own user."""
    forget_cached_user()
    return web.get(url)


def post(web, url, data):
    """POST a form as the browser's own user."""
    forget_cached_user()
    return web.post(url, data=data)


@pytest.fixture
def review(app):
    """An open field conflict, a rejected mutation and a signature waiting for its image."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    device = make_device(customer)
    office_user = make_user(Role.OFFICE)
    office = FieldDevice(app.test_client(), office_user)
    office.push([office.update("device", device.id, 1, notes="办公室备注")])
    phone = FieldDevice(app.test_client(), tech)
    entry = phone.diary(customer.id)
    phone.push([
        phone.update("device", device.id, 1, notes="现场备注"),
        phone.diary(customer.id, text=""),
        entry,
        phone.signature("diary_entry", entry["id"], content=entry["data"], image=png_bytes(seed=1)),
    ])
    return office_user, tech, device


def test_review_page_is_for_office_roles(app, review):
    """Technicians get 403; the office sees the page."""
    office_user, tech, _device = review
    assert get(browser(app, tech), "/sync/review").status_code == 403
    assert get(browser(app, office_user), "/sync/review").status_code == 200


def test_conflict_shows_both_values_side_by_side(app, review):
    """An open conflict lists the server's and the device's value."""
    office_user, _tech, _device = review
    page = get(browser(app, office_user), "/sync/review?lang=en").get_data(as_text=True)
    assert "办公室备注" in page and "现场备注" in page
    assert page.index("Server value (kept)") < page.index("办公室备注") < page.index("Device value") < page.index("现场备注")


def test_take_device_value_goes_through_services_and_is_audited(app, review):
    """Taking the device's value changes the record as the office user and logs who resolved what."""
    office_user, _tech, device = review
    conflict = db.session.scalars(select(Conflict)).one()
    web = browser(app, office_user)
    response = post(web, f"/sync/review/conflicts/{conflict.id}", {"resolution": "take_device"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(DeviceRecord, device.id).notes == "现场备注"
    resolved = db.session.get(Conflict, conflict.id)
    assert (resolved.state, resolved.resolution, resolved.resolved_by_id) == ("resolved", "take_device", office_user.id)
    change = db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "device", AuditLog.entity_id == device.id).order_by(AuditLog.id.desc())
    ).first()
    assert change.user_id == office_user.id and change.changes["notes"] == ["办公室备注", "现场备注"]
    assert db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "sync_conflict", AuditLog.action == "update")
    ).first().changes["resolution"] == [None, "take_device"]
    assert "现场备注" not in get(web, "/sync/review").get_data(as_text=True)


def test_keep_server_value_leaves_record_alone(app, review):
    """Keeping the server's value resolves the conflict without touching the record."""
    office_user, _tech, device = review
    conflict = db.session.scalars(select(Conflict)).one()
    post(browser(app, office_user), f"/sync/review/conflicts/{conflict.id}", {"resolution": "keep_server"})
    db.session.expire_all()
    assert db.session.get(DeviceRecord, device.id).notes == "办公室备注"
    assert db.session.get(Conflict, conflict.id).state == "resolved"


def test_rejected_mutation_shows_reason_and_payload_and_can_be_handled(app, review):
    """A rejected mutation is listed with its reason and what was sent, until marked handled."""
    office_user, _tech, _device = review
    web = browser(app, office_user)
    page = get(web, "/sync/review?tab=rejected&lang=en").get_data(as_text=True)
    rejected = db.session.scalars(select(RejectedMutation)).one()
    assert "Service diary entry" in page and rejected.code in page and "&#34;text&#34;" in page
    post(web, f"/sync/review/rejected/{rejected.id}", {"note": "已电话联系技术员重新填写"})
    db.session.expire_all()
    handled = db.session.get(RejectedMutation, rejected.id)
    assert handled.handled_by_id == office_user.id and handled.handled_note == "已电话联系技术员重新填写"
    assert f"rejected-{rejected.id}" not in get(web, "/sync/review?tab=rejected").get_data(as_text=True)


def test_incomplete_submissions_are_listed(app, review):
    """A signature waiting for its image is listed until the image arrives."""
    office_user, tech, _device = review
    web = browser(app, office_user)
    assert "sync-incomplete" in get(web, "/sync/review?tab=incomplete").get_data(as_text=True)
    FieldDevice(app.test_client(), tech).put_blob(png_bytes(seed=1))
    assert "sync-incomplete" not in get(web, "/sync/review?tab=incomplete").get_data(as_text=True)


def test_deleted_record_conflict_taken_from_device_restores_it(app):
    """Resolving "edited after deletion" for the device restores the record with the device's edit."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    device = make_device(customer, with_token=False)
    office_user = make_user(Role.OFFICE)
    office = FieldDevice(app.test_client(), office_user)
    office.push([office.delete("device", device.id, 1)])
    phone = FieldDevice(app.test_client(), tech)
    phone.push([phone.update("device", device.id, 1, software_version="V9")])
    conflict = db.session.scalars(select(Conflict)).one()
    post(browser(app, office_user), f"/sync/review/conflicts/{conflict.id}", {"resolution": "take_device"})
    db.session.expire_all()
    record = db.session.get(DeviceRecord, device.id)
    assert record.deleted_at is None and record.software_version == "V9"


def test_submission_conflict_taken_from_device_becomes_a_correction(app):
    """Taking the device's version of a re-sent diary entry files it as a new entry superseding the first."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    first = phone.diary(customer.id, text="第一版")
    phone.push([first, phone.diary(customer.id, text="第二版", record_id=first["id"])])
    conflict = db.session.scalars(select(Conflict)).one()
    post(browser(app, make_user(Role.SUPERVISOR)), f"/sync/review/conflicts/{conflict.id}", {"resolution": "take_device"})
    db.session.expire_all()
    correction = db.session.scalars(select(DiaryEntry).where(DiaryEntry.supersedes == first["id"])).one()
    assert correction.text == "第二版" and db.session.get(DiaryEntry, first["id"]).text == "第一版"
