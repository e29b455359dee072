"""The working calendar: statutory holidays and make-up days, entered years, the Monday–Friday fallback."""
from datetime import date, datetime, timezone

import re

import pytest
from sqlalchemy import select

from tests.support.factories import login, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.workcal.models import WorkCalendarYear
from webapp.workcal.services import (
    WorkCalendar,
    add_working_days,
    calendar_status,
    calendar_warning,
    format_days,
    is_working_day,
    package_year,
    parse_year,
    remove_year,
    save_year,
    working_days_between,
)


def package_only() -> WorkCalendar:
    """A calendar with nothing entered in the app: the package, else Monday–Friday."""
    return WorkCalendar(loader=lambda year: None)


# A made-up 2027 notice, as an administrator would paste it (the real one is not out yet).
HOLIDAYS_2027 = """2027-01-01..2027-01-03 元旦
2027-02-05..2027-02-13 春节
2027-10-01..2027-10-07 国庆节"""
MAKEUP_2027 = """2027-02-20 春节
2027-09-26 国庆节
2027-10-09 国庆节"""


def sign_in(client, role):
    """Sign a new user of this role in, with English pages (the default language is Chinese)."""
    user = make_user(role)
    login(client, user)
    client.get("/settings?lang=en")
    return user


def enter_2027(user=None):
    """Enter the made-up 2027 calendar through the service and commit."""
    parsed = parse_year(2027, HOLIDAYS_2027, MAKEUP_2027)
    assert not parsed.errors
    save_year(2027, parsed.holidays, parsed.makeup_days, "国办发明电〔2026〕X号 (test)", user)
    db.session.commit()


# --------------------------------------------------------------------------- the package's years


def test_national_day_2025_is_a_holiday():
    """1 October 2025 is a holiday in the official calendar."""
    assert not is_working_day(date(2025, 10, 1), package_only())


def test_makeup_sunday_before_national_day_2025_is_a_working_day():
    """Sunday 28 September 2025 was a make-up working day (调休)."""
    result = is_working_day(date(2025, 9, 28), package_only())
    assert result.value is True and not result.assumed


def test_makeup_saturday_after_national_day_2025_is_a_working_day():
    """Saturday 11 October 2025 was a make-up working day."""
    assert is_working_day(date(2025, 10, 11), package_only()).value is True


def test_ordinary_weekend_is_not_a_working_day():
    """An ordinary Saturday is a day off."""
    assert is_working_day(date(2025, 11, 15), package_only()).value is False


def test_the_day_sent_is_not_counted():
    """The first working day after Friday 26 Sep 2025 is the make-up Sunday 28 Sep, not the Friday itself."""
    assert add_working_days(date(2025, 9, 26), 1, package_only()).value == date(2025, 9, 28)


def test_ten_working_days_across_national_day_2025():
    """Sent Tue 30 Sep 2025: Oct 1–8 are off, Sat 11 Oct counts, so day 10 is Tue 21 Oct."""
    assert add_working_days(date(2025, 9, 30), 10, package_only()).value == date(2025, 10, 21)


def test_ten_working_days_across_national_day_2026():
    """Sent Wed 30 Sep 2026: Oct 1–7 are off, Sat 10 Oct counts, so day 10 is Tue 20 Oct."""
    assert add_working_days(date(2026, 9, 30), 10, package_only()).value == date(2026, 10, 20)


def test_makeup_sunday_before_national_day_2026_counts():
    """Sunday 20 September 2026 is a make-up day: the first working day after Fri 18 Sep."""
    assert add_working_days(date(2026, 9, 18), 1, package_only()).value == date(2026, 9, 20)


def test_spring_festival_2026_holidays_and_makeup_days():
    """2026-02-15..23 are off; Saturdays 14 and 28 February are make-up working days."""
    cal = package_only()
    assert [is_working_day(date(2026, 2, d), cal).value for d in (14, 15, 23, 24, 28)] == [
        True, False, False, True, True,
    ]


