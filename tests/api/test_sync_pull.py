"""Pull details: paging in change_seq order, tombstones, the data shape, 410s, gzip."""
from __future__ import annotations

import gzip
import json

import pytest

from tests.support.field_device import FieldDevice, png_bytes, statuses
from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db


@pytest.fixture
def school(app):
    """A technician and a school with a cabinet and 12 devices."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    cabinet = make_cabinet(customer)
    devices = [make_device(customer, cabinet) for _ in range(12)]
    return tech, customer, cabinet, devices


def test_pages_cover_everything_once_in_change_seq_order(app, school):
    """Small pages with has_more give every change once, ordered by change_seq."""
    tech, *_ = school
    phone = FieldDevice(app.test_client(), tech)
    cursor, seqs, pages = 0, [], 0
    while True:
        body = phone.pull(cursor, limit=5).get_json()
        pages += 1
        seqs += [c["change_seq"] for c in body["changes"]]
        assert body["cursor"] >= cursor
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    everything, _ = phone.pull_all(0)
    assert pages == 3 and seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == len(everything) == 14


def test_device_data_shape(app, school):
    """`data` is the model's columns minus the envelope; dates ISO; the QR token travels."""
    tech, customer, cabinet, devices = school
    changes, _ = FieldDevice(app.test_client(), tech).pull_all()
    device = next(c for c in changes if c["id"] == devices[0].id)
    assert set(device) == {"kind", "id", "version", "change_seq", "deleted", "data"}
    assert set(device["data"]) == {
        "customer_id", "cabinet_id", "room_id", "name", "category", "brand", "model", "quantity", "protocol",
        "software_version", "serial", "ip_address", "install_date", "warranty_end", "supplier", "notes", "qr_token",
    }
    assert device["data"]["install_date"] == "2024-01-10" and device["data"]["qr_token"] == devices[0].qr_token
    cabinet_change = next(c for c in changes if c["kind"] == "cabinet")
    assert cabinet_change["data"]["qr_token"] == cabinet.qr_token


def test_timestamps_are_iso_utc(app, school):
    """Timestamps in data are ISO-8601 UTC with Z, whatever offset the device sent."""
    tech, customer, *_ = school
    phone = FieldDevice(app.test_client(), tech)
    entry = phone.diary(customer.id)
    sign = phone.signature("diary_entry", entry["id"], content=entry["data"], image=png_bytes(seed=1), signed_at="2026-03-02T14:30:00+08:00")
    phone.push([entry, sign])
    changes, _ = phone.pull_all()
    data = next(c for c in changes if c["kind"] == "signature")["data"]
    assert data["signed_at"] == "2026-03-02T06:30:00.000Z"


def test_tombstone_reaches_devices_that_had_the_record(app, school):
    """A deleted record comes as deleted:true after the device's cursor, and not at all from 0."""
    tech, customer, cabinet, devices = school
    phone = FieldDevice(app.test_client(), tech)
    _, cursor = phone.pull_all()
    office = FieldDevice(app.test_client(), make_user(Role.OFFICE))
    assert statuses(office.push([office.delete("device", devices[3].id, 1)])) == ["applied"]
    later, _ = phone.pull_all(cursor)
    assert [(c["id"], c["deleted"]) for c in later] == [(devices[3].id, True)]
    fresh, _ = phone.pull_all(0)
    assert devices[3].id not in {c["id"] for c in fresh}


def test_cursor_older_than_purged_tombstones_is_410(app, school):
    """After old tombstones are purged (CLI), an older cursor gets 410; from 0 works."""
    tech, customer, cabinet, devices = school
    spare = make_device(customer, with_token=False)
    phone = FieldDevice(app.test_client(), tech)
    _, old_cursor = phone.pull_all()
    spare_id = spare.id
    spare.deleted_at = utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sync", "purge-tombstones", "--days", "0"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 tombstones" in result.output
    db.session.expunge_all()
    assert db.session.get(DeviceRecord, spare_id) is None
    response = phone.pull(old_cursor)
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "cursor_too_old"
    assert phone.pull(0).status_code == 200


def test_unknown_cursor_is_410(app, school):
    """A cursor this server never handed out (a restored database) gets 410 too."""
    tech, *_ = school
    response = FieldDevice(app.test_client(), tech).pull(10**9)
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "cursor_unknown"


def test_pull_is_gzipped_when_accepted(app, school):
    """A device that accepts gzip gets the page compressed."""
    tech, *_ = school
    phone = FieldDevice(app.test_client(), tech)
    response = phone.client.get("/api/sync/pull?cursor=0", headers={**phone.headers(), "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["changes"]) == 14
