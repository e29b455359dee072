"""The signed patrol / maintenance / inspection sheet (巡查表 / 保养单 / 检查记录): its content and its drawing.

What goes in: the filled checklist (`Inspection`, sync kind 'inspection') with the template
version it was filled with, the place (school, site, cabinet, device), every item's label in
Chinese with the English label small under it, the answer, findings with their notes, photo
thumbnails, the repair ticket opened from a finding, the score of a quality check, the
customer's opinion, and the customer's signature (`Signature` with document_kind 'inspection')
with the signer and the time. A SHA-256 fingerprint of the printed content closes the sheet.
What comes out: one PDF, filed through the filing pipeline (`documents/filing.py`) as a
`Document` of the customer (and of the device, for a sheet filled for one device) and linked
from the sheet (`Inspection.document_id`).

`produce_patrol_sheet` is the sheet's producer: the pipeline runs it before the commit of any
transaction in which a piece arrived (the sheet in `services.file_sheet_from_device`, the
signature or its image in `documents/signing.py`). `sheet_drawing.py` draws it. It only reads and files: signing the sheet
(`services.apply_signature`) and closing its visit (`services.submit_inspection`) are the
verbs' work. The sheet's labels are Chinese whatever the reader's language: it is the paper
the school keeps.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..archive.models import Device
from ..clock import local_text
from ..documents import filing
from ..documents.models import Document, Photo, Signature
from ..documents.pdf import SignedContent, number_text, thumbnail, zh_label
from ..documents.signing import signatures_of
from ..extensions import db
from ..repairs.models import RepairTicket
from .labels import ACTIVITY_LABELS, ANSWER_LABELS
from .models import Inspection
from .scoring import score_sheet
from .sheet_drawing import render_patrol_sheet

KIND = "inspection_sheet"
DOCUMENT_KIND = Inspection.SYNC_KIND  # what the sheet's signature is attached to



# --- content ---------------------------------------------------------------------------------


def _range(item: dict) -> str:
    """The normal range of a number item, as printed."""
    low, high, unit = item.get("min"), item.get("max"), item.get("unit") or ""
    if low is not None and high is not None:
        return f"正常范围 {number_text(low)}–{number_text(high)} {unit}".strip()
    if low is not None:
        return f"正常范围 ≥ {number_text(low)} {unit}".strip()
    if high is not None:
        return f"正常范围 ≤ {number_text(high)} {unit}".strip()
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
        return zh_label(ANSWER_LABELS, value)  # the words the phone shows (正常 / 异常 / 故障)
    if kind == "number":
        return f"{number_text(value)} {item.get('unit') or ''}".strip()
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


def upgraded_device_names(answers: dict) -> dict[str, str]:
    """The names of the devices a sheet's software upgrade names, by id (one query)."""
    ids = sorted(upgraded_devices(answers))
    if not ids:
        return {}
    return dict(db.session.execute(select(Device.id, Device.name).where(Device.id.in_(ids))).all())


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
class SheetContent(SignedContent):
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

    def body(self) -> dict:
        """What the fingerprint covers: everything printed but the images themselves."""
        return {
            "title": [self.title_zh, self.title_en], "header": self.header,
            "rows": [r.as_dict() for r in self.rows], "score": self.score_lines, "opinion": self.opinion,
            "signer_name": self.signer_name, "signed_at": self.signed_at, "signature_sha256": self.signature_sha256,
            "photos": self.extra_photo_ids,
        }


def _ticket_numbers(ids: list[str]) -> dict[str, str]:
    """Repair ticket numbers by id."""
    if not ids:
        return {}
    rows = db.session.execute(select(RepairTicket.id, RepairTicket.number).where(RepairTicket.id.in_(ids))).all()
    return {row.id: row.number for row in rows}


