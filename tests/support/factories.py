"""Builder functions for test data: small, explicit, one record at a time."""
from __future__ import annotations

import itertools
from datetime import date

from webapp.archive.models import Cabinet, Customer, Device, Room, Site
from webapp.archive.qr import issue_token
from webapp.auth.models import Role, User
from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.maintenance.services import file_sheet_from_device
from webapp.records import new_id

_counter = itertools.count(1)
PASSWORD = "Str0ng-pass!"


def make_user(role: Role | str = Role.TECHNICIAN, username: str | None = None, customers=()) -> User:
    """A user with a known strong password (PASSWORD)."""
    n = next(_counter)
    role_value = role.value if isinstance(role, Role) else role
    user = create_user(username or f"{role_value}{n}", f"{role_value.title()} {n}", role, PASSWORD)
    db.session.flush()
    for customer in customers:
        user.customers.append(customer)
    db.session.commit()
    return user


def make_customer(name: str | None = None, technicians=(), **fields) -> Customer:
    """A school with one site and room."""
    n = next(_counter)
    customer = Customer(name=name or f"测试学校{n}", address=f"测试路{n}号", **fields)
    db.session.add(customer)
    db.session.flush()
    for tech in technicians:
        customer.technicians.append(tech)
    db.session.commit()
    return customer


def make_site(customer: Customer, name: str = "主校区") -> Site:
    """A site of a customer."""
    site = Site(customer_id=customer.id, name=name)
    db.session.add(site)
    db.session.commit()
    return site


def make_room(site: Site, name: str = "1F弱电间") -> Room:
    """A room at a site."""
    room = Room(customer_id=site.customer_id, site_id=site.id, name=name, floor="1")
    db.session.add(room)
    db.session.commit()
    return room


def make_cabinet(customer: Customer, name: str | None = None, with_token: bool = True, **fields) -> Cabinet:
    """A cabinet, with a QR token by default."""
    cabinet = Cabinet(customer_id=customer.id, name=name or f"机柜{next(_counter)}", **fields)
    db.session.add(cabinet)
    if with_token:
        issue_token(cabinet)
    db.session.commit()
    return cabinet


def make_device(customer: Customer, cabinet: Cabinet | None = None, with_token: bool = True, **fields) -> Device:
    """A device (a Hikvision camera unless told otherwise)."""
    defaults = dict(
        name=f"网络摄像机-{next(_counter):03d}", category="camera", brand="海康威视",
        model="DS-2CD3T46WDV3-I3", protocol="ONVIF", software_version="V5.7.3",
        serial=f"SN{next(_counter):08d}", install_date=date(2024, 1, 10), warranty_end=date(2027, 1, 9),
    )
    defaults.update(fields)
    device = Device(customer_id=customer.id, cabinet_id=cabinet.id if cabinet else None, **defaults)
    db.session.add(device)
    if with_token:
        issue_token(device)
    db.session.commit()
    return device


def login(client, user: User, password: str = PASSWORD):
    """Sign a test client in through the API."""
    response = client.post("/api/auth/session", json={"username": user.username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


# --- maintenance (checklists and the visit calendar) ---------------------------------------


def make_plan(customer: Customer, activity: str = "monthly_patrol", responsible: User | None = None,
              start_date: date = date(2026, 1, 1), active: bool = True):
    """A maintenance plan for one recurring activity of a customer."""
    from webapp.maintenance.models import MaintenancePlan

    plan = MaintenancePlan(customer_id=customer.id, activity=activity, start_date=start_date, active=active,
                           responsible_id=responsible.id if responsible else None)
    db.session.add(plan)
    db.session.commit()
    return plan


def make_checklist(items: list[dict] | None = None, key: str | None = None, activity: str = "monthly_patrol",
                   **fields):
    """A checklist template (version 1) with the given items (one pass/flag/fail item by default)."""
    from webapp.maintenance.services import create_template

    data = {
        "name_zh": "测试检查表", "name_en": "Test checklist", "activity": activity,
        "items": items or [{"key": "works", "label_zh": "运行正常", "label_en": "Working",
                            "type": "pass_flag_fail", "required": True}],
        **fields,
    }
    template = create_template(key or f"test_{next(_counter)}", data, None)
    db.session.commit()
    return template


def make_sheet(user: User, template, customer: Customer, answers: dict, *, visit=None, site_id: str | None = None,
               cabinet_id: str | None = None, device_id: str | None = None, started_at=None, finished_at=None,
               customer_opinion: str = ""):
    """A filled sheet handed in the way the field app hands one in (file_sheet_from_device): checked,
    received for review, its visit done. Committed."""
    data = {"template_id": template.id, "customer_id": customer.id, "site_id": site_id, "cabinet_id": cabinet_id,
            "device_id": device_id, "visit_id": visit.id if visit is not None else None, "answers": answers,
            "started_at": started_at, "finished_at": finished_at, "customer_opinion": customer_opinion}
    sheet = file_sheet_from_device(user, data, new_id())
    db.session.commit()
    return sheet

