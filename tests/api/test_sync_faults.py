"""SYNC.md "Tests that must exist", 1 and 3-10 and 12: each a fault, and what must hold after it.

The concurrent ones (2, 5, 11, 13) are in test_sync_concurrency.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, sha256, statuses
from tests.support.factories import make_customer, make_device, make_user
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role
from webapp.documents.models import Blob, Photo, Signature
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from sync.models import AppliedMutation, Conflict, RejectedMutation


def count(model, *where) -> int:
    """Rows of a model (fresh from the database)."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def school(app):
    """A technician and the school assigned to them, with one device."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    device = make_device(customer)
    return tech, customer, device


def test_01_response_lost_resend_is_duplicate(client, school):
    """Server commits, response lost, client resends: exactly one record; the resend says duplicate."""
    tech, customer, _ = school
    phone = FieldDevice(client, tech)
    mutation = phone.diary(customer.id)
    phone.push([mutation])  # the server commits; the response never reaches the phone
    resend = phone.push([mutation])
    assert statuses(resend) == ["duplicate"]
    assert resend.get_json()["results"][0]["original_status"] == "applied"
    assert resend.get_json()["results"][0]["id"] == mutation["id"]
    assert count(DiaryEntry) == 1


def test_03_same_seq_different_payload_is_conflict(client, school):
    """Same seq, different payload: conflict; the first stays."""
    tech, customer, _ = school
    phone = FieldDevice(client, tech)
    first = phone.diary(customer.id, text="第一次：更换交换机电源")
    assert statuses(phone.push([first])) == ["applied"]
    other = {**phone.diary(customer.id, text="另一条内容"), "seq": first["seq"]}
    response = phone.push([other])
    result = response.get_json()["results"][0]
    assert result["status"] == "conflict" and result["code"] == "seq_reused"
    assert count(DiaryEntry) == 1
    assert db.session.get(DiaryEntry, first["id"]).text == "第一次：更换交换机电源"
    assert count(RejectedMutation, RejectedMutation.code == "seq_reused") == 1
    assert response.get_json()["last_seq"] == 1


def test_04_gap_stops_batch_and_resend_applies_each_once(client, school):
    """Gap in seq: nothing past the gap applied; resending from the gap applies each once."""
    tech, customer, _ = school
    phone = FieldDevice(client, tech)
    batch = [phone.diary(customer.id, text=f"第{i}条") for i in range(1, 6)]
    response = phone.push([batch[0], batch[1], batch[3], batch[4]])  # seq 3 lost in the outbox
    body = response.get_json()
    assert [r["seq"] for r in body["results"]] == [1, 2]
    assert body["last_seq"] == 2 and body["gap"] == {"expected_seq": 3, "received_seq": 4}
    assert count(DiaryEntry) == 2
    again = phone.push(batch[2:])
    assert statuses(again) == ["applied", "applied", "applied"]
    assert statuses(phone.push(batch)) == ["duplicate"] * 5
    assert count(DiaryEntry) == 5
    assert count(AppliedMutation) == 5


def test_06_bad_png_is_422_and_good_upload_completes_record(client, school, app):
    """Truncated or fake PNG: 422, no blob stored; a good upload later completes the record."""
    tech, customer, _ = school
    phone = FieldDevice(client, tech)
    entry = phone.diary(customer.id)
    good = png_bytes(seed=6)
    signing = phone.signature("diary_entry", entry["id"], content=entry["data"], image=good)
    body = phone.push([entry, signing]).get_json()
    assert body["results"][1]["missing_blobs"] == [sha256(good)]

    truncated = good[: len(good) // 2]
    fake = b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20
    for bad in (truncated, fake):
        response = phone.put_blob(bad)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["error"]["code"] == "invalid_image"
    mislabelled = phone.put_blob(truncated, name=sha256(good))
    assert mislabelled.status_code == 422
    assert mislabelled.get_json()["error"]["code"] == "sha256_mismatch"
    assert count(Blob) == 0
    store = app.config["BLOB_STORAGE_DIR"]
    from pathlib import Path

    assert [p for p in Path(store).rglob("*") if p.is_file()] == []
    assert db.session.get(Signature, signing["id"]).complete is False

    response = phone.put_blob(good)
    assert response.status_code == 201
    assert response.get_json()["completed"] == [{"kind": "signature", "id": signing["id"], "version": 2}]
    assert db.session.get(Signature, signing["id"]).complete is True


def test_07_mutation_before_blob_is_incomplete_then_completed(client, school):
    """Mutation before its blob: saved and incomplete; the later blob completes it."""
    tech, customer, device = school
    phone = FieldDevice(client, tech)
    picture = jpeg_bytes(seed=7)
    photo = phone.photo("device", device.id, picture)
    result = phone.push([photo]).get_json()["results"][0]
    assert result["status"] == "applied"
    assert result["missing_blobs"] == [sha256(picture)]
    assert result["server_state"]["data"]["complete"] is False
    assert count(Photo, Photo.complete.is_(False)) == 1

    assert phone.client.head(f"/api/sync/blobs/{sha256(picture)}", headers=phone.headers()).status_code == 404
    assert phone.put_blob(picture).status_code == 201
    assert phone.client.head(f"/api/sync/blobs/{sha256(picture)}", headers=phone.headers()).status_code == 200
    assert count(Photo, Photo.complete.is_(True)) == 1
    resend = phone.push([photo]).get_json()["results"][0]
    assert resend["status"] == "duplicate" and resend["missing_blobs"] == []
    changes, _cursor = phone.pull_all()
    pulled = [c for c in changes if c["id"] == photo["id"]]
    assert pulled[0]["data"]["complete"] is True and pulled[0]["version"] == 2


def test_08_login_expires_with_50_queued(csrf_app, school):
    """Login expires with 50 queued: 401, 50 still queued; after sign-in each applies once;
    another user signing in pushes none of them."""
    tech, customer, _ = school
    other = make_user(Role.TECHNICIAN, customers=[customer])
    client = csrf_app.test_client()
    phone = FieldDevice(client, tech)
    assert phone.pull().status_code == 200  # the device is now tech's
    outbox = [phone.diary(customer.id, text=f"离线记录 {i}") for i in range(50)]

    client.delete_cookie("session")  # the session expired while offline
    client.delete_cookie("remember_token")
    response = phone.push(outbox)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert count(DiaryEntry) == 0 and count(AppliedMutation) == 0

    phone.sign_in(other)  # somebody else signs in on the same phone
    refused = phone.push(outbox)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "client_belongs_to_another_user"
    assert count(DiaryEntry) == 0

    phone.sign_in(tech)
    assert statuses(phone.push(outbox)) == ["applied"] * 50
    assert statuses(phone.push(outbox)) == ["duplicate"] * 50
    assert count(DiaryEntry) == 50
    assert count(DiaryEntry, DiaryEntry.author_id == tech.id) == 50


def _office_and_tech(client_factory, customer, tech):
    """An office device and a technician's device."""
    office = make_user(Role.OFFICE)
    return FieldDevice(client_factory(), office), FieldDevice(client_factory(), tech)


