"""The demo district's training: a session whose sheet carries every signature, and last month's
seminar with its minutes issued and its open problem carried into this month."""
from sqlalchemy import select

from tests.support.training import pdf_text
from webapp.clock import local_today
from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.training.agenda import previous_month
from webapp.training.attendance_pdf import sheet_bytes
from webapp.training.models import TrainingSession
from webapp.training.seminars import issued_seminar, minutes_bytes, seminar_for


def test_the_demo_has_a_signed_session_and_an_issued_seminar_carrying_into_this_month(app):
    """Sheet filed with three signatures; last month's minutes issued; this month opens with the carried problem."""
    load_demo_data()
    db.session.commit()
    safety = db.session.scalars(select(TrainingSession).where(TrainingSession.kind == "safety")).one()
    assert safety.sheet_sha256 and all(a.signed_at for a in safety.attendees) and len(safety.attendees) == 3
    assert "实到 3 人" in pdf_text(sheet_bytes(safety))
    today = local_today()
    last = issued_seminar(*previous_month(today.year, today.month))
    assert last is not None and "希沃一体机开机黑屏有声音" in pdf_text(minutes_bytes(last))
    current = seminar_for(today.year, today.month)
    carried = [i.title for i in current.items if i.source == "carried"]
    assert carried == ["海康摄像机夜间画面模糊"]
