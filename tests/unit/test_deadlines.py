"""Deadline clocks: same-day arrival and fix, agreed times, escalation, factory return on the working calendar."""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from tests.support.factories import make_customer, make_user
from tests.support.repair_builders import DEFAULT_DATA, Ev, beijing, make_ticket
from tests.unit.test_workcal import enter_2027
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs import deadlines as dl
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import record_event
from webapp.workcal.services import WorkCalendar


def package_only() -> WorkCalendar:
    """The package's calendar with nothing entered in the app."""
    return WorkCalendar(loader=lambda year: None)


def at(kind: str, when, device=None, **data):
    """A step received by the server at `when` (device time the same unless given)."""
    return kind, {**DEFAULT_DATA.get(kind, {}), **data}, when, device or when


def clocks(reported, *steps, now, agreed=None, cal=None, settings=None) -> dict[str, dl.Clock]:
    """The clocks after these steps on a ticket assigned at intake, keyed by clock name."""
    evs = [Ev(kind, data, i, received, device) for i, (kind, data, received, device) in enumerate(steps, start=1)]
    state = lc.fold_events(evs, reported_at=reported, initial_assignee_id=7, strict=True)
    found = dl.clocks_for_state(state, agreed_arrival_at=agreed, now=now, cal=cal or package_only(),
                                settings=settings or dl.DeadlineSettings())
    return {c.key: c for c in found}


MON = (2026, 3, 2)  # an ordinary Monday


def mon(hh, mm=0):
    """Monday 2 March 2026, Beijing time."""
    return beijing(*MON, hh, mm)


def tue(hh, mm=0):
    """Tuesday 3 March 2026, Beijing time."""
    return beijing(2026, 3, 3, hh, mm)


# --------------------------------------------------------------------------- arrival


def test_arrival_the_same_day_is_met():
    """Reported 09:00, on site 16:00 the same day: met."""
    clock = clocks(mon(9), at("arrived", mon(16)), now=mon(17))["arrival"]
    assert clock.state == dl.MET


def test_arrival_is_due_at_the_end_of_the_beijing_day():
    """The arrival is due at 23:59:59 Beijing time on the day of the report."""
    clock = clocks(mon(9), now=mon(10))["arrival"]
    assert clock.due_at == beijing(*MON, 23, 59).replace(second=59, microsecond=999999)


def test_early_morning_report_uses_the_beijing_date():
    """Reported 07:30 Beijing (23:30 UTC the day before): due the end of Beijing's Monday."""
    clock = clocks(mon(7, 30), now=mon(8))["arrival"]
    assert dl.local_day(clock.due_at, lc_zone()) == date(*MON)


def lc_zone():
    """The site zone used by default settings."""
    return dl.DeadlineSettings().zone


def test_arrival_the_next_day_is_breached():
    """On site at 08:30 the next morning: breached."""
    assert clocks(mon(9), at("arrived", tue(8, 30)), now=tue(9))["arrival"].state == dl.BREACHED


def test_running_arrival_is_ok_in_the_evening():
    """Nobody there yet at 21:00: still ok."""
    assert clocks(mon(9), now=mon(21))["arrival"].state == dl.OK


def test_running_arrival_is_at_risk_in_the_last_two_hours():
    """Nobody there yet at 22:30: at risk."""
    assert clocks(mon(9), now=mon(22, 30))["arrival"].state == dl.AT_RISK


def test_running_arrival_after_midnight_is_breached():
    """Nobody there at 00:10: breached."""
    assert clocks(mon(9), now=tue(0, 10))["arrival"].state == dl.BREACHED


def test_at_risk_threshold_is_configurable():
    """With a 4-hour threshold, 20:30 is already at risk."""
    settings = dl.DeadlineSettings(at_risk_hours=4)
    assert clocks(mon(9), now=mon(20, 30), settings=settings)["arrival"].state == dl.AT_RISK


# --------------------------------------------------------------------------- agreed arrival


def test_agreed_time_replaces_the_same_day_rule():
    """Agreed Tuesday 10:00: at 23:00 Monday nobody is late."""
    clock = clocks(mon(16), now=mon(23), agreed=tue(10))["arrival"]
    assert clock.agreed and clock.due_at == tue(10) and clock.state == dl.OK


