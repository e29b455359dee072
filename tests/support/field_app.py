"""Helpers for the field app's end-to-end tests: built assets, seed data, a camera file, and
small probes into the page (IndexedDB outbox, service worker, caches)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image

from tests.support.factories import PASSWORD, make_cabinet, make_customer, make_device, make_room, make_site, make_user
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "static" / "dist"
SOURCES = [
    ROOT / "static" / "js", ROOT / "static" / "css", ROOT / "service_worker", ROOT / "templates" / "pwa",
    ROOT / "static" / "build.mjs", ROOT / "webapp" / "pwa.py", ROOT / "static" / "icons",
]


def _newest_mtime(paths: list[Path]) -> float:
    """The newest modification time among files under the paths."""
    newest = 0.0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            newest = max(newest, file.stat().st_mtime)
    return newest


def build_assets(outdir: Path | None = None, salt: str = "", db_version_bump: int = 0) -> dict:
    """Run static/build.mjs (into static/dist unless told otherwise); returns its manifest.
    `db_version_bump` builds a release that opens IndexedDB that many versions higher."""
    env = {**os.environ}
    if salt:
        env["BUILD_SALT"] = salt
    if db_version_bump:
        env["DB_VERSION_BUMP"] = str(db_version_bump)
    args = ["node", "static/build.mjs"]
    if outdir is not None:
        args += ["--outdir", str(outdir)]
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    return json.loads(((outdir or DIST) / "asset-manifest.json").read_text())


def ensure_built() -> dict:
    """Build the bundles when they are missing or older than their sources."""
    manifest = DIST / "asset-manifest.json"
    if not manifest.exists() or manifest.stat().st_mtime < _newest_mtime(SOURCES):
        return build_assets()
    return json.loads(manifest.read_text())


@dataclass
class FieldData:
    """What the tests seed: a technician with one school, its cabinet and devices."""

    tech_id: int
    tech_username: str
    customer_id: str
    customer_name: str
    cabinet_id: str
    cabinet_name: str
    cabinet_token: str
    device_id: str
    device_name: str
    device_token: str
    other_device_id: str


def seed_field_data(app, username: str = "tech") -> FieldData:
    """A technician assigned to a school with a site, room, cabinet, two devices and an open ticket."""
    from webapp.archive.models import Contact
    from webapp.repairs.models import RepairTicket

    with app.app_context():
        tech = make_user(username=username)
        customer = make_customer(name="滨江第一中学", technicians=[tech], person_in_charge="周建国", phone="0571-86600001")
        site = make_site(customer)
        room = make_room(site, "A栋1F弱电间")
        cabinet = make_cabinet(customer, name="A栋1F弱电间机柜", code="JG-A1", site_id=site.id, room_id=room.id,
                               location="行政楼一层东侧")
        device = make_device(customer, cabinet, name="网络摄像机-大门", room_id=room.id)
        other = make_device(customer, cabinet, name="核心交换机", category="switch", brand="华为", model="S5735-L48T4X-A1")
        db.session.add(Contact(customer_id=customer.id, name="吴敏", title="总务处", phone="13905710002"))
        db.session.add(RepairTicket(number="BX2026-00001", customer_id=customer.id, device_id=device.id,
                                    cabinet_id=cabinet.id, status="reported", location="行政楼大门",
                                    description="大门摄像机画面模糊", reporter_name="吴敏"))
        db.session.commit()
        return FieldData(
            tech_id=tech.id, tech_username=tech.username, customer_id=customer.id, customer_name=customer.name,
            cabinet_id=cabinet.id, cabinet_name=cabinet.name, cabinet_token=cabinet.qr_token,
            device_id=device.id, device_name=device.name, device_token=device.qr_token, other_device_id=other.id,
        )


def write_qr_y4m(path: Path, text: str, frames: int = 10) -> Path:
    """A .y4m video (640x480, 4:2:0) showing one QR code, for Chromium's fake camera."""
    width, height = 640, 480
    qr = qrcode.QRCode(border=4, box_size=8)
    qr.add_data(text)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("L")
    side = min(400, code.size[0] * 2)
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 235)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)
            out.write(chroma)
    return path


def write_photo(path: Path, width: int = 2400, height: int = 1800) -> Path:
    """A camera-sized JPEG with some structure in it."""
    image = Image.new("RGB", (width, height), (90, 140, 190))
    for i in range(0, width, 120):
        for j in range(0, height, 120):
            if (i // 120 + j // 120) % 2:
                image.paste((230, 200, 60), (i, j, i + 120, j + 120))
    image.save(path, "JPEG", quality=90)
    return path


def sign_in(page, base_url: str, username: str, password: str = PASSWORD, next_path: str = "/app/") -> None:
    """Sign in through the login form and wait for the field app to be ready."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("html[data-ready]")


def wait_for_worker(page) -> None:
    """Wait until the service worker controls the page (needed before going offline)."""
    page.evaluate(
        """async () => {
          await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller) {
            await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
          }
        }"""
    )


def wait_until(page, check, timeout: float = 60.0, interval_ms: int = 150):
    """Poll a Python check (which may evaluate in the page) until it returns something truthy.

    The timeout is only the bound for a machine under load (CI runs two passes side by side); a
    passing check returns as soon as it holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        page.wait_for_timeout(interval_ms)


