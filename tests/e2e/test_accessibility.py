"""Accessibility: axe-core (a local copy, node_modules/axe-core) over the office's main pages and
the field app's main screens at 360 px, on the demo district, in Chinese and in English: no
serious or critical violation."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.field_app import sign_in, wait_for_sync
from webapp.archive.models import Cabinet, Customer, Device
from webapp.auth.models import User
from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.maintenance.models import ChecklistTemplate, Inspection

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "demo1234"
BLOCKING = ("serious", "critical")

pytestmark = pytest.mark.usefixtures("built_assets")

OFFICE_PAGES = [
    "/", "/repairs", "/repairs/board", "/repairs/mine", "/customers", "/devices", "/maintenance/",
    "/maintenance/review", "/maintenance/my", "/audit", "/appraisal/", "/knowledge/", "/training/",
    "/training/me", "/sync/review",
]


@pytest.fixture
def demo(live_app):
    """The demo district, and the ids the field app's screens need (the technician's school)."""
    with live_app.app_context(), live_app.test_request_context():
        load_demo_data()
        db.session.commit()
        tech = db.session.scalar(select(User).where(User.username == "tech"))
        # his school with the latest patrol sheet (a demo project's school has no sheets or devices yet)
        sheet = db.session.scalars(
            select(Inspection).where(Inspection.customer_id.in_([c.id for c in tech.customers]),
                                     Inspection.activity == "monthly_patrol")
            .order_by(Inspection.created_at.desc())
        ).first()
        customer = db.session.get(Customer, sheet.customer_id)
        cabinet = db.session.scalars(
            select(Cabinet).join(Device, Device.cabinet_id == Cabinet.id)
            .where(Cabinet.customer_id == customer.id).order_by(Cabinet.code)
        ).first()
        device = db.session.scalars(select(Device).where(Device.cabinet_id == cabinet.id)).first()
        template = db.session.scalars(
            select(ChecklistTemplate).where(ChecklistTemplate.template_key == "monthly_patrol", ChecklistTemplate.superseded_at.is_(None))
        ).first()
        customer_page = f"/customers/{db.session.scalars(select(Customer).order_by(Customer.name)).first().id}"
        return {
            "customer": customer.id, "cabinet": cabinet.id, "device": device.id,
            "sheet": sheet.id if sheet else None, "template": template.id, "customer_page": customer_page,
        }


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands; the serious and critical violations, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append({
                "rule": violation["id"], "impact": violation["impact"], "target": " ".join(map(str, node["target"])),
                "summary": (node.get("failureSummary") or "").replace("\n", " ")[:300],
                "html": node["html"][:200],
            })
    return found


def report(pages: dict[str, list[dict]]) -> str:
    """The violations by page, for a failure message a person can act on."""
    lines = []
    for url, found in pages.items():
        for v in found:
            lines.append(f"{url}: [{v['impact']}] {v['rule']} at {v['target']}: {v['summary']} :: {v['html']}")
    return "\n".join(lines)


def _context(browser, width: int, locale: str):
    """A context that lets the test inject axe-core despite the app's Content-Security-Policy."""
    return browser.new_context(viewport={"width": width, "height": 900}, locale=locale, bypass_csp=True)


def _sign_in_office(page, base: str, username: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("width,locale", [(360, "zh-CN"), (1280, "en-GB")])
def test_office_pages_have_no_serious_accessibility_violations(live_server, browser, demo, width, locale):
    """The head's main office pages (and the audit log), at phone and desktop width."""
    context = _context(browser, width, locale)
    page = context.new_page()
    _sign_in_office(page, live_server.url, "super")
    found = {}
    for path in OFFICE_PAGES + [demo["customer_page"]]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_selector("main")
        found[path] = axe_violations(page)
    context.close()
    assert not any(found.values()), "\n" + report(found)


def test_field_app_screens_have_no_serious_accessibility_violations(live_server, browser, demo, screenshot_dir):
    """Today, a cabinet, a device, a saved patrol sheet, a sheet being filled and the sync page at 360 px."""
    context = _context(browser, 360, "zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "tech", password=PASSWORD)
    wait_for_sync(page)
    screens = {
        "/app/": "[data-section=visits]",
        f"/app/cabinets/{demo['cabinet']}": "main h1",
        f"/app/devices/{demo['device']}": "main h1",
        f"/app/sheets/new?template={demo['template']}&customer={demo['customer']}": "form.sheet-form",
        "/app/sync": "main h1",
        "/app/tickets": "main h1",
    }
    if demo["sheet"]:
        screens[f"/app/sheets/{demo['sheet']}"] = ".sheet-view"
    found = {}
    for path, ready in screens.items():
        page.goto(live_server.url + path)
        page.wait_for_selector("html[data-ready]")
        page.wait_for_selector(ready)
        found[path] = axe_violations(page)
    context.close()
    assert demo["sheet"], "the demo has a patrol sheet at the technician's school"
    assert not any(found.values()), "\n" + report(found)


def test_the_check_catches_a_nameless_button_and_low_contrast(live_server, browser):
    """The instrument works: a button without a name and grey-on-white text put into a real page are reported."""
    context = _context(browser, 360, "zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<button type="button"></button><p style="color:#ccc;background:#fff">浅灰色的说明文字</p>');
    }""")
    rules = {v["rule"] for v in axe_violations(page)}
    context.close()
    assert {"button-name", "color-contrast"} <= rules
