"""A first sync (from cursor 0) carries only what the device needs, on every page; later
incremental pulls still carry the deletions of records that left the device's scope."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.support.field_device import FieldDevice
from webapp.archive.models import Customer
from webapp.archive.models import Device as DeviceRecord
from webapp.auth.models import User
from webapp.clock import utcnow
from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from webapp.maintenance.models import Inspection
from webapp.repairs import events as ev
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import take_call

PAGE = 25  # changes per page: the first sync takes many pages


def _user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalars(select(User).where(User.username == username)).one()


def _phone(app, tech: User) -> FieldDevice:
    """The demo technician's field app, signed in."""
    phone = FieldDevice(app.test_client())
    phone.sign_in(tech, "demo1234")
    return phone


@pytest.fixture
def history(app):
    """The demo district plus two years of history at the technician's schools: closed tickets
    with their steps, old diary entries and sheets, removed devices; and another tech's school."""
    load_demo_data()
    office, tech = _user("office"), _user("tech")
    now = utcnow()
    for school in tech.customers:
        device = db.session.scalars(select(DeviceRecord).where(DeviceRecord.customer_id == school.id)).first()
        if device is None:  # a school still being installed (a demo project's) has no devices yet
            continue
        for n in range(6):
            ticket = take_call(office, school, f"历史报修 {n}：交换机端口不通。", assignee=tech,
                               reported_at=now - timedelta(days=30 * n + 5))
            ev.record_event(ticket, "accepted", {}, tech, device_time=now - timedelta(days=30 * n + 4))
            ev.record_event(ticket, "arrived", {}, tech, device_time=now - timedelta(days=30 * n + 4))
            db.session.flush()
            ticket.status = "closed"
        for n in range(12):
            db.session.add(DiaryEntry(customer_id=school.id, date=date(2024, 1 + n, 3), text=f"旧日志 {n}",
                                      author_id=tech.id, device_id=device.id))
        for n in range(4):
            removed = DeviceRecord(customer_id=school.id, cabinet_id=device.cabinet_id, name=f"已拆除设备{n}",
                                   category="camera")
            db.session.add(removed)
            db.session.flush()
            removed.deleted_at = now - timedelta(days=10)
    db.session.flush()
    old = now - timedelta(days=500)
    for model in (DiaryEntry, Inspection):
        for record in db.session.scalars(select(model)):
            if model is Inspection or record.date.year == 2024:
                record.created_at = old
    db.session.commit()
    return tech


def test_first_sync_carries_nothing_out_of_scope_on_any_page(app, history):
    """Pulled from 0 in small pages, no change is a deletion and nothing of the past arrives."""
    phone = _phone(app, history)
    now = utcnow()
    changes, _cursor = phone.pull_all(limit=PAGE)
    assert len(changes) > 4 * PAGE
    assert [c for c in changes if c["deleted"] or c.get("out_of_scope")] == []
    ids = {c["id"] for c in changes}
    closed = db.session.scalars(select(RepairTicket.id).where(RepairTicket.status == "closed")).all()
    assert closed and not ids & set(closed)
    assert not ids & set(db.session.scalars(select(ev.RepairEvent.id).where(ev.RepairEvent.ticket_id.in_(closed))))
    old_diary = set(db.session.scalars(select(DiaryEntry.id).where(DiaryEntry.created_at < now - timedelta(days=366))))
    assert old_diary and not ids & old_diary
    mine_recent = set(db.session.scalars(select(DiaryEntry.id).where(
        DiaryEntry.created_at >= now - timedelta(days=366), DiaryEntry.customer_id.in_(c.id for c in history.customers))))
    assert mine_recent and mine_recent <= ids, "the last year's diary of his schools (demo history) comes along"
    assert not ids & set(db.session.scalars(select(Inspection.id)))
    assert not ids & set(db.session.scalars(select(DeviceRecord.id).where(DeviceRecord.deleted_at.is_not(None))))
    mine = {c.id for c in history.customers}
    others = set(db.session.scalars(select(Customer.id))) - mine
    assert others and not ids & others
    open_tickets = db.session.scalars(select(RepairTicket.id).where(
        RepairTicket.status != "closed", RepairTicket.customer_id.in_(mine))).all()
    assert open_tickets and set(open_tickets) <= ids


