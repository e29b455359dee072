"""A monthly patrol done fully offline on a tablet (800 × 1280) in a real Chromium: the visit on
the Today list, scanning the cabinet, filling the sheet, a finding turned into a repair ticket,
the customer's opinion and signature; then back online, the signed PDF in the school's archive."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.support.field_app import (
    ForeignHostGuard,
    draw_signature,
    heard_since,
    outbox,
    seed_field_data,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    write_photo,
    write_qr_y4m,
)
from tests.support.factories import make_plan
from webapp.extensions import db

TABLET = {"width": 800, "height": 1280}


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def patrol_data(live_app):
    """The technician's school on a monthly patrol plan since last month: last month's visit is overdue."""
    from webapp.maintenance.models import Visit
    from webapp.maintenance.periods import shift_month
    from webapp.maintenance.generation import generate_visits
    from webapp.clock import local_today
    from webapp.maintenance.services import install_shipped_templates
    from webapp.auth.models import User

    data = seed_field_data(live_app)
    with live_app.app_context(), live_app.test_request_context():
        install_shipped_templates()
        today = local_today()
        year, month = shift_month(today.year, today.month, -1)
        tech = db.session.get(User, data.tech_id)
        from webapp.archive.models import Customer

        make_plan(db.session.get(Customer, data.customer_id), "monthly_patrol", tech, start_date=date(year, month, 1))
        generate_visits(today, today=today)
        # seed_field_data files its open ticket as BX<year>-00001 without taking the number.
        from webapp.repairs.services import next_ticket_number

        next_ticket_number(today.year)
        db.session.commit()
        overdue = db.session.scalars(select(Visit).where(Visit.customer_id == data.customer_id)
                                     .order_by(Visit.period_key)).first()
        data.visit_id = overdue.id  # type: ignore[attr-defined]
        data.visit_period = overdue.period_key  # type: ignore[attr-defined]
    return data


@pytest.fixture
def camera_browser(browser_type, browser_type_launch_args, tmp_path, live_server, patrol_data):
    """A Chromium whose camera plays a video of the cabinet's QR label."""
    video = write_qr_y4m(tmp_path / "cabinet.y4m", f"{live_server.url}/q/{patrol_data.cabinet_token}")
    args = [*browser_type_launch_args["args"], "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def answer(page, key: str, value: str) -> None:
    """Tap one choice of a pass / flag / fail, yes / no or single-choice item."""
    page.click(f"label[for='a-{key}-{value}']")


def test_monthly_patrol_offline_on_a_tablet_ends_as_a_signed_pdf_in_the_archive(
        live_server, live_app, patrol_data, camera_browser, tmp_path, screenshot_dir):
    """Offline: the overdue visit is listed, the cabinet is scanned, every item filled, the hot room
    flagged with a note and a photo and turned into a ticket, the customer signs. The server
    hears nothing. Online: sheet, ticket and signature arrive once, the sheet is locked, the visit
    done, and the school's archive links the signed PDF (Chinese labels, signer, signature image)."""
    from webapp.documents.models import Blob
    from webapp.maintenance.models import Inspection, Visit
    from webapp.repairs.models import RepairTicket

    context = camera_browser.new_context(viewport=TABLET, permissions=["camera"])
    guard = ForeignHostGuard(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, patrol_data.tech_username)
    wait_for_worker(page)
    first_sync = wait_for_sync(page)
    page.reload()
    page.wait_for_selector(f"[data-visit='{patrol_data.visit_id}']")
    wait_for_sync(page, after=first_sync)  # the reload's own sync has finished before the network goes

    context.set_offline(True)
    heard_before = len(live_server.requests)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    visit_row = page.locator(f"[data-visit='{patrol_data.visit_id}']")
    expect(visit_row).to_contain_text(patrol_data.customer_name)
    expect(page.locator(".visit-overdue")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "patrol-today-800.png"), full_page=True)

    page.click(".tabbar a[data-section=scan]")
    page.wait_for_url(f"**/app/cabinets/{patrol_data.cabinet_id}")
    page.click("a.start-visit")
    page.wait_for_selector("form.sheet-form")
    assert "visit=" + patrol_data.visit_id in page.url

    for key in ("core_network", "wireless", "video_surveillance", "classroom_av", "cabinets"):
        answer(page, key, "pass")
    page.fill("#a-recording_days", "45")
    page.check("#item-broadcast .na-toggle input")
    page.check("#item-access_control .na-toggle input")
    answer(page, "usage_effect", "good")
    page.fill("#a-ups_charge", "96")
    answer(page, "safety_hazards", "no")
    answer(page, "customer_satisfaction", "satisfied")
    page.fill("#a-findings", "机房空调制冷不足，已报修。")

    page.fill("#a-room_temperature", "35")
    page.press("#a-room_temperature", "Tab")
    hot = page.locator("#item-room_temperature")
    expect(hot).to_have_class(re.compile(r"\bis-finding\b"))
    page.fill("#note-room_temperature", "机房温度35°C，空调不制冷")
    page.press("#note-room_temperature", "Tab")
    page.set_input_files("#cam-room_temperature", str(write_photo(tmp_path / "hot-room.jpg")))
    hot.locator(".thumb img").wait_for()
    hot.locator(".make-ticket").click()
    page.select_option("#ticket-device-room_temperature", patrol_data.other_device_id)
    hot.locator("text=Create the repair ticket").click()
    expect(hot.locator(".ticket-made")).to_be_visible()

    page.fill("#customer_opinion", "巡查仔细，空调问题请尽快处理。")
    draw_signature(page)
    page.fill("#signer_name", "周建国")
    page.screenshot(path=str(screenshot_dir / "patrol-sheet-800.png"), full_page=True)
    page.click("form.sheet-form button[type=submit]")
    page.wait_for_selector("text=Signed — locked")
    sheet_id = page.url.rsplit("/", 1)[-1]
    page.screenshot(path=str(screenshot_dir / "patrol-signed-800.png"), full_page=True)

    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_selector("text=Signed — locked")
    queued = outbox(page)
    assert sorted(e["kind"] for e in queued) == ["inspection", "repair_ticket", "signature"]
    assert {e["state"] for e in queued} == {"queued"}
    assert heard_since(live_server, heard_before) == [], "the server heard from the device while it was offline"

    context.set_offline(False)
    page.wait_for_selector("[data-state=synced]", timeout=30000)
    wait_for_sync(page)
    assert {e["state"] for e in outbox(page)} == {"synced"}, [e["error"] for e in outbox(page) if e["error"]]

    with live_app.app_context():
        sheets = db.session.scalars(select(Inspection).where(Inspection.customer_id == patrol_data.customer_id)).all()
        assert [s.id for s in sheets] == [sheet_id]
        sheet = sheets[0]
        assert sheet.is_locked and sheet.signer_name == "周建国" and sheet.document_id
        assert sheet.answers["room_temperature"]["flagged"] and sheet.answers["broadcast"]["na"]
        (ticket,) = db.session.scalars(select(RepairTicket).where(RepairTicket.customer_id == patrol_data.customer_id,
                                                                  RepairTicket.source == "patrol")).all()
        assert ticket.id == sheet.answers["room_temperature"]["ticket_id"]
        assert ticket.device_id == patrol_data.other_device_id and "机房温度" in ticket.description
        assert db.session.get(Visit, patrol_data.visit_id).state == "done"
        signature_blob = db.session.get(Blob, sheet.signature_sha256)
        signature_size = (signature_blob.width, signature_blob.height)

    page.goto(f"{live_server.url}/customers/{patrol_data.customer_id}")
    page.click(f"a[href='/maintenance/sheets/{sheet_id}']")
    page.wait_for_selector("a[data-pdf]")
    response = page.request.get(live_server.url + page.locator("a[data-pdf]").get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    for expected in ("月巡查表", "机房温度", "核心网络及交换机运行正常", "周建国", patrol_data.customer_name, ticket.number):
        assert expected in text, expected
    sizes = {(image.image.width, image.image.height) for p in reader.pages for image in p.images}
    assert signature_size in sizes, "the customer's signature image is not on the page"
    assert guard.attempts == []
