"""The browser set-up works: Chromium opens the sign-in page of a live server."""


def test_sign_in_page_follows_browser_language_and_switch(live_server, page):
    """An English browser gets English; ?lang=zh switches to Chinese; no sideways scrolling at 360 px."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/login")
    assert page.locator("h1").inner_text() == "Sign in"
    page.goto(live_server.url + "/login?lang=zh")
    assert page.locator("h1").inner_text() == "登录"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
