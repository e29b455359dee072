"""Maintenance pages through the test client: who may see and change what, and what the forms do."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.factories import login, make_checklist, make_customer, make_plan, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.forms import item_to_form_data
from webapp.maintenance.models import ChecklistTemplate, MaintenancePlan, Visit
from webapp.maintenance.periods import month_end, shift_month
from webapp.maintenance.generation import generate_visits
from webapp.clock import local_today

NETWORK = {"key": "network", "label_zh": "网络运行正常", "label_en": "Network working", "type": "pass_flag_fail",
           "required": True}
TEMPERATURE = {"key": "room_temp", "label_zh": "机房温度", "label_en": "Room temperature", "type": "number",
               "unit": "°C", "min": 10, "max": 30, "required": True}


@pytest.fixture
def tech():
    """A technician."""
    return make_user(Role.TECHNICIAN)


@pytest.fixture
def supervisor():
    """The department head."""
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def school(app, tech):
    """A school of the technician with monthly patrols since last month: last month's is overdue."""
    school = make_customer(name="滨江第一中学", technicians=[tech])
    today = local_today()
    year, month = shift_month(today.year, today.month, -1)
    make_plan(school, "monthly_patrol", tech, start_date=today.replace(year=year, month=month, day=1))
    with app.test_request_context():
        generate_visits(month_end(today.year, today.month), today=today)
    db.session.commit()
    return school


def overdue_visit(school):
    """Last month's patrol of the school."""
    return db.session.scalars(
        select(Visit).where(Visit.customer_id == school.id).order_by(Visit.period_key)
    ).first()


def editor_form(template: ChecklistTemplate | None, items: list[dict], action: str = "save", **header) -> dict:
    """The checklist editor's POST body for the given items."""
    base = template or ChecklistTemplate(name_zh="新检查表", name_en="New checklist", activity="spot_check",
                                         applies_to="site", description="")
    data = {
        "name_zh": base.name_zh, "name_en": base.name_en, "activity": base.activity, "applies_to": base.applies_to,
        "device_category": base.device_category or "", "description": base.description or "", "change_note": "",
        "action": action, **header,
    }
    for index, item in enumerate(items):
        for name, value in item_to_form_data(item, existing=template is not None).items():
            if isinstance(value, bool):
                if value:
                    data[f"items-{index}-{name}"] = "y"
            else:
                data[f"items-{index}-{name}"] = "" if value is None else str(value)
    return data


# --- the calendar --------------------------------------------------------------------------


def test_technicians_cannot_open_the_supervisors_calendar(client, tech, school):
    """The month for all schools is for office staff."""
    login(client, tech)
    assert client.get("/maintenance/calendar").status_code == 403


def test_supervisor_sees_the_month_with_the_overdue_visit_standing_out(client, supervisor, school):
    """The school's row is marked overdue and its visit links to the visit page."""
    login(client, supervisor)
    page = client.get("/maintenance/calendar?lang=en").get_data(as_text=True)
    visit = overdue_visit(school)
    assert "滨江第一中学" in page and "has-overdue" in page
    assert f'/maintenance/visits/{visit.id}' in page and "is-overdue" in page


def test_calendar_can_filter_on_overdue_only(client, supervisor, school):
    """With the overdue status, only the overdue visit is listed."""
    login(client, supervisor)
    page = client.get("/maintenance/calendar?status=overdue").get_data(as_text=True)
    assert page.count('href="/maintenance/visits/') == 1


def test_the_generate_button_schedules_visits_up_to_the_month_shown(client, supervisor, school):
    """Asking for the month after next adds its patrol, once."""
    login(client, supervisor)
    today = local_today()
    year, month = shift_month(today.year, today.month, 2)
    before = db.session.scalar(select(func.count()).select_from(Visit))
    for _ in range(2):
        response = client.post("/maintenance/calendar/generate", data={"month": f"{year:04d}-{month:02d}"})
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Visit)) == before + 2


# --- one visit -------------------------------------------------------------------------------


def test_technician_cannot_open_a_visit_of_a_school_not_theirs(client, school):
    """Another technician gets 404, as if the visit did not exist."""
    login(client, make_user(Role.TECHNICIAN))
    assert client.get(f"/maintenance/visits/{overdue_visit(school).id}").status_code == 404


def test_supervisor_reschedules_with_a_reason_kept_in_the_history(client, supervisor, school):
    """The form moves the date; the page then shows the reason."""
    login(client, supervisor)
    visit = overdue_visit(school)
    new_date = local_today() + timedelta(days=3)
    response = client.post(f"/maintenance/visits/{visit.id}/reschedule", data={
        "reschedule-new_date": new_date.isoformat(), "reschedule-reason": "学校期中考试，机房封闭"})
    assert response.status_code == 302
    db.session.expire_all()
    assert visit.due_date == new_date and visit.state == "due"
    assert "学校期中考试，机房封闭" in client.get(f"/maintenance/visits/{visit.id}").get_data(as_text=True)


