"""Every step of a repair ticket's life-cycle through the ticket page's forms, and every refusal:
the lifecycle's message is shown, nothing changes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.factories import make_customer, make_user
from tests.support.repairs import TechDevice, Web, advance, count_events, make_shop, phone_ticket, reload
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import ticket_state
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import take_call
from webapp.repairs.vocabulary import Status

SIGNED_STEPS = ["arrived", ("classified", {"classification": "general"}), ("resolved", {"fault_found": "灯泡坏", "action": "换灯泡"}),
                ("customer_signed", {"signer_name": "周建国", "satisfaction": "satisfied"})]


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


def at(shop, *steps) -> RepairTicket:
    """A phone ticket assigned to the first technician, moved on by the technician's steps."""
    return advance(phone_ticket(shop), *steps, user=shop.tech)


def test_ticket_page_offers_the_offices_next_steps(app, shop):
    """An assigned ticket offers the office reassignment (and the field steps, folded away)."""
    html = Web(app, shop.office).html(f"/repairs/{at(shop).id}")
    assert 'id="step-assigned"' in html and "Reassign" in html
    assert 'id="step-arrived"' in html
    assert 'id="step-closed"' not in html and 'id="step-quote_recorded"' not in html


def test_assign_a_reported_ticket(app, shop):
    """A ticket nobody was given gets a technician."""
    ticket = take_call(shop.office, shop.customer, "投影仪不亮")
    db.session.commit()
    response = Web(app, shop.office).step(ticket, "assigned", assignee=str(shop.tech.id))
    assert response.status_code == 303
    ticket = reload(ticket)
    assert (ticket.status, ticket.assigned_to_id) == ("assigned", shop.tech.id)


def test_reassign(app, shop):
    """Reassigning moves the ticket to the other technician."""
    ticket = at(shop)
    Web(app, shop.supervisor).step(ticket, "assigned", assignee=str(shop.tech2.id), note="小李请假")
    assert reload(ticket).assigned_to_id == shop.tech2.id


def test_accept_by_the_assignee(app, shop):
    """The assigned technician accepts the ticket."""
    ticket = at(shop)
    assert Web(app, shop.tech).step(ticket, "accepted").status_code == 303
    assert ticket_state(reload(ticket)).accepted_at is not None


def test_arrival(app, shop):
    """Recording the arrival puts the ticket on site."""
    ticket = at(shop)
    Web(app, shop.tech).step(ticket, "arrived")
    assert reload(ticket).status == Status.ON_SITE


def test_classification(app, shop):
    """Classifying stores the kind of fault."""
    ticket = at(shop, "arrived")
    Web(app, shop.tech).step(ticket, "classified", classification="factory_return")
    ticket = reload(ticket)
    assert (ticket.status, ticket.category) == (Status.CLASSIFIED, "factory_return")


def test_supervisor_acknowledges_a_difficult_fault(app, shop):
    """The supervisor's acknowledgement escalates a difficult fault."""
    ticket = at(shop, "arrived", ("classified", {"classification": "difficult"}))
    html = Web(app, shop.supervisor).html(f"/repairs/{ticket.id}")
    assert "Acknowledge the difficult fault" in html
    Web(app, shop.supervisor).step(ticket, "supervisor_informed")
    assert reload(ticket).status == Status.ESCALATED


def test_escalation_decision_with_a_vendor(app, shop):
    """The supervisor records what was decided with a third-party vendor."""
    ticket = at(shop, "arrived", ("classified", {"classification": "difficult"}), "supervisor_informed")
    response = Web(app, shop.supervisor).step(ticket, "escalation_decision", decided_with="vendor",
                                              vendor_name="海康威视技术支持", people="张工", solution="升级固件到 V5.7.10")
    assert response.status_code == 303
    [decision] = ticket_state(reload(ticket)).current.decisions
    assert (decision["decided_with"], decision["vendor_name"], decision["solution"]) == ("vendor", "海康威视技术支持", "升级固件到 V5.7.10")
    assert "升级固件到 V5.7.10" in Web(app, shop.office).html(f"/repairs/{ticket.id}")


