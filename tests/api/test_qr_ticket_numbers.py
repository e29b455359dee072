"""Repair intake service: ticket numbers per year without duplicates, real intake fields, refusals."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.repairs.models import RepairTicket
from webapp.repairs.services import create_ticket


def at(*parts) -> datetime:
    """A UTC time."""
    return datetime(*parts, tzinfo=timezone.utc)


def test_numbers_count_up_within_a_year(app):
    """Tickets of one year are BX<year>-00001, -00002, ..."""
    customer = make_customer()
    numbers = []
    for day in (1, 2, 3):
        numbers.append(create_ticket(customer, "投影仪不亮", source="phone", reported_at=at(2026, 3, day, 2)).number)
        db.session.commit()
    assert numbers == ["BX2026-00001", "BX2026-00002", "BX2026-00003"]


def test_each_year_starts_again_at_one(app):
    """The first ticket of a new year is number 1 of that year; the old year's counter goes on."""
    customer = make_customer()
    create_ticket(customer, "a", source="phone", reported_at=at(2026, 6, 1, 2))
    create_ticket(customer, "b", source="phone", reported_at=at(2027, 1, 5, 2))
    later_2026 = create_ticket(customer, "c", source="phone", reported_at=at(2026, 7, 1, 2))
    db.session.commit()
    numbers = db.session.scalars(select(RepairTicket.number).order_by(RepairTicket.number)).all()
    assert numbers == ["BX2026-00001", "BX2026-00002", "BX2027-00001"]
    assert later_2026.number == "BX2026-00002"


def test_year_follows_the_site_calendar_not_utc(app):
    """16:30 UTC on 31 December is already New Year in Shanghai: the ticket belongs to the new year."""
    ticket = create_ticket(make_customer(), "广播没有声音", source="phone", reported_at=at(2026, 12, 31, 16, 30))
    assert ticket.number == "BX2027-00001"


def test_concurrent_intake_never_duplicates_a_number(make_app):
    """Four workers taking 5 calls each at the same time: 20 tickets, 20 distinct consecutive numbers."""
    app = make_app()
    with app.app_context():
        customer_id = make_customer().id
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker():
        """Take five calls in this worker's own session, committing each."""
        try:
            with app.app_context():
                from webapp.archive.models import Customer

                customer = db.session.get(Customer, customer_id)
                start.wait()
                for _ in range(5):
                    create_ticket(customer, "门禁刷卡无反应", source="phone", reported_at=at(2026, 5, 6, 3))
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = db.session.scalars(select(RepairTicket.number)).all()
    assert sorted(numbers) == [f"BX2026-{n:05d}" for n in range(1, 21)]


def test_phone_intake_keeps_every_field(app):
    """The office's call: location, what is wrong, caller and phone, device, agreed arrival, who took it."""
    office = make_user(Role.OFFICE)
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    cabinet = make_cabinet(customer)
    device = make_device(customer, cabinet)
    arrival = at(2026, 5, 6, 7, 30)
    ticket = create_ticket(
        customer,
        "  三楼监控黑屏  ",
        source="phone",
        location="教学楼A三楼",
        reporter_name="孙老师",
        reporter_phone="13905710011",
        device=device,
        agreed_arrival_at=arrival,
        created_by=office,
    )
    db.session.commit()
    assert ticket.description == "三楼监控黑屏"
    assert ticket.location == "教学楼A三楼"
    assert (ticket.reporter_name, ticket.reporter_phone) == ("孙老师", "13905710011")
    assert ticket.device_id == device.id
    assert ticket.cabinet_id == cabinet.id
    assert ticket.agreed_arrival_at == arrival
    assert ticket.created_by_id == office.id
    assert ticket.assigned_to_id == tech.id
    assert ticket.status == "reported"
    assert ticket.version == 1


def test_least_busy_assigned_technician_is_suggested(app):
    """With two technicians on a school, the one with fewer open tickets is suggested."""
    busy = make_user(Role.TECHNICIAN)
    free = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[busy, free])
    create_ticket(customer, "旧故障", source="phone", assigned_to=busy)
    db.session.commit()
    ticket = create_ticket(customer, "新故障", source="phone")
    assert ticket.assigned_to_id == free.id


def test_no_suggestion_without_an_assigned_technician(app):
    """A school nobody is assigned to leaves the ticket unassigned for the office."""
    ticket = create_ticket(make_customer(), "网络不通", source="public_qr")
    assert ticket.assigned_to_id is None


@pytest.mark.parametrize("problem", ["empty", "source", "foreign_device", "naive_time"])
def test_bad_intake_is_refused_and_takes_no_number(app, problem):
    """Empty description, unknown source, another school's device, a time without zone: refused."""
    customer = make_customer()
    kwargs = {"source": "phone"}
    description = "故障"
    if problem == "empty":
        description = "   "
    elif problem == "source":
        kwargs["source"] = "fax"
    elif problem == "foreign_device":
        kwargs["device"] = make_device(make_customer())
    elif problem == "naive_time":
        kwargs["agreed_arrival_at"] = datetime(2026, 5, 6, 9, 0)
    with app.test_request_context(), pytest.raises(DomainError):
        create_ticket(customer, description, **kwargs)
    db.session.rollback()
    assert create_ticket(customer, "真的故障", source="phone", reported_at=at(2026, 1, 5)).number == "BX2026-00001"
