"""The signed patrol sheet: produced once sheet and signature are both in (in any order), with
the Chinese item labels, the signer, the signature image and a fingerprint; filed in the archive."""
from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.support.maintenance import (
    patrol_answers,
    patrol_school,
    sheet_mutation,
    sign_mutation,
    signature_png,
    ticket_mutation,
)
from tests.support.field_device import FieldDevice, forget_cached_user, jpeg_bytes, new_id, sha256
from tests.support.factories import login, make_user
from webapp.auth.models import Role
from webapp.documents.filing import read_document
from webapp.documents.models import Document
from webapp.extensions import db
from webapp.maintenance.models import Inspection, Visit
from webapp.maintenance.sheet_pdf import sheet_document

PHOTO = jpeg_bytes(640, 480, seed=11)
SIGNATURE = signature_png(480, 192)


@pytest.fixture
def school(app):
    """A school on a monthly patrol plan."""
    return patrol_school()


@pytest.fixture
def tablet(app, school):
    """The technician's tablet with the finding's photo uploaded."""
    device = FieldDevice(app.test_client(), school.tech)
    device.put_blob(PHOTO)
    return device


def _sheet(tablet, school, ticket_id: str | None = None) -> str:
    """Push the patrol sheet; returns its id."""
    result = tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(PHOTO), ticket_id))])
    (row,) = result.get_json()["results"]
    assert row["status"] == "applied", row
    return row["id"]


def _signed(tablet, school, ticket_id: str | None = None) -> Inspection:
    """Push the sheet, the signature image and the signature; returns the sheet."""
    sheet_id = _sheet(tablet, school, ticket_id)
    tablet.put_blob(SIGNATURE)
    tablet.push([sign_mutation(tablet, sheet_id, SIGNATURE)])
    db.session.expire_all()
    return db.session.get(Inspection, sheet_id)


def _pdf(sheet: Inspection) -> PdfReader:
    """The filed PDF of a sheet, opened."""
    document = sheet_document(sheet)
    assert document is not None
    return PdfReader(io.BytesIO(read_document(document)))


def _text(reader: PdfReader) -> str:
    """All the text of a PDF, without line breaks."""
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_pdf_is_filed_once_sheet_and_signature_are_in(app, school, tablet):
    """One document of the customer, linked from the sheet; the visit is done."""
    sheet = _signed(tablet, school)
    document = sheet_document(sheet)
    assert (document.customer_id, document.kind, document.signature_id is not None) == (
        school.customer.id, "inspection_sheet", True)
    assert db.session.get(Visit, school.visit.id).state == "done"


def test_the_pdf_carries_the_chinese_item_labels_and_the_signer(app, school, tablet):
    """Text extracted from the PDF has the labels in Chinese (and English), answers and the signer."""
    text = _text(_pdf(_signed(tablet, school)))
    for label in ("月巡查表", "核心网络及交换机运行正常", "机房温度", "发现安全隐患", "客户满意度",
                  "Core network and switches running", "城南实验小学", "王校长", "空调故障"):
        assert label in text, label
    assert "35 °C" in text and "不适用" in text


def test_the_signature_image_is_on_the_page_at_its_own_size(app, school, tablet):
    """An image XObject of the signature's pixel size (480 × 192) is in the PDF."""
    reader = _pdf(_signed(tablet, school))
    sizes = {(image.image.width, image.image.height) for page in reader.pages for image in page.images}
    assert (480, 192) in sizes


def test_the_findings_photo_is_on_the_page_as_a_thumbnail(app, school, tablet):
    """The 640 × 480 photo is printed as a small thumbnail (the PDF stays light)."""
    reader = _pdf(_signed(tablet, school))
    sizes = {(image.image.width, image.image.height) for page in reader.pages for image in page.images}
    assert (360, 270) in sizes


def test_the_pdf_prints_the_fingerprint_it_is_filed_with(app, school, tablet):
    """The content fingerprint printed on the sheet is the one stored; the file's hash is its key."""
    sheet = _signed(tablet, school)
    document = sheet_document(sheet)
    data = read_document(document)
    assert document.content_sha256 in _text(PdfReader(io.BytesIO(data)))
    assert hashlib.sha256(data).hexdigest() == document.sha256 == document.storage_key


