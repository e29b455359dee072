"""The office's sync review page in Chromium at phone and tablet widths: fits, screenshots to look at."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from sync.models import RejectedMutation
from tests.support.field_device import FieldDevice, png_bytes
from tests.support.factories import PASSWORD, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db

WIDTHS = (360, 800)


@pytest.fixture
def review_data(live_app):
    """A field conflict with long values, a rejected diary entry and a signature waiting for its image."""
    with live_app.app_context():
        tech = make_user(Role.TECHNICIAN, username="fieldtech")
        customer = make_customer(name="滨江第一中学", technicians=[tech])
        device = make_device(customer, name="核心交换机-教学楼A")
        office_user = make_user(Role.OFFICE, username="frontdesk")
        office = FieldDevice(live_app.test_client(), office_user)
        office.push([office.update("device", device.id, 1, notes="办公室：厂家已确认保修，返厂维修单号 RMA-2026-001873")])
        phone = FieldDevice(live_app.test_client(), tech)
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


@pytest.fixture
def flood_data(live_app):
    """120 rejections of one cause from one technician's device and a few others, for the pages."""
    with live_app.app_context():
        noisy = make_user(Role.TECHNICIAN, username="noisytech")
        careful = make_user(Role.TECHNICIAN, username="carefultech")
        east = make_customer(name="滨江第一中学", technicians=[noisy])
        west = make_customer(name="西湖区实验小学", technicians=[careful])
        start = utcnow() - timedelta(hours=5)
        rows = [
            {"client_id": client, "seq": n, "user_id": user.id, "kind": kind, "op": "create", "record_id": f"r-{client}-{n}",
             "customer_id": school.id, "payload": {"kind": kind, "data": {"text": ""}}, "payload_hash": f"{client}-{n}",
             "code": code, "message": "请填写日志内容。", "errors": {"text": ["此项为必填项。"]},
             "created_at": start + timedelta(seconds=n), "handled_note": ""}
            for client, user, school, kind, code, count in (
                ("dev-noisy", noisy, east, "diary_entry", "invalid", 120),
                ("dev-careful", careful, west, "device", "forbidden", 4),
            )
            for n in range(1, count + 1)
        ]
        db.session.execute(insert(RejectedMutation), rows)
        db.session.commit()
        make_user(Role.OFFICE, username="frontdesk")
        return "frontdesk"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_flooded_review_queue_reads_well_in_chinese(live_server, page, flood_data, screenshot_dir, width):
    """Filters, the commonest causes, a page of fifty and the dismissal's confirmation fit a phone."""
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    page.goto(base + "/login?lang=zh")
    page.fill("#username", flood_data)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/sync/review?tab=rejected")
    assert page.locator(".tabs a[aria-current=page] .tag").inner_text() == "124"
    assert page.locator(".sync-rejected").count() == 50
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / f"sync-review-flood-{width}.png"), full_page=False)
    page.locator(".sync-causes a").first.click()
    page.wait_for_selector(".sync-bulk")
    assert "共 120 条" in page.locator(".sync-summary").inner_text()
    page.screenshot(path=str(screenshot_dir / f"sync-review-cause-{width}.png"), full_page=False)
    page.locator(".sync-bulk .btn").click()
    page.wait_for_selector(".sync-confirm")
    assert "120" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / f"sync-review-dismiss-{width}.png"), full_page=True)
    page.locator(".sync-confirm button[type=submit]").click()
    page.wait_for_selector(".flash-success")
    assert page.locator(".tabs a[aria-current=page] .tag").inner_text() == "4"
