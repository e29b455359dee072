"""The office's sync review page in Chromium at phone and tablet widths: fits, screenshots to look at."""
from __future__ import annotations

import pytest

from tests.api.sync_helpers import Device, png_bytes
from tests.factories import PASSWORD, make_customer, make_device, make_user
from webapp.auth.models import Role

WIDTHS = (360, 800)


@pytest.fixture
def review_data(live_app):
    """A field conflict with long values, a rejected diary entry and a signature waiting for its image."""
    with live_app.app_context():
        tech = make_user(Role.TECHNICIAN, username="fieldtech")
        customer = make_customer(name="滨江第一中学", technicians=[tech])
        device = make_device(customer, name="核心交换机-教学楼A")
        office_user = make_user(Role.OFFICE, username="frontdesk")
        office = Device(live_app.test_client(), office_user)
        office.push([office.update("device", device.id, 1, notes="办公室：厂家已确认保修，返厂维修单号 RMA-2026-001873")])
        phone = Device(live_app.test_client(), tech)
        entry = phone.diary(customer.id)
        phone.push([
            phone.update("device", device.id, 1, notes="现场：更换电源模块后恢复正常，建议观察一周" * 2),
            phone.diary(customer.id, text=""),
            entry,
            phone.signature("diary_entry", entry["id"], content=entry["data"], image=png_bytes(seed=1)),
        ])
        return office_user.username


@pytest.mark.parametrize("width", WIDTHS)
def test_sync_review_fits_phone_and_tablet(live_server, page, review_data, screenshot_dir, width):
    """Each tab of the review page: no sideways scrolling, buttons big enough to tap."""
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    page.goto(base + "/login?lang=en")
    page.fill("#username", review_data)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    for tab in ("conflicts", "rejected", "incomplete"):
        page.goto(f"{base}/sync/review?tab={tab}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        for box in page.locator("main .btn").all():
            if box.is_visible():
                assert box.bounding_box()["height"] >= 47
        page.screenshot(path=str(screenshot_dir / f"sync-review-{tab}-{width}.png"), full_page=True)
