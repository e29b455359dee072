"""The office lists share one filter bar (school, technician, status, dates), export to Excel and print."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_checklist, make_sheet, make_user
from tests.support.repair_builders import make_ticket
from webapp.auth.models import Role
from webapp.extensions import db


@pytest.fixture
def lists(app):
    """Two schools; a ticket at each, in different months and with different technicians."""
    d = make_district()
    d.tech2 = make_user(Role.TECHNICIAN, customers=[d.other])
    d.east_ticket = make_ticket(d.mine, assigned_to=d.tech, reported_at=datetime(2026, 10, 5, 2, tzinfo=UTC))
    d.west_ticket = make_ticket(d.other, assigned_to=d.tech2, reported_at=datetime(2026, 11, 20, 2, tzinfo=UTC))
    d.east_ticket.description, d.west_ticket.description = "东湖投影仪", "西山交换机"
    d.west_ticket.status = "closed"
    db.session.commit()
    return d


def rows_of(response) -> list[list]:
    """The data rows of an exported .xlsx (the header row left out)."""
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("query,shown,hidden", [
    ("status=&school={mine}", "东湖投影仪", "西山交换机"),
    ("status=&technician={tech2}", "西山交换机", "东湖投影仪"),
    ("status=closed", "西山交换机", "东湖投影仪"),
    ("status=&date_from=2026-11-01&date_to=2026-11-30", "西山交换机", "东湖投影仪"),
])
def test_the_inbox_filters_by_school_technician_status_and_dates(web, lists, query, shown, hidden):
    """Each filter keeps the matching ticket and drops the other."""
    sign_in(web, lists.office)
    url = "/repairs?" + query.format(mine=lists.mine.id, tech2=lists.tech2.id)
    html = web.get(url).get_data(as_text=True)
    assert shown in html and hidden not in html


def test_the_inbox_still_lists_not_closed_tickets_by_default(web, lists):
    """Without a status the inbox shows what is not closed, as before."""
    sign_in(web, lists.office)
    html = web.get("/repairs").get_data(as_text=True)
    assert "东湖投影仪" in html and "西山交换机" not in html


def test_a_date_that_does_not_parse_is_explained_and_left_out(web, lists):
    """2026-13-01 is shown as an error under its field; the list still answers, unfiltered by it."""
    sign_in(web, lists.office)
    response = web.get("/repairs?status=&date_from=2026-13-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid date value." in html
    assert "东湖投影仪" in html and "西山交换机" in html


def test_an_end_before_the_start_is_explained(web, lists):
    """The range 30 Nov to 1 Nov says the end comes first."""
    sign_in(web, lists.office)
    html = web.get("/repairs?status=&date_from=2026-11-30&date_to=2026-11-01").get_data(as_text=True)
    assert "The end date comes before the start date." in html


def test_the_inbox_exports_what_its_filters_keep(web, lists):
    """The Excel file holds the filtered tickets, every one (not one page), with names, not ids."""
    sign_in(web, lists.office)
    page = web.get(f"/repairs?status=&school={lists.other.id}").get_data(as_text=True)
    assert f"format=xlsx" in page
    rows = rows_of(web.get(f"/repairs?status=&school={lists.other.id}&format=xlsx"))
    assert len(rows) == 1
    number, reported, school, _device, description, status, _source, technician = rows[0]
    assert (number, school, description, technician) == (
        lists.west_ticket.number, "西山中学", "西山交换机", lists.tech2.display_name)
    assert reported == "2026-11-20 10:00"  # the site's time, Beijing


def test_the_sheet_list_filters_by_technician_and_exports(web, lists):
    """Sheets by one technician only, on the page and in the file."""
    template = make_checklist()
    make_sheet(lists.tech, template, lists.mine, {"works": {"value": "pass"}})
    make_sheet(lists.tech2, template, lists.other, {"works": {"value": "pass"}})
    sign_in(web, lists.supervisor)
    html = web.get(f"/maintenance/review?state=all&technician={lists.tech2.id}").get_data(as_text=True)
    listed = html.split('class="list card review-items"')[1]
    assert "西山中学" in listed and "东湖小学" not in listed
    rows = rows_of(web.get(f"/maintenance/review?state=all&technician={lists.tech2.id}&format=xlsx"))
    assert [(r[1], r[3]) for r in rows] == [("西山中学", lists.tech2.display_name)]


def test_the_audit_log_exports_readable_changes(web, lists):
    """The audit export says who changed what from what to what, as the page does."""
    sign_in(web, lists.supervisor)
    rows = rows_of(web.get(f"/audit?customer={lists.other.id}&format=xlsx"))
    assert rows and all(r[1] for r in rows)
    assert any("Name: — → 西山中学" in (r[4] or "") for r in rows)


def test_pages_link_the_print_stylesheet(web, lists):
    """Every page carries the print stylesheet, for paper only; it hides the filters and menus."""
    sign_in(web, lists.office)
    html = web.get("/repairs").get_data(as_text=True)
    assert 'media="print" href="/static/css/print.css"' in html
    css = web.get("/static/css/print.css").get_data(as_text=True)
    assert ".list-filters" in css and ".topbar" in css


def test_the_device_list_exports_what_its_search_keeps(web, lists):
    """The device search's Excel file holds the devices of the chosen school, by name."""
    sign_in(web, lists.office)
    rows = rows_of(web.get(f"/devices?customer={lists.mine.id}&format=xlsx"))
    assert [(r[0], r[1], r[5]) for r in rows] == [("东湖小学", "核心交换机", "HW-0001")]
