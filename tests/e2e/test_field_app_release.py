"""A new release reaching a tablet that holds a day of unsynced work (SYNC.md, the device side):
new assets and a new IndexedDB version keep every queued mutation, image and open form, and the
work reaches the server exactly once."""
from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.field_app import (
    build_assets,
    draw_signature,
    meta,
    outbox,
    seed_field_data,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_photo,
)
from tests.support.factories import make_plan
from webapp.extensions import db

TABLET = {"width": 800, "height": 1280}
PUSH = re.compile(r".*/api/sync/push$")

pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def patrol_data(live_app):
    """The technician's school with this month's patrol visit due."""
    from webapp.archive.models import Customer
    from webapp.auth.models import User
    from webapp.maintenance.generation import generate_visits
    from webapp.maintenance.services import install_shipped_templates, local_today
    from webapp.repairs.services import next_ticket_number

    data = seed_field_data(live_app)
    with live_app.app_context(), live_app.test_request_context():
        install_shipped_templates()
        today = local_today()
        make_plan(db.session.get(Customer, data.customer_id), "monthly_patrol", db.session.get(User, data.tech_id),
                  start_date=date(today.year, today.month, 1))
        generate_visits(today, today=today)
        next_ticket_number(today.year)  # seed_field_data's open ticket holds the year's first number
        db.session.commit()
    return data


def fill_patrol_sheet(page, photos: list) -> None:
    """Every item of the monthly patrol; the hot room flagged with a note and photos; the customer signs."""
    for key in ("core_network", "wireless", "video_surveillance", "classroom_av", "cabinets"):
        page.click(f"label[for='a-{key}-pass']")
    page.fill("#a-recording_days", "45")
    page.check("#item-broadcast .na-toggle input")
    page.check("#item-access_control .na-toggle input")
    page.click("label[for='a-usage_effect-good']")
    page.fill("#a-ups_charge", "96")
    page.click("label[for='a-safety_hazards-no']")
    page.click("label[for='a-customer_satisfaction-satisfied']")
    page.fill("#a-findings", "机房空调制冷不足。")
    page.fill("#a-room_temperature", "35")
    page.press("#a-room_temperature", "Tab")
    page.fill("#note-room_temperature", "机房温度35°C")
    page.press("#note-room_temperature", "Tab")
    hot = page.locator("#item-room_temperature")
    for n, photo in enumerate(photos, start=1):
        page.set_input_files("#cam-room_temperature", str(photo))
        expect(hot.locator(".thumb img")).to_have_count(n)
    page.fill("#customer_opinion", "巡查仔细。")
    draw_signature(page)
    page.fill("#signer_name", "周建国")
    page.click("form.sheet-form button[type=submit]")
    page.wait_for_selector("text=Signed — locked")


def stored_blobs(page) -> list[str]:
    """The SHA-256 names of the images held on the device."""
    return page.evaluate(
        """async () => {
          const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
          const rows = await new Promise((ok) => { const q = db.transaction('blobs').objectStore('blobs').getAllKeys(); q.onsuccess = () => ok(q.result); });
          db.close();
          return rows.sort();
        }"""
    )


def db_version(page) -> int:
    """The IndexedDB version the device's database is at."""
    return page.evaluate(
        """async () => (await indexedDB.databases()).find((d) => d.name === 'field-app').version"""
    )


