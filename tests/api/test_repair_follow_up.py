"""Follow-up calls (回访): a sampling list fixed per ticket plus every unhappy customer; satisfied →
filed by category; not satisfied → reason, technician responsible and a linked rework ticket the
supervisor follows on the board until it is closed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.repairs import Web, advance, make_shop, phone_ticket, reload
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import ticket_state
from webapp.repairs.models import RepairTicket
from webapp.repairs.follow_up import follow_up_list, in_follow_up_sample, sample_value
from webapp.repairs.vocabulary import Status


def signed(shop, satisfaction="satisfied", description="录播主机无法开机"):
    """A repaired ticket the customer signed, with the given satisfaction."""
    return advance(phone_ticket(shop, description), "arrived", ("classified", {"classification": "general"}),
                   ("resolved", {"fault_found": "电源坏", "action": "换电源"}),
                   ("customer_signed", {"signer_name": "周建国", "satisfaction": satisfaction}), user=shop.tech)


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


def test_sample_is_fixed_per_ticket():
    """The same ticket id always draws the same number; different ids spread over [0, 1)."""
    values = [sample_value(f"ticket-{i}") for i in range(400)]
    assert values == [sample_value(f"ticket-{i}") for i in range(400)]
    assert all(0 <= v < 1 for v in values)
    assert 0.2 < sum(v < 0.3 for v in values) / len(values) < 0.4


def test_share_decides_who_is_called(app, shop):
    """Rate 0 calls nobody happy; rate 1 calls everyone."""
    tickets = [signed(shop, description=f"故障{i}") for i in range(4)]
    assert follow_up_list(rate=0.0)[0] == []
    assert {r.ticket.id for r in follow_up_list(rate=1.0)[0]} == {t.id for t in tickets}


def test_unhappy_customers_are_always_called_first(app, shop):
    """A customer who signed as not satisfied is on the list whatever the rate, at the top."""
    happy = signed(shop, description="好")
    unhappy = signed(shop, "not_satisfied", description="不满意")
    to_call, others = follow_up_list(rate=0.0)
    assert [r.ticket.id for r in to_call] == [unhappy.id] and [r.ticket.id for r in others] == [happy.id]
    assert [r.ticket.id for r in follow_up_list(rate=1.0)[0]][0] == unhappy.id


def test_configured_rate_drives_the_page(app, shop):
    """FOLLOW_UP_SAMPLE_RATE decides the page's list; tickets outside it can be closed from there."""
    tickets = [signed(shop, description=f"故障{i}") for i in range(6)]
    app.config["FOLLOW_UP_SAMPLE_RATE"] = 0.5
    html = Web(app, shop.office).html("/repairs/follow-ups")
    for ticket in tickets:
        section = "To call back" if in_follow_up_sample(ticket, 0.5) else "Signed, not in the sample"
        assert html.index(section) < html.index(ticket.number)
    assert "Call back 50%" in html


def test_unhappy_signature_notifies_the_office(app, shop):
    """A customer who signs as not satisfied puts a call-back notification in the office's list."""
    ticket = signed(shop, "not_satisfied")
    note = db.session.scalars(select(Notification).where(Notification.kind == "unhappy_customer")).one()
    assert (note.user_id, note.ticket_id) == (shop.office.id, ticket.id)


def test_satisfied_call_files_by_category(app, shop):
    """Satisfied: quality and attitude kept, the ticket closed and filed under its category."""
    ticket = signed(shop)
    Web(app, shop.office).step(ticket, "follow_up_recorded", quality="5", attitude="5", result="satisfied")
    ticket = reload(ticket)
    assert (ticket.status, ticket.filed_category) == (Status.CLOSED, "general")
    assert follow_up_list(rate=1.0) == ([], [])