def test_09a_different_fields_merge(app, school):
    """Office and technician edit different fields: merged."""
    tech, customer, device = school
    office, phone = _office_and_tech(app.test_client, customer, tech)
    base = device.version
    assert statuses(office.push([office.update("device", device.id, base, supplier="新供应商")])) == ["applied"]
    result = phone.push([phone.update("device", device.id, base, software_version="V5.8.0")]).get_json()["results"][0]
    assert result["status"] == "applied"
    db.session.expire_all()
    merged = db.session.get(DeviceRecord, device.id)
    assert (merged.supplier, merged.software_version, merged.version) == ("新供应商", "V5.8.0", base + 2)
    assert result["server_state"]["data"]["supplier"] == "新供应商"
    assert count(Conflict) == 0


def test_09b_same_field_conflict_kept_for_review(app, school):
    """Same field changed on both sides: the server's value stays, the device's waits in the review queue."""
    tech, customer, device = school
    office, phone = _office_and_tech(app.test_client, customer, tech)
    base = device.version
    office.push([office.update("device", device.id, base, notes="办公室：已报修厂家")])
    result = phone.push([phone.update("device", device.id, base, notes="现场：重启后恢复")]).get_json()["results"][0]
    assert result["status"] == "conflict" and result["code"] == "field_conflict"
    assert result["server_state"]["data"]["notes"] == "办公室：已报修厂家"
    db.session.expire_all()
    assert db.session.get(DeviceRecord, device.id).notes == "办公室：已报修厂家"
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.field, conflict.server_value, conflict.device_value, conflict.state) == (
        "notes", "办公室：已报修厂家", "现场：重启后恢复", "open"
    )
    assert conflict.base_version == base and conflict.user_id == tech.id


