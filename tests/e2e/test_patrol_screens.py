"""Patrol pages in Chromium at phone (360 px) and tablet (800 px) widths, with screenshots: the
office's review list, a signed sheet, quality checks, figures; the field app's Today with visits,
a sheet being filled and a saved sheet."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.support.maintenance import patrol_answers, patrol_school, sheet_mutation, sign_mutation, signature_png
from tests.support.field_device import FieldDevice, jpeg_bytes, sha256
from tests.support.field_app import sign_in, wait_for_sync
from tests.support.factories import PASSWORD, make_sheet, make_user
from webapp.auth.models import Role
from webapp.extensions import db

WIDTHS = (360, 800)


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def patrols(live_app):
    """A school with a signed patrol sheet (one finding), a spot check, and the office's people."""
    from webapp.maintenance.services import current_templates

    with live_app.app_context(), live_app.test_request_context():
        school = patrol_school()
        tablet = FieldDevice(live_app.test_client(), school.tech)
        photo = jpeg_bytes(800, 600, seed=5)
        tablet.put_blob(photo)
        pushed = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(photo)))]).get_json()
        sheet_id = pushed["results"][0]["id"]
        image = signature_png()
        tablet.put_blob(image)
        tablet.push([sign_mutation(tablet, sheet_id, image)])
        quality = make_user(Role.QUALITY, username="quality1")
        (spot,) = current_templates("spot_check")
        make_sheet(quality, spot, school.customer, {
            "diary_kept": {"value": "yes"}, "patrol_matches": {"value": "flag", "note": "3月巡查表缺少客户签字"},
            "archive_current": {"value": "pass"}, "devices_sampled": {"value": "pass"},
            "tidiness": {"value": "fail", "note": "2号机柜线缆杂乱，无标签", "photo_ids": [sha256(photo)]},
            "school_view": {"value": "fair"}}, site_id=school.site.id, finished_at=datetime.now(timezone.utc))
        make_user(Role.SUPERVISOR, username="head1")
        db.session.commit()
        return {"sheet": sheet_id, "tech": school.tech.username, "visit": school.visit.id}


def _login(page, base_url: str, username: str) -> None:
    """Sign in through the form, in English."""
    page.goto(f"{base_url}/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _shoot(page, url: str, name: str, screenshot_dir, ready: str = "main") -> None:
    """Open a page at each width, check nothing scrolls sideways, and save a full-page screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_selector(ready)
        page.screenshot(path=str(screenshot_dir / f"patrol-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways at {width}px by {overflow}px"


def test_office_patrol_pages_fit_phone_and_tablet(live_server, page, screenshot_dir, patrols):
    """Review list, the signed sheet, quality checks and figures: no sideways scrolling."""
    _login(page, live_server.url, "head1")
    base = live_server.url
    _shoot(page, f"{base}/maintenance/review", "review", screenshot_dir, ".review-items")
    _shoot(page, f"{base}/maintenance/sheets/{patrols['sheet']}", "sheet", screenshot_dir, "a[data-pdf]")
    _shoot(page, f"{base}/maintenance/quality", "quality", screenshot_dir, ".quality-site")
    _shoot(page, f"{base}/maintenance/figures", "figures", screenshot_dir, "table.data")


def test_field_app_patrol_screens_fit_phone_and_tablet(live_server, page, screenshot_dir, patrols):
    """Today with visits, the sheet form and a saved sheet in the field app: no sideways scrolling,
    every button at least 44 px tall."""
    sign_in(page, live_server.url, patrols["tech"])
    wait_for_sync(page)
    base = live_server.url
    _shoot(page, f"{base}/app/", "app-today", screenshot_dir, "[data-section=visits]")
    _shoot(page, f"{base}/app/sheets/{patrols['sheet']}", "app-sheet", screenshot_dir, ".sheet-view")
    _shoot(page, f"{base}/app/sheets/new?template=" + page.evaluate(
        """async () => {
          const db = await new Promise((ok) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); });
          const rows = await new Promise((ok) => { const q = db.transaction('records').objectStore('records').index('by_kind').getAll('checklist_template'); q.onsuccess = () => ok(q.result); });
          return rows.find((r) => r.data.template_key === 'spot_check').id;
        }""") + "&customer=" + page.evaluate(
        """async () => {
          const db = await new Promise((ok) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); });
          const rows = await new Promise((ok) => { const q = db.transaction('records').objectStore('records').index('by_kind').getAll('customer'); q.onsuccess = () => ok(q.result); });
          return rows[0].id;
        }"""), "app-form", screenshot_dir, "form.sheet-form")
    form_url = page.url
    page.goto(f"{base}/app/?lang=zh")
    page.wait_for_selector("html[data-ready]")
    _shoot(page, form_url, "app-form-zh", screenshot_dir, "form.sheet-form")
    finding = page.locator(".sheet-item:has(label.tone-bad)").first
    finding.locator("label.tone-bad").click()
    finding.locator(".make-ticket").click()
    expect(finding.locator(".note-field textarea")).to_be_visible()
    expect(finding.locator(".ticket-panel textarea")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"patrol-app-form-zh-finding-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    small = page.evaluate(
        """() => [...document.querySelectorAll('form.sheet-form .btn, form.sheet-form .seg-option label')]
              .filter((el) => el.offsetParent && el.getBoundingClientRect().height < 44).map((el) => el.textContent)""")
    assert small == []
