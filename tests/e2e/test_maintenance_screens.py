"""The maintenance pages in Chromium at phone (360 px) and tablet (800 px) widths, with screenshots."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.maintenance.models import ChecklistTemplate, Visit

WIDTHS = (360, 800)


@pytest.fixture
def demo(live_server):
    """The demo district with plans, visits and the shipped checklists; ids of pages to open."""
    with live_server.app.app_context():
        load_demo_data()
        db.session.commit()
        overdue = db.session.scalars(select(Visit).where(Visit.state == "overdue")).first()
        patrol = db.session.scalars(
            select(ChecklistTemplate).where(ChecklistTemplate.template_key == "monthly_patrol")).one()
        return {"visit": overdue.id, "customer": overdue.customer_id, "template": patrol.id}


def sign_in(page, server, username):
    """Sign in through the form, in English."""
    page.goto(server.url + "/login?lang=en")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def shoot(page, server, screenshot_dir, path, name):
    """Open a page at each width, check nothing scrolls sideways, and save a full-page screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server.url + path)
        page.screenshot(path=str(screenshot_dir / f"maintenance-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px by {overflow}px"


def test_supervisor_pages_fit_phone_and_tablet_widths(live_server, page, screenshot_dir, demo):
    """Calendar, visit, plans, plan editor, checklists, editor and figures: no sideways scrolling."""
    sign_in(page, live_server, "super")
    pages = [
        ("/maintenance/calendar", "calendar"),
        (f"/maintenance/visits/{demo['visit']}", "visit"),
        ("/maintenance/plans", "plans"),
        (f"/maintenance/customers/{demo['customer']}/plan", "plan-form"),
        ("/maintenance/templates", "templates"),
        (f"/maintenance/templates/{demo['template']}", "template-detail"),
        (f"/maintenance/templates/{demo['template']}/edit", "template-edit"),
        ("/maintenance/figures", "figures"),
    ]
    for path, name in pages:
        shoot(page, live_server, screenshot_dir, path, name)


def test_overdue_visits_stand_out_on_the_calendar(live_server, page, demo):
    """The school with an overdue patrol is listed first, its visit marked overdue."""
    sign_in(page, live_server, "super")
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(live_server.url + "/maintenance/calendar")
    first_row = page.locator(".cal-grid tbody tr").first
    assert "has-overdue" in first_row.get_attribute("class")
    assert first_row.locator(".visit-chip.is-overdue").count() == 1


def test_the_calendar_prints_the_grid_alone(live_server, page, screenshot_dir, demo):
    """On paper: the filters, month buttons, menus and scheduling tools are gone, one line says
    which filters the list was printed with, every school's row is there, nothing is cut at the right."""
    sign_in(page, live_server, "super")
    for width in WIDTHS:  # in Chinese, filtered to what is late
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/maintenance/calendar?lang=zh&status=overdue")
        expect(page.locator("#status")).to_have_value("overdue")
        page.screenshot(path=str(screenshot_dir / f"maintenance-calendar-overdue-zh-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(live_server.url + "/maintenance/calendar?lang=en&status=due")
    schools = page.locator(".cal-grid tbody tr").count()
    assert schools > 0
    expect(page.locator(".list-filter-summary")).to_be_hidden()  # on screen the form says it
    page.emulate_media(media="print")
    expect(page.locator(".list-filter-summary")).to_have_text("Status: Due")
    for hidden in (".list-filters", ".month-nav", ".topbar", ".cal-tools", ".cal-plan"):
        for n in range(page.locator(hidden).count()):
            expect(page.locator(hidden).nth(n)).to_be_hidden()
    expect(page.locator(".cal-grid tbody tr")).to_have_count(schools)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(screenshot_dir / "maintenance-calendar-print-800.png"), full_page=True)
    page.emulate_media(media="screen")


def test_technician_sees_my_visits_on_a_phone(live_server, page, screenshot_dir, demo):
    """The technician's list fits 360 px and shows the overdue patrol first."""
    sign_in(page, live_server, "tech2")
    shoot(page, live_server, screenshot_dir, "/maintenance/my", "my-visits")
    assert page.locator("#overdue .visit-item").count() == 1