def test_arrival_before_the_agreed_time_is_met():
    """On site 09:50 for an agreed 10:00: met."""
    assert clocks(mon(16), at("arrived", tue(9, 50)), now=tue(11), agreed=tue(10))["arrival"].state == dl.MET


def test_arrival_after_the_agreed_time_is_breached():
    """On site 10:20 for an agreed 10:00: breached — the agreed time must be kept."""
    assert clocks(mon(16), at("arrived", tue(10, 20)), now=tue(11), agreed=tue(10))["arrival"].state == dl.BREACHED


def test_agreed_time_is_at_risk_two_hours_before():
    """At 08:30 for an agreed 10:00 and nobody on the way: at risk."""
    assert clocks(mon(16), now=tue(8, 30), agreed=tue(10))["arrival"].state == dl.AT_RISK


def test_agreed_time_grace_is_configurable():
    """With 15 minutes' grace, 10:10 for an agreed 10:00 is met."""
    settings = dl.DeadlineSettings(agreed_grace=timedelta(minutes=15))
    assert clocks(mon(16), at("arrived", tue(10, 10)), now=tue(11), agreed=tue(10), settings=settings)["arrival"].state == dl.MET


# --------------------------------------------------------------------------- general fix


def test_general_fix_the_same_day_is_met():
    """Classified general and fixed by 18:00 the same day: met."""
    found = clocks(mon(9), at("arrived", mon(11)), at("classified", mon(11, 10)), at("resolved", mon(18)), now=mon(19))
    assert found["general_fix"].state == dl.MET


def test_general_fix_the_next_day_is_breached():
    """A general problem still open at the end of the day, fixed the next morning: breached."""
    found = clocks(mon(9), at("arrived", mon(11)), at("classified", mon(11, 10)), at("resolved", tue(9)), now=tue(10))
    assert found["general_fix"].state == dl.BREACHED


def test_general_fix_follows_the_agreed_day():
    """Arrival agreed for Tuesday: the general fix is due by the end of Tuesday."""
    found = clocks(mon(16), at("arrived", tue(10)), at("classified", tue(10, 5)), now=tue(12), agreed=tue(10))
    assert found["general_fix"].due_at == dl.end_of_day(date(2026, 3, 3), lc_zone())


def test_no_fix_clock_before_classification():
    """Before the fault is classified there is only the arrival clock."""
    assert set(clocks(mon(9), at("arrived", mon(11)), now=mon(12))) == {"arrival"}


# --------------------------------------------------------------------------- escalation


DIFFICULT_AT_3 = (at("arrived", mon(14)), at("classified", mon(15), classification="difficult"))


def test_supervisor_told_the_same_day_is_met():
    """Classified difficult at 15:00, supervisor told at 17:00: met."""
    found = clocks(mon(9), *DIFFICULT_AT_3, at("supervisor_informed", mon(17)), now=mon(18))
    assert found["escalation"].state == dl.MET and found["escalation"].started_at == mon(15)


def test_supervisor_told_the_next_day_is_breached():
    """Told only the next morning: breached."""
    found = clocks(mon(9), *DIFFICULT_AT_3, at("supervisor_informed", tue(9)), now=tue(10))
    assert found["escalation"].state == dl.BREACHED


def test_escalation_not_yet_done_late_evening_is_at_risk():
    """Not told by 22:30 the same day: at risk."""
    assert clocks(mon(9), *DIFFICULT_AT_3, now=mon(22, 30))["escalation"].state == dl.AT_RISK


def test_escalation_clock_starts_at_classification_not_report():
    """A fault reported Monday and found difficult on Tuesday is due by the end of Tuesday."""
    found = clocks(mon(9), at("arrived", tue(9)), at("classified", tue(10), classification="difficult"), now=tue(12))
    assert found["escalation"].due_at == dl.end_of_day(date(2026, 3, 3), lc_zone())


# --------------------------------------------------------------------------- factory return


def factory(sent, *more, now, cal=None, settings=None):
    """The factory clock of a device sent at `sent` (on site and classified an hour before)."""
    steps = (at("arrived", sent - timedelta(hours=1)),
             at("classified", sent - timedelta(minutes=50), classification="factory_return"),
             at("sent_to_factory", sent)) + more
    return clocks(sent - timedelta(hours=2), *steps, now=now, cal=cal, settings=settings)["factory_return"]


