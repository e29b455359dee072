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
3. **offline open** of Today, a cabinet and a device (network cut, CPU still slowed): from
   navigation until the record's name is on the screen, three times each, median.
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
    for label, values in opens.items():
        print(f"- offline open of {label}: median {statistics.median(values) * 1000:.0f} ms "
              f"({', '.join(f'{v * 1000:.0f}' for v in values)} ms)")


if __name__ == "__main__":
    main()
