"""Push details: rejected mutations are kept and do not block, roles decide what a device may
change, requests are checked, and every error has the one shape."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.field_device import FieldDevice, new_id, statuses
from tests.support.factories import make_customer, make_device, make_user
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from sync.models import RejectedMutation


@pytest.fixture
def school(app):
    """A technician, their school and a device there."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    return tech, customer, make_device(customer)


def test_invalid_data_is_rejected_kept_and_does_not_block(app, school):
    """A bad mutation is rejected with field errors, kept for the office, and the next one applies."""
    tech, customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    bad = phone.diary(customer.id, text="")
    bad["data"]["date"] = "2026-02-30"
    good = phone.diary(customer.id)
    body = phone.push([bad, good]).get_json()
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"] and body["last_seq"] == 2
    errors = body["results"][0]["errors"]
    assert set(errors) == {"date", "text"}
    kept = db.session.scalars(select(RejectedMutation)).one()
    assert (kept.seq, kept.kind, kept.code, kept.payload["data"]["text"]) == (1, "diary_entry", "invalid", "")
    assert kept.handled_at is None
    resend = phone.push([bad]).get_json()["results"][0]
    assert (resend["status"], resend["original_status"]) == ("duplicate", "rejected")
    assert db.session.query(RejectedMutation).count() == 1


def test_unknown_kind_and_fields_are_rejected(app, school):
    """Unknown kinds and unknown fields are rejected with a reason, not dropped."""
    tech, customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    nonsense = {"seq": phone.next_seq(), "kind": "spaceship", "op": "create", "id": new_id(), "data": {}}
    extra = phone.diary(customer.id, mood="happy")
    results = phone.push([nonsense, extra]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "unknown_kind"), ("rejected", "invalid")]
    assert "mood" in results[1]["errors"]


def test_technician_corrects_only_field_fields_of_a_device(app, school):
    """A technician may change version, serial and notes; other fields are refused as forbidden."""
    tech, _customer, device = school
    phone = FieldDevice(app.test_client(), tech)
    results = phone.push([
        phone.update("device", device.id, device.version, name="改名"),
        phone.update("device", device.id, device.version, serial="SN-NEW-1"),
    ]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "forbidden"), ("applied", None)]
    assert "name" in results[0]["errors"]


def test_office_creates_device_with_qr_token(app, school):
    """A device created through push gets its QR token, sent back in server_state."""
    _tech, customer, _ = school
    office = FieldDevice(app.test_client(), make_user(Role.OFFICE))
    record_id = new_id()
    create = {"seq": office.next_seq(), "kind": "device", "op": "create", "id": record_id,
              "data": {"customer_id": customer.id, "name": "核心交换机", "category": "switch", "quantity": 1,
                       "brand": "华为", "qr_token": "ignored-read-only"}}
    result = office.push([create]).get_json()["results"][0]
    assert result["status"] == "applied" and result["id"] == record_id and result["version"] == 1
    token = result["server_state"]["data"]["qr_token"]
    assert token and token != "ignored-read-only"
    assert db.session.get(DeviceRecord, record_id).qr_token == token


def test_technician_cannot_create_archive_records(app, school):
    """Creating a device is for the office: a technician's create is rejected as forbidden."""
    tech, customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    create = {"seq": phone.next_seq(), "kind": "device", "op": "create", "id": new_id(),
              "data": {"customer_id": customer.id, "name": "AP", "category": "access_point", "quantity": 1}}
    assert phone.push([create]).get_json()["results"][0]["code"] == "forbidden"


def test_update_needs_base_version(app, school):
    """An update without base_version is rejected: edits are never ordered by clock."""
    tech, _customer, device = school
    phone = FieldDevice(app.test_client(), tech)
    mutation = phone.update("device", device.id, device.version, notes="x")
    mutation["base_version"] = None
    result = phone.push([mutation]).get_json()["results"][0]
    assert result["status"] == "rejected" and "base_version" in result["errors"]


def test_same_submission_id_with_other_content_keeps_both(app, school):
    """The same diary id sent again with other content: conflict, both versions kept."""
    tech, customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    first = phone.diary(customer.id, text="原始内容")
    phone.push([first])
    again = phone.diary(customer.id, text="另一份内容", record_id=first["id"])
    same = phone.diary(customer.id, text="原始内容", record_id=first["id"])
    results = phone.push([again, same]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("conflict", "id_exists"), ("duplicate", "same_record")]
    assert db.session.get(DiaryEntry, first["id"]).text == "原始内容"
    assert results[0]["conflicts"][0]["device_value"]["text"] == "另一份内容"


def test_malformed_push_is_400_with_error_shape(app, school):
    """A push without mutations or with a bad seq is refused whole, in the error shape."""
    tech, _customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    response = phone.client.post("/api/sync/push", json={"client_id": phone.client_id,
                                                         "mutations": [{"seq": 0, "kind": "x"}]},
                                 headers=phone.headers())
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request" and "mutations.0.seq" in error["errors"]


@pytest.mark.parametrize("method,path", [
    ("post", "/api/sync/push"), ("get", "/api/sync/pull?cursor=0"), ("get", "/api/sync/status"),
])
def test_signed_out_is_401_json(client, method, path):
    """Every sync endpoint answers 401 with the error shape when nobody is signed in."""
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "errors", "details"} and error["code"] == "unauthorized"


def test_write_without_csrf_token_is_refused(csrf_app):
    """With CSRF on, a signed-in push without X-CSRFToken is refused; with it, it applies."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(csrf_app.test_client(), tech)
    token, phone.csrf_token = phone.csrf_token, None
    refused = phone.push([phone.diary(customer.id)])
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    phone.csrf_token = token
    assert statuses(phone.push([{**phone.diary(customer.id), "seq": 1}])) == ["applied"]


def test_status_lists_devices_and_counts(app, school):
    """GET /api/sync/status: server time, the user's devices with last_seq, counts."""
    tech, customer, _ = school
    phone = FieldDevice(app.test_client(), tech)
    phone.push([phone.diary(customer.id), phone.diary(customer.id, text="")])
    body = phone.client.get("/api/sync/status", headers=phone.headers()).get_json()
    assert body["server_time"].endswith("Z")
    assert body["clients"][0]["client_id"] == phone.client_id and body["clients"][0]["last_seq"] == 2
    assert body["counts"]["unhandled_rejections"] == 1 and body["counts"]["applied"] == 2
    assert "diary_entry" in body["kinds"]