def test_factory_return_across_national_day_2025():
    """Sent Tue 30 Sep 2025: due the end of Tue 21 Oct (Oct 1–8 off, Sat 11 Oct worked)."""
    clock = factory(beijing(2025, 9, 30, 10), now=beijing(2025, 10, 9, 10))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2025, 10, 21) and clock.state == dl.OK


def test_factory_return_on_the_last_day_is_met():
    """Back and working on the afternoon of 21 Oct 2025: met."""
    sent = beijing(2025, 9, 30, 10)
    clock = factory(sent, at("returned_from_factory", beijing(2025, 10, 21, 9)), at("resolved", beijing(2025, 10, 21, 16)),
                    now=beijing(2025, 10, 22, 9))
    assert clock.state == dl.MET


def test_factory_return_a_day_late_is_breached():
    """Back and working on 22 Oct 2025: breached."""
    sent = beijing(2025, 9, 30, 10)
    clock = factory(sent, at("returned_from_factory", beijing(2025, 10, 22, 9)), at("resolved", beijing(2025, 10, 22, 11)),
                    now=beijing(2025, 10, 22, 12))
    assert clock.state == dl.BREACHED


def test_factory_return_at_risk_in_the_last_two_working_days():
    """Fri 17 Oct 2025 is the 8th working day (ok); Mon 20 Oct, the 9th, is at risk."""
    sent = beijing(2025, 9, 30, 10)
    assert factory(sent, now=beijing(2025, 10, 17, 15)).state == dl.OK
    assert factory(sent, now=beijing(2025, 10, 20, 9)).state == dl.AT_RISK


def test_factory_return_not_back_after_the_due_day_is_breached():
    """Still away on 22 Oct 2025: breached."""
    assert factory(beijing(2025, 9, 30, 10), now=beijing(2025, 10, 22, 0, 5)).state == dl.BREACHED


def test_factory_return_across_national_day_2026():
    """Sent Wed 30 Sep 2026: Oct 1–7 off, Sat 10 Oct worked: due Tue 20 Oct 2026."""
    clock = factory(beijing(2026, 9, 30, 15), now=beijing(2026, 10, 8, 9))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2026, 10, 20)


def test_factory_return_counts_the_makeup_sunday_before_national_day_2026():
    """Sent Fri 18 Sep 2026: make-up Sun 20 Sep is day 1; Mid-Autumn 25–27 Sep and 1–7 Oct are off.

    Days: 20, 21, 22, 23, 24, 28, 29, 30 Sep, 8, 9 Oct → due Fri 9 Oct 2026.
    """
    clock = factory(beijing(2026, 9, 18, 15), now=beijing(2026, 9, 21, 9))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2026, 10, 9)


def test_factory_return_across_spring_festival_2026():
    """Sent Fri 13 Feb 2026: Sat 14 Feb counts, 15–23 do not, Sat 28 Feb counts: due Thu 5 Mar."""
    clock = factory(beijing(2026, 2, 13, 11), now=beijing(2026, 2, 20, 9))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2026, 3, 5) and not clock.assumed_years


def test_factory_return_sent_late_evening_counts_from_the_beijing_day():
    """Sent 23:30 Beijing on Fri 13 Feb 2026 (15:30 UTC): still counts from the 13th."""
    clock = factory(beijing(2026, 2, 13, 23, 30), now=beijing(2026, 2, 14, 9))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2026, 3, 5)


def test_factory_return_in_an_unknown_year_warns():
    """Sent Thu 30 Sep 2027 with nothing entered: Monday–Friday gives Thu 14 Oct, with a warning."""
    clock = factory(beijing(2027, 9, 30, 10), now=beijing(2027, 10, 4, 9))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2027, 10, 14)
    assert clock.assumed_years == (2027,) and "2027" in clock.calendar_warning


