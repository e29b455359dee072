"""repair_event through the sync API: a technician's steps applied once, resends answered as
duplicates, changed resends as conflicts, refusals rejected with the lifecycle's message, and
the steps of open tickets pulled to the technician's device. Plus the supervisor's board."""
from __future__ import annotations

import pytest

from tests.support.factories import make_customer, make_user
from tests.support.repairs import TechDevice, Web, advance, count_events, make_shop, phone_ticket, reload, utc
from webapp.auth.models import Role
from webapp.repairs.vocabulary import Status


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


def results(response) -> list[dict]:
    """The per-mutation results of a push."""
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def test_pushed_step_is_applied_with_the_device_time(app, shop):
    """An arrival pushed from the tablet moves the ticket on and keeps the device's time."""
    ticket = phone_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    [result] = results(device.push([device.event(ticket, "arrived", device_time="2026-11-24T01:05:00Z")]))
    assert result["status"] == "applied"
    assert reload(ticket).status == Status.ON_SITE


def test_resent_step_is_a_duplicate(app, shop):
    """The same mutation again (a lost response) is answered as a duplicate; one step is kept."""
    ticket = phone_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    mutation = device.event(ticket, "arrived")
    device.push([mutation])
    [result] = results(device.push([mutation]))
    assert result["status"] == "duplicate" and count_events(ticket) == 2


def test_same_id_with_other_content_is_a_conflict(app, shop):
    """A step id reused for different content is a conflict; the first stays."""
    ticket = advance(phone_ticket(shop), "arrived", user=shop.tech)
    device = TechDevice(app.test_client(), shop.tech)
    first = device.event(ticket, "classified", {"classification": "general"})
    device.push([first])
    changed = device.event(ticket, "classified", {"classification": "difficult"}, record_id=first["id"])
    [result] = results(device.push([changed]))
    assert result["status"] == "conflict"
    assert reload(ticket).category == "general"


def test_illegal_step_is_rejected_with_the_lifecycles_message(app, shop):
    """Resolving before arriving is rejected with the reason, and the mutations behind it still apply."""
    ticket = phone_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    rejected, applied = results(device.push([device.event(ticket, "resolved", {"action": "换灯泡"}), device.event(ticket, "arrived")]))
    assert (rejected["status"], rejected["code"]) == ("rejected", "illegal_step") and rejected["message"]
    assert applied["status"] == "applied"


def test_a_repair_form_with_a_bad_parts_line_is_refused_line_by_line_and_nothing_is_kept(app, shop):
    """Part 2 without a name and with a cost of three decimals: the push is rejected with both
    problems named by line, the ticket stays classified; the same form with good lines applies."""
    ticket = advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)
    device = TechDevice(app.test_client(), shop.tech)
    form = {"fault_found": "不亮", "action": "换电源"}
    bad = [{"name": "电源适配器", "qty": 2, "unit_cost": "35.50"}, {"name": " ", "qty": 1, "unit_cost": "1.234"}]
    before = count_events(ticket)
    [result] = results(device.push([device.event(ticket, "resolved", {**form, "parts": bad})]))
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    assert "Part 2: enter its name." in result["message"] and "Part 2: the unit cost" in result["message"]
    assert "Part 1" not in result["message"]
    assert count_events(ticket) == before and reload(ticket).status == Status.CLASSIFIED
    good = [{"name": "电源适配器", "qty": 2, "unit_cost": "35.50"}]
    [result] = results(device.push([device.event(ticket, "resolved", {**form, "parts": good})]))
    assert result["status"] == "applied" and reload(ticket).status == Status.RESOLVED


def test_technician_pulls_the_steps_of_open_tickets(app, shop):
    """The device receives its open tickets and their steps."""
    ticket = advance(phone_ticket(shop), "arrived", user=shop.tech)
    changes, _cursor = TechDevice(app.test_client(), shop.tech).pull_all()
    steps = [c for c in changes if c["kind"] == "repair_event"]
    assert {c["data"]["type"] for c in steps} == {"assigned", "arrived"}
    assert all(c["data"]["ticket_id"] == ticket.id for c in steps)
    assert any(c["kind"] == "repair_ticket" and c["id"] == ticket.id for c in changes)


