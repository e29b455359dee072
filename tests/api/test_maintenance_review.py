"""Reviewing handed-in sheets (received → has issues → accepted), quality checks per site, and the
quality columns of the figures, through the test client."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.maintenance import patrol_answers, patrol_school
from tests.support.field_device import forget_cached_user
from tests.api.test_maintenance_pages import editor_form
from tests.support.factories import login, make_plan, make_sheet, make_user
from webapp.auth.models import Role
from webapp.clock import local_today
from webapp.extensions import db
from webapp.maintenance.models import ChecklistTemplate, Inspection
from webapp.maintenance.services import current_templates

PHOTO_ID = "c" * 64


@pytest.fixture
def school(app):
    """A school on a monthly patrol plan."""
    with app.test_request_context():
        return patrol_school()


@pytest.fixture
def sheet(app, school) -> Inspection:
    """The school's patrol sheet, handed in and waiting for review."""
    with app.test_request_context():
        return make_sheet(school.tech, school.template, school.customer, patrol_answers(PHOTO_ID), visit=school.visit)


def _as(client, user):
    """Sign the client in as a user."""
    forget_cached_user()
    login(client, user)
    forget_cached_user()


def _state(sheet_id: str) -> Inspection:
    """The sheet as stored now."""
    db.session.expire_all()
    return db.session.get(Inspection, sheet_id)


def test_the_office_sees_received_sheets_to_review(client, school, sheet):
    """The 'received' tab lists the school's sheet with its finding."""
    _as(client, make_user(Role.OFFICE))
    page = client.get("/maintenance/review?state=received&lang=en").get_data(as_text=True)
    assert school.customer.name in page and f"/maintenance/sheets/{sheet.id}" in page and "1 findings" in page


def test_technicians_do_not_review(client, school, sheet):
    """The review list and the review action are the office's."""
    _as(client, school.tech)
    assert client.get("/maintenance/review").status_code == 403
    forget_cached_user()
    assert client.post(f"/maintenance/sheets/{sheet.id}/review", data={"outcome": "accepted"}).status_code == 403


def test_returning_a_sheet_keeps_the_comment_for_the_technician(client, school, sheet):
    """Has issues, with the comment; the technician's sheet page shows it."""
    _as(client, make_user(Role.SUPERVISOR))
    response = client.post(f"/maintenance/sheets/{sheet.id}/review",
                           data={"outcome": "has_issues", "comment": "请补拍空调铭牌"})
    assert response.status_code == 302
    stored = _state(sheet.id)
    assert (stored.state, stored.review_comment) == ("has_issues", "请补拍空调铭牌")
    _as(client, school.tech)
    assert "请补拍空调铭牌" in client.get(f"/maintenance/sheets/{sheet.id}").get_data(as_text=True)


def test_returning_without_a_comment_is_refused(client, school, sheet):
    """The technician must be told what is wrong: 400, the sheet stays received."""
    _as(client, make_user(Role.OFFICE))
    response = client.post(f"/maintenance/sheets/{sheet.id}/review?lang=en", data={"outcome": "has_issues"})
    assert response.status_code == 400
    assert "Say what is wrong" in response.get_data(as_text=True)
    assert _state(sheet.id).state == "received"


def test_accepting_moves_the_sheet_to_accepted(client, school, sheet):
    """Accepted sheets leave the 'received' tab and appear under 'accepted'."""
    office = make_user(Role.OFFICE)
    _as(client, office)
    client.post(f"/maintenance/sheets/{sheet.id}/review", data={"outcome": "accepted"})
    stored = _state(sheet.id)
    assert (stored.state, stored.reviewed_by_id) == ("accepted", office.id)
    forget_cached_user()
    assert f"/maintenance/sheets/{sheet.id}" not in client.get("/maintenance/review?state=received").get_data(as_text=True)
    forget_cached_user()
    assert f"/maintenance/sheets/{sheet.id}" in client.get("/maintenance/review?state=accepted").get_data(as_text=True)


