"""The audit log: every archive change with who, when, device and old → new, for supervisor and admin."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from webapp.audit.models import AuditLog
from webapp.extensions import db


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def edit_version(client, device, version: str, client_id: str | None = None):
    """Change a device's software version through the office's edit page."""
    data = {
        "name": device.name, "category": device.category, "brand": device.brand, "model": device.model,
        "quantity": str(device.quantity), "protocol": device.protocol, "software_version": version,
        "serial": device.serial, "ip_address": "", "cabinet_id": device.cabinet_id or "", "room_id": "",
        "install_date": device.install_date.isoformat(), "warranty_end": device.warranty_end.isoformat(),
        "supplier": "", "notes": "",
    }
    headers = {"X-Client-Id": client_id} if client_id else {}
    response = client.post(f"/archive/device/{device.id}/edit", data=data, headers=headers)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_an_edit_is_logged_with_user_device_and_old_and_new_values(web, district):
    """The audit row names the user and client id and keeps the old and new value."""
    sign_in(web, district.office)
    edit_version(web, district.device, "V9.0", client_id="0f1e2d3c-aaaa-bbbb-cccc-000000000001")
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_id == district.device.id, AuditLog.action == "update")
    ).one()
    assert entry.user_id == district.office.id
    assert entry.client_id == "0f1e2d3c-aaaa-bbbb-cccc-000000000001"
    assert entry.changes == {"software_version": ["V5.7.3", "V9.0"]}


def test_supervisor_reads_the_change_on_the_audit_page(web, district):
    """The audit page shows who changed which device from what to what."""
    sign_in(web, district.office)
    edit_version(web, district.device, "V9.0")
    sign_in(web, district.supervisor)
    html = web.get("/audit").get_data(as_text=True)
    assert district.office.display_name in html
    assert district.device.name in html
    assert "V5.7.3" in html and "V9.0" in html
    assert "Software version" in html


@pytest.mark.parametrize("role", ["tech", "office", "quality"])
def test_only_supervisor_and_admin_open_the_audit_page(web, district, role):
    """Technicians, the office and quality inspectors get 403 on the audit page."""
    sign_in(web, getattr(district, role))
    assert web.get("/audit").status_code == 403


def test_admin_opens_the_audit_page(web, district):
    """The administrator may read the audit log."""
    sign_in(web, district.admin)
    assert web.get("/audit").status_code == 200


def test_audit_page_filters_by_customer_type_and_user(web, district):
    """Filtering by customer, record type and user keeps only matching changes."""
    sign_in(web, district.office)
    edit_version(web, district.device, "MINE-1")
    edit_version(web, district.other_device, "OTHER-1")
    sign_in(web, district.supervisor)
    html = web.get(f"/audit?customer={district.mine.id}&entity=device").get_data(as_text=True)
    assert "MINE-1" in html and "OTHER-1" not in html
    html = web.get(f"/audit?user={district.tech.id}").get_data(as_text=True)
    assert "MINE-1" not in html and "OTHER-1" not in html
    html = web.get(f"/audit?user={district.office.id}&action=update").get_data(as_text=True)
    assert "MINE-1" in html and "OTHER-1" in html


def test_audit_page_filters_by_date_range(web, district):
    """A date range that ends before a change leaves it out; one that covers it keeps it."""
    sign_in(web, district.office)
    edit_version(web, district.device, "DATED-1")
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    entry.at = datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    db.session.commit()
    sign_in(web, district.supervisor)
    assert "DATED-1" in web.get("/audit?date_from=2025-03-10&date_to=2025-03-10").get_data(as_text=True)
    assert "DATED-1" not in web.get("/audit?date_from=2025-03-11").get_data(as_text=True)
    assert "DATED-1" not in web.get("/audit?date_to=2025-03-09").get_data(as_text=True)


def test_audit_page_rejects_a_backwards_date_range(web, district):
    """An end date before the start date is explained on the filter form."""
    sign_in(web, district.supervisor)
    html = web.get("/audit?date_from=2025-03-10&date_to=2025-03-01").get_data(as_text=True)
    assert "The end date comes before the start date." in html


def test_retire_and_restore_are_logged(web, district):
    """Retiring and restoring a device leave 'retire' and 'restore' audit rows."""
    sign_in(web, district.office)
    web.post(f"/archive/device/{district.device.id}/retire")
    web.post(f"/archive/device/{district.device.id}/restore")
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.entity_id == district.device.id).order_by(AuditLog.id)
    ).all()
    assert actions[-2:] == ["retire", "restore"]


def test_device_page_shows_its_trail_to_the_supervisor_only(web, district):
    """The supervisor sees the device's change log on its page; the office does not."""
    sign_in(web, district.office)
    edit_version(web, district.device, "TRAIL-1")
    assert "Change log" not in web.get(f"/devices/{district.device.id}").get_data(as_text=True)
    sign_in(web, district.supervisor)
    html = web.get(f"/devices/{district.device.id}").get_data(as_text=True)
    assert "Change log" in html and "TRAIL-1" in html


def test_cabinet_change_shows_names_not_ids(web, district):
    """Moving a device to another cabinet shows both cabinets by name in the log."""
    from tests.support.factories import make_cabinet

    second = make_cabinet(district.mine, "备用机柜")
    district.device.cabinet_id = second.id
    db.session.commit()
    sign_in(web, district.supervisor)
    html = web.get(f"/audit?entity_id={district.device.id}&action=update").get_data(as_text=True)
    assert district.cabinet.name in html and "备用机柜" in html
    assert second.id not in html.split("<main")[1]
