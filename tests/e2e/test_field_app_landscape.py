"""Signing on a phone held sideways (740 × 360): the first touch opens the pad on the whole screen,
with the top bar, the offline banner and the tab bar out of the way and the pad and its buttons on
screen; 完成签名 brings the form back with the strokes kept."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_patrol_offline import patrol_data  # noqa: F401  (fixture)
from tests.support.field_app import draw_signature, sign_in, wait_for_sync, wait_for_worker

LANDSCAPE_PHONE = {"width": 740, "height": 360}

pytestmark = pytest.mark.usefixtures("built_assets")


def inside(box: dict, viewport: dict) -> bool:
    """True when a bounding box lies wholly on screen."""
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


def test_signing_sideways_takes_the_whole_screen_with_its_buttons_on_it(
        browser, live_server, patrol_data, screenshot_dir):  # noqa: F811
    """Offline, sideways: tap the pad → full screen (bars hidden, pad, 撤销/清除/完成签名 inside the
    viewport), sign, 完成签名 → back on the form with the signature kept."""
    context = browser.new_context(viewport=LANDSCAPE_PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, patrol_data.tech_username, next_path="/app/?lang=zh")
    wait_for_worker(page)
    wait_for_sync(page)
    context.set_offline(True)
    page.goto(f"{live_server.url}/app/sheets/new?visit={patrol_data.visit_id}")
    page.wait_for_selector("form.sheet-form")
    expect(page.locator("[data-banner=offline]")).to_be_visible()
    pad = page.locator("canvas.signature-canvas")
    pad.scroll_into_view_if_needed()
    expect(page.locator(".sign-full-hint")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "sign-landscape-before-zh-740.png"))

    pad.tap()
    expect(page.locator("html")).to_have_class("is-signing")
    for bar in (".topbar", "[data-banner=offline]", ".tabbar"):
        expect(page.locator(bar)).to_be_hidden()
    buttons = [page.get_by_role("button", name=name, exact=True) for name in ("撤销", "清除", "完成签名")]
    for part in (pad, *buttons):
        assert inside(part.bounding_box(), LANDSCAPE_PHONE), part
    assert pad.bounding_box()["width"] >= 600, "the pad does not use the screen"
    draw_signature(page)
    expect(buttons[0]).to_be_enabled()  # the strokes reached the pad (undo is offered)
    page.screenshot(path=str(screenshot_dir / "sign-landscape-full-zh-740.png"))

    buttons[2].tap()
    expect(page.locator("html")).not_to_have_class("is-signing")
    expect(page.locator(".tabbar")).to_be_visible()
    expect(buttons[0]).to_be_enabled()
    assert page.evaluate("() => document.querySelector('canvas.signature-canvas').width") > 0
    context.close()
