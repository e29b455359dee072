"""Helpers for the repair tests: a school with its people, web clients per person, step forms,
and a technician's device pushing repair steps through the sync API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from tests.support.field_device import FieldDevice, forget_cached_user, new_id, png_bytes, sha256
from tests.support.factories import login, make_cabinet, make_customer, make_device, make_user
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.repairs.events import RepairEvent, record_event, refresh_ticket
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import take_call


@dataclass
class Shop:
    """A school with a cabinet and a device, its two technicians, the office and a supervisor."""

    customer: object
    cabinet: object
    device: object
    tech: User
    tech2: User
    office: User
    supervisor: User


def make_shop(name: str = "滨江第一中学") -> Shop:
    """The people and the school most repair tests need."""
    tech = make_user(Role.TECHNICIAN)
    tech2 = make_user(Role.TECHNICIAN)
    customer = make_customer(name, technicians=[tech, tech2])
    cabinet = make_cabinet(customer, name="三楼弱电柜")
    device = make_device(customer, cabinet, name="录播主机", brand="海康威视", model="DS-6900")
    shop = Shop(customer, cabinet, device, tech, tech2, make_user(Role.OFFICE), make_user(Role.SUPERVISOR))
    for user in (tech, tech2, shop.office, shop.supervisor):
        user.locale = "en"  # notifications are written in each reader's language; the tests read English
    db.session.commit()
    return shop


class Web:
    """A person's browser: a test client signed in, pages in English."""

    def __init__(self, app, user: User):
        """Sign the user in on a client of their own."""
        self.client = app.test_client()
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.user = user
        forget_cached_user()
        login(self.client, user)

    def get(self, url: str, **kw):
        """GET as this person."""
        forget_cached_user()
        return self.client.get(url, **kw)

    def post(self, url: str, **kw):
        """POST as this person."""
        forget_cached_user()
        return self.client.post(url, **kw)

    def step(self, ticket, step: str, **fields):
        """Submit the form of one step on the ticket page (fields without the step's prefix)."""
        data = {f"{step}-{k}": v for k, v in fields.items()}
        return self.post(f"/repairs/{ticket.id}/steps/{step}", data=data)

    def html(self, url: str) -> str:
        """A page's HTML (asserting it answered 200)."""
        response = self.get(url)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)


def phone_ticket(shop: Shop, description: str = "录播主机无法开机", assignee: User | None = None, **kw) -> RepairTicket:
    """A ticket taken by phone and assigned to the shop's first technician (unless told otherwise).

    `reported_at` also backdates the server's receipt, as if the call had been entered then."""
    reported_at = kw.pop("reported_at", None)
    ticket = take_call(shop.office, shop.customer, description, device=kw.pop("device", shop.device),
                       assignee=assignee if assignee is not None else shop.tech, reported_at=reported_at, **kw)
    if reported_at is not None:
        ticket.created_at = reported_at
    db.session.commit()
    return ticket


def advance(ticket: RepairTicket, *steps, user: User | None = None) -> RepairTicket:
    """Record steps through the service (setup for a test of a later step). Each step is a type
    or (type, data) or (type, data, user)."""
    for item in steps:
        if isinstance(item, str):
            item = (item, {})
        kind, data = item[0], item[1]
        who = item[2] if len(item) > 2 else user
        record_event(ticket, kind, data, who)
    refresh_ticket(ticket)
    db.session.commit()
    return ticket


def count_events(ticket: RepairTicket) -> int:
    """How many steps a ticket has."""
    return db.session.scalar(select(func.count()).select_from(RepairEvent).where(RepairEvent.ticket_id == ticket.id))


def reload(ticket: RepairTicket) -> RepairTicket:
    """The ticket as stored now."""
    db.session.expire_all()
    return db.session.get(RepairTicket, ticket.id)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)


class TechDevice(FieldDevice):
    """A technician's tablet pushing repair steps (repair_event) and signatures."""

    def event(self, ticket, kind: str, data: dict | None = None, device_time: str | None = None,
              record_id: str | None = None) -> dict:
        """A repair_event create mutation with the next seq."""
        body = {"ticket_id": ticket.id, "type": kind, "data": data or {}}
        if device_time:
            body["device_time"] = device_time
        return {"seq": self.next_seq(), "kind": "repair_event", "op": "create", "id": record_id or new_id(),
                "base_version": None, "data": body, "blobs": {}}


REPAIR_FORM = {
    "fault_found": "录播主机电源指示灯不亮，无法开机",
    "cause": "电源适配器损坏",
    "action": "更换电源适配器，开机测试录制正常",
    "parts_used": "电源适配器 12V/5A ×1",
    "time_on_site": 85,
}


def sign_repair(device: TechDevice, ticket, image: bytes, *, satisfaction: str = "satisfied",
                signer: str = "周建国", opinion: str = "维修及时，态度很好") -> list[dict]:
    """The mutations that finish a repair on the tablet: resolved (the form), the signature, signed."""
    customer = {"signer_name": signer, "opinion": opinion, "satisfaction": satisfaction}
    signature = device.signature("repair_ticket", ticket.id, image, content={**REPAIR_FORM, **customer})
    signature["data"]["signer_name"] = signer
    return [
        device.event(ticket, "resolved", dict(REPAIR_FORM)),
        signature,
        device.event(ticket, "customer_signed", {"signature": sha256(image), **customer}),
    ]


__all__ = [
    "Shop", "Web", "TechDevice", "make_shop", "phone_ticket", "advance", "count_events", "reload", "utc",
    "sign_repair", "REPAIR_FORM", "png_bytes", "sha256", "new_id",
]
