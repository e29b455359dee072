"""The attendance sheet of a training session (培训签到表): its content, drawing and producer.

One paper carries every attendee's signature. The producer (`produce_attendance_sheet`, run by
the filing pipeline before the commit of any transaction where a signature arrived or the
session was closed) files it once every listed attendee has signed, or once the session is
closed — then the absent are printed as 未签到. The PDF is kept in document storage and named
on the session (`sheet_sha256`); it belongs to no customer's archive, so it is not a `Document`.
Labels are Chinese whatever the reader's language: it is the department's own paper.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from reportlab.lib.units import mm
from sqlalchemy import select

from ..clock import local_text
from ..documents import filing
from ..documents.pdf import SignedContent, zh_label
from ..extensions import db
from .models import TrainingAttendee, TrainingSession
from .paper import Paper
from .sessions import DOCUMENT_KIND
from .vocabulary import KIND_LABELS, SessionState


def duration_text(minutes: int) -> str:
    """A length as '1 小时 30 分钟'."""
    hours, rest = divmod(max(int(minutes or 0), 0), 60)
    if hours and rest:
        return f"{hours} 小时 {rest} 分钟"
    return f"{hours} 小时" if hours else f"{rest} 分钟"


@dataclass
class AttendanceContent(SignedContent):
    """What the sheet prints; the fingerprint covers every row and each signature image's hash."""

    values: dict[str, str]
    people: list[dict[str, str]]

    def body(self) -> dict:
        """The printed content."""
        return {**self.values, "people": self.people}


def attendance_content(session: TrainingSession) -> AttendanceContent:
    """The sheet's content for a session as it stands."""
    values = {
        "kind": zh_label(KIND_LABELS, session.kind), "title": session.title, "held_on": session.held_on.isoformat(),
        "duration": duration_text(session.duration_minutes), "trainer": session.trainer, "vendor": session.vendor,
        "location": session.location, "topics": session.topics,
    }
    people = [
        {"name": a.signer_name or a.user.display_name, "signed_at": local_text(a.signed_at),
         "image_sha256": a.image_sha256 or ""}
        for a in session.attendees
    ]
    return AttendanceContent(values, people)


ROWS = (("kind", "培训类别"), ("title", "培训主题"), ("held_on", "培训日期"), ("duration", "培训时长"),
        ("trainer", "培训讲师"), ("vendor", "供应商"), ("location", "培训地点"), ("topics", "培训内容"))


def render_attendance_sheet(content: AttendanceContent, images: dict[str, bytes], font_path: str) -> bytes:
    """The PDF: the session's particulars, then one row per attendee with the signature image."""
    paper = Paper("培训签到表", "运维服务部 · 运维人员培训", font_path, footer=f"内容指纹 SHA-256：{content.fingerprint}")
    paper.rows([(zh, content.values.get(key, "")) for key, zh in ROWS if key != "vendor" or content.values.get(key)])
    paper.heading("签到")
    cells = []
    for number, person in enumerate(content.people, start=1):
        image = images.get(person["image_sha256"])
        cells.append([str(number), person["name"], image if image else "未签到", person["signed_at"] or "—"])
    width = paper.right - paper.left
    paper.table([("序号", 14 * mm), ("姓名", 40 * mm), ("签名", width - 104 * mm), ("签到时间", 50 * mm)],
                cells, row_h=16 * mm)
    signed = sum(1 for p in content.people if p["image_sha256"])
    paper.text(f"应到 {len(content.people)} 人，实到 {signed} 人。", grey=True)
    return paper.finish()


def produce_attendance_sheet(session_id: str) -> TrainingSession | None:
    """File the attendance sheet once everyone listed has signed or the session is closed (idempotent).

    Returns the session (whose `sheet_sha256` names the PDF), or None while the sheet is not due
    or a signature image is missing.
    """
    session = db.session.get(TrainingSession, session_id)
    if session is None or session.deleted_at is not None:
        return None
    if session.sheet_sha256:
        return session
    signed = [a for a in session.attendees if a.signed_at is not None]
    if not signed or (len(signed) < len(session.attendees) and session.state != SessionState.CLOSED):
        return None
    images = {a.image_sha256: filing.image_bytes(a.image_sha256) for a in signed}
    if any(data is None for data in images.values()):
        return None
    pdf = render_attendance_sheet(attendance_content(session), images, current_app.config["PDF_FONT_PATH"])
    digest = hashlib.sha256(pdf).hexdigest()
    filing.document_storage().put(digest, pdf)
    session.sheet_sha256, session.sheet_size = digest, len(pdf)
    return session


def sheets_waiting() -> list[str]:
    """Sessions with a signature but no sheet yet (the producer says which are due)."""
    return list(db.session.scalars(
        select(TrainingSession.id).where(
            TrainingSession.sheet_sha256.is_(None), TrainingSession.deleted_at.is_(None),
            select(TrainingAttendee.id).where(TrainingAttendee.session_id == TrainingSession.id,
                                              TrainingAttendee.signed_at.is_not(None)).exists(),
        ).order_by(TrainingSession.id)
    ))


def sheet_bytes(session: TrainingSession) -> bytes | None:
    """The stored attendance sheet of a session, once produced."""
    return filing.document_storage().get(session.sheet_sha256) if session.sheet_sha256 else None


def register_paper() -> None:
    """The attendance sheet is the paper of a 'training_session' (called once by the app factory)."""
    filing.register_producer(DOCUMENT_KIND, produce_attendance_sheet, waiting=sheets_waiting)
