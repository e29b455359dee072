"""Signing locks a document: changes are refused (`locked`), a correction is a new submission
naming `supersedes`, and a filled signature slot never changes."""
from __future__ import annotations

import pytest

from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, statuses
from tests.support.factories import make_customer, make_user
from webapp.archive.models import HandoverItem
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry


@pytest.fixture
def signed_handover(app):
    """A handover item signed for by the school on the technician's tablet."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    item = HandoverItem(customer_id=customer.id, kind="warranty_card", description="保修卡", quantity=3)
    db.session.add(item)
    db.session.commit()
    phone = FieldDevice(app.test_client(), tech)
    result = phone.push([phone.signature("handover_item", item.id, png_bytes(seed=1), role="customer")])
    assert statuses(result) == ["applied"]
    return tech, customer, item, phone


def test_signed_document_refuses_changes(app, signed_handover):
    """After a signature, an office edit or delete of the document is rejected as locked."""
    _tech, _customer, item, _phone = signed_handover
    office = FieldDevice(app.test_client(), make_user(Role.OFFICE))
    results = office.push([
        office.update("handover_item", item.id, item.version, quantity=2),
        office.delete("handover_item", item.id, item.version),
    ]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "locked"), ("rejected", "locked")]
    db.session.expire_all()
    assert db.session.get(HandoverItem, item.id).quantity == 3
    assert db.session.get(HandoverItem, item.id).deleted_at is None


def test_photo_after_signature_is_rejected(signed_handover):
    """Adding a photo to a signed document is a change, and is refused."""
    _tech, _customer, item, phone = signed_handover
    result = phone.push([phone.photo("handover_item", item.id, jpeg_bytes(seed=2))]).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "locked")


def test_filled_signature_slot_never_changes(signed_handover):
    """A second customer signature on the same document is refused; another role may still sign."""
    _tech, _customer, item, phone = signed_handover
    results = phone.push([
        phone.signature("handover_item", item.id, png_bytes(seed=3), role="customer"),
        phone.signature("handover_item", item.id, png_bytes(seed=4), role="technician"),
    ]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "locked"), ("applied", None)]


def test_correction_is_a_new_submission_naming_supersedes(signed_handover):
    """A signed diary entry stays as it was; its correction is a new entry that supersedes it."""
    _tech, customer, _item, phone = signed_handover
    entry = phone.diary(customer.id, text="更换了两台交换机")
    signature = phone.signature("diary_entry", entry["id"], content=entry["data"], image=png_bytes(seed=5))
    change = phone.update("diary_entry", entry["id"], 1, text="更换了三台交换机")
    correction = phone.diary(customer.id, text="更换了三台交换机（更正）", supersedes=entry["id"])
    results = phone.push([entry, signature, change, correction]).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", None), ("applied", None), ("rejected", "append_only"), ("applied", None)
    ]
    db.session.expire_all()
    assert db.session.get(DiaryEntry, entry["id"]).text == "更换了两台交换机"
    assert db.session.get(DiaryEntry, correction["id"]).supersedes == entry["id"]
