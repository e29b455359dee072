"""A long first sync says how far it has come: a banner with "received / total", and Today says
the tickets are still arriving instead of "no open repair tickets"; both go when it is done."""
from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from playwright.sync_api import expect

from tests.support.factories import make_device
from tests.support.field_app import meta, seed_field_data, sign_in, wait_for_sync, wait_until
from webapp.archive.models import Cabinet, Customer
from webapp.extensions import db
from webapp.repairs.models import RepairTicket

pytestmark = pytest.mark.usefixtures("built_assets")
PAGE = 10  # changes per pull page, so the first sync takes several pages


@pytest.fixture
def small_pages(make_app):
    """A live server that answers pulls in pages of ten, and a technician with forty-odd records."""
    app = make_app(RATELIMIT_ENABLED=False, SYNC_PULL_LIMIT=PAGE)
    data = seed_field_data(app)
    with app.app_context():
        customer, cabinet = db.session.get(Customer, data.customer_id), db.session.get(Cabinet, data.cabinet_id)
        for n in range(30):
            make_device(customer, cabinet, name=f"无线接入点-{n:02d}", category="access_point")
        db.session.flush()
        # reported last, so it travels on the last page of the first sync
        db.session.add(RepairTicket(number="BX2026-00002", customer_id=customer.id, status="reported",
                                    description="三楼走廊无线信号时断时续", reporter_name="吴敏"))
        db.session.commit()
    server = LiveServer(app)
    yield server, data
    server.stop()


def test_first_sync_shows_progress_and_today_says_tickets_are_arriving(browser, small_pages):
    """The second page of the first sync is held back: meanwhile the banner shows 10 of the total
    and Today says tickets are still arriving (the last one is not here yet); released, the ticket arrives and the banner goes."""
    server, data = small_pages
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    held, pulls = [], []

    def hold_the_second_pull(route):
        pulls.append(route.request.url)
        if len(pulls) == 2:
            held.append(route)
        else:
            route.continue_()

    context.route("**/api/sync/pull**", hold_the_second_pull)
    page = context.new_page()
    sign_in(page, server.url, data.tech_username)
    wait_until(page, lambda: held)
    banner = page.locator("[data-banner=first-sync]")
    expect(banner).to_be_visible()
    first = meta(page, "firstSync")
    assert first["received"] == PAGE and first["total"] > 3 * PAGE
    expect(banner.locator("[data-first-sync-count]")).to_have_text(f"{PAGE} / {first['total']}")
    expect(page.get_by_text("报修单还在随首次同步陆续到达。")).to_be_visible()
    expect(page.get_by_text("三楼走廊无线信号时断时续")).to_have_count(0)
    page.screenshot(path="test-artifacts/first-sync-progress-360.png")
    held[0].continue_()
    wait_for_sync(page)
    expect(banner).to_be_hidden()
    assert meta(page, "firstSync") is None
    expect(page.get_by_text("三楼走廊无线信号时断时续")).to_be_visible()
    expect(page.get_by_text("报修单还在随首次同步陆续到达。")).to_have_count(0)
    assert len(pulls) >= 4
    context.close()
