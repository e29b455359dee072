"""A repair from the call to the follow-up, in real Chromium: the office takes a call; the
technician's tablet syncs, goes offline, records the arrival, classifies, fills in the repair
form and gets the customer's signature; back online, the office sees the signed PDF and records
the follow-up call. Screenshots of the pages at 360 and 800 px go to test-artifacts/."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.support.field_app import (
    ForeignHostGuard,
    alpha_histogram,
    draw_signature,
    heard_since,
    outbox,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
)
from tests.support.factories import PASSWORD, make_cabinet, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.extensions import db

TABLET = {"width": 800, "height": 1280}


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def people(live_app):
    """A school with a labelled device, its technician, the office and a supervisor."""
    with live_app.app_context():
        tech = make_user(Role.TECHNICIAN, username="tech")
        customer = make_customer("滨江第一中学", technicians=[tech], person_in_charge="周建国")
        cabinet = make_cabinet(customer, name="三楼弱电柜")
        device = make_device(customer, cabinet, name="录播主机", brand="海康威视", model="DS-6900")
        make_user(Role.OFFICE, username="office")
        make_user(Role.SUPERVISOR, username="super")
        return {"customer_id": customer.id, "device_id": device.id, "tech_id": tech.id}


def web_sign_in(page, base_url: str, username: str, next_path: str) -> None:
    """Sign in on the office pages."""
    page.goto(f"{base_url}/login?next={next_path}&lang=en")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(page, screenshot_dir, name: str, widths=(360, 800)) -> None:
    """Full-page screenshots of the current page at phone and tablet widths."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
        page.screenshot(path=str(screenshot_dir / f"repair-{name}-{width}.png"), full_page=True)


