"""The working-calendar admin pages in Chromium at phone and tablet widths."""
from __future__ import annotations

import pytest

from tests.support.factories import PASSWORD, make_user
from webapp.auth.models import Role

WIDTHS = (360, 800)


@pytest.fixture
def supervisor(live_app):
    """A department head who may enter the calendar."""
    with live_app.app_context():
        return make_user(Role.SUPERVISOR).username


def sign_in(page, base_url: str, username: str) -> None:
    """Sign in through the sign-in page, in English."""
    page.goto(base_url + "/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def assert_no_sideways_scroll(page) -> None:
    """Nothing sticks out to the right."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_calendar_pages_fit_and_enter_a_year(live_server, page, supervisor, screenshot_dir, width):
    """Years list, a known year, a 2027 entry with an error then a warning, then saved."""
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    sign_in(page, base, supervisor)

    page.goto(base + "/admin/calendar/")
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"workcal-years-{width}.png"), full_page=True)

    page.goto(base + "/admin/calendar/2026")
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"workcal-2026-{width}.png"), full_page=True)

    page.goto(base + "/admin/calendar/2027")
    page.fill("#holidays", "2027-01-01..2027-01-03 元旦\n2026-12-31 元旦\n2027-10-01..2027-10-07 国庆节")
    page.fill("#makeup_days", "2027-10-13 国庆节")
    page.click("button.btn-primary")
    assert page.locator(".field.has-error .error").first.is_visible()
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"workcal-2027-errors-{width}.png"), full_page=True)

    page.fill("#holidays", "2027-01-01..2027-01-03 元旦\n2027-10-01..2027-10-07 国庆节")
    page.click("button.btn-primary")
    assert "weekday" in page.locator(".workcal-warnings").inner_text()
    page.screenshot(path=str(screenshot_dir / f"workcal-2027-warning-{width}.png"), full_page=True)

    page.check("#confirm")
    page.click("button.btn-primary")
    assert page.locator("[data-calendar-status]").get_attribute("data-calendar-status") == "entered"
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"workcal-2027-saved-{width}.png"), full_page=True)
