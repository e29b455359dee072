"""The signed patrol / maintenance / inspection sheet (巡查表 / 保养单 / 检查记录) as a PDF.

What goes in: the filled checklist (`Inspection`, sync kind 'inspection') with the template
version it was filled with, the place (school, site, cabinet, device), every item's label in
Chinese with the English label small under it, the answer, findings with their notes, photo
thumbnails, the repair ticket opened from a finding, the score of a quality check, the
customer's opinion, and the customer's signature (`Signature` with document_kind 'inspection')
with the signer and the time. A SHA-256 fingerprint of the printed content closes the sheet.
What comes out: one PDF, filed as a `Document` of the customer (and of the device, for a sheet
filled for one device) and linked from the sheet (`Inspection.document_id`); the sheet's visit
is done.

"Merged when back online": sheet, signature record and signature image reach the server in any
order. A session hook notes, in every flush, the sheets and signatures that changed and, just
before the transaction commits, signs the sheet with an arrived signature (which locks it) and
produces the PDF once every piece is there. Producing is idempotent (the sheet row is locked
and names its document), so whichever piece arrives last produces it, exactly once; a failure is
logged, never loses the arriving piece, and `produce_missing_patrol_sheets()` catches up.
The sheet's labels are Chinese whatever the reader's language: it is the paper the school keeps.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from .labels import register_font
from .models import Blob, Document, Photo, Signature
from .repair_form import document_storage, read_document
from .storage import storage_for

log = logging.getLogger(__name__)

KIND = "inspection_sheet"
DOCUMENT_KIND = "inspection"  # what the sheet's signature is attached to
PENDING_SHEETS = "patrol_sheets_pending"
PENDING_SIGNATURES = "patrol_signatures_pending"
THUMB_PX = 360
ANSWER_ZH = {"pass": "合格", "flag": "需关注", "fail": "不合格", "yes": "是", "no": "否"}
ACTIVITY_ZH = {
    "monthly_patrol": "月巡查", "semi_annual_maintenance": "半年保养", "quarterly_inspection": "季度检查",
    "spot_check": "不定期抽查", "year_end_inspection": "年末大检查", "other": "其他",
}
INK = colors.black
GREY = colors.Color(0.35, 0.35, 0.35)
LINE = colors.Color(0.7, 0.7, 0.7)
FLAG_BG = colors.Color(1.0, 0.93, 0.85)
FLAG_INK = colors.Color(0.7, 0.25, 0.0)

__all__ = ["produce_patrol_sheet", "produce_missing_patrol_sheets", "sheet_document", "read_document"]


# --- content ---------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    """The site's time zone (the sheet shows local times)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Asia/Shanghai")


def _local(value: datetime | None) -> str:
    """A UTC instant as local 'YYYY-MM-DD HH:MM'."""
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M") if value else ""


