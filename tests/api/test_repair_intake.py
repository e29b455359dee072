"""The front desk takes a repair call: find the school, say what is wrong, pick the device (or not)
and the responsible technician; the ticket is assigned through an `assigned` step."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.support.factories import make_customer, make_device, make_user
from tests.support.repairs import Web, make_shop
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.repairs.events import load_events
from webapp.repairs.models import RepairTicket


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


def call_form(shop, **overrides) -> dict:
    """A filled-in intake form."""
    data = {"device_id": shop.device.id, "description": "录播主机无法开机", "location": "三楼录播教室",
            "reporter_name": "王老师", "reporter_phone": "138 0000 1111", "assignee": str(shop.tech.id)}
    data.update(overrides)
    return data


def test_customer_search_lists_the_matching_school(app, shop):
    """Step 1 finds the calling school by part of its name and links to its intake form."""
    make_customer("城西小学")
    html = Web(app, shop.office).html("/repairs/new?q=滨江")
    assert "滨江第一中学" in html and "城西小学" not in html
    assert f"customer_id={shop.customer.id}" in html


def test_the_form_suggests_the_schools_technician(app, shop):
    """The responsible technician is preselected from the customer's assignment."""
    html = Web(app, shop.office).html(f"/repairs/new?customer_id={shop.customer.id}")
    suggested = min([shop.tech, shop.tech2], key=lambda u: u.id)
    assert f'<option selected value="{suggested.id}">' in html
    assert "Suggested: " + suggested.display_name in html


def test_device_search_narrows_the_choice(app, shop):
    """Searching devices shows only the matching devices of this school, plus 'no particular device'."""
    make_device(shop.customer, name="教室投影仪")
    make_device(make_customer("别校"), name="录播主机B")
    html = Web(app, shop.office).html(f"/repairs/new?customer_id={shop.customer.id}&device_q=录播")
    assert "录播主机" in html and "教室投影仪" not in html and "录播主机B" not in html
    assert "No particular device" in html


def test_recording_a_call_creates_an_assigned_ticket(app, shop):
    """The call becomes a phone ticket, assigned to the chosen technician by an 'assigned' step."""
    office = Web(app, shop.office)
    response = office.post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop, assignee=str(shop.tech2.id)))
    assert response.status_code == 303
    ticket = db.session.scalars(select(RepairTicket)).one()
    assert (ticket.source, ticket.status, ticket.assigned_to_id) == ("phone", "assigned", shop.tech2.id)
    assert (ticket.location, ticket.reporter_name, ticket.reporter_phone) == ("三楼录播教室", "王老师", "138 0000 1111")
    assert ticket.device_id == shop.device.id and ticket.cabinet_id == shop.cabinet.id
    assert ticket.created_by_id == shop.office.id
    [event] = load_events(ticket.id)
    assert (event.type, event.data["user_id"], event.user_id) == ("assigned", shop.tech2.id, shop.office.id)
    assert response.headers["Location"].endswith(f"/repairs/{ticket.id}")


def test_the_assigned_technician_is_notified(app, shop):
    """Assignment at intake puts a notification in the technician's list."""
    Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop))
    note = db.session.scalars(select(Notification)).one()
    assert (note.user_id, note.kind) == (shop.tech.id, "assigned")
    assert "录播主机无法开机" in note.message


def test_device_can_be_left_open(app, shop):
    """A caller who cannot name the device: the ticket has none, the location is what was said."""
    Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop, device_id=""))
    ticket = db.session.scalars(select(RepairTicket)).one()
    assert ticket.device_id is None and ticket.location == "三楼录播教室"


def test_agreed_arrival_is_read_in_the_site_zone(app, shop):
    """An agreed time typed as 14:30 means 14:30 in Beijing."""
    Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}",
                               data=call_form(shop, agreed_arrival="2026-03-03T14:30"))
    ticket = db.session.scalars(select(RepairTicket)).one()
    assert ticket.agreed_arrival_at == datetime(2026, 3, 3, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_nobody_assigned_leaves_the_ticket_reported(app, shop):
    """Without a technician the ticket waits in the inbox as 'reported'."""
    Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop, assignee=""))
    ticket = db.session.scalars(select(RepairTicket)).one()
    assert (ticket.status, ticket.assigned_to_id) == ("reported", None)


def test_technician_of_another_school_cannot_be_chosen(app, shop):
    """Only the school's own technicians are offered; another is refused and nothing is recorded."""
    stranger = make_user(Role.TECHNICIAN)
    response = Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}",
                                          data=call_form(shop, assignee=str(stranger.id)))
    assert response.status_code == 422
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_missing_description_is_shown_on_the_form(app, shop):
    """Saying what is wrong is required; the form comes back with the message."""
    response = Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop, description=""))
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_device_of_another_school_is_refused(app, shop):
    """A device id from another school is not accepted."""
    other = make_device(make_customer("别校"), name="别校设备")
    response = Web(app, shop.office).post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop, device_id=other.id))
    assert response.status_code == 422
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_technicians_do_not_take_calls(app, shop):
    """The intake is the office's (403 for a technician)."""
    assert Web(app, shop.tech).get("/repairs/new").status_code == 403


def test_the_call_shows_in_the_inbox_with_phone_source(app, shop):
    """The recorded call is listed in the office's inbox like a public QR request."""
    office = Web(app, shop.office)
    office.post(f"/repairs/new?customer_id={shop.customer.id}", data=call_form(shop))
    html = office.html("/repairs")
    assert "Phone call" in html and "录播主机无法开机" in html
