"""Issuing, reissuing and withdrawing labels (office, supervisor, admin; CSRF), and the staff QR image."""
from __future__ import annotations

import re

import pytest

from tests.support.factories import login, make_cabinet, make_customer, make_device, make_user
from webapp.archive.models import Cabinet, Device, QrLabel
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db


@pytest.fixture
def school(app):
    """A school with a labelled cabinet and device, an unlabelled device, and its technician."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer("滨江第一中学", technicians=[tech])
    cabinet = make_cabinet(customer, "行政楼机柜")
    device = make_device(customer, cabinet, name="核心交换机")
    bare = make_device(customer, cabinet, name="新装摄像机", with_token=False)
    return {"customer": customer, "cabinet": cabinet, "device": device, "bare": bare, "tech": tech}


def scan_status(client, token: str) -> int:
    """What an anonymous visitor gets for a label (own client and app context: Flask-Login keeps
    the signed-in user on `g`, which the test's app context would share)."""
    app = client.application
    with app.app_context():
        return app.test_client().get(f"/q/{token}").status_code


def fresh(model, record_id):
    """The record as stored now."""
    db.session.expire_all()
    return db.session.get(model, record_id)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.SUPERVISOR, Role.ADMIN])
def test_reissue_revokes_the_old_label_and_issues_a_new_one(client, school, role):
    """After a reissue the old token answers 410 and the record carries a new working token."""
    login(client, make_user(role))
    device = school["device"]
    old = device.qr_token
    response = client.post(f"/labels/device/{device.id}/reissue", data={"token": old, "next": "/somewhere"})
    assert response.status_code == 302
    assert response.location == "/somewhere"
    new = fresh(Device, device.id).qr_token
    assert new and new != old
    assert db.session.get(QrLabel, old).revoked_at is not None
    assert scan_status(client, old) == 410
    assert scan_status(client, new) == 200


def test_reissue_with_a_stale_token_changes_nothing(client, school):
    """A reissue sent for a label that was already replaced (double submit, two people) is refused."""
    login(client, make_user(Role.OFFICE))
    cabinet = school["cabinet"]
    current = cabinet.qr_token
    client.post(f"/labels/cabinet/{cabinet.id}/reissue", data={"token": "not-the-current-one"})
    assert fresh(Cabinet, cabinet.id).qr_token == current
    assert db.session.get(QrLabel, current).revoked_at is None


def test_reissue_never_follows_next_to_another_site(client, school):
    """The 'next' field only leads back into this site."""
    login(client, make_user(Role.OFFICE))
    device = school["device"]
    response = client.post(
        f"/labels/device/{device.id}/reissue", data={"token": device.qr_token, "next": "//evil.example/x"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response.location


def test_technician_cannot_reissue(client, school):
    """Technicians see labels but do not reissue them (403); the label keeps working."""
    login(client, school["tech"])
    device = school["device"]
    old = device.qr_token
    assert client.post(f"/labels/device/{device.id}/reissue", data={"token": old}).status_code == 403
    assert fresh(Device, device.id).qr_token == old


def test_anonymous_reissue_goes_to_sign_in(client, school):
    """Nobody signed out can touch labels."""
    device = school["device"]
    response = client.post(f"/labels/device/{device.id}/reissue", data={"token": device.qr_token})
    assert response.status_code == 302
    assert "/login" in response.location
    assert fresh(Device, device.id).qr_token == device.qr_token


def test_reissue_requires_csrf_token(csrf_app):
    """Without the CSRF token a reissue is refused and the label stays."""
    device = make_device(make_customer())
    client = csrf_app.test_client()
    office = make_user(Role.OFFICE)
    token = login(client, office)
    old = device.qr_token
    assert client.post(f"/labels/device/{device.id}/reissue", data={"token": old}).status_code == 400
    assert fresh(Device, device.id).qr_token == old
    ok = client.post(f"/labels/device/{device.id}/reissue", data={"token": old, "csrf_token": token})
    assert ok.status_code == 302
    assert fresh(Device, device.id).qr_token != old


def test_issue_gives_an_unlabelled_device_its_first_label(client, school):
    """'Issue a label' on a record without one creates a working token."""
    login(client, make_user(Role.OFFICE))
    bare = school["bare"]
    client.post(f"/labels/device/{bare.id}/issue")
    token = fresh(Device, bare.id).qr_token
    assert token
    assert scan_status(client, token) == 200


def test_issue_refuses_a_record_that_already_has_a_label(client, school):
    """Issuing twice does not silently kill the printed label."""
    login(client, make_user(Role.OFFICE))
    device = school["device"]
    old = device.qr_token
    response = client.post(f"/labels/device/{device.id}/issue", follow_redirects=False)
    assert response.status_code == 302
    assert fresh(Device, device.id).qr_token == old


def test_issue_refuses_a_retired_record(client, school):
    """Retired records get no new labels."""
    bare = school["bare"]
    bare.deleted_at = utcnow()
    db.session.commit()
    login(client, make_user(Role.OFFICE))
    client.post(f"/labels/device/{bare.id}/issue")
    assert fresh(Device, bare.id).qr_token is None


def test_revoke_withdraws_a_label_without_a_new_one(client, school):
    """A withdrawn label answers 410 and the record has no label."""
    login(client, make_user(Role.SUPERVISOR))
    cabinet = school["cabinet"]
    old = cabinet.qr_token
    client.post(f"/labels/cabinet/{cabinet.id}/revoke", data={"token": old})
    assert fresh(Cabinet, cabinet.id).qr_token is None
    assert scan_status(client, old) == 410


def test_unknown_kind_is_404(client, school):
    """Only cabinets and devices carry labels."""
    login(client, make_user(Role.OFFICE))
    assert client.post(f"/labels/customer/{school['customer'].id}/issue").status_code == 404


def test_staff_get_the_qr_image_as_svg(client, school):
    """The label's QR picture is an SVG for signed-in staff who may see the record."""
    login(client, school["tech"])
    response = client.get(f"/q/{school['device'].qr_token}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.lstrip().startswith(b"<?xml") or b"<svg" in response.data[:200]


def test_qr_image_is_not_for_the_public_or_other_schools(client, school):
    """Anonymous visitors are sent to sign in; a technician of another school gets 404."""
    token = school["device"].qr_token
    assert client.get(f"/q/{token}/qr.svg").status_code == 302
    login(client, make_user(Role.TECHNICIAN, customers=[make_customer("别的学校")]))
    assert client.get(f"/q/{token}/qr.svg").status_code == 404


def test_device_page_shows_label_and_reissue_for_the_office(client, school):
    """The archive's device page includes the label block: QR image, short code, print and reissue."""
    login(client, make_user(Role.OFFICE))
    device = school["device"]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert f"/q/{device.qr_token}/qr.svg" in html
    assert device.qr_token[:8] in html
    assert f"/labels?device_ids={device.id}" in html
    assert f"/labels/device/{device.id}/reissue" in html
    assert "Reissue (old label stops working)" in html


def test_device_page_hides_reissue_from_technicians(client, school):
    """Technicians see the label but not the reissue button."""
    login(client, school["tech"])
    device = school["device"]
    html = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert f"/q/{device.qr_token}/qr.svg" in html
    assert not re.search(rf"/labels/device/{device.id}/(reissue|revoke)", html)
