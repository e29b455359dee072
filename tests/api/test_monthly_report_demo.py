"""The demo district's monthly report: last month's report is issued, so `leader` sees it on his
home page and in a notification; `rd` has the answered product-quality problem."""
from __future__ import annotations

from sqlalchemy import select

from webapp.auth.models import User
from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.reports import services
from webapp.reports.models import ProductIssue


def test_the_demo_has_last_months_report_issued_for_the_leader(app):
    """Home shows the report; the leader's notification leads to it; its figures are frozen."""
    load_demo_data()
    db.session.commit()
    year, month = services.last_month()
    report = services.report_for(year, month)
    assert report.is_issued and report.figures["year"] == year and report.analysis
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    note = db.session.scalar(select(Notification).where(Notification.user_id == leader.id,
                                                        Notification.kind == "monthly_report"))
    assert note.link == f"/reports/{report.month_value}"
    client = app.test_client()
    client.post("/api/auth/session", json={"username": "leader", "password": "demo1234"})
    page = client.get("/").get_data(as_text=True)
    assert f'data-last-report="{report.month_value}"' in page
    assert client.get(note.link).status_code == 200
    issue = db.session.scalar(select(ProductIssue))
    assert issue is not None and issue.answer and issue.answered_by.username == "rd"