def test_factory_return_in_2027_after_the_admin_entered_it(app):
    """The same 2027 send after the administrator entered the notice: due Wed 20 Oct, no warning."""
    enter_2027()
    clock = factory(beijing(2027, 9, 30, 10), now=beijing(2027, 10, 4, 9), cal=WorkCalendar())
    assert dl.local_day(clock.due_at, lc_zone()) == date(2027, 10, 20) and clock.calendar_warning is None


def test_factory_return_from_late_2026_into_2027_warns():
    """Sent 28 Dec 2026, the count runs into an unknown 2027: warned."""
    assert factory(beijing(2026, 12, 28, 10), now=beijing(2026, 12, 29, 9)).assumed_years == (2027,)


def test_factory_exception_is_shown_with_the_clock():
    """A noted exception (特殊情况除外) travels with the factory clock."""
    sent = beijing(2026, 2, 13, 11)
    steps = (at("arrived", sent - timedelta(hours=1)), at("classified", sent - timedelta(minutes=50), classification="factory_return"),
             at("sent_to_factory", sent, exception="厂家停产，需调货"))
    found = clocks(sent - timedelta(hours=2), *steps, now=sent + timedelta(days=1))
    assert found["factory_return"].exception == "厂家停产，需调货"


def test_factory_working_days_are_configurable():
    """With a 5-working-day limit, a device sent Mon 2 Mar 2026 is due Mon 9 Mar."""
    clock = factory(mon(10), now=mon(11), settings=dl.DeadlineSettings(factory_working_days=5))
    assert dl.local_day(clock.due_at, lc_zone()) == date(2026, 3, 9)


# --------------------------------------------------------------------------- whose clock


def test_offline_arrival_uses_the_device_time():
    """On site 16:00 offline, synced at 08:00 next day: the device's time counts, so met."""
    clock = clocks(mon(9), at("arrived", tue(8), device=mon(16)), now=tue(9))["arrival"]
    assert clock.state == dl.MET and clock.end_basis == "device" and clock.ended_at == mon(16)


def test_device_clock_a_year_off_gives_the_same_outcome_when_synced_promptly():
    """Arrival at 16:00 synced at once from a tablet a year fast or slow: met, like a right clock."""
    right = clocks(mon(9), at("arrived", mon(16, 1), device=mon(16)), now=mon(17))["arrival"]
    fast = clocks(mon(9), at("arrived", mon(16, 1), device=mon(16) + timedelta(days=365)), now=mon(17))["arrival"]
    slow = clocks(mon(9), at("arrived", mon(16, 1), device=mon(16) - timedelta(days=365)), now=mon(17))["arrival"]
    assert right.state == fast.state == slow.state == dl.MET
    assert (fast.end_basis, slow.end_basis) == ("server", "server")


def test_device_clock_a_year_off_cannot_hide_a_late_arrival():
    """A tablet a year slow, synced the next day, does not make a late arrival look early."""
    clock = clocks(mon(9), at("arrived", tue(8), device=mon(16) - timedelta(days=365)), now=tue(9))["arrival"]
    assert clock.state == dl.BREACHED and clock.ended_at == tue(8)


# --------------------------------------------------------------------------- rework


def test_rework_restarts_the_clocks():
    """A rework opened Tuesday 10:00 needs an arrival by the end of Tuesday."""
    done = (at("arrived", mon(11)), at("classified", mon(11, 10)), at("resolved", mon(12)), at("customer_signed", mon(12, 5)),
            at("closed", mon(15)), at("rework_opened", tue(10)))
    clock = clocks(mon(9), *done, now=tue(11))["arrival"]
    assert clock.round == 2 and clock.started_at == tue(10)
    assert clock.due_at == dl.end_of_day(date(2026, 3, 3), lc_zone()) and clock.state == dl.OK


# --------------------------------------------------------------------------- database: tickets and the board


@pytest.fixture
def people(app):
    """A customer with its technician, an office clerk, and English messages."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    with force_locale("en"):
        yield {"tech": tech, "customer": customer, "office": make_user(Role.OFFICE)}


def test_ticket_clocks_from_recorded_events(people):
    """A ticket reported Monday 09:00 and reached 16:00 (device time, synced later) meets its arrival clock."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"], reported_at=mon(9))
    record_event(ticket, "arrived", {}, people["tech"], device_time=mon(16), now=mon(20))
    db.session.commit()
    clock = {c.key: c for c in dl.ticket_clocks(ticket, now=mon(21))}["arrival"]
    assert clock.state == dl.MET and clock.ended_at == mon(16)


