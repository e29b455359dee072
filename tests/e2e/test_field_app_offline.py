"""The field app's working day without a network, in a real Chromium: pull, go offline, reload,
scan a label with the camera, write a signed diary entry with a photo, and see it reach the
server exactly once when the network comes back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.field_app import (
    ForeignHostGuard,
    alpha_histogram,
    canonical_sha256,
    draw_signature,
    heard_since,
    image_size,
    outbox,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_photo,
    write_qr_y4m,
)
from webapp.extensions import db


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def camera_browser(browser_type, browser_type_launch_args, tmp_path, live_server, field_data):
    """A Chromium whose camera plays a video of the device's QR label."""
    video = write_qr_y4m(tmp_path / "label.y4m", f"{live_server.url}/q/{field_data.device_token}")
    args = [
        *browser_type_launch_args["args"],
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def stored_blob(app, sha256: str) -> bytes:
    """The bytes the server keeps for an uploaded blob."""
    from webapp.documents.models import Blob
    from webapp.documents.storage import storage_for

    with app.app_context():
        blob = db.session.get(Blob, sha256)
        assert blob is not None, f"blob {sha256} not on the server"
        return storage_for(app).get(blob.stored_sha256)


def test_offline_day_reaches_the_server_exactly_once(live_server, live_app, field_data, camera_browser, tmp_path):
    """Pull, go offline (the server hears nothing), reload, scan, write a signed entry with a
    photo, reload again (the outbox keeps it), go online: one entry, one photo, one signature
    whose PNG has ink on a transparent ground; no request left for another host."""
    from webapp.documents.models import Photo, Signature
    from webapp.maintenance.diary import DiaryEntry

    context = camera_browser.new_context(viewport={"width": 360, "height": 740}, permissions=["camera"])
    guard = ForeignHostGuard(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    page.wait_for_selector(f"text={field_data.customer_name}")
    wait_for_sync(page)

    context.set_offline(True)
    heard_before = len(live_server.requests)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_selector(f"text={field_data.customer_name}")

    page.click(".tabbar a[data-section=scan]")
    page.wait_for_url(f"**/app/devices/{field_data.device_id}")
    expect(page.locator("main h1")).to_have_text(field_data.device_name)

    page.click("text=New diary entry")
    page.fill("#diary_text", "检查大门摄像机，清洁镜头，画面恢复清晰。")
    page.set_input_files("#photo_pick", str(write_photo(tmp_path / "photo.jpg")))
    page.wait_for_selector(".thumb img")
    draw_signature(page)
    page.fill("#signer_name", "周建国")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Signed — locked")
    entry_id = page.url.rsplit("/", 1)[-1]

    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_selector("[data-state=queued]")
    queued = outbox(page)
    assert sorted(e["kind"] for e in queued) == ["diary_entry", "photo", "signature"]
    assert {e["state"] for e in queued} == {"queued"}
    expect(page.locator(".topbar [data-sync-count]")).to_have_text("3")
    assert page.evaluate("document.querySelector('img.photo').naturalWidth") > 0
    assert heard_since(live_server, heard_before) == [], "the server heard from the device while it was offline"

    context.set_offline(False)
    page.wait_for_selector("[data-state=synced]", timeout=20000)
    wait_for_sync(page)
    assert {e["state"] for e in outbox(page)} == {"synced"}
    assert page.locator(".topbar [data-sync-badge]").is_hidden()
    wait_until(page, lambda: page.evaluate("document.querySelector('img.photo') && document.querySelector('img.photo').naturalWidth > 0"))

    with live_app.app_context():
        entries = db.session.scalars(select(DiaryEntry).where(DiaryEntry.customer_id == field_data.customer_id)).all()
        assert [e.id for e in entries] == [entry_id]
        entry = entries[0]
        assert entry.device_id == field_data.device_id and entry.cabinet_id == field_data.cabinet_id
        signatures = db.session.scalars(select(Signature).where(Signature.document_id == entry_id)).all()
        photos = db.session.scalars(select(Photo).where(Photo.document_id == entry_id)).all()
        assert len(signatures) == 1 and len(photos) == 1
        signature, photo = signatures[0], photos[0]
        assert signature.complete and photo.complete
        assert signature.signer_name == "周建国"
        content = {"customer_id": entry.customer_id, "date": entry.date.isoformat(), "text": entry.text,
                   "cabinet_id": entry.cabinet_id, "device_id": entry.device_id, "supersedes": entry.supersedes}
        assert signature.content_sha256 == canonical_sha256("diary_entry", entry_id, content)
        signature_sha, photo_sha = signature.image_sha256, photo.image_sha256

    inked, blank = alpha_histogram(stored_blob(live_app, signature_sha))
    assert inked > 150, "the signature PNG lost its strokes"
    assert blank > inked, "the signature PNG lost its transparent background"
    kind, width, height = image_size(stored_blob(live_app, photo_sha))
    assert kind == "JPEG" and max(width, height) == 1600

    assert guard.attempts == []
    context.close()


def test_app_opens_offline_after_the_tab_is_closed(live_server, field_data, browser):
    """Close the tab, go offline, open a new one: the customer page renders from IndexedDB."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    guard = ForeignHostGuard(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    page.wait_for_selector(f"text={field_data.customer_name}")
    page.close()

    context.set_offline(True)
    heard_before = len(live_server.requests)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/customers/{field_data.customer_id}")
    page.wait_for_selector("html[data-ready]")
    expect(page.locator("main h1")).to_have_text(field_data.customer_name)
    assert page.locator(f"text={field_data.cabinet_name}").count() >= 1
    assert page.locator("[data-banner=offline]").is_visible()
    assert heard_since(live_server, heard_before) == []
    assert guard.attempts == []
    context.close()


def test_app_opens_offline_after_a_browser_restart(live_server, field_data, browser_type, browser_type_launch_args, tmp_path):
    """Quit the browser, lose the server too, start the browser again on the same profile with
    no network: the device page opens from the device's own data. (The server is stopped
    rather than only emulating offline: a worker started by the first navigation of a fresh
    browser can fetch before DevTools' offline emulation reaches it.)"""
    profile = tmp_path / "profile"
    context = browser_type.launch_persistent_context(str(profile), viewport={"width": 360, "height": 740}, **browser_type_launch_args)
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    context.close()
    live_server.stop()

    context = browser_type.launch_persistent_context(str(profile), viewport={"width": 360, "height": 740}, **browser_type_launch_args)
    guard = ForeignHostGuard(context, live_server.url)
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{live_server.url}/app/devices/{field_data.device_id}")
    page.wait_for_selector("html[data-ready]")
    expect(page.locator("main h1")).to_have_text(field_data.device_name)
    assert page.locator("text=大门摄像机画面模糊").count() == 1
    assert guard.attempts == []
    context.close()


def test_label_url_opened_offline_resolves_on_the_device(live_server, field_data, browser):
    """/q/<token> from the phone's camera app, offline: the worker answers with the shell and
    the token opens the cabinet; an unknown token says so and offers a search."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)

    context.set_offline(True)
    page.goto(f"{live_server.url}/q/{field_data.cabinet_token}")
    page.wait_for_url(f"**/app/cabinets/{field_data.cabinet_id}")
    expect(page.locator("main h1")).to_have_text(field_data.cabinet_name)

    page.goto(f"{live_server.url}/q/Zz9Unknown7Token")
    page.wait_for_selector(".not-found")
    assert "This label is not on this device" in page.locator(".not-found h2").inner_text()
    search = page.locator(".not-found input[type=search]")
    assert search.input_value() == "Zz9Unkno"
    context.close()


def test_short_code_opens_the_device(live_server, field_data, browser):
    """Typing the 8-character code printed under the QR (in capitals, as people do) opens the device, offline."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    context.set_offline(True)
    page.goto(f"{live_server.url}/app/scan")
    page.wait_for_selector("#short_code")
    page.fill("#short_code", field_data.device_token[:8].upper())
    page.click(".code-form button[type=submit]")
    page.wait_for_url(f"**/app/devices/{field_data.device_id}")
    expect(page.locator("main h1")).to_have_text(field_data.device_name)
    context.close()