def test_escalation_decision_needs_the_vendors_name(app, shop):
    """A vendor decision without the vendor is sent back with the lifecycle's field message."""
    ticket = at(shop, "arrived", ("classified", {"classification": "difficult"}), "supervisor_informed")
    before = count_events(ticket)
    response = Web(app, shop.supervisor).step(ticket, "escalation_decision", decided_with="vendor", solution="换主板")
    assert response.status_code == 422
    assert "Name the vendor." in response.get_data(as_text=True)
    assert count_events(ticket) == before


def test_factory_trip(app, shop):
    """Sent to the factory, then back: waiting, then back from the factory."""
    ticket = at(shop, "arrived", ("classified", {"classification": "factory_return"}))
    office = Web(app, shop.office)
    office.step(ticket, "sent_to_factory")
    assert reload(ticket).status == Status.WAITING_FACTORY
    office.step(ticket, "returned_from_factory", exception="厂家缺货，延期三天")
    assert reload(ticket).status == Status.BACK_FROM_FACTORY


def test_quote_totals_its_lines(app, shop):
    """A supervisor's quote: items with quantity and unit price, total worked out; waits for approval."""
    ticket = at(shop, "arrived", ("classified", {"classification": "vandalism"}))
    response = Web(app, shop.supervisor).step(ticket, "quote_recorded", **{
        "items-0-item_name": "投影灯泡", "items-0-qty": "2", "items-0-price": "680",
        "items-1-item_name": "人工费", "items-1-price": "150.5"})
    assert response.status_code == 303
    state = ticket_state(reload(ticket))
    assert state.status == Status.WAITING_APPROVAL
    assert state.current.quote["amount"] == "1510.50"
    assert [i["name"] for i in state.current.quote["items"]] == ["投影灯泡", "人工费"]


def test_quote_without_items_is_sent_back(app, shop):
    """A quote needs at least one item."""
    ticket = at(shop, "arrived", ("classified", {"classification": "out_of_warranty"}))
    response = Web(app, shop.supervisor).step(ticket, "quote_recorded")
    assert response.status_code == 422
    assert "Add at least one item" in response.get_data(as_text=True)
    assert reload(ticket).status == Status.CLASSIFIED


QUOTED = ["arrived", ("classified", {"classification": "vandalism"}), ("quote_recorded", {"items": [{"name": "灯泡"}], "amount": "680"})]


def quoted(shop):
    """A vandalism ticket whose quote waits for the customer."""
    ticket = at(shop, "arrived", ("classified", {"classification": "vandalism"}))
    return advance(ticket, ("quote_recorded", {"items": [{"name": "灯泡"}], "amount": "680"}), user=shop.supervisor)


def test_quote_approval_by_named_approver(app, shop):
    """The office records who approved and when: the repair may go on."""
    ticket = quoted(shop)
    Web(app, shop.office).step(ticket, "quote_approved", approver_name="王校长", approved_on="2026-03-03")
    state = ticket_state(reload(ticket))
    assert state.status == Status.APPROVED
    assert state.current.quote_decision == {"approver_name": "王校长", "approved_on": "2026-03-03"}


def test_declined_quote_closes_the_ticket(app, shop):
    """A declined quote closes the ticket, filed as 'quote declined'."""
    ticket = quoted(shop)
    Web(app, shop.office).step(ticket, "quote_declined", approver_name="王校长", note="学校自行处理")
    ticket = reload(ticket)
    assert (ticket.status, ticket.filed_category) == (Status.CLOSED, lc.QUOTE_DECLINED_CATEGORY)


