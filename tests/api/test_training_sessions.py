"""Training sessions: recorded by the head, signed by each attendee on the tablet on one sheet that
is filed only when everyone listed has signed (or the session is closed), handouts checked, the
kinds of training that are overdue, and each person's record and hours."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.support.repairs import Web
from tests.support.training import data_url, make_session, make_team, pdf_text, signature
from webapp.extensions import db
from webapp.training.attendance_pdf import sheet_bytes
from webapp.training.models import TrainingAttendee, TrainingMaterial, TrainingSession
from webapp.training.sessions import hours_for, kinds_due, overdue_kinds, training_record


@pytest.fixture
def team(app):
    """The department's people."""
    return make_team()


def sign_on_tablet(app, team, session, user, seed: int = 1):
    """The head's tablet, handed to one attendee, who signs on the pad."""
    return Web(app, team.head).post(f"/training/sessions/{session.id}/sign/{user.id}",
                                    data={"signature": data_url(signature(seed))})


def test_the_head_records_a_session_and_lists_who_attends(app, team):
    """The form records kind, topic, date, length, trainer and attendees; the page lists them unsigned."""
    web = Web(app, team.head)
    response = web.post("/training/sessions/new", data={
        "kind": "vendor", "title": "海康威视 NVR 新固件", "held_on": "2026-11-18", "duration_minutes": "120",
        "trainer": "海康工程师 王工", "vendor": "海康威视浙江分公司", "location": "公司会议室", "topics": "固件升级；RAID 重建",
        "attendee_ids": [str(team.tech.id), str(team.tech2.id)],
    })
    assert response.status_code == 302
    session = db.session.scalars(select(TrainingSession)).one()
    assert (session.kind, session.vendor, session.duration_minutes, session.state) == ("vendor", "海康威视浙江分公司", 120, "open")
    assert [a.user_id for a in session.attendees] == [team.tech.id, team.tech2.id]
    page = web.html(response.headers["Location"])
    assert "0 of 2 signed" in page and page.count("/sign/") == 2


