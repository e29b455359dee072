"""QR labels on a phone in real Chromium: a technician scans into the record, a visitor reports a fault;
screenshots of the QR pages at 360 px and 800 px for people to look at."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.factories import PASSWORD, make_cabinet, make_customer, make_device, make_user
from webapp.archive.qr import issue_token
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs.models import RepairTicket

PHONE = {"width": 360, "height": 740}
TABLET = {"width": 800, "height": 1000}


@pytest.fixture
def site(live_app):
    """A school with a cabinet and a labelled device, its technician, and the office."""
    with live_app.app_context():
        tech = make_user(Role.TECHNICIAN, username="tech")
        office = make_user(Role.OFFICE, username="office")
        customer = make_customer("滨江第一中学", technicians=[tech])
        cabinet = make_cabinet(customer, "行政楼三层弱电间机柜A")
        device = make_device(customer, cabinet, name="核心交换机 S5735-L48T4X-A1")
        for n in range(4):
            make_device(customer, cabinet, name=f"接入交换机-{n + 1:02d}")
        return {
            "token": device.qr_token,
            "device_id": device.id,
            "cabinet_id": cabinet.id,
            "customer_id": customer.id,
            "device_name": device.name,
        }


def no_sideways_scroll(page) -> bool:
    """True when the page fits the viewport's width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in(page, username: str) -> None:
    """Fill the sign-in form and send it."""
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_technician_scans_a_label_and_lands_on_the_device(live_server, page, site):
    """On a phone: the label's URL opens the public page, 'sign in' comes back to the label, which
    now opens the device's record."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/q/{site['token']}")
    assert page.locator("h1").inner_text() == site["device_name"]
    page.click("text=Staff: sign in to open the record")
    sign_in(page, "tech")
    page.wait_for_url(f"**/devices/{site['device_id']}")
    assert page.locator("h1").inner_text() == site["device_name"]
    assert no_sideways_scroll(page)


def test_signed_in_technician_opens_the_device_directly(live_server, page, site):
    """Already signed in, scanning the label goes straight to the device page."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login")
    sign_in(page, "tech")
    page.wait_for_url("**/")
    page.goto(f"{live_server.url}/q/{site['token']}")
    assert page.url.endswith(f"/devices/{site['device_id']}")
    assert page.locator(".qr-label .short-code").inner_text() == site["token"][:8]


def test_visitor_reports_a_fault_from_the_public_page(live_server, live_app, page, site):
    """An anonymous visitor sees school and device name, fills the form and gets a ticket number."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/q/{site['token']}")
    assert page.locator(".qr-school").inner_text() == "滨江第一中学"
    page.fill("#description", "交换机所有指示灯都不亮，三楼没有网络")
    page.fill("#location", "三楼弱电间")
    page.fill("#reporter_name", "李老师")
    page.fill("#reporter_phone", "138 1234 5678")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/q/{site['token']}/thanks")
    shown = page.locator("[data-ticket-number]").inner_text()
    with live_app.app_context():
        tickets = db.session.scalars(select(RepairTicket)).all()
        assert [t.number for t in tickets] == [shown]
        assert tickets[0].source == "public_qr"
    assert no_sideways_scroll(page)


def test_visitor_sees_what_to_fix_when_the_phone_is_wrong(live_server, page, site):
    """A wrong phone number is explained next to the field and nothing is sent."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/q/{site['token']}")
    page.fill("#description", "投影仪不亮")
    page.fill("#reporter_phone", "12345")
    page.click("button[type=submit]")
    assert page.locator(".field.has-error .error").first.is_visible()
    assert "Enter a mobile number" in page.locator(".field.has-error .error").first.inner_text()


def _shoot(page, path: Path) -> None:
    """Full-page screenshot, then assert that nothing scrolls sideways."""
    page.screenshot(path=str(path), full_page=True)
    assert no_sideways_scroll(page), f"{path.name} scrolls sideways"


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["360", "800"])
def test_screenshots_of_qr_pages(live_server, live_app, page, site, screenshot_dir, size):
    """Public page, thank-you, revoked and unknown label, label-sheet form, device label block,
    inbox and ticket: each fits the width; screenshots go to test-artifacts/ (plus a rendered sheet)."""
    w = size["width"]
    page.set_viewport_size(size)
    base = live_server.url
    page.goto(f"{base}/q/{site['token']}")
    _shoot(page, screenshot_dir / f"qr-public-{w}.png")
    page.fill("#description", "交换机所有指示灯都不亮")
    page.fill("#reporter_phone", "abc")
    page.click("button[type=submit]")
    _shoot(page, screenshot_dir / f"qr-public-errors-{w}.png")
    page.fill("#reporter_phone", "13812345678")
    page.click("button[type=submit]")
    page.wait_for_url("**/thanks")
    _shoot(page, screenshot_dir / f"qr-thanks-{w}.png")

    with live_app.app_context():
        from webapp.archive.models import Cabinet

        cabinet = db.session.get(Cabinet, site["cabinet_id"])
        old = cabinet.qr_token
        issue_token(cabinet)
        db.session.commit()
    page.goto(f"{base}/q/{old}")
    _shoot(page, screenshot_dir / f"qr-revoked-{w}.png")
    page.goto(f"{base}/q/NoSuchLabel000")
    _shoot(page, screenshot_dir / f"qr-unknown-{w}.png")

    page.goto(f"{base}/login")
    sign_in(page, "office")
    page.wait_for_url("**/")
    page.goto(f"{base}/labels?customer_id={site['customer_id']}&select=all")
    _shoot(page, screenshot_dir / f"qr-label-form-{w}.png")
    page.goto(f"{base}/devices/{site['device_id']}")
    page.click(".qr-confirm summary")
    assert no_sideways_scroll(page)
    page.locator(".qr-label").screenshot(path=str(screenshot_dir / f"qr-label-block-{w}.png"))
    page.goto(f"{base}/repairs")
    _shoot(page, screenshot_dir / f"qr-inbox-{w}.png")
    page.click(".ticket-list a")
    _shoot(page, screenshot_dir / f"qr-ticket-{w}.png")

    if w == PHONE["width"]:
        page.goto(f"{base}/labels?customer_id={site['customer_id']}&select=all")
        with page.expect_download() as download:
            page.click("button[type=submit]:has-text('Download PDF')")
        pdf = screenshot_dir / "qr-label-sheet.pdf"
        download.value.save_as(pdf)
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf), str(screenshot_dir / "qr-label-sheet")], check=True)
        assert (screenshot_dir / "qr-label-sheet.png").stat().st_size > 10_000
