"""The signed service repair form (服务维修单): its content, its drawing and its producer.

What goes in: the ticket (customer, device, what was reported), the technician's form from the
`resolved` event (fault found, cause, action taken, parts used, time on site), the customer's
opinion and satisfaction from the `customer_signed` event, and the signature image from the
`signature` submission on the ticket (document_kind 'repair_ticket'). What comes out: one PDF
with three labelled copies (客户联 customer / 部门主管联 department head / 公司存档联 company),
each carrying the signature image, the signer and the time, and the SHA-256 fingerprint of the
printed content; filed through the filing pipeline (`documents/filing.py`) as a `Document`, so
it shows in the customer's archive and the device's history.

`produce_repair_form` is the form's producer: the pipeline runs it before the commit of any
transaction in which a piece arrived (the `resolved` or `customer_signed` step in
`events.record_event`, the signature or its image in `documents/signing.py`). One document per
(ticket, round), guarded by a unique constraint, so whichever piece arrives last produces it,
exactly once. The form's labels are Chinese whatever the reader's language: it is the
department's paper form, printed and handed to the school.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import current_app
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from ..auth.models import User
from ..clock import local_text
from ..documents import filing
from ..documents.models import Document, Signature
from ..documents.pdf import SignedContent, register_font, wrap, zh_label
from ..documents.signed_content import SignedDocument, register_content
from ..extensions import db
from .events import ticket_state
from .models import RepairTicket
from .step_data import parts_bill
from .vocabulary import CLASSIFICATION_LABELS

KIND = "repair_form"
DOCUMENT_KIND = "repair_ticket"  # what a repair form's signature is attached to
SIGNER_ROLE = "customer"
COPIES = (
    ("第一联", "客户联", "Customer copy"),
    ("第二联", "部门主管联", "Department head copy"),
    ("第三联", "公司存档联", "Company copy"),
)
SATISFACTION_ZH = {"satisfied": "满意", "basically_satisfied": "基本满意", "not_satisfied": "不满意"}
# (key in the content, Chinese label): the rows of the form, in print order.
ROWS = (
    ("number", "报修单号"), ("customer", "客户名称"), ("address", "工程地址"), ("location", "报修地点"),
    ("reporter", "报修人 / 电话"), ("reported_at", "报修时间"), ("device", "设备"),
    ("description", "报修内容"), ("arrived_at", "到场时间"), ("classification", "故障类别"),
    ("fault_found", "故障现象"), ("cause", "故障原因"), ("action", "处理措施"), ("parts_used", "更换配件"),
    ("time_on_site", "现场用时"), ("resolved_at", "完成时间"), ("technician", "维修人员"),
    ("opinion", "客户意见"), ("satisfaction", "满意度"),
)
GREY = Color(0.35, 0.35, 0.35)
PARTS_SHOWN = 6  # lines of parts printed before the rest is counted
LINE = Color(0.6, 0.6, 0.6)


# --- content ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A form value as printable text."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "；".join(_text(v) for v in value if _text(v))
    if isinstance(value, dict):
        name = value.get("name") or value.get("item_name") or ""
        qty = value.get("qty")
        return f"{name} ×{qty}" if qty not in (None, "") else str(name)
    return str(value).strip()


def _parts_text(form: dict) -> str:
    """The parts used, one line each with its cost, then the total (and any older free text)."""
    bill = parts_bill(form.get("parts"))
    lines = [f"{p['name']} ×{p['qty']}，单价 {p['unit_cost']} 元，计 {p['amount']} 元" for p in bill["lines"]] if bill else []
    if len(lines) > PARTS_SHOWN:  # the form's row holds 8 lines: the rest is summed, not dropped
        lines = lines[:PARTS_SHOWN - 1] + [f"另 {len(lines) - PARTS_SHOWN + 1} 项（见报修单记录）"]
    if bill:
        lines.append(f"合计 {bill['total']} 元（{bill['count']} 件）")
    if _text(form.get("parts_used")):
        lines.append(_text(form.get("parts_used")))
    return "\n".join(lines)


def _minutes(value: Any) -> str:
    """Time on site in minutes as '1 小时 25 分钟'."""
    try:
        minutes = int(float(value))
    except (TypeError, ValueError):
        return _text(value)
    hours, rest = divmod(max(minutes, 0), 60)
    return f"{hours} 小时 {rest} 分钟" if hours else f"{rest} 分钟"


@dataclass
class RepairFormContent(SignedContent):
    """Everything printed on the form, and its fingerprint."""

    values: dict[str, str]
    signer_name: str
    signed_at: str
    signature_sha256: str
    signed_content_sha256: str

    def body(self) -> dict:
        """What the fingerprint covers: every printed row, the signer, the time and the image's hash."""
        return {**self.values, "signer_name": self.signer_name, "signed_at": self.signed_at,
                "signature_sha256": self.signature_sha256}


