"""The field app's sync in a real Chromium against the real server: pull from other devices,
an expired sign-in mid-sync, another user on the same device, a lost response, a rejected
item, two tabs, and the export of unsynced items."""
from __future__ import annotations

import base64
import re
import hashlib
import json
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.support.field_app import (
    ForeignHostGuard,
    api_client,
    outbox,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_diary_entry,
    write_photo,
)
from tests.support.factories import make_user
from webapp.extensions import db


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def app_page(browser, live_server, field_data):
    """A phone-sized page of the field app, signed in, pulled, under the service worker."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    guard = ForeignHostGuard(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    yield page
    assert guard.attempts == []
    context.close()


def counts(app, entry_id: str) -> tuple[int, int, int]:
    """How many diary entries with this id, and photos and signatures on it, the server holds."""
    from webapp.documents.models import Photo, Signature
    from webapp.maintenance.diary import DiaryEntry

    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(DiaryEntry).where(DiaryEntry.id == entry_id))
        photos = db.session.scalar(select(func.count()).select_from(Photo).where(Photo.document_id == entry_id))
        signatures = db.session.scalar(select(func.count()).select_from(Signature).where(Signature.document_id == entry_id))
        return entries, photos, signatures


def sync_now(page, base_url: str) -> None:
    """Open the sync page and press "Sync now"; wait for the round to end."""
    before = page.evaluate("Date.now()")
    page.goto(f"{base_url}/app/sync")
    page.wait_for_selector("[data-action=sync-now]")
    wait_until(page, lambda: page.evaluate("!document.querySelector('[data-action=sync-now]').disabled"))
    page.click("[data-action=sync-now]")
    wait_until(page, lambda: page.evaluate(
        "async (t) => { const r = indexedDB.open('field-app'); await new Promise(x => r.onsuccess = x);"
        " const q = r.result.transaction('meta').objectStore('meta').get('lastSync'); await new Promise(x => q.onsuccess = x);"
        " r.result.close(); return Boolean(q.result) && Date.parse(q.result.value) >= t; }", before))


def test_second_devices_changes_reach_the_first_by_pull(app_page, live_server, live_app, field_data):
    """A diary entry pushed from the technician's other device and an office edit of the device
    both show on the phone after it syncs."""
    from webapp.archive.models import Device

    other, token = api_client(live_app, field_data.tech_username)
    entry_id = str(uuid.uuid4())
    mutation = {"seq": 1, "kind": "diary_entry", "op": "create", "id": entry_id, "base_version": None,
                "data": {"customer_id": field_data.customer_id, "date": "2026-11-20", "text": "平板上写的巡检记录：机柜风扇正常。",
                         "device_id": field_data.device_id}, "blobs": {}}
    pushed = other.post("/api/sync/push", json={"client_id": "7ab1e700-0000-4000-8000-000000000001", "mutations": [mutation]},
                        headers={"X-CSRFToken": token})
    assert pushed.get_json()["results"][0]["status"] == "applied"

    with live_app.app_context():
        device = db.session.get(Device, field_data.device_id)
        device.software_version = "V5.7.15 build 251020"
        db.session.commit()

    sync_now(app_page, live_server.url)
    app_page.goto(f"{live_server.url}/app/devices/{field_data.device_id}")
    app_page.wait_for_selector("html[data-ready]")
    assert app_page.locator("text=V5.7.15 build 251020").count() == 1
    app_page.click(f"a[href='/app/diary/{entry_id}']")
    app_page.wait_for_selector(".diary-text")
    assert "机柜风扇正常" in app_page.locator(".diary-text").inner_text()


def test_expired_sign_in_mid_sync_keeps_every_entry(app_page, live_server, live_app, field_data, tmp_path):
    """The session ends after the first upload: sync pauses with "sign in again", every entry
    stays queued; after signing in each one reaches the server once."""
    page = app_page
    context = page.context
    context.set_offline(True)
    entry_id = write_diary_entry(page, live_server.url, f"/app/devices/{field_data.device_id}", "更换交换机电源。",
                                 photo=write_photo(tmp_path / "p.jpg"), signer="吴敏")
    assert len(outbox(page)) == 3

    answered = []

    def expire_after_first_upload(route):
        """Once the first image is stored, the server stops accepting the session (its key rotates)."""
        response = route.fetch()
        if not answered:
            live_app.secret_key = "rotated-after-the-first-upload"
        answered.append((route.request.method, response.status))
        route.fulfill(response=response)

    context.route("**/api/sync/blobs/*", expire_after_first_upload)
    context.set_offline(False)
    page.wait_for_selector("[data-banner=auth]:not([hidden])", timeout=20000)
    assert answered[0] == ("PUT", 201), answered
    entries = outbox(page)
    assert len(entries) == 3 and {e["state"] for e in entries} == {"queued"}
    assert counts(live_app, entry_id) == (0, 0, 0)
    expect(page.locator(".topbar [data-sync-count]")).to_have_text("3")
    context.unroute("**/api/sync/blobs/*")

    page.click("[data-banner=auth] a")
    page.fill("#username", field_data.tech_username)
    page.fill("#password", "Str0ng-pass!")
    page.click("button[type=submit]")
    page.wait_for_url("**/app/sync")
    page.wait_for_selector("html[data-ready]")
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    assert counts(live_app, entry_id) == (1, 1, 1)
    page.wait_for_selector("[data-banner=auth]", state="hidden")


def test_a_temporary_password_pauses_sync_until_the_technician_chooses_one(
        app_page, live_server, live_app, field_data, screenshot_dir):
    """The head resets the technician's password while a diary entry waits offline. Signing in
    again with the temporary password, the tablet says sync waits for a new password (not an
    error that retries); after choosing one the tablet is back on its sync page and the entry
    arrives once."""
    from webapp.auth.models import User
    from webapp.auth.staff import reset_to_temporary

    page = app_page
    page.context.set_offline(True)
    entry_id = write_diary_entry(page, live_server.url, f"/app/devices/{field_data.device_id}", "临时密码期间写的记录。")
    with live_app.app_context():
        head = make_user("supervisor", username="head2")
        tech = db.session.get(User, field_data.tech_id)
        temporary = reset_to_temporary(head, tech)
        db.session.commit()
    page.context.set_offline(False)
    page.wait_for_selector("[data-banner=auth]:not([hidden])")
    page.click("[data-banner=auth] a")
    page.fill("#username", field_data.tech_username)
    page.fill("#password", temporary)
    page.click("button[type=submit]")
    page.wait_for_url("**/app/sync")
    page.wait_for_selector("[data-banner=password]:not([hidden])")
    expect(page.locator("[data-banner=auth]")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("temporary password")
    expect(page.locator("main")).not_to_contain_text("sign-in has expired")
    page.screenshot(path=str(screenshot_dir / "temporary-password-banner-360.png"))
    assert {e["state"] for e in outbox(page)} == {"queued"} and counts(live_app, entry_id) == (0, 0, 0)

    page.click("[data-banner=password] a")
    page.fill("#current_password", temporary)
    page.fill("#new_password", "An0ther-str0ng-pass")
    page.fill("#confirm", "An0ther-str0ng-pass")
    page.click("main button[type=submit]")
    page.wait_for_url("**/app/sync")
    page.wait_for_selector("html[data-ready]")
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    assert counts(live_app, entry_id)[0] == 1
    page.wait_for_selector("[data-banner=password]", state="hidden")


def test_another_user_signing_in_does_not_push_the_first_users_outbox(app_page, live_server, live_app, field_data):
    """Technician A's queued entry stays on the device, unsent, while technician B uses it;
    it goes when A signs in again."""
    page = app_page
    context = page.context
    with live_app.app_context():
        other = make_user(username="tech2")
        other_id = other.id
    context.set_offline(True)
    entry_id = write_diary_entry(page, live_server.url, f"/app/customers/{field_data.customer_id}", "交接前的记录。")
    context.clear_cookies()
    context.set_offline(False)

    sign_in(page, live_server.url, "tech2", next_path="/app/sync")
    wait_until(page, lambda: (page.evaluate(
        "async () => { const r = indexedDB.open('field-app'); await new Promise(x => r.onsuccess = x);"
        " const q = r.result.transaction('meta').objectStore('meta').get('user'); await new Promise(x => q.onsuccess = x);"
        " r.result.close(); return q.result && q.result.value.id; }") == other_id))
    sync_now(page, live_server.url)
    assert counts(live_app, entry_id) == (0, 0, 0)
    assert not any(r.startswith("POST /api/sync/push") for r in live_server.requests)
    waiting = [e for e in outbox(page) if e["state"] == "queued"]
    assert [e["user_id"] for e in waiting] == [field_data.tech_id]
    assert "Items of another user waiting on this device: 1" in page.locator("main").inner_text()
    page.click(".tabbar a[data-section=customers]")
    page.wait_for_selector("text=No customers are assigned to you yet.")

    context.clear_cookies()
    sign_in(page, live_server.url, field_data.tech_username, next_path="/app/sync")
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    assert counts(live_app, entry_id) == (1, 0, 0)


def test_lost_response_is_resent_and_counted_once(app_page, live_server, live_app, field_data):
    """The server commits a push but the answer never arrives: the app resends, the server
    answers duplicate, and there is one entry."""
    from sync.models import AppliedMutation

    page = app_page
    lost = []

    def lose_first_answer(route):
        """Deliver the first push to the server, drop its response."""
        if not lost:
            route.fetch()
            lost.append(True)
            route.abort("connectionreset")
            return
        route.continue_()

    page.context.route("**/api/sync/push", lose_first_answer)
    entry_id = write_diary_entry(page, live_server.url, f"/app/cabinets/{field_data.cabinet_id}", "机柜除尘。")
    wait_until(page, lambda: bool(lost))
    wait_until(page, lambda: counts(live_app, entry_id)[0] == 1)
    sync_now(page, live_server.url)
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    assert counts(live_app, entry_id) == (1, 0, 0)
    with live_app.app_context():
        applied = db.session.scalars(select(AppliedMutation).where(AppliedMutation.record_id == entry_id)).all()
        assert len(applied) == 1
    assert page.locator(".outbox-item[data-state=synced]").count() == 1


def test_rejected_item_is_kept_with_the_servers_reason(app_page, live_server, live_app, field_data):
    """An entry the server refuses (a date before 2000) stays on the device as rejected, with
    the server's reason on the sync page, and still counts as unsynced."""
    page = app_page
    entry_id = write_diary_entry(page, live_server.url, f"/app/customers/{field_data.customer_id}", "日期写错的记录。",
                                 day="1999-12-31")
    wait_until(page, lambda: [e["state"] for e in outbox(page)] == ["rejected"])
    page.goto(f"{live_server.url}/app/sync")
    item = page.locator(".outbox-item[data-state=rejected]")
    item.wait_for()
    assert "date" in item.locator(".reasons").inner_text()
    expect(page.locator(".topbar [data-sync-count]")).to_have_text("1")
    assert counts(live_app, entry_id) == (0, 0, 0)