def test_ten_working_days_across_spring_festival_2026():
    """Sent Fri 13 Feb 2026: 14 Feb (Sat) counts, 15–23 do not, 28 Feb counts: day 10 is Thu 5 Mar."""
    assert add_working_days(date(2026, 2, 13), 10, package_only()).value == date(2026, 3, 5)


def test_working_days_between_is_the_inverse_of_adding():
    """Counting (a, b] gives back n for every start around both holidays."""
    cal = package_only()
    for start in (date(2025, 9, 26), date(2025, 9, 30), date(2026, 2, 12), date(2026, 9, 30)):
        for n in (0, 1, 5, 10):
            assert working_days_between(start, add_working_days(start, n, cal).value, cal).value == n


def test_working_days_between_counts_makeup_days_and_skips_holidays():
    """From Fri 26 Sep to Sun 12 Oct 2025: 28, 29, 30 Sep and 9, 10, 11 Oct — six days."""
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 12), package_only()).value == 6


def test_working_days_between_backwards_is_negative():
    """A range given backwards counts negatively."""
    assert working_days_between(date(2025, 10, 12), date(2025, 9, 26), package_only()).value == -6


def test_known_year_status_is_official():
    """A year the package knows is 'official'."""
    assert calendar_status(2026, package_only()) == "official"


def test_datetimes_are_refused():
    """A datetime is refused: the caller must pick the local date on purpose."""
    with pytest.raises(TypeError):
        add_working_days(datetime(2025, 9, 30, 3, tzinfo=timezone.utc), 10, package_only())


def test_negative_count_is_refused():
    """Adding a negative number of working days is a programming error."""
    with pytest.raises(ValueError):
        add_working_days(date(2025, 9, 30), -1, package_only())


def test_package_year_lists_makeup_days():
    """The package's 2026 make-up days are the ones the State Council announced."""
    assert sorted(package_year(2026).makeup_days) == [
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
        date(2026, 9, 20), date(2026, 10, 10),
    ]


# --------------------------------------------------------------------------- a year nobody knows


def test_unknown_year_is_assumed():
    """2027 with nothing entered: the package raises, so the status is 'assumed'."""
    assert calendar_status(2027, package_only()) == "assumed"


def test_unknown_year_falls_back_to_monday_to_friday():
    """1 October 2027 (a Friday) counts as a working day when nothing is entered, and says so."""
    result = is_working_day(date(2027, 10, 1), package_only())
    assert result.value is True and result.assumed_years == (2027,)


def test_adding_in_an_unknown_year_warns():
    """Ten working days from Thu 30 Sep 2027 on plain Monday–Friday is Thu 14 Oct, with a warning."""
    result = add_working_days(date(2027, 9, 30), 10, package_only())
    assert result.value == date(2027, 10, 14)
    assert result.assumed and "2027" in result.warning


def test_crossing_into_an_unknown_year_names_that_year():
    """From late December 2026 into January 2027: only 2027 is assumed."""
    result = add_working_days(date(2026, 12, 28), 10, package_only())
    assert result.assumed_years == (2027,)


def test_known_year_gives_no_warning():
    """A range inside a known year carries no warning."""
    result = add_working_days(date(2026, 3, 2), 10, package_only())
    assert not result.assumed and result.warning is None


def test_calendar_warning_is_none_without_years():
    """No assumed years, no warning."""
    assert calendar_warning([]) is None


# --------------------------------------------------------------------------- entered years


def test_entered_year_is_used(app):
    """After an administrator enters 2027, 1 October 2027 is a holiday and the status is 'entered'."""
    enter_2027()
    result = is_working_day(date(2027, 10, 1))
    assert result.value is False and not result.assumed
    assert calendar_status(2027) == "entered"


def test_entered_makeup_day_counts(app):
    """An entered make-up Saturday (9 Oct 2027) is a working day."""
    enter_2027()
    assert is_working_day(date(2027, 10, 9)).value is True


def test_ten_working_days_in_an_entered_year(app):
    """Sent Thu 30 Sep 2027 with the entered notice: Sun 26 Sep is before, Oct 1–7 off, Sat 9 Oct counts.

    Working days after 30 Sep: 8, 9(Sat), 11, 12, 13, 14, 15, 18, 19, 20 → Wed 20 Oct, no warning.
    """
    enter_2027()
    result = add_working_days(date(2027, 9, 30), 10)
    assert result.value == date(2027, 10, 20) and not result.assumed


