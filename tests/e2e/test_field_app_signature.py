"""The signature pad in a real Chromium: strokes survive rotation, undo and clear work, an
entry saved unsigned can be signed later and is locked from then on; server pages show the
count of unsynced items."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.field_app import (
    draw_signature,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
    write_diary_entry,
    outbox,
)
from webapp.extensions import db

INK = """() => {
  const c = document.querySelector('canvas.signature-canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0, minX = c.width, maxX = 0, minY = c.height, maxY = 0;
  for (let i = 3; i < d.length; i += 4) {
    if (!d[i]) continue;
    n += 1;
    const p = (i - 3) / 4, x = p % c.width, y = Math.floor(p / c.width);
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  return {n, width: c.width, box: n ? [minX / c.width, minY / c.height, maxX / c.width, maxY / c.height] : null};
}"""


pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def app_page(browser, live_server, field_data):
    """A phone-sized page of the field app, signed in and pulled."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    yield page
    context.close()


def open_form(page, base_url: str, customer_id: str) -> None:
    """Open the new diary entry form of a customer."""
    page.goto(f"{base_url}/app/diary/new?customer={customer_id}")
    page.wait_for_selector("canvas.signature-canvas")
    wait_until(page, lambda: page.evaluate("document.querySelector('canvas.signature-canvas').width > 0"))


def test_strokes_survive_rotation(app_page, live_server, field_data):
    """Turning the phone (the pad changes size) keeps every stroke, scaled to the new width."""
    page = app_page
    open_form(page, live_server.url, field_data.customer_id)
    draw_signature(page)
    before = page.evaluate(INK)
    assert before["n"] > 100

    page.set_viewport_size({"width": 740, "height": 360})
    wait_until(page, lambda: page.evaluate(f"document.querySelector('canvas.signature-canvas').width !== {before['width']}"))
    turned = page.evaluate(INK)
    assert turned["n"] > before["n"]
    assert all(abs(a - b) < 0.03 for a, b in zip(before["box"], turned["box"]))

    page.set_viewport_size({"width": 360, "height": 740})
    wait_until(page, lambda: page.evaluate(f"document.querySelector('canvas.signature-canvas').width === {before['width']}"))
    back = page.evaluate(INK)
    assert all(abs(a - b) < 0.03 for a, b in zip(before["box"], back["box"]))


def test_undo_removes_the_last_stroke_and_clear_empties_the_pad(app_page, live_server, field_data):
    """Undo takes away one stroke, Clear the rest; both buttons go grey on an empty pad."""
    page = app_page
    open_form(page, live_server.url, field_data.customer_id)
    draw_signature(page)
    both = page.evaluate(INK)["n"]
    page.click("text=Undo")
    one = page.evaluate(INK)["n"]
    assert 0 < one < both
    page.click("text=Clear")
    assert page.evaluate(INK)["n"] == 0
    assert page.locator("button:has-text('Undo')").is_disabled()


def test_entry_saved_unsigned_can_be_signed_later_and_is_then_locked(app_page, live_server, live_app, field_data):
    """Save without a signature, sign from the entry's page: the server gets one signature on
    that entry and the entry offers only a new version from then on."""
    from webapp.documents.models import Signature

    page = app_page
    entry_id = write_diary_entry(page, live_server.url, f"/app/customers/{field_data.customer_id}", "先记录，稍后签字。")
    assert page.locator("text=Not signed yet.").count() == 1
    page.click("text=Get the customer's signature")
    page.wait_for_selector("canvas.signature-canvas")
    wait_until(page, lambda: page.evaluate("document.querySelector('canvas.signature-canvas').width > 0"))
    draw_signature(page)
    page.fill("#signer_name", "吴敏")
    page.fill("#signer_role", "总务处")
    page.click("text=Sign and lock")
    page.wait_for_selector("text=Signed — locked")
    assert page.locator("text=Get the customer's signature").count() == 0
    wait_until(page, lambda: {e["state"] for e in outbox(page)} == {"synced"})
    with live_app.app_context():
        signatures = db.session.scalars(select(Signature).where(Signature.document_id == entry_id)).all()
        assert [(s.signer_name, s.signer_role, s.complete) for s in signatures] == [("吴敏", "总务处", True)]


def test_server_pages_show_the_count_of_unsynced_items(app_page, live_server, field_data):
    """An item the server refused still counts; the office pages' badge shows it too."""
    page = app_page
    write_diary_entry(page, live_server.url, f"/app/customers/{field_data.customer_id}", "日期错误。", day="1999-01-01")
    wait_until(page, lambda: [e["state"] for e in outbox(page)] == ["rejected"])
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("[data-sync-badge]:not([hidden])")
    expect(page.locator("[data-sync-count]")).to_have_text("1")
