"""The device's signed-content hash (static/js/documents.js `signedContent`, run in Node on the
very source) is the one the server recomputes: a signature made the device's way is accepted,
for each kind the field app signs (the table is static/js/signed-fields.json)."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.support.maintenance import patrol_answers, patrol_school, sheet_mutation, signature_png
from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, sha256
from tests.e2e.test_field_app_units import run_node
from tests.support.factories import make_customer, make_user
from tests.support.repairs import REPAIR_FORM, TechDevice, advance, make_shop, phone_ticket
from webapp.auth.models import Role
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.maintenance.models import Inspection


def device_hash(kind: str, document_id: str, data: dict) -> str:
    """sha256Hex(signedContent(kind, id, data)) as the field app computes it."""
    return run_node(
        "import { signedContent } from './static/js/documents.js';"
        "import { sha256Hex } from './static/js/canonical-json.js';"
        f"const text = signedContent({json.dumps(kind)}, {json.dumps(document_id)}, {json.dumps(data)});"
        "console.log(JSON.stringify(await sha256Hex(text)));"
    )


def _signed_with(mutation: dict, content_hash: str) -> dict:
    """A signature mutation claiming this content hash."""
    mutation["data"]["content_sha256"] = content_hash
    return mutation


def _results(response) -> list[str]:
    """The status of each result."""
    return [r["status"] for r in response.get_json()["results"]]


def test_a_diary_entry_signed_the_device_way_is_accepted(app):
    """The entry's data as pushed, hashed by documents.js: applied."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    entry = phone.diary(customer.id, text="检查大门摄像机，清洁镜头。", cabinet_id=None)
    image = png_bytes(seed=21)
    phone.put_blob(image)
    signature = _signed_with(phone.signature("diary_entry", entry["id"], image),
                             device_hash("diary_entry", entry["id"], entry["data"]))
    assert _results(phone.push([entry, signature])) == ["applied", "applied"]


def test_a_patrol_sheet_signed_the_device_way_is_accepted_and_filed(app):
    """Answers filed by cleanAnswers and signed by signedSheetContent (patrol-rules.js): the signature applies, the PDF is filed."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    photo, image = jpeg_bytes(seed=22), signature_png()
    tablet.put_blob(photo)
    tablet.put_blob(image)
    sheet = sheet_mutation(tablet, school, {})
    items = school.template.items
    device = run_node(
        "import { cleanAnswers, signedSheetContent } from './static/js/patrol-rules.js';"
        "import { sha256Hex } from './static/js/canonical-json.js';"
        f"const items = {json.dumps(items)}; const data = {json.dumps(sheet['data'])};"
        f"data.answers = cleanAnswers(items, {json.dumps(patrol_answers(sha256(photo)))});"
        f"const sha = await sha256Hex(signedSheetContent({json.dumps(sheet['id'])}, items, data));"
        "console.log(JSON.stringify({ answers: data.answers, sha }));"
    )
    sheet["data"]["answers"] = device["answers"]
    signature = _signed_with(tablet.signature("inspection", sheet["id"], image), device["sha"])
    assert _results(tablet.push([sheet, signature])) == ["applied", "applied"]
    db.session.expire_all()
    assert db.session.get(Inspection, sheet["id"]).document_id is not None


def test_a_repair_form_signed_the_device_way_is_accepted_and_filed(app):
    """The form and the customer's part, with the ticket number the device shows, hashed by documents.js: filed."""
    shop = make_shop()
    ticket = advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)
    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(240, 90, seed=23)
    device.put_blob(image)
    customer = {"opinion": "维修及时，态度很好", "satisfaction": "satisfied", "signer_name": "周建国"}
    content = {"ticket_number": ticket.number, **REPAIR_FORM, **customer}
    resolved = device.event(ticket, "resolved", dict(REPAIR_FORM))
    signature = _signed_with(device.signature("repair_ticket", ticket.id, image),
                             device_hash("repair_ticket", ticket.id, content))
    signed = device.event(ticket, "customer_signed", {"signature": sha256(image), **customer})
    assert _results(device.push([resolved, signature, signed])) == ["applied"] * 3
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
