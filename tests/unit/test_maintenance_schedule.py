"""The visit calendar: generation once and only once, states, reschedule, reassign, plans, queries."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import is_postgres
from tests.support.factories import make_customer, make_plan, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.maintenance import generation
from webapp.maintenance.models import Visit
from webapp.maintenance.schedule import (
    calendar_query,
    cancel_visit,
    complete_visit,
    month_overview,
    overview_of,
    my_visits,
    reassign_visit,
    reschedule_visit,
    save_plan,
    visit_status_conditions,
)
from webapp.maintenance.generation import generate_visits, insert_visits_if_absent, refresh_visit_states


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the reader's language, so they run inside a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def tech():
    """A technician."""
    return make_user(Role.TECHNICIAN)


@pytest.fixture
def school(tech):
    """A school the technician looks after."""
    return make_customer(technicians=[tech])


def visits_of(customer, activity=None):
    """The customer's visits, by period key."""
    stmt = select(Visit).where(Visit.customer_id == customer.id).order_by(Visit.period_key)
    if activity:
        stmt = stmt.where(Visit.activity == activity)
    return list(db.session.scalars(stmt))


def test_monthly_visits_are_due_at_each_month_end_including_29_february_2028(school, tech):
    """A plan from December 2027 gets patrols due 31 Dec, 31 Jan, 29 Feb (leap year) and 31 Mar."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2027, 12, 1))
    generate_visits(date(2028, 3, 1), today=date(2027, 12, 1))
    db.session.commit()
    assert [(v.period_key, v.due_date) for v in visits_of(school)] == [
        ("2027-12", date(2027, 12, 31)),
        ("2028-01", date(2028, 1, 31)),
        ("2028-02", date(2028, 2, 29)),
        ("2028-03", date(2028, 3, 31)),
    ]


def test_quarterly_visits_are_due_at_quarter_ends(school, tech):
    """Quarterly inspections fall due on 31 Mar, 30 Jun, 30 Sep, 31 Dec."""
    make_plan(school, "quarterly_inspection", tech, start_date=date(2026, 1, 1))
    generate_visits(date(2026, 12, 31), today=date(2026, 1, 1))
    assert [v.due_date for v in visits_of(school)] == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31),
    ]


def test_running_the_generator_twice_creates_each_visit_once(school, tech):
    """The second run finds every period there and adds nothing."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 1, 1))
    first = generate_visits(date(2026, 12, 31), today=date(2026, 1, 1))
    db.session.commit()
    second = generate_visits(date(2026, 12, 31), today=date(2026, 1, 1))
    db.session.commit()
    assert (first, second) == (12, 0)
    assert len(visits_of(school)) == 12


def test_inserting_a_period_that_exists_is_skipped_by_the_database(school, tech):
    """Even without the generator's own check, the unique key makes the insert do nothing."""
    plan = make_plan(school, "monthly_patrol", tech, start_date=date(2026, 1, 1))
    generate_visits(date(2026, 1, 31), today=date(2026, 1, 1))
    db.session.commit()
    row = {"customer_id": school.id, "plan_id": plan.id, "activity": "monthly_patrol", "period_key": "2026-01",
           "original_due_date": date(2026, 1, 31), "due_date": date(2026, 1, 31), "assignee_id": tech.id,
           "state": "due", "done_on": None, "inspection_id": None, "history": []}
    assert insert_visits_if_absent([row]) == 0
    db.session.commit()
    assert len(visits_of(school)) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="SQLite has one writer; the PostgreSQL pass of `make test` runs this")
def test_two_generators_running_at_once_on_postgresql_create_each_visit_once(app, school, tech, monkeypatch):
    """Two threads read 'nothing there yet' at the same moment, then both insert: one set of visits."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 1, 1))
    make_plan(school, "quarterly_inspection", tech, start_date=date(2026, 1, 1))
    db.session.commit()
    both_have_read = threading.Barrier(2, timeout=20)
    original = generation._existing_visits

    def read_then_wait(customer_ids):
        """Let both generators see the empty calendar before either inserts."""
        known = original(customer_ids)
        both_have_read.wait()
        return known

    monkeypatch.setattr(generation, "_existing_visits", read_then_wait)
    created, errors = [], []

    def run():
        """One generator in its own app context, session and transaction."""
        try:
            with app.app_context():
                created.append(generate_visits(date(2026, 12, 31), today=date(2026, 1, 1)))
                db.session.commit()
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(created) == [0, 16]
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 16


def test_generated_visits_belong_to_the_plans_responsible_person(school, tech):
    """The plan's responsible technician is the assignee."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 3, 1))
    generate_visits(date(2026, 3, 1), today=date(2026, 3, 1))
    assert visits_of(school)[0].assignee_id == tech.id


