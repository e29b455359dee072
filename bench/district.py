"""District generator (run by hand, not a test): a department's data at district scale, fast.

`.venv/bin/python bench/district.py [--database-url URL] [--schools 200]`

At the default 200 schools: 20,000 devices in 2,000 cabinets, 12,000 patrol sheets, 20,000
repair tickets with about 158,000 events, 9,600 diary entries, two years of visits and about
482,000 audit rows; 40 technicians with 5 schools each (`tech01` has the first five). Every size
scales with --schools, so `--schools 3` is a small run.

How it stays fast: one school is made through the real verbs (a ticket carried from the call to
the follow-up, tickets stopped at each open stage, an accepted sheet, a diary entry), and the
rows those verbs wrote are the patterns the rest is copied from, with new ids, times, numbers and
people. The copies go in with bulk statements through SQLAlchemy core (COPY on PostgreSQL,
executemany elsewhere), never through the ORM's per-object verbs. change_seq numbers are taken
from the counter in one reservation.

The database is dropped and created again: its name must start with "district" or "bench".
Default: PostgreSQL `district` on 127.0.0.1 (user postgres). Everyone signs in with
`District-pass-2026!`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, create_engine, insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/district"
PASSWORD = "District-pass-2026!"
SCHOOLS_PER_TECH = 5
CABINETS, DEVICES, TICKETS, SHEETS, DIARY = 10, 100, 100, 60, 48  # per school
MONTHS = 24  # of history
AUDIT_PER_SCHOOL = 2410  # 482,000 at 200 schools
CATEGORIES = ["camera"] * 5 + ["switch", "access_point", "classroom_av", "interactive_display", "projector",
                                "nvr", "broadcast", "access_control", "ups", "router"]
BRANDS = {"camera": ("海康威视", "DS-2CD3T46WDV3-I3"), "switch": ("华为", "S5735-L24T4X"),
          "access_point": ("锐捷", "RG-AP820-L"), "classroom_av": ("希沃", "SE-A8"),
          "interactive_display": ("希沃", "MC86FEB"), "projector": ("爱普生", "CB-X06"),
          "nvr": ("海康威视", "DS-8632N-I8"), "broadcast": ("ITC", "T-6700R"),
          "access_control": ("中控智慧", "ZK-F18"), "ups": ("山特", "C3KS"), "router": ("华三", "ER3260G2")}


def prepare_database(url: str) -> None:
    """Drop and create the target database (PostgreSQL) or file (SQLite)."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not Path(name).stem.startswith(("district", "bench")):
        sys.exit(f"refusing: the database name must start with 'district' or 'bench' (got {name!r}); it is dropped")
    if parsed.get_backend_name() == "sqlite":
        Path(name).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def make_app(url: str):
    """The app on the district database, schema created from the models."""
    from config import TestConfig
    from webapp import create_app
    from webapp.extensions import db

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app