def test_entered_year_overrides_the_package(app):
    """An entry for a year the package knows wins: here 2 March 2026 made a holiday."""
    save_year(2026, {date(2026, 3, 2): "测试"}, {}, "", None)
    db.session.commit()
    assert is_working_day(date(2026, 3, 2)).value is False
    assert calendar_status(2026) == "entered"


def test_removing_an_entry_restores_the_fallback(app):
    """Removing the 2027 entry makes 2027 'assumed' again."""
    enter_2027()
    remove_year(2027, None)
    db.session.commit()
    assert calendar_status(2027) == "assumed"


def test_entering_a_year_is_audited(app):
    """Saving a year writes an audit entry with the new holidays."""
    user = make_user(Role.ADMIN)
    enter_2027(user)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.entity == "work_calendar_year")).one()
    assert entry.changes["holidays"][1][0] == {"date": "2027-01-01", "name": "元旦"}


# --------------------------------------------------------------------------- parsing the admin's text


def test_parse_expands_ranges_with_names():
    """A range line becomes one entry per day, each with the line's name."""
    parsed = parse_year(2027, "2027-10-01..2027-10-07 国庆节", "")
    assert len(parsed.holidays) == 7 and parsed.holidays[date(2027, 10, 7)] == "国庆节"


def test_parse_accepts_chinese_dates_and_separators():
    """'2027年10月1日至2027年10月3日 国庆节' is understood."""
    parsed = parse_year(2027, "2027年10月1日至2027年10月3日 国庆节", "")
    assert sorted(parsed.holidays) == [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]


def test_parse_refuses_dates_outside_the_year():
    """A 2026 date in the 2027 form is an error."""
    parsed = parse_year(2027, "2026-12-31 元旦", "")
    assert "only dates in 2027" in parsed.errors["holidays"][0]


def test_parse_refuses_a_day_both_holiday_and_makeup():
    """The same day cannot be a holiday and a make-up working day."""
    parsed = parse_year(2027, "2027-10-01..2027-10-07 国庆节", "2027-10-02 国庆节")
    assert "both a holiday and a make-up working day" in parsed.errors["makeup_days"][0]


def test_parse_refuses_nonsense():
    """A line that is not a date is reported with its line number."""
    parsed = parse_year(2027, "2027-01-01 元旦\nnext friday", "")
    assert parsed.errors["holidays"][0].startswith("Line 2")


def test_parse_refuses_impossible_dates():
    """30 February does not exist."""
    parsed = parse_year(2027, "2027-02-30 春节", "")
    assert "does not exist" in parsed.errors["holidays"][0]


def test_parse_refuses_a_backwards_range():
    """A range that ends before it starts is an error."""
    parsed = parse_year(2027, "2027-10-07..2027-10-01 国庆节", "")
    assert "ends before it starts" in parsed.errors["holidays"][0]


def test_parse_warns_about_a_weekday_makeup_day():
    """A make-up day on a Wednesday is allowed but warned about."""
    parsed = parse_year(2027, "2027-10-01 国庆节", "2027-10-13 国庆节")
    assert not parsed.errors and "weekday" in parsed.warnings[0]


def test_format_days_joins_runs_into_ranges():
    """Consecutive days with one name are written as one range line."""
    days = parse_year(2027, HOLIDAYS_2027, "").holidays
    assert format_days(days) == HOLIDAYS_2027


# --------------------------------------------------------------------------- the admin page


def test_years_page_shows_each_source(app, client):
    """A supervisor sees 2026 as official and an unentered 2027 as assumed."""
    sign_in(client, Role.SUPERVISOR)
    page = client.get("/admin/calendar/").get_data(as_text=True)
    assert "Official (package)" in page and "Assumed Monday to Friday" in page


