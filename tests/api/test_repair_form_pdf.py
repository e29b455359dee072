"""The signed service repair form: produced as a PDF with three labelled copies once the form and its
signature are both on the server — whichever arrives last — exactly once, and filed in the
customer's archive and the device's history."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.support.repairs import TechDevice, Web, advance, make_shop, phone_ticket, png_bytes, sha256, sign_repair
from webapp.documents.models import Document
from webapp.documents.filing import produce_missing, read_document
from webapp.extensions import db


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


@pytest.fixture
def on_site(shop):
    """A ticket the technician is working on: arrived, classified as a general problem."""
    return advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)


def documents() -> list[Document]:
    """Every filed document."""
    return list(db.session.scalars(select(Document)))


def pdf_text(document: Document) -> tuple[PdfReader, str]:
    """The PDF of a document and all its text."""
    reader = PdfReader(io.BytesIO(read_document(document)))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def finish(app, shop, ticket, image: bytes, blob_first: bool = True) -> TechDevice:
    """The tablet pushes the repair form, the signature and the signed step (the image before or after)."""
    device = TechDevice(app.test_client(), shop.tech)
    if blob_first:
        assert device.put_blob(image).status_code in (200, 201)
    body = device.push(sign_repair(device, ticket, image)).get_json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 3, body
    return device


def test_signed_form_becomes_a_pdf_with_three_copies(app, shop, on_site):
    """The text holds the three copy labels, the Chinese field labels, the form's content and the signer."""
    finish(app, shop, on_site, png_bytes(240, 90, seed=1))
    [document] = documents()
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "repair-form.pdf").write_bytes(read_document(document))
    reader, text = pdf_text(document)
    assert len(reader.pages) == 3
    for label in ("客户联", "部门主管联", "公司存档联"):
        assert label in text
    for label in ("报修单号", "客户名称", "故障现象", "故障原因", "处理措施", "更换配件", "现场用时", "客户意见", "满意度", "客户签名"):
        assert text.count(label) == 3, label
    assert "签字人：周建国" in text and "电源适配器损坏" in text and "1 小时 25 分钟" in text
    assert on_site.number in text and "滨江第一中学" in text


def test_the_signature_image_is_on_every_copy(app, shop, on_site):
    """Each page carries an image XObject of the signature's pixel size."""
    finish(app, shop, on_site, png_bytes(240, 90, seed=2))
    reader, _text = pdf_text(documents()[0])
    for page in reader.pages:
        sizes = [(img.image.width, img.image.height) for img in page.images]
        assert (240, 90) in sizes


def test_fingerprint_of_the_content_is_printed_and_filed(app, shop, on_site):
    """The content's SHA-256 is printed on the copies and kept on the document, with the file's hash."""
    finish(app, shop, on_site, png_bytes(240, 90, seed=3))
    [document] = documents()
    data = read_document(document)
    _reader, text = pdf_text(document)
    assert document.content_sha256 in text.replace("\n", "")
    assert document.sha256 == sha256(data) and document.size == len(data)
    assert (document.customer_id, document.device_id, document.ticket_id) == (shop.customer.id, shop.device.id, on_site.id)


def test_signature_image_arriving_last_completes_the_form(app, shop, on_site):
    """Offline order: the steps and the signature record first (incomplete), the image later: then the PDF."""
    image = png_bytes(200, 80, seed=4)
    device = finish(app, shop, on_site, image, blob_first=False)
    assert documents() == []
    assert device.put_blob(image).status_code in (200, 201)
    assert len(documents()) == 1


def test_signature_record_before_the_repair_form(app, shop, on_site):
    """The signature pushed before the steps: the form is produced when the signed step arrives."""
    image = png_bytes(200, 80, seed=5)
    device = TechDevice(app.test_client(), shop.tech)
    device.put_blob(image)
    resolved, signature, signed_step = sign_repair(device, on_site, image)
    device.push([signature])
    assert documents() == []
    device.push([resolved])
    assert documents() == []
    device.push([signed_step])
    assert len(documents()) == 1


def test_produced_once_however_often_pieces_are_resent(app, shop, on_site):
    """Resending the same mutations and running the catch-up sweep file no second document."""
    image = png_bytes(240, 90, seed=6)
    device = TechDevice(app.test_client(), shop.tech)
    device.put_blob(image)
    mutations = sign_repair(device, on_site, image)
    device.push(mutations)
    assert [r["status"] for r in device.push(mutations).get_json()["results"]] == ["duplicate"] * 3
    device.put_blob(image)
    assert produce_missing("repair_ticket") == 0
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_sweep_produces_a_form_the_hook_missed(app, shop, on_site):
    """A form whose pieces are in but which was not filed (say the font was missing) is made by the sweep."""
    app.config["PDF_FONT_PATH"] = "/nonexistent/font.ttc"
    finish(app, shop, on_site, png_bytes(240, 90, seed=7))
    assert documents() == []
    app.config["PDF_FONT_PATH"] = _default_font()
    assert produce_missing("repair_ticket") == 1


def _default_font() -> str:
    """The shipped CJK font."""
    from config import Config

    return Config.PDF_FONT_PATH


def test_form_is_filed_in_the_customer_archive_and_device_history(app, shop, on_site):
    """The customer's and the device's pages list the signed repair form with a link to the PDF."""
    finish(app, shop, on_site, png_bytes(240, 90, seed=8))
    [document] = documents()
    office = Web(app, shop.office)
    for url in (f"/customers/{shop.customer.id}", f"/devices/{shop.device.id}"):
        html = office.html(url)
        assert f"/repairs/documents/{document.id}" in html and "Signed repair form" in html


def test_pdf_is_served_to_people_who_see_the_customer(app, shop, on_site):
    """The office downloads the PDF; a technician of another school gets 404."""
    from tests.support.factories import make_customer, make_user
    from webapp.auth.models import Role

    finish(app, shop, on_site, png_bytes(240, 90, seed=9))
    [document] = documents()
    response = Web(app, shop.office).get(f"/repairs/documents/{document.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    stranger = make_user(Role.TECHNICIAN, customers=[make_customer("别校")])
    assert Web(app, stranger).get(f"/repairs/documents/{document.id}").status_code == 404


def test_ticket_page_links_the_signed_form(app, shop, on_site):
    """The ticket page shows the repair form's content and the link to the PDF."""
    finish(app, shop, on_site, png_bytes(240, 90, seed=10))
    [document] = documents()
    html = Web(app, shop.office).html(f"/repairs/{on_site.id}")
    assert f"/repairs/documents/{document.id}" in html and "电源适配器损坏" in html
