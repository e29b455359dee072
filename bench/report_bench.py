"""Benchmark (not a test): compute a month's report for 200 schools, 20,000 devices and a year of
tickets, and print the time.

    .venv/bin/python bench/report_bench.py                 # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/report_bench.py

The data is written with bulk inserts (not through the verbs: a year of steps one by one would
take far longer than what is measured). From October 2025 to November 2026, per month: about
`BENCH_TICKETS` tickets on the schools' devices with their steps (arrived, classified, resolved
with parts, signed; one in ten a factory return, one in twenty difficult, a follow-up call on one
in four), each school's monthly patrol with its sheet (one in five flags an item), the
semi-annual maintenance twice a year and a few spot checks. Then `compute_figures(2026, 10)`
(October against September and October 2025) runs twice; both times are printed.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from config import Config  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.archive.models import Customer, Device  # noqa: E402
from webapp.auth.models import Role, User  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.maintenance.models import ChecklistTemplate, Inspection, Visit  # noqa: E402
from webapp.records import new_id  # noqa: E402
from webapp.repairs.events import RepairEvent  # noqa: E402
from webapp.repairs.models import RepairTicket  # noqa: E402
from webapp.reports.figures import compute_figures  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", 200))
DEVICES_PER_SCHOOL = int(os.environ.get("BENCH_DEVICES_PER_SCHOOL", 100))
TICKETS_PER_MONTH = int(os.environ.get("BENCH_TICKETS", 1000))
MONTHS = [(2025, m) for m in range(10, 13)] + [(2026, m) for m in range(1, 12)]
ZONE = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["switch", "access_point", "camera", "nvr", "classroom_av", "projector", "access_control", "ups"]
ITEMS = [{"key": f"i{n}", "label_zh": f"检查项{n}", "label_en": f"Item {n}", "type": "pass_flag_fail"} for n in range(8)]


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(timezone.utc)


def stamps(when: datetime) -> dict:
    """The synced columns of a row made at `when`."""
    return {"id": new_id(), "version": 1, "change_seq": 0, "created_at": when, "updated_at": when}


def build(app, rng: random.Random) -> dict:
    """The schools, devices, people, tickets with steps, visits and sheets (bulk inserts)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        now = datetime.now(timezone.utc)
        db.session.execute(insert(User), [{"username": f"tech{n:02d}", "display_name": f"技术员{n:02d}",
                                            "password_hash": "x", "role": Role.TECHNICIAN.value, "active": True,
                                            "created_at": now} for n in range(20)])
        techs = list(db.session.scalars(select(User.id)))
        schools = [{**stamps(now), "name": f"第{n + 1:03d}学校", "kind": "school", "address": "", "person_in_charge": "",
                    "phone": "", "notes": ""} for n in range(SCHOOLS)]
        db.session.execute(insert(Customer), schools)
        models = [(c, f"品牌{k}", f"M-{c}-{k}") for c in CATEGORIES for k in range(5)]
        devices = []
        for school in schools:
            for n in range(DEVICES_PER_SCHOOL):
                category, brand, model = models[rng.randrange(len(models))]
                devices.append({**stamps(now), "customer_id": school["id"], "name": f"设备{n}", "category": category,
                                "brand": brand, "model": model, "quantity": rng.choice((1, 1, 1, 2, 4)),
                                "protocol": "", "software_version": "", "serial": "", "ip_address": "",
                                "supplier": "", "notes": "", "install_date": date(2024, 1, 1)})
        db.session.execute(insert(Device), devices)
        template = {**stamps(now), "template_key": "bench_patrol", "version_no": 1, "name_zh": "月巡查", "name_en": "Patrol",
                    "activity": "monthly_patrol", "applies_to": "site", "description": "", "items": ITEMS,
                    "change_note": ""}
        db.session.execute(insert(ChecklistTemplate), [template])
        seq = 0
        tickets, events, visits, sheets = [], [], [], []
        number = 0
        for year, month in MONTHS:
            for _n in range(TICKETS_PER_MONTH):
                number += 1
                device = devices[rng.randrange(len(devices))]
                tech = techs[rng.randrange(len(techs))]
                day = rng.randint(1, 28)
                reported = at(year, month, day, rng.randint(8, 16))
                kind = rng.random()
                classification = "factory_return" if kind < 0.1 else "difficult" if kind < 0.15 else "general"
                ticket = {**stamps(reported), "number": f"BX{year}-{number:06d}", "customer_id": device["customer_id"],
                          "device_id": device["id"], "source": "phone", "status": "closed", "location": "",
                          "description": "故障", "reporter_name": "", "reporter_phone": "", "reported_at": reported,
                          "assigned_to_id": tech, "intake_assignee_id": tech, "category": classification,
                          "rework_round": 1}
                tickets.append(ticket)
                steps = [("arrived", {}, timedelta(hours=rng.choice((1, 2, 30)))),
                         ("classified", {"classification": classification}, timedelta(minutes=20))]
                if classification == "factory_return":
                    steps += [("sent_to_factory", {}, timedelta(hours=1)),
                              ("returned_from_factory", {}, timedelta(days=rng.randint(8, 18)))]
                elif classification == "difficult":
                    steps += [("supervisor_informed", {}, timedelta(hours=rng.choice((1, 20))))]
                parts = [{"name": rng.choice(("电源适配器", "网线", "硬盘", "风扇")), "qty": rng.randint(1, 3),
                          "unit_cost": rng.choice(("20.00", "35.50", "280.00"))}] if rng.random() < 0.4 else []
                steps += [("resolved", {"fault_found": "坏", "action": "修", "parts": parts}, timedelta(hours=rng.choice((1, 3, 26)))),
                          ("customer_signed", {"signer_name": "老师"}, timedelta(minutes=10))]
                if rng.random() < 0.25:
                    steps.append(("follow_up_recorded", {"result": "satisfied", "quality": rng.randint(3, 5),
                                                         "attitude": rng.randint(3, 5)}, timedelta(days=2)))
                when = reported
                for step, data, gap in steps:
                    when = when + gap
                    seq += 1
                    events.append({**stamps(when), "ticket_id": ticket["id"], "customer_id": ticket["customer_id"],
                                   "type": step, "device_time": when, "received_at": when, "received_seq": seq,
                                   "user_id": tech, "data": data})
                ticket["resolved_at"] = when
            for index, school in enumerate(schools):
                tech = techs[index % len(techs)]
                due = date(year, month, 28)
                done = due - timedelta(days=rng.randint(-3, 20))
                visit = {**stamps(now), "customer_id": school["id"], "activity": "monthly_patrol",
                         "period_key": f"{year:04d}-{month:02d}", "original_due_date": due, "due_date": due,
                         "assignee_id": tech, "state": "done", "done_on": done, "history": []}
                finished = datetime.combine(done, datetime.min.time(), ZONE).astimezone(timezone.utc) + timedelta(hours=10)
                flagged = rng.random() < 0.2
                answers = {i["key"]: {"value": "pass"} for i in ITEMS}
                if flagged:
                    answers[rng.choice(ITEMS)["key"]] = {"value": "flag", "flagged": True, "note": "异常"}
                sheet = {**stamps(finished), "template_id": template["id"], "template_key": "bench_patrol",
                         "template_version": 1, "activity": "monthly_patrol", "customer_id": school["id"],
                         "visit_id": visit["id"], "answers": answers, "flagged_count": 1 if flagged else 0,
                         "performed_by_id": tech, "finished_at": finished, "customer_opinion": "", "state": "accepted",
                         "submitted_at": finished, "review_comment": "", "signer_name": "校长",
                         "signed_at": finished if rng.random() < 0.9 else None}
                visit["inspection_id"] = sheet["id"]
                visits.append(visit)
                sheets.append(sheet)
                if month in (4, 10):
                    visits.append({**stamps(now), "customer_id": school["id"], "activity": "semi_annual_maintenance",
                                   "period_key": f"{year:04d}-H{1 if month == 4 else 2}", "original_due_date": due,
                                   "due_date": due, "assignee_id": tech, "state": "due", "history": []})
        db.session.execute(insert(RepairTicket), tickets)
        for chunk in range(0, len(events), 5000):
            db.session.execute(insert(RepairEvent), events[chunk:chunk + 5000])
        db.session.execute(insert(Visit), visits)
        db.session.execute(insert(Inspection), sheets)
        db.session.commit()
        return {"schools": SCHOOLS, "devices": len(devices), "tickets": len(tickets), "events": len(events),
                "visits": len(visits), "sheets": len(sheets)}


def main() -> None:
    """Build, then time the October 2026 report twice."""
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.mkdtemp(prefix="report-bench-")
    url = url or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BLOB_STORAGE_DIR": tmp,
                              "DOCUMENT_STORAGE_DIR": tmp})
    began = time.perf_counter()
    sizes = build(app, random.Random(2026))
    print(f"built {sizes} in {time.perf_counter() - began:.1f} s on {url.split(':')[0]}")
    with app.app_context(), app.test_request_context():
        for run in (1, 2):
            began = time.perf_counter()
            figures = compute_figures(2026, 10)
            took = time.perf_counter() - began
            rows = sum(len(f["rows"]) for f in figures["figures"])
            print(f"run {run}: compute_figures(2026, 10) with last month and last year: {took:.2f} s "
                  f"({rows} rows, {len(figures['schools'])} schools)")
        count = db.session.scalar(select(func.count()).select_from(RepairTicket))
        print(f"{count} tickets in the database")


if __name__ == "__main__":
    main()
