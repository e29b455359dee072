"""The project page at phone and tablet widths, on the demo's project under way: the plan against
progress reads at 360 px (each milestone a stacked row: name, planned, actual, its bar), nothing
scrolls sideways; screenshots to look at."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.projects.models import COMPLETED, ENTRY_MET, Project

WIDTHS = (360, 800)


@pytest.fixture
def demo(live_app) -> dict:
    """The demo district: its project under way (the installation milestone late) and the completed one."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        done = db.session.scalars(select(Project).where(Project.status == COMPLETED)).one()
        return {"under_way": db.session.scalars(select(Project.id).where(Project.status == ENTRY_MET)).one(),
                "done": done.id, "done_name": done.name, "school": done.customer_id}


def sign_in(page, base: str) -> None:
    """The department head signs in, in English."""
    page.goto(base + "/login?lang=en")
    page.fill("#username", "super")
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_the_plan_against_progress_reads_at_360_and_800_px(page, live_server, demo, screenshot_dir):
    under_way = demo["under_way"]
    sign_in(page, live_server.url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"{live_server.url}/projects/{under_way}")
        plan = page.locator("#plan")
        rows = plan.locator("tr[data-milestone]")
        plan.scroll_into_view_if_needed()
        plan.screenshot(path=str(screenshot_dir / f"project-plan-{width}.png"))
        page.screenshot(path=str(screenshot_dir / f"project-page-{width}.png"), full_page=True)
        assert rows.count() >= 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        for i in range(rows.count()):
            name = rows.nth(i).locator("td").first
            box, bars = name.bounding_box(), rows.nth(i).locator("svg").bounding_box()
            # the milestone's name has room to read, its bar is wide enough to compare with the others
            assert box["width"] >= 120, (width, box)
            assert bars["width"] >= (width - 80) * 0.7 if width < 600 else bars["width"] >= 120, (width, bars)
        assert plan.locator("tr.milestone-late .tag-bad").count() >= 1


def test_the_school_page_shows_the_project_it_came_from_at_360_and_800_px(page, live_server, demo, screenshot_dir):
    sign_in(page, live_server.url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"{live_server.url}/customers/{demo['school']}#history")
        history = page.locator("#history")
        project_line = history.locator("li[data-kind=projects]", has_text="Handed over into the archive")
        assert project_line.locator(f"a[href='/projects/{demo['done']}']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        project_line.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"archive-school-project-{width}.png"))
