"""The filing pipeline (documents/filing.py): a producer decides when its paper is complete, the
pipeline runs it before commit whenever a piece arrives, exactly once, and never for a
transaction that rolled back. Here with a paper signed by two people (a handover record the
school and the technician both sign), the shape of coming papers such as training attendance."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.field_device import FieldDevice, png_bytes
from tests.support.factories import make_customer, make_user
from webapp.archive.models import HandoverItem
from webapp.auth.models import Role
from webapp.documents import filing
from webapp.documents.models import Document
from webapp.documents.signing import signatures_of
from webapp.extensions import db

KIND = "handover_item"
ROLES = {"customer", "technician"}


def produce_handover(item_id: str) -> Document | None:
    """A test paper: filed once both the school's and the technician's signatures are complete."""
    filed = db.session.scalars(select(Document).where(Document.kind == "handover_record", Document.title == item_id)).first()
    if filed is not None:
        return filed
    signed = {s.signer_role for s in signatures_of(KIND, item_id) if filing.signature_image(s) is not None}
    if not ROLES <= signed:
        return None
    item = db.session.get(HandoverItem, item_id)
    return filing.file_pdf(b"%PDF-1.4 test", kind="handover_record", title=item_id, customer_id=item.customer_id,
                           content_sha256="f" * 64)


@pytest.fixture
def handover(app, monkeypatch):
    """A handover item, the technician's tablet, and the test paper registered for it."""
    monkeypatch.setitem(filing._papers, KIND, filing.Paper(KIND, produce_handover))  # restored after the test
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    item = HandoverItem(customer_id=customer.id, kind="warranty_card", description="保修卡", quantity=3)
    db.session.add(item)
    db.session.commit()
    return item, FieldDevice(app.test_client(), tech)


def _documents() -> int:
    """How many documents are filed."""
    return db.session.scalar(select(func.count()).select_from(Document))


def test_a_paper_with_two_signatures_is_filed_when_the_last_one_is_in(handover):
    """One signature: nothing filed. The second (its image uploaded later): filed once; resending files no other."""
    item, tablet = handover
    first, second = png_bytes(seed=41), png_bytes(seed=42)
    tablet.put_blob(first)
    assert tablet.push([tablet.signature(KIND, item.id, first, role="customer")]).status_code == 200
    assert _documents() == 0
    late = tablet.signature(KIND, item.id, second, role="technician")
    tablet.push([late])
    assert _documents() == 0  # its image is not there yet
    tablet.put_blob(second)
    assert _documents() == 1
    tablet.push([late])
    assert filing.produce_missing(KIND) == 0 and _documents() == 1


def test_nothing_is_produced_for_a_transaction_that_rolled_back(handover):
    """A piece noted in a transaction that rolls back is forgotten: the next commit files nothing."""
    item, tablet = handover
    for seed, role in ((43, "customer"), (44, "technician")):
        image = png_bytes(seed=seed)
        tablet.put_blob(image)
        tablet.push([tablet.signature(KIND, item.id, image, role=role)])
    db.session.query(Document).delete()
    db.session.commit()
    filing.pieces_arrived(KIND, item.id)
    db.session.rollback()
    db.session.commit()
    assert _documents() == 0


def test_a_failing_producer_keeps_the_piece_and_the_catch_up_files_it(handover, monkeypatch):
    """The producer fails when the last signature arrives: the signature is kept; produce_missing files the paper."""
    item, tablet = handover

    def broken(item_id: str) -> None:
        """A producer that fails (a missing font, a full disk...)."""
        raise OSError("disk full")

    monkeypatch.setitem(filing._papers, KIND, filing.Paper(KIND, broken, waiting=lambda: [item.id]))
    for seed, role in ((45, "customer"), (46, "technician")):
        image = png_bytes(seed=seed)
        tablet.put_blob(image)
        result = tablet.push([tablet.signature(KIND, item.id, image, role=role)]).get_json()["results"][0]
        assert result["status"] == "applied"
    assert _documents() == 0 and len(signatures_of(KIND, item.id)) == 2
    monkeypatch.setitem(filing._papers, KIND, filing.Paper(KIND, produce_handover, waiting=lambda: [item.id]))
    assert filing.produce_missing(KIND) == 1
    db.session.commit()
    assert _documents() == 1