class Bulk:
    """Bulk writes through SQLAlchemy core: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, session):
        """Write on the session's connection (one transaction with the rest)."""
        self.conn = session.connection()
        self.pg = self.conn.dialect.name == "postgresql"
        self.rows = 0

    def put(self, table, rows: list[dict]) -> None:
        """Insert rows (dicts with the same keys) into a table."""
        if not rows:
            return
        self.rows += len(rows)
        if not self.pg:
            for start in range(0, len(rows), 5000):
                self.conn.execute(insert(table), rows[start:start + 5000])
            return
        columns = list(rows[0])
        as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
        cursor = self.conn.connection.driver_connection.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in as_json and row[c] is not None
                                else row[c] for c in columns])


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) moment as UTC."""
    from webapp.clock import site_zone
    return datetime.combine(day, dtime(hour, minute), site_zone()).astimezone(timezone.utc)


def _rows(table, where) -> list[dict]:
    """Rows of a table as dicts (core)."""
    from webapp.extensions import db
    return [dict(r._mapping) for r in db.session.execute(select(table).where(where))]


def _shift(row: dict, delta: timedelta) -> dict:
    """The row with every time moved by delta."""
    return {k: (v + delta if isinstance(v, datetime) else v) for k, v in row.items()}


def seed_patterns(people: dict, school, tech) -> dict:
    """Make one school's worth of records through the real verbs; return their rows as patterns."""
    from webapp.demo_history import PATROL_ALL_PASS, _carry_out
    from webapp.extensions import db
    from webapp.maintenance.diary import DiaryEntry, create_diary_entry
    from webapp.maintenance.models import Inspection
    from webapp.maintenance.services import current_templates, file_sheet_from_device, review_inspection
    from webapp.records import new_id
    from webapp.repairs import events as ev
    from webapp.repairs.events import RepairEvent
    from webapp.repairs.follow_up import record_follow_up
    from webapp.repairs.models import RepairTicket
    from webapp.repairs.services import take_call

    office = people["office"]
    device = school.devices[0]
    start = _at(date.today() - timedelta(days=3), 9)
    closed = take_call(office, school, "走廊摄像机夜间画面全黑。", device=device, assignee=tech, reported_at=start)
    _carry_out(closed, tech, start, "红外灯板老化", "更换红外灯板并调整角度", "周建国")
    record_follow_up(closed, office, quality=5, attitude=5, result="satisfied")
    stages = {"assigned": [], "accepted": [("accepted", {})],
              "arrived": [("accepted", {}), ("arrived", {})],
              "resolved": [("accepted", {}), ("arrived", {}), ("classified", {"classification": "general"}),
                           ("resolved", {"fault_found": "跳线松动", "action": "重新压接"})]}
    open_ids = {}
    for stage, steps in stages.items():
        ticket = take_call(office, school, f"二楼无线信号时有时无（{stage}）", device=device, assignee=tech,
                           reported_at=start)
        for n, (step, data) in enumerate(steps):
            moment = start + timedelta(minutes=10 + 30 * n)
            ev.record_event(ticket, step, data, tech, device_time=moment, now=moment)
        ev.refresh_ticket(ticket)
        open_ids[stage] = ticket.id
    (template,) = current_templates("monthly_patrol")
    sheet = file_sheet_from_device(tech, {"template_id": template.id, "customer_id": school.id,
                                          "answers": PATROL_ALL_PASS, "started_at": start,
                                          "finished_at": start + timedelta(hours=2),
                                          "customer_opinion": "服务及时，记录清楚。"}, new_id())
    review_inspection(sheet, office, "accepted")
    diary = create_diary_entry(tech, {"customer_id": school.id, "date": date.today(),
                                      "text": "例行巡查，机房温湿度正常，清理机柜灰尘。"}, new_id())
    db.session.flush()
    T, E = RepairTicket.__table__, RepairEvent.__table__

    def ticket_pattern(ticket_id: str) -> tuple[dict, list[dict]]:
        """A ticket's row and its events' rows, times relative to the report."""
        (row,) = _rows(T, T.c.id == ticket_id)
        events = sorted(_rows(E, E.c.ticket_id == ticket_id), key=lambda e: e["received_seq"])
        # steps the verbs recorded at the real clock (the assignment, the follow-up) get times
        # that agree with the receipt order, so copies sorted by time keep each ticket's order
        latest = None
        for e in reversed(events):
            if latest is not None and e["received_at"] > latest:
                e.update(_shift(e, latest - timedelta(minutes=1) - e["received_at"]))
            latest = e["received_at"]
        return row, events

    return {"closed": ticket_pattern(closed.id), "open": {s: ticket_pattern(i) for s, i in open_ids.items()},
            "sheet": _rows(Inspection.__table__, Inspection.__table__.c.id == sheet.id)[0],
            "diary": _rows(DiaryEntry.__table__, DiaryEntry.__table__.c.id == diary.id)[0],
            "start": start, "tech_id": tech.id, "office_id": office.id}


