"""A signature names the SHA-256 of the content it signs; the server recomputes it from what it
holds and refuses a signature over other content (`content_mismatch`), whichever piece comes
first (SYNC.md fault test 15). Parity with the device's own function: tests/e2e/test_signed_content_parity.py."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.maintenance import patrol_answers, patrol_school, sheet_mutation, sign_mutation, signature_png
from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, sha256
from tests.support.repairs import REPAIR_FORM, TechDevice, advance, make_shop, phone_ticket
from webapp.auth.models import Role
from webapp.documents.models import Document, Signature
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from webapp.maintenance.models import Inspection
from webapp.repairs.models import RepairTicket
from sync.models import RejectedMutation
from tests.support.factories import make_customer, make_user

ZEROS = "0" * 64


def _signatures() -> int:
    """How many signatures the server holds."""
    return db.session.scalar(select(func.count()).select_from(Signature))


def _results(response) -> list[tuple[str, str | None]]:
    """(status, code) of each result."""
    return [(r["status"], r.get("code")) for r in response.get_json()["results"]]


def test_a_diary_signature_over_other_content_is_refused_and_changes_nothing(app):
    """64 zeros as the content hash: the signature is rejected with content_mismatch, stored for the office, not filed."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    entry = phone.diary(customer.id, text="更换了两台交换机")
    image = png_bytes(seed=11)
    phone.put_blob(image)
    signature = phone.signature("diary_entry", entry["id"], image, content=entry["data"])
    signature["data"]["content_sha256"] = ZEROS
    assert _results(phone.push([entry, signature])) == [("applied", None), ("rejected", "content_mismatch")]
    assert _signatures() == 0
    rejected = db.session.scalars(select(RejectedMutation)).one()
    assert rejected.code == "content_mismatch" and rejected.record_id == signature["id"]
    assert db.session.get(DiaryEntry, entry["id"]).text == "更换了两台交换机"


def test_a_diary_signature_over_its_content_is_accepted(app):
    """The hash of the entry's signed fields (as the device holds them) is accepted."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    entry = phone.diary(customer.id, text="检查大门摄像机，清洁镜头。")
    image = png_bytes(seed=12)
    phone.put_blob(image)
    signature = phone.signature("diary_entry", entry["id"], image, content={**entry["data"], "author_id": 7})
    assert _results(phone.push([entry, signature])) == [("applied", None), ("applied", None)]
    assert _signatures() == 1


def test_a_sheet_signature_over_other_content_is_refused_and_the_sheet_stays_unsigned(app):
    """A signature on a handed-in sheet claiming zeros is refused: the sheet is not locked, no PDF is filed."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    photo = jpeg_bytes(seed=15)
    tablet.put_blob(photo)
    (row,) = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(photo)))]).get_json()["results"]
    assert row["status"] == "applied", row
    image = signature_png()
    tablet.put_blob(image)
    signature = sign_mutation(tablet, row["id"], image)
    signature["data"]["content_sha256"] = ZEROS
    assert _results(tablet.push([signature])) == [("rejected", "content_mismatch")]
    db.session.expire_all()
    sheet = db.session.get(Inspection, row["id"])
    assert not sheet.is_locked and sheet.signer_name == "" and sheet.document_id is None
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


@pytest.fixture
def on_site(app):
    """A ticket the technician is working on, and their tablet."""
    shop = make_shop()
    ticket = advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)
    return ticket, TechDevice(app.test_client(), shop.tech)


def test_a_repair_signature_that_came_first_refuses_the_step_it_does_not_cover(on_site):
    """Signature first, over another opinion: the customer_signed step that follows is refused, no form is filed."""
    ticket, device = on_site
    image = png_bytes(240, 90, seed=13)
    device.put_blob(image)
    customer = {"signer_name": "周建国", "opinion": "维修及时", "satisfaction": "satisfied"}
    resolved = device.event(ticket, "resolved", dict(REPAIR_FORM))
    signature = device.signature("repair_ticket", ticket.id, image, content={**REPAIR_FORM, **customer})
    signed = device.event(ticket, "customer_signed", {"signature": sha256(image), **customer, "opinion": "不满意"})
    response = device.push([resolved, signature, signed])
    assert _results(response) == [("applied", None), ("applied", None), ("rejected", "content_mismatch")]
    db.session.expire_all()
    assert db.session.get(RepairTicket, ticket.id).status == "resolved"
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_repair_signature_after_its_form_over_other_content_is_refused(on_site):
    """Form and signed step first, then a signature claiming zeros: the signature is refused."""
    ticket, device = on_site
    image = png_bytes(240, 90, seed=14)
    device.put_blob(image)
    customer = {"signer_name": "周建国", "opinion": "维修及时", "satisfaction": "satisfied"}
    steps = [device.event(ticket, "resolved", dict(REPAIR_FORM)),
             device.event(ticket, "customer_signed", {"signature": sha256(image), **customer})]
    signature = device.signature("repair_ticket", ticket.id, image, content={**REPAIR_FORM, **customer})
    signature["data"]["content_sha256"] = ZEROS
    response = device.push([*steps, signature])
    assert _results(response) == [("applied", None), ("applied", None), ("rejected", "content_mismatch")]
    assert _signatures() == 0
