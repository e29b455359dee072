"""First sync on the server (run by hand): a technician with 5 schools pulls everything from 0.

`.venv/bin/python bench/first_sync_bench.py [--database-url URL] [--user tech01]`

Needs a district (`bench/district.py`). Pulls through the real HTTP API (a werkzeug server on a
port, gzip as a browser asks for it), the way the field app does: cursor 0, then the cursor and
the `snapshot` each page answered. Prints changes (and how many are out-of-scope deletions),
bytes on the wire and as JSON, pages and time. The same run also pulls the way a client that
does not send the snapshot back is served (the behaviour before the first-sync filter), so the
two stand side by side under the same load.
"""
from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import logging
import os
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from bench.district import DEFAULT_URL, PASSWORD  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)


class Server:
    """The app on a real port, in a daemon thread."""

    def __init__(self, app):
        """Serve."""
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def make_app(url: str):
    """The app on an existing district database."""
    from config import TestConfig
    from webapp import create_app

    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def signed_in(base: str, username: str):
    """A urllib opener holding a technician's session cookie."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    request = urllib.request.Request(base + "/api/auth/session", method="POST",
                                     data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    opener.open(request).read()
    return opener


def first_sync(base: str, username: str, send_snapshot: bool) -> dict:
    """Pull from 0 to the end as a fresh device; what came and what it cost."""
    opener = signed_in(base, username)
    client_id = str(uuid.uuid4())
    cursor, snapshot, pages, wire, raw, changes, deletions, by_kind = 0, None, 0, 0, 0, 0, 0, {}
    server_s = 0.0
    started = time.perf_counter()
    while True:
        query = f"cursor={cursor}" + (f"&snapshot={snapshot}" if send_snapshot and snapshot else "")
        request = urllib.request.Request(f"{base}/api/sync/pull?{query}",
                                         headers={"X-Client-Id": client_id, "Accept-Encoding": "gzip"})
        asked = time.perf_counter()
        with opener.open(request) as response:
            body = response.read()
            encoded = response.headers.get("Content-Encoding") == "gzip"
        server_s += time.perf_counter() - asked
        wire += len(body)
        text = gzip.decompress(body) if encoded else body
        raw += len(text)
        page = json.loads(text)
        pages += 1
        for change in page["changes"]:
            changes += 1
            deletions += bool(change.get("deleted"))
            by_kind[change["kind"]] = by_kind.get(change["kind"], 0) + 1
        cursor = page["cursor"]
        if cursor and page.get("snapshot"):
            snapshot = page["snapshot"]
        if not page["has_more"]:
            break
    return {"seconds": time.perf_counter() - started, "pages": pages, "changes": changes, "deletions": deletions,
            "wire": wire, "json": raw, "by_kind": by_kind}


def main() -> None:
    """Both pulls, one after the other, and a report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DISTRICT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--user", default="tech01")
    args = parser.parse_args()
    server = Server(make_app(args.database_url))
    try:
        first_sync(server.url, args.user, True)  # warm the process (templates, caches)
        results = {"without snapshot (as before)": first_sync(server.url, args.user, False),
                   "with snapshot (now)": first_sync(server.url, args.user, True)}
    finally:
        server.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# First sync of {args.user}, load average {load}\n")
    print("| pull | changes | of which deletions | pages | on the wire (gzip) | JSON | time |")
    print("|---|---|---|---|---|---|---|")
    for label, r in results.items():
        print(f"| {label} | {r['changes']:,} | {r['deletions']:,} | {r['pages']} | {r['wire'] / 1024:,.0f} KiB | "
              f"{r['json'] / 1024:,.0f} KiB | {r['seconds'] * 1000:,.0f} ms |")
    print("\nby kind (now):", ", ".join(f"{k} {v}" for k, v in sorted(results["with snapshot (now)"]["by_kind"].items())))


if __name__ == "__main__":
    main()