def test_first_sync_pages_answer_a_snapshot_until_caught_up(app, history):
    """The first page names the snapshot; it comes back on every page that has more, then null."""
    phone = _phone(app, history)
    first = phone.pull(0, PAGE).get_json()
    assert first["has_more"] and first["snapshot"] >= first["cursor"]
    body, pages = first, 1
    while body["has_more"]:
        body = phone.pull(body["cursor"], PAGE, first["snapshot"]).get_json()
        pages += 1
        assert body["snapshot"] == (first["snapshot"] if body["has_more"] else None)
    assert pages > 4


def test_without_the_snapshot_later_pages_send_history_as_deletions(app, history):
    """A client that does not send the snapshot back is served as before: history as deletions."""
    phone = _phone(app, history)
    first = phone.pull(0, PAGE).get_json()
    body, deletions = first, 0
    while body["has_more"]:
        body = phone.pull(body["cursor"], PAGE).get_json()
        deletions += sum(1 for c in body["changes"] if c["deleted"])
    assert deletions > 0


def test_record_leaving_scope_during_a_first_sync_still_arrives_as_deleted(app, history):
    """A device sent on the first page and removed, and a ticket closed, before the sync ends: both arrive as deleted."""
    phone = _phone(app, history)
    first = phone.pull(0, PAGE).get_json()
    sent = [c for c in first["changes"] if c["kind"] == "device"]
    ticket = db.session.scalars(select(RepairTicket).where(
        RepairTicket.status != "closed", RepairTicket.customer_id.in_([c.id for c in history.customers]))).first()
    gone = db.session.get(DeviceRecord, sent[0]["id"])
    gone.deleted_at = utcnow()
    ticket.status = "closed"
    db.session.commit()
    changes, body = list(first["changes"]), first
    while body["has_more"]:
        body = phone.pull(body["cursor"], PAGE, first["snapshot"]).get_json()
        changes.extend(body["changes"])
    last = {c["id"]: c for c in changes}
    assert last[gone.id]["deleted"] is True
    assert last[ticket.id]["deleted"] is True


def test_incremental_pull_after_a_first_sync_still_carries_deletions(app, history):
    """After the first sync, a closed ticket and a removed device arrive once as deletions."""
    phone = _phone(app, history)
    changes, cursor = phone.pull_all(limit=PAGE)
    mine = [c.id for c in history.customers]
    ticket_id = next(c["id"] for c in changes if c["kind"] == "repair_ticket")
    device_id = next(c["id"] for c in changes if c["kind"] == "device")
    db.session.get(RepairTicket, ticket_id).status = "closed"
    db.session.get(DeviceRecord, device_id).deleted_at = utcnow()
    db.session.commit()
    later, _ = phone.pull_all(cursor, limit=PAGE)
    by_id = {c["id"]: c for c in later}
    assert by_id[ticket_id]["deleted"] and by_id[ticket_id]["out_of_scope"]
    assert by_id[device_id]["deleted"] and not by_id[device_id].get("out_of_scope")
    assert all(c["data"].get("customer_id") in mine or c["kind"] == "checklist_template" for c in later)


def test_the_first_page_of_a_long_first_sync_says_how_many_changes_come(app, history):
    """`total` on the first page is exactly the number of changes the whole first sync delivers,
    so the device can show "received n of total"; later pages and short syncs do not repeat it."""
    phone = _phone(app, history)
    first = phone.pull(0, PAGE).get_json()
    assert first["has_more"] and first["total"] > 4 * PAGE
    received, body = len(first["changes"]), first
    while body["has_more"]:
        body = phone.pull(body["cursor"], PAGE, first["snapshot"]).get_json()
        assert "total" not in body
        received += len(body["changes"])
    assert received == first["total"]
    assert "total" not in phone.pull(0, 100000).get_json()
