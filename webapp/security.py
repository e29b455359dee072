"""Security headers on every response (Flask-Talisman): a CSP without inline script, and friends."""
from __future__ import annotations

from flask import Flask

from .extensions import talisman

# Everything the pages and the field app load is served by this app, so 'self' is the rule.
# No 'unsafe-inline' anywhere: templates carry no inline script, event handler or style
# attribute (JSON data blocks, <script type="application/json">, are not scripts).
# object-src stays at 'self' (not 'none') because signed PDFs open inline in the browser's
# viewer, which Chromium counts as a plugin.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # signatures and photos are previewed from blob: and data: URLs before they are uploaded
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob: mediastream:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}

# The scanner needs the camera of this origin; nothing else needs a device feature.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), browsing-topics=()"


def init_security_headers(app: Flask) -> None:
    """Bind Talisman with this app's policy; HSTS only where cookies are marked secure (HTTPS)."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    talisman.init_app(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="SAMEORIGIN",
        referrer_policy="same-origin",
        x_content_type_options=True,
        # HTTPS is terminated and enforced by the proxy in front (README); a redirect here would
        # loop behind it and break `make run` on plain http://localhost.
        force_https=False,
        strict_transport_security=secure,
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
