"""A technician signs in and sees his own October appraisal with how each figure was computed, in
Chromium at phone and tablet widths; a colleague's month stays closed to him; the head's month page."""
from __future__ import annotations

import pytest

from tests.support.appraisal import october
from tests.support.factories import PASSWORD
from webapp.appraisal import services
from webapp.appraisal.scheme import DEFAULT_WEIGHTS
from webapp.extensions import db

WIDTHS = (360, 800)


@pytest.fixture
def month(live_app, monkeypatch):
    """October's work (tests/support/appraisal.py) with scheme version 1 in force."""
    from datetime import date

    with live_app.app_context(), live_app.test_request_context():
        o = october(monkeypatch)
        services.set_scheme(DEFAULT_WEIGHTS, date(2026, 9, 1), "第一版", o.head, today=date(2026, 9, 1))
        db.session.commit()
        return {"tech": o.tech.username, "tech_id": o.tech.id, "tech2_id": o.tech2.id, "head": o.head.username,
                "visit_s3": o.visits["s3"].id}


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


def test_a_technician_sees_his_own_appraisal_and_how_each_figure_was_computed(live_server, page, month, screenshot_dir):
    """From the menu to his month: the total, each figure's arithmetic, and a link to the records behind it."""
    base = live_server.url
    _sign_in(page, base, month["tech"])
    page.goto(f"{base}/appraisal/?month=2026-10")
    page.wait_for_selector("[data-measure=visits_on_time]")
    assert page.url.endswith(f"/appraisal/people/{month['tech_id']}?month=2026-10")
    assert page.inner_text("h2 [data-total]") == "58.8"
    assert page.inner_text("[data-how=visits_on_time]") == "2 of 4 → 2 ÷ 4 × 30 = 15 points"
    assert "61.75 earned ÷ 100 possible = 61.8" in page.inner_text("[data-how=total]")
    assert page.inner_text("[data-measure=factory_returns] [data-points]") == "5"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"appraisal-person-{width}.png"), full_page=True)
        _fits(page)
    page.click(f"[data-measure=visits_on_time] a[href$='/maintenance/visits/{month['visit_s3']}']")
    page.wait_for_url(f"**/maintenance/visits/{month['visit_s3']}")
    assert page.locator("[data-no-signature]").is_visible()

    response = page.goto(f"{base}/appraisal/people/{month['tech2_id']}?month=2026-10")
    assert response.status == 404


def test_the_appraisal_in_chinese_and_the_heads_month_fit_phone_and_tablet(live_server, page, month, screenshot_dir):
    """The technician's page in Chinese and the head's month table: no sideways scrolling."""
    base = live_server.url
    _sign_in(page, base, month["tech"], lang="zh")
    page.goto(f"{base}/appraisal/people/{month['tech_id']}?month=2026-10")
    page.wait_for_selector("[data-measure=visits_on_time]")
    assert "各项数据的计算方法" in page.inner_text("main")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"appraisal-person-zh-{width}.png"), full_page=True)
        _fits(page)
    page.context.clear_cookies()
    _sign_in(page, base, month["head"], lang="zh")
    page.goto(f"{base}/appraisal/?month=2026-10")
    page.wait_for_selector("table[data-appraisal-month]")
    assert page.inner_text(f"tr[data-user={month['tech']}] [data-total]") == "58.8"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_dir / f"appraisal-month-zh-{width}.png"), full_page=True)
        _fits(page)
