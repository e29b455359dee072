"""Creating, editing, retiring and restoring archive records through the pages, with clear messages."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_site
from webapp.archive.models import Cabinet, Contact, Customer, Device, HandoverItem
from webapp.extensions import db


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def device_form(**overrides) -> dict:
    """A valid device form, changed by the overrides."""
    data = {
        "name": "接入交换机-01", "category": "switch", "brand": "H3C", "model": "S5130S-52S-EI", "quantity": "1",
        "protocol": "SNMP", "software_version": "R3507", "serial": "H3C-NEW-1", "ip_address": "10.1.1.2",
        "cabinet_id": "", "room_id": "", "install_date": "2024-03-01", "warranty_end": "2027-03-01",
        "supplier": "", "notes": "",
    }
    data.update(overrides)
    return data


def count(model) -> int:
    """How many rows a table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_office_creates_a_customer(web, district):
    """A valid customer form adds the customer and opens its page."""
    sign_in(web, district.office)
    response = web.post("/customers/new", data={
        "name": "南湖幼儿园", "kind": "school", "address": "南湖路 8 号", "acceptance_date": "2024-06-30",
        "person_in_charge": "赵老师", "phone": "0571-8888 1234", "notes": "",
    })
    customer = db.session.scalar(select(Customer).where(Customer.name == "南湖幼儿园"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/customers/{customer.id}")
    assert customer.acceptance_date == date(2024, 6, 30)


def test_customer_form_says_what_is_missing(web, district):
    """An empty name and a bad phone are reported by their fields, and nothing is created."""
    sign_in(web, district.office)
    before = count(Customer)
    response = web.post("/customers/new", data={"name": " ", "kind": "school", "phone": "call me"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the school or organisation name." in html
    assert "Enter a phone number" in html
    assert count(Customer) == before


def test_customer_names_are_unique(web, district):
    """A second active customer with the same name is refused."""
    sign_in(web, district.office)
    html = web.post("/customers/new", data={"name": district.mine.name, "kind": "school"}).get_data(as_text=True)
    assert "Another customer already has this name." in html


def test_office_adds_a_device_to_a_cabinet(web, district):
    """A valid device form creates the device in the chosen cabinet."""
    sign_in(web, district.office)
    response = web.post(
        f"/customers/{district.mine.id}/device/new",
        data=device_form(cabinet_id=district.cabinet.id, room_id=district.room.id),
    )
    device = db.session.scalar(select(Device).where(Device.serial == "H3C-NEW-1"))
    assert response.status_code == 302
    assert device.cabinet_id == district.cabinet.id and device.customer_id == district.mine.id


def test_new_devices_and_cabinets_get_a_qr_label(web, district):
    """A cabinet and a device added through the pages carry a label token."""
    sign_in(web, district.office)
    web.post(f"/customers/{district.mine.id}/device/new", data=device_form())
    web.post(
        f"/customers/{district.mine.id}/cabinet/new",
        data={"name": "三号机柜", "code": "JG-103", "site_id": "", "room_id": "", "location": "", "notes": ""},
    )
    device = db.session.scalar(select(Device).where(Device.serial == "H3C-NEW-1"))
    cabinet = db.session.scalar(select(Cabinet).where(Cabinet.code == "JG-103"))
    assert device.qr_token and cabinet.qr_token


def test_device_form_reports_every_problem_at_once(web, district):
    """Missing name, quantity 0, warranty before install and a bad IP are all shown on one try."""
    sign_in(web, district.office)
    before = count(Device)
    html = web.post(
        f"/customers/{district.mine.id}/device/new",
        data=device_form(name="", quantity="0", install_date="2024-05-01", warranty_end="2024-01-01", ip_address="10.1.300.2"),
    ).get_data(as_text=True)
    assert "Enter the device's name." in html
    assert "The quantity must be a whole number of at least 1." in html
    assert "The warranty cannot end before the install date." in html
    assert "Enter an IP address such as 10.1.2.3." in html
    assert count(Device) == before


def test_device_install_date_cannot_be_in_the_future(web, district):
    """An install date after today is refused."""
    sign_in(web, district.office)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    html = web.post(
        f"/customers/{district.mine.id}/device/new", data=device_form(install_date=tomorrow, warranty_end="")
    ).get_data(as_text=True)
    assert "The date is in the future." in html


def test_device_cannot_sit_in_another_customers_cabinet(web, district):
    """A cabinet id of another school is refused with a clear message."""
    sign_in(web, district.office)
    html = web.post(
        f"/customers/{district.mine.id}/device/new", data=device_form(cabinet_id=district.other_cabinet.id)
    ).get_data(as_text=True)
    assert "That cabinet does not belong to this customer." in html
    assert db.session.scalar(select(Device).where(Device.serial == "H3C-NEW-1")) is None


def test_device_category_must_come_from_the_list(web, district):
    """An unknown category is refused."""
    sign_in(web, district.office)
    html = web.post(
        f"/customers/{district.mine.id}/device/new", data=device_form(category="toaster")
    ).get_data(as_text=True)
    assert "Choose one of the listed categories." in html


def test_serial_numbers_are_unique_per_customer(web, district):
    """A second device with an existing serial (any case) at the same customer is refused."""
    sign_in(web, district.office)
    html = web.post(
        f"/customers/{district.mine.id}/device/new", data=device_form(serial="hw-0001")
    ).get_data(as_text=True)
    assert "already has this serial number" in html


def test_cabinet_room_must_be_at_the_chosen_site(web, district):
    """A cabinet placed in a room of another site is refused."""
    sign_in(web, district.office)
    other_site = make_site(district.mine, "东校区")
    html = web.post(
        f"/customers/{district.mine.id}/cabinet/new",
        data={"name": "三号机柜", "code": "", "site_id": other_site.id, "room_id": district.room.id, "location": "", "notes": ""},
    ).get_data(as_text=True)
    assert "That room is at another site." in html


def test_room_needs_a_site_of_the_customer(web, district):
    """A room posted with another customer's site is refused."""
    sign_in(web, district.office)
    foreign_site = make_site(district.other, "外校区")
    html = web.post(
        f"/customers/{district.mine.id}/room/new", data={"site_id": foreign_site.id, "name": "2F机房", "floor": "2"}
    ).get_data(as_text=True)
    assert "That site does not belong to this customer." in html


def test_contact_email_is_checked(web, district):
    """A malformed e-mail address is refused and no contact is added."""
    sign_in(web, district.office)
    html = web.post(
        f"/customers/{district.mine.id}/contact/new",
        data={"name": "钱老师", "title": "", "phone": "13900001111", "email": "not-an-email"},
    ).get_data(as_text=True)
    assert "Enter a valid e-mail address." in html
    assert count(Contact) == 0


def test_handover_item_quantity_is_at_least_one(web, district):
    """A handover item of quantity 0 is refused; quantity 2 is saved."""
    sign_in(web, district.office)
    url = f"/customers/{district.mine.id}/handover/new"
    data = {"kind": "spare_key", "description": "机柜备用钥匙", "quantity": "0", "handed_to": "孙丽", "handed_on": "2024-01-12", "notes": ""}
    assert "The quantity must be a whole number of at least 1." in web.post(url, data=data).get_data(as_text=True)
    assert web.post(url, data={**data, "quantity": "2"}).status_code == 302
    assert db.session.scalar(select(HandoverItem.quantity)) == 2


def test_edit_changes_the_device(web, district):
    """Editing a device saves the new values and bumps its version."""
    sign_in(web, district.office)
    version = district.device.version
    response = web.post(
        f"/archive/device/{district.device.id}/edit",
        data=device_form(name="核心交换机", serial="HW-0001", software_version="V200R022", cabinet_id=district.cabinet.id,
                         base_version=str(version)),
    )
    assert response.status_code == 302
    db.session.refresh(district.device)
    assert district.device.software_version == "V200R022"
    assert district.device.version == version + 1


def test_edit_made_on_an_old_version_is_refused(web, district):
    """If someone changed the record after the form was opened, the save is refused with a message."""
    sign_in(web, district.office)
    stale = district.device.version
    district.device.notes = "changed by someone else"
    db.session.commit()
    html = web.post(
        f"/archive/device/{district.device.id}/edit",
        data=device_form(name="核心交换机", serial="HW-0001", software_version="MINE", base_version=str(stale)),
    ).get_data(as_text=True)
    assert "Someone else changed this record while you were editing." in html
    db.session.refresh(district.device)
    assert district.device.software_version != "MINE"


def test_retire_hides_a_device_and_restore_brings_it_back(web, district):
    """A retired device leaves the search and the customer's list; restoring returns it."""
    sign_in(web, district.office)
    assert web.post(f"/archive/device/{district.device.id}/retire", follow_redirects=True).status_code == 200
    db.session.refresh(district.device)
    assert district.device.deleted_at is not None
    assert district.device.name not in web.get("/devices").get_data(as_text=True)
    assert web.get(f"/api/devices?q={district.device.serial}").get_json()["total"] == 0
    assert web.post(f"/archive/device/{district.device.id}/restore", follow_redirects=True).status_code == 200
    db.session.refresh(district.device)
    assert district.device.deleted_at is None
    assert district.device.name in web.get("/devices").get_data(as_text=True)


def test_a_cabinet_with_devices_cannot_be_retired(web, district):
    """Retiring a cabinet that still holds devices is refused with the reason."""
    sign_in(web, district.office)
    response = web.post(f"/archive/cabinet/{district.cabinet.id}/retire", follow_redirects=True)
    assert "It still holds 1 devices" in response.get_data(as_text=True)
    db.session.refresh(district.cabinet)
    assert district.cabinet.deleted_at is None


def test_retired_customer_leaves_the_list_and_can_be_restored(web, district):
    """A retired customer is hidden from the list (shown with 'include retired') and restorable."""
    sign_in(web, district.office)
    web.post(f"/archive/customer/{district.other.id}/retire", follow_redirects=True)
    assert district.other.name not in web.get("/customers").get_data(as_text=True)
    assert district.other.name in web.get("/customers?retired=1").get_data(as_text=True)
    web.post(f"/archive/customer/{district.other.id}/restore", follow_redirects=True)
    assert district.other.name in web.get("/customers").get_data(as_text=True)


def test_a_device_of_a_retired_customer_cannot_be_restored_alone(web, district):
    """Restoring a device whose customer is retired is refused with the reason."""
    sign_in(web, district.office)
    web.post(f"/archive/device/{district.other_device.id}/retire")
    web.post(f"/archive/customer/{district.other.id}/retire")
    html = web.post(f"/archive/device/{district.other_device.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "restore the customer first" in html
    db.session.refresh(district.other_device)
    assert district.other_device.deleted_at is not None


def test_a_form_post_without_csrf_token_is_refused(csrf_app):
    """With CSRF on, an edit and a retire without the token answer 400 and change nothing."""
    from flask import g

    @csrf_app.before_request
    def _forget() -> None:
        g.pop("_login_user", None)

    district = make_district()
    client = csrf_app.test_client()
    token = sign_in(client, district.office)
    response = client.post(f"/archive/device/{district.device.id}/edit", data=device_form(software_version="NO-TOKEN"))
    assert response.status_code == 400
    assert client.post(f"/archive/device/{district.device.id}/retire").status_code == 400
    db.session.refresh(district.device)
    assert district.device.software_version != "NO-TOKEN" and district.device.deleted_at is None
    response = client.post(
        f"/archive/device/{district.device.id}/edit",
        data=device_form(name="核心交换机", serial="HW-0001", software_version="WITH-TOKEN", csrf_token=token),
    )
    assert response.status_code == 302


def test_customer_page_shows_the_archive_sections(web, district):
    """The customer page shows facts, cabinets with device counts, devices, technicians and history."""
    sign_in(web, district.office)
    html = web.get(f"/customers/{district.mine.id}").get_data(as_text=True)
    assert district.cabinet.name in html and "1 devices" in html
    assert district.device.name in html
    assert district.tech.display_name in html
    assert 'data-history="repairs"' in html and 'data-history="patrols"' in html


def test_device_page_shows_warranty_state_and_qr_section(web, district):
    """The device page tells whether the device is under warranty and has the QR section."""
    sign_in(web, district.office)
    html = web.get(f"/devices/{district.device.id}").get_data(as_text=True)
    assert "In warranty" in html or "Warranty ends in" in html
    assert "qr-label" in html
