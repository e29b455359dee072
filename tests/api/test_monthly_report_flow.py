"""The monthly report's life: drafted by the 1st-of-month command (twice is harmless), written and
issued by the head, frozen once issued, sent to leadership and R&D, read-only for them; the
home pages' deadline and last report; product-quality problems answered by R&D."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from tests.support.appraisal import bj
from tests.support.factories import login, make_customer, make_user
from tests.support.reports import report_october
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.reports import services
from webapp.reports import views as report_views
from webapp.reports.figures import compute_figures
from webapp.reports.reading import figure_of
from webapp.reports.models import MonthlyReport

NOW = bj(12, 1, 9)


def _draft(year: int = 2026, month: int = 10) -> MonthlyReport:
    """A draft of the month (committed)."""
    report, _made = services.draft_report(year, month, today=date(2026, 12, 1))
    db.session.commit()
    return report


@pytest.fixture
def people(app):
    """The head, an admin, a technician, a leader and an R&D engineer."""
    return {"head": make_user(Role.SUPERVISOR, "head"), "tech": make_user(Role.TECHNICIAN, "tech"),
            "leader": make_user(Role.LEADERSHIP, "leader"), "rd": make_user(Role.RND, "rd"),
            "leader_off": make_user(Role.LEADERSHIP, "leader_off")}


def test_the_draft_command_drafts_last_month_once(app, people, monkeypatch):
    """On 1 Dec the command drafts November; run again it changes nothing."""
    monkeypatch.setattr(services, "local_today", lambda: date(2026, 12, 1))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["report-draft"])
    second = runner.invoke(args=["report-draft"])
    assert first.exit_code == 0 and "Drafted: the report of 2026-11" in first.output
    assert second.exit_code == 0 and "Already drafted" in second.output
    assert db.session.scalar(select(func.count()).select_from(MonthlyReport)) == 1
    report = services.report_for(2026, 11)
    assert report.status == "draft" and report.figures is None


def test_the_command_refuses_a_month_not_ended(app, people, monkeypatch):
    """December cannot be drafted on 1 Dec: nothing is made."""
    monkeypatch.setattr(services, "local_today", lambda: date(2026, 12, 1))
    result = app.test_cli_runner().invoke(args=["report-draft", "--month", "2026-12"])
    assert result.exit_code != 0 and gettext("A month is reported once it has ended.") in result.output
    assert db.session.scalar(select(func.count()).select_from(MonthlyReport)) == 0


def test_issuing_needs_the_analysis_and_the_head(app, people):
    """Without an analysis, or by anyone but the head, the report stays a draft."""
    report = _draft()
    with app.test_request_context():
        with pytest.raises(Exception) as refused:
            services.issue_report(report, people["head"])
        assert refused.value.code == "analysis_required"
        services.write_text(report, people["head"], "十月故障集中在摄像机", "")
        with pytest.raises(Exception) as forbidden:
            services.issue_report(report, people["leader"])
        assert forbidden.value.code == "head_only"
    db.session.rollback()
    assert services.report_for(2026, 10).status == "draft"


def test_an_issued_report_is_frozen_when_the_tickets_change(app, monkeypatch):
    """Issued with T1 and T2 as October's general repairs; T1 is then deleted and T4 reclassified:
    the live figures move, the issued report does not, and its text can no longer be edited."""
    with app.test_request_context():
        o = report_october(monkeypatch)
        report = _draft()
        services.write_text(report, o.head, "分析", "建议")
        services.issue_report(report, o.head, now=NOW)
        db.session.commit()
        frozen = dict(report.figures)
        o.tickets["t1"].deleted_at = utcnow()
        o.tickets["t4"].category = "general"
        db.session.commit()
        live = {r["key"]: r["cur"][0] for r in figure_of(compute_figures(2026, 10, now=NOW), "repairs_by_fault")["rows"]}
        assert live["general"] == 2 and "factory_return" not in {k for k, v in live.items() if v}
        db.session.expire_all()
        again = services.report_for(2026, 10)
        kept = {r["key"]: r["cur"][0] for r in figure_of(services.figures_of(again), "repairs_by_fault")["rows"]}
        assert kept == {"general": 2, "factory_return": 1, "difficult": 1, "unclassified": 1}
        assert again.figures == frozen
        with pytest.raises(Exception) as refused:
            services.write_text(again, o.head, "改写", "")
        assert refused.value.code == "report_issued"


def test_issue_tells_leadership_and_rnd_once_with_a_link(app, people):
    """One notification per active leadership and R&D user, leading to the report; none to others."""
    people["leader_off"].active = False
    report = _draft()
    client = app.test_client()
    login(client, people["head"])
    response = client.post("/reports/2026-10/text", data={"analysis": "十月分析", "suggestions": "改进", "issue": "1"})
    assert response.status_code == 302
    notes = db.session.scalars(select(Notification).where(Notification.kind == "monthly_report")).all()
    assert sorted(n.user_id for n in notes) == sorted([people["leader"].id, people["rd"].id])
    assert all(n.link == "/reports/2026-10" for n in notes)
    assert db.session.get(MonthlyReport, report.id).status == "issued"
    again = client.post("/reports/2026-10/text", data={"analysis": "再改", "issue": "1"})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
    leader = app.test_client()
    login(leader, people["leader"])
    note = next(n for n in notes if n.user_id == people["leader"].id)
    opened = leader.post(f"/notifications/{note.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/reports/2026-10")
    page = leader.get("/reports/2026-10")
    assert page.status_code == 200 and "十月分析" in page.get_data(as_text=True)


def test_leadership_and_rnd_read_issued_reports_only_and_change_nothing(app, people):
    """A draft is not found for them; their writes are refused; a technician sees no report."""
    _draft()
    for who in ("leader", "rd"):
        client = app.test_client()
        login(client, people[who])
        assert client.get("/reports/2026-10").status_code == 404
        assert client.post("/reports/2026-10/text", data={"analysis": "x"}).status_code == 403
        assert client.post("/reports/2026-10/draft").status_code == 403
        assert "2026-10" not in client.get("/reports/").get_data(as_text=True)
    tech = app.test_client()
    login(tech, people["tech"])
    assert tech.get("/reports/").status_code == 403
    assert tech.get("/reports/2026-10").status_code == 403
    assert services.report_for(2026, 10).analysis == ""


def test_the_head_saves_a_draft_and_it_stays_a_draft(app, people):
    """Saving writes the text; the page shows it in the form; nobody is told yet."""
    _draft()
    client = app.test_client()
    login(client, people["head"])
    assert client.post("/reports/2026-10/text", data={"analysis": "草稿分析", "suggestions": ""}).status_code == 302
    page = client.get("/reports/2026-10").get_data(as_text=True)
    assert "草稿分析" in page and 'data-report-status="draft"' in page
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_heads_home_shows_the_early_next_month_deadline(app, people, monkeypatch):
    """On 2 Dec November's report is due by the 5th working day of December: Mon 7 Dec."""
    monkeypatch.setattr(services, "local_today", lambda: date(2026, 12, 2))
    assert services.due_date(2026, 11) == date(2026, 12, 7)
    client = app.test_client()
    login(client, people["head"])
    page = client.get("/").get_data(as_text=True)
    assert 'data-report-deadline="2026-11" data-due="2026-12-07"' in page