def repair_form_content(ticket, state, signature: Signature) -> RepairFormContent:
    """What the form of the ticket's current round says."""
    cur = state.current
    form = cur.resolution or {}
    signed = cur.signature or {}
    device = ticket.device
    device_text = ""
    if device is not None:
        device_text = " ".join(p for p in (device.name, device.brand or "", device.model or "") if p)
        if device.serial:
            device_text += f"（序列号 {device.serial}）"
    tech = db.session.get(User, state.assignee_id) if state.assignee_id else None
    values = {
        "number": ticket.number + (f"（返工 第{cur.number}轮）" if cur.number > 1 else ""),
        "customer": ticket.customer.name,
        "address": ticket.customer.address or "",
        "location": ticket.location or "",
        "reporter": " / ".join(p for p in (ticket.reporter_name, ticket.reporter_phone) if p),
        "reported_at": local_text(state.reported_at),
        "device": device_text,
        "description": ticket.description,
        "arrived_at": local_text(cur.arrived_at),
        "classification": zh_label(CLASSIFICATION_LABELS, cur.classification),
        "fault_found": _text(form.get("fault_found")),
        "cause": _text(form.get("cause")),
        "action": _text(form.get("action")),
        "parts_used": _parts_text(form) or "无",
        "time_on_site": _minutes(form.get("time_on_site")) if form.get("time_on_site") not in (None, "") else "",
        "resolved_at": local_text(cur.resolved_at),
        "technician": tech.display_name if tech else "",
        "opinion": _text(signed.get("opinion")),
        "satisfaction": SATISFACTION_ZH.get(signed.get("satisfaction") or "", _text(signed.get("satisfaction"))),
    }
    return RepairFormContent(
        values=values,
        signer_name=signature.signer_name or _text(signed.get("signer_name")),
        signed_at=local_text(signature.signed_at),
        signature_sha256=signature.image_sha256,
        signed_content_sha256=signature.content_sha256,
    )


# --- drawing ---------------------------------------------------------------------------------


def render_repair_form(content: RepairFormContent, signature_png: bytes, font_path: str) -> bytes:
    """The PDF: three A4 pages, one per copy, each with the signature image and the fingerprint."""
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"服务维修单 {content.values['number']}")
    canvas.setAuthor("运维服务部")
    image = ImageReader(io.BytesIO(signature_png))
    for index, copy in enumerate(COPIES):
        _draw_copy(canvas, font, content, image, copy, index + 1)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_copy(canvas: Canvas, font: str, content: RepairFormContent, image: ImageReader,
               copy: tuple[str, str, str], page_no: int) -> None:
    """One copy of the form on one page."""
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    y = height - 20 * mm
    canvas.setFillColor(black)
    canvas.setFont(font, 18)
    canvas.drawString(left, y, "服务维修单")
    canvas.setFont(font, 10)
    canvas.setFillColor(GREY)
    canvas.drawString(left, y - 6 * mm, "运维服务部 · 维修意见单")
    # the copy label, boxed at the top right, so a torn-off copy still says which it is
    label = f"{copy[0]} {copy[1]}"
    canvas.setFont(font, 13)
    box_w = canvas.stringWidth(label, font, 13) + 8 * mm
    canvas.setStrokeColor(black)
    canvas.setFillColor(black)
    canvas.rect(right - box_w, y - 3 * mm, box_w, 10 * mm, stroke=1, fill=0)
    canvas.drawString(right - box_w + 4 * mm, y, label)
    canvas.setFont(font, 8)
    canvas.setFillColor(GREY)
    canvas.drawRightString(right, y - 7 * mm, copy[2])
    y -= 14 * mm

    label_w = 30 * mm
    text_w = right - left - label_w - 4 * mm
    size, lead = 10, 13
    canvas.setStrokeColor(LINE)
    canvas.line(left, y, right, y)
    for key, zh in ROWS:
        text = content.values.get(key, "") or "—"
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            lines += wrap(paragraph, font, size, text_w, 6) or [""]
        lines = lines[:8]
        row_h = max(1, len(lines)) * lead + 6
        canvas.setFillColor(GREY)
        canvas.setFont(font, size)
        canvas.drawString(left + 1 * mm, y - lead, zh)
        canvas.setFillColor(black)
        for i, line in enumerate(lines):
            canvas.drawString(left + label_w, y - lead - i * lead, line)
        y -= row_h
        canvas.line(left, y, right, y)

    # signature block
    y -= 4 * mm
    canvas.setFont(font, size)
    canvas.setFillColor(GREY)
    canvas.drawString(left + 1 * mm, y - lead, "客户签名")
    box_w, box_h = 70 * mm, 28 * mm
    iw, ih = image.getSize()
    scale = min(box_w / iw, box_h / ih)
    canvas.drawImage(image, left + label_w, y - box_h, width=iw * scale, height=ih * scale, mask="auto")
    canvas.setStrokeColor(LINE)
    canvas.rect(left + label_w, y - box_h, box_w, box_h, stroke=1, fill=0)
    info_x = left + label_w + box_w + 6 * mm
    canvas.setFillColor(black)
    canvas.drawString(info_x, y - lead, f"签字人：{content.signer_name}")
    canvas.drawString(info_x, y - 2 * lead, f"签字时间：{content.signed_at}")
    y -= box_h + 8 * mm

    canvas.setFont(font, 8)
    canvas.setFillColor(GREY)
    canvas.drawString(left, y, f"内容指纹 SHA-256：{content.fingerprint}")
    canvas.drawString(left, y - 11, f"签名图像 SHA-256：{content.signature_sha256}")
    canvas.drawString(left, y - 22, f"设备签署内容 SHA-256：{content.signed_content_sha256}")
    canvas.drawString(left, 12 * mm, f"本单一式三联：客户联、部门主管联、公司存档联 · 第 {page_no} / {len(COPIES)} 页")


