"""Fair inputs to the appraisal: the quality team's checks are the quality team's (a technician
cannot score his own school), the quarterly inspection is the head's with the school's leaders
recorded, the year-end inspection has a due date, and a patrol's missing signature needs a reason."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.support.factories import make_checklist, make_customer, make_plan, make_sheet, make_user
from tests.support.field_device import FieldDevice, new_id
from tests.support.repairs import Web
from webapp.auth.models import Role
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.models import Inspection, Visit
from webapp.maintenance.schedule import complete_visit, save_plan

FULL_MARKS = {"works": {"value": "pass"}}


@pytest.fixture
def school(app):
    """A school, its technician, the quality inspector and the head."""
    tech = make_user(Role.TECHNICIAN)
    return {"tech": tech, "customer": make_customer(technicians=[tech]), "qc": make_user(Role.QUALITY),
            "head": make_user(Role.SUPERVISOR)}


def _spot():
    """A one-item scored spot check."""
    return make_checklist([{"key": "works", "label_zh": "正常", "label_en": "Works", "type": "pass_flag_fail",
                            "points": 100, "section_zh": "现场", "section_en": "Site"}], activity="spot_check")


def test_a_technician_cannot_score_his_own_school_from_the_field_app(app, school):
    """Pushing a spot check as the school's technician is rejected with quality_team_only; nothing stored."""
    template = _spot()
    tablet = FieldDevice(app.test_client(), school["tech"])
    mutation = {"seq": tablet.next_seq(), "kind": "inspection", "op": "create", "id": new_id(), "base_version": None,
                "data": {"template_id": template.id, "customer_id": school["customer"].id, "answers": FULL_MARKS}}
    (result,) = tablet.push([mutation]).get_json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "quality_team_only")
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_the_quality_team_scores_the_school(app, school):
    """The quality inspector's spot check is stored with its score."""
    with app.test_request_context():
        sheet = make_sheet(school["qc"], _spot(), school["customer"], FULL_MARKS)
    assert sheet.score == 100.0


@pytest.mark.parametrize("activity", ["year_end_inspection", "spot_check"])
def test_the_verb_refuses_anyone_but_the_quality_team(app, school, activity):
    """The head is not the quality team either."""
    template = make_checklist(activity=activity)
    with app.test_request_context():
        for who in ("tech", "head"):
            with pytest.raises(DomainError) as refused:
                make_sheet(school[who], template, school["customer"], FULL_MARKS)
            assert (refused.value.code, refused.value.status) == ("quality_team_only", 403)


def test_the_quarterly_inspection_is_the_heads_with_the_schools_leaders(app, school):
    """A technician is refused (head_only); the head's sheet records the leaders who attended."""
    template = make_checklist(activity="quarterly_inspection")
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            make_sheet(school["tech"], template, school["customer"], FULL_MARKS)
        assert refused.value.code == "head_only"
        sheet = make_sheet(school["head"], template, school["customer"], FULL_MARKS)
    head = Web(app, school["head"])
    url = f"/maintenance/sheets/{sheet.id}/attendees"
    assert head.post(url, data={"attendees": " "}).status_code == 400
    assert Web(app, school["tech"]).post(url, data={"attendees": "王建国, 副校长"}).status_code == 403
    assert head.post(url, data={"attendees": "王建国, 副校长\n李梅，教务主任"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Inspection, sheet.id).attendees == [
        {"name": "王建国", "title": "副校长"}, {"name": "李梅", "title": "教务主任"}]
    assert "教务主任" in head.html(f"/maintenance/sheets/{sheet.id}")


def test_the_year_end_inspection_is_planned_for_the_quality_team_and_due_on_31_december(app, school):
    """A technician cannot own the plan; the quality inspector's plan makes a visit due 31 Dec."""
    customer = school["customer"]
    customer.technicians.append(school["qc"])
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            save_plan(customer, "year_end_inspection", active=True, responsible_id=school["tech"].id,
                      start_date=date(2026, 1, 1), by=school["head"], today=date(2026, 11, 1))
        assert refused.value.code == "quality_team_only"
        save_plan(customer, "year_end_inspection", active=True, responsible_id=school["qc"].id,
                  start_date=date(2026, 1, 1), by=school["head"], today=date(2026, 11, 1))
        generate_visits(date(2026, 12, 31), customer_ids=[customer.id], today=date(2026, 11, 1))
        db.session.commit()
    (visit,) = db.session.scalars(select(Visit).where(Visit.activity == "year_end_inspection")).all()
    assert (visit.period_key, visit.due_date, visit.assignee_id) == ("2026", date(2026, 12, 31), school["qc"].id)


def test_a_patrol_without_signature_gets_its_reason_on_the_visit_page(app, school):
    """The technician records why the customer did not sign; it is kept in the visit's history."""
    make_plan(school["customer"], "monthly_patrol", school["tech"], start_date=date(2026, 10, 1))
    with app.test_request_context():
        generate_visits(date(2026, 10, 31), today=date(2026, 10, 1))
        visit = db.session.scalars(select(Visit)).one()
        complete_visit(visit, date(2026, 10, 20), school["tech"], today=date(2026, 10, 20))
        db.session.commit()
    web = Web(app, school["tech"])
    assert "A monthly patrol counts as done on time only when" in web.html(f"/maintenance/visits/{visit.id}")
    assert web.post(f"/maintenance/visits/{visit.id}/no-signature", data={"nosig-reason": ""}).status_code == 400
    assert web.post(f"/maintenance/visits/{visit.id}/no-signature",
                    data={"nosig-reason": "校长外出，教务主任电话确认"}).status_code == 302
    db.session.expire_all()
    entry = db.session.get(Visit, visit.id).history[-1]
    assert (entry["action"], entry["reason"]) == ("no_signature", "校长外出，教务主任电话确认")