def _num(value: Any) -> str:
    """A reading without a needless '.0'."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _range(item: dict) -> str:
    """The normal range of a number item, as printed."""
    low, high, unit = item.get("min"), item.get("max"), item.get("unit") or ""
    if low is not None and high is not None:
        return f"正常范围 {_num(low)}–{_num(high)} {unit}".strip()
    if low is not None:
        return f"正常范围 ≥ {_num(low)} {unit}".strip()
    if high is not None:
        return f"正常范围 ≤ {_num(high)} {unit}".strip()
    return ""


def answer_text(item: dict, answer: dict | None, device_names: dict[str, str]) -> str:
    """An answer in Chinese words, as the sheet prints it."""
    answer = answer or {}
    if answer.get("na"):
        return "不适用"
    value = answer.get("value")
    kind = item.get("type")
    photos = answer.get("photo_ids") or []
    if kind == "photo":
        return f"照片 {len(photos)} 张" if photos else "—"
    if value is None:
        return "—"
    if kind in ("pass_flag_fail", "yes_no"):
        return ANSWER_ZH.get(value, str(value))
    if kind == "number":
        return f"{_num(value)} {item.get('unit') or ''}".strip()
    if kind == "single_choice":
        option = next((o for o in item.get("options", []) if o.get("key") == value), None)
        return option["label_zh"] if option else str(value)
    if kind == "software_upgrade":
        if not value:
            return "无需升级"
        return "；".join(
            f"{device_names.get(e.get('device_id'), e.get('device_id'))}：{e.get('from_version') or '?'} → {e.get('to_version')}"
            for e in value
        )
    return str(value)


def upgraded_devices(answers: dict) -> set[str]:
    """Ids of the devices a software-upgrade answer names."""
    ids: set[str] = set()
    for answer in answers.values():
        value = (answer or {}).get("value")
        if isinstance(value, list):
            ids |= {e["device_id"] for e in value if isinstance(e, dict) and e.get("device_id")}
    return ids


@dataclass
class SheetRow:
    """One item as printed."""

    number: int
    key: str
    label_zh: str
    label_en: str
    answer: str
    note: str = ""
    flagged: bool = False
    detail: str = ""  # the normal range of a reading
    ticket: str = ""
    photo_ids: list[str] = field(default_factory=list)
    score: str = ""

    def as_dict(self) -> dict:
        """What the fingerprint covers of this row."""
        return {"n": self.number, "key": self.key, "label_zh": self.label_zh, "label_en": self.label_en,
                "answer": self.answer, "note": self.note, "flagged": self.flagged, "ticket": self.ticket,
                "photos": self.photo_ids, "score": self.score}


@dataclass
class SheetContent:
    """Everything printed on the sheet, and its fingerprint."""

    title_zh: str
    title_en: str
    header: list[tuple[str, str]]
    rows: list[SheetRow]
    opinion: str
    signer_name: str
    signed_at: str
    signature_sha256: str
    signed_content_sha256: str
    score_lines: list[tuple[str, str]] = field(default_factory=list)
    extra_photo_ids: list[str] = field(default_factory=list)

    def canonical(self) -> bytes:
        """The content as canonical JSON (sorted keys, UTF-8): what the fingerprint covers."""
        body = {
            "title": [self.title_zh, self.title_en], "header": self.header,
            "rows": [r.as_dict() for r in self.rows], "score": self.score_lines, "opinion": self.opinion,
            "signer_name": self.signer_name, "signed_at": self.signed_at, "signature_sha256": self.signature_sha256,
            "photos": self.extra_photo_ids,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical content."""
        return hashlib.sha256(self.canonical()).hexdigest()


def _ticket_numbers(ids: list[str]) -> dict[str, str]:
    """Repair ticket numbers by id."""
    if not ids:
        return {}
    from ..repairs.models import RepairTicket

    rows = db.session.execute(select(RepairTicket.id, RepairTicket.number).where(RepairTicket.id.in_(ids))).all()
    return {row.id: row.number for row in rows}


