"""Builders for the patrol tests: a school under a monthly patrol plan, and the sheet a device pushes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tests.support.field_device import FieldDevice, new_id, png_bytes, sha256
from tests.support.factories import make_cabinet, make_customer, make_device, make_plan, make_site, make_user
from webapp.archive.models import Cabinet, Customer, Device as ArchiveDevice, Site
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.maintenance.models import ChecklistTemplate, Visit
from webapp.maintenance.generation import generate_visits
from webapp.clock import local_today
from webapp.maintenance.services import current_templates, install_shipped_templates

# The monthly patrol filled in full: the room is too hot (a finding with a note and a photo).
FINE = {"value": "pass"}


@dataclass
class PatrolSchool:
    """A technician, their school with a site, a cabinet and a camera, and this month's patrol visit."""

    tech: User
    customer: Customer
    site: Site
    cabinet: Cabinet
    camera: ArchiveDevice
    template: ChecklistTemplate
    visit: Visit


def patrol_school(name: str = "城南实验小学") -> PatrolSchool:
    """Everything a monthly patrol needs, committed."""
    tech = make_user(Role.TECHNICIAN, username=f"tech-{new_id()[:8]}")
    customer = make_customer(name=name, technicians=[tech])
    site = make_site(customer)
    cabinet = make_cabinet(customer, name="1号弱电机柜", location="教学楼一层弱电间", site_id=site.id)
    camera = make_device(customer, cabinet, name="大门摄像机")
    install_shipped_templates()
    (template,) = current_templates("monthly_patrol")
    today = local_today()
    make_plan(customer, "monthly_patrol", tech, start_date=today.replace(day=1))
    generate_visits(today, customer_ids=[customer.id], today=today)
    db.session.commit()
    visit = db.session.scalars(select(Visit).where(Visit.customer_id == customer.id)).one()
    return PatrolSchool(tech, customer, site, cabinet, camera, template, visit)


def patrol_answers(photo: str | None = None, ticket_id: str | None = None) -> dict:
    """Answers to the shipped monthly patrol; the room temperature is out of range (35 °C)."""
    hot = {"value": 35, "note": "空调故障，机房温度过高", "photo_ids": [photo] if photo else []}
    if ticket_id:
        hot["ticket_id"] = ticket_id
    return {
        "core_network": FINE, "wireless": FINE, "video_surveillance": FINE, "recording_days": {"value": 45},
        "broadcast": {"na": True}, "classroom_av": FINE, "access_control": {"na": True},
        "usage_effect": {"value": "good"}, "room_temperature": hot, "ups_charge": {"value": 96},
        "safety_hazards": {"value": "no"}, "cabinets": FINE,
        "findings": {"value": "机房空调需维修"}, "customer_satisfaction": {"value": "satisfied"},
    }


def sheet_mutation(device: FieldDevice, school: PatrolSchool, answers: dict, record_id: str | None = None,
                   **extra) -> dict:
    """An inspection create mutation for the school's patrol visit."""
    data = {
        "template_id": school.template.id, "customer_id": school.customer.id, "site_id": school.site.id,
        "visit_id": school.visit.id, "answers": answers, "started_at": "2026-03-02T01:00:00Z",
        "finished_at": "2026-03-02T02:10:00Z", "customer_opinion": "巡查认真，问题已说明。", **extra,
    }
    return {"seq": device.next_seq(), "kind": "inspection", "op": "create", "id": record_id or new_id(),
            "base_version": None, "data": data, "blobs": {}}


def ticket_mutation(device: FieldDevice, school: PatrolSchool, record_id: str | None = None, **data) -> dict:
    """A repair_ticket create for a finding on the patrol."""
    body = {"customer_id": school.customer.id, "device_id": school.camera.id,
            "description": "巡查发现：机房温度 35 °C，空调故障", **data}
    return {"seq": device.next_seq(), "kind": "repair_ticket", "op": "create", "id": record_id or new_id(),
            "base_version": None, "data": body, "blobs": {}}


def signature_png(width: int = 480, height: int = 192) -> bytes:
    """A signature image of a size that is easy to recognise in the PDF."""
    return png_bytes(width, height, seed=width)


def sign_mutation(device: FieldDevice, sheet_id: str, image: bytes, signer: str = "王校长") -> dict:
    """The customer's signature on a sheet."""
    mutation = device.signature("inspection", sheet_id, image)
    mutation["data"]["signer_name"] = signer
    return mutation


__all__ = ["PatrolSchool", "patrol_school", "patrol_answers", "sheet_mutation", "ticket_mutation",
           "signature_png", "sign_mutation", "sha256", "date"]


def demo_with_signed_sheet(client, photo: bytes, signature: bytes) -> PatrolSchool:
    """The demo district, plus a patrol sheet a tablet filled (with `photo`) and had signed (with
    `signature`), so a photo, a signature and a filed PDF exist; returns the sheet's school."""
    from tests.support.field_device import statuses
    from webapp.demo import load_demo_data

    load_demo_data()
    db.session.commit()
    school = patrol_school()
    tablet = FieldDevice(client, school.tech)
    assert tablet.put_blob(photo).status_code == 201
    assert tablet.put_blob(signature).status_code == 201
    (sheet,) = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(photo)))]).get_json()["results"]
    assert statuses(tablet.push([sign_mutation(tablet, sheet["id"], signature)])) == ["applied"]
    db.session.commit()
    return school