def test_call_to_follow_up(live_server, live_app, people, browser, screenshot_dir):
    """The whole repair, offline steps included, arrives once and ends filed after the follow-up."""
    from webapp.documents.models import Document, Signature
    from webapp.repairs.events import load_events
    from webapp.repairs.models import RepairTicket

    base = live_server.url
    # --- the office takes the call -------------------------------------------------------------
    office_ctx = browser.new_context(viewport={"width": 800, "height": 900}, locale="en-GB")
    office = office_ctx.new_page()
    web_sign_in(office, base, "office", "/repairs/new")
    office.fill("#q", "滨江")
    office.click("main button[type=submit]")
    shoot(office, screenshot_dir, "intake-search")
    office.click("text=滨江第一中学")
    office.check("input[name=device_id][value='%s']" % people["device_id"])
    office.fill("#description", "录播主机无法开机，上课无法录制")
    office.fill("#location", "三楼录播教室")
    office.fill("#reporter_name", "王老师")
    office.fill("#reporter_phone", "138 0000 1111")
    shoot(office, screenshot_dir, "intake-form")
    office.click("text=Record the call")
    expect(office.locator(".flash-success")).to_contain_text("assigned to")
    with live_app.app_context():
        ticket = db.session.scalars(select(RepairTicket)).one()
        ticket_id, number = ticket.id, ticket.number
        assert (ticket.status, ticket.assigned_to_id) == ("assigned", people["tech_id"])

    # --- the technician's tablet syncs, then works offline ---------------------------------------
    tech_ctx = browser.new_context(viewport=TABLET, locale="en-GB", has_touch=True)
    guard = ForeignHostGuard(tech_ctx, base)
    tablet = tech_ctx.new_page()
    sign_in(tablet, base, "tech", next_path="/app/?lang=en")
    wait_for_worker(tablet)
    wait_for_sync(tablet)
    tablet.wait_for_selector(f"text={number}")

    tech_ctx.set_offline(True)
    heard_before = len(live_server.requests)
    tablet.click(f"a.ticket-link:has-text('{number}')")
    tablet.wait_for_url(f"**/app/tickets/{ticket_id}")
    tablet.click("[data-step=arrived]")
    tablet.wait_for_selector("form.classify-form")
    tablet.check("input[name=classification][value=general]")
    tablet.click("button[data-step=classified]")
    tablet.wait_for_selector("a[data-step=resolved]")
    tablet.screenshot(path=str(screenshot_dir / "repair-tablet-ticket-800.png"), full_page=True)
    tablet.click("a[data-step=resolved]")
    tablet.wait_for_selector("#fault_found")
    tablet.fill("#fault_found", "录播主机电源指示灯不亮")
    tablet.fill("#cause", "电源适配器损坏")
    tablet.fill("#action", "更换电源适配器，开机测试录制正常")
    tablet.click(".parts-add")
    tablet.fill("[name=part_name]", "电源适配器 12V/5A")
    tablet.fill("[name=part_unit_cost]", "35")
    tablet.fill("#time_on_site", "85")
    tablet.fill("#opinion", "维修及时，态度很好")
    draw_signature(tablet)
    tablet.fill("#signer_name", "周建国")
    tablet.screenshot(path=str(screenshot_dir / "repair-tablet-form-800.png"), full_page=True)
    tablet.click("button[type=submit]")
    tablet.wait_for_url(f"**/app/tickets/{ticket_id}")
    tablet.wait_for_selector("[data-event=customer_signed]")
    queued = outbox(tablet)
    assert [e["kind"] for e in queued] == ["repair_event", "repair_event", "repair_event", "signature", "repair_event"]
    assert {e["state"] for e in queued} == {"queued"}
    assert heard_since(live_server, heard_before) == [], "the server heard from the tablet while it was offline"

    # --- back online: everything arrives once and the signed form is produced --------------------
    tech_ctx.set_offline(False)
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(tablet, lambda: {e["state"] for e in outbox(tablet)} == {"synced"})
    with live_app.app_context():
        db.session.expire_all()
        ticket = db.session.get(RepairTicket, ticket_id)
        assert ticket.status == "signed"
        events = load_events(ticket_id)
        assert [e.type for e in events] == ["assigned", "arrived", "classified", "resolved", "customer_signed"]
        assert all(e.device_time is not None for e in events[1:])
        [signature] = db.session.scalars(select(Signature).where(Signature.document_id == ticket_id)).all()
        assert signature.complete and signature.signer_name == "周建国"
        [document] = db.session.scalars(select(Document).where(Document.ticket_id == ticket_id)).all()
        document_id = document.id
        from webapp.documents.storage import storage_for
        from webapp.documents.models import Blob

        png = storage_for(live_app).get(db.session.get(Blob, signature.image_sha256).stored_sha256)
    inked, _blank = alpha_histogram(png)
    assert inked > 150

    # --- the office sees the signed PDF and records the follow-up call ----------------------------
    office.goto(f"{base}/repairs/{ticket_id}")
    expect(office.locator(".ticket-status")).to_have_text("Signed by the customer")
    pdf_link = office.locator(f"a[href='/repairs/documents/{document_id}']")
    expect(pdf_link).to_be_visible()
    response = office.request.get(f"{base}/repairs/documents/{document_id}")
    assert response.status == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert all(label in text for label in ("客户联", "部门主管联", "公司存档联")) and "周建国" in text
    shoot(office, screenshot_dir, "ticket-signed")

    office.goto(f"{base}/repairs/follow-ups")
    shoot(office, screenshot_dir, "follow-ups")
    office.goto(f"{base}/repairs/{ticket_id}")
    office.click("#step-follow_up_recorded > summary")
    office.check("input[name='follow_up_recorded-quality'][value='5']")
    office.check("input[name='follow_up_recorded-attitude'][value='5']")
    office.check("input[name='follow_up_recorded-result'][value='satisfied']")
    shoot(office, screenshot_dir, "follow-up-form")
    office.click("#step-follow_up_recorded button[type=submit]")
    expect(office.locator(".ticket-status")).to_have_text("Closed")
    with live_app.app_context():
        db.session.expire_all()
        ticket = db.session.get(RepairTicket, ticket_id)
        assert (ticket.status, ticket.filed_category) == ("closed", "general")
    shoot(office, screenshot_dir, "ticket-closed")
    assert guard.attempts == []
    tech_ctx.close()
    office_ctx.close()


