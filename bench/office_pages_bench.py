"""Office pages at two district sizes (run by hand): p50/p95 time, SQL statements and bytes per page.

`.venv/bin/python bench/office_pages_bench.py [--small URL] [--large URL] [--runs 15]`

Needs two districts made by `bench/district.py` (defaults: PostgreSQL `district_small`, made
with `--schools 3`, and `district`, 200 schools). The pages are the main pages of
`tests/api/test_query_counts.py` (the same list the statement-count test checks), requested
through the app in-process (no sockets) by the district's office user, admin, head or tech01,
for the first school. Each page is asked twice to warm up, then `--runs` times.
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

from sqlalchemy import event, select  # noqa: E402

from bench.district import PASSWORD  # noqa: E402

USERS = {"office": "office", "admin": "admin", "super": "head", "tech": "tech01"}


def make_app(url: str):
    """The app on an existing district database."""
    from config import TestConfig
    from webapp import create_app

    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def measure(url: str, runs: int, only: list[str] | None) -> dict[str, dict]:
    """Every page's figures on one district."""
    from tests.api.test_query_counts import PAGES
    from webapp.archive.models import Customer
    from webapp.extensions import db

    app = make_app(url)
    clients = {}
    for role, username in USERS.items():
        clients[role] = app.test_client()
        response = clients[role].post("/api/auth/session", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, (username, response.status_code)
    results = {}
    with app.app_context():
        school = db.session.scalars(select(Customer).order_by(Customer.name)).first()
        urls = {name: (role, url_of(school)) for name, (role, url_of) in PAGES.items() if not only or name in only}
        schools = db.session.scalar(select(db.func.count()).select_from(Customer))
        engine = db.engine
    counter: list[int] = []
    event.listen(engine, "before_cursor_execute", lambda *_a: counter.append(1))
    for name, (role, page_url) in urls.items():
        client = clients[role]
        for _ in range(2):
            client.get(page_url)
        times, statements, size = [], 0, 0
        for _ in range(runs):
            counter.clear()
            started = time.perf_counter()
            response = client.get(page_url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
            statements, size = len(counter), len(response.data)
        times.sort()
        results[name] = {"p50": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)],
                         "statements": statements, "bytes": size}
    results["_schools"] = schools
    return results


def main() -> None:
    """Both districts, then one table side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", default=os.environ.get("DISTRICT_SMALL_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/district_small"))
    parser.add_argument("--large", default=os.environ.get("DISTRICT_DATABASE_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/district"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    args = parser.parse_args()
    small = measure(args.small, args.runs, args.page)
    large = measure(args.large, args.runs, args.page)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# Office pages, {args.runs} runs each, load average {load}\n")
    print(f"| page | statements, {small['_schools']} schools | statements, {large['_schools']} schools | "
          f"p50 / p95, {small['_schools']} schools | p50 / p95, {large['_schools']} schools | KB at {large['_schools']} |")
    print("|---|---|---|---|---|---|")
    for name in (k for k in small if not k.startswith("_")):
        s, b = small[name], large[name]
        mark = "" if s["statements"] == b["statements"] else " **grows**"
        print(f"| {name} | {s['statements']} | {b['statements']}{mark} | {s['p50'] * 1000:.0f} / {s['p95'] * 1000:.0f} ms | "
              f"{b['p50'] * 1000:.0f} / {b['p95'] * 1000:.0f} ms | {b['bytes'] / 1000:.0f} |")


if __name__ == "__main__":
    main()