def test_ticket_with_a_wrong_report_clock_counts_from_receipt(people):
    """A report time a year before the server got the ticket: the clock starts at receipt."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"], reported_at=mon(9))
    ticket.reported_at = mon(9) - timedelta(days=365)
    db.session.commit()
    clock = dl.ticket_clocks(ticket, now=mon(10))[0]
    assert clock.started_at == mon(9) and clock.start_basis == "server"


def test_config_thresholds_are_used(make_app):
    """DEADLINE_AT_RISK_HOURS in the app's config changes when a clock turns at risk."""
    app = make_app(DEADLINE_AT_RISK_HOURS=5)
    with app.app_context():
        assert dl.DeadlineSettings.from_config().at_risk_hours == 5


def board_fixture(people):
    """Tickets in every situation, as of Monday 22:30 Beijing; returns them by name."""
    c, tech = people["customer"], people["tech"]
    made = {
        "late": make_ticket(c, assigned_to=tech, reported_at=mon(9) - timedelta(days=1)),
        "risky": make_ticket(c, assigned_to=tech, reported_at=mon(9)),
        "fine": make_ticket(c, assigned_to=tech, reported_at=mon(9)),
        "closed": make_ticket(c, assigned_to=tech, reported_at=mon(9) - timedelta(days=3)),
    }
    record_event(made["fine"], "arrived", {}, tech, now=mon(11))
    record_event(made["fine"], "classified", {"classification": "general"}, tech, now=mon(11, 5))
    record_event(made["fine"], "resolved", {}, tech, now=mon(12))
    t = made["closed"]
    for kind, data, who in [("arrived", {}, tech), ("classified", {"classification": "general"}, tech),
                            ("resolved", {}, tech), ("customer_signed", DEFAULT_DATA["customer_signed"], tech),
                            ("closed", {}, people["office"])]:
        record_event(t, kind, data, who, now=mon(9) - timedelta(days=3, hours=-2))
    db.session.commit()
    return made


def test_board_lists_breached_then_at_risk(people):
    """Monday 22:30: yesterday's unvisited ticket is breached, today's is at risk; others absent."""
    made = board_fixture(people)
    board = dl.supervisor_board(now=mon(22, 30), cal=package_only())
    assert [r.ticket.id for r in board.rows] == [made["late"].id, made["risky"].id]
    assert [r.worst for r in board.rows] == [dl.BREACHED, dl.AT_RISK]


def test_board_leaves_out_closed_and_fine_tickets(people):
    """A resolved ticket within its clocks and a closed one are not on the board."""
    made = board_fixture(people)
    ids = {r.ticket.id for r in dl.supervisor_board(now=mon(22, 30), cal=package_only()).rows}
    assert made["fine"].id not in ids and made["closed"].id not in ids


def test_board_warns_when_a_due_date_assumed_a_year(people):
    """A device at the factory with a 2027 due date on an unknown calendar puts a warning on the board."""
    tech = people["tech"]
    ticket = make_ticket(people["customer"], assigned_to=tech, reported_at=beijing(2026, 12, 28, 9))
    for kind, data in [("arrived", {}), ("classified", {"classification": "factory_return"}), ("sent_to_factory", {})]:
        record_event(ticket, kind, data, tech, now=beijing(2026, 12, 28, 10))
    db.session.commit()
    board = dl.supervisor_board(now=beijing(2027, 1, 12, 9), cal=package_only())
    assert board.rows[0].clocks[0].key == "factory_return" and "2027" in board.calendar_warning


def test_board_can_include_late_stopped_clocks(people):
    """Asked for history too, an open ticket reached late shows its breached arrival."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"], reported_at=mon(9))
    record_event(ticket, "arrived", {}, people["tech"], now=tue(9))
    db.session.commit()
    assert dl.supervisor_board(now=tue(10), cal=package_only()).rows == []
    rows = dl.supervisor_board(now=tue(10), include_ended=True, cal=package_only()).rows
    assert rows[0].clocks[0].state == dl.BREACHED
