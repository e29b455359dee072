"""Notifications: assignment, escalation at once, quotes, deadlines (idempotent), the bell and the
list, and e-mail through the configured SMTP server only after the step commits."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.repairs import TechDevice, Web, advance, make_shop, phone_ticket, reload, utc
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.notifications.services import notify
from webapp.repairs import lifecycle as lc
from webapp.repairs.alerts import check_deadlines
from webapp.repairs.events import load_events
from webapp.repairs.models import RepairTicket


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        """Remember where it 'connects'."""
        self.host, self.port = host, port

    def __enter__(self):
        """Context manager, like smtplib.SMTP."""
        return self

    def __exit__(self, *exc):
        """Nothing to close."""
        return False

    def send_message(self, message):
        """Keep the message."""
        FakeSMTP.sent.append((self.host, message))


@pytest.fixture
def shop(app):
    """A school, its technicians, the office and a supervisor."""
    return make_shop()


def notes(user=None, kind=None) -> list[Notification]:
    """Notifications, optionally of one user and kind, oldest first."""
    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def test_reassignment_notifies_the_new_technician(app, shop):
    """The technician a ticket is moved to is told; the one who had it gets nothing new."""
    ticket = phone_ticket(shop)
    Web(app, shop.office).step(ticket, "assigned", assignee=str(shop.tech2.id))
    assert [n.ticket_id for n in notes(shop.tech2, "assigned")] == [ticket.id]
    assert len(notes(shop.tech, "assigned")) == 1  # from the intake only


def test_difficult_fault_notifies_supervisors_at_once(app, shop):
    """The push that brings a 'difficult' classification also brings the supervisor's notification,
    stamped with the server's receipt of that step (not later, not the device's clock)."""
    ticket = advance(phone_ticket(shop), "arrived", user=shop.tech)
    device = TechDevice(app.test_client(), shop.tech)
    body = device.push([device.event(ticket, "classified", {"classification": "difficult"},
                                     device_time="2020-01-01T00:00:00Z")]).get_json()
    assert body["results"][0]["status"] == "applied"
    [note] = notes(shop.supervisor, "escalated")
    classified = [e for e in load_events(ticket.id) if e.type == "classified"][0]
    assert abs(note.created_at - classified.received_at) < timedelta(seconds=5)
    assert ticket.number in note.message and "decide the solution today" in note.message


def test_general_fault_does_not_escalate(app, shop):
    """Only a difficult fault goes to the supervisor."""
    advance(phone_ticket(shop), "arrived", ("classified", {"classification": "general"}), user=shop.tech)
    assert notes(shop.supervisor) == []


def test_quote_notifies_office_and_technician(app, shop):
    """A recorded quote tells the office and the technician that the customer must approve it."""
    ticket = advance(phone_ticket(shop), "arrived", ("classified", {"classification": "vandalism"}), user=shop.tech)
    Web(app, shop.supervisor).step(ticket, "quote_recorded", **{"items-0-item_name": "镜头", "items-0-price": "300"})
    assert len(notes(shop.office, "quote_awaiting_approval")) == 1
    assert len(notes(shop.tech, "quote_awaiting_approval")) == 1


def test_bell_shows_the_unread_count(app, shop):
    """The top bar's bell carries the number of unread notifications."""
    phone_ticket(shop)
    html = Web(app, shop.tech).html("/repairs/mine")
    assert '<span class="bell-count" data-bell-count>1</span>' in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(app, shop):
    """Opening a notification from the list marks it read and leads to its ticket."""
    ticket = phone_ticket(shop)
    [note] = notes(shop.tech)
    tech = Web(app, shop.tech)
    assert "is assigned to you" in tech.html("/notifications")
    response = tech.post(f"/notifications/{note.id}/open")
    assert response.headers["Location"].endswith(f"/repairs/{ticket.id}")
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None
    assert "data-bell-count" not in tech.html("/notifications")


def test_mark_all_read(app, shop):
    """'Mark all read' clears the badge."""
    phone_ticket(shop)
    phone_ticket(shop, "投影仪不亮")
    tech = Web(app, shop.tech)
    tech.post("/notifications/read")
    db.session.expire_all()
    assert all(n.read_at is not None for n in notes(shop.tech))


