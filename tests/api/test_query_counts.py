"""Each main page runs the same number of SQL statements for one school as for a district of
four with more devices, tickets and sheets: no query per row (counts are exact, not timings)."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from webapp.maintenance.demo import PATROL_ANSWERS
from tests.support.field_device import FieldDevice, forget_cached_user, new_id
from tests.support.factories import login, make_cabinet, make_customer, make_device, make_plan, make_site, make_user
from webapp.archive.models import Cabinet, Customer
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import Role, User
from webapp.clock import local_today, utcnow
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from webapp.maintenance.models import Visit
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.services import current_templates, file_sheet_from_device, install_shipped_templates
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import record_event, refresh_ticket
from webapp.repairs.services import take_call


def add_school(office: User, tech: User, size: int) -> Customer:
    """A school with `size` + 1 cabinets of 2 x `size` devices, tickets in every state, a patrol
    plan with its visits and a filed sheet, diary entries and a rejected device mutation."""
    customer = make_customer(technicians=[tech])
    site = make_site(customer)
    devices = []
    for _c in range(size + 1):
        cabinet = make_cabinet(customer, site_id=site.id)
        devices += [make_device(customer, cabinet, brand="海康威视", model="DS-2CD") for _d in range(2 * size)]
    now = utcnow()
    for n in range(2 * size + 1):
        device = devices[n % len(devices)]
        ticket = take_call(office, customer, f"摄像机无画面 {n}", device=device,
                           assignee=tech, reported_at=now - timedelta(days=n, hours=2))
        record_event(ticket, "accepted", {}, tech)
        record_event(ticket, "arrived", {}, tech)
        refresh_ticket(ticket)
        if n % 3 == 1:
            ticket.status = lc.Status.SIGNED
        elif n % 3 == 2:
            ticket.status = lc.Status.CLOSED
        db.session.add(DiaryEntry(customer_id=customer.id, date=local_today(), text=f"巡检 {n}",
                                  author_id=tech.id, device_id=device.id, cabinet_id=device.cabinet_id))
    # open well past its deadlines, so every school has a row on the deadlines board
    late = take_call(office, customer, "广播系统三楼无声", device=devices[-1], assignee=tech,
                     reported_at=now - timedelta(days=10))
    record_event(late, "accepted", {}, tech)
    refresh_ticket(late)
    today = local_today()
    make_plan(customer, "monthly_patrol", tech, start_date=today.replace(day=1) - timedelta(days=62))
    generate_visits(today + timedelta(days=40), customer_ids=[customer.id], today=today)
    (template,) = current_templates("monthly_patrol")
    visits = db.session.scalars(select(Visit).where(Visit.customer_id == customer.id).order_by(Visit.due_date)).all()
    for visit in visits[: size + 1]:
        file_sheet_from_device(tech, {
            "template_id": template.id, "customer_id": customer.id, "site_id": site.id, "visit_id": visit.id,
            "answers": PATROL_ANSWERS,
            "started_at": now - timedelta(hours=3), "finished_at": now - timedelta(hours=2),
            "customer_opinion": "好",
        }, new_id())
    db.session.commit()
    return customer


@pytest.fixture
def district(app, monkeypatch):
    """A builder: grow(n, size) adds n schools of the given size; the people are made once.
    Paged lists show two schools a page, so the bigger district has schools off the page (a
    record of one of them shown on the page must not cost a statement of its own)."""
    monkeypatch.setattr("webapp.main.CUSTOMERS_PER_PAGE", 2)
    monkeypatch.setattr("webapp.maintenance.views.CALENDAR_SCHOOLS_PER_PAGE", 2)
    install_shipped_templates()
    people = {"office": make_user(Role.OFFICE), "tech": make_user(Role.TECHNICIAN),
              "super": make_user(Role.SUPERVISOR), "admin": make_user(Role.ADMIN)}
    db.session.commit()
    schools: list[Customer] = []

    def grow(n: int, size: int) -> list[Customer]:
        """Add n schools (the first is the technician's, each other has its own technician) and a
        rejected mutation from each school's technician's device."""
        for _ in range(n):
            tech = people["tech"] if not schools else make_user(Role.TECHNICIAN)
            school = add_school(people["office"], tech, size)
            phone = FieldDevice(app.test_client(), tech)
            phone.push([phone.diary(school.id, text="")])
            schools.append(school)
        return schools

    grow.people = people
    return grow


@contextmanager
def counting():
    """Count the SQL statements sent to the database inside the block."""
    counter: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        """One more statement."""
        counter.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _first(model, school: Customer):
    """The id of a school's first record of a model."""
    return db.session.scalars(select(model.id).where(model.customer_id == school.id).order_by(model.created_at)).first()


PAGES = {
    "office home": ("office", lambda s: "/"),
    "repair inbox": ("office", lambda s: "/repairs"),
    "repair board": ("office", lambda s: "/repairs/board"),
    "device search": ("office", lambda s: "/devices?q=海康"),
    "customer page": ("office", lambda s: f"/customers/{s.id}"),
    "cabinet page": ("office", lambda s: f"/cabinets/{_first(Cabinet, s)}"),
    "device page": ("office", lambda s: f"/devices/{_first(DeviceRecord, s)}"),
    "sync review": ("office", lambda s: "/sync/review"),
    "sync review rejected": ("office", lambda s: "/sync/review?tab=rejected"),
    "audit log": ("admin", lambda s: "/audit"),
    "audit log filtered": ("admin", lambda s: "/audit?entity=device"),
    "visits calendar": ("office", lambda s: "/maintenance/calendar"),
    "sheet review list": ("super", lambda s: "/maintenance/review"),
    "service diary": ("office", lambda s: "/maintenance/diary"),
    "follow-ups": ("office", lambda s: "/repairs/follow-ups"),
    "quality figures": ("super", lambda s: "/maintenance/figures"),
    "quality checks": ("super", lambda s: "/maintenance/quality"),
    "visits calendar page 2": ("office", lambda s: "/maintenance/calendar?page=2"),
    "excel export": ("office", lambda s: f"/customers/{s.id}/devices.xlsx"),
    "technician home": ("tech", lambda s: "/"),
    "customer list": ("office", lambda s: "/customers"),
    "my visits": ("tech", lambda s: "/maintenance/my"),
    "checklists": ("office", lambda s: "/maintenance/templates"),
    "customer plans": ("super", lambda s: "/maintenance/plans"),
    "repair intake": ("office", lambda s: "/repairs/new"),
    "my repair tickets": ("tech", lambda s: "/repairs/mine"),
    "qr labels": ("office", lambda s: "/labels"),
    "notifications": ("office", lambda s: "/notifications"),
    "working calendar": ("admin", lambda s: "/admin/calendar/"),
    "users": ("admin", lambda s: "/admin/users"),
}


def statements(app, user: User, url: str) -> list[str]:
    """The statements one GET of a page runs (asserting it answered 200)."""
    client = app.test_client()
    login(client, user)
    client.get(url)  # first request warms per-process caches (settings, translations)
    forget_cached_user()
    # a fresh app context gives the request its own, empty session, as in production: records
    # the test holds would otherwise answer lazy loads from the identity map without SQL
    with app.app_context(), counting() as counter:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counter


@pytest.mark.parametrize("page", list(PAGES))
def test_page_statement_count_does_not_grow_with_the_district(app, district, page):
    """The page runs as many statements for one small school as for four bigger ones."""
    role, url_of = PAGES[page]
    user = district.people[role]
    (school,) = district(1, 1)
    small = statements(app, user, url_of(school))
    district(3, 3)
    db.session.add_all([make_device(school, db.session.get(Cabinet, _first(Cabinet, school)), brand="海康威视")
                        for _ in range(4)])
    db.session.commit()
    big = statements(app, user, url_of(school))
    repeated = Counter(big).most_common(1)[0]
    assert len(big) == len(small), (
        f"{page}: {len(small)} statements for one school, {len(big)} for four; "
        f"{repeated[1]} times: {repeated[0][:300]}")
