"""Screenshots of the field app's pages on a phone (360×740) and a tablet (800×1280), for
people to look at; each page must fit its width with no sideways scrolling."""
from __future__ import annotations

import pytest

from tests.support.field_app import (
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_photo,
)

VIEWPORTS = [(360, 740), (800, 1280)]


pytestmark = pytest.mark.usefixtures("built_assets")


def shoot(page, screenshot_dir, name: str, width: int) -> None:
    """Save a full-page screenshot and check nothing sticks out sideways."""
    page.wait_for_timeout(150)
    page.screenshot(path=str(screenshot_dir / f"field-app-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways at {width}px"


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_field_app_pages_fit_the_screen(live_server, field_data, browser, screenshot_dir, tmp_path, width, height):
    """Today, customers, customer, cabinet, device, diary form and entry, scanner, unknown
    label, sync page, offline page and the Chinese shell, at phone and tablet widths."""
    from tests.support.field_app import draw_signature

    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    base = live_server.url

    def visit(path: str, name: str, ready: str = "main h1") -> None:
        """Open an app page (client-side) and shoot it."""
        page.goto(f"{base}{path}")
        page.wait_for_selector("html[data-ready]")
        page.wait_for_selector(ready)
        shoot(page, screenshot_dir, name, width)

    visit("/app/", "today", f"text={field_data.customer_name}")
    visit("/app/customers", "customers")
    visit(f"/app/customers/{field_data.customer_id}", "customer")
    visit(f"/app/cabinets/{field_data.cabinet_id}", "cabinet")
    visit(f"/app/devices/{field_data.device_id}", "device")

    context.set_offline(True)
    page.goto(f"{base}/app/devices/{field_data.device_id}")
    page.wait_for_selector("html[data-ready]")
    page.click("text=New diary entry")
    page.fill("#diary_text", "检查大门摄像机，清洁镜头；核心交换机端口指示灯正常。\n下午与信息中心周老师确认网络巡检安排。")
    page.set_input_files("#photo_pick", [str(write_photo(tmp_path / "a.jpg")), str(write_photo(tmp_path / "b.jpg", 1200, 1600))])
    page.wait_for_selector(".thumb:nth-child(2) img")
    draw_signature(page)
    page.fill("#signer_name", "周建国")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, screenshot_dir, "diary-form", width)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Signed — locked")
    wait_until(page, lambda: page.evaluate("[...document.querySelectorAll('img.photo, img.signature-image')].every((i) => i.complete && i.naturalWidth > 0)"))
    shoot(page, screenshot_dir, "diary-entry", width)

    visit("/app/sync", "sync-queued", ".outbox-item")
    visit("/app/scan", "scan", "#short_code")
    page.wait_for_selector("text=The camera is not available")
    shoot(page, screenshot_dir, "scan", width)
    visit("/q/Zz9Unknown7Token", "label-unknown", ".not-found")
    page.goto(f"{base}/")
    page.wait_for_selector("h1")
    shoot(page, screenshot_dir, "offline-page", width)

    context.set_offline(False)
    visit("/app/sync", "sync-done", ".outbox-item[data-state=synced]")
    page.goto(f"{base}/app/?lang=zh")
    page.wait_for_selector("html[lang=zh-CN][data-ready]")
    page.wait_for_selector(f"text={field_data.customer_name}")
    shoot(page, screenshot_dir, "today-zh", width)
    context.close()