def test_next_release_keeps_queued_sheet_images_and_open_draft_and_syncs_once(
        live_server, live_app, patrol_data, browser, tmp_path, screenshot_dir):
    """Offline: a signed patrol sheet with two photos is queued and a diary entry is being typed. The
    next build (new assets, IndexedDB one version up) is served on the same origin; back online the
    update is offered without touching the open form; after it the database is migrated with every
    entry and image kept, and sheet, images and diary entry each arrive once."""
    from webapp.documents.models import Blob
    from webapp.maintenance.diary import DiaryEntry
    from webapp.maintenance.models import Inspection

    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, live_server.url, patrol_data.tech_username)
    wait_for_worker(page)
    first_sync = wait_for_sync(page)
    page.reload()
    wait_for_sync(page, after=first_sync)
    old_version = page.get_attribute("html", "data-version")
    old_db_version = db_version(page)

    context.set_offline(True)
    page.goto(f"{live_server.url}/app/cabinets/{patrol_data.cabinet_id}")
    page.click("a.start-visit")
    page.wait_for_selector("form.sheet-form")
    fill_patrol_sheet(page, [write_photo(tmp_path / "a.jpg", 1200, 900), write_photo(tmp_path / "b.jpg", 900, 1200)])
    sheet_id = page.url.rsplit("/", 1)[-1]
    page.goto(f"{live_server.url}/app/customers/{patrol_data.customer_id}")
    page.click("text=New diary entry")
    draft = "更换了大门摄像机的电源适配器，画面恢复清晰。"
    page.fill("#diary_text", draft)
    queued = outbox(page)
    images = stored_blobs(page)
    assert sorted(e["kind"] for e in queued) == ["inspection", "signature"] and len(images) == 3

    # The next release arrives: the server restarts on the same origin with another build.
    release = build_assets(tmp_path / "next", salt="next-release", db_version_bump=1)
    live_server.pause()
    live_app.config["PWA_DIST_DIR"] = str(tmp_path / "next")
    live_server.resume()
    server = live_server
    try:
        # Pushes fail for a while (a flaky network), so the work is still queued when the update runs.
        context.route(PUSH, lambda route: route.abort())
        context.set_offline(False)
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        page.wait_for_selector("[data-banner=update]:not([hidden])")
        page.click("[data-action=reload]")
        expect(page.locator("[data-update-note]")).to_be_visible()
        expect(page.locator("#diary_text")).to_have_value(draft)
        page.screenshot(path=str(screenshot_dir / "update-waits-for-form-800.png"))

        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/app/diary/[0-9a-f-]{36}$"))
        diary_id = page.url.rsplit("/", 1)[-1]
        with page.expect_navigation():
            page.click("[data-action=reload]")
        page.wait_for_selector("html[data-ready]")
        assert page.get_attribute("html", "data-version") == release["version"] != old_version
        assert db_version(page) == old_db_version + 1
        assert meta(page, "schema")["from"] == old_db_version
        # The new release's own first sync fails (pushes still refused); wait until it gave up.
        kept = wait_until(page, lambda: (rows := outbox(page)) and {e["state"] for e in rows} == {"queued"} and rows)
        assert sorted((e["kind"], e["seq"]) for e in kept) == sorted(
            [(e["kind"], e["seq"]) for e in queued] + [("diary_entry", max(e["seq"] for e in queued) + 1)])
        assert set(images) <= set(stored_blobs(page))

        context.unroute(PUSH)
        page.goto(f"{server.url}/app/sync")
        page.click("[data-action=sync-now]")
        wait_until(page, lambda: page.evaluate("() => document.querySelector('.unsynced-count')?.textContent === '0'"))
        assert {e["state"] for e in outbox(page)} == {"synced"}
        with live_app.app_context():
            sheets = db.session.scalars(select(Inspection).where(Inspection.customer_id == patrol_data.customer_id)).all()
            assert [s.id for s in sheets] == [sheet_id]
            assert sheets[0].signer_name == "周建国" and sheets[0].document_id, "signed and filed"
            assert set(sheets[0].answers["room_temperature"]["photo_ids"]) | {sheets[0].signature_sha256} <= set(images)
            held = set(db.session.scalars(select(Blob.sha256)))
            assert set(images) <= held
            diaries = db.session.scalars(select(DiaryEntry).where(DiaryEntry.customer_id == patrol_data.customer_id)).all()
            assert [(d.id, d.text) for d in diaries] == [(diary_id, draft)]
    finally:
        context.close()
        server.stop()


def test_a_device_on_the_first_schema_is_migrated_and_its_interrupted_entry_synced_once(
        live_server, live_app, field_data, browser):
    """A tablet whose database is at version 1, holding an entry a closed page left "sending", opens
    this release: the upgrade step keeps the entry, puts it back in the queue, and it arrives once."""
    from webapp.maintenance.diary import DiaryEntry

    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    entry_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    page.evaluate(
        """async ([user, client, id, customer]) => {
          const r = indexedDB.open('field-app', 1);
          r.onupgradeneeded = () => {
            const d = r.result;  // the stores exactly as release 1 made them
            const records = d.createObjectStore('records', { keyPath: ['kind', 'id'] });
            for (const [name, path] of [['by_kind', 'kind'], ['by_customer', ['kind', 'data.customer_id']],
                ['by_cabinet', ['kind', 'data.cabinet_id']], ['by_device', ['kind', 'data.device_id']],
                ['by_document', ['kind', 'data.document_id']], ['by_token', 'data.qr_token']]) records.createIndex(name, path);
            d.createObjectStore('meta', { keyPath: 'key' });
            d.createObjectStore('outbox', { keyPath: ['client_id', 'seq'] }).createIndex('by_user', 'user_id');
            d.createObjectStore('blobs', { keyPath: 'sha256' });
          };
          await new Promise((ok) => { r.onsuccess = ok; });
          const tx = r.result.transaction(['meta', 'outbox'], 'readwrite');
          tx.objectStore('meta').put({ key: `client:${user}`, value: { client_id: client, next_seq: 2 } });
          tx.objectStore('outbox').put({ client_id: client, seq: 1, user_id: user, kind: 'diary_entry', op: 'create', id,
            base_version: null, data: { customer_id: customer, date: '2026-12-01', text: '旧版本留下的记录。' }, blobs: {},
            label: '', state: 'sending', created_at: '2026-12-01T08:00:00.000Z', attempts: 1 });
          await new Promise((ok) => { tx.oncomplete = ok; });
          r.result.close();
        }""",
        [field_data.tech_id, client_id, entry_id, field_data.customer_id],
    )
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_sync(page)

    assert db_version(page) == 2 and meta(page, "schema")["from"] == 1
    (entry,) = outbox(page)
    assert (entry["client_id"], entry["seq"], entry["id"], entry["state"]) == (client_id, 1, entry_id, "synced")
    with live_app.app_context():
        rows = db.session.scalars(select(DiaryEntry).where(DiaryEntry.customer_id == field_data.customer_id)).all()
        assert [(r.id, r.text) for r in rows] == [(entry_id, "旧版本留下的记录。")]
    context.close()
