"""The parts used on a repair, in real Chromium: offline, the technician adds two parts on the
tablet's repair form (and removes a third he added by mistake; a line with no name is refused
on the device and nothing is queued), the customer signs; back online, the office's ticket page
lists the parts with their cost, the signed repair form prints them, and the month's figures
count them. Screenshots of the form at 360 and 800 px, and of the office page."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.e2e.test_repair_flow import people, shoot, web_sign_in  # noqa: F401  (people is a fixture)
from tests.support.field_app import draw_signature, heard_since, outbox, sign_in, wait_for_sync, wait_for_worker, wait_until
from webapp.archive.models import Customer
from webapp.auth.models import Role, User
from webapp.clock import site_zone
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.reports.figures import compute_figures
from webapp.reports.reading import figure_of
from webapp.repairs.events import load_events, record_event
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import take_call

pytestmark = pytest.mark.usefixtures("built_assets")
TABLET = {"width": 800, "height": 1280}


def _add_part(page, name: str, qty: str, cost: str) -> None:
    """Add a row to the parts editor and fill it."""
    page.click(".parts-add")
    row = page.locator(".parts-line").last
    row.locator("[name=part_name]").fill(name)
    row.locator("[name=part_qty]").fill(qty)
    row.locator("[name=part_unit_cost]").fill(cost)


def test_two_parts_added_offline_reach_the_ticket_the_form_and_the_figures(live_server, live_app, people, browser,
                                                                          screenshot_dir):
    """Two parts typed offline arrive with the resolved step; office page, PDF and figures show them."""
    base = live_server.url
    with live_app.app_context():
        office = db.session.scalars(select(User).where(User.role == Role.OFFICE.value)).first()
        ticket = take_call(office, db.session.get(Customer, people["customer_id"]), "录播主机无法开机",
                           assignee=db.session.get(User, people["tech_id"]))
        db.session.commit()
        ticket_id, number = ticket.id, ticket.number
        tech = db.session.get(User, people["tech_id"])
        record_event(ticket, "arrived", {}, tech)
        record_event(ticket, "classified", {"classification": "general"}, tech)
        db.session.commit()

    context = browser.new_context(viewport=TABLET, locale="en-GB", has_touch=True)
    tablet = context.new_page()
    sign_in(tablet, base, "tech", next_path="/app/?lang=en")
    wait_for_worker(tablet)
    wait_for_sync(tablet)
    tablet.wait_for_selector(f"text={number}")
    context.set_offline(True)
    heard_before = len(live_server.requests)
    tablet.click(f"a.ticket-link:has-text('{number}')")
    tablet.wait_for_url(f"**/app/tickets/{ticket_id}")
    tablet.click("a[data-step=resolved]")
    tablet.wait_for_selector("#fault_found")
    tablet.fill("#fault_found", "电源指示灯不亮")
    tablet.fill("#action", "更换电源适配器和HDMI线")
    _add_part(tablet, "电源适配器 12V", "2", "35.5")
    _add_part(tablet, "", "1", "8")
    _add_part(tablet, "HDMI线", "1", "20")
    tablet.click("button[type=submit]")
    expect(tablet.locator("p.error")).to_have_text("Part 2: enter its name.")
    assert outbox(tablet) == []
    tablet.locator(".parts-line").nth(1).locator(".parts-remove").click()
    expect(tablet.locator(".parts-line")).to_have_count(2)
    expect(tablet.locator(".parts-line-no")).to_have_text(["1", "2"])
    tablet.fill("#opinion", "及时")
    draw_signature(tablet)
    tablet.fill("#signer_name", "周建国")
    shoot(tablet, screenshot_dir, "tablet-parts-form")
    tablet.set_viewport_size(TABLET)
    tablet.click("button[type=submit]")
    tablet.wait_for_url(f"**/app/tickets/{ticket_id}")
    tablet.wait_for_selector("[data-event=customer_signed]")
    assert heard_since(live_server, heard_before) == [], "the server heard from the tablet while it was offline"

    context.set_offline(False)
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(tablet, lambda: {e["state"] for e in outbox(tablet)} == {"synced"})
    expected = [{"name": "电源适配器 12V", "qty": 2, "unit_cost": "35.50"}, {"name": "HDMI线", "qty": 1, "unit_cost": "20.00"}]
    with live_app.app_context(), live_app.test_request_context():
        db.session.expire_all()
        assert db.session.get(RepairTicket, ticket_id).status == "signed"
        [step] = [e for e in load_events(ticket_id) if e.type == "resolved"]
        assert step.data["parts"] == expected
        local = step.received_at.astimezone(site_zone())
        parts = {r["key"]: r for r in figure_of(compute_figures(local.year, local.month), "parts")["rows"]}
        assert parts["total"]["cur"][0] == 91.0 and parts["total"]["cur"][2] == 3
        assert parts["电源适配器 12V"]["cur"][0] == 71.0 and ticket_id in parts["HDMI线"]["ids"]
        [document] = db.session.scalars(select(Document).where(Document.ticket_id == ticket_id)).all()
        document_id = document.id

    page = browser.new_context(viewport={"width": 800, "height": 900}, locale="en-GB").new_page()
    web_sign_in(page, base, "office", f"/repairs/{ticket_id}")
    page.goto(f"{base}/repairs/{ticket_id}")
    table = page.locator("table.parts-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("电源适配器 12V")
    expect(table.locator("tbody tr").first).to_contain_text("¥71.00")
    expect(table.locator(".parts-total")).to_have_text("¥91.00")
    shoot(page, screenshot_dir, "ticket-parts")
    response = page.request.get(f"{base}/repairs/documents/{document_id}")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "电源适配器 12V ×2，单价 35.50 元，计 71.00 元" in text and "合计 91.00 元（3 件）" in text
    context.close()
    page.context.close()