def generate(schools: int, seed: int = 14) -> dict:
    """Fill the database of the current app context; returns how many rows of each kind."""
    from webapp.archive.models import Cabinet, Customer, Device, Site
    from webapp.archive.qr import new_token
    from webapp.audit.models import AuditLog
    from webapp.auth.models import Role, User, customer_technician
    from webapp.auth.services import create_user
    from webapp.clock import local_today, utcnow
    from webapp.extensions import db
    from webapp.maintenance.diary import DiaryEntry
    from webapp.maintenance.generation import generate_visits
    from webapp.maintenance.models import Inspection, MaintenancePlan, Visit
    from webapp.maintenance.services import install_shipped_templates
    from webapp.records import take_change_seqs
    from webapp.repairs.events import RepairEvent
    from webapp.repairs.models import RepairTicket, TicketNumberCounter

    rng = random.Random(seed)
    today = local_today()
    now = utcnow()
    install_shipped_templates()
    people = {name: create_user(name, label, role, PASSWORD) for name, label, role in (
        ("admin", "管理员", Role.ADMIN), ("office", "调度 王丽", Role.OFFICE), ("head", "主管 陈刚", Role.SUPERVISOR))}
    db.session.flush()
    n_techs = max(1, -(-schools // SCHOOLS_PER_TECH))
    first_tech = create_user("tech01", "技术员 01", Role.TECHNICIAN, PASSWORD)
    db.session.flush()
    user_rows = [{"username": f"tech{n:02d}", "display_name": f"技术员 {n:02d}", "password_hash": first_tech.password_hash,
                  "role": Role.TECHNICIAN.value, "active": True, "created_at": now} for n in range(2, n_techs + 1)]
    bulk = Bulk(db.session)
    bulk.put(User.__table__, user_rows)
    techs = [first_tech.id] + list(db.session.scalars(
        select(User.id).where(User.username.in_([r["username"] for r in user_rows])).order_by(User.username)))

    # the archive: schools, a site each, cabinets, devices (plain rows; change_seq stamped below)
    def stamp(created: datetime) -> dict:
        """The synced columns of a new record."""
        return {"id": str(uuid.uuid4()), "version": 1, "change_seq": 0, "created_at": created,
                "updated_at": created, "deleted_at": None}

    started = now - timedelta(days=30 * MONTHS + 60)
    customers, sites, cabinets, devices, links = [], [], [], [], []
    for s in range(schools):
        customer = {**stamp(started), "name": f"第{s + 1:03d}中学", "kind": "school", "address": f"学府路 {s + 1} 号",
                    "acceptance_date": started.date(), "person_in_charge": "周建国", "phone": f"0571-8{s:07d}", "notes": ""}
        customers.append(customer)
        links.append({"customer_id": customer["id"], "user_id": techs[s // SCHOOLS_PER_TECH]})
        site = {**stamp(started), "customer_id": customer["id"], "name": "主校区", "address": customer["address"], "notes": ""}
        sites.append(site)
        school_cabinets = [{**stamp(started), "customer_id": customer["id"], "site_id": site["id"], "room_id": None,
                            "name": f"{c + 1}号楼弱电间机柜", "code": f"JG-{c + 1:02d}", "location": f"{c + 1}号楼一层",
                            "notes": "", "qr_token": new_token()} for c in range(CABINETS)]
        cabinets += school_cabinets
        for d in range(DEVICES):
            category = CATEGORIES[d % len(CATEGORIES)]
            brand, model = BRANDS[category]
            devices.append({**stamp(started), "customer_id": customer["id"], "cabinet_id": school_cabinets[d % CABINETS]["id"],
                            "room_id": None, "name": f"{category}-{d + 1:03d}", "category": category, "brand": brand,
                            "model": model, "quantity": 1, "protocol": "ONVIF / RTSP" if category == "camera" else "",
                            "software_version": "V5.7.3", "serial": f"SN{s:03d}{d:05d}",
                            "ip_address": f"10.{s // 250}.{s % 250}.{d + 1}", "install_date": started.date(),
                            "warranty_end": date(today.year + 1, 8, 31), "supplier": "", "notes": "", "qr_token": new_token()})
    for seq, row in zip(take_change_seqs(db.session, len(customers + sites + cabinets + devices)),
                        customers + sites + cabinets + devices):
        row["change_seq"] = seq
    bulk.put(Customer.__table__, customers)
    bulk.put(customer_technician, links)
    bulk.put(Site.__table__, sites)
    bulk.put(Cabinet.__table__, cabinets)
    bulk.put(Device.__table__, devices)

    # patterns from the first school, made by the verbs
    school0 = db.session.get(Customer, customers[0]["id"])
    tech0 = db.session.get(User, techs[0])
    patterns = seed_patterns(people, school0, tech0)
    office_id = patterns["office_id"]

    # tickets and their events, copied from the patterns
    T, E = RepairTicket.__table__, RepairEvent.__table__
    tickets, events = [], []
    number = {}
    devices_of = {}
    for d in devices:
        devices_of.setdefault(d["customer_id"], []).append(d)
    span = (now - timedelta(days=2) - (now - timedelta(days=30 * MONTHS))).total_seconds()
    for s, customer in enumerate(customers):
        tech = techs[s // SCHOOLS_PER_TECH]
        kinds = (["assigned", "arrived"], ["accepted", "resolved"])[s % 2]  # two open tickets a school
        for n in range(TICKETS - (5 if s == 0 else 0)):  # the first school has the 5 seeds
            stage = kinds[n] if n < len(kinds) and s else None
            if stage:
                reported = now - timedelta(hours=rng.randint(2, 72))
                row, evs = patterns["open"][stage]
            else:
                reported = now - timedelta(days=30 * MONTHS) + timedelta(seconds=rng.random() * span)
                row, evs = patterns["closed"]
            delta = reported - row["reported_at"]
            device = devices_of[customer["id"]][rng.randrange(DEVICES)]
            year = reported.year
            number[year] = number.get(year, 0) + 1
            ticket = {**_shift(row, delta), "id": str(uuid.uuid4()), "number": f"BX{year}-{number[year]:05d}",
                      "customer_id": customer["id"], "device_id": device["id"], "cabinet_id": device["cabinet_id"],
                      "assigned_to_id": tech, "created_by_id": office_id, "intake_assignee_id": row["intake_assignee_id"]}
            tickets.append(ticket)
            for e in evs:
                data = dict(e["data"] or {})
                if "user_id" in data:
                    data["user_id"] = tech
                events.append({**_shift(e, delta), "id": str(uuid.uuid4()), "ticket_id": ticket["id"],
                               "customer_id": customer["id"], "data": data,
                               "user_id": tech if e["user_id"] == patterns["tech_id"] else office_id})
    # numbers: continue each year's counter after what the seed took
    taken = {r.year: r.value for r in db.session.scalars(select(TicketNumberCounter))}
    for t in tickets:
        year, serial = t["number"][2:6], int(t["number"][7:])
        t["number"] = f"BX{year}-{serial + taken.get(int(year), 0):05d}"
    for year, value in number.items():
        total = value + taken.get(year, 0)
        if year in taken:
            db.session.execute(update(TicketNumberCounter).where(TicketNumberCounter.year == year).values(value=total))
        else:
            db.session.add(TicketNumberCounter(year=year, value=total))

    # sheets: the monthly patrol of each past month (linked to its visit below) and cabinet spot sheets
    sheet_row, diary_row = patterns["sheet"], patterns["diary"]
    sheets, diary = [], []
    for s, customer in enumerate(customers):
        tech = techs[s // SCHOOLS_PER_TECH]
        for n in range(SHEETS - (1 if s == 0 else 0)):
            back = n % MONTHS + 1
            day = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
            for _ in range(back - 1):
                day = (day - timedelta(days=1)).replace(day=1)
            day += timedelta(days=rng.randint(2, 25))
            delta = _at(day, 14) - sheet_row["started_at"]
            cabinet = None if n < MONTHS else cabinets[s * CABINETS + n % CABINETS]["id"]
            sheets.append({**_shift(sheet_row, delta), "id": str(uuid.uuid4()), "customer_id": customer["id"],
                           "site_id": sites[s]["id"], "cabinet_id": cabinet, "performed_by_id": tech,
                           "reviewed_by_id": office_id, "visit_id": None, "document_id": None})
        for n in range(DIARY - (1 if s == 0 else 0)):
            day = today - timedelta(days=int(n * 30 * MONTHS / DIARY) + rng.randint(0, 10))
            delta = _at(day, 17) - diary_row["created_at"]
            diary.append({**_shift(diary_row, delta), "id": str(uuid.uuid4()), "customer_id": customer["id"],
                          "date": day, "author_id": tech, "text": f"例行巡查 {day:%m-%d}：机房温湿度正常，清理机柜灰尘。"})

    # change_seq in the order things happened, from one reservation of the counter
    synced = [(r["updated_at"], "t", r) for r in tickets] + [(r["received_at"], "e", r) for r in events]
    synced += [(r["updated_at"], "s", r) for r in sheets] + [(r["created_at"], "d", r) for r in diary]
    synced.sort(key=lambda x: x[0])
    seqs = take_change_seqs(db.session, len(synced))
    for seq, (_at_, kind, row) in zip(seqs, synced):
        row["change_seq"] = seq
        if kind == "e":
            row["received_seq"] = seq
    bulk.put(T, tickets)
    bulk.put(E, events)
    bulk.put(Inspection.__table__, sheets)
    bulk.put(DiaryEntry.__table__, diary)

    # plans and two years of visits through the generator; past visits done, patrols linked to a sheet
    plans = []
    for s, customer in enumerate(customers):
        for activity in ("monthly_patrol", "quarterly_inspection", "semi_annual_maintenance"):
            plans.append({**stamp(started), "customer_id": customer["id"], "activity": activity,
                          "responsible_id": techs[s // SCHOOLS_PER_TECH], "active": True, "notes": "",
                          "start_date": (today.replace(day=1) - timedelta(days=30 * MONTHS)).replace(day=1)})
    for seq, row in zip(take_change_seqs(db.session, len(plans)), plans):
        row["change_seq"] = seq
    bulk.put(MaintenancePlan.__table__, plans)
    generate_visits(today + timedelta(days=40), today=today)
    month_start = today.replace(day=1)
    V = Visit.__table__
    db.session.execute(update(Visit).where(V.c.due_date < month_start).values(state="done", done_on=V.c.due_date))
    patrols = {(r.customer_id, r.period_key): r.id for r in db.session.execute(
        select(V.c.id, V.c.customer_id, V.c.period_key).where(V.c.activity == "monthly_patrol", V.c.due_date < month_start))}
    links = []
    for sheet in sheets:
        if sheet["cabinet_id"] is None:
            visit_id = patrols.get((sheet["customer_id"], f"{sheet['started_at'].astimezone(timezone(timedelta(hours=8))):%Y-%m}"))
            if visit_id:
                links.append({"v": visit_id, "s": sheet["id"]})
    db.session.execute(text("UPDATE visit SET inspection_id = :s WHERE id = :v"), links)
    db.session.execute(text("UPDATE inspection SET visit_id = :v WHERE id = :s"), links)

    # the audit log: a create row for each record, an update of its ticket for each step, the
    # review of each sheet, and edits to devices for the rest
    audit = []

    def log(at, user_id, action, entity, entity_id, customer_id, changes) -> None:
        """One audit row."""
        audit.append({"at": at, "user_id": user_id, "client_id": None, "action": action, "entity": entity,
                      "entity_id": entity_id, "customer_id": customer_id, "changes": changes})

    admin_id = people["admin"].id
    for r in customers:
        log(r["created_at"], admin_id, "create", "customer", r["id"], r["id"], {"name": [None, r["name"]]})
    for r in sites:
        log(r["created_at"], admin_id, "create", "site", r["id"], r["customer_id"], {"name": [None, r["name"]]})
    for r in cabinets:
        log(r["created_at"], admin_id, "create", "cabinet", r["id"], r["customer_id"], {"name": [None, r["name"]]})
    for r in devices:
        log(r["created_at"], admin_id, "create", "device", r["id"], r["customer_id"], {"name": [None, r["name"]]})
    for r in tickets:
        log(r["created_at"], office_id, "create", "repair_ticket", r["id"], r["customer_id"],
            {"number": [None, r["number"]], "status": [None, "reported"]})
    for r in events:
        log(r["received_at"], r["user_id"], "create", "repair_event", r["id"], r["customer_id"], {"type": [None, r["type"]]})
        log(r["received_at"], r["user_id"], "update", "repair_ticket", r["ticket_id"], r["customer_id"],
            {"last_step": [None, r["type"]]})
    for r in sheets:
        log(r["submitted_at"] or r["created_at"], r["performed_by_id"], "create", "inspection", r["id"], r["customer_id"],
            {"state": [None, "received"]})
        log(r["reviewed_at"] or r["updated_at"], office_id, "update", "inspection", r["id"], r["customer_id"],
            {"state": ["received", "accepted"]})
    for r in diary:
        log(r["created_at"], r["author_id"], "create", "diary_entry", r["id"], r["customer_id"], {"text": [None, r["text"][:40]]})
    edits = max(0, AUDIT_PER_SCHOOL * schools - len(audit))
    for n in range(edits):
        d = devices[rng.randrange(len(devices))]
        at = started + timedelta(seconds=rng.random() * (now - started).total_seconds())
        log(at, techs[rng.randrange(len(techs))], "update", "device", d["id"], d["customer_id"],
            {"software_version": ["V5.7.3", f"V5.7.{4 + n % 5}"]})
    audit.sort(key=lambda a: a["at"])
    bulk.put(AuditLog.__table__, audit)
    db.session.commit()
    counts = {}
    for model in (Customer, Cabinet, Device, RepairTicket, RepairEvent, Inspection, DiaryEntry, Visit, AuditLog, User):
        counts[model.__tablename__] = db.session.scalar(select(db.func.count()).select_from(model))
    return counts


def analyse(app) -> None:
    """Fresh planner statistics (PostgreSQL), as autovacuum would have after a while."""
    from webapp.extensions import db
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))


def main() -> None:
    """Make the district and print what is in it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DISTRICT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    began = time.perf_counter()
    prepare_database(args.database_url)
    app = make_app(args.database_url)
    with app.app_context():
        counts = generate(args.schools, args.seed)
    analyse(app)
    seconds = time.perf_counter() - began
    print(f"district of {args.schools} schools in {seconds:.1f} s ({make_url(args.database_url).render_as_string(hide_password=True)})")
    for name, value in counts.items():
        print(f"  {name}: {value:,}")


if __name__ == "__main__":
    main()
