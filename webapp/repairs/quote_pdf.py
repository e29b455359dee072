"""The printable quote (维修报价单) of a repair the customer pays for: one A4 page with the ticket,
the school, the quote's lines and total, and — once the customer has decided on the tablet — the
decision with the customer's signature image. Drawn on demand from the ticket's steps (the quote
itself is the `quote_recorded` step).

Once the customer has decided, the signed quote is a paper like the others: filed once per
ticket and round through the filing pipeline (document kind `repair_quote`), when the
`quote_approved` / `quote_declined` step and the signature image it names are both in. The
step calls `pieces_arrived` (repairs/events.py); a signature image that arrives later is caught
by the daily `produce_missing()` through `quotes_waiting`.
"""
from __future__ import annotations

import io

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from flask import current_app
from sqlalchemy import select

from ..documents import filing
from ..documents.canonical import sha256_hex
from ..documents.filing import image_bytes
from ..documents.models import Document
from ..documents.pdf import register_font, wrap
from ..extensions import db
from .events import RepairEvent, ticket_state
from .models import RepairTicket
from .vocabulary import Event

GREY = HexColor("#555555")
LINE = HexColor("#999999")
DECISIONS = {"approved": "客户同意报价", "declined": "客户不同意报价"}
KIND = "repair_quote"  # the Document kind, and the pipeline's document kind (the ticket's id)


def render_quote(ticket, state, font_path: str) -> bytes | None:
    """The quote's PDF, or None when no quote was recorded on the ticket."""
    cur = state.current
    if not cur.quote:
        return None
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"维修报价单 {ticket.number}")
    canvas.setAuthor("运维服务部")
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    y = height - 22 * mm
    canvas.setFont(font, 18)
    canvas.drawString(left, y, "维修报价单")
    canvas.setFont(font, 9)
    canvas.setFillColor(GREY)
    canvas.drawRightString(right, y, f"报修单号 {ticket.number}")
    y -= 12 * mm
    canvas.setFillColor(black)
    for label, value in (("客户", ticket.customer.name), ("设备", ticket.device.name if ticket.device else "—"),
                         ("报修内容", ticket.description or "—")):
        canvas.setFont(font, 10)
        canvas.setFillColor(GREY)
        canvas.drawString(left, y, label)
        canvas.setFillColor(black)
        for line in wrap(value, font, 10, right - left - 26 * mm, 3) or [""]:
            canvas.drawString(left + 26 * mm, y, line)
            y -= 5.5 * mm
        y -= 1.5 * mm

    columns = [("项目", left), ("数量", right - 70 * mm), ("单价（元）", right - 48 * mm), ("金额（元）", right - 24 * mm)]
    y -= 3 * mm
    canvas.setStrokeColor(LINE)
    canvas.line(left, y + 4 * mm, right, y + 4 * mm)
    canvas.setFont(font, 10)
    canvas.setFillColor(GREY)
    for title, x in columns:
        canvas.drawString(x, y, title)
    canvas.setFillColor(black)
    y -= 3 * mm
    canvas.line(left, y, right, y)
    for item in cur.quote.get("items", []):
        y -= 6 * mm
        lines = wrap(str(item.get("name", "")), font, 10, columns[1][1] - left - 4 * mm, 3) or [""]
        for i, line in enumerate(lines):
            canvas.drawString(left, y - i * 5 * mm, line)
        canvas.drawString(columns[1][1], y, str(item.get("qty", "")))
        canvas.drawString(columns[2][1], y, str(item.get("price", "")))
        canvas.drawString(columns[3][1], y, str(item.get("amount", "")))
        y -= (len(lines) - 1) * 5 * mm + 2 * mm
        canvas.line(left, y, right, y)
    y -= 8 * mm
    canvas.setFont(font, 12)
    canvas.drawString(columns[2][1], y, "合计")
    canvas.drawString(columns[3][1], y, f"{cur.quote.get('amount', '')}")
    note = (cur.quote.get("note") or "").strip()
    if note:
        y -= 9 * mm
        canvas.setFont(font, 10)
        for line in wrap(f"备注：{note}", font, 10, right - left, 4):
            canvas.drawString(left, y, line)
            y -= 5.5 * mm

    y -= 12 * mm
    canvas.setFont(font, 11)
    decision = cur.quote_decision or {}
    if cur.quote_status in DECISIONS:
        canvas.drawString(left, y, DECISIONS[cur.quote_status])
        canvas.setFont(font, 10)
        who = decision.get("approver_name") or ""
        when = decision.get("approved_on") or ""
        canvas.drawString(left + 40 * mm, y, f"签字人 {who}  {when}".rstrip())
        png = image_bytes(decision.get("signature"))
        if png:
            canvas.drawImage(ImageReader(io.BytesIO(png)), left, y - 32 * mm, width=75 * mm, height=30 * mm,
                             preserveAspectRatio=True, mask="auto")
    else:
        canvas.drawString(left, y, "客户意见：□ 同意报价    □ 不同意报价")
        y -= 14 * mm
        canvas.drawString(left, y, "客户签字：____________________    日期：____________")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def signed_quote_of(ticket_id: str, round_number: int) -> Document | None:
    """The filed signed quote of a ticket's round, if there is one."""
    return db.session.scalars(select(Document).where(
        Document.kind == KIND, Document.ticket_id == ticket_id, Document.round == round_number,
        Document.deleted_at.is_(None),
    )).first()


def produce_signed_quote(ticket_id: str) -> Document | None:
    """File the quote with the customer's decision for the ticket's current round (idempotent).

    None while there is no decision yet, or the decision names a signature image that has not
    arrived. A decision the office recorded by name (no image) is filed with the name."""
    ticket = db.session.get(RepairTicket, ticket_id)
    if ticket is None:
        return None
    state = ticket_state(ticket)
    cur = state.current
    if not cur.quote or cur.quote_status not in DECISIONS:
        return None
    existing = signed_quote_of(ticket.id, cur.number)
    if existing is not None:
        return existing
    decision = cur.quote_decision or {}
    if decision.get("signature") and image_bytes(decision["signature"]) is None:
        return None
    pdf = render_quote(ticket, state, current_app.config["PDF_FONT_PATH"])
    verdict = "同意" if cur.quote_status == "approved" else "不同意"
    document = filing.file_pdf(
        pdf, kind=KIND, title=f"维修报价单 {ticket.number}（客户{verdict}）" + (f" (R{cur.number})" if cur.number > 1 else ""),
        customer_id=ticket.customer_id, device_id=ticket.device_id, ticket_id=ticket.id, round_number=cur.number,
        content_sha256=sha256_hex({"quote": cur.quote, "status": cur.quote_status, "decision": decision}),
    )
    return document if document is not None else signed_quote_of(ticket.id, cur.number)


def quotes_waiting() -> list[str]:
    """Tickets with a decided quote and no signed quote filed for their current round."""
    decided = select(RepairEvent.ticket_id).where(RepairEvent.type.in_((Event.QUOTE_APPROVED, Event.QUOTE_DECLINED)))
    filed = select(Document.id).where(
        Document.ticket_id == RepairTicket.id, Document.kind == KIND, Document.round == RepairTicket.rework_round,
    ).exists()
    return list(db.session.scalars(
        select(RepairTicket.id).where(RepairTicket.id.in_(decided), RepairTicket.deleted_at.is_(None), ~filed)
        .order_by(RepairTicket.id)
    ))


def register_paper() -> None:
    """The signed quote is a paper of its own (called once by the app factory)."""
    filing.register_producer(KIND, produce_signed_quote, waiting=quotes_waiting)