def test_generated_visits_are_stamped_and_audited_like_every_synced_record(school, tech):
    """Bulk-inserted visits get version 1, a change_seq and a 'create' audit row."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 3, 1))
    generate_visits(date(2026, 3, 1), today=date(2026, 3, 1))
    db.session.commit()
    visit = visits_of(school)[0]
    assert visit.version == 1 and visit.change_seq > 0
    entry = db.session.scalars(select(AuditLog).where(AuditLog.entity_id == visit.id)).one()
    assert entry.action == "create"
    assert entry.changes["due_date"] == [None, "2026-03-31"]


def test_a_visit_generated_after_its_due_date_starts_overdue(school, tech):
    """Generating January's patrol on 5 February makes it overdue at once."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 1, 1))
    generate_visits(date(2026, 2, 5), today=date(2026, 2, 5))
    assert [(v.period_key, v.state) for v in visits_of(school)] == [("2026-01", "overdue"), ("2026-02", "due")]


def test_inactive_plans_generate_nothing(school, tech):
    """A stopped plan makes no visits."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 1, 1), active=False)
    assert generate_visits(date(2026, 12, 31), today=date(2026, 1, 1)) == 0


def test_first_semi_annual_maintenance_is_due_six_months_after_the_plan_starts(school, tech):
    """A plan starting 31 Aug 2026 has its first maintenance due 28 Feb 2027 (clamped)."""
    make_plan(school, "semi_annual_maintenance", tech, start_date=date(2026, 8, 31))
    generate_visits(date(2027, 12, 31), today=date(2026, 9, 1))
    assert [(v.period_key, v.due_date) for v in visits_of(school)] == [("2027-H1", date(2027, 2, 28))]


def test_only_one_semi_annual_maintenance_is_open_at_a_time(school, tech):
    """Running the generator far ahead adds no second maintenance while the first is open."""
    make_plan(school, "semi_annual_maintenance", tech, start_date=date(2026, 1, 10))
    generate_visits(date(2026, 12, 31), today=date(2026, 1, 10))
    generate_visits(date(2028, 12, 31), today=date(2026, 1, 10))
    assert len(visits_of(school)) == 1


def test_next_maintenance_is_due_six_months_after_the_last_done_31_august_to_end_of_february(school, tech):
    """Maintenance done on 31 Aug 2026 schedules the next for 28 Feb 2027."""
    make_plan(school, "semi_annual_maintenance", tech, start_date=date(2026, 3, 1))
    generate_visits(date(2026, 3, 1), today=date(2026, 3, 1))
    first = visits_of(school)[0]
    complete_visit(first, date(2026, 8, 31), tech, today=date(2026, 8, 31))
    db.session.commit()
    following = visits_of(school)[-1]
    assert (following.period_key, following.due_date) == ("2027-H1", date(2027, 2, 28))


def test_maintenance_done_late_moves_the_next_due_date_with_it(school, tech):
    """Done on 15 Oct (due 1 Sep): the next is due 15 Apr, six months from when it was done."""
    make_plan(school, "semi_annual_maintenance", tech, start_date=date(2026, 3, 1))
    generate_visits(date(2026, 3, 1), today=date(2026, 3, 1))
    complete_visit(visits_of(school)[0], date(2026, 10, 15), tech, today=date(2026, 10, 15))
    assert visits_of(school)[-1].due_date == date(2027, 4, 15)


def test_states_become_overdue_only_after_the_due_day(school, tech):
    """On the due day a visit is still due; the day after it is overdue."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    visit = visits_of(school)[0]
    refresh_visit_states(date(2026, 11, 30))
    assert visit.state == "due"
    refresh_visit_states(date(2026, 12, 1))
    assert visit.state == "overdue"


