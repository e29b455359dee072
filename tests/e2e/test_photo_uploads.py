"""Photos go up three at a time, straight away (no "do you have it?" first for a photo made here),
and a round cut off mid-upload resumes soon after: the photo whose bytes got through before the
connection dropped is not sent again, the rest are."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.field_app import sign_in, wait_for_sync, wait_for_worker, wait_until, write_photo
from webapp.documents.models import Blob, Photo
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("built_assets")


def test_photos_upload_three_at_once_and_resume_after_a_dropped_connection(browser, live_server, live_app, field_data, tmp_path):
    """Four photos written offline; online, three PUTs are in flight together before any answers;
    the first one's answer is lost after the server stored it; the next round asks about that one
    only, uploads the fourth, and the server ends with the four photos, each stored once."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    photos = [str(write_photo(tmp_path / f"p{n}.jpg", 1200 + 40 * n, 900)) for n in range(4)]

    requests, held, released = [], [], []

    def blobs(route):
        requests.append((route.request.method, route.request.url.rsplit("/", 1)[-1]))
        if route.request.method == "PUT" and not released:
            held.append(route)
        else:
            route.continue_()

    context.route("**/api/sync/blobs/*", blobs)
    context.set_offline(True)
    page.goto(f"{live_server.url}/app/cabinets/{field_data.cabinet_id}")
    page.wait_for_selector("html[data-ready]")
    page.click("text=新建服务日记")
    page.fill("#diary_text", "机柜内四张照片：铭牌、走线、风扇、电源。")
    page.set_input_files("#photo_pick", photos)
    wait_until(page, lambda: page.locator(".thumb img").count() == 4)
    page.click("button[type=submit]")
    page.wait_for_selector(".diary-text")

    context.set_offline(False)
    wait_until(page, lambda: len(held) == 3)
    assert [method for method, _sha in requests] == ["PUT"] * 3, "no HEAD before a first upload, three at once"
    lost = held[0]
    lost_sha = requests[0][1]
    lost.fetch()  # the server receives and stores the bytes ...
    lost.abort("connectionreset")  # ... and the answer never reaches the tablet
    released.append(True)
    for route in held[1:]:
        route.continue_()

    def all_stored():
        with live_app.app_context():
            return db.session.scalar(select(func.count()).select_from(Photo)) == 4 and \
                db.session.scalar(select(func.count()).select_from(Blob)) >= 4
    wait_until(page, all_stored, timeout=60)
    wait_for_sync(page)
    heads = [sha for method, sha in requests if method == "HEAD"]
    puts = [sha for method, sha in requests if method == "PUT"]
    assert heads == [lost_sha], "only the photo whose answer was lost is asked about"
    assert puts.count(lost_sha) == 1 and len(set(puts)) == 4 and len(puts) == 4
    context.close()