def test_other_schools_steps_are_not_pulled(app, shop):
    """A technician of another school receives none of these steps."""
    advance(phone_ticket(shop), "arrived", user=shop.tech)
    stranger = make_user(Role.TECHNICIAN, customers=[make_customer("别校")])
    changes, _cursor = TechDevice(app.test_client(), stranger).pull_all()
    assert [c for c in changes if c["kind"] == "repair_event"] == []


def test_board_lists_overdue_and_at_risk_tickets(app, shop):
    """A ticket past its arrival deadline is under 'Overdue'; the board is in the supervisor's menu."""
    late = phone_ticket(shop, "逾期未到场", reported_at=utc(2026, 1, 5, 1))
    html = Web(app, shop.supervisor).html("/repairs/board")
    assert html.index("Overdue") < html.index(late.number) < html.index("At risk")
    assert 'href="/repairs/board"' in html


def test_board_is_not_for_technicians(app, shop):
    """Technicians have no board (403) and no menu entry for it."""
    web = Web(app, shop.tech)
    assert web.get("/repairs/board").status_code == 403
    assert 'href="/repairs/board"' not in web.html("/repairs/mine")


def test_a_pushed_report_to_the_supervisor_of_a_general_fault_is_refused(app, shop):
    """Only a difficult fault is reported to the supervisor: the tablet's step for a general one is rejected."""
    ticket = advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)
    device = TechDevice(app.test_client(), shop.tech)
    [result] = results(device.push([device.event(ticket, "supervisor_informed")]))
    assert (result["status"], result["code"]) == ("rejected", "illegal_step")
    assert result["message"] == "Only a difficult fault is reported to the supervisor."
    assert reload(ticket).status == Status.CLASSIFIED and count_events(ticket) == 3


# --- the customer's decision on a quote, signed on the tablet ---------------------------------

def quoted_ticket(shop):
    """A vandalism ticket: the technician classified it, the supervisor quoted 680 yuan; it waits for the customer."""
    quote = {"items": [{"name": "投影灯泡", "qty": "1", "price": "680", "amount": "680.00"}], "amount": "680.00"}
    return advance(phone_ticket(shop), "arrived", ("classified", {"classification": "vandalism"}),
                   ("quote_recorded", quote, shop.supervisor), user=shop.tech)


def test_the_customers_signed_approval_of_a_quote_arrives_from_the_tablet(app, shop):
    """Signed on the pad offline: the approval step names the signature image; the ticket is approved
    and the decision keeps who signed and the image, which the office can open."""
    from tests.support.field_device import png_bytes, sha256

    ticket = quoted_ticket(shop)
    assert reload(ticket).status == Status.WAITING_APPROVAL
    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(480, 192, seed=21)
    assert device.put_blob(image).status_code == 201
    decision = {"signature": sha256(image), "approver_name": "周建国", "approved_on": "2026-11-24"}
    [result] = results(device.push([device.event(ticket, "quote_approved", decision)]))
    assert result["status"] == "applied", result
    assert reload(ticket).status == Status.APPROVED
    office = TechDevice(app.test_client(), shop.office)
    assert office.client.get(f"/api/sync/blobs/{sha256(image)}", headers=office.headers()).status_code == 200


def test_the_customers_signed_refusal_closes_the_ticket(app, shop):
    """A refusal signed on the tablet closes the ticket, filed as a declined quote."""
    from tests.support.field_device import png_bytes, sha256

    ticket = quoted_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(480, 192, seed=22)
    device.put_blob(image)
    [result] = results(device.push([device.event(ticket, "quote_declined", {"signature": sha256(image), "approver_name": "周建国", "note": "价格太高"})]))
    assert result["status"] == "applied", result
    stored = reload(ticket)
    assert stored.status == Status.CLOSED and stored.filed_category == "quote_declined"


def test_a_decision_with_neither_signature_nor_name_is_rejected(app, shop):
    """No signature and no name: rejected with the field named, the ticket still waits."""
    ticket = quoted_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    [result] = results(device.push([device.event(ticket, "quote_approved", {})]))
    assert result["status"] == "rejected" and "approver_name" in result["errors"]
    assert reload(ticket).status == Status.WAITING_APPROVAL