def test_a_kind_of_fault_picked_on_the_tablet_survives_a_redraw(live_server, live_app, people, browser):
    """The ticket page is redrawn whenever the outbox changes (here: another tab announces a
    change); the kind of fault the technician picked stays picked, and Classify records it."""
    from webapp.auth.models import User
    from webapp.archive.models import Customer
    from webapp.repairs.services import take_call

    with live_app.app_context():
        office = db.session.scalars(select(User).where(User.username == "office")).one()
        ticket = take_call(office, db.session.get(Customer, people["customer_id"]), "广播没有声音",
                           assignee=db.session.get(User, people["tech_id"]))
        db.session.commit()
        ticket_id, number = ticket.id, ticket.number
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    tablet = context.new_page()
    sign_in(tablet, live_server.url, "tech", next_path="/app/?lang=en")
    wait_for_sync(tablet)
    tablet.click(f"a.ticket-link:has-text('{number}')")
    tablet.wait_for_url(f"**/app/tickets/{ticket_id}")
    tablet.click("[data-step=arrived]")
    tablet.wait_for_selector("[data-event=arrived]")
    tablet.check("input[name=classification][value=general]")
    form = tablet.evaluate_handle("document.querySelector('form.classify-form')")
    tablet.evaluate("new BroadcastChannel('field-app').postMessage({ type: 'outbox', detail: {} })")
    wait_until(tablet, lambda: form.evaluate("(el) => !el.isConnected"))
    expect(tablet.locator("input[name=classification][value=general]")).to_be_checked()
    tablet.click("button[data-step=classified]")
    tablet.wait_for_selector("[data-event=classified]")
    expect(tablet.locator("a[data-step=resolved]")).to_be_visible()
    context.close()


def test_office_pages_fit_phones_and_tablets(live_server, live_app, people, browser, screenshot_dir):
    """The board (overdue, at risk, rework), notifications, inbox and a ticket waiting for a quote
    render at 360 and 800 px without sideways scrolling; screenshots for people to look at."""
    from datetime import timedelta

    from webapp.auth.models import User
    from webapp.clock import utcnow
    from webapp.repairs.alerts import check_deadlines
    from webapp.repairs.events import record_event, refresh_ticket
    from webapp.repairs.models import RepairTicket
    from webapp.repairs.services import open_rework, take_call

    with live_app.app_context():
        office = db.session.scalars(select(User).where(User.username == "office")).one()
        supervisor = db.session.scalars(select(User).where(User.username == "super")).one()
        tech = db.session.get(User, people["tech_id"])
        from webapp.archive.models import Customer, Device

        customer = db.session.get(Customer, people["customer_id"])
        device = db.session.get(Device, people["device_id"])
        late = take_call(office, customer, "教学楼三楼投影仪不亮，投影画面偏暗闪烁", device=device, assignee=tech,
                         reported_at=utcnow() - timedelta(days=1))
        late.created_at = late.reported_at
        quoted = take_call(office, customer, "实验室门禁读卡器被人为砸坏", assignee=tech)
        for kind, data, who in (("arrived", {}, tech), ("classified", {"classification": "vandalism"}, tech),
                                ("quote_recorded", {"items": [{"name": "门禁读卡器", "qty": "1", "price": "860.00", "amount": "860.00"},
                                                              {"name": "安装人工", "qty": "1", "price": "120.00", "amount": "120.00"}],
                                                    "amount": "980.00"}, supervisor)):
            record_event(quoted, kind, data, who)
        refresh_ticket(quoted)
        done = take_call(office, customer, "广播没有声音", assignee=tech)
        for kind, data in (("arrived", {}), ("classified", {"classification": "general"}), ("resolved", {"action": "更换功放"}),
                           ("customer_signed", {"signer_name": "周建国", "satisfaction": "not_satisfied"})):
            record_event(done, kind, data, tech)
        record_event(done, "follow_up_recorded", {"result": "not_satisfied", "reason": "音量仍然偏小", "quality": 2, "attitude": 4}, office)
        open_rework(done, office, "音量仍然偏小", responsible=tech, assignee=tech)
        db.session.commit()
        check_deadlines()
        db.session.commit()
        quoted_id = quoted.id

    context = browser.new_context(viewport={"width": 800, "height": 900}, locale="en-GB")
    page = context.new_page()
    web_sign_in(page, live_server.url, "super", "/repairs/board")
    expect(page.locator("#breached-title")).to_contain_text("1")
    shoot(page, screenshot_dir, "board")
    page.goto(f"{live_server.url}/notifications")
    expect(page.locator(".note").first).to_be_visible()
    shoot(page, screenshot_dir, "notifications")
    page.goto(f"{live_server.url}/repairs")
    shoot(page, screenshot_dir, "inbox")
    page.goto(f"{live_server.url}/repairs/{quoted_id}")
    page.click("#step-quote_recorded > summary")
    shoot(page, screenshot_dir, "ticket-quote")
    context.close()
    with live_app.app_context():
        assert db.session.scalars(select(RepairTicket).where(RepairTicket.rework_of_id.is_not(None))).one()
