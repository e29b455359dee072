"""Take the README's screenshots from a demo server in Debian's Chromium (run by hand).

    .venv/bin/python docs/screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    """Serve the demo district from a throw-away database and photograph a technician's day."""
    from flask_migrate import upgrade

    from webapp.demo import load_demo_data

    tmp = Path(tempfile.mkdtemp())
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.sqlite3'}",
                              "BLOB_STORAGE_DIR": str(tmp / "blobs"),
                              "DOCUMENT_STORAGE_DIR": str(tmp / "docs"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.commit()
        from webapp.archive.models import Device
        device = db.session.scalars(db.select(Device).where(Device.qr_token.is_not(None))).first()
        token = device.qr_token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/lib/chromium/chromium", args=FLAGS)
        phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                    device_scale_factor=2)
        page = phone.new_page()
        page.goto(base + "/login")
        page.fill("#username", "tech")
        page.fill("#password", "demo1234")
        page.click("button[type=submit]")
        page.goto(base + "/app/")
        page.wait_for_selector("h1")
        page.wait_for_timeout(2500)
        page.screenshot(path=str(OUT / "field-app-today-phone.png"))
        page.goto(base + f"/q/{token}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "device-page-phone.png"))
        tablet = browser.new_context(viewport={"width": 800, "height": 1100}, locale="zh-CN")
        page = tablet.new_page()
        page.goto(base + "/login")
        page.fill("#username", "super")
        page.fill("#password", "demo1234")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "home-tablet.png"))
        browser.close()
    server.shutdown()
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
