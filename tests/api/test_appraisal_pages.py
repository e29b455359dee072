"""Appraisal pages and their role rules: a technician sees only his own month and how each figure
was computed; only the head sets schemes and adjusts; a month keeps the scheme in force then;
the payroll office's Excel; suggestions filed by anyone and answered by the head."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.support.appraisal import october
from tests.support.factories import make_user
from tests.support.repairs import Web
from webapp.appraisal import services
from webapp.appraisal.models import AppraisalAdjustment, AppraisalScheme, Suggestion
from webapp.appraisal.scheme import DEFAULT_WEIGHTS
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.errors import DomainError
from webapp.extensions import db

OCT = "?month=2026-10"


@pytest.fixture
def month(app, monkeypatch):
    """October's work, scheme version 1 in force since September."""
    with app.test_request_context():
        o = october(monkeypatch)
        services.set_scheme(DEFAULT_WEIGHTS, date(2026, 9, 1), "第一版", o.head, today=date(2026, 9, 1))
        db.session.commit()
    return o


def test_a_technician_lands_on_his_own_month_with_how_each_figure_was_computed(app, month):
    """zhang's October: total 58.8, each figure's arithmetic, and links to the visits and tickets."""
    web = Web(app, month.tech)
    response = web.get(f"/appraisal/{OCT}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/appraisal/people/{month.tech.id}{OCT}")
    html = web.html(f"/appraisal/people/{month.tech.id}{OCT}")
    assert "58.8" in html
    assert "2 of 4 → 2 ÷ 4 × 30 = 15 points" in html
    assert "Average 85 of 100 over 2 → 85 ÷ 100 × 15 = 12.75 points" in html
    assert "Base score = 100 × 61.75 earned ÷ 100 possible = 61.8" in html
    assert f'/maintenance/visits/{month.visits["s3"].id}' in html
    assert f'/repairs/{month.tickets["t2"].id}' in html
    assert "Add adjustment" not in html


def test_a_technician_cannot_open_a_colleagues_month(app, month):
    """Another person's month answers like a page that does not exist."""
    assert Web(app, month.tech).get(f"/appraisal/people/{month.tech2.id}{OCT}").status_code == 404


def test_only_the_head_adjusts_and_a_reason_is_required(app, month):
    """A technician or an admin may not adjust; the head without a reason changes nothing."""
    url = f"/appraisal/people/{month.tech.id}/adjust{OCT}"
    body = {"points": "2", "reason": "协助验收"}
    assert Web(app, month.tech).post(url, data=body).status_code == 403
    assert Web(app, make_user(Role.ADMIN)).post(url, data=body).status_code == 403
    head = Web(app, month.head)
    assert head.post(url, data={"points": "2", "reason": "  "}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AppraisalAdjustment)) == 0
    assert head.post(url, data=body).status_code == 302
    html = head.html(f"/appraisal/people/{month.tech.id}{OCT}")
    assert "协助验收" in html and "60.8" in html


def test_only_the_head_sets_a_scheme_and_never_for_a_past_month(app, month):
    """Technician and admin: 403. The head: a month before this one is refused (scheme_in_past)."""
    weights = {f"w_{k}": str(v) for k, v in DEFAULT_WEIGHTS.items()}
    for user in (month.tech, make_user(Role.ADMIN)):
        assert Web(app, user).post("/appraisal/schemes", data={"effective_from": "2099-01", **weights}).status_code == 403
    head = Web(app, month.head)
    assert head.post("/appraisal/schemes", data={"effective_from": "2026-01", **weights}).status_code == 400
    assert head.post("/appraisal/schemes", data={"effective_from": "2099-01", "note": "下一版", **weights}).status_code == 302
    assert db.session.scalar(select(func.max(AppraisalScheme.version_no))) == 2


def test_a_month_is_computed_with_the_scheme_in_force_then(app, month):
    """Version 2 (visits 40, from November) leaves October on version 1 (58.8) and applies to November."""
    with app.test_request_context():
        services.set_scheme({**DEFAULT_WEIGHTS, "visits_on_time": 40}, date(2026, 11, 1), "加重巡查", month.head,
                            today=date(2026, 10, 15))
        db.session.commit()
        october_row = next(a for a in services.appraise_month(2026, 10) if a.user.id == month.tech.id)
        assert (october_row.scheme.version_no, october_row.score.total) == (1, 58.8)
        november = services.scheme_in_force(2026, 11)
        assert (november.version_no, november.weights["visits_on_time"]) == (2, 40)
        with pytest.raises(DomainError) as refused:
            services.set_scheme(DEFAULT_WEIGHTS, date(2026, 9, 1), "", month.head, today=date(2026, 10, 15))
        assert refused.value.code == "scheme_in_past"
        with pytest.raises(DomainError) as bad:
            services.set_scheme({**DEFAULT_WEIGHTS, "rework": "x"}, date(2026, 11, 1), "", month.head,
                                today=date(2026, 10, 15))
        assert bad.value.code == "invalid_weights" and "rework" in bad.value.errors
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity == "appraisal_scheme").order_by(AuditLog.id)).all()
    assert [e.changes["note"][1] for e in entries] == ["第一版", "加重巡查"]


def test_the_head_sees_everyone_and_exports_the_month_for_payroll(app, month):
    """The month page lists both technicians; the workbook opens with openpyxl and holds the totals."""
    head = Web(app, month.head)
    html = head.html(f"/appraisal/{OCT}")
    assert month.tech.display_name in html and month.tech2.display_name in html
    response = head.get(f"/appraisal/export.xlsx{OCT}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["2026-10"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["zhang"]["Total"] == 58.8 and rows["li"]["Total"] == 48.0
    assert rows["zhang"]["Scheme version"] == 1
    assert Web(app, month.tech).get(f"/appraisal/export.xlsx{OCT}").status_code == 403


def test_suggestions_are_filed_by_anyone_and_answered_by_the_head(app, month):
    """The office files one; the head answers and adopts it; the author sees the answer; nobody else
    but the head reads it; a technician cannot answer."""
    office = Web(app, month.office)
    response = office.post("/appraisal/suggestions", data={"title": "回访话术统一", "text": "整理一份回访话术。"})
    assert response.status_code == 302
    suggestion = db.session.scalars(select(Suggestion).where(Suggestion.title == "回访话术统一")).one()
    assert office.post("/appraisal/suggestions", data={"title": "", "text": ""}).status_code == 400
    url = f"/appraisal/suggestions/{suggestion.id}"
    assert Web(app, month.tech).get(url).status_code == 404
    assert Web(app, month.head).html("/appraisal/suggestions").count("回访话术统一") == 1
    assert Web(app, month.head).post(url, data={"answer": "下周例会讨论。", "adopted": "y"}).status_code == 302
    assert "下周例会讨论。" in office.html(url)
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).adopted is True
    own = Web(app, month.tech)
    mine = month.suggestions["open"]
    assert own.post(f"/appraisal/suggestions/{mine.id}", data={"answer": "自己回答"}).status_code == 403