def test_the_october_report_is_due_after_the_national_day_holiday(app):
    """September's report: 1–7 Oct are holidays, so the 5 working days are 8, 9, 10 (make-up), 12, 13 Oct."""
    assert services.due_date(2026, 9) == date(2026, 10, 13)


def test_the_leaders_home_shows_the_last_issued_report(app, people):
    """Issued September and October: the leader's home names October."""
    with app.test_request_context():
        for month in (9, 10):
            report = _draft(2026, month)
            services.write_text(report, people["head"], f"{month}月分析", "")
            services.issue_report(report, people["head"])
        db.session.commit()
    client = app.test_client()
    login(client, people["leader"])
    page = client.get("/").get_data(as_text=True)
    assert 'data-last-report="2026-10"' in page


def test_the_records_behind_a_figure(app, monkeypatch):
    """The general-repairs row of October lists T1 and T2, narrowed to a school on request."""
    with app.test_request_context():
        o = report_october(monkeypatch)
    _draft()
    client = app.test_client()
    login(client, o.head)
    page = client.get("/reports/2026-10/records?figure=repairs_by_fault&row=general").get_data(as_text=True)
    assert o.tickets["t1"].number in page and o.tickets["t2"].number in page and o.tickets["t4"].number not in page
    other = client.get(f"/reports/2026-10/records?figure=repairs_by_fault&row=difficult&school={o.schools['s1'].id}")
    assert o.tickets["t5"].number not in other.get_data(as_text=True)
    assert client.get("/reports/2026-10/records?figure=nope&row=general").status_code == 404


def test_rnd_answers_a_product_problem_a_technician_raised(app, people):
    """The technician raises one from his ticket; R&D answers; the technician cannot answer."""
    from tests.support.repair_builders import make_ticket

    school = make_customer("城南小学", technicians=[people["tech"]])
    ticket = make_ticket(school, assigned_to=people["tech"])
    tech = app.test_client()
    login(tech, people["tech"])
    empty = tech.post("/reports/issues/new", data={"ticket_id": ticket.id, "text": " "})
    assert empty.status_code == 400
    made = tech.post("/reports/issues/new", data={"ticket_id": ticket.id, "text": "镜头起雾"})
    assert made.status_code == 302
    issue_path = made.headers["Location"]
    assert tech.post(issue_path, data={"answer": "我来答"}).status_code == 302
    rd = app.test_client()
    login(rd, people["rd"])
    assert rd.post(issue_path, data={"answer": "批次密封圈问题，已改进"}).status_code == 302
    page = rd.get(issue_path).get_data(as_text=True)
    assert "批次密封圈问题" in page and "我来答" not in page
    assert report_views.RECORD_MODELS["issue"].query.count() == 1