def test_not_satisfied_needs_reason_and_responsible(app, shop):
    """An unhappy call without the reason and the technician responsible is sent back."""
    ticket = signed(shop)
    response = Web(app, shop.office).step(ticket, "follow_up_recorded", quality="2", attitude="3",
                                          result="not_satisfied", responsible="")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Say why the customer was not satisfied." in text and "Choose the technician held responsible." in text
    assert reload(ticket).status == Status.SIGNED


def unhappy_call(app, shop, ticket):
    """The office records an unhappy follow-up call; returns the rework ticket."""
    response = Web(app, shop.office).step(ticket, "follow_up_recorded", quality="2", attitude="4", result="not_satisfied",
                                          reason="画面仍然闪烁", responsible=str(shop.tech.id), assignee=str(shop.tech2.id))
    assert response.status_code == 303
    return db.session.scalars(select(RepairTicket).where(RepairTicket.rework_of_id == ticket.id)).one()


def test_not_satisfied_opens_a_linked_rework_ticket(app, shop):
    """The rework ticket links to the original, goes to the chosen technician; the original is closed
    into it, naming the reason and the technician held responsible."""
    ticket = signed(shop)
    rework = unhappy_call(app, shop, ticket)
    assert (rework.source, rework.status, rework.assigned_to_id, rework.device_id) == ("rework", Status.ASSIGNED, shop.tech2.id, shop.device.id)
    assert "画面仍然闪烁" in rework.description
    original = ticket_state(reload(ticket))
    assert (original.status, original.current.filed_category) == (Status.CLOSED, lc.REWORKED_CATEGORY)
    step = original.steps[-1]
    assert (step.type, step.data["rework_ticket_id"], step.data["responsible_user_id"]) == ("rework_opened", rework.id, shop.tech.id)
    assert original.current.follow_up_data["reason"] == "画面仍然闪烁"


def test_supervisors_are_told_and_the_board_follows_the_rework(app, shop):
    """The supervisors get a notification; the board lists the rework ticket."""
    rework = unhappy_call(app, shop, signed(shop))
    assert db.session.scalars(select(Notification.user_id).where(Notification.kind == "rework_opened")).all() == [shop.supervisor.id]
    html = Web(app, shop.supervisor).html("/repairs/board")
    # the rework section lists it (it may also stand in a deadline section above, by the time of day)
    rework_section = html[html.index('aria-labelledby="rework-title"'):]
    assert rework.number in rework_section.split("</section>")[0]


def test_rework_loop_runs_to_the_end(app, shop):
    """The rework ticket is repaired, signed and followed up; once closed it leaves the board."""
    original = signed(shop)
    rework = unhappy_call(app, shop, original)
    advance(rework, "arrived", ("classified", {"classification": "general"}),
            ("resolved", {"fault_found": "排线松动", "action": "重新压接排线"}),
            ("customer_signed", {"signer_name": "周建国", "satisfaction": "satisfied"}), user=shop.tech2)
    Web(app, shop.office).step(rework, "follow_up_recorded", quality="5", attitude="5", result="satisfied")
    assert reload(rework).status == Status.CLOSED
    html = Web(app, shop.supervisor).html("/repairs/board")
    assert rework.number not in html and "No rework open." in html


def test_the_original_ticket_links_to_its_rework(app, shop):
    """The original's page points at the rework ticket and the rework's page back at it."""
    original = signed(shop)
    rework = unhappy_call(app, shop, original)
    office = Web(app, shop.office)
    assert f"/repairs/{rework.id}" in office.html(f"/repairs/{original.id}")
    assert f"/repairs/{original.id}" in office.html(f"/repairs/{rework.id}")


def test_a_reworked_ticket_cannot_be_reworked_again(app, shop):
    """Further complaints go to the rework ticket: the original refuses a second rework."""
    original = signed(shop)
    unhappy_call(app, shop, original)
    response = Web(app, shop.office).step(original, "rework_opened", reason="又坏了")
    assert response.status_code == 409
    assert "already being done again" in response.get_data(as_text=True)
