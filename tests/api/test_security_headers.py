"""Security headers on every page, and pages that need nothing the policy forbids."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.support.field_device import forget_cached_user
from tests.support.factories import login, make_customer, make_user
from webapp.auth.models import Role

ROLES = [None, Role.TECHNICIAN, Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN]
SKIP_ENDPOINTS = {"static"}


class InlineCodeFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, handlers, styles."""

    def __init__(self):
        """Start with nothing found."""
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        """Note inline scripts, on* handlers, style attributes and <style> elements."""
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")


def _get_pages(app) -> list[str]:
    """Every GET page of the app that takes no arguments."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS:
            paths.append(rule.rule)
    return sorted(paths)


def _assert_headers(response, path: str) -> None:
    """The security headers every response carries."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("X-Frame-Options") == "SAMEORIGIN", path
    assert headers.get("Referrer-Policy") == "same-origin", path
    assert "camera=(self)" in headers.get("Permissions-Policy", ""), path
    assert "Strict-Transport-Security" not in headers, path  # plain http, cookies not secure


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "signed_out")
def test_every_page_carries_the_headers_and_no_inline_code(app, role):
    """Each GET page, as each role: the security headers are set and the HTML has no inline code."""
    client = app.test_client()
    if role is not None:
        user = make_user(role)
        make_customer(technicians=[user] if role is Role.TECHNICIAN else [])
        login(client, user)
    opened = set()
    for path in _get_pages(app):
        forget_cached_user()
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code < 500, path
        _assert_headers(response, path)
        if response.mimetype == "text/html":
            finder = InlineCodeFinder()
            finder.feed(response.get_data(as_text=True))
            assert finder.found == [], (path, finder.found)
            if response.status_code == 200:
                opened.add(path)
    # the walk really opened pages, not only redirects
    assert ("/login" in opened) if role is None else ("/" in opened and len(opened) >= 5), opened


def test_pages_with_records_carry_the_headers_too(app, client):
    """A customer's page and an API error carry the same headers."""
    office = make_user(Role.OFFICE)
    customer = make_customer()
    login(client, office)
    forget_cached_user()
    for path in (f"/customers/{customer.id}", "/api/sync/pull?cursor=x", "/sw.js", "/no-such-page"):
        _assert_headers(client.get(path), path)


def test_hsts_is_sent_only_when_cookies_are_secure(make_app):
    """With SESSION_COOKIE_SECURE, HTTPS answers carry HSTS; without it, none do."""
    secure = make_app(SESSION_COOKIE_SECURE=True)
    response = secure.test_client().get("/login", base_url="https://om.example.cn")
    assert response.headers["Strict-Transport-Security"] == "max-age=31556926"
    plain = make_app(SESSION_COOKIE_SECURE=False)
    assert "Strict-Transport-Security" not in plain.test_client().get("/login", base_url="https://om.example.cn").headers