def test_two_tabs_push_once(browser, live_server, live_app, field_data):
    """Two open tabs come back online together: one push reaches the server (Web Locks)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    first = context.new_page()
    sign_in(first, live_server.url, field_data.tech_username)
    wait_for_worker(first)
    wait_for_sync(first)
    second = context.new_page()
    second.goto(f"{live_server.url}/app/sync")
    second.wait_for_selector("html[data-ready]")
    context.set_offline(True)
    entry_id = write_diary_entry(first, live_server.url, f"/app/customers/{field_data.customer_id}", "两个标签页。")
    first.goto(f"{live_server.url}/app/sync")
    first.wait_for_selector("html[data-ready]")
    context.set_offline(False)
    wait_until(first, lambda: {e["state"] for e in outbox(first)} == {"synced"})
    second.wait_for_selector(".outbox-item[data-state=synced]")
    assert counts(live_app, entry_id) == (1, 0, 0)
    assert sum(1 for r in live_server.requests if r.startswith("POST /api/sync/push")) == 1
    context.close()


def test_export_of_unsynced_items_holds_mutations_and_blobs(app_page, live_server, field_data, tmp_path):
    """"Export unsynced items" downloads a JSON file with every queued mutation and the images
    they name, whose bytes hash to the names."""
    page = app_page
    page.context.set_offline(True)
    write_diary_entry(page, live_server.url, f"/app/devices/{field_data.device_id}", "离线导出。",
                      photo=write_photo(tmp_path / "p.jpg", 1200, 900), signer="周建国")
    page.goto(f"{live_server.url}/app/sync")
    page.wait_for_selector("[data-action=export]")
    with page.expect_download() as download_info:
        page.click("[data-action=export]")
    exported = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert sorted(m["kind"] for m in exported["mutations"]) == ["diary_entry", "photo", "signature"]
    named = {sha for m in exported["mutations"] for sha in m["blobs"].values()}
    assert set(exported["blobs"]) == named and len(named) == 2
    for sha, blob in exported["blobs"].items():
        assert hashlib.sha256(base64.b64decode(blob["base64"])).hexdigest() == sha


def test_a_diary_entry_without_text_is_refused_on_the_device(app_page, live_server, field_data):
    """Saving an empty entry says what is missing, in the form's alert line; nothing is queued."""
    page = app_page
    page.goto(f"{live_server.url}/app/devices/{field_data.device_id}")
    page.click("text=New diary entry")
    page.wait_for_selector("#diary_text")
    before = len(outbox(page))
    page.click("button[type=submit]")
    alert = page.locator("form.diary-form p.error[role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_have_text("Write what you did today.")
    assert len(outbox(page)) == before
    page.fill("#diary_text", "检查了机柜温度。")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/diary/[0-9a-f-]{36}$"))
