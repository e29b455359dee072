"""The field app on a slow phone (run by hand): first sync, field shell bytes, offline opens.

`.venv/bin/python bench/field_app_bench.py [--database-url URL] [--user tech01] [--net 4g|poor] [--cpu 4]`

Needs a district (`bench/district.py`) and the built field app (`npm run build`). Serves the app on
a real port (werkzeug, threaded) and drives Debian's Chromium through Playwright with the CPU
slowed (CDP `Emulation.setCPUThrottlingRate`) and the network shaped (`Network.emulateNetworkConditions`:
4G 9 / 1.5 Mbps, 150 ms; poor 1.6 / 0.75 Mbps, 300 ms). Measured:

1. **first sync**: from pressing "sign in" on a fresh device until the app has recorded its
   first finished sync; bytes on the wire the page received (encoded), pull requests, records in
   IndexedDB and the storage the origin uses;
2. **field shell**: the bytes on the wire of the first visit's own requests apart from the pulls
   (the service worker's precache fetches are not seen by the page's CDP session and are not
   shaped by it: see bench/sync_bench.py for the precache list's compressed size);
3. **a day's work synced**: 45 diary entries and 20 photos of them (65 outbox entries, 20
   JPEGs of about 140 KiB, the app's 1600 px / quality 0.6 output) put in the outbox through
   the app's own store module, then the app is told it is online: time until every entry is
   acknowledged and every photo uploaded;
4. **offline open** of Today, a cabinet and a device (network cut, CPU still slowed): from
   navigation until the record's name is on the screen, three times each, median; once as a
   page load (the app starting) and once as a tap inside the running app (from the sync page).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.district import DEFAULT_URL, PASSWORD  # noqa: E402
from bench.first_sync_bench import Server, make_app  # noqa: E402

DIARY, PHOTOS = 45, 20


def photo_jpeg(seed: int) -> bytes:
    """A 1600x1200 photo-like JPEG at quality 60 (about 140 KiB, what the app's compression makes)."""
    import io
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.effect_noise((1600, 1200), 18).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(1500), rng.randrange(1100)
        draw.rectangle((x, y, x + rng.randrange(40, 300), y + rng.randrange(20, 200)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    for i in range(12):
        draw.text((200, 300 + 40 * i), f"SN: DS-2CD3T46WDV3-I3 {seed:04d}-{i}", fill=(10, 10, 10))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()


# What store.enqueue does (its module imports "idb" by a bare name, so it cannot be imported
# into the page alone): the outbox entries, the optimistic records, the blobs and the next seq,
# in one IndexedDB transaction.
DAY_OF_WORK = """async ({customerId, userId, photos}) => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
  const hex = async (blob) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())))
    .map((b) => b.toString(16).padStart(2, '0')).join('');
  const blobs = [];
  for (const b64 of photos) {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
    blobs.push({ sha256: await hex(blob), type: blob.type, blob, size: blob.size });
  }
  const day = new Date().toISOString().slice(0, 10), now = new Date().toISOString();
  const mutations = [], entries = [];
  for (let i = 0; i < %(diary)d; i++) {
    const id = crypto.randomUUID();
    entries.push(id);
    mutations.push({ kind: 'diary_entry', op: 'create', id, data: { customer_id: customerId, date: day,
                     text: '巡检弱电间，交换机与摄像机运行正常 ' + i }, blobs: {} });
  }
  blobs.forEach((b, i) => mutations.push({ kind: 'photo', op: 'create', id: crypto.randomUUID(), blobs: { image: b.sha256 },
    data: { document_kind: 'diary_entry', document_id: entries[i], caption: '', taken_at: now } }));
  const tx = db.transaction(['meta', 'outbox', 'records', 'blobs'], 'readwrite');
  const done = new Promise((ok, no) => { tx.oncomplete = ok; tx.onerror = no; });
  const key = 'client:' + userId;
  const client = await new Promise((ok) => { const q = tx.objectStore('meta').get(key); q.onsuccess = () => ok(q.result.value); });
  let seq = client.next_seq;
  for (const b of blobs) tx.objectStore('blobs').put({ ...b, user_id: userId, uploaded: false, created_at: now });
  for (const m of mutations) {
    tx.objectStore('outbox').put({ client_id: client.client_id, seq: seq++, user_id: userId, kind: m.kind, op: m.op, id: m.id,
      base_version: null, data: m.data, blobs: m.blobs, label: 'bench', state: 'queued', created_at: now, attempts: 0 });
    tx.objectStore('records').put({ kind: m.kind, id: m.id, version: 0, change_seq: 0, deleted: false, local: true,
      data: m.data, blobs: m.blobs });
  }
  tx.objectStore('meta').put({ key, value: { ...client, next_seq: seq } });
  await done;
  db.close();
  return mutations.length;
}""" % {"diary": DIARY}

DAY_DONE = """async () => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
  const all = async (name) => new Promise((ok) => { const q = db.transaction(name).objectStore(name).getAll(); q.onsuccess = () => ok(q.result); });
  const outbox = await all('outbox'), blobs = await all('blobs');
  db.close();
  const open = outbox.filter((e) => e.state === 'queued' || e.state === 'sending').length;
  const waiting = blobs.filter((b) => !b.uploaded).length;
  return { open, waiting, failed: outbox.filter((e) => !['queued', 'sending', 'synced'].includes(e.state)).map((e) => e.state) };
}"""

NETWORKS = {"4g": (9.0, 1.5, 150), "poor": (1.6, 0.75, 300)}


def shape(cdp, net: str, cpu: float) -> None:
    """Slow the page's CPU and shape its network."""
    down, up, latency = NETWORKS[net]
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                  "downloadThroughput": down * 1e6 / 8, "uploadThroughput": up * 1e6 / 8})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})


