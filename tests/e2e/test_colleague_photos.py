"""A patrol sheet's photos on a colleague's tablet: technician A files a sheet with a finding's
photo; technician B, who covers the same school, opens the sheet on their own device and sees
the photo (fetched once, then kept on the device for the next time without signal)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.field_app import sign_in, wait_for_sync, wait_for_worker
from tests.support.field_device import FieldDevice, jpeg_bytes, sha256
from tests.support.factories import make_user
from tests.support.maintenance import patrol_answers, patrol_school, sheet_mutation
from webapp.auth.models import Role
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("built_assets")


@pytest.fixture
def shared_school(live_app):
    """A school covered by two technicians; A has filed this month's patrol with one photo."""
    with live_app.app_context(), live_app.test_request_context():
        school = patrol_school("城南实验小学")
        colleague = make_user(Role.TECHNICIAN, username="tech-b")
        school.customer.technicians.append(colleague)
        db.session.commit()
        tablet = FieldDevice(live_app.test_client(), school.tech)
        photo = jpeg_bytes(640, 480, seed=11)
        assert tablet.put_blob(photo).status_code in (200, 201)
        result = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(photo)))]).get_json()["results"][0]
        assert result["status"] == "applied", result
        return {"sheet": result["id"], "photo": sha256(photo)}


def _photo_loaded(page, sha: str) -> bool:
    """Whether the sheet's <img> of this photo has decoded pixels."""
    return page.evaluate(
        "(sha) => { const img = document.querySelector(`img[data-sha256='${sha}']`); return !!img && img.complete && img.naturalWidth > 0; }",
        sha,
    )


def test_tech_bs_tablet_shows_the_photo_of_tech_as_sheet(live_server, browser, shared_school, screenshot_dir):
    """B syncs, opens A's sheet: the finding's photo shows (640 px wide); offline later it still shows."""
    context = browser.new_context(viewport={"width": 360, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "tech-b")
    wait_for_worker(page)
    wait_for_sync(page)
    sha = shared_school["photo"]
    for width in (360, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/app/sheets/{shared_school['sheet']}")
        finding = page.locator("li.check-item.is-finding")
        expect(finding.locator(f"img[data-sha256='{sha}']")).to_be_visible()
        page.wait_for_function(
            "(sha) => { const img = document.querySelector(`img[data-sha256='${sha}']`); return img && img.complete && img.naturalWidth > 0; }",
            arg=sha,
        )
        expect(page.locator(".blob-missing")).to_have_count(0)
        assert page.evaluate(f"document.querySelector(`img[data-sha256='{sha}']`).naturalWidth") == 640
        finding.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"colleague-sheet-photo-zh-{width}.png"), full_page=True)

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function(
        "(sha) => { const img = document.querySelector(`img[data-sha256='${sha}']`); return img && img.complete && img.naturalWidth > 0; }",
        arg=sha,
    )
    assert _photo_loaded(page, sha)
    context.close()