def test_reschedule_without_a_reason_is_refused_on_the_page(client, supervisor, school):
    """No reason: 400, the form says so, the date stays."""
    login(client, supervisor)
    visit = overdue_visit(school)
    old = visit.due_date
    response = client.post(f"/maintenance/visits/{visit.id}/reschedule?lang=en", data={
        "reschedule-new_date": (local_today() + timedelta(days=3)).isoformat(), "reschedule-reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    db.session.expire_all()
    assert visit.due_date == old


def test_supervisor_reassigns_a_visit_to_a_colleague_of_the_school(client, supervisor, school):
    """The new assignee applies and the history says who did it."""
    colleague = make_user(Role.TECHNICIAN, customers=[school])
    login(client, supervisor)
    visit = overdue_visit(school)
    response = client.post(f"/maintenance/visits/{visit.id}/reassign", data={
        "reassign-assignee": str(colleague.id), "reassign-reason": "张工休假"})
    assert response.status_code == 302
    db.session.expire_all()
    assert visit.assignee_id == colleague.id
    assert visit.history[-1]["by"] == supervisor.id


def test_office_staff_may_look_but_not_reassign(client, school):
    """The office sees the calendar but reassigning is for the supervisor."""
    office = make_user(Role.OFFICE)
    login(client, office)
    assert client.get("/maintenance/calendar").status_code == 200
    response = client.post(f"/maintenance/visits/{overdue_visit(school).id}/reassign",
                           data={"reassign-assignee": str(office.id)})
    assert response.status_code == 403


def test_technician_cannot_reschedule_their_visit(client, tech, school):
    """Moving a date is the supervisor's decision."""
    login(client, tech)
    response = client.post(f"/maintenance/visits/{overdue_visit(school).id}/reschedule", data={
        "reschedule-new_date": (local_today() + timedelta(days=3)).isoformat(), "reschedule-reason": "busy"})
    assert response.status_code == 403


def test_technician_records_their_own_visit_done(client, tech, school):
    """The assignee can record a paper patrol as done today."""
    login(client, tech)
    visit = overdue_visit(school)
    response = client.post(f"/maintenance/visits/{visit.id}/done", data={"done-done_on": local_today().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert visit.state == "done"


def test_my_visits_lists_my_overdue_patrol(client, tech, school):
    """The technician's page has last month's patrol under Overdue."""
    login(client, tech)
    page = client.get("/maintenance/my?lang=en").get_data(as_text=True)
    overdue_section = page.split('id="overdue"')[1].split("</section>")[0]
    assert "滨江第一中学" in overdue_section


# --- plans -----------------------------------------------------------------------------------


def test_supervisor_sets_up_a_plan_and_the_visits_appear(client, supervisor, tech):
    """Switching on the quarterly inspection schedules it."""
    school = make_customer(technicians=[tech])
    login(client, supervisor)
    start = local_today().replace(day=1)
    response = client.post(f"/maintenance/customers/{school.id}/plan", data={
        "quarterly_inspection-active": "y", "quarterly_inspection-responsible": str(supervisor.id),
        "quarterly_inspection-start_date": start.isoformat(),
        "monthly_patrol-responsible": "", "semi_annual_maintenance-responsible": "",
    })
    assert response.status_code == 302
    plan = db.session.scalars(select(MaintenancePlan).where(MaintenancePlan.customer_id == school.id)).one()
    assert (plan.activity, plan.responsible_id) == ("quarterly_inspection", supervisor.id)
    assert db.session.scalars(select(Visit).where(Visit.customer_id == school.id)).first() is not None


def test_technicians_cannot_edit_plans(client, tech, school):
    """The plan editor is for supervisors."""
    login(client, tech)
    assert client.get(f"/maintenance/customers/{school.id}/plan").status_code == 403


# --- checklist templates ------------------------------------------------------------------------


def test_technicians_can_read_checklists_but_not_edit_them(client, app, tech):
    """Reading is open to all signed-in staff; the editor is not."""
    with app.test_request_context():
        template = make_checklist([NETWORK], key="read_only")
    login(client, tech)
    assert client.get(f"/maintenance/templates/{template.id}").status_code == 200
    assert client.get(f"/maintenance/templates/{template.id}/edit").status_code == 403


def test_saving_the_editor_makes_version_two_and_keeps_version_one(client, app, supervisor):
    """The edited checklist becomes version 2; version 1's page says it is superseded."""
    with app.test_request_context():
        first = make_checklist([NETWORK], key="patrol_v")
    login(client, supervisor)
    response = client.post(f"/maintenance/templates/{first.id}/edit",
                           data=editor_form(first, [NETWORK, TEMPERATURE], change_note="加机房温度"))
    assert response.status_code == 302
    second = db.session.scalars(select(ChecklistTemplate).where(ChecklistTemplate.version_no == 2)).one()
    assert response.headers["Location"].endswith(f"/maintenance/templates/{second.id}")
    assert [i["key"] for i in second.items] == ["network", "room_temp"]
    assert "Superseded" in client.get(f"/maintenance/templates/{first.id}?lang=en").get_data(as_text=True)


def test_preview_shows_the_items_and_saves_nothing(client, app, supervisor):
    """Preview renders the checklist as a technician sees it; no new version."""
    with app.test_request_context():
        first = make_checklist([NETWORK], key="preview_me")
    login(client, supervisor)
    response = client.post(f"/maintenance/templates/{first.id}/edit?lang=en",
                           data=editor_form(first, [NETWORK, TEMPERATURE], action="preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview: what the technician will see" in page
    assert "Normal:" in page and "outside is flagged" in page
    assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 1


def test_editor_shows_a_range_error_on_the_item_and_saves_nothing(client, app, supervisor):
    """min above max: 400, the message next to the item, no version 2."""
    with app.test_request_context():
        first = make_checklist([NETWORK], key="bad_range")
    login(client, supervisor)
    response = client.post(f"/maintenance/templates/{first.id}/edit?lang=en",
                           data=editor_form(first, [NETWORK, {**TEMPERATURE, "min": 40, "max": 10}]))
    assert response.status_code == 400
    assert "The minimum must not be above the maximum." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 1


def test_add_item_gives_one_more_row_without_saving(client, app, supervisor):
    """'Add item' re-renders the editor with an empty row of the chosen type."""
    with app.test_request_context():
        first = make_checklist([NETWORK], key="add_row")
    login(client, supervisor)
    data = editor_form(first, [NETWORK], action="add")
    data["new_type"] = "number"
    page = client.post(f"/maintenance/templates/{first.id}/edit", data=data).get_data(as_text=True)
    assert 'name="items-1-label_zh"' in page
    assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 1


def test_moving_an_item_up_changes_the_order(client, app, supervisor):
    """'↑' on the second item puts it first."""
    with app.test_request_context():
        first = make_checklist([NETWORK, TEMPERATURE], key="move_me")
    login(client, supervisor)
    page = client.post(f"/maintenance/templates/{first.id}/edit",
                       data=editor_form(first, [NETWORK, TEMPERATURE], action="up:1")).get_data(as_text=True)
    assert page.index('value="room_temp"') < page.index('value="network"')


def test_a_new_checklist_is_made_with_options_written_as_lines(client, supervisor):
    """Single-choice options typed one a line become options, a '| flag' one flags."""
    login(client, supervisor)
    choice = {"key": "view", "label_zh": "校方评价", "label_en": "School's view", "type": "single_choice",
              "required": True}
    data = editor_form(None, [choice], template_key="school_view")
    data["items-0-options"] = "good | 良好 | Good\n较差 | Poor | flag"
    response = client.post("/maintenance/templates/new", data=data)
    assert response.status_code == 302
    template = db.session.scalars(select(ChecklistTemplate).where(ChecklistTemplate.template_key == "school_view")).one()
    assert template.items[0]["options"] == [
        {"key": "good", "label_zh": "良好", "label_en": "Good", "flag": False},
        {"key": "poor", "label_zh": "较差", "label_en": "Poor", "flag": True},
    ]


# --- figures ----------------------------------------------------------------------------------


def test_figures_page_lists_each_technicians_month(client, supervisor, tech, school):
    """Last month's overdue patrol shows in last month's figures for the technician."""
    login(client, supervisor)
    today = local_today()
    year, month = shift_month(today.year, today.month, -1)
    page = client.get(f"/maintenance/figures?month={year:04d}-{month:02d}").get_data(as_text=True)
    assert tech.display_name in page and "tag-bad" in page


def test_a_refused_change_is_explained_on_the_visit_page(client, supervisor, school):
    """Rescheduling into the past: 400 and the reason shown, the date unchanged."""
    login(client, supervisor)
    visit = overdue_visit(school)
    old = visit.due_date
    response = client.post(f"/maintenance/visits/{visit.id}/reschedule?lang=en", data={
        "reschedule-new_date": (local_today() - timedelta(days=1)).isoformat(), "reschedule-reason": "late"})
    assert response.status_code == 400
    assert "The new date cannot be in the past." in response.get_data(as_text=True)
    db.session.expire_all()
    assert visit.due_date == old
