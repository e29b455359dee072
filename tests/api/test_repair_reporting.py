"""The ways a fault is reported — a phone call, a public QR label, a finding on a patrol — end in
one set of rules: who may report it, that the device and cabinet are the customer's (one code),
who gets the ticket and who is told. And a quote's arithmetic, done by the service."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from tests.support.repairs import make_shop
from webapp.auth.models import Role
from webapp.errors import DomainError, NotFound
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.repairs import services
from webapp.repairs.models import RepairTicket


@pytest.fixture
def shop(app):
    """A school, its two technicians, the office and a supervisor."""
    return make_shop()


def told(user) -> list[str]:
    """The kinds of notification a user has."""
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


# --- a finding on a patrol ----------------------------------------------------------------------


def test_a_finding_stays_with_the_responsible_technician_who_found_it(app, shop):
    """The finder is on site already: the ticket is theirs, and they are not told of their own report."""
    ticket = services.report_finding(shop.tech2, shop.customer.id, "巡查发现：交换机风扇异响", device_id=shop.device.id)
    assert (ticket.source, ticket.status, ticket.assigned_to_id) == ("patrol", "on_site", shop.tech2.id)
    assert (ticket.reporter_name, ticket.created_by_id, ticket.cabinet_id) == (
        shop.tech2.display_name, shop.tech2.id, shop.cabinet.id)
    assert told(shop.tech2) == [] and told(shop.tech) == []


def test_a_finding_records_the_finders_arrival_so_no_arrival_clock_runs(app, shop):
    """The technician is standing at the fault: an `arrived` step by them, the arrival clock already met."""
    from webapp.repairs.deadlines import ARRIVAL, ticket_clocks
    from webapp.repairs.events import load_events

    ticket = services.report_finding(shop.tech2, shop.customer.id, "巡查发现：交换机风扇异响", device_id=shop.device.id)
    assert [(e.type, e.user_id) for e in load_events(ticket.id)] == [("arrived", shop.tech2.id)]
    (arrival,) = [c for c in ticket_clocks(ticket) if c.key == ARRIVAL]
    assert not arrival.running and arrival.state == "met", arrival


def test_a_finding_passed_to_another_technician_keeps_its_arrival_clock(app, shop):
    """Nobody who will fix it is there yet: no arrival, and the same-day arrival clock runs."""
    from webapp.repairs.deadlines import ARRIVAL, ticket_clocks
    from webapp.repairs.events import load_events

    ticket = services.report_finding(shop.supervisor, shop.customer.id, "巡查发现：机柜门锁损坏", cabinet_id=shop.cabinet.id)
    assert [e.type for e in load_events(ticket.id)] == []
    (arrival,) = [c for c in ticket_clocks(ticket) if c.key == ARRIVAL]
    assert arrival.running


def test_a_finding_by_someone_else_goes_to_the_suggested_technician_who_is_told(app, shop):
    """A supervisor's finding is assigned as a call would be, and the technician gets the notification."""
    ticket = services.report_finding(shop.supervisor, shop.customer.id, "巡查发现：机柜门锁损坏", cabinet_id=shop.cabinet.id)
    assert ticket.assigned_to_id == shop.tech.id
    assert told(shop.tech) == ["assigned"] and told(shop.supervisor) == []


def test_a_finding_at_a_school_the_finder_does_not_look_after_is_not_found(app, shop):
    """A technician of another school cannot open a ticket here, and nothing is stored."""
    stranger = make_user(Role.TECHNICIAN)
    make_customer("城北中学", technicians=[stranger])
    with pytest.raises(NotFound):
        services.report_finding(stranger, shop.customer.id, "巡查发现：断网")
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_a_finding_naming_an_unknown_device_is_refused_on_that_field(app, shop):
    """An id that names no device gets the place refusal, on device_id."""
    with pytest.raises(DomainError) as caught:
        services.report_finding(shop.tech, shop.customer.id, "巡查发现：断网", device_id="no-such-device")
    assert (caught.value.code, list(caught.value.errors)) == ("not_this_customer", ["device_id"])


# --- a public QR label --------------------------------------------------------------------------


def test_a_label_report_goes_to_the_suggested_technician_who_is_told(app, shop):
    """A report from the device's label names the device and its cabinet and tells the technician."""
    ticket = services.report_from_label(shop.device, "投影仪不亮", reporter_name="李老师", reporter_phone="13800000000")
    assert (ticket.source, ticket.status, ticket.assigned_to_id) == ("public_qr", "assigned", shop.tech.id)
    assert (ticket.device_id, ticket.cabinet_id, ticket.reporter_name) == (shop.device.id, shop.cabinet.id, "李老师")
    assert told(shop.tech) == ["assigned"]