def test_others_notifications_cannot_be_opened(app, shop):
    """Someone else's notification stays unread and leads nowhere."""
    phone_ticket(shop)
    [note] = notes(shop.tech)
    Web(app, shop.tech2).post(f"/notifications/{note.id}/open")
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


# --- deadlines -----------------------------------------------------------------------------------


def test_deadline_check_is_idempotent(app, shop):
    """Running the check again sends nothing new while the clocks stay as they are."""
    phone_ticket(shop, reported_at=utc(2026, 3, 2, 1))  # 09:00 Beijing
    late = utc(2026, 3, 2, 14, 30)  # 22:30 Beijing: the arrival is at risk
    first = check_deadlines(late)
    db.session.commit()
    assert first == 1 and len(notes(shop.tech, "deadline_at_risk")) == 1
    assert check_deadlines(late) == 0
    assert check_deadlines(late + timedelta(minutes=20)) == 0


def test_a_breach_is_a_new_notification_for_technician_and_supervisors(app, shop):
    """At risk, then overdue: one more notification, to the technician and the supervisors."""
    phone_ticket(shop, reported_at=utc(2026, 3, 2, 1))
    check_deadlines(utc(2026, 3, 2, 14, 30))
    sent = check_deadlines(utc(2026, 3, 2, 16, 30))  # 00:30 the next day in Beijing
    db.session.commit()
    assert sent == 2
    assert len(notes(shop.tech, "deadline_breached")) == 1 and len(notes(shop.supervisor, "deadline_breached")) == 1
    assert check_deadlines(utc(2026, 3, 3, 2)) == 0


def test_a_stopped_clock_is_not_notified(app, shop):
    """A technician on site in time: no deadline notification for the arrival."""
    ticket = phone_ticket(shop, reported_at=utc(2026, 3, 2, 1))
    advance(ticket, "arrived", user=shop.tech)
    assert check_deadlines(utc(2026, 3, 2, 14, 30)) == 0


def test_cli_command_runs_the_check(app, shop):
    """`flask check-deadlines` sends the notifications and says how many."""
    ticket = phone_ticket(shop)
    ticket.reported_at = ticket.created_at = ticket.created_at - timedelta(days=2)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["check-deadlines"])
    assert result.exit_code == 0, result.output
    assert "2 deadline notification(s) sent" in result.output
    assert app.test_cli_runner().invoke(args=["check-deadlines"]).output.startswith("0 deadline")


# --- e-mail --------------------------------------------------------------------------------------


@pytest.fixture
def mail_app(make_app):
    """The app with a mail server configured (a fake SMTP class)."""
    FakeSMTP.sent = []
    app = make_app(MAIL_SERVER="smtp.example.test", MAIL_SMTP_CLASS=FakeSMTP)
    with app.app_context():
        yield app


def test_notifications_are_mailed_after_the_commit(mail_app):
    """A technician with an e-mail address gets the assignment by mail, once it is committed."""
    shop = make_shop()
    shop.tech.email = "tech@example.test"
    db.session.commit()
    ticket = phone_ticket(shop)
    [(host, message)] = FakeSMTP.sent
    assert host == "smtp.example.test" and message["To"] == "tech@example.test"
    assert ticket.number in message.get_content()


def test_a_rolled_back_step_mails_nobody(mail_app):
    """A notification made in a transaction that is rolled back sends no mail."""
    shop = make_shop()
    shop.tech.email = "tech@example.test"
    db.session.commit()
    notify(shop.tech, "assigned", None, "测试")
    db.session.rollback()
    db.session.commit()
    assert FakeSMTP.sent == []


def test_no_mail_without_a_mail_server(app, shop):
    """Without MAIL_SERVER the notification stays in the app only."""
    FakeSMTP.sent = []
    app.config["MAIL_SMTP_CLASS"] = FakeSMTP
    shop.tech.email = "tech@example.test"
    db.session.commit()
    phone_ticket(shop)
    assert FakeSMTP.sent == [] and len(notes(shop.tech)) == 1
