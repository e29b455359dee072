"""Scanning a QR label: staff land on the record, everyone else on a minimal public page that
takes fault reports (validated, CSRF-protected, rate-limited, with a honeypot)."""
from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.support.factories import login, make_cabinet, make_customer, make_device, make_user
from webapp.archive.models import Contact
from webapp.archive.qr import issue_token
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.repairs.models import RepairTicket

SECRETS = {
    "school_phone": "0571-86600009",
    "person_in_charge": "周建国主任",
    "contact_name": "吴敏老师",
    "contact_phone": "13905710002",
    "address": "滨江区江南大道 1288 号",
    "tech_name": "张伟师傅",
    "tech_phone": "13800000001",
    "serial": "SN-7F3A9QX12",
    "ip": "10.20.30.40",
    "cabinet_location": "行政楼三层东侧弱电间",
}


@pytest.fixture
def school(app):
    """A school full of contact data that must never reach the public page."""
    tech = make_user(Role.TECHNICIAN)
    tech.display_name = SECRETS["tech_name"]
    tech.phone = SECRETS["tech_phone"]
    customer = make_customer(
        "滨江第一中学",
        technicians=[tech],
        person_in_charge=SECRETS["person_in_charge"],
        phone=SECRETS["school_phone"],
    )
    customer.address = SECRETS["address"]
    db.session.add(Contact(customer_id=customer.id, name=SECRETS["contact_name"], title="总务处", phone=SECRETS["contact_phone"]))
    cabinet = make_cabinet(customer, "行政楼机柜A", location=SECRETS["cabinet_location"])
    device = make_device(customer, cabinet, name="核心交换机", serial=SECRETS["serial"], ip_address=SECRETS["ip"])
    db.session.commit()
    return {"customer": customer, "cabinet": cabinet, "device": device, "tech": tech}


