"""The signing lock holds below every door, not only in the sync API: a signed document's signed
content cannot change through the web, the services or the models; its workflow (review) goes on."""
from __future__ import annotations

import pytest

from tests.support.maintenance import patrol_answers, patrol_school, sheet_mutation, sign_mutation, signature_png
from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, sha256
from tests.support.archive import sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_customer, make_user
from webapp.archive.models import HandoverItem
from webapp.auth.models import Role
from webapp.documents.signing import DocumentLocked, is_locked
from webapp.extensions import db
from webapp.maintenance.models import Inspection
from webapp.maintenance.services import review_inspection


@pytest.fixture
def signed_sheet(app):
    """A patrol sheet handed in and signed on the tablet, with its PDF filed."""
    school = patrol_school()
    tablet = FieldDevice(app.test_client(), school.tech)
    photo, image = jpeg_bytes(seed=31), signature_png()
    tablet.put_blob(photo)
    tablet.put_blob(image)
    (row,) = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(photo)))]).get_json()["results"]
    tablet.push([sign_mutation(tablet, row["id"], image)])
    db.session.expire_all()
    return db.session.get(Inspection, row["id"])


def test_both_questions_about_the_lock_have_one_answer(signed_sheet):
    """The sheet's own is_locked and the signing lock agree, and the sheet shows its signer."""
    assert signed_sheet.is_locked and is_locked("inspection", signed_sheet.id)
    assert signed_sheet.signer_name == "王校长" and signed_sheet.document_id is not None


def test_a_signed_sheets_answers_cannot_change_below_the_services(signed_sheet):
    """Writing the answers straight onto the model is refused at flush; nothing changes."""
    before = dict(signed_sheet.answers)
    signed_sheet.answers = {**before, "broadcast": {"value": "pass", "note": "", "photo_ids": [], "flagged": False,
                                                    "na": False}}
    with pytest.raises(DocumentLocked) as err:
        db.session.flush()
    assert err.value.code == "locked" and err.value.details["fields"] == ["answers"]
    db.session.rollback()
    assert db.session.get(Inspection, signed_sheet.id).answers == before


def test_a_signed_sheet_can_still_be_reviewed(signed_sheet):
    """Review changes the workflow, not what was signed: allowed."""
    office = make_user(Role.OFFICE)
    review_inspection(signed_sheet, office, "has_issues", "照片不清楚")
    db.session.commit()
    assert db.session.get(Inspection, signed_sheet.id).state == "has_issues"


def test_the_office_cannot_retire_a_signed_record_on_the_web(app, web):  # noqa: F811
    """Retiring a handover item the school signed for is refused on the page, with the reason."""
    tech, office = make_user(Role.TECHNICIAN), make_user(Role.OFFICE)
    customer = make_customer(technicians=[tech])
    item = HandoverItem(customer_id=customer.id, kind="warranty_card", description="保修卡", quantity=3)
    db.session.add(item)
    db.session.commit()
    phone = FieldDevice(app.test_client(), tech)
    image = png_bytes(seed=32)
    phone.put_blob(image)
    assert phone.push([phone.signature("handover_item", item.id, image)]).get_json()["results"][0]["status"] == "applied"
    sign_in(web, office)
    page = web.post(f"/archive/handover/{item.id}/retire", follow_redirects=True).get_data(as_text=True)
    assert "has been signed and can no longer change" in page
    db.session.expire_all()
    assert db.session.get(HandoverItem, item.id).deleted_at is None
