"""The head opens last month's draft (made by the 1st-of-month command) from his home page, sees
the charts, writes the analysis and issues it; a leader gets the notification, opens it and reads
the report, read-only. In Chromium at phone and tablet widths. The charts' bundle is the report
page's alone: the field app's shell and precache list never name it."""
from __future__ import annotations

import io
from datetime import date
from hashlib import sha256

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support.appraisal import bj
from tests.support.factories import PASSWORD, make_user
from tests.support.reports import report_october
from tests.support.repair_builders import make_ticket
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.reports import services
from sync.blobs import receive_blob

WIDTHS = (360, 800)
ANALYSIS = "本月摄像机故障偏多，集中在城南小学；建议研发关注 DS-2CD3T46 的电源模块。"


@pytest.fixture
def month(live_app, monkeypatch, built_assets):
    """October's work, two tickets last month on model A, a leader; last month drafted by the command."""
    with live_app.app_context(), live_app.test_request_context():
        o = report_october(monkeypatch)
        year, month_no = services.last_month()
        for day in (10, 11):
            ticket = make_ticket(o.schools["s1"], assigned_to=o.tech, reported_at=bj(month_no, day, 9, y=year))
            ticket.device_id = o.devices["a1"].id
        leader = make_user(Role.LEADERSHIP, "leader")
        photo = io.BytesIO()
        Image.new("RGB", (1600, 1200), "teal").save(photo, format="JPEG")
        name = sha256(photo.getvalue()).hexdigest()
        receive_blob(name, io.BytesIO(photo.getvalue()), len(photo.getvalue()), o.tech)
        o.issues["t4"].raised_at = bj(month_no, 12, 9, y=year)  # last month's problem, with its photo
        o.issues["t4"].photo_ids = [name]
        db.session.commit()
        result = live_app.test_cli_runner().invoke(args=["report-draft"])
        assert result.exit_code == 0, result.output
        return {"head": o.head.username, "leader": leader.username, "month": f"{year:04d}-{month_no:02d}",
                "assets": built_assets}


def _sign_in(page, base_url: str, username: str, lang: str = "en") -> None:
    """Sign in through the form."""
    page.goto(f"{base_url}/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _fits(page) -> None:
    """Nothing scrolls sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_the_head_issues_last_months_report_and_a_leader_reads_it(live_server, page, month, screenshot_dir):
    """Home → draft → analysis → issue; the leader's bell → the report, with no form to change it."""
    base, ym = live_server.url, month["month"]
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _sign_in(page, base, month["head"], lang="zh")
    page.wait_for_selector(f"[data-report-deadline='{ym}']")
    page.click(f"[data-report-deadline='{ym}'] a")
    page.wait_for_url(f"**/reports/{ym}")
    page.wait_for_selector("[data-report-status=draft]")
    page.wait_for_selector("[data-chart=repairs_by_fault][data-drawn='1'] canvas")
    thumb = page.locator("[data-rd-section] .issue-thumbs img")
    expect(thumb).to_have_count(1)
    thumb.scroll_into_view_if_needed()  # the thumbnails load lazily
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"monthly-report-draft-{width}.png"), full_page=True)
        _fits(page)
    page.fill("#analysis", ANALYSIS)
    page.fill("#suggestions", "备件按学校分格存放。")
    page.click("[data-issue]")
    page.wait_for_selector("[data-report-status=issued]")
    assert ANALYSIS in page.inner_text("[data-analysis]")

    page.context.clear_cookies()
    _sign_in(page, base, month["leader"], lang="zh")
    page.wait_for_selector(f"[data-last-report='{ym}']")
    assert page.inner_text("[data-bell-count]") == "1"
    page.goto(f"{base}/notifications")
    page.click(".note-open")
    page.wait_for_url(f"**/reports/{ym}")
    page.wait_for_selector("[data-chart=failure_rate][data-drawn='1'] canvas")
    assert ANALYSIS in page.inner_text("[data-analysis]")
    assert page.locator("textarea").count() == 0 and page.locator("[data-issue]").count() == 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"monthly-report-issued-{width}.png"), full_page=True)
        _fits(page)
    assert violations == []


def test_the_charts_bundle_stays_out_of_the_field_app(live_server, page, month):
    """The manifest names the bundle but never precaches it, and the field app's shell does not load it."""
    manifest = month["assets"]
    bundle = manifest["assets"]["report-charts.js"]
    assert all(bundle not in path for path in manifest["precache"])
    _sign_in(page, live_server.url, month["head"])
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/app/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "report-charts" in u]
    assert bundle not in page.content()