def test_10_office_deletes_while_technician_edits(app, school):
    """Office deletes while a technician edits offline: tombstone stays, conflict logged."""
    tech, customer, device = school
    office, phone = _office_and_tech(app.test_client, customer, tech)
    _changes, cursor = phone.pull_all()
    base = device.version
    assert statuses(office.push([office.delete("device", device.id, base)])) == ["applied"]
    result = phone.push([phone.update("device", device.id, base, software_version="V6.0")]).get_json()["results"][0]
    assert result["status"] == "conflict" and result["code"] == "record_deleted"
    assert result["server_state"]["deleted"] is True
    db.session.expire_all()
    record = db.session.get(DeviceRecord, device.id)
    assert record.deleted_at is not None and record.software_version != "V6.0"
    conflict = db.session.scalars(select(Conflict)).one()
    assert conflict.reason == "deleted" and conflict.device_value == {"software_version": "V6.0"}
    changes, _ = phone.pull_all(cursor)
    assert [(c["id"], c["deleted"]) for c in changes if c["kind"] == "device"] == [(device.id, True)]


def _run_field_day(app, tech, customer, device, clock: datetime) -> list:
    """A day of field work written with the device's clock; returns what the server made of it."""
    office, phone = _office_and_tech(app.test_client, customer, tech)
    stamp = clock.strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = phone.diary(customer.id, day=clock.date(), text="季度检查")
    picture, ink = jpeg_bytes(seed=12), png_bytes(seed=12)
    photo = phone.photo("diary_entry", entry["id"], picture, taken_at=stamp)
    sign = phone.signature("diary_entry", entry["id"], content=entry["data"], image=ink, signed_at=stamp)
    base = device.version
    office.push([office.update("device", device.id, base, notes="office")])
    edit = phone.update("device", device.id, base, notes="device")  # made "later" by the device clock
    first = phone.push([entry, photo, sign, edit]).get_json()["results"]
    phone.put_blob(picture), phone.put_blob(ink)
    late_edit = phone.push([phone.update("diary_entry", entry["id"], 1, text="改")]).get_json()["results"]
    changes, _ = phone.pull_all()
    pulled = sorted(c["kind"] for c in changes if c["kind"] in ("diary_entry", "photo", "signature"))
    db.session.expire_all()
    return [
        [(r["status"], r["code"]) for r in first],
        [(r["status"], r["code"]) for r in late_edit],
        pulled,
        db.session.get(DeviceRecord, device.id).notes,
        db.session.scalar(select(func.count()).select_from(Conflict).where(Conflict.record_id == device.id)),
        db.session.get(Signature, sign["id"]).complete,
    ]


def test_12_device_clock_a_year_off_same_outcomes(app):
    """Device clock a year off: same outcomes as with a right clock."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    outcomes = []
    for clock in (now, now + timedelta(days=365), now - timedelta(days=366)):
        tech = make_user(Role.TECHNICIAN)
        customer = make_customer(technicians=[tech])
        device = make_device(customer)
        outcomes.append(_run_field_day(app, tech, customer, device, clock))
    right, ahead, behind = outcomes
    assert right == [
        [("applied", None), ("applied", None), ("applied", None), ("conflict", "field_conflict")],
        [("rejected", "append_only")],
        ["diary_entry", "photo", "signature"],
        "office",
        1,
        True,
    ]
    assert ahead == right and behind == right