def test_quote_waiting_for_approval_blocks_the_repair(app, shop):
    """The tablet's 'resolved' is refused while the quote waits; after the approval it is applied."""
    ticket = quoted(shop)
    device = TechDevice(app.test_client(), shop.tech)
    body = device.push([device.event(ticket, "resolved", {"fault_found": "镜头被砸", "action": "更换镜头"})]).get_json()
    assert (body["results"][0]["status"], body["results"][0]["code"]) == ("rejected", "quote_not_approved")
    assert reload(ticket).status == Status.WAITING_APPROVAL
    Web(app, shop.office).step(ticket, "quote_approved", approver_name="王校长", approved_on="2026-03-03")
    body = device.push([device.event(ticket, "resolved", {"fault_found": "镜头被砸", "action": "更换镜头"})]).get_json()
    assert body["results"][0]["status"] == "applied"
    assert reload(ticket).status == Status.RESOLVED


def test_close_and_file_a_signed_repair(app, shop):
    """A signed repair outside the follow-up sample is closed and filed by its category."""
    ticket = at(shop, *SIGNED_STEPS)
    Web(app, shop.office).step(ticket, "closed")
    ticket = reload(ticket)
    assert (ticket.status, ticket.filed_category) == (Status.CLOSED, "general")


def test_follow_up_satisfied_closes_and_files(app, shop):
    """A satisfied follow-up call records quality and attitude, then closes and files the repair."""
    ticket = at(shop, *SIGNED_STEPS)
    Web(app, shop.office).step(ticket, "follow_up_recorded", quality="5", attitude="4", result="satisfied")
    ticket = reload(ticket)
    state = ticket_state(ticket)
    assert (ticket.status, ticket.filed_category) == (Status.CLOSED, "general")
    assert (state.current.follow_up_data["quality"], state.current.follow_up_data["attitude"]) == (5, 4)


def test_rework_from_a_closed_ticket(app, shop):
    """A complaint after closing opens a linked rework ticket; the original is filed as reworked."""
    ticket = at(shop, *SIGNED_STEPS)
    advance(ticket, "closed", user=shop.office)
    Web(app, shop.office).step(ticket, "rework_opened", reason="投影仍然偏暗", responsible=str(shop.tech.id), assignee=str(shop.tech2.id))
    rework = db.session.scalars(select(RepairTicket).where(RepairTicket.rework_of_id == ticket.id)).one()
    assert (rework.source, rework.status, rework.assigned_to_id) == ("rework", Status.ASSIGNED, shop.tech2.id)
    assert reload(ticket).filed_category == lc.REWORKED_CATEGORY


# --- refusals ------------------------------------------------------------------------------------

