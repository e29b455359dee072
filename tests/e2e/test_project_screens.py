"""The project page at phone and tablet widths, on the demo's project under way: the plan against
progress reads at 360 px (each milestone a stacked row: name, planned, actual, its bar), nothing
scrolls sideways; screenshots to look at."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.projects.models import ENTRY_MET, Project

WIDTHS = (360, 800)


@pytest.fixture
def under_way(live_app) -> str:
    """The demo district; the id of its project under way (its installation milestone late)."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        return db.session.scalars(select(Project.id).where(Project.status == ENTRY_MET)).one()


def test_the_plan_against_progress_reads_at_360_and_800_px(page, live_server, under_way, screenshot_dir):
    page.goto(live_server.url + "/login?lang=en")
    page.fill("#username", "super")
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
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
