"""A tablet after the server was restored from a backup older than its last sync (SYNC.md, the
device side): what the server lost is resent from the device once, and the device downloads
the restored server's data again; and when sync keeps failing the sync page says so plainly."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.api.test_backup_restore import wipe
from tests.support.live_server import LiveServer
from tests.support.field_app import (
    meta,
    outbox,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_diary_entry,
    write_photo,
)
from webapp import backup
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def tablet(browser, live_server, field_data):
    """The technician's tablet, signed in and synced."""
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    yield page
    context.close()


def sync_now(page, base_url: str) -> None:
    """Press "Sync now" on the sync page and wait until that round has ended well."""
    before = meta(page, "lastSync")
    page.goto(f"{base_url}/app/sync")
    wait_until(page, lambda: page.evaluate("document.querySelector('[data-action=sync-now]')?.disabled === false"))
    page.click("[data-action=sync-now]")
    wait_for_sync(page, after=before)


def restore_from(live_app, live_server, folder) -> LiveServer:
    """Stop the server, lose its database and files, restore the backup, serve again on the same origin."""
    live_server.pause()
    with live_app.app_context():
        wipe(live_app)
        backup.restore_backup(folder)
    live_server.resume()
    return live_server


def diary_texts(live_app, customer_id: str) -> list[tuple[str, str]]:
    """(id, text) of every diary entry the server holds for a customer."""
    from webapp.maintenance.diary import DiaryEntry

    with live_app.app_context():
        rows = db.session.scalars(select(DiaryEntry).where(DiaryEntry.customer_id == customer_id)).all()
        return sorted((r.id, r.text) for r in rows)


def test_work_the_restored_server_lost_is_resent_once(tablet, live_server, live_app, field_data, tmp_path):
    """Entries acknowledged after the backup (one with a photo) reach the restored server once, from
    the device, with the same seqs; the device re-downloads and shows everything."""
    page, url = tablet, live_server.url
    before = write_diary_entry(page, url, f"/app/customers/{field_data.customer_id}", "备份前：巡检机房。")
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    with live_app.app_context():
        backup.create_backup(tmp_path / "nightly")
    after = [
        write_diary_entry(page, url, f"/app/devices/{field_data.device_id}", "备份后：更换摄像机电源。",
                          photo=write_photo(tmp_path / "p.jpg", 800, 600)),
        write_diary_entry(page, url, f"/app/customers/{field_data.customer_id}", "备份后：回访吴老师。"),
    ]
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    acknowledged = sorted((e["client_id"], e["seq"], e["kind"]) for e in outbox(page))
    held = diary_texts(live_app, field_data.customer_id)

    server = restore_from(live_app, live_server, tmp_path / "nightly")
    try:
        assert [i for i, _ in diary_texts(live_app, field_data.customer_id)] == [before]
        sync_now(page, server.url)

        assert diary_texts(live_app, field_data.customer_id) == held
        assert sorted((e["client_id"], e["seq"], e["kind"]) for e in outbox(page)) == acknowledged
        assert {e["state"] for e in outbox(page)} == {"synced"}
        assert meta(page, "restoreSeen")["requeued"] == len(acknowledged) - 1
        from webapp.documents.models import Photo

        with live_app.app_context():
            (photo,) = db.session.scalars(select(Photo).where(Photo.document_id == after[0])).all()
            assert photo.complete, "the photo's image was uploaded again"
        page.goto(f"{server.url}/app/customers/{field_data.customer_id}")
        for text in ("备份前：巡检机房。", "备份后：回访吴老师。"):
            expect(page.locator(f"text={text}")).to_be_visible()
    finally:
        server.stop()


def test_when_seqs_cannot_be_filled_the_kept_work_moves_to_a_new_client_id(
        tablet, live_server, live_app, field_data, tmp_path):
    """If an acknowledged entry is gone from the device (kept 30 days), what it still holds is sent under a new client id, once."""
    page, url = tablet, live_server.url
    with live_app.app_context():
        backup.create_backup(tmp_path / "nightly")
    write_diary_entry(page, url, f"/app/customers/{field_data.customer_id}", "已清理的旧记录。")
    kept = write_diary_entry(page, url, f"/app/customers/{field_data.customer_id}", "仍保存在设备上的记录。")
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    first = min(outbox(page), key=lambda e: e["seq"])
    page.evaluate(
        """async ([client, seq]) => {
          const r = indexedDB.open('field-app'); await new Promise((ok) => { r.onsuccess = ok; });
          const tx = r.result.transaction('outbox', 'readwrite'); tx.objectStore('outbox').delete([client, seq]);
          await new Promise((ok) => { tx.oncomplete = ok; }); r.result.close();
        }""",
        [first["client_id"], first["seq"]],
    )

    server = restore_from(live_app, live_server, tmp_path / "nightly")
    try:
        sync_now(page, server.url)
        (entry,) = outbox(page)
        assert entry["id"] == kept and entry["state"] == "synced"
        assert entry["client_id"] != first["client_id"] and entry["seq"] == 1
        assert [text for _, text in diary_texts(live_app, field_data.customer_id)] == ["仍保存在设备上的记录。"]
    finally:
        server.stop()


def test_sync_that_keeps_failing_says_so_and_offers_the_export(tablet, live_server, field_data, screenshot_dir):
    """Three failed rounds in a row: the sync page says sync is not working, why, that the items are safe, and offers the export."""
    page, url = tablet, live_server.url
    page.context.set_offline(True)
    write_diary_entry(page, url, f"/app/customers/{field_data.customer_id}", "服务器故障期间的记录。")
    page.context.route("**/api/sync/**", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": {"code": "unavailable", "message": "database down", "errors": {}, "details": {}}}'))
    page.context.set_offline(False)
    page.goto(f"{url}/app/sync")
    for attempt in range(1, 4):
        wait_until(page, lambda: page.evaluate("document.querySelector('[data-action=sync-now]')?.disabled === false"))
        page.click("[data-action=sync-now]")
        wait_until(page, lambda n=attempt: (meta(page, "failures") or 0) >= n)
    box = page.locator(".sync-failing")
    expect(box).to_contain_text("Sync is not working.")
    expect(box).to_contain_text("503 database down")
    expect(box).to_contain_text("Items waiting on this device: 1. They are safe here")
    expect(box.locator("[data-action=export]")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "sync-failing-800.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(screenshot_dir / "sync-failing-360.png"), full_page=True)