def test_vendor_training_names_its_supplier_and_a_future_date_is_refused(app, team):
    """Bad input is a clear message and nothing is stored."""
    web = Web(app, team.head)
    response = web.post("/training/sessions/new", data={
        "kind": "vendor", "title": "新产品", "held_on": "2099-01-01", "duration_minutes": "60", "trainer": "王工",
        "attendee_ids": [str(team.tech.id)],
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400  # the form again, with the refusal on its fields
    assert "Name the supplier" in page and "not before" in page
    assert db.session.scalars(select(TrainingSession)).all() == []


def test_a_technician_cannot_record_a_session(app, team):
    """Organising training is the head's (or the office's) job."""
    response = Web(app, team.tech).get("/training/sessions/new")
    assert response.status_code == 403


def test_the_sheet_is_filed_only_when_every_attendee_has_signed(app, team):
    """Two attendees sign one paper: after the first the sheet does not exist, after the second it does."""
    session = make_session(team)
    assert sign_on_tablet(app, team, session, team.tech, seed=1).status_code == 302
    db.session.expire_all()
    session = db.session.get(TrainingSession, session.id)
    assert session.sheet_sha256 is None
    assert Web(app, team.head).get(f"/training/sessions/{session.id}/attendance.pdf").status_code == 404
    assert sign_on_tablet(app, team, session, team.tech2, seed=2).status_code == 302
    db.session.expire_all()
    session = db.session.get(TrainingSession, session.id)
    assert session.sheet_sha256 is not None
    response = Web(app, team.head).get(f"/training/sessions/{session.id}/attendance.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for heading in ("培训签到表", "培训类别", "培训主题", "培训讲师", "签到", "序号", "姓名", "签名", "签到时间"):
        assert heading in text, heading
    assert "安全" in text and team.tech.display_name in text and team.tech2.display_name in text
    assert "未签到" not in text and "实到 2 人" in text


def test_each_signature_image_is_on_the_sheet(app, team):
    """The sheet carries both signature images (two images drawn on its page)."""
    session = make_session(team)
    sign_on_tablet(app, team, session, team.tech, seed=1)
    sign_on_tablet(app, team, session, team.tech2, seed=2)
    db.session.expire_all()
    reader = PdfReader(io.BytesIO(sheet_bytes(db.session.get(TrainingSession, session.id))))
    assert sum(len(page.images) for page in reader.pages) == 2


def test_a_signature_never_changes(app, team):
    """Signing twice is refused with the one error shape; the first signature stays."""
    session = make_session(team)
    sign_on_tablet(app, team, session, team.tech, seed=1)
    first = db.session.scalars(select(TrainingAttendee.image_sha256).where(TrainingAttendee.user_id == team.tech.id)).one()
    response = Web(app, team.head).client.post(f"/training/sessions/{session.id}/sign/{team.tech.id}",
                                               data={"signature": data_url(signature(9))},
                                               headers={"Accept": "application/json"})
    assert response.status_code == 400  # the page shows the refusal on the form
    assert "signed already" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(TrainingAttendee.image_sha256).where(TrainingAttendee.user_id == team.tech.id)).one() == first


def test_an_empty_or_broken_signature_is_refused(app, team):
    """No ink, or bytes that are no image: a message, nothing signed."""
    session = make_session(team)
    web = Web(app, team.head)
    assert "Sign in the box first" in web.post(f"/training/sessions/{session.id}/sign/{team.tech.id}",
                                               data={"signature": ""}).get_data(as_text=True)
    broken = web.post(f"/training/sessions/{session.id}/sign/{team.tech.id}",
                      data={"signature": "data:image/png;base64,aGVsbG8="})
    assert broken.status_code in (200, 422)
    db.session.expire_all()
    assert db.session.scalars(select(TrainingAttendee.signed_at).where(TrainingAttendee.user_id == team.tech.id)).one() is None


def test_an_attendee_signs_on_their_own_device_but_not_for_a_colleague(app, team):
    """A technician may sign their own line, never another's."""
    session = make_session(team)
    own = Web(app, team.tech).post(f"/training/sessions/{session.id}/sign/{team.tech.id}",
                                   data={"signature": data_url(signature(3))})
    assert own.status_code == 302
    other = Web(app, team.tech).post(f"/training/sessions/{session.id}/sign/{team.tech2.id}",
                                     data={"signature": data_url(signature(4))})
    assert other.status_code == 404
    db.session.expire_all()
    signed = dict(db.session.execute(select(TrainingAttendee.user_id, TrainingAttendee.signed_at)).all())
    assert signed[team.tech.id] is not None and signed[team.tech2.id] is None


def test_closing_files_the_sheet_with_the_absent_marked(app, team):
    """One of two signed; closing produces the sheet, the other printed as 未签到; no signing after."""
    session = make_session(team)
    sign_on_tablet(app, team, session, team.tech)
    web = Web(app, team.head)
    assert web.post(f"/training/sessions/{session.id}/close").status_code == 302
    db.session.expire_all()
    session = db.session.get(TrainingSession, session.id)
    assert session.state == "closed" and session.sheet_sha256
    text = pdf_text(sheet_bytes(session))
    assert "未签到" in text and "应到 2 人，实到 1 人" in text
    late = web.post(f"/training/sessions/{session.id}/sign/{team.tech2.id}", data={"signature": data_url(signature(5))})
    assert "closed" in late.get_data(as_text=True)


def test_a_session_nobody_signed_cannot_be_closed(app, team):
    """Closing an empty sheet is refused: the head collects signatures first."""
    session = make_session(team)
    page = Web(app, team.head).post(f"/training/sessions/{session.id}/close", follow_redirects=True)
    assert "Nobody has signed yet" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).state == "open"


def test_a_handout_is_kept_and_served_and_its_type_and_size_are_checked(app, team):
    """A PDF is attached and read back byte for byte; a renamed text file and an oversized file are refused."""
    session = make_session(team)
    web = Web(app, team.head)
    pdf = b"%PDF-1.4\n% handout\n" + b"0" * 2000
    web.post(f"/training/sessions/{session.id}/materials", data={"file": (io.BytesIO(pdf), "固件升级手册.pdf")},
             content_type="multipart/form-data")
    material = db.session.scalars(select(TrainingMaterial)).one()
    assert (material.filename, material.mime, material.size) == ("固件升级手册.pdf", "application/pdf", len(pdf))
    assert Web(app, team.tech).get(f"/training/materials/{material.id}").data == pdf
    fake = web.post(f"/training/sessions/{session.id}/materials", data={"file": (io.BytesIO(b"just text"), "slides.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Only these kinds of file" in fake.get_data(as_text=True)
    app.config["TRAINING_MATERIAL_MAX_BYTES"] = 1000
    big = web.post(f"/training/sessions/{session.id}/materials", data={"file": (io.BytesIO(pdf), "big.pdf")},
                   content_type="multipart/form-data")
    assert big.status_code == 413
    assert len(db.session.scalars(select(TrainingMaterial)).all()) == 1


def test_kinds_never_held_or_past_their_interval_are_overdue(app, team):
    """Safety held 20 Nov is on time on 2 Dec; chief engineer's held in June is overdue; ethics never held is overdue."""
    make_session(team, kind="safety", held_on=date(2026, 11, 20))
    make_session(team, kind="chief_engineer", held_on=date(2026, 6, 1), title="总工讲解 PoE 供电")
    due = {k.kind: k for k in kinds_due(date(2026, 12, 2))}
    assert (due["safety"].overdue, due["safety"].due_on) == (False, date(2027, 2, 20))
    assert (due["chief_engineer"].overdue, due["chief_engineer"].due_on) == (True, date(2026, 9, 1))
    assert due["ethics"].overdue and due["ethics"].last_held is None
    assert {k.kind for k in overdue_kinds(date(2026, 12, 2))} == {"chief_engineer", "ethics", "vendor"}


def test_the_head_sees_overdue_training_on_his_home_page(app, team):
    """The home page lists the overdue kinds for the head, not for a technician."""
    make_session(team, kind="safety", held_on=date(2026, 11, 20))
    head = Web(app, team.head).html("/")
    assert "Training overdue" in head and "Professional ethics" in head and "never held" in head
    assert "Training overdue" not in Web(app, team.tech).html("/")


def test_a_persons_record_and_hours_count_signed_sessions_only(app, team):
    """Hours per month for the appraisal: a signed 90-minute session counts, an unsigned one does not."""
    signed = make_session(team, held_on=date(2026, 11, 20), duration_minutes=90)
    make_session(team, held_on=date(2026, 11, 25), duration_minutes=60, title="职业道德", kind="ethics")
    sign_on_tablet(app, team, signed, team.tech)
    db.session.expire_all()
    assert hours_for(team.tech.id, 2026, 11) == 1.5
    assert hours_for(team.tech.id, 2026, 10) == 0
    assert hours_for(team.tech.id, 2026) == 1.5
    assert hours_for(team.tech2.id, 2026, 11) == 0
    assert [r.session.title for r in training_record(team.tech.id)] == ["机房用电安全"]
    page = Web(app, team.tech).html(f"/training/people/{team.tech.id}")
    assert "机房用电安全" in page and "配电箱操作规范" in page


def test_a_record_is_seen_by_its_person_and_the_head_only(app, team):
    """A colleague's record answers as if it did not exist."""
    assert Web(app, team.head).get(f"/training/people/{team.tech.id}").status_code == 200
    assert Web(app, team.tech2).get(f"/training/people/{team.tech.id}").status_code == 404
    assert Web(app, team.tech).get("/training/me").headers["Location"].endswith(f"/training/people/{team.tech.id}")