def test_year_page_shows_the_package_for_comparison(app, client):
    """The 2026 page lists the package's Spring Festival range and make-up days."""
    sign_in(client, Role.ADMIN)
    page = client.get("/admin/calendar/2026").get_data(as_text=True)
    assert "2026-02-15..2026-02-23 Spring Festival" in page and "2026-02-28 Spring Festival" in page


def test_admin_enters_a_year(app, client):
    """An administrator pastes the 2027 notice; the year becomes 'entered' and is used."""
    sign_in(client, Role.ADMIN)
    response = client.post(
        "/admin/calendar/2027",
        data={"holidays": HOLIDAYS_2027, "makeup_days": MAKEUP_2027, "note": "test notice"},
    )
    assert response.status_code == 302
    assert calendar_status(2027) == "entered"
    assert is_working_day(date(2027, 10, 1)).value is False


def test_invalid_entry_shows_errors_and_saves_nothing(app, client):
    """A date outside the year and a day both holiday and make-up day are shown; nothing is saved."""
    sign_in(client, Role.SUPERVISOR)
    response = client.post(
        "/admin/calendar/2027",
        data={"holidays": "2026-12-31 元旦\n2027-10-01 国庆节", "makeup_days": "2027-10-01 国庆节"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "only dates in 2027" in page and "both a holiday and a make-up working day" in page
    assert db.session.scalar(select(WorkCalendarYear)) is None


def test_weekday_makeup_day_needs_confirmation(app, client):
    """A weekday make-up day is warned about and not saved until confirmed."""
    sign_in(client, Role.ADMIN)
    data = {"holidays": "2027-10-01..2027-10-07 国庆节", "makeup_days": "2027-10-13 国庆节"}
    first = client.post("/admin/calendar/2027", data=data)
    assert "is a weekday" in first.get_data(as_text=True)
    assert calendar_status(2027) == "assumed"
    second = client.post("/admin/calendar/2027", data={**data, "confirm": "y"})
    assert second.status_code == 302 and calendar_status(2027) == "entered"


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.OFFICE, Role.QUALITY])
def test_other_roles_are_refused(app, client, role):
    """Technicians, the office and quality inspectors may not change the calendar."""
    sign_in(client, role)
    response = client.post("/admin/calendar/2027", data={"holidays": HOLIDAYS_2027})
    assert response.status_code == 403
    assert calendar_status(2027) == "assumed"


def test_signed_out_visitor_is_sent_to_sign_in(app, client):
    """Nobody signed in: the page redirects to the sign-in page."""
    response = client.get("/admin/calendar/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_prefill_copies_the_package_into_the_form(app, client):
    """'Fill in the built-in data' puts the package's 2026 lines into the text boxes."""
    sign_in(client, Role.ADMIN)
    page = client.get("/admin/calendar/2026?prefill=package").get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*name="holidays"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "2026-10-01..2026-10-07 National Day" in textarea


def test_admin_removes_an_entry(app, client):
    """The remove button retires the entry; 2027 is assumed again."""
    enter_2027()
    sign_in(client, Role.ADMIN)
    response = client.post("/admin/calendar/2027/remove")
    assert response.status_code == 302 and calendar_status(2027) == "assumed"


def test_menu_shows_the_calendar_to_supervisors(app, client):
    """The menu offers the working calendar to a supervisor."""
    sign_in(client, Role.SUPERVISOR)
    assert "/admin/calendar/" in client.get("/admin/calendar/2027").get_data(as_text=True)


def test_menu_hides_the_calendar_from_technicians(app, client):
    """A technician's menu has no working calendar entry."""
    sign_in(client, Role.TECHNICIAN)
    assert "/admin/calendar/" not in client.get("/settings").get_data(as_text=True)


def test_warning_partial_names_the_assumed_year(app):
    """The include for pages with deadlines shows the warning for an assumed year, and nothing otherwise."""
    from flask import render_template_string

    source = '{% set calendar_years = years %}{% include "workcal/_calendar_warning.html" %}'
    with app.test_request_context("/?lang=en"):
        assert "2027" in render_template_string(source, years=[2027])
        assert render_template_string(source, years=[]).strip() == ""