REFUSALS = [
    # (name, steps before, who, step, fields, message)
    ("arrival before assignment", None, "office", "arrived", {}, "Assign a technician before recording an arrival."),
    ("classify before arrival", [], "tech", "classified", {"classification": "general"}, "Record the arrival on site before classifying the fault."),
    ("decision on a general fault", ["arrived", ("classified", {"classification": "general"})], "supervisor",
     "escalation_decision", {"decided_with": "colleagues", "solution": "重启"}, "Only a difficult fault is escalated for a decision."),
    ("quote on a general fault", ["arrived", ("classified", {"classification": "general"})], "supervisor",
     "quote_recorded", {"items-0-item_name": "灯泡", "items-0-price": "10"}, "A quote is only made for vandalism or a device past its warranty."),
    ("approval without a quote", ["arrived"], "office", "quote_approved", {"approver_name": "王校长", "approved_on": "2026-03-03"},
     "No quote is waiting for the customer&#39;s decision."),
    ("closing an unsigned repair", ["arrived"], "office", "closed", {}, "The customer has not signed the repair form: the ticket cannot be closed."),
    ("follow-up before signing", ["arrived"], "office", "follow_up_recorded", {"quality": "5", "attitude": "5", "result": "satisfied"},
     "The repair is still open: the follow-up call comes after the customer has signed."),
    ("rework on an open ticket", ["arrived"], "office", "rework_opened", {"reason": "又坏了"}, "A rework starts from an unsatisfied follow-up call or a closed ticket."),
    ("factory return without the factory", ["arrived", ("classified", {"classification": "factory_return"})], "office",
     "returned_from_factory", {}, "The device has not been sent to the factory."),
    ("accept by someone else", [], "tech2", "accepted", {}, "Only the assigned technician can accept this ticket."),
    ("assigning a closed ticket", SIGNED_STEPS + [("closed", {}, "office")], "office", "assigned", {"assignee": "TECH"},
     "This ticket is closed: only a rework can reopen it."),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_illegal_steps_are_refused_and_change_nothing(app, shop, case):
    """The lifecycle's clear message comes back on the page with 409; no step is recorded."""
    _name, before_steps, who, step, fields, message = case
    if before_steps is None:
        ticket = take_call(shop.office, shop.customer, "投影仪不亮")
        db.session.commit()
    else:
        people = {"office": shop.office}
        ticket = phone_ticket(shop)
        for item in before_steps:
            item = (item, {}) if isinstance(item, str) else item
            advance(ticket, (item[0], item[1], people.get(item[2]) if len(item) > 2 else shop.tech))
    fields = {k: (str(shop.tech.id) if v == "TECH" else v) for k, v in fields.items()}
    status_before, events_before = reload(ticket).status, count_events(ticket)
    user = {"office": shop.office, "tech": shop.tech, "tech2": shop.tech2, "supervisor": shop.supervisor}[who]
    response = Web(app, user).step(ticket, step, **fields)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert (reload(ticket).status, count_events(ticket)) == (status_before, events_before)


@pytest.mark.parametrize("who,step,fields", [
    ("tech", "assigned", {"assignee": "TECH"}),
    ("office", "escalation_decision", {"decided_with": "colleagues", "solution": "换主板"}),
    ("office", "quote_recorded", {"items-0-item_name": "灯泡", "items-0-price": "10"}),
])
def test_steps_of_another_role_are_forbidden(app, shop, who, step, fields):
    """A role that may not record a step gets 403 and nothing changes."""
    ticket = at(shop, "arrived", ("classified", {"classification": "difficult"}), "supervisor_informed")
    if step == "quote_recorded":
        ticket = at(shop, "arrived", ("classified", {"classification": "vandalism"}))
    events_before = count_events(ticket)
    user = {"office": shop.office, "tech": shop.tech}[who]
    fields = {k: (str(shop.tech2.id) if v == "TECH" else v) for k, v in fields.items()}
    assert Web(app, user).step(ticket, step, **fields).status_code == 403
    assert count_events(ticket) == events_before


def test_unknown_step_is_not_found(app, shop):
    """Only the life-cycle's steps have forms."""
    assert Web(app, shop.office).step(at(shop), "teleported").status_code == 404


def test_technician_of_another_school_cannot_see_the_ticket(app, shop):
    """Another school's technician gets 404 for the page and for a step."""
    stranger = make_user(Role.TECHNICIAN, customers=[make_customer("别校")])
    ticket = at(shop)
    web = Web(app, stranger)
    assert web.get(f"/repairs/{ticket.id}").status_code == 404
    assert web.step(ticket, "arrived").status_code == 404
    assert count_events(ticket) == 1


def test_timeline_shows_device_and_receipt_times(app, shop):
    """A step synced from a tablet shows the device's time and the server's receipt time."""
    ticket = at(shop)
    device = TechDevice(app.test_client(), shop.tech)
    device.push([device.event(ticket, "arrived", device_time="2026-03-02T01:05:00Z")])
    html = Web(app, shop.office).html(f"/repairs/{ticket.id}")
    section = html[html.index('data-event="arrived"'):]
    assert 'class="device-time" datetime="2026-03-02T01:05:00+00:00"' in section
    assert 'class="received-time"' in section
