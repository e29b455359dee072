"""Benchmark (not a test): generate a year of visits for 200 schools and report the time.

    .venv/bin/python bench/schedule_bench.py                 # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/schedule_bench.py

Each school has the three recurring plans (monthly patrol, semi-annual maintenance, quarterly
inspection). The first run inserts the year; the second run must insert nothing (each period
once, never twice) and shows what a daily run costs once the calendar is full.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from config import Config  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.archive.models import Customer  # noqa: E402
from webapp.auth.models import Role  # noqa: E402
from webapp.auth.services import create_user  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.maintenance.models import MaintenancePlan, Visit  # noqa: E402
from webapp.maintenance.generation import generate_visits, refresh_visit_states  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", 200))
START = date(2027, 1, 1)
UNTIL = date(2027, 12, 31)


def build(app) -> None:
    """A fresh schema with 200 schools, 20 technicians and three plans per school."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        techs = [create_user(f"tech{n:02d}", f"技术员{n:02d}", Role.TECHNICIAN, "x", check_strength=False)
                 for n in range(20)]
        db.session.flush()
        for n in range(SCHOOLS):
            school = Customer(name=f"第{n + 1:03d}学校", address=f"学院路{n + 1}号")
            db.session.add(school)
            db.session.flush()
            owner = techs[n % len(techs)]
            school.technicians.append(owner)
            for activity in ("monthly_patrol", "semi_annual_maintenance", "quarterly_inspection"):
                db.session.add(MaintenancePlan(customer_id=school.id, activity=activity, start_date=START,
                                               responsible_id=owner.id, active=True))
        db.session.commit()


def timed_run(app, label: str) -> tuple[float, int]:
    """Generate the year in one transaction; returns (seconds, visits inserted)."""
    with app.app_context(), app.test_request_context():
        began = time.perf_counter()
        made = generate_visits(UNTIL, today=START)
        refresh_visit_states(START)
        db.session.commit()
        took = time.perf_counter() - began
        print(f"{label:<28} {took * 1000:8.1f} ms   {made:5d} visits inserted")
        return took, made


def main() -> None:
    """Build, run twice, report."""
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = None
    if not url:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    print(f"database: {url.split('@')[-1]}   schools: {SCHOOLS}   plans: {SCHOOLS * 3}   year: {START}..{UNTIL}")
    build(app)
    first, made = timed_run(app, "first run (empty calendar)")
    second, again = timed_run(app, "second run (calendar full)")
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Visit))
        distinct = db.session.scalar(text(
            "SELECT COUNT(*) FROM (SELECT DISTINCT customer_id, activity, period_key FROM visit) AS d"))
    print(f"visits in table: {total} (distinct periods: {distinct}); second run inserted {again}")
    assert total == distinct == made and again == 0
    print(f"per school: {first / SCHOOLS * 1000:.2f} ms for {made // SCHOOLS} visits")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