def records_on_device(page) -> dict:
    """Records per store in the app's IndexedDB, and the origin's storage use."""
    return page.evaluate(
        """async () => {
          const db = await new Promise((ok, no) => { const r = indexedDB.open('field-app'); r.onsuccess = () => ok(r.result); r.onerror = no; });
          const counts = {};
          for (const name of db.objectStoreNames) {
            counts[name] = await new Promise((ok) => { const q = db.transaction(name).objectStore(name).count(); q.onsuccess = () => ok(q.result); });
          }
          db.close();
          const estimate = await navigator.storage.estimate();
          return {counts, usage: estimate.usage};
        }""")


def main() -> None:
    """One fresh device: sign in, first sync, then offline opens."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path
    from tests.support.field_app import meta, wait_for_worker, wait_until

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DISTRICT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--user", default="tech01")
    parser.add_argument("--net", choices=sorted(NETWORKS), default="4g")
    parser.add_argument("--cpu", type=float, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (ROOT / "static" / "dist" / "asset-manifest.json").exists():
        sys.exit("build the field app first: npm run build")
    app = make_app(args.database_url)
    from webapp.archive.models import Cabinet, Customer, Device
    from webapp.auth.models import User
    from webapp.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == args.user))
        school = sorted(user.customers, key=lambda c: c.name)[0]
        school_id, user_id = school.id, user.id
        cabinet = db.session.scalars(select(Cabinet).where(Cabinet.customer_id == school.id).order_by(Cabinet.name)).first()
        device = db.session.scalars(select(Device).where(Device.cabinet_id == cabinet.id).order_by(Device.name)).first()
        targets = {"Today": ("/app/", None), "cabinet": (f"/app/cabinets/{cabinet.id}", cabinet.name),
                   "device": (f"/app/devices/{device.id}", device.name)}
        del Customer
    server = Server(app)
    wire: dict[str, int] = {}
    urls: dict[str, str] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
            cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
            shape(cdp, args.net, args.cpu)
            page.goto(f"{server.url}/login?next=/app/")
            page.fill("#username", args.user)
            page.fill("#password", PASSWORD)
            started = time.perf_counter()
            page.click("button[type=submit]")
            page.wait_for_selector("html[data-ready]", timeout=120_000)
            ready = time.perf_counter() - started
            wait_until(page, lambda: meta(page, "lastSync") and not meta(page, "firstSync"), timeout=600, interval_ms=250)
            synced = time.perf_counter() - started
            device_data = records_on_device(page)
            pulls = [r for r, u in urls.items() if "/api/sync/pull" in u]
            pull_bytes = sum(wire.get(r, 0) for r in pulls)
            shell_bytes = sum(v for r, v in wire.items() if r not in pulls and "/api/" not in urls.get(r, ""))
            api_other = sum(v for r, v in wire.items() if r not in pulls and "/api/" in urls.get(r, ""))
            import base64
            photos = [base64.b64encode(photo_jpeg(n)).decode() for n in range(PHOTOS)]
            queued = page.evaluate(DAY_OF_WORK, {"customerId": school_id, "userId": user_id, "photos": photos})
            began = time.perf_counter()
            page.evaluate("() => window.dispatchEvent(new Event('online'))")  # the app syncs when back online
            state = wait_until(page, lambda: (lambda d: d if not d["open"] and not d["waiting"] else None)(page.evaluate(DAY_DONE)),
                               timeout=600, interval_ms=250)
            day_s = time.perf_counter() - began
            wait_for_worker(page)
            context.set_offline(True)
            opens: dict[str, list[float]] = {}
            for label, (path, text) in targets.items():
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    page.goto(server.url + path)
                    page.wait_for_selector("html[data-ready]")
                    if text:
                        page.get_by_text(text).first.wait_for()
                    opens.setdefault(label, []).append(time.perf_counter() - began)
            # the same screens reached by a tap inside the running app (no page load): what a
            # technician waits for between screens once the app is open
            taps: dict[str, list[float]] = {}
            page.goto(server.url + "/app/")
            page.wait_for_selector("html[data-ready]")
            for label, (path, text) in targets.items():
                for _ in range(args.repeat):
                    page.evaluate("() => { history.pushState(null, '', '/app/sync'); dispatchEvent(new PopStateEvent('popstate')); }")
                    page.wait_for_selector("[data-action=sync-now]")
                    before = page.text_content("main h1")
                    began = time.perf_counter()
                    page.evaluate("(p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }", path)
                    if text:
                        page.get_by_text(text).first.wait_for()
                    else:  # Today: its heading has replaced the sync page's
                        page.wait_for_function("(old) => document.querySelector('main h1')?.textContent !== old", arg=before)
                    taps.setdefault(label, []).append(time.perf_counter() - began)
            browser.close()
    finally:
        server.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# Field app, {args.user}, network {args.net}, CPU {args.cpu:g}x, load average {load}\n")
    print(f"- first sync: {synced:.1f} s from sign-in (app ready after {ready:.1f} s); {len(pulls)} pulls, "
          f"{pull_bytes / 1024:.0f} KiB on the wire")
    counts = device_data["counts"]
    print(f"- on the device: {sum(counts.values()):,} rows ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()) if v)}); "
          f"origin storage {device_data['usage'] / 1e6:.1f} MB")
    print(f"- field shell on the wire (page's own requests, not the pulls): {shell_bytes / 1024:.0f} KiB; "
          f"other API calls {api_other / 1024:.0f} KiB")
    print(f"- a day's work ({queued} outbox entries, {PHOTOS} photos of about 140 KiB): {day_s:.1f} s to sync"
          f"{' (entries in other states: ' + ', '.join(state['failed']) + ')' if state['failed'] else ''}")
    for label, values in opens.items():
        print(f"- offline open of {label} (a page load): median {statistics.median(values) * 1000:.0f} ms "
              f"({', '.join(f'{v * 1000:.0f}' for v in values)} ms)")
    for label, values in taps.items():
        print(f"- offline open of {label} (a tap in the open app): median {statistics.median(values) * 1000:.0f} ms "
              f"({', '.join(f'{v * 1000:.0f}' for v in values)} ms)")


if __name__ == "__main__":
    main()