def sheet_content(sheet, signature: Signature) -> SheetContent:
    """What the sheet of a filled checklist says."""
    from ..archive.models import Device
    from ..maintenance.scoring import score_sheet

    template = sheet.template
    customer = sheet.customer
    answers = sheet.answers or {}
    names = {d.id: d.name for d in db.session.scalars(
        select(Device).where(Device.id.in_(sorted(upgraded_devices(answers))))
    )}
    tickets = _ticket_numbers([a["ticket_id"] for a in answers.values() if a.get("ticket_id")])
    scored = score_sheet(template.items, answers)
    item_scores = scored.by_key() if scored else {}

    place = []
    if sheet.site is not None:
        place.append(sheet.site.name)
    if sheet.cabinet is not None:
        place.append(sheet.cabinet.name + (f"（{sheet.cabinet.location}）" if sheet.cabinet.location else ""))
    if sheet.device is not None:
        device = sheet.device
        place.append(" ".join(p for p in (device.name, device.brand, device.model) if p)
                     + (f"（序列号 {device.serial}）" if device.serial else ""))
    header = [
        ("学校 / 单位", customer.name),
        ("工程地址", customer.address or ""),
        ("地点", " · ".join(place) or "全校"),
        ("检查表", f"{template.name_zh}（{template.name_en}）第 {sheet.template_version} 版"),
        ("类别", ACTIVITY_ZH.get(sheet.activity, sheet.activity)),
        ("周期", sheet.visit.period_key if sheet.visit is not None else ""),
        ("运维人员", sheet.performed_by.display_name if sheet.performed_by else ""),
        ("开始 / 完成", f"{_local(sheet.started_at)} / {_local(sheet.finished_at)}"),
        ("单号", sheet.id),
    ]
    if sheet.supersedes_id:
        header.append(("更正", f"本表更正 {sheet.supersedes_id}"))
    header = [(k, v) for k, v in header if v]

    rows = []
    for number, item in enumerate(template.items, start=1):
        answer = answers.get(item["key"]) or {}
        item_score = item_scores.get(item["key"])
        score = ""
        if item_score is not None:
            score = "不计" if item_score.earned is None else f"{_num(item_score.earned)} / {_num(item_score.possible)}"
        rows.append(SheetRow(
            number=number, key=item["key"], label_zh=item["label_zh"], label_en=item["label_en"],
            answer=answer_text(item, answer, names), note=(answer.get("note") or "").strip(),
            flagged=bool(answer.get("flagged")), detail=_range(item) if item.get("type") == "number" else "",
            ticket=tickets.get(answer.get("ticket_id") or "", "已报修" if answer.get("ticket_id") else ""),
            photo_ids=list(answer.get("photo_ids") or []), score=score,
        ))
    score_lines = []
    if scored is not None and scored.percent is not None:
        for section in scored.sections:
            title = section.title_zh or "评分项"
            score_lines.append((title, f"{_num(section.earned)} / {_num(section.possible)}"))
        score_lines.append(("总分", f"{_num(scored.earned)} / {_num(scored.possible)}（{_num(scored.percent)}%）"))
    in_answers = {p for r in rows for p in r.photo_ids}
    extra = [p.image_sha256 for p in db.session.scalars(
        select(Photo).where(Photo.document_kind == DOCUMENT_KIND, Photo.document_id == sheet.id,
                            Photo.deleted_at.is_(None)).order_by(Photo.created_at, Photo.id)
    ) if p.image_sha256 not in in_answers]
    return SheetContent(
        title_zh=template.name_zh, title_en=template.name_en, header=header, rows=rows,
        opinion=(sheet.customer_opinion or "").strip(), signer_name=signature.signer_name,
        signed_at=_local(signature.signed_at), signature_sha256=signature.image_sha256,
        signed_content_sha256=signature.content_sha256, score_lines=score_lines,
        extra_photo_ids=list(dict.fromkeys(extra)),
    )


# --- drawing ---------------------------------------------------------------------------------


def _blob_bytes(sha256: str) -> bytes | None:
    """The stored bytes of an uploaded image, or None when it has not arrived."""
    blob = db.session.get(Blob, sha256)
    return storage_for().get(blob.stored_sha256) if blob is not None else None


def thumbnail(data: bytes, px: int = THUMB_PX) -> bytes:
    """A small JPEG of a photo (long side `px`), so the sheet stays light."""
    with PILImage.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.thumbnail((px, px))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        return out.getvalue()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    """Paragraph styles in the Chinese font (CJK line breaking)."""
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12.5, wordWrap="CJK", textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=23),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, textColor=GREY),
        "en": ParagraphStyle("en", parent=base, fontSize=7, leading=9, textColor=GREY),
        "label": ParagraphStyle("label", parent=base, textColor=GREY),
        "flag": ParagraphStyle("flag", parent=base, textColor=FLAG_INK),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, textColor=GREY),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=15, spaceBefore=4, spaceAfter=3),
    }