def test_done_visits_never_become_overdue(school, tech):
    """A visit done on time stays done after its due date."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    visit = visits_of(school)[0]
    complete_visit(visit, date(2026, 11, 20), tech, today=date(2026, 11, 20))
    refresh_visit_states(date(2026, 12, 5))
    assert visit.state == "done"


def test_reschedule_moves_the_date_and_keeps_the_reason_in_history(school, tech):
    """The new date applies, the computed date is kept, and the reason is in the history."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    visit = visits_of(school)[0]
    supervisor = make_user(Role.SUPERVISOR)
    reschedule_visit(visit, date(2026, 12, 4), "学校期中考试，机房封闭", supervisor, today=date(2026, 11, 20))
    db.session.commit()
    assert (visit.due_date, visit.original_due_date) == (date(2026, 12, 4), date(2026, 11, 30))
    last = visit.history[-1]
    assert (last["action"], last["from"], last["to"], last["reason"]) == (
        "rescheduled", "2026-11-30", "2026-12-04", "学校期中考试，机房封闭")
    assert last["by"] == supervisor.id


def test_reschedule_without_a_reason_is_refused(school, tech):
    """A new date needs a reason."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    with pytest.raises(DomainError) as err:
        reschedule_visit(visits_of(school)[0], date(2026, 12, 4), "  ", tech, today=date(2026, 11, 20))
    assert err.value.code == "reason_required"


def test_rescheduling_an_overdue_visit_to_a_later_day_makes_it_due_again(school, tech):
    """An overdue visit moved to next week is due, not overdue."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 10, 1))
    generate_visits(date(2026, 10, 1), today=date(2026, 11, 3))
    visit = visits_of(school)[0]
    assert visit.state == "overdue"
    reschedule_visit(visit, date(2026, 11, 10), "Customer asked for a later day", tech, today=date(2026, 11, 3))
    assert visit.state == "due"


def test_closed_visits_cannot_be_rescheduled(school, tech):
    """A done visit keeps its date."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    visit = visits_of(school)[0]
    complete_visit(visit, date(2026, 11, 5), tech, today=date(2026, 11, 5))
    with pytest.raises(DomainError) as err:
        reschedule_visit(visit, date(2026, 12, 4), "late", tech, today=date(2026, 11, 5))
    assert err.value.code == "visit_closed"


def test_reassign_to_a_technician_of_another_school_is_refused(school, tech):
    """Only people responsible for the customer can be given its visits."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    stranger = make_user(Role.TECHNICIAN)
    with pytest.raises(DomainError) as err:
        reassign_visit(visits_of(school)[0], stranger.id, tech)
    assert err.value.code == "invalid_assignee"


def test_reassign_is_kept_in_history_and_the_audit_log(school, tech):
    """The new assignee applies; history and audit log say who changed it."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    db.session.commit()
    colleague = make_user(Role.TECHNICIAN, customers=[school])
    supervisor = make_user(Role.SUPERVISOR)
    visit = visits_of(school)[0]
    reassign_visit(visit, colleague.id, supervisor, reason="张工休假")
    db.session.commit()
    assert visit.assignee_id == colleague.id
    assert visit.history[-1]["action"] == "reassigned" and visit.history[-1]["reason"] == "张工休假"
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_id == visit.id, AuditLog.action == "update")
    ).one()
    assert entry.changes["assignee_id"] == [tech.id, colleague.id]


def test_cancel_needs_a_reason(school, tech):
    """Calling a visit off without saying why is refused."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    with pytest.raises(DomainError) as err:
        cancel_visit(visits_of(school)[0], "", tech)
    assert err.value.code == "reason_required"