def english(client):
    """Ask for English pages."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def ticket_count() -> int:
    """How many repair tickets exist."""
    return db.session.scalar(select(func.count()).select_from(RepairTicket))


def report_form(**overrides) -> dict:
    """A valid public fault report."""
    data = {
        "description": "交换机指示灯全灭，整层楼没有网络",
        "location": "三楼 301 教室旁",
        "reporter_name": "李老师",
        "reporter_phone": "138 1234 5678",
        "website": "",
    }
    data.update(overrides)
    return data


def test_public_page_shows_school_and_device_name(client, school):
    """An anonymous visitor sees the school and the device name and a report form."""
    html = english(client).get(f"/q/{school['device'].qr_token}").get_data(as_text=True)
    assert "滨江第一中学" in html
    assert "核心交换机" in html
    assert "Report a fault" in html
    assert 'name="description"' in html


@pytest.mark.parametrize("kind", ["device", "cabinet"])
def test_public_page_leaks_no_contact_data(client, school, kind):
    """No phone numbers, contact or staff names, address, serial, IP or location on the public page."""
    response = client.get(f"/q/{school[kind].qr_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for what, secret in SECRETS.items():
        assert secret not in html, f"{what} leaked"
    assert "tel:" not in html


def test_public_page_links_sign_in_back_to_the_label(client, school):
    """The sign-in link brings staff back to the label after signing in."""
    token = school["device"].qr_token
    html = client.get(f"/q/{token}").get_data(as_text=True)
    assert f'href="/login?next=/q/{token}"' in html or f'href="/login?next=%2Fq%2F{token}"' in html


def test_report_creates_exactly_one_ticket(client, school):
    """A valid report becomes one ticket: public QR source, customer/device/cabinet set, the
    customer's technician suggested — so its stored status is the life-cycle's 'assigned'."""
    response = client.post(f"/q/{school['device'].qr_token}/report", data=report_form())
    assert response.status_code == 302
    tickets = db.session.scalars(select(RepairTicket)).all()
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.source == "public_qr"
    assert ticket.status == "assigned"
    assert ticket.customer_id == school["customer"].id
    assert ticket.device_id == school["device"].id
    assert ticket.cabinet_id == school["cabinet"].id
    assert ticket.assigned_to_id == school["tech"].id
    assert ticket.created_by_id is None
    assert ticket.description == "交换机指示灯全灭，整层楼没有网络"
    assert ticket.location == "三楼 301 教室旁"
    assert ticket.reporter_name == "李老师"
    assert ticket.reporter_phone == "138 1234 5678"
    assert re.fullmatch(r"BX\d{4}-00001", ticket.number)


def test_thank_you_page_shows_the_ticket_number(client, school):
    """After reporting, the visitor sees the ticket number to quote."""
    token = school["device"].qr_token
    response = english(client).post(f"/q/{token}/report", data=report_form(), follow_redirects=True)
    html = response.get_data(as_text=True)
    number = db.session.scalars(select(RepairTicket.number)).one()
    assert response.request.path == f"/q/{token}/thanks"
    assert number in html
    assert "Thank you" in html


def test_report_on_cabinet_label_files_it_under_the_cabinet(client, school):
    """A report from a cabinet's label names the cabinet and no device; the location defaults to it if empty."""
    client.post(f"/q/{school['cabinet'].qr_token}/report", data=report_form(location=""))
    ticket = db.session.scalars(select(RepairTicket)).one()
    assert ticket.cabinet_id == school["cabinet"].id
    assert ticket.device_id is None
    assert ticket.location == SECRETS["cabinet_location"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"description": ""}, "Please describe the fault."),
        ({"description": "   "}, "Please describe the fault."),
        ({"description": "x" * 1001}, "Between 2 and 1000 characters"),
        ({"reporter_phone": "12345"}, "Enter a mobile number"),
        ({"reporter_phone": "138abc45678"}, "Enter a mobile number"),
        ({"reporter_phone": "23812345678"}, "Enter a mobile number"),
        ({"reporter_name": "名" * 51}, "Field cannot be longer than 50 characters."),
        ({"location": "楼" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_invalid_report_creates_no_ticket(client, school, overrides, message):
    """A report with a bad field is shown again with the message and creates nothing."""
    response = english(client).post(f"/q/{school['device'].qr_token}/report", data=report_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert ticket_count() == 0


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "0571-86600001", "010 12345678", "400-800-1234", ""])
def test_report_accepts_real_phone_formats(client, school, phone):
    """Mobile, landline with area code, +86 prefix, hotline numbers, or no phone at all are accepted."""
    response = client.post(f"/q/{school['device'].qr_token}/report", data=report_form(reporter_phone=phone))
    assert response.status_code == 302
    assert ticket_count() == 1


def test_honeypot_creates_no_ticket(client, school):
    """A robot filling the hidden field is thanked but no ticket is created."""
    response = client.post(f"/q/{school['device'].qr_token}/report", data=report_form(website="http://spam.example"))
    assert response.status_code == 302
    assert ticket_count() == 0
    thanks = english(client).get(response.location)
    assert "BX" not in thanks.get_data(as_text=True)


def test_report_requires_csrf_token(csrf_app):
    """Without the form's CSRF token the report is refused; with it, it is accepted."""
    customer = make_customer("城南实验小学")
    device = make_device(customer)
    client = csrf_app.test_client()
    refused = client.post(f"/q/{device.qr_token}/report", data=report_form())
    assert refused.status_code == 400
    assert ticket_count() == 0
    page = client.get(f"/q/{device.qr_token}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(f"/q/{device.qr_token}/report", data={**report_form(), "csrf_token": token})
    assert accepted.status_code == 302
    assert ticket_count() == 1


def test_reports_are_rate_limited_per_address(make_app):
    """After the configured number of reports from one address the next answers 429 and creates nothing."""
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_REPORT_RATE_LIMIT="2 per hour")
    with app.app_context():
        device = make_device(make_customer())
        client = english(app.test_client())
        statuses = [client.post(f"/q/{device.qr_token}/report", data=report_form()).status_code for _ in range(3)]
        last = client.post(f"/q/{device.qr_token}/report", data=report_form())
        assert statuses == [302, 302, 429]
        assert last.status_code == 429
        assert "Too many reports" in last.get_data(as_text=True)
        assert ticket_count() == 2
        other_address = client.post(
            f"/q/{device.qr_token}/report", data=report_form(), environ_base={"REMOTE_ADDR": "10.9.8.7"}
        )
        assert other_address.status_code == 302


def test_unknown_token_answers_404_label_not_recognised(client, school):
    """A token that was never issued gets a friendly 404 page."""
    response = english(client).get("/q/NoSuchToken123")
    assert response.status_code == 404
    assert "Label not recognised" in response.get_data(as_text=True)


def test_revoked_token_answers_410_and_the_new_one_works(client, school):
    """After a reissue the old label says 'no longer valid' (410) and the new label opens the public page."""
    device = school["device"]
    old = device.qr_token
    issue_token(device)
    db.session.commit()
    gone = english(client).get(f"/q/{old}")
    assert gone.status_code == 410
    assert "Label no longer valid" in gone.get_data(as_text=True)
    fresh = client.get(f"/q/{device.qr_token}")
    assert fresh.status_code == 200
    assert "核心交换机" in fresh.get_data(as_text=True)


def test_report_on_revoked_label_is_refused(client, school):
    """A report sent to an old label's address creates nothing."""
    device = school["device"]
    old = device.qr_token
    issue_token(device)
    db.session.commit()
    assert client.post(f"/q/{old}/report", data=report_form()).status_code == 410
    assert ticket_count() == 0


def test_retired_device_label_is_no_longer_valid_for_the_public(client, school):
    """A retired device's label takes no reports: the public gets 410."""
    school["device"].deleted_at = utcnow()
    db.session.commit()
    assert client.get(f"/q/{school['device'].qr_token}").status_code == 410


@pytest.mark.parametrize("role", [Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN])
def test_staff_land_on_the_device_record(client, school, role):
    """Signed-in staff who see every customer are sent to the device page."""
    login(client, make_user(role))
    response = client.get(f"/q/{school['device'].qr_token}")
    assert response.status_code == 302
    with client.application.test_request_context():
        assert response.location == url_for("archive.device_detail", device_id=school["device"].id)


def test_assigned_technician_lands_on_the_cabinet_record(client, school):
    """The school's own technician scanning a cabinet label lands on the cabinet page."""
    login(client, school["tech"])
    response = client.get(f"/q/{school['cabinet'].qr_token}")
    assert response.status_code == 302
    with client.application.test_request_context():
        assert response.location == url_for("archive.cabinet_detail", cabinet_id=school["cabinet"].id)


def test_unassigned_technician_gets_the_public_page(client, school):
    """A technician of another school sees only the public page, leaking nothing."""
    other = make_user(Role.TECHNICIAN, customers=[make_customer("别的学校")])
    login(client, other)
    response = english(client).get(f"/q/{school['device'].qr_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Report a fault" in html
    assert "not assigned to you" in html
    for what, secret in SECRETS.items():
        assert secret not in html, f"{what} leaked"


def test_staff_on_a_revoked_label_get_a_link_to_the_record(client, school):
    """Staff scanning an old label are told it is no longer valid and offered the record."""
    device = school["device"]
    old = device.qr_token
    issue_token(device)
    db.session.commit()
    login(client, school["tech"])
    response = client.get(f"/q/{old}")
    assert response.status_code == 410
    with client.application.test_request_context():
        assert url_for("archive.device_detail", device_id=device.id) in response.get_data(as_text=True)


def test_thank_you_page_without_a_report_goes_back_to_the_label(client, school):
    """Opening the thank-you address directly leads to the label's page."""
    token = school["device"].qr_token
    response = client.get(f"/q/{token}/thanks")
    assert response.status_code == 302
    assert response.location.endswith(f"/q/{token}")


def test_revoked_page_always_carries_the_english_text(client, school):
    """Anyone may scan a label: the revoked page is in the visitor's language, and a Chinese page
    also carries the English text (shown smaller once the Chinese catalogue has it)."""
    device = school["device"]
    old = device.qr_token
    issue_token(device)
    db.session.commit()
    # Each request in a fresh app context: Flask-Babel caches the locale on `g`, which the
    # test's own app context would otherwise share between requests.
    with client.application.app_context():
        english_html = client.get(f"/q/{old}?lang=en").get_data(as_text=True)
    assert "Label no longer valid" in english_html
    assert 'lang="en"' in english_html
    with client.application.app_context():
        chinese_html = client.get(f"/q/{old}?lang=zh").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese_html
    assert "Label no longer valid" in chinese_html
