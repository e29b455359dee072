"""Quality figures per technician and month: on time, late, overdue, flagged findings."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.factories import make_checklist, make_customer, make_plan, make_sheet, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.figures import technician_month_figures
from webapp.maintenance.models import Visit
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.schedule import complete_visit

NETWORK = {"key": "network", "label_zh": "网络", "label_en": "Network", "type": "pass_flag_fail", "required": True}
HAZARDS = {"key": "hazards", "label_zh": "安全隐患", "label_en": "Hazards", "type": "yes_no", "flag_on": "yes",
           "required": True}


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the reader's language, so they run inside a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def tech():
    """A technician with three schools on monthly patrols from November 2026."""
    tech = make_user(Role.TECHNICIAN)
    for _ in range(3):
        make_plan(make_customer(technicians=[tech]), "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    db.session.commit()
    return tech


def november_visits():
    """The three November patrols."""
    return list(db.session.scalars(select(Visit).where(Visit.period_key == "2026-11").order_by(Visit.id)))


def test_visits_done_by_the_due_date_count_as_on_time_and_after_as_late(tech):
    """One done on 30 Nov (on time), one on 2 Dec (late), one still open on 5 Dec (overdue)."""
    on_time, late, _open = november_visits()
    complete_visit(on_time, date(2026, 11, 30), tech, today=date(2026, 11, 30))
    complete_visit(late, date(2026, 12, 2), tech, today=date(2026, 12, 2))
    (row,) = technician_month_figures(2026, 11, today=date(2026, 12, 5))
    assert (row.due, row.done_on_time, row.done_late, row.overdue, row.pending) == (3, 1, 1, 1, 0)


def test_open_visits_not_yet_due_are_pending_not_overdue(tech):
    """Mid-month nothing is overdue yet."""
    (row,) = technician_month_figures(2026, 11, today=date(2026, 11, 15))
    assert (row.overdue, row.pending) == (0, 3)


def test_flagged_items_on_sheets_finished_in_the_month_are_counted(tech):
    """A patrol with two findings adds one sheet and two flagged items to the month."""
    visit = november_visits()[0]
    template = make_checklist([NETWORK, HAZARDS], key="fig")
    make_sheet(tech, template, visit.customer, {
        "network": {"value": "fail", "note": "交换机端口故障"},
        "hazards": {"value": "yes", "note": "机柜下方有积水"},
    }, visit=visit, finished_at=datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc))
    (row,) = technician_month_figures(2026, 11, today=date(2026, 11, 18))
    assert (row.inspections, row.flagged_items, row.done_on_time) == (1, 2, 1)


def test_figures_can_be_asked_for_one_person(tech):
    """Asking for someone with no visits returns nothing."""
    other = make_user(Role.TECHNICIAN)
    assert technician_month_figures(2026, 11, today=date(2026, 11, 15), user_id=other.id) == []
