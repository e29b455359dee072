"""Sync benchmark (run by hand, not a test): `make bench` or `.venv/bin/python bench/sync_bench.py`.

Measures, in one run:
1. Pushing 1,000 mutations (850 diary entries, 100 signatures, 50 photos) in batches of 100,
   plus uploading their 100 signature PNGs and 50 photo JPEGs, through the sync API (the app
   in-process, WSGI, no sockets) -- against a raw SQLAlchemy bulk insert of the same rows.
2. Pulling a full 1,000-device school to a fresh device through the HTTP API (a real
   werkzeug server on a port): time, pages, bytes on the wire (gzip) and uncompressed.
3. The gzipped size of the field app shell: JS/CSS under static/dist and static/css, the
   /app/ shell HTML and /sw.js.

Uses a throw-away SQLite file by default; `--database-url postgresql+psycopg://.../bench_x`
runs it on PostgreSQL (only a database whose name starts with "bench" is accepted, since the
script drops and creates every table there).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import http.cookiejar
import io
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from config import TestConfig  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.archive.models import Cabinet, Customer, Device  # noqa: E402
from webapp.archive.qr import new_token  # noqa: E402
from webapp.auth.models import Role  # noqa: E402
from webapp.auth.services import create_user  # noqa: E402
from webapp.documents.models import Blob, Photo, Signature  # noqa: E402
from webapp.documents.storage import FolderStorage  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.maintenance.diary import DiaryEntry  # noqa: E402

PASSWORD = "Bench-pass-2026!"
N_MUTATIONS, N_SIGNATURES, N_PHOTOS, BATCH = 1000, 100, 50, 100


def signature_png(seed: int) -> bytes:
    """A 600x200 signature-like PNG with strokes (what the signature pad exports)."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x, y = 40, 100
    for _ in range(60):
        nx, ny = min(max(x + rng.randint(-25, 35), 10), 590), min(max(y + rng.randint(-30, 30), 10), 190)
        draw.line((x, y, nx, ny), fill=(10, 20, 60, 255), width=3)
        x, y = nx, ny
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def photo_jpeg(seed: int) -> bytes:
    """A 1600x1200 photo-like JPEG (the app compresses photos to a 1600 px long side)."""
    rng = random.Random(seed)
    image = Image.effect_noise((1600, 1200), 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randrange(1500), rng.randrange(1100)
        draw.rectangle((x, y, x + rng.randrange(50, 300), y + rng.randrange(50, 300)),
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def sha(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def make_app(database_url: str, blob_dir: str, sqlite_wal: bool = False):
    """An app on a fresh schema (optionally SQLite in WAL mode with synchronous=NORMAL)."""
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "BLOB_STORAGE_DIR": blob_dir,
                                  "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if sqlite_wal:
            from sqlalchemy import event

            @event.listens_for(db.engine, "connect")
            def _wal(dbapi_connection, _record):
                """WAL keeps readers off the writer's back; NORMAL syncs at checkpoints, not each commit."""
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()

            db.engine.dispose()
        db.drop_all()
        db.create_all()
    return app


def seed_school(devices: int) -> tuple:
    """A technician, an office user and one school with cabinets and `devices` devices."""
    tech = create_user("benchtech", "Bench Tech", Role.TECHNICIAN, PASSWORD)
    create_user("benchoffice", "Bench Office", Role.OFFICE, PASSWORD)
    school = Customer(name="基准测试学校", address="测试路 1 号")
    db.session.add(school)
    db.session.flush()
    tech.customers.append(school)
    cabinets = [Cabinet(customer_id=school.id, name=f"机柜{i:02d}", qr_token=new_token()) for i in range(15)]
    db.session.add_all(cabinets)
    db.session.flush()
    for n in range(devices):
        token = new_token()
        device = Device(customer_id=school.id, cabinet_id=cabinets[n % 15].id, name=f"网络摄像机-{n:04d}",
                        category="camera", brand="海康威视", model="DS-2CD3T46WDV3-I3", protocol="ONVIF / RTSP",
                        software_version="V5.7.3 build 220112", serial=f"SN{n:010d}", ip_address=f"10.1.{n // 250}.{n % 250 + 1}",
                        install_date=date(2024, 1, 10), warranty_end=date(2027, 1, 9), supplier="海康威视浙江分公司",
                        qr_token=token)
        db.session.add(device)
    db.session.commit()
    return tech.id, school.id


def build_mutations(customer_id: str) -> tuple[list[dict], dict[str, bytes]]:
    """1,000 mutations: diary entries, 100 signed, 50 with a photo; and their blobs."""
    mutations, blobs = [], {}
    n_diary = N_MUTATIONS - N_SIGNATURES - N_PHOTOS
    diary_ids = [str(uuid.uuid4()) for _ in range(n_diary)]
    for i, record_id in enumerate(diary_ids):
        mutations.append({"kind": "diary_entry", "op": "create", "id": record_id, "base_version": None,
                          "data": {"customer_id": customer_id, "date": "2026-03-02",
                                   "text": f"第{i}条：巡检弱电间，交换机与摄像机运行正常，清理机柜灰尘。"}, "blobs": {}})
    for i in range(N_PHOTOS):  # photos first: a signed document takes no more photos
        image = photo_jpeg(i)
        blobs[sha(image)] = image
        mutations.append({"kind": "photo", "op": "create", "id": str(uuid.uuid4()), "base_version": None,
                          "data": {"document_kind": "diary_entry", "document_id": diary_ids[i], "caption": "机柜正面",
                                   "taken_at": "2026-03-02T06:20:00Z"}, "blobs": {"image": sha(image)}})
    for i in range(N_SIGNATURES):
        image = signature_png(i)
        blobs[sha(image)] = image
        mutations.append({"kind": "signature", "op": "create", "id": str(uuid.uuid4()), "base_version": None,
                          "data": {"document_kind": "diary_entry", "document_id": diary_ids[i], "signer_name": "周建国",
                                   "signer_role": "customer", "signed_at": "2026-03-02T06:30:00Z",
                                   "content_sha256": sha(f"doc{i}".encode())}, "blobs": {"image": sha(image)}})
    for seq, mutation in enumerate(mutations, start=1):
        mutation["seq"] = seq
    return mutations, blobs


def bench_push(app, customer_id: str, mutations: list[dict], blobs: dict[str, bytes]) -> dict:
    """Push through the API: mutations in batches, then the blobs (the device's order)."""
    client = app.test_client()
    response = client.post("/api/auth/session", json={"username": "benchtech", "password": PASSWORD})
    assert response.status_code == 200
    client_id = str(uuid.uuid4())
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(mutations), BATCH):
        body = client.post("/api/sync/push", json={"client_id": client_id, "mutations": mutations[start:start + BATCH]})
        results = body.get_json()["results"]
        assert [r["status"] for r in results] == ["applied"] * len(results), results[:3]
    mutations_done, cpu_mutations = time.perf_counter(), time.process_time() - cpu_started
    for name, data in blobs.items():
        response = client.put(f"/api/sync/blobs/{name}", data=data, headers={"Content-Type": "application/octet-stream"})
        assert response.status_code == 201, response.get_json()
    finished = time.perf_counter()
    with app.app_context():
        complete = db.session.query(Signature).filter_by(complete=True).count() + \
            db.session.query(Photo).filter_by(complete=True).count()
        assert complete == N_SIGNATURES + N_PHOTOS
    return {"mutations_s": mutations_done - started, "mutations_cpu_s": cpu_mutations, "blobs_s": finished - mutations_done,
            "total_s": finished - started, "blob_bytes": sum(len(b) for b in blobs.values())}


def bench_raw(app, customer_id: str, tech_id: int, mutations: list[dict], blobs: dict[str, bytes], blob_dir: str) -> dict:
    """The same rows with one bulk insert per table in one transaction (and the blob bytes written)."""
    now = datetime.now(timezone.utc)
    diary, photos, signatures = [], [], []
    seq = 10_000_000
    for m in mutations:
        seq += 1
        common = {"id": str(uuid.uuid4()), "version": 1, "change_seq": seq, "created_at": now, "updated_at": now,
                  "customer_id": customer_id, "author_id": tech_id}
        data = m["data"]
        if m["kind"] == "diary_entry":
            diary.append({**common, "date": date(2026, 3, 2), "text": data["text"]})
        elif m["kind"] == "photo":
            photos.append({**common, "document_kind": "diary_entry", "document_id": data["document_id"],
                           "caption": data["caption"], "taken_at": now, "image_sha256": m["blobs"]["image"],
                           "complete": True})
        else:
            signatures.append({**common, "document_kind": "diary_entry", "document_id": data["document_id"],
                               "signer_name": data["signer_name"], "signer_role": "customer", "signed_at": now,
                               "content_sha256": data["content_sha256"], "image_sha256": m["blobs"]["image"],
                               "complete": True})
    blob_rows = [{"sha256": "f" * 48 + name[:16], "stored_sha256": name, "size": len(data), "uploaded_size": len(data),
                  "mime": "image/png", "width": 1, "height": 1, "created_at": now} for name, data in blobs.items()]
    store = FolderStorage(Path(blob_dir) / "raw")
    with app.app_context():
        started = time.perf_counter()
        db.session.execute(insert(DiaryEntry), diary)
        db.session.execute(insert(Photo), photos)
        db.session.execute(insert(Signature), signatures)
        db.session.commit()
        rows_done = time.perf_counter()
        db.session.execute(insert(Blob), blob_rows)
        db.session.commit()
        for name, data in blobs.items():
            store.put(name, data)
        finished = time.perf_counter()
    return {"rows_s": rows_done - started, "total_s": finished - started}


logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _Server:
    """The app on a real port."""

    def __init__(self, app):
        """Serve in a daemon thread."""
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()


def bench_pull(app, gzip_ok: bool) -> dict:
    """A fresh device pulls the technician's whole scope over HTTP."""
    server = _Server(app)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = urllib.request.Request(server.url + "/api/auth/session", method="POST",
                                       data=json.dumps({"username": "benchtech", "password": PASSWORD}).encode(),
                                       headers={"Content-Type": "application/json"})
        opener.open(login).read()
        client_id = str(uuid.uuid4())
        cursor, pages, wire, raw, changes = 0, 0, 0, 0, 0
        started = time.perf_counter()
        while True:
            headers = {"X-Client-Id": client_id}
            if gzip_ok:
                headers["Accept-Encoding"] = "gzip"
            request = urllib.request.Request(f"{server.url}/api/sync/pull?cursor={cursor}", headers=headers)
            with opener.open(request) as response:
                body = response.read()
                encoded = response.headers.get("Content-Encoding") == "gzip"
            wire += len(body)
            text = gzip.decompress(body) if encoded else body
            raw += len(text)
            page = json.loads(text)
            pages += 1
            changes += len(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        return {"seconds": time.perf_counter() - started, "pages": pages, "changes": changes,
                "wire_bytes": wire, "json_bytes": raw}
    finally:
        server.stop()


def app_shell_size(app) -> dict:
    """Gzipped bytes of the field app shell as a device fetches it: the /app/ HTML, /sw.js, the
    JS/CSS the worker precaches (static/dist/asset-manifest.json) and the CSS/JS the shell links.
    Without a manifest, every JS/CSS file under static/dist and static/css counts."""
    import re

    client = app.test_client()
    client.post("/api/auth/session", json={"username": "benchtech", "password": PASSWORD})
    urls = ["/app/", "/sw.js"]
    manifest = ROOT / "static" / "dist" / "asset-manifest.json"
    shell = client.get("/app/")
    if manifest.exists():
        urls += json.loads(manifest.read_text()).get("precache", [])
        urls += re.findall(r'(?:href|src)="([^"]+)"', shell.get_data(as_text=True))
    else:
        for folder in ("static/dist", "static/css"):
            urls += ["/" + str(p.relative_to(ROOT)) for p in sorted((ROOT / folder).rglob("*")) if p.is_file()]
    files: dict[str, bytes] = {}
    for url in urls:
        path = url.split("?", 1)[0]
        if path in files or not (path in ("/app/", "/sw.js") or path.endswith((".js", ".css", ".mjs", ".html"))):
            continue
        response = client.get(path)
        if response.status_code == 200:
            files[path] = response.get_data()
    sizes = {name: (len(data), len(gzip.compress(data, compresslevel=9))) for name, data in files.items()}
    return {"files": sizes, "raw_total": sum(r for r, _g in sizes.values()),
            "gzip_total": sum(g for _r, g in sizes.values())}


def main() -> None:
    """Run everything and print a report (markdown-friendly)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--sqlite-wal", action="store_true", help="SQLite in WAL mode, synchronous=NORMAL")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if args.database_url and not url.rsplit("/", 1)[-1].startswith("bench"):
        sys.exit("refusing: the database name must start with 'bench' (this script drops every table)")
    blob_dir = str(workdir / "blobs")
    app = make_app(url, blob_dir, sqlite_wal=args.sqlite_wal)
    with app.app_context():
        tech_id, customer_id = seed_school(args.devices)
    mutations, blobs = build_mutations(customer_id)

    push = bench_push(app, customer_id, mutations, blobs)
    raw = bench_raw(app, customer_id, tech_id, mutations, blobs, blob_dir)
    pull_gzip = bench_pull(app, gzip_ok=True)
    pull_plain = bench_pull(app, gzip_ok=False)
    shell = app_shell_size(app)

    engine = url.split(":", 1)[0] + (" WAL" if args.sqlite_wal else "")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# Sync benchmark ({engine}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} CPUs, load average {load})\n")
    print("## Push: 1,000 mutations (850 diary entries, 100 signatures, 50 photos) + 150 blobs")
    print(f"- push API, mutations only (10 batches of 100): {push['mutations_s']:.2f} s "
          f"({push['mutations_s'] / N_MUTATIONS * 1000:.2f} ms per mutation; "
          f"{push['mutations_cpu_s']:.2f} s CPU in the app process)")
    print(f"- blob uploads (100 PNG + 50 JPEG, {push['blob_bytes'] / 1e6:.1f} MB, Pillow check, metadata stripped): "
          f"{push['blobs_s']:.2f} s")
    print(f"- push API total: {push['total_s']:.2f} s")
    print(f"- raw SQLAlchemy bulk insert of the same 1,000 rows: {raw['rows_s']:.3f} s; "
          f"with the 150 blob rows and files: {raw['total_s']:.3f} s")
    print(f"- ratio, mutations vs raw rows: {push['mutations_s'] / raw['rows_s']:.1f}x")
    print(f"- ratio, everything vs raw rows + files: {push['total_s'] / raw['total_s']:.1f}x\n")
    print(f"## Pull: fresh device, full school ({args.devices} devices), HTTP")
    for label, result in (("gzip", pull_gzip), ("no gzip", pull_plain)):
        print(f"- {label}: {result['seconds']:.2f} s, {result['pages']} pages, {result['changes']} changes, "
              f"{result['wire_bytes'] / 1024:.0f} KiB on the wire ({result['json_bytes'] / 1024:.0f} KiB JSON)")
    print("\n## Field app shell, as fetched by a device (gzip -9; goal <= 150 KB)")
    for name, (raw_size, gz) in sorted(shell["files"].items()):
        print(f"- {name}: {raw_size / 1024:.1f} KiB -> {gz / 1024:.1f} KiB")
    print(f"- total: {shell['raw_total'] / 1024:.1f} KiB -> {shell['gzip_total'] / 1024:.1f} KiB gzipped")


if __name__ == "__main__":
    main()
