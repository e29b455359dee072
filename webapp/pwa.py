"""The installable app: /manifest.webmanifest, /sw.js, /offline, the field app shell at /app/.

The field app's scripts and styles are bundled by static/build.mjs into static/dist (or
PWA_DIST_DIR) with content-hashed names, served under /assets/; its asset-manifest.json names
the bundles, lists what the service worker precaches and carries the release version that
names the worker's cache.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, render_template, send_from_directory
from flask_babel import gettext as _

from .field_strings import catalogue, current_lang

bp = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parent.parent
THEME_COLOUR = "#0f5c8c"
BACKGROUND_COLOUR = "#f3f5f8"
EMPTY_MANIFEST = {"version": "", "assets": {}, "precache": []}
# Files in the dist folder that are not immutable assets (served elsewhere or not at all).
NOT_ASSETS = {"sw.js", "asset-manifest.json"}


def dist_dir() -> Path:
    """Where the built bundles are (PWA_DIST_DIR overrides static/dist)."""
    return Path(current_app.config.get("PWA_DIST_DIR") or ROOT / "static" / "dist")


@lru_cache(maxsize=8)
def _read_manifest(path: str, mtime_ns: int) -> dict:
    """Parse an asset manifest (cached per file and modification time)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def asset_manifest() -> dict:
    """The build's asset manifest, or an empty one when the bundles are not built."""
    path = dist_dir() / "asset-manifest.json"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return EMPTY_MANIFEST
    return _read_manifest(str(path), mtime)


def asset_url(name: str) -> str | None:
    """The URL of a built bundle by its logical name ("field-app.js", "field.css")."""
    filename = asset_manifest()["assets"].get(name)
    return f"/assets/{filename}" if filename else None


def app_version() -> str:
    """The release of the offline app (names the service worker's cache)."""
    return asset_manifest()["version"]


@bp.app_context_processor
def _pwa_globals() -> dict:
    """Let every template link the field app's bundles (base.html's sync badge does)."""
    return {"pwa_asset": asset_url}


def _no_cache(response, version: bool = True):
    """Revalidate on every load; tell the worker which release rendered the page."""
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    if version:
        response.headers["X-App-Version"] = app_version()
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest, named in the request language."""
    body = {
        "id": "/app/",
        "name": _("School O&M Service"),
        "short_name": _("O&M Service"),
        "description": _("Field app of the school O&M service department. Works offline."),
        "lang": "zh-CN" if current_lang() == "zh" else "en",
        "dir": "ltr",
        "start_url": "/app/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": _("Scan a label"), "url": "/app/scan"},
            {"name": _("Sync"), "url": "/app/sync"},
        ],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json"
    )
    return _no_cache(response, version=False)


@bp.route("/sw.js")
def service_worker():
    """The service worker (built from service_worker/sw.js), with scope / ."""
    if not (dist_dir() / "sw.js").exists():
        abort(404)
    response = send_from_directory(dist_dir(), "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/assets/<path:filename>")
def asset(filename: str):
    """A content-hashed bundle: cached for a year, since its name changes with its content."""
    if filename in NOT_ASSETS:
        abort(404)
    response = send_from_directory(dist_dir(), filename, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.route("/offline")
def offline():
    """What the worker shows for a page that needs the network while there is none."""
    html = render_template("pwa/offline.html", stylesheet=asset_url("field.css"))
    return _no_cache(make_response(html))


@bp.route("/app/", defaults={"subpath": ""})
@bp.route("/app/<path:subpath>")
def app_shell(subpath: str = ""):
    """The field app shell; the same page for every path under /app/ (the scripts route)."""
    html = render_template(
        "pwa/shell.html",
        i18n=catalogue(),
        script=asset_url("field-app.js"),
        stylesheet=asset_url("field.css"),
        version=app_version(),
    )
    return _no_cache(make_response(html))
