"""Due-date rules of the visit calendar: month ends, February, leap years, quarters, six months."""
from datetime import date

from webapp.maintenance.periods import (
    add_months,
    month_end,
    monthly_periods,
    next_half_key,
    next_semi_annual,
    quarterly_periods,
    week_end,
)


def test_monthly_patrol_in_a_31_day_month_is_due_on_the_31st():
    """October's patrol is due on 31 October."""
    assert month_end(2026, 10) == date(2026, 10, 31)


def test_monthly_patrol_in_a_30_day_month_is_due_on_the_30th():
    """November's patrol is due on 30 November."""
    assert month_end(2026, 11) == date(2026, 11, 30)


def test_february_patrol_is_due_on_the_28th_in_a_common_year():
    """February 2027 has 28 days."""
    assert month_end(2027, 2) == date(2027, 2, 28)


def test_february_patrol_is_due_on_the_29th_in_leap_year_2028():
    """2028 is a leap year: February's patrol is due on 29 February."""
    assert month_end(2028, 2) == date(2028, 2, 29)


def test_century_rule_2100_is_not_a_leap_year():
    """2100 is divisible by 100 but not by 400: February has 28 days."""
    assert month_end(2100, 2) == date(2100, 2, 28)


def test_monthly_periods_run_from_the_start_month_to_the_until_month_across_a_year_end():
    """Keys and due dates for every month from the start's to the until's month."""
    periods = list(monthly_periods(date(2026, 11, 15), date(2027, 2, 1)))
    assert periods == [
        ("2026-11", date(2026, 11, 30)),
        ("2026-12", date(2026, 12, 31)),
        ("2027-01", date(2027, 1, 31)),
        ("2027-02", date(2027, 2, 28)),
    ]


def test_quarterly_inspections_are_due_at_each_quarter_end():
    """Quarter ends: 31 Mar, 30 Jun, 30 Sep, 31 Dec."""
    periods = list(quarterly_periods(date(2026, 2, 10), date(2026, 12, 1)))
    assert periods == [
        ("2026-Q1", date(2026, 3, 31)),
        ("2026-Q2", date(2026, 6, 30)),
        ("2026-Q3", date(2026, 9, 30)),
        ("2026-Q4", date(2026, 12, 31)),
    ]


def test_six_months_after_31_august_is_the_end_of_february():
    """31 Aug 2026 + 6 months has no 31 Feb: it clamps to 28 Feb 2027."""
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_six_months_after_31_august_2027_is_29_february_2028():
    """In the leap year 2028 the clamp lands on 29 February."""
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_six_months_after_a_mid_month_day_keeps_the_day():
    """10 Jan + 6 months = 10 Jul."""
    assert add_months(date(2026, 1, 10), 6) == date(2026, 7, 10)


def test_next_maintenance_is_due_six_months_after_the_last_done_one():
    """Done on 31 Aug 2026: the next is due 28 Feb 2027, key 2027-H1."""
    assert next_semi_annual(date(2026, 8, 31), "2026-H2") == ("2027-H1", date(2027, 2, 28))


def test_maintenance_done_early_still_gets_a_later_key():
    """Done on 20 Jun for the 2026-H2 slot: due 20 Dec (still H2), so the key moves on to 2027-H1."""
    assert next_semi_annual(date(2026, 6, 20), "2026-H2") == ("2027-H1", date(2026, 12, 20))


def test_half_year_keys_roll_over_the_year():
    """After 2026-H2 comes 2027-H1."""
    assert next_half_key("2026-H2") == "2027-H1"
    assert next_half_key("2027-H1") == "2027-H2"


def test_week_ends_on_sunday():
    """Wednesday 11 Nov 2026 belongs to the week ending Sunday 15 Nov; a Sunday ends its own week."""
    assert week_end(date(2026, 11, 11)) == date(2026, 11, 15)
    assert week_end(date(2026, 11, 15)) == date(2026, 11, 15)
