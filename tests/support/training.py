"""Helpers for the training tests: the department's people, a signature as the pad sends it, a
session built through the verbs, and one month of known repairs and patrols for the seminar."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pypdf import PdfReader

from tests.support.factories import make_checklist, make_customer, make_device, make_sheet, make_user
from tests.support.field_device import png_bytes
from tests.support.repair_builders import beijing, make_ticket
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.records import new_id
from webapp.repairs.events import RepairEvent, record_event, refresh_ticket
from webapp.training.sessions import create_session


@dataclass
class Team:
    """The department head, two technicians, the office, company leadership and R&D."""

    head: User
    tech: User
    tech2: User
    office: User
    leader: User
    rd: User


def make_team() -> Team:
    """The people the training tests need (pages and notifications in English)."""
    team = Team(make_user(Role.SUPERVISOR), make_user(Role.TECHNICIAN), make_user(Role.TECHNICIAN),
                make_user(Role.OFFICE), make_user(Role.LEADERSHIP), make_user(Role.RND))
    for user in (team.head, team.tech, team.tech2, team.office, team.leader, team.rd):
        user.locale = "en"
    db.session.commit()
    return team


def signature(seed: int = 1) -> bytes:
    """A signature image the size the tablet's pad makes."""
    return png_bytes(480, 192, seed=seed)


def data_url(png: bytes) -> str:
    """The PNG as the signature page's script puts it in the form."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def make_session(team: Team, attendees=None, **fields):
    """A safety training held on 2026-11-20 for the two technicians (unless told otherwise). Committed."""
    data = {"kind": "safety", "title": "机房用电安全", "held_on": date(2026, 11, 20), "duration_minutes": 90,
            "trainer": "刘强", "vendor": "", "location": "公司会议室", "topics": "配电箱操作规范；登高作业",
            "attendee_ids": [u.id for u in (attendees if attendees is not None else (team.tech, team.tech2))], **fields}
    session = create_session(team.head, data)
    db.session.commit()
    return session


def pdf_text(data: bytes) -> str:
    """All the text of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- one month of known data for the seminar's agenda ---------------------------------------


@dataclass
class Month:
    """What happened in November 2026 (and just before it) at one school."""

    difficult: object  # a camera fault classified difficult on 5 Nov
    factory: object  # an NVR sent to the factory on 10 Nov
    repeat: object  # the same camera model failing again on 12 Nov (a general fault)
    rework: object  # a projector reopened after an unhappy follow-up on 20 Nov
    october: object  # a difficult fault of October: not this month's
    sheet: object  # a patrol sheet handed in with a flagged item


def _steps(ticket, tech: User, at: datetime, *steps) -> None:
    """Record steps through the repairs verb, received at `at`, a minute apart."""
    for n, (kind, data) in enumerate(steps):
        record_event(ticket, kind, data, tech, now=at + timedelta(minutes=n))
    refresh_ticket(ticket)


def known_month(team: Team) -> Month:
    """A school with November 2026's repairs and one patrol finding (committed)."""
    school = make_customer("滨江第一中学", technicians=[team.tech, team.tech2])
    camera = make_device(school, name="大门摄像机", brand="海康威视", model="DS-2CD3T46WDV3-I3")
    camera2 = make_device(school, name="操场摄像机", brand="海康威视", model="DS-2CD3T46WDV3-I3")
    nvr = make_device(school, name="录像机", category="nvr", brand="海康威视", model="DS-7932N-R4")
    projector = make_device(school, name="302 投影机", category="projector", brand="爱普生", model="CB-FH52")

    def ticket(device, reported_at, description):
        """A ticket of this school on a device, assigned to the first technician."""
        made = make_ticket(school, assigned_to=team.tech, reported_at=reported_at)
        made.device_id, made.description = device.id, description
        db.session.commit()
        return made

    difficult = ticket(camera, beijing(2026, 11, 5), "大门摄像机夜间画面全黑")
    _steps(difficult, team.tech, beijing(2026, 11, 5, 10), ("arrived", {}), ("classified", {"classification": "difficult"}))
    factory = ticket(nvr, beijing(2026, 11, 9), "录像机硬盘报错")
    _steps(factory, team.tech, beijing(2026, 11, 10, 9), ("arrived", {}),
           ("classified", {"classification": "factory_return"}), ("sent_to_factory", {}))
    repeat = ticket(camera2, beijing(2026, 11, 12), "操场摄像机无画面")
    _steps(repeat, team.tech, beijing(2026, 11, 12, 10), ("arrived", {}), ("classified", {"classification": "general"}))
    rework = ticket(projector, beijing(2026, 10, 28), "投影偏暗")
    # the reopening after an unhappy follow-up, as the step the agenda reads (the steps before it
    # — resolved, signed, followed up — are the repairs tests' business)
    db.session.add(RepairEvent(id=new_id(), ticket_id=rework.id, customer_id=school.id, type="rework_opened",
                               received_at=beijing(2026, 11, 20, 15), received_seq=10_000, user_id=team.office.id,
                               data={"reason": "客户反映仍偏暗"}))
    october = ticket(camera, beijing(2026, 10, 30), "大门摄像机重启")
    _steps(october, team.tech, beijing(2026, 10, 30, 10), ("arrived", {}), ("classified", {"classification": "difficult"}))
    template = make_checklist([{"key": "temp", "label_zh": "机房温度正常", "label_en": "Room temperature normal",
                                "type": "pass_flag_fail", "required": True}])
    sheet = make_sheet(team.tech, template, school, {"temp": {"value": "flag", "note": "机房空调不制冷，温度 35 °C"}})
    sheet.submitted_at = beijing(2026, 11, 25, 16)
    db.session.commit()
    return Month(difficult, factory, repeat, rework, october, sheet)
