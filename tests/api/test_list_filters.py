"""The visit calendar, the audit log and the device list on the shared list filters (school,
technician, status, dates; webapp/listing.py): each filter narrows the page, and the Excel file
holds exactly the rows the filters keep."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.api.test_office_lists import rows_of
from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_device, make_plan, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.models import Visit


@pytest.fixture
def district(app):
    """Two schools, each with its own technician and monthly patrols in March and April 2025;
    East's March patrol is done, the rest are open (and so overdue)."""
    d = make_district()
    d.tech2 = make_user(Role.TECHNICIAN, customers=[d.other])
    make_plan(d.mine, "monthly_patrol", d.tech, start_date=date(2025, 3, 1))
    make_plan(d.other, "monthly_patrol", d.tech2, start_date=date(2025, 3, 1))
    with app.test_request_context():
        generate_visits(date(2025, 4, 30), today=date(2025, 3, 1))
    d.visits = {(v.customer_id, v.period_key): v for v in db.session.scalars(select(Visit))}
    done = d.visits[(d.mine.id, "2025-03")]
    done.state, done.done_on = "done", date(2025, 3, 12)
    db.session.commit()
    return d


def visit_links(html: str) -> set[str]:
    """The ids of the visits the calendar page links to."""
    return {part.split('"')[0] for part in html.split('href="/maintenance/visits/')[1:]}


def after_filters(html: str) -> str:
    """The page below its filter bar (what it lists; flash messages and choices left out)."""
    return html.split('role="search"')[1].split("</form>", 1)[1]


def calendar_ids(web, district, query: str) -> set[str]:
    """The visits the calendar lists for a query."""
    response = web.get(f"/maintenance/calendar?{query}")
    assert response.status_code == 200
    return visit_links(response.get_data(as_text=True))


def test_the_calendar_filters_by_school_technician_status_and_dates(web, district):
    """March 2025: both schools; by school, technician or status one patrol each; a range across
    March and April shows all four, one starting in April only April's."""
    sign_in(web, district.supervisor)
    v = district.visits
    east_march, west_march = v[(district.mine.id, "2025-03")].id, v[(district.other.id, "2025-03")].id
    assert calendar_ids(web, district, "month=2025-03") == {east_march, west_march}
    assert calendar_ids(web, district, f"month=2025-03&school={district.mine.id}") == {east_march}
    assert calendar_ids(web, district, f"month=2025-03&technician={district.tech2.id}") == {west_march}
    assert calendar_ids(web, district, "month=2025-03&status=done") == {east_march}
    assert calendar_ids(web, district, "month=2025-03&status=overdue") == {west_march}
    assert calendar_ids(web, district, "date_from=2025-03-01&date_to=2025-04-30") == {x.id for x in v.values()}
    assert calendar_ids(web, district, "date_from=2025-04-01") == {
        v[(district.mine.id, "2025-04")].id, v[(district.other.id, "2025-04")].id}


def test_the_calendar_shows_the_shared_filter_bar_and_its_export_link(web, district):
    """The page has the school, technician, status and date fields and an export of the same filters."""
    sign_in(web, district.supervisor)
    html = web.get(f"/maintenance/calendar?month=2025-03&school={district.mine.id}&lang=en").get_data(as_text=True)
    for name in ("school", "technician", "status", "date_from", "date_to"):
        assert f'name="{name}"' in html
    assert f"school={district.mine.id}" in html.split('class="list-filter-actions"')[1].split("</div>")[0]
    assert "format=xlsx" in html
    assert '<p class="print-only list-filter-summary">School: 东湖小学</p>' in html