def wait_for_sync(page, after: str | None = None) -> str:
    """Wait until a sync round has ended well (lastSync recorded, later than `after`) with nothing sending."""

    def done():
        last = meta(page, "lastSync")
        if not last or (after and last <= after):
            return None
        if any(e["state"] == "sending" for e in outbox(page)):
            return None
        return last

    return wait_until(page, done)


def outbox(page) -> list[dict]:
    """Every outbox entry on the device (all users)."""
    return page.evaluate(
        """async () => {
          if (!(await indexedDB.databases()).some((d) => d.name === 'field-app')) return [];
          const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
          const rows = await new Promise((ok) => { const q = db.transaction('outbox').objectStore('outbox').getAll(); q.onsuccess = () => ok(q.result); });
          db.close();
          return rows.map((e) => ({seq: e.seq, kind: e.kind, id: e.id, state: e.state, user_id: e.user_id, client_id: e.client_id, error: e.error || null}));
        }"""
    )


def meta(page, key: str):
    """One meta value from the device's database."""
    return page.evaluate(
        """async (key) => {
          if (!(await indexedDB.databases()).some((d) => d.name === 'field-app')) return null;
          const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
          const row = await new Promise((ok) => { const q = db.transaction('meta').objectStore('meta').get(key); q.onsuccess = () => ok(q.result); });
          db.close();
          return row ? row.value : null;
        }""",
        key,
    )


def draw_signature(page, selector: str = "canvas.signature-canvas") -> None:
    """Sign on the pad with the mouse: two strokes with many points each."""
    canvas = page.locator(selector)
    canvas.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    page.mouse.move(x + w * 0.3, y + h * 0.25, steps=12)
    page.mouse.move(x + w * 0.5, y + h * 0.7, steps=12)
    page.mouse.move(x + w * 0.7, y + h * 0.3, steps=12)
    page.mouse.up()
    page.mouse.move(x + w * 0.15, y + h * 0.8)
    page.mouse.down()
    page.mouse.move(x + w * 0.85, y + h * 0.75, steps=16)
    page.mouse.up()


# The browser process itself checks /sw.js for a new worker after navigations; DevTools'
# offline emulation covers pages and workers but not that check (a phone with no signal
# would simply fail it). Everything the app or its worker fetches is still counted.
BROWSER_UPDATE_CHECK = "GET /sw.js"


def heard_since(server, count: int) -> list[str]:
    """What the server heard from the app after the first `count` requests of its log."""
    return [r for r in server.requests[count:] if r != BROWSER_UPDATE_CHECK]


class ForeignHostGuard:
    """Abort every request to a host other than the live server and remember it."""

    def __init__(self, context, base_url: str):
        """Route everything not on base_url to an abort."""
        self.attempts: list[str] = []
        self.base_url = base_url
        context.route(lambda url: not url.startswith(base_url), self._abort)

    def _abort(self, route) -> None:
        """Record and refuse."""
        self.attempts.append(route.request.url)
        route.abort()


def canonical_sha256(kind: str, record_id: str, data: dict) -> str:
    """The SHA-256 the app's signature covers, computed the Python way."""
    content = {"kind": kind, "id": record_id, "data": {k: v for k, v in data.items() if v is not None}}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def alpha_histogram(png: bytes) -> tuple[int, int]:
    """(inked pixels, transparent pixels) of a PNG, from its alpha channel's histogram."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    histogram = image.convert("RGBA").getchannel("A").histogram()
    return sum(histogram[1:]), histogram[0]


def image_size(data: bytes) -> tuple[str, int, int]:
    """Format, width and height of image bytes."""
    image = Image.open(io.BytesIO(data))
    return image.format, image.width, image.height



def write_diary_entry(page, base_url: str, path: str, text: str, photo: Path | None = None,
                      signer: str | None = None, day: str | None = None) -> str:
    """Write a diary entry from a customer/cabinet/device page; returns the new entry's id."""
    page.goto(f"{base_url}{path}")
    page.wait_for_selector("html[data-ready]")
    page.click("text=New diary entry")
    page.wait_for_selector("#diary_text")
    if day:
        page.fill("#diary_date", day)
    page.fill("#diary_text", text)
    if photo is not None:
        page.set_input_files("#photo_pick", str(photo))
        page.wait_for_selector(".thumb img")
    if signer:
        draw_signature(page)
        page.fill("#signer_name", signer)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/diary/[0-9a-f-]{36}$"))
    page.wait_for_selector(".diary-text")
    return page.url.rsplit("/", 1)[-1]


def api_client(app, username: str, password: str = PASSWORD):
    """A second device: a test client signed in through the API; returns (client, csrf token)."""
    client = app.test_client()
    response = client.post("/api/auth/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return client, response.get_json()["csrf_token"]
