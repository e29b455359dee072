"""A quote on the tablet: the supervisor has quoted a vandalism repair; on site with no signal the
technician shows the customer the quote (lines and total), the customer signs to approve it (or,
on a second ticket, to decline it); back online the server has the decisions with the signature."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from tests.support.field_app import alpha_histogram, draw_signature, outbox, sign_in, wait_for_sync, wait_for_worker, wait_until
from tests.e2e.test_accessibility import axe_violations
from tests.support.repairs import advance
from webapp.auth.models import Role
from webapp.documents.models import Blob
from webapp.documents.storage import storage_for
from webapp.extensions import db
from webapp.repairs.events import RepairEvent
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import record_quote, take_call
from webapp.repairs.vocabulary import Status

pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def quoted(live_app):
    """Two vandalism tickets at one school, each quoted by the supervisor and waiting for the customer."""
    with live_app.app_context(), live_app.test_request_context():
        tech = make_user(Role.TECHNICIAN, username="tech")
        office, supervisor = make_user(Role.OFFICE), make_user(Role.SUPERVISOR)
        customer = make_customer("滨江第一中学", technicians=[tech])
        device = make_device(customer, make_cabinet(customer, name="三楼弱电柜"), name="投影机")
        ids = []
        for description in ("投影机镜头被砸坏", "投影机电源线被剪断"):
            ticket = take_call(office, customer, description, device=device, assignee=tech)
            advance(ticket, "arrived", ("classified", {"classification": "vandalism"}), user=tech)
            record_quote(ticket, supervisor, [{"name": "投影机镜头", "qty": "1", "price": "1280"},
                                              {"name": "人工费", "qty": "2", "price": "115.25"}], note="含上门安装")
            db.session.commit()
            ids.append(ticket.id)
        return ids


def _decide(page, base: str, ticket_id: str, button: str, signer: str, screenshot_dir=None) -> None:
    """Open the ticket, go to the customer's decision, sign and press approve or decline."""
    page.goto(f"{base}/app/tickets/{ticket_id}")
    page.locator("[data-step=quote_decision]").click()
    form = page.locator("form.quote-form")
    expect(form.locator(".quote-total")).to_have_text("1510.50 元")
    expect(form.locator("table.quote-lines tbody tr")).to_have_count(2)
    assert axe_violations(page) == []
    page.fill("#signer_name", signer)
    draw_signature(page)
    if screenshot_dir is not None:
        for width in (360, 800):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(screenshot_dir / f"quote-decision-zh-{width}.png"), full_page=True)
    page.locator(f"[data-step={button}]").click()
    page.wait_for_url(f"**/app/tickets/{ticket_id}")


def test_the_customer_signs_the_quote_on_the_tablet_offline(live_server, live_app, browser, quoted, screenshot_dir):
    """Approve one quote and decline the other offline; after sync: approved, and closed as declined,
    each with the customer's name and a signature image with ink on it."""
    context = browser.new_context(viewport={"width": 360, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, "tech")
    wait_for_worker(page)
    synced = wait_for_sync(page)
    approve_id, decline_id = quoted
    page.goto(f"{live_server.url}/app/tickets/{approve_id}")
    expect(page.locator(".quote-card .quote-total")).to_have_text("1510.50 元")
    assert axe_violations(page) == []
    for width in (360, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"quote-ticket-zh-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        # the item reads as words, not one character a line beside the amounts
        item = page.locator(".quote-card td.quote-item").first
        expect(item).to_have_text("投影机镜头")
        item_width = item.evaluate("cell => cell.getBoundingClientRect().width")
        assert item_width > 80, f"the item cell is {item_width:.0f} px wide at {width} px"

    context.set_offline(True)
    page.set_viewport_size({"width": 360, "height": 900})
    _decide(page, live_server.url, approve_id, "quote_approved", "周建国", screenshot_dir)
    expect(page.locator("[data-event=quote_approved]")).to_be_visible()
    _decide(page, live_server.url, decline_id, "quote_declined", "吴敏")
    expect(page.locator("[data-event=quote_declined]")).to_be_visible()

    assert {e["kind"] for e in outbox(page) if e["state"] == "queued"} == {"repair_event"}
    context.set_offline(False)
    wait_for_sync(page, after=synced)
    wait_until(page, lambda: all(e["state"] == "synced" for e in outbox(page)))
    with live_app.app_context():
        approved = db.session.get(RepairTicket, approve_id)
        declined = db.session.get(RepairTicket, decline_id)
        assert approved.status == Status.APPROVED
        assert declined.status == Status.CLOSED and declined.filed_category == "quote_declined"
        for ticket_id, kind, signer in ((approve_id, "quote_approved", "周建国"), (decline_id, "quote_declined", "吴敏")):
            event = db.session.scalars(db.select(RepairEvent).where(RepairEvent.ticket_id == ticket_id, RepairEvent.type == kind)).one()
            assert event.data["approver_name"] == signer
            blob = db.session.get(Blob, event.data["signature"])
            assert blob is not None and blob.mime == "image/png"
            inked, _blank = alpha_histogram(storage_for().get(blob.stored_sha256))
            assert inked > 200
    context.close()