def test_the_calendar_exports_the_filtered_visits(web, district):
    """One technician over March and April: his two patrols, by date, with school, assignee and state."""
    sign_in(web, district.supervisor)
    rows = rows_of(web.get(f"/maintenance/calendar?date_from=2025-03-01&date_to=2025-04-30"
                           f"&technician={district.tech2.id}&lang=en&format=xlsx"))
    assert [(r[1], r[3], r[4]) for r in rows] == [("西山中学", district.tech2.display_name, "Overdue")] * 2
    assert [r[0].date() for r in rows] == [district.visits[(district.other.id, p)].due_date for p in ("2025-03", "2025-04")]
    done = rows_of(web.get("/maintenance/calendar?month=2025-03&status=done&lang=en&format=xlsx"))
    assert [(r[1], r[4], r[5].date()) for r in done] == [("东湖小学", "Done", date(2025, 3, 12))]


def test_the_audit_log_filters_and_exports_through_the_shared_form(web, district):
    """A retirement at West on 10 March 2025, kept by school, action, dates, record type and person,
    in the page and in the file; another school or day leaves it out."""
    sign_in(web, district.office)
    assert web.post(f"/archive/device/{district.other_device.id}/retire").status_code == 302
    assert web.post(f"/archive/device/{district.device.id}/retire").status_code == 302
    entry = db.session.scalars(select(AuditLog).where(AuditLog.entity_id == district.other_device.id,
                                                  AuditLog.action == "retire")).one()
    entry.at = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
    db.session.commit()
    sign_in(web, district.supervisor)
    query = (f"school={district.other.id}&status=retire&date_from=2025-03-10&date_to=2025-03-10"
             f"&entity=device&user={district.office.id}&lang=en")
    html = web.get(f"/audit?{query}").get_data(as_text=True)
    assert 'class="list-filters' in html and 'name="school"' in html and 'name="entity"' in html
    listed = after_filters(html)
    assert district.other_device.name in listed and district.device.name not in listed
    rows = rows_of(web.get(f"/audit?{query}&format=xlsx"))
    assert [(r[1], r[2]) for r in rows] == [(district.office.display_name, "Retired")]
    assert district.other_device.name in rows[0][3]
    march_10 = "date_from=2025-03-10&date_to=2025-03-10"
    assert rows_of(web.get(f"/audit?school={district.mine.id}&status=retire&{march_10}&format=xlsx")) == []
    later = "date_from=2025-03-11&date_to=2025-12-31"
    assert rows_of(web.get(f"/audit?school={district.other.id}&{later}&format=xlsx")) == []


def test_the_device_list_filters_and_exports_through_the_shared_form(web, district):
    """By school, by the technician's schools, retired or in service, and install dates: the
    page and the file keep the same devices."""
    west_new = make_device(district.other, name="新装交换机", serial="NEW-1", install_date=date(2025, 6, 1))
    old = make_device(district.mine, name="旧录像机", serial="OLD-1")
    db.session.commit()
    sign_in(web, district.office)
    assert web.post(f"/archive/device/{old.id}/retire").status_code == 302

    def serials(query: str) -> list[str]:
        """The serials in the export of a query (and the page lists the same names)."""
        rows = rows_of(web.get(f"/devices?{query}&format=xlsx"))
        html = after_filters(web.get(f"/devices?{query}").get_data(as_text=True))
        for name in ("核心交换机", "北门枪机-07", "新装交换机", "旧录像机"):
            assert (name in html) == (name in [r[1] for r in rows]), (query, name)
        return sorted(r[5] for r in rows)

    assert serials(f"school={district.mine.id}") == ["HW-0001"]
    assert serials(f"technician={district.tech2.id}") == ["HK-0002", "NEW-1"]
    assert serials("status=retired") == ["OLD-1"]
    assert serials(f"status=&school={district.mine.id}") == ["HW-0001", "OLD-1"]
    assert serials("date_from=2025-01-01&date_to=2025-12-31") == ["NEW-1"]
    assert serials(f"q=交换机&technician={district.tech2.id}") == ["NEW-1"]
    assert west_new.install_date == date(2025, 6, 1)


def test_old_links_to_the_audit_log_and_devices_still_filter(web, district):
    """`customer=` (the name before the shared filters) still means the school."""
    sign_in(web, district.office)
    rows = rows_of(web.get(f"/devices?customer={district.other.id}&format=xlsx"))
    assert [r[5] for r in rows] == ["HK-0002"]