def test_the_printable_quote_lists_the_lines_and_then_the_signed_decision(app, shop):
    """The office prints the quote: lines and total, a blank for the customer's decision; after the
    signed approval from the tablet the same page names the signer and carries the image."""
    from io import BytesIO

    from pypdf import PdfReader

    from tests.support.field_device import png_bytes, sha256

    ticket = quoted_ticket(shop)
    office = Web(app, shop.office)
    response = office.get(f"/repairs/{ticket.id}/quote.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    assert "维修报价单" in text and ticket.number in text and "投影灯泡" in text and "680.00" in text
    assert "□ 同意报价" in text
    assert f'href="/repairs/{ticket.id}/quote.pdf"' in office.html(f"/repairs/{ticket.id}")

    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(480, 192, seed=23)
    device.put_blob(image)
    decision = {"signature": sha256(image), "approver_name": "周建国", "approved_on": "2026-11-24"}
    assert results(device.push([device.event(ticket, "quote_approved", decision)]))[0]["status"] == "applied"
    signed = PdfReader(BytesIO(office.get(f"/repairs/{ticket.id}/quote.pdf").data)).pages[0]
    assert "客户同意报价" in signed.extract_text() and "周建国" in signed.extract_text()
    assert len(signed.images) == 1


def test_a_ticket_without_a_quote_has_no_printable_quote(app, shop):
    """No quote recorded: 404 with a message, not an empty page."""
    assert Web(app, shop.office).get(f"/repairs/{phone_ticket(shop).id}/quote.pdf").status_code == 404


def test_the_signed_quote_is_filed_once_when_the_decision_and_its_image_are_in(app, shop):
    """The approval step arrives before its signature image: nothing is filed yet. Once the image
    is in, the daily catch-up files the quote with the decision as a PDF of the ticket, once; the
    office ticket page links it."""
    from io import BytesIO

    from pypdf import PdfReader
    from sqlalchemy import select

    from tests.support.field_device import png_bytes, sha256
    from webapp.documents import filing
    from webapp.documents.models import Document
    from webapp.extensions import db
    from webapp.repairs.quote_pdf import KIND, quotes_waiting

    ticket = quoted_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(480, 192, seed=24)
    decision = {"signature": sha256(image), "approver_name": "周建国", "approved_on": "2026-11-24"}
    assert results(device.push([device.event(ticket, "quote_approved", decision)]))[0]["status"] == "applied"
    def filed():
        return db.session.scalars(select(Document).where(Document.ticket_id == ticket.id, Document.kind == KIND)).all()

    assert filed() == [] and quotes_waiting() == [ticket.id]

    assert device.put_blob(image).status_code == 201
    filing.produce_missing()
    db.session.commit()
    filing.produce_missing()
    db.session.commit()
    [document] = filed()
    assert quotes_waiting() == [] and document.title.startswith(f"维修报价单 {ticket.number}（客户同意）")
    office = Web(app, shop.office)
    page = office.html(f"/repairs/{ticket.id}")
    assert f'href="/repairs/documents/{document.id}"' in page and "Signed quote (PDF)" in page
    assert "Signed quote" in office.html(f"/customers/{ticket.customer_id}")  # the school's timeline
    pdf = PdfReader(BytesIO(office.get(f"/repairs/documents/{document.id}").data)).pages[0]
    assert "客户同意报价" in pdf.extract_text() and "周建国" in pdf.extract_text() and len(pdf.images) == 1


def test_a_signed_refusal_is_filed_as_it_arrives(app, shop):
    """Image first, then the refusal: the declined quote is filed in the same push."""
    from sqlalchemy import select

    from tests.support.field_device import png_bytes, sha256
    from webapp.documents.models import Document
    from webapp.extensions import db
    from webapp.repairs.quote_pdf import KIND

    ticket = quoted_ticket(shop)
    device = TechDevice(app.test_client(), shop.tech)
    image = png_bytes(480, 192, seed=25)
    device.put_blob(image)
    decision = {"signature": sha256(image), "approver_name": "周建国", "note": "价格太高"}
    assert results(device.push([device.event(ticket, "quote_declined", decision)]))[0]["status"] == "applied"
    [document] = db.session.scalars(select(Document).where(Document.ticket_id == ticket.id, Document.kind == KIND)).all()
    assert "客户不同意" in document.title
