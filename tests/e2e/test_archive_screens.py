"""The archive pages in Chromium at phone and tablet widths: no sideways scrolling, screenshots to look at."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from webapp.archive.models import Customer, Device
from webapp.demo import load_demo_data
from webapp.extensions import db

WIDTHS = (360, 800)


@pytest.fixture
def demo(live_app):
    """The demo district, plus one device edit so the audit log has an old → new value."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        # the first school (by name) with devices: a project's school may have none yet
        device = db.session.scalars(
            select(Device).join(Customer, Customer.id == Device.customer_id).order_by(Customer.name, Device.name)
        ).first()
        customer = db.session.get(Customer, device.customer_id)
        device.software_version = "V9.9.9"
        db.session.commit()
        return {"customer_id": customer.id, "device_id": device.id, "cabinet_id": device.cabinet_id}


def sign_in(page, base_url: str, username: str = "super") -> None:
    """Sign in through the sign-in page, in English."""
    page.goto(base_url + "/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def bad_workbook(path) -> None:
    """An .xlsx with a few wrong rows, for the import report."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Device name", "Category", "Quantity", "Serial number", "Install date", "Warranty end", "Cabinet"])
    ws.append(["", "camera", 1, "X1", "2024-01-01", "2023-01-01", "No such cabinet"])
    ws.append(["Switch 2", "toaster", 0, "X1", "yesterday", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())


def assert_no_sideways_scroll(page) -> None:
    """Nothing sticks out to the right."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


SMALL_TARGETS = """() => [...document.querySelectorAll(
  'main .btn, main button, main summary, main input:not([type=hidden]), main select, main .chips a, main .crumbs a, main .list-item > a')]
  .filter(el => el.offsetParent !== null)
  .map(el => (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el)
  .filter(el => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(el => el.outerHTML.slice(0, 80))"""


def assert_big_touch_targets(page) -> None:
    """Buttons, fields, disclosure toggles and list links are big enough for gloved fingers."""
    assert page.evaluate(SMALL_TARGETS) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_archive_pages_fit_phone_and_tablet(live_server, page, demo, screenshot_dir, tmp_path, width):
    """Customer list and page, device page and search, a form with errors, import report, audit log."""
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    sign_in(page, base)
    shots = [
        ("customer-list", "/customers"),
        ("customer-page", f"/customers/{demo['customer_id']}"),
        ("device-page", f"/devices/{demo['device_id']}"),
        ("cabinet-page", f"/cabinets/{demo['cabinet_id']}"),
        ("device-search", "/devices?q=%E6%B5%B7%E5%BA%B7"),
        ("audit-log", "/audit"),
    ]
    for name, path in shots:
        page.goto(base + path)
        assert_no_sideways_scroll(page)
        assert_big_touch_targets(page)
        page.screenshot(path=str(screenshot_dir / f"archive-{name}-{width}.png"), full_page=True)

    page.goto(base + f"/archive/device/{demo['device_id']}/edit")
    page.fill("#name", "")
    page.fill("#quantity", "0")
    page.fill("#install_date", "2024-05-01")
    page.fill("#warranty_end", "2024-01-01")
    page.click("main form button[type=submit]")
    assert page.locator(".field.has-error").count() >= 2
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"archive-form-errors-{width}.png"), full_page=True)

    upload = tmp_path / "bad.xlsx"
    bad_workbook(upload)
    page.goto(base + f"/customers/{demo['customer_id']}/devices/import")
    page.set_input_files("#file", str(upload))
    page.click("main form[enctype] button[type=submit]")
    assert page.locator(".report tbody tr").count() >= 5
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"archive-import-report-{width}.png"), full_page=True)


def test_customer_and_device_pages_fit_a_phone_in_chinese(live_server, page, demo, screenshot_dir):
    """In Chinese (the default language) the customer and device pages fit 360 px too."""
    page.set_viewport_size({"width": 360, "height": 900})
    sign_in(page, live_server.url)
    for name, path in (("customer-page", f"/customers/{demo['customer_id']}"), ("device-page", f"/devices/{demo['device_id']}")):
        page.goto(live_server.url + path + "?lang=zh")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(screenshot_dir / f"archive-{name}-zh-360.png"), full_page=True)