def _esc(text: str) -> str:
    """Text safe inside a reportlab Paragraph."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _image_flowable(data: bytes, max_w: float, max_h: float) -> Image:
    """An image scaled to fit a box, keeping its shape."""
    with PILImage.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    scale = min(max_w / width, max_h / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def render_patrol_sheet(content: SheetContent, signature_png: bytes, photos: dict[str, bytes], font_path: str) -> bytes:
    """The PDF: header, the items table, score, opinion, signature, fingerprint (A4, as many pages as needed)."""
    font = register_font(font_path)
    st = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=18 * mm,
        title=f"{content.title_zh} {content.header[0][1] if content.header else ''}", author="运维服务部",
        invariant=True,
    )
    width = A4[0] - 30 * mm
    story: list = [
        Paragraph(_esc(content.title_zh), st["title"]),
        Paragraph(_esc(content.title_en) + " · 运维服务部", st["sub"]),
        Spacer(1, 4 * mm),
    ]
    head = Table(
        [[Paragraph(_esc(k), st["label"]), Paragraph(_esc(v), st["base"])] for k, v in content.header],
        colWidths=[28 * mm, width - 28 * mm],
    )
    head.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [head, Spacer(1, 5 * mm)]

    has_score = any(r.score for r in content.rows)
    col_no, col_answer, col_score = 8 * mm, 34 * mm, (18 * mm if has_score else 0)
    col_item = (width - col_no - col_answer - col_score) * 0.48
    col_note = width - col_no - col_answer - col_score - col_item
    header_row = [Paragraph("#", st["label"]), Paragraph("检查项目 <font size=7>Item</font>", st["label"]),
                  Paragraph("结果 <font size=7>Result</font>", st["label"]),
                  Paragraph("说明 / 照片 <font size=7>Notes, photos</font>", st["label"])]
    if has_score:
        header_row.append(Paragraph("得分", st["label"]))
    data = [header_row]
    styles = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, row in enumerate(content.rows, start=1):
        item_cell = [Paragraph(_esc(row.label_zh), st["base"]), Paragraph(_esc(row.label_en), st["en"])]
        if row.detail:
            item_cell.append(Paragraph(_esc(row.detail), st["en"]))
        result = [Paragraph(_esc(row.answer), st["flag"] if row.flagged else st["base"])]
        if row.flagged:
            result.append(Paragraph("【问题】 <font size=7>Finding</font>", st["flag"]))
        notes: list = []
        if row.note:
            notes.append(Paragraph(_esc(row.note), st["base"]))
        if row.ticket:
            notes.append(Paragraph(_esc(f"已转维修单 {row.ticket}"), st["small"]))
        thumbs = [_image_flowable(photos[p], 24 * mm, 18 * mm) for p in row.photo_ids if p in photos]
        if thumbs:
            notes.append(Table([thumbs], hAlign="LEFT", style=[("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                                 ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        missing = [p for p in row.photo_ids if p not in photos]
        if missing:
            notes.append(Paragraph(f"照片 {len(missing)} 张尚未上传", st["small"]))
        line = [Paragraph(str(row.number), st["label"]), item_cell, result, notes or ""]
        if has_score:
            line.append(Paragraph(_esc(row.score), st["base"]))
        data.append(line)
        if row.flagged:
            styles.append(("BACKGROUND", (2, index), (2, index), FLAG_BG))
    widths = [col_no, col_item, col_answer, col_note] + ([col_score] if has_score else [])
    items = Table(data, colWidths=widths, repeatRows=1)
    items.setStyle(TableStyle(styles))
    story += [items, Spacer(1, 4 * mm)]

    if content.score_lines:
        story.append(Paragraph("评分 <font size=8>Score</font>", st["h2"]))
        score = Table([[Paragraph(_esc(k), st["label"]), Paragraph(_esc(v), st["base"])] for k, v in content.score_lines],
                      colWidths=[50 * mm, width - 50 * mm])
        score.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE)]))
        story += [score, Spacer(1, 3 * mm)]

    extra = [_image_flowable(photos[p], 40 * mm, 30 * mm) for p in content.extra_photo_ids if p in photos]
    if extra:
        story.append(Paragraph("现场照片 <font size=8>Photos</font>", st["h2"]))
        rows = [extra[i:i + 4] for i in range(0, len(extra), 4)]
        story += [Table(rows, hAlign="LEFT"), Spacer(1, 3 * mm)]

    sign_box_w, sign_box_h = 70 * mm, 28 * mm
    signature = _image_flowable(signature_png, sign_box_w, sign_box_h)
    sign_table = Table(
        [[Paragraph("客户意见<br/><font size=7>Customer's opinion</font>", st["label"]),
          Paragraph(_esc(content.opinion) or "—", st["base"])],
         [Paragraph("客户签名<br/><font size=7>Signature</font>", st["label"]), signature],
         [Paragraph("签字人", st["label"]), Paragraph(_esc(content.signer_name), st["base"])],
         [Paragraph("签字时间", st["label"]), Paragraph(_esc(content.signed_at), st["base"])]],
        colWidths=[28 * mm, width - 28 * mm],
    )
    sign_table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(KeepTogether([Paragraph("客户确认 <font size=8>Customer's confirmation</font>", st["h2"]), sign_table]))
    story += [
        Spacer(1, 5 * mm),
        Paragraph(f"内容指纹 SHA-256：{content.fingerprint}", st["small"]),
        Paragraph(f"签名图像 SHA-256：{content.signature_sha256}", st["small"]),
        Paragraph(f"设备签署内容 SHA-256：{content.signed_content_sha256}", st["small"]),
    ]

    def footer(canvas, document) -> None:
        """Page number and the sheet's name on every page."""
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(15 * mm, 10 * mm, f"{content.title_zh} · {content.header[0][1] if content.header else ''}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# --- filing ----------------------------------------------------------------------------------


def sheet_document(sheet) -> Document | None:
    """The filed PDF of a sheet, if any."""
    return db.session.get(Document, sheet.document_id) if sheet.document_id else None


def customer_signature(sheet_id: str) -> Signature | None:
    """The signature that signs the sheet: the first to arrive (a signature never changes)."""
    rows = db.session.scalars(
        select(Signature).where(
            Signature.document_kind == DOCUMENT_KIND, Signature.document_id == sheet_id, Signature.deleted_at.is_(None)
        ).order_by(Signature.created_at, Signature.id)
    ).all()
    return rows[0] if rows else None


def produce_patrol_sheet(sheet) -> Document | None:
    """File the signed PDF of a handed-in sheet once its signature and image are in (idempotent).

    Returns the document (new or already filed), or None while a piece is missing. Files it
    in the customer's archive and marks the sheet's visit done.
    """
    from ..maintenance.models import Inspection

    db.session.flush()
    sheet = db.session.get(Inspection, sheet.id, with_for_update=True, populate_existing=True)
    if sheet is None or sheet.state == "draft":
        return None
    if sheet.document_id:
        return sheet_document(sheet)
    signature = customer_signature(sheet.id)
    if signature is None or not signature.complete:
        return None
    png = _blob_bytes(signature.image_sha256)
    if png is None:
        return None
    from ..maintenance.services import apply_signature

    apply_signature(signature)
    content = sheet_content(sheet, signature)
    wanted = {p for r in content.rows for p in r.photo_ids} | set(content.extra_photo_ids)
    photos = {}
    for sha in sorted(wanted):
        data = _blob_bytes(sha)
        if data is not None:
            photos[sha] = thumbnail(data)
    pdf = render_patrol_sheet(content, png, photos, current_app.config["PDF_FONT_PATH"])
    digest = hashlib.sha256(pdf).hexdigest()
    document_storage().put(digest, pdf)
    title = f"{content.title_zh} {sheet.customer.name}"
    if sheet.visit is not None:
        title += f" {sheet.visit.period_key}"
    document = Document(
        customer_id=sheet.customer_id, device_id=sheet.device_id, kind=KIND, title=title[:200],
        storage_key=digest, sha256=digest, content_sha256=content.fingerprint, size=len(pdf),
        signature_id=signature.id,
    )
    db.session.add(document)
    db.session.flush()
    sheet.document_id = document.id
    _mark_visit_done(sheet)
    return document


def _mark_visit_done(sheet) -> None:
    """The visit the sheet was filled for is done (when its submission did not close it already)."""
    from ..maintenance.schedule import complete_visit
    from ..maintenance.services import local_date, local_today

    visit = sheet.visit
    if visit is None or not visit.is_open:
        return
    today = local_today()
    done_on = min(local_date(sheet.finished_at or sheet.signed_at), today)
    complete_visit(visit, done_on, sheet.performed_by, inspection_id=sheet.id, today=today)


def produce_missing_patrol_sheets() -> int:
    """Catch up: produce every sheet PDF whose pieces are all in but which is not filed yet."""
    from ..maintenance.models import Inspection

    candidates = db.session.scalars(
        select(Inspection).where(
            Inspection.state != "draft", Inspection.document_id.is_(None), Inspection.deleted_at.is_(None),
            select(Signature.id).where(
                Signature.document_kind == DOCUMENT_KIND, Signature.document_id == Inspection.id,
                Signature.complete.is_(True),
            ).exists(),
        )
    ).all()
    made = 0
    for sheet in candidates:
        if produce_patrol_sheet(sheet) is not None:
            made += 1
    return made


# --- the session hook: "merged when back online" ------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_sheet_pieces(session: Session, flush_context) -> None:
    """Remember sheets handed in and inspection signatures that arrived or completed in this flush."""
    from ..maintenance.models import Inspection

    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Signature) and obj.document_kind == DOCUMENT_KIND:
            session.info.setdefault(PENDING_SIGNATURES, set()).add(obj.id)
        elif isinstance(obj, Inspection) and obj.state != "draft" and obj.document_id is None:
            session.info.setdefault(PENDING_SHEETS, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _sign_and_file_noted_sheets(session: Session) -> None:
    """Before the transaction commits: sign sheets whose signature arrived; file the complete ones."""
    if session.in_nested_transaction() or not has_app_context():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this hook: note what that flush would bring now
    signatures = session.info.pop(PENDING_SIGNATURES, set())
    sheets = session.info.pop(PENDING_SHEETS, set())
    if not signatures and not sheets:
        return
    from ..maintenance.models import Inspection
    from ..maintenance.services import apply_signature

    for signature_id in sorted(signatures):
        signature = session.get(Signature, signature_id)
        if signature is None:
            continue
        try:
            with session.begin_nested():
                apply_signature(signature)
        except Exception:  # noqa: BLE001 - the arriving signature must be kept either way
            log.exception("could not sign sheet %s with signature %s", signature.document_id, signature_id)
        sheets.add(signature.document_id)
    for sheet_id in sorted(sheets):
        try:
            with session.begin_nested():
                sheet = session.get(Inspection, sheet_id)
                if sheet is not None:
                    produce_patrol_sheet(sheet)
        except Exception:  # noqa: BLE001 - the sweep retries; the arriving piece is kept
            log.exception("could not produce the sheet PDF of %s", sheet_id)
    session.info.pop(PENDING_SIGNATURES, None)
    session.info.pop(PENDING_SHEETS, None)


@event.listens_for(Session, "after_rollback")
def _forget_noted_sheets(session: Session) -> None:
    """Nothing is produced for a transaction that rolled back."""
    if not session.in_nested_transaction():
        session.info.pop(PENDING_SIGNATURES, None)
        session.info.pop(PENDING_SHEETS, None)
