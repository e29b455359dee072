"""The field app as an installable app: manifest, service worker, versioned precache, updates,
the offline page, the size of the shell and its strings."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.field_app import (
    DIST,
    ROOT,
    build_assets,
    sign_in,
    wait_for_sync,
    wait_for_worker,
    wait_until,
)

SHELL_BUDGET_BYTES = 150 * 1024


pytestmark = pytest.mark.usefixtures("built_assets")


def cache_names(page) -> list[str]:
    """The names of the origin's caches."""
    return page.evaluate("caches.keys()")


def test_manifest_names_the_app_in_the_request_language(live_app):
    """English and Chinese names, standalone, theme colour, start /app/, scope /, a maskable 512 icon."""
    client = live_app.test_client()
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert english.mimetype == "application/manifest+json"
    body = english.get_json(force=True)
    assert body["name"] == "School O&M Service"
    chinese = client.get("/manifest.webmanifest", headers={"Accept-Language": "zh-CN"}).get_json(force=True)
    assert chinese["name"] == "学校运维服务" and chinese["short_name"] == "运维服务"
    assert body["display"] == "standalone" and body["theme_color"] == "#0f5c8c"
    assert body["start_url"] == "/app/" and body["scope"] == "/"
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in body["icons"]}
    assert ("512x512", "maskable") in icons and ("192x192", "any") in icons
    for src in icons.values():
        assert client.get(src).status_code == 200


def test_chromium_reports_no_installability_errors(live_server, field_data, browser_type, browser_type_launch_args, tmp_path):
    """Chromium's own check (CDP Page.getInstallabilityErrors) finds nothing wrong. A profile on
    disk, since Chromium never offers installation in an incognito-like context."""
    context = browser_type.launch_persistent_context(str(tmp_path / "profile"), **browser_type_launch_args)
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    session = context.new_cdp_session(page)
    assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []
    context.close()


def test_worker_precaches_the_shell_under_the_release_version(live_server, field_data, browser, built_assets):
    """One cache, named after the content hash of the assets, holding every asset and the shell."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    assert cache_names(page) == [f"field-shell-{built_assets['version']}"]
    cached = page.evaluate(
        """async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)""",
        f"field-shell-{built_assets['version']}",
    )
    assert set(built_assets["precache"]) | {"/app/", "/offline", "/manifest.webmanifest"} <= set(cached)
    sw = context.request.get(f"{live_server.url}/sw.js")
    assert sw.headers["service-worker-allowed"] == "/" and built_assets["version"] in sw.text()
    context.close()


def test_new_release_replaces_the_old_cache(live_server, live_app, field_data, browser, built_assets, tmp_path):
    """A changed build makes a new worker wait; "Reload" activates it, the page runs the new
    release and only the new cache is left."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    old = built_assets["version"]
    assert page.get_attribute("html", "data-version") == old

    release = build_assets(tmp_path / "dist", salt="next-release")
    assert release["version"] != old
    live_app.config["PWA_DIST_DIR"] = str(tmp_path / "dist")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("[data-banner=update]:not([hidden])")
    assert set(cache_names(page)) == {f"field-shell-{old}", f"field-shell-{release['version']}"}

    with page.expect_navigation():
        page.click("[data-action=reload]")
    page.wait_for_selector("html[data-ready]")
    assert page.get_attribute("html", "data-version") == release["version"]
    wait_until(page, lambda: page.evaluate("async (name) => (await caches.keys()).join() === name", f"field-shell-{release['version']}"))
    assert cache_names(page) == [f"field-shell-{release['version']}"]
    context.close()


def test_pages_that_need_the_network_show_the_offline_page(live_server, field_data, browser):
    """Offline, a server page answers with the cached offline page pointing to the field app."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    context.set_offline(True)
    page.goto(f"{live_server.url}/")
    expect(page.locator("main h1")).to_have_text("You are offline")
    assert page.locator("a[href='/app/']").count() >= 1
    context.close()


def test_shell_holds_no_personal_data(live_app, field_data):
    """The shell the worker keeps carries no CSRF token and no user name, even when signed in."""
    client = live_app.test_client()
    session = client.post("/api/auth/session", json={"username": field_data.tech_username, "password": "Str0ng-pass!"})
    user, token = session.get_json()["user"], session.get_json()["csrf_token"]
    html = client.get("/app/").get_data(as_text=True)
    assert "csrf" not in html.lower() and token not in html
    assert user["display_name"] not in html


def test_shell_follows_the_language(live_app):
    """?lang=zh gives a Chinese shell (lang attribute, strings), ?lang=en an English one."""
    client = live_app.test_client()
    chinese = client.get("/app/?lang=zh").get_data(as_text=True)
    assert '<html lang="zh-CN"' in chinese and "运维服务" in chinese
    catalogue = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', chinese, re.S).group(1))
    assert catalogue["lang"] == "zh" and catalogue["timezone"] == "Asia/Shanghai"
    english = client.get("/app/?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english


def test_every_string_the_scripts_show_is_in_the_catalogue(live_app):
    """Each t("...") in static/js has its entry in webapp/pwa.py (so the Python catalogue holds it)."""
    from webapp.field_strings import js_strings

    used = set()
    for path in (ROOT / "static" / "js").glob("*.js"):
        for match in re.finditer(r'\bt\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")):
            used.add(json.loads(f'"{match.group(1)}"'))
    with live_app.test_request_context("/app/"):
        known = set(js_strings())
    assert used - known == set()
    assert known - used == set()


def test_app_shell_is_small(live_app, built_assets):
    """JS (lazy chunks included), CSS and the shell HTML stay within 150 KB gzipped. The office
    pages' own bundles (static/js/office/, such as the report's charts) are not the field app's."""
    office = {p.stem for p in (ROOT / "static" / "js" / "office").glob("*.js")}
    files = [DIST / f for f in built_assets["assets"].values()] + [
        p for p in DIST.rglob("*.js") if p.name != "sw.js"
    ]
    payload = {p.resolve() for p in files if p.name.rsplit("-", 1)[0] not in office}
    assert len(payload) < len({p.resolve() for p in files}) or not office, "the office bundles were told apart"
    total = sum(len(gzip.compress(Path(p).read_bytes(), 9)) for p in payload)
    html = live_app.test_client().get("/app/").get_data()
    total += len(gzip.compress(html, 9))
    print(f"field app shell: {total} bytes gzipped ({len(payload)} files + HTML)")
    assert total <= SHELL_BUDGET_BYTES
