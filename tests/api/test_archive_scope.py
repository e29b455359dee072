"""Who sees which part of the archive: technicians only their customers (404 otherwise), staff all."""
from __future__ import annotations

import pytest

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from webapp.extensions import db


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def test_technician_lists_only_assigned_customers(web, district):
    """The customer list shows the technician's school and not the other one."""
    sign_in(web, district.tech)
    html = web.get("/customers").get_data(as_text=True)
    assert district.mine.name in html
    assert district.other.name not in html


@pytest.mark.parametrize(
    "path",
    ["/customers/{other.id}", "/devices/{other_device.id}", "/cabinets/{other_cabinet.id}",
     "/customers/{other.id}/devices.xlsx", "/archive/device/{other_device.id}/edit"],
)
def test_technician_gets_404_for_pages_of_unassigned_customer(web, district, path):
    """Customer, device and cabinet pages of a school not assigned answer 404, never 403."""
    sign_in(web, district.tech)
    response = web.get(path.format(**vars(district)))
    assert response.status_code == 404


def test_technician_opens_pages_of_assigned_customer(web, district):
    """The technician's own school, cabinet and device open."""
    sign_in(web, district.tech)
    for path in (f"/customers/{district.mine.id}", f"/devices/{district.device.id}", f"/cabinets/{district.cabinet.id}"):
        assert web.get(path).status_code == 200, path


def test_technician_device_search_skips_unassigned_customers(web, district):
    """Searching all devices finds only devices at assigned schools, even by the other's serial."""
    sign_in(web, district.tech)
    html = web.get("/devices").get_data(as_text=True)
    assert district.device.name in html and district.other_device.name not in html
    html = web.get("/devices?serial=HK-0002").get_data(as_text=True)
    assert district.other_device.name not in html


def test_api_customer_list_is_scoped_for_technicians(web, district):
    """GET /api/customers lists only the assigned school."""
    sign_in(web, district.tech)
    body = web.get("/api/customers").get_json()
    assert [c["name"] for c in body["items"]] == [district.mine.name]
    assert body["total"] == 1


def test_api_customer_detail_of_unassigned_is_404_in_the_error_shape(web, district):
    """GET /api/customers/<other> answers 404 with the common error body."""
    sign_in(web, district.tech)
    response = web.get(f"/api/customers/{district.other.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_device_detail_of_unassigned_is_404(web, district):
    """GET /api/devices/<other device> answers 404."""
    sign_in(web, district.tech)
    response = web.get(f"/api/devices/{district.other_device.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_device_search_is_scoped_for_technicians(web, district):
    """GET /api/devices?q= finds nothing at a school not assigned."""
    sign_in(web, district.tech)
    assert web.get("/api/devices?q=HK-0002").get_json()["items"] == []
    items = web.get("/api/devices?q=HW-0001").get_json()["items"]
    assert [d["serial"] for d in items] == ["HW-0001"]


@pytest.mark.parametrize("role", ["office", "supervisor", "quality", "admin"])
def test_staff_see_every_customer_by_page_and_api(web, district, role):
    """Office, supervisor, quality and admin list and open both schools."""
    sign_in(web, getattr(district, role))
    names = {c["name"] for c in web.get("/api/customers").get_json()["items"]}
    assert names == {district.mine.name, district.other.name}
    assert web.get(f"/customers/{district.other.id}").status_code == 200
    assert web.get(f"/api/devices/{district.other_device.id}").status_code == 200


def test_api_customer_detail_carries_contacts_sites_cabinets_and_counts(web, district):
    """The detail answer has the archive around the customer, with device counts per cabinet."""
    sign_in(web, district.office)
    body = web.get(f"/api/customers/{district.mine.id}").get_json()
    assert body["sites"][0]["rooms"][0]["name"] == district.room.name
    assert body["cabinets"][0]["device_count"] == 1
    assert body["device_count"] == 1
    assert [t["display_name"] for t in body["technicians"]] == [district.tech.display_name]


def test_api_needs_sign_in(web, district):
    """Without a session the API answers 401 in the error shape."""
    response = web.get("/api/customers")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_quality_cannot_edit_the_archive(web, district):
    """A quality inspector gets 403 on edit pages and their POSTs change nothing."""
    sign_in(web, district.quality)
    assert web.get(f"/customers/{district.mine.id}/edit").status_code == 403
    response = web.post(f"/archive/device/{district.device.id}/edit", data={"software_version": "HACKED"})
    assert response.status_code == 403
    assert web.post(f"/archive/device/{district.device.id}/retire").status_code == 403
    db.session.refresh(district.device)
    assert district.device.software_version != "HACKED"
    assert district.device.deleted_at is None


def test_quality_sees_no_edit_buttons(web, district):
    """The device page offers a quality inspector no edit or retire button."""
    sign_in(web, district.quality)
    html = web.get(f"/devices/{district.device.id}").get_data(as_text=True)
    assert f"/archive/device/{district.device.id}/edit" not in html
    assert "/retire" not in html


def test_technician_corrects_version_serial_and_notes_only(web, district):
    """A technician's field edit changes version, serial and notes; other posted fields are ignored."""
    sign_in(web, district.tech)
    page = web.get(f"/archive/device/{district.device.id}/edit").get_data(as_text=True)
    assert 'name="brand"' not in page
    response = web.post(
        f"/archive/device/{district.device.id}/edit",
        data={"software_version": "V2.0", "serial": "HW-0001-B", "notes": "replaced PSU", "brand": "Cisco",
              "base_version": str(district.device.version)},
    )
    assert response.status_code == 302
    db.session.refresh(district.device)
    assert (district.device.software_version, district.device.serial, district.device.notes) == ("V2.0", "HW-0001-B", "replaced PSU")
    assert district.device.brand == "华为"


def test_technician_cannot_change_customers_or_add_devices(web, district):
    """Customer edit and new-device pages are refused to technicians, even at their own school."""
    sign_in(web, district.tech)
    assert web.get(f"/customers/{district.mine.id}/edit").status_code == 403
    assert web.get(f"/customers/{district.mine.id}/device/new").status_code == 403
    assert web.get("/customers/new").status_code == 403


def test_technician_cannot_field_edit_a_device_elsewhere(web, district):
    """A device at a school not assigned is 404 for the field edit too."""
    sign_in(web, district.tech)
    response = web.post(f"/archive/device/{district.other_device.id}/edit", data={"software_version": "X"})
    assert response.status_code == 404


def test_only_admin_and_head_manage_users(web, district):
    """The user administration pages answer 403 to everyone but the administrator and the head."""
    for role in ("tech", "office", "quality"):
        sign_in(web, getattr(district, role))
        assert web.get("/admin/users").status_code == 403, role
    for role in ("admin", "supervisor"):
        sign_in(web, getattr(district, role))
        assert web.get("/admin/users").status_code == 200, role


def test_admin_cannot_demote_or_disable_themselves(web, district):
    """An administrator's own role and active flag cannot be taken away on the edit page."""
    sign_in(web, district.admin)
    response = web.post(f"/admin/users/{district.admin.id}", data={
        "username": district.admin.username, "display_name": "Admin", "role": "office", "phone": "", "password": "",
        "active": "y",
    })
    assert "You cannot change your own role or disable your own account." in response.get_data(as_text=True)
    db.session.refresh(district.admin)
    assert district.admin.role == "admin"