def test_the_pdf_names_the_ticket_opened_from_a_finding(app, school, tablet):
    """A finding turned into a ticket shows the ticket's number on the sheet."""
    ticket_id = new_id()
    tablet.push([ticket_mutation(tablet, school, record_id=ticket_id)])
    sheet = _signed(tablet, school, ticket_id)
    from webapp.repairs.models import RepairTicket

    assert db.session.get(RepairTicket, ticket_id).number in _text(_pdf(sheet))


def test_a_signature_whose_image_arrives_later_produces_the_pdf_then(app, school, tablet):
    """Signature record first (incomplete): no PDF; the image upload completes it and files the PDF."""
    sheet_id = _sheet(tablet, school)
    (row,) = tablet.push([sign_mutation(tablet, sheet_id, SIGNATURE)]).get_json()["results"]
    assert row["missing_blobs"] == [sha256(SIGNATURE)]
    db.session.expire_all()
    sheet = db.session.get(Inspection, sheet_id)
    assert sheet.is_locked and sheet.document_id is None
    assert tablet.put_blob(SIGNATURE).status_code in (200, 201)
    db.session.expire_all()
    assert db.session.get(Inspection, sheet_id).document_id is not None


def test_the_pdf_is_made_only_once(app, school, tablet):
    """A second signature (the technician's) and a resend change nothing: one document."""
    sheet = _signed(tablet, school)
    other = signature_png(300, 120)
    tablet.put_blob(other)
    mutation = tablet.signature("inspection", sheet.id, other, role="technician")
    tablet.push([mutation])
    tablet.push([mutation])
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_an_unsigned_sheet_has_no_pdf(app, school, tablet):
    """Until the customer signs there is nothing to file, and the PDF link answers 404."""
    sheet_id = _sheet(tablet, school)
    client = app.test_client()
    login(client, make_user(Role.OFFICE))
    forget_cached_user()
    assert client.get(f"/maintenance/sheets/{sheet_id}/pdf").status_code == 404


def test_the_school_archive_lists_the_sheet_and_its_pdf(app, school, tablet):
    """The customer page's history has the sheet; its page links the PDF, which downloads."""
    sheet = _signed(tablet, school)
    client = app.test_client()
    login(client, make_user(Role.OFFICE))
    forget_cached_user()
    page = client.get(f"/customers/{school.customer.id}").get_data(as_text=True)
    assert f"/maintenance/sheets/{sheet.id}" in page
    sheet_page = client.get(f"/maintenance/sheets/{sheet.id}").get_data(as_text=True)
    assert f"/maintenance/sheets/{sheet.id}/pdf" in sheet_page
    forget_cached_user()
    response = client.get(f"/maintenance/sheets/{sheet.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_each_device_of_the_site_has_the_sheet_in_its_history(app, school, tablet):
    """A sheet for the whole site shows on the camera's and the cabinet's pages."""
    sheet = _signed(tablet, school)
    client = app.test_client()
    login(client, school.tech)
    for url in (f"/devices/{school.camera.id}", f"/cabinets/{school.cabinet.id}"):
        forget_cached_user()
        assert f"/maintenance/sheets/{sheet.id}" in client.get(url).get_data(as_text=True), url


def test_a_failed_pdf_keeps_the_signature_and_the_daily_run_files_it(app, school, tablet, monkeypatch):
    """If drawing the PDF fails when the signature arrives, the signature is still kept and the
    sheet locked; `flask maintenance generate` files the PDF later."""
    from webapp.maintenance import sheet_pdf

    real = sheet_pdf.render_patrol_sheet

    def broken(*args, **kwargs):
        """A renderer that fails (a missing font, a full disk...)."""
        raise OSError("font not found")

    monkeypatch.setattr(sheet_pdf, "render_patrol_sheet", broken)
    sheet = _signed(tablet, school)
    assert sheet.is_locked and sheet.document_id is None
    monkeypatch.setattr(sheet_pdf, "render_patrol_sheet", real)
    result = app.test_cli_runner().invoke(args=["maintenance", "generate"])
    assert "1 signed sheets filed" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Inspection, sheet.id).document_id is not None