def test_a_label_report_on_a_cabinet_names_the_cabinet_only(app, shop):
    """A cabinet's label reports a fault at the cabinet, with no device."""
    ticket = services.report_from_label(shop.cabinet, "机柜风扇不转")
    assert (ticket.cabinet_id, ticket.device_id) == (shop.cabinet.id, None)


# --- the device or cabinet is the customer's: one check, one code ---------------------------------


def _other_schools_device():
    """A device of another school."""
    return make_device(make_customer("城北中学"), name="核心交换机")


@pytest.mark.parametrize("door", ["phone call", "patrol finding", "create_ticket"])
def test_a_device_of_another_school_is_refused_with_one_code_at_every_door(app, shop, door):
    """Whichever way the report comes in, the answer is code not_this_customer on device_id, and no ticket."""
    device = _other_schools_device()
    report = {
        "phone call": lambda: services.take_call(shop.office, shop.customer, "断网", device=device),
        "patrol finding": lambda: services.report_finding(shop.tech, shop.customer.id, "断网", device_id=device.id),
        "create_ticket": lambda: services.create_ticket(shop.customer, "断网", source="office", device=device),
    }[door]
    with force_locale("en"), pytest.raises(DomainError) as caught:
        report()
    err = caught.value
    assert (err.code, err.message, err.errors) == (
        "not_this_customer", "The device belongs to another customer.", {"device_id": ["The device belongs to another customer."]})
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_a_cabinet_of_another_school_is_refused_with_the_same_code(app, shop):
    """The same rule and code for a cabinet, on cabinet_id."""
    cabinet = make_cabinet(make_customer("城西小学"), name="一楼弱电柜")
    with pytest.raises(DomainError) as caught:
        services.report_finding(shop.tech, shop.customer.id, "断网", cabinet_id=cabinet.id)
    assert (caught.value.code, list(caught.value.errors)) == ("not_this_customer", ["cabinet_id"])


# --- a quote's arithmetic -----------------------------------------------------------------------


def test_a_quote_computes_line_amounts_and_the_total_to_the_fen():
    """Each line is quantity × unit price, rounded to 0.01 yuan; the total is their sum."""
    data = services.quote_data([
        {"name": "主板", "qty": Decimal("1"), "price": Decimal("1280")},
        {"name": "网线", "qty": Decimal("2.5"), "price": Decimal("3.333")},
    ])
    assert data == {"items": [
        {"name": "主板", "qty": "1", "price": "1280.00", "amount": "1280.00"},
        {"name": "网线", "qty": "2.5", "price": "3.33", "amount": "8.33"},
    ], "amount": "1288.33"}


def test_a_quote_line_without_a_quantity_counts_once_and_unnamed_lines_are_left_out():
    """A missing quantity is 1; a line with no name (an empty row of the form) is not part of the quote."""
    data = services.quote_data([{"name": " 电源 ", "qty": None, "price": "45.5"}, {"name": "", "qty": None, "price": None}],
                               note=" 含上门费 ")
    assert data == {"items": [{"name": "电源", "qty": "1", "price": "45.50", "amount": "45.50"}],
                    "amount": "45.50", "note": "含上门费"}


@pytest.mark.parametrize("lines, message", [
    ([{"name": "主板", "qty": 1, "price": None}], "Give a unit price for: 主板."),
    ([{"name": "主板", "qty": "two", "price": "10"}], "The quantity and unit price of 主板 must be numbers of at least 0."),
    ([{"name": "主板", "qty": 1, "price": "-10"}], "The quantity and unit price of 主板 must be numbers of at least 0."),
    ([{"name": "主板", "qty": 1, "price": "NaN"}], "The quantity and unit price of 主板 must be numbers of at least 0."),
    ([{"name": "", "qty": 1, "price": "10"}], "Add at least one item to the quote."),
])
def test_a_quote_that_does_not_add_up_is_refused_with_a_clear_message(lines, message):
    """Bad lines are sent back with a message naming what is wrong, on the items field."""
    with pytest.raises(DomainError) as caught:
        services.quote_data(lines)
    assert (caught.value.code, caught.value.message, list(caught.value.errors)) == ("invalid", message, ["items"])