def test_a_visit_cannot_be_done_in_the_future(school, tech):
    """Recording a visit done tomorrow is refused."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    with pytest.raises(DomainError) as err:
        complete_visit(visits_of(school)[0], date(2026, 11, 21), tech, today=date(2026, 11, 20))
    assert err.value.code == "date_in_future"


def test_stopping_a_plan_cancels_its_visits_not_yet_due_and_restarting_reopens_them(school, tech):
    """Stop: next month's patrol is cancelled (the overdue one stays); start again: it is due again."""
    save_plan(school, "monthly_patrol", active=True, responsible_id=tech.id, start_date=date(2026, 10, 1),
              by=tech, today=date(2026, 11, 5))
    generate_visits(date(2026, 11, 5), today=date(2026, 11, 5))
    save_plan(school, "monthly_patrol", active=False, responsible_id=tech.id, start_date=None, by=tech,
              today=date(2026, 11, 5))
    assert [v.state for v in visits_of(school)] == ["overdue", "cancelled"]
    save_plan(school, "monthly_patrol", active=True, responsible_id=tech.id, start_date=None, by=tech,
              today=date(2026, 11, 6))
    assert [v.state for v in visits_of(school)] == ["overdue", "due"]


def test_a_new_responsible_person_takes_over_the_open_visits(school, tech):
    """Changing the plan's owner reassigns its open visits, with a history entry."""
    colleague = make_user(Role.TECHNICIAN, customers=[school])
    save_plan(school, "monthly_patrol", active=True, responsible_id=tech.id, start_date=date(2026, 11, 1),
              by=tech, today=date(2026, 11, 1))
    generate_visits(date(2026, 12, 1), today=date(2026, 11, 1))
    save_plan(school, "monthly_patrol", active=True, responsible_id=colleague.id, start_date=None, by=tech,
              today=date(2026, 11, 2))
    assert {v.assignee_id for v in visits_of(school)} == {colleague.id}
    assert visits_of(school)[0].history[-1]["auto"] == "plan_owner_changed"


def test_my_visits_splits_overdue_today_this_week_and_coming_up(school, tech):
    """On Mon 30 Nov 2026: October's patrol is overdue, November's due today, December's coming up."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 10, 1))
    make_plan(school, "quarterly_inspection", tech, start_date=date(2026, 10, 1))
    generate_visits(date(2026, 12, 31), today=date(2026, 11, 30))
    visit = next(v for v in visits_of(school) if v.period_key == "2026-Q4")
    reschedule_visit(visit, date(2026, 12, 3), "Earlier, with the headmaster", tech, today=date(2026, 11, 30))
    groups = my_visits(tech, today=date(2026, 11, 30))
    keys = {name: [v.period_key for v in visits] for name, visits in groups.items()}
    assert keys == {"overdue": ["2026-10"], "today": ["2026-11"], "week": ["2026-Q4"], "upcoming": ["2026-12"]}


def test_my_visits_shows_only_my_own(school, tech):
    """A colleague's visits are not in my list."""
    colleague = make_user(Role.TECHNICIAN, customers=[school])
    make_plan(school, "monthly_patrol", colleague, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    assert sum(len(v) for v in my_visits(tech, today=date(2026, 11, 20)).values()) == 0


def test_month_overview_lists_schools_with_overdue_first_including_last_months_leftovers(tech):
    """In November, a school with October's patrol still open comes first, counted as overdue."""
    late = make_customer(name="Z 中学", technicians=[tech])
    fine = make_customer(name="A 小学", technicians=[tech])
    make_plan(late, "monthly_patrol", tech, start_date=date(2026, 10, 1))
    make_plan(fine, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 30), today=date(2026, 11, 10))
    overview = month_overview(2026, 11, today=date(2026, 11, 10))
    assert [row.customer.name for row in overview.rows] == ["Z 中学", "A 小学"]
    assert [v.period_key for v in overview.rows[0].cells["monthly_patrol"]] == ["2026-10", "2026-11"]
    assert overview.overdue == 1


def test_the_overdue_status_keeps_only_late_visits(tech):
    """The calendar's overdue status leaves out visits that are not late."""
    school = make_customer(technicians=[tech])
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 10, 1))
    generate_visits(date(2026, 11, 30), today=date(2026, 11, 10))
    today = date(2026, 11, 10)
    stmt = calendar_query(date(2026, 11, 1), date(2026, 11, 30), today).where(visit_status_conditions(today)["overdue"])
    overview = overview_of(db.session.scalars(stmt), 2026, 11, today)
    assert [v.period_key for row in overview.rows for v in row.cells["monthly_patrol"]] == ["2026-10"]