# --- producing ------------------------------------------------------------------------------


def repair_form_of(ticket_id: str, round_number: int | None = None) -> Document | None:
    """The filed repair form of a ticket (of one round, or the latest)."""
    stmt = select(Document).where(Document.kind == KIND, Document.ticket_id == ticket_id, Document.deleted_at.is_(None))
    if round_number is not None:
        stmt = stmt.where(Document.round == round_number)
    return db.session.scalars(stmt.order_by(Document.round.desc())).first()


def _signature_for(ticket_id: str, signed: dict) -> Signature | None:
    """The customer's signature submission on the ticket that the `customer_signed` step names."""
    rows = db.session.scalars(
        select(Signature).where(
            Signature.document_kind == DOCUMENT_KIND, Signature.document_id == ticket_id, Signature.deleted_at.is_(None)
        ).order_by(Signature.created_at.desc(), Signature.id)
    ).all()
    named = signed.get("signature")
    if named:
        rows = [s for s in rows if s.image_sha256 == named]
    else:
        rows = [s for s in rows if s.signer_role == SIGNER_ROLE]
    return rows[0] if rows else None


def produce_repair_form(ticket_id: str) -> Document | None:
    """File the signed repair form of the ticket's current round once every piece is in (idempotent).

    Returns the document (new or already filed), or None while a piece is missing: the
    `resolved` form, the `customer_signed` step, the signature record or its image.
    """
    ticket = db.session.get(RepairTicket, ticket_id)
    if ticket is None:
        return None
    state = ticket_state(ticket)
    cur = state.current
    if cur.resolution is None or cur.signature is None:
        return None
    existing = repair_form_of(ticket.id, cur.number)
    if existing is not None:
        return existing
    signature = _signature_for(ticket.id, cur.signature)
    png = filing.signature_image(signature)
    if png is None:
        return None
    content = repair_form_content(ticket, state, signature)
    pdf = render_repair_form(content, png, current_app.config["PDF_FONT_PATH"])
    document = filing.file_pdf(
        pdf, kind=KIND, title=f"服务维修单 {ticket.number}" + (f" (R{cur.number})" if cur.number > 1 else ""),
        customer_id=ticket.customer_id, device_id=ticket.device_id, ticket_id=ticket.id, round_number=cur.number,
        content_sha256=content.fingerprint, signature_id=signature.id,
    )
    # None: a concurrent producer filed it first (one per ticket and round); keep theirs
    return document if document is not None else repair_form_of(ticket.id, cur.number)


def forms_waiting() -> list[str]:
    """Signed tickets whose current round's repair form is not filed yet."""
    return list(db.session.scalars(
        select(RepairTicket.id).where(
            RepairTicket.status.in_(("signed", "followed_up", "unsatisfied", "closed")),
            RepairTicket.deleted_at.is_(None),
            ~select(Document.id).where(
                Document.ticket_id == RepairTicket.id, Document.kind == KIND, Document.round == RepairTicket.rework_round
            ).exists(),
        ).order_by(RepairTicket.id)
    ))


def signed_form(ticket_id: str) -> SignedDocument | None:
    """What the customer's signature on the current round's form covers: the `resolved` form with
    the `customer_signed` step (None until both are in), and the signature image the step names."""
    ticket = db.session.get(RepairTicket, ticket_id)
    cur = ticket_state(ticket).current if ticket is not None else None
    if cur is None or cur.resolution is None or cur.signature is None:
        return None
    return SignedDocument({**cur.resolution, **cur.signature}, cur.signature.get("signature"))


def register_paper() -> None:
    """The repair form is the paper of a 'repair_ticket', signed over `signed_form` (called once by the app factory)."""
    filing.register_producer(DOCUMENT_KIND, produce_repair_form, waiting=forms_waiting)
    register_content(DOCUMENT_KIND, signed_form)