def test_a_sheet_of_another_school_is_not_found_for_a_technician(client, school, sheet):
    """Technicians only open sheets of their own schools (404, never leak)."""
    other = make_user(Role.TECHNICIAN)
    _as(client, other)
    assert client.get(f"/maintenance/sheets/{sheet.id}").status_code == 404


def test_the_sheet_page_shows_answers_findings_and_the_missing_signature(client, school, sheet):
    """Chinese labels, the out-of-range reading marked as a finding, and 'waiting for signature'."""
    _as(client, make_user(Role.OFFICE))
    page = client.get(f"/maintenance/sheets/{sheet.id}?lang=en").get_data(as_text=True)
    assert "Equipment room temperature" in page and "机房温度" in page and "is-flagged" in page
    assert "Waiting for the customer" in page


# --- quality checks -----------------------------------------------------------------------------


def _spot_check(school, inspector, answers_override=None) -> Inspection:
    """A handed-in spot check of the school with one finding (records only partly kept)."""
    (template,) = current_templates("spot_check")
    answers = {
        "diary_kept": {"value": "yes"}, "patrol_matches": {"value": "flag", "note": "3月巡查表缺少签字"},
        "archive_current": {"value": "pass"}, "devices_sampled": {"value": "pass"}, "tidiness": {"value": "pass"},
        "school_view": {"value": "fair"}, **(answers_override or {}),
    }
    return make_sheet(inspector, template, school.customer, answers, site_id=school.site.id,
                      finished_at=datetime.now(timezone.utc))


def test_spot_checks_are_scored_per_site_for_the_supervisor(app, client, school):
    """The site's row shows the score (7.5 + 10 = 17.5 points lost of 100 → 82.5) and the finding."""
    with app.test_request_context():
        check = _spot_check(school, make_user(Role.QUALITY))
    assert check.score == 82.5
    _as(client, make_user(Role.SUPERVISOR))
    page = client.get(f"/maintenance/quality?year={local_today().year}&lang=en").get_data(as_text=True)
    assert school.customer.name in page and school.site.name in page
    assert "82.5" in page and "3月巡查表缺少签字" in page


def test_quality_checks_are_not_for_technicians(client, school):
    """The quality page is for the office, supervisor and quality team."""
    _as(client, school.tech)
    assert client.get("/maintenance/quality").status_code == 403


def test_a_spot_check_counts_in_the_responsible_technicians_figures(app, client, school):
    """The school's patrol technician gets the check and its score in this month's figures."""
    with app.test_request_context():
        _spot_check(school, make_user(Role.QUALITY))
    _as(client, make_user(Role.SUPERVISOR))
    page = client.get(f"/maintenance/figures?month={local_today():%Y-%m}&lang=en").get_data(as_text=True)
    row = page[page.index(school.tech.display_name):]
    assert 'data-label="Quality checks">1' in row and "82.5" in row


def test_editing_a_scored_checklist_keeps_its_points_and_sections(app, client, school):
    """Saving the spot check as version 2 keeps every item's points and section."""
    (template,) = current_templates("spot_check")
    _as(client, make_user(Role.SUPERVISOR))
    body = editor_form(template, template.items, change_note="措辞")
    body["items-0-label_zh"] = "服务日记记录完整、及时"
    response = client.post(f"/maintenance/templates/{template.id}/edit", data=body)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    newest = db.session.scalars(select(ChecklistTemplate).where(
        ChecklistTemplate.template_key == "spot_check", ChecklistTemplate.superseded_at.is_(None))).one()
    assert newest.version_no == 2
    assert [(i.get("points"), i.get("section_zh")) for i in newest.items] == [
        (i.get("points"), i.get("section_zh")) for i in template.items]
    assert newest.item("school_view")["options"][1]["score"] == 0.6