def sheet_content(sheet, signature: Signature) -> SheetContent:
    """What the sheet of a filled checklist says."""
    template = sheet.template
    customer = sheet.customer
    answers = sheet.answers or {}
    names = upgraded_device_names(answers)
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
        ("类别", zh_label(ACTIVITY_LABELS, sheet.activity)),
        ("周期", sheet.visit.period_key if sheet.visit is not None else ""),
        ("运维人员", sheet.performed_by.display_name if sheet.performed_by else ""),
        ("开始 / 完成", f"{local_text(sheet.started_at)} / {local_text(sheet.finished_at)}"),
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
            score = "不计" if item_score.earned is None else f"{number_text(item_score.earned)} / {number_text(item_score.possible)}"
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
            score_lines.append((title, f"{number_text(section.earned)} / {number_text(section.possible)}"))
        score_lines.append(("总分", f"{number_text(scored.earned)} / {number_text(scored.possible)}（{number_text(scored.percent)}%）"))
    in_answers = {p for r in rows for p in r.photo_ids}
    extra = [p.image_sha256 for p in db.session.scalars(
        select(Photo).where(Photo.document_kind == DOCUMENT_KIND, Photo.document_id == sheet.id,
                            Photo.deleted_at.is_(None)).order_by(Photo.created_at, Photo.id)
    ) if p.image_sha256 not in in_answers]
    return SheetContent(
        title_zh=template.name_zh, title_en=template.name_en, header=header, rows=rows,
        opinion=(sheet.customer_opinion or "").strip(), signer_name=signature.signer_name,
        signed_at=local_text(signature.signed_at), signature_sha256=signature.image_sha256,
        signed_content_sha256=signature.content_sha256, score_lines=score_lines,
        extra_photo_ids=list(dict.fromkeys(extra)),
    )


# --- producing ------------------------------------------------------------------------------


def sheet_document(sheet: Inspection) -> Document | None:
    """The filed PDF of a sheet, if any."""
    return db.session.get(Document, sheet.document_id) if sheet.document_id else None


def customer_signature(sheet_id: str) -> Signature | None:
    """The signature that signs the sheet: the first to arrive (a signature never changes)."""
    rows = signatures_of(DOCUMENT_KIND, sheet_id)
    return rows[0] if rows else None


def produce_patrol_sheet(sheet_id: str) -> Document | None:
    """File the signed PDF of a handed-in sheet once its signature and image are in (idempotent).

    Returns the document (new or already filed), or None while a piece is missing. The sheet
    row is locked, so two producers never file it twice.
    """
    db.session.flush()
    sheet = db.session.get(Inspection, sheet_id, with_for_update=True, populate_existing=True)
    if sheet is None or sheet.state == "draft":
        return None
    if sheet.document_id:
        return sheet_document(sheet)
    signature = customer_signature(sheet.id)
    png = filing.signature_image(signature)
    if png is None:
        return None
    content = sheet_content(sheet, signature)
    wanted = {p for r in content.rows for p in r.photo_ids} | set(content.extra_photo_ids)
    photos = {}
    for sha in sorted(wanted):
        data = filing.image_bytes(sha)
        if data is not None:
            photos[sha] = thumbnail(data)
    pdf = render_patrol_sheet(content, png, photos, current_app.config["PDF_FONT_PATH"])
    title = f"{content.title_zh} {sheet.customer.name}"
    if sheet.visit is not None:
        title += f" {sheet.visit.period_key}"
    document = filing.file_pdf(
        pdf, kind=KIND, title=title, customer_id=sheet.customer_id, device_id=sheet.device_id,
        content_sha256=content.fingerprint, signature_id=signature.id,
    )
    if document is None:
        return None
    sheet.document_id = document.id
    return document


def sheets_waiting() -> list[str]:
    """Handed-in sheets with a complete signature whose PDF is not filed yet."""
    return list(db.session.scalars(
        select(Inspection.id).where(
            Inspection.state != "draft", Inspection.document_id.is_(None), Inspection.deleted_at.is_(None),
            select(Signature.id).where(
                Signature.document_kind == DOCUMENT_KIND, Signature.document_id == Inspection.id,
                Signature.complete.is_(True),
            ).exists(),
        ).order_by(Inspection.id)
    ))


def register_paper() -> None:
    """The patrol sheet is the paper of an 'inspection' (called once by the app factory)."""
    filing.register_producer(DOCUMENT_KIND, produce_patrol_sheet, waiting=sheets_waiting)
