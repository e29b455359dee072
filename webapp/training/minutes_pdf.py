"""The minutes of the month-end seminar (研讨会纪要): content, drawing and producer.

Issuing the minutes (`seminars.issue_minutes`) is the piece that makes this paper due; the
filing pipeline runs `produce_minutes` before that transaction commits, keeps the PDF in
document storage and names it on the seminar (`minutes_sha256`). It belongs to no customer, so
it is not a `Document`. Labels are Chinese: the paper goes to company leadership and R&D.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..clock import local_text
from ..documents import filing
from ..documents.pdf import SignedContent, zh_label
from ..extensions import db
from .models import Seminar
from .paper import Paper
from .seminars import DOCUMENT_KIND
from .vocabulary import ITEM_STATUS_LABELS, SOURCE_LABELS, UNSOLVED, SeminarState

NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (enough for an agenda)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


@dataclass
class MinutesContent(SignedContent):
    """What the minutes print; the fingerprint covers all of it."""

    values: dict[str, str]
    items: list[dict[str, str]]

    def body(self) -> dict:
        """The printed content."""
        return {**self.values, "items": self.items}


def minutes_content(seminar: Seminar) -> MinutesContent:
    """The minutes of a seminar as it stands."""
    values = {
        "month": f"{seminar.year}年{seminar.month}月",
        "held_on": seminar.held_on.isoformat() if seminar.held_on else "",
        "chair": seminar.issued_by.display_name if seminar.issued_by else "",
        "attendees": "、".join(u.display_name for u in seminar.attendees),
        "issued_at": local_text(seminar.issued_at),
    }
    items = [
        {"title": i.title, "source": zh_label(SOURCE_LABELS, i.source), "facts": i.facts, "discussion": i.discussion,
         "solution": i.solution, "owner": i.owner.display_name if i.owner else "",
         "status": zh_label(ITEM_STATUS_LABELS, i.status), "open": "1" if i.status in UNSOLVED else ""}
        for i in seminar.items if i.deleted_at is None
    ]
    return MinutesContent(values, items)


def render_minutes(content: MinutesContent, font_path: str) -> bytes:
    """The PDF: the meeting's particulars, each problem with its outcome, then what carries over."""
    v = content.values
    paper = Paper("月底研讨会纪要", f"运维服务部 · {v['month']}", font_path, footer=f"内容指纹 SHA-256：{content.fingerprint}")
    paper.rows([("会议日期", v["held_on"]), ("主持人", v["chair"]), ("参会人员", v["attendees"]),
                ("议题数", str(len(content.items))), ("发布时间", v["issued_at"])])
    paper.heading("讨论议题")
    for number, item in enumerate(content.items, start=1):
        paper.heading(f"{chinese_number(number)}、{item['title']}")
        paper.rows([("来源", item["source"]), ("情况", item["facts"]), ("讨论", item["discussion"]),
                    ("解决方案", item["solution"]), ("负责人", item["owner"]), ("状态", item["status"])])
    carried = [i for i in content.items if i["open"]]
    paper.heading("未解决问题（转入下月研讨会）")
    if carried:
        for item in carried:
            paper.text(f"· {item['title']}（{item['status']}，负责人：{item['owner'] or '未定'}）")
    else:
        paper.text("无。")
    paper.text("本纪要报送公司领导及产品研发部门。", grey=True)
    return paper.finish()


def produce_minutes(seminar_id: str) -> Seminar | None:
    """File the minutes of an issued seminar once (idempotent); None while it is not issued."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None or seminar.state != SeminarState.ISSUED:
        return None
    if seminar.minutes_sha256:
        return seminar
    pdf = render_minutes(minutes_content(seminar), current_app.config["PDF_FONT_PATH"])
    digest = hashlib.sha256(pdf).hexdigest()
    filing.document_storage().put(digest, pdf)
    seminar.minutes_sha256, seminar.minutes_size = digest, len(pdf)
    return seminar


def minutes_waiting() -> list[str]:
    """Issued seminars whose minutes are not filed yet."""
    return list(db.session.scalars(
        select(Seminar.id).where(Seminar.state == SeminarState.ISSUED, Seminar.minutes_sha256.is_(None),
                                 Seminar.deleted_at.is_(None)).order_by(Seminar.id)
    ))


def register_paper() -> None:
    """The minutes are the paper of a 'seminar' (called once by the app factory)."""
    filing.register_producer(DOCUMENT_KIND, produce_minutes, waiting=minutes_waiting)
