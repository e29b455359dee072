"""The knowledge base at the cabinet, with no signal, on a phone: a technician opens a device,
sees the known issue of its model, searches 黑屏 and opens the article — all from what the
device pulled (only published articles about models at the technician's schools)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.field_app import heard_since, sign_in, wait_for_sync, wait_for_worker, wait_until
from tests.support.knowledge import seed_field_articles

pytestmark = pytest.mark.usefixtures("built_assets")


def test_offline_known_issue_search_and_article_on_a_phone(browser, live_server, field_data, live_app, screenshot_dir):
    """Pull, go offline, reload; the device page lists its model's known issue; 黑屏 finds the
    article (not the draft, not the other school's projector); the article opens; the server hears nothing."""
    titles = seed_field_articles(live_app)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, field_data.tech_username)
    wait_for_worker(page)
    wait_for_sync(page)
    pulled = page.evaluate("""async () => {
      const db = await new Promise((ok, fail) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = fail; });
      const all = await new Promise((ok) => { const r = db.transaction('records').objectStore('records').getAll(); r.onsuccess = () => ok(r.result); });
      db.close();
      return all.filter((x) => x.kind === 'kb_article').map((x) => x.data.title).sort();
    }""")
    assert pulled == sorted([titles["known"], titles["black"]])

    context.set_offline(True)
    heard_before = len(live_server.requests)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.click(f"text={field_data.customer_name}")
    page.click(f"a:has-text('{field_data.device_name}')")
    expect(page.locator("main h1")).to_have_text(field_data.device_name)
    known = page.locator(".kb-known")
    expect(known.locator("li")).to_have_count(2)
    expect(known).to_contain_text(titles["known"])
    known.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "kb-device-360.png"), full_page=True)

    known.locator("a.btn").click()
    page.wait_for_url("**/app/knowledge")
    page.fill(".kb-search input[name=q]", "黑屏")
    page.click(".kb-search button[type=submit]")
    page.wait_for_url("**/app/knowledge?q=*")
    results = page.locator("main ul.list li")
    expect(results.first).to_contain_text(titles["black"])
    texts = results.all_inner_texts()
    assert not any(titles["draft"] in t or titles["elsewhere"] in t for t in texts), texts
    page.screenshot(path=str(screenshot_dir / "kb-search-360.png"), full_page=True)

    results.first.locator("a").click()
    page.wait_for_url("**/app/knowledge/*")
    expect(page.locator("main h1")).to_have_text(titles["black"])
    expect(page.locator("main .kb-steps li")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("把主码流改为H.264")
    page.screenshot(path=str(screenshot_dir / "kb-article-360.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 900})
    wait_until(page, lambda: page.evaluate("innerWidth") == 800)
    page.screenshot(path=str(screenshot_dir / "kb-article-800.png"), full_page=True)
    assert heard_since(live_server, heard_before) == [], "the server heard from the device while it was offline"
    context.close()
