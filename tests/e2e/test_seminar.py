"""The month-end seminar in Chromium on a tablet: the head raises two problems in the meeting,
records the first as solved and the second as still in progress, records who came, issues the
minutes; next month's agenda opens with the unsolved one carried over (and only that one)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.factories import PASSWORD
from tests.support.training import make_team

PROBLEMS = {"solved": "报告厅功放开机保护", "open": "宿舍楼交换机反复掉线"}


def _sign_in(page, base_url: str, username: str) -> None:
    """Sign in through the form, pages in English."""
    page.goto(f"{base_url}/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _item(page, title: str):
    """One agenda item on the seminar page, by its title."""
    return page.locator("li.seminar-item").filter(has=page.locator("h3", has_text=title))


def test_the_head_records_a_seminar_with_two_problems_and_one_carries_into_next_month(live_server, live_app, browser,
                                                                                       screenshot_dir):
    """Raise, record, attend, issue on 2026-11; 2026-12's drafted agenda carries the open problem."""
    with live_app.app_context():
        team = make_team()
        head, tech, tech2 = team.head.username, team.tech.display_name, team.tech2.display_name
    base = live_server.url
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    _sign_in(page, base, head)
    page.goto(f"{base}/training/seminars/2026/11")
    page.click("button:has-text('Draft the agenda')")
    expect(page.locator("h2#agenda-title")).to_be_visible()

    for title in PROBLEMS.values():
        page.fill("#problem-title", title)
        page.fill("#problem-facts", f"{title}，本月多次报修")
        page.click("section[aria-labelledby=raise-title] button[type=submit]")
        expect(_item(page, title)).to_have_count(1)
    expect(page.locator("li.seminar-item")).to_have_count(2)

    for key, status in (("solved", "solved"), ("open", "in_progress")):
        item = _item(page, PROBLEMS[key])
        item.locator("textarea[name$=discussion]").fill("大家讨论了原因")
        item.locator("textarea[name$=solution]").fill("更换功放电源板" if key == "solved" else "先更换光模块观察")
        item.locator("select[name$=owner_id]").select_option(label=tech)
        item.locator("select[name$=status]").select_option(status)
        item.locator("button[type=submit]:has-text('Save')").click()
        expect(_item(page, PROBLEMS[key]).locator("[data-status]")).to_have_text(
            "Solved" if key == "solved" else "In progress")

    attendance = page.locator("#attendance")
    attendance.locator("input[type=date]").fill("2026-11-30")
    for name in (tech, tech2):
        attendance.get_by_label(name).check()
    attendance.locator("button[type=submit]").click()
    expect(page.locator(".flash").filter(has_text="Attendance saved")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "seminar-meeting-800.png"), full_page=True)

    page.click("section[aria-labelledby=issue-title] button[type=submit]")
    expect(page.locator("a:has-text('Minutes (PDF)')")).to_be_visible()
    expect(page.locator(".tags")).to_contain_text("1 still open")
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(screenshot_dir / "seminar-issued-360.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the seminar page scrolls sideways by {overflow}px at 360 px"
    pdf = page.request.get(base + page.locator("a:has-text('Minutes (PDF)')").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    page.click("nav.month-nav a:has-text('2026-12')")
    page.wait_for_url("**/training/seminars/2026/12")
    page.click("button:has-text('Draft the agenda')")
    carried = page.locator("li.seminar-item")
    expect(carried).to_have_count(1)
    expect(carried.first).to_contain_text(PROBLEMS["open"])
    expect(carried.first).not_to_contain_text(PROBLEMS["solved"])
    assert carried.first.get_attribute("data-source") == "carried"
    page.set_viewport_size({"width": 800, "height": 1000})
    page.screenshot(path=str(screenshot_dir / "seminar-carried-800.png"), full_page=True)
    context.close()
