"""The pages and the field app under the Content-Security-Policy: Chromium reports no violation
while a technician signs in, opens today, a device, the diary form with the signature pad and a
photo, a patrol sheet form and the camera scanner, and while the office opens its main pages."""
from __future__ import annotations

import pytest

from tests.support.maintenance import patrol_school
from tests.support.field_app import (
    draw_signature, sign_in, wait_for_sync, wait_for_worker, wait_until, write_photo,
    write_qr_y4m,
)
from tests.support.factories import PASSWORD, make_user
from webapp.auth.models import Role
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("built_assets")

# Collected in every document before its own scripts run (init scripts are not subject to CSP).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def school(live_app):
    """A technician's school with a patrol visit due, a camera with a QR label, office and admin."""
    with live_app.app_context(), live_app.test_request_context():
        school = patrol_school()
        make_user(Role.OFFICE, username="office1")
        make_user(Role.ADMIN, username="admin1")
        db.session.commit()
        return {"tech": school.tech.username, "customer": school.customer.id, "camera": school.camera.id,
                "token": school.camera.qr_token, "template": school.template.id}


@pytest.fixture
def camera_browser(browser_type, browser_type_launch_args, tmp_path, live_server, school):
    """A Chromium whose camera shows the camera device's QR label."""
    video = write_qr_y4m(tmp_path / "label.y4m", f"{live_server.url}/q/{school['token']}")
    args = [*browser_type_launch_args["args"], "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


class Watched:
    """A page whose CSP violations (events and console reports) are collected per document."""

    def __init__(self, context):
        """Open a page in the context, watching it."""
        context.add_init_script(WATCH)
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.violations: list[str] = []

    def _console(self, message) -> None:
        """Keep console lines that report a blocked resource."""
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def check(self, where: str) -> None:
        """Gather this document's violations before the page moves on."""
        found = self.page.evaluate("window.__csp || []")
        self.violations += [f"{where}: {v}" for v in found]

    def open(self, url: str, ready: str) -> None:
        """Go to a page, wait for what it shows, and gather its violations."""
        self.page.goto(url)
        self.page.wait_for_selector(ready)
        self.check(url)


def test_the_field_app_runs_under_the_policy(live_server, camera_browser, school, tmp_path):
    """Sign in, today, a device, the diary form with signature and photo, a sheet form, the scanner:
    no CSP violation and no blocked resource."""
    context = camera_browser.new_context(viewport={"width": 360, "height": 740}, permissions=["camera"])
    watched = Watched(context)
    page = watched.page
    base = live_server.url
    sign_in(page, base, school["tech"])
    wait_for_worker(page)
    wait_for_sync(page)
    watched.check("today")
    watched.open(f"{base}/app/devices/{school['camera']}", "main h1")
    watched.open(f"{base}/app/diary/new?customer={school['customer']}", "canvas.signature-canvas")
    wait_until(page, lambda: page.evaluate("document.querySelector('canvas.signature-canvas').width > 0"))
    draw_signature(page)
    page.set_input_files("#photo_pick", str(write_photo(tmp_path / "photo.jpg")))
    wait_until(page, lambda: page.evaluate("document.querySelector('.thumb img') && document.querySelector('.thumb img').naturalWidth > 0"))
    watched.check("diary form")
    watched.open(f"{base}/app/sheets/new?template={school['template']}&customer={school['customer']}",
                 "form.sheet-form")
    page.goto(f"{base}/app/scan")  # the label is read at once; the app moves on to the device
    page.wait_for_url(f"**/app/devices/{school['camera']}")
    page.wait_for_selector("main h1")
    watched.check("after scanning")
    watched.open(f"{base}/", "main")
    watched.open(f"{base}/settings/password", "main form")
    assert watched.violations == [] and watched.console == [], (watched.violations, watched.console)
    # the watch sees what the policy blocks: an injected inline script does not run and is reported
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s); }")
    wait_until(page, lambda: page.evaluate("window.__csp.length"))
    assert page.evaluate("window.__ran") is None
    assert "script-src" in page.evaluate("window.__csp[0]")
    context.close()


def _office_sign_in(browser, base: str, username: str) -> Watched:
    """A phone-sized, watched page signed in through the form."""
    watched = Watched(browser.new_context(viewport={"width": 360, "height": 740}))
    watched.page.goto(f"{base}/login?lang=en")
    watched.check("login")
    watched.page.fill("#username", username)
    watched.page.fill("#password", PASSWORD)
    watched.page.click("button[type=submit]")
    watched.page.wait_for_url(lambda url: "/login" not in url)
    return watched


def test_office_pages_run_under_the_policy_and_keep_their_styles(live_server, browser, school, screenshot_dir):
    """The office's and the admin's main pages: no violation; at 360 px the stylesheet still applies."""
    base = live_server.url
    for username, paths in (
        ("office1", ["/", "/customers", f"/customers/{school['customer']}", "/repairs", "/maintenance/review",
                     "/maintenance/calendar", "/devices"]),
        ("admin1", ["/admin/users", "/audit", "/sync/review", "/settings"]),
    ):
        watched = _office_sign_in(browser, base, username)
        for path in paths:
            watched.open(base + path, "main")
        if username == "office1":
            page = watched.page
            watched.open(f"{base}/customers/{school['customer']}", "main h1")
            page.screenshot(path=str(screenshot_dir / "csp-customer-360.png"), full_page=True)
            topbar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
            assert topbar not in ("rgba(0, 0, 0, 0)", "transparent"), "the stylesheet did not apply"
        assert watched.violations == [] and watched.console == [], (watched.violations, watched.console)
        watched.page.context.close()
