"""The repair inbox: public QR reports and phone calls arrive in one list for the office;
technicians see their own tickets; the ticket page shows what was reported."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.factories import login, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import create_ticket


@pytest.fixture
def school(app):
    """A school with a labelled device and its technician."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer("滨江第一中学", technicians=[tech])
    device = make_device(customer, name="录播主机")
    return {"customer": customer, "device": device, "tech": tech}


def english(client):
    """Ask for English pages."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_public_qr_report_arrives_in_the_office_inbox(client, school):
    """A report sent from the label's public page is listed in the office's inbox with its badge."""
    token = school["device"].qr_token
    with client.application.app_context():
        anonymous = client.application.test_client()
        anonymous.post(f"/q/{token}/report", data={"description": "录播主机无法开机", "reporter_phone": "13812345678"})
    number = db.session.scalars(select(RepairTicket.number)).one()
    login(english(client), make_user(Role.OFFICE))
    html = client.get("/repairs").get_data(as_text=True)
    assert number in html
    assert "滨江第一中学" in html
    assert "录播主机" in html
    assert "Public QR page" in html
    assert "录播主机无法开机" in html


def test_inbox_lists_newest_first(client, school):
    """The newest report is at the top."""
    customer = school["customer"]
    old = create_ticket(customer, "旧", source="phone", reported_at=datetime(2026, 3, 1, 1, tzinfo=timezone.utc))
    new = create_ticket(customer, "新", source="public_qr", reported_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc))
    db.session.commit()
    login(client, make_user(Role.SUPERVISOR))
    html = client.get("/repairs").get_data(as_text=True)
    assert html.index(new.number) < html.index(old.number)


def test_inbox_filters_by_source(client, school):
    """?source=phone shows only phone calls."""
    phone = create_ticket(school["customer"], "电话报修", source="phone")
    qr = create_ticket(school["customer"], "扫码报修", source="public_qr")
    db.session.commit()
    login(client, make_user(Role.OFFICE))
    html = client.get("/repairs?source=phone").get_data(as_text=True)
    assert phone.number in html and qr.number not in html


def test_technicians_cannot_open_the_inbox(client, school):
    """The inbox is the office's: technicians get 403."""
    login(client, school["tech"])
    assert client.get("/repairs").status_code == 403


def test_my_tickets_shows_only_tickets_assigned_to_me(client, school):
    """A technician's list holds the tickets assigned to them, not a colleague's."""
    colleague = make_user(Role.TECHNICIAN, customers=[school["customer"]])
    mine = create_ticket(school["customer"], "我的", source="phone", assigned_to=school["tech"])
    theirs = create_ticket(school["customer"], "同事的", source="phone", assigned_to=colleague)
    db.session.commit()
    login(client, school["tech"])
    html = client.get("/repairs/mine").get_data(as_text=True)
    assert mine.number in html and theirs.number not in html


def test_ticket_page_shows_what_was_reported(client, school):
    """The office sees description, location, caller, phone, device and responsible technician."""
    ticket = create_ticket(
        school["customer"], "录播主机无法开机", source="public_qr", location="三楼录播教室",
        reporter_name="李老师", reporter_phone="13812345678", device=school["device"],
    )
    db.session.commit()
    login(english(client), make_user(Role.OFFICE))
    html = client.get(f"/repairs/{ticket.id}").get_data(as_text=True)
    for text in (ticket.number, "录播主机无法开机", "三楼录播教室", "李老师", "13812345678", "录播主机",
                 school["tech"].display_name, "Public QR page"):
        assert text in html


def test_ticket_of_another_school_is_404_for_a_technician(client, school):
    """A technician cannot open tickets of schools not assigned to them."""
    other = create_ticket(make_customer("别的学校"), "别校故障", source="phone")
    db.session.commit()
    login(client, school["tech"])
    assert client.get(f"/repairs/{other.id}").status_code == 404
