"""Demo data for proactive service: the shipped checklists, plans, a few months of visits and a sheet
handed in as the field app hands one in (file_sheet_from_device), waiting for review."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from ..archive.models import Customer
from ..auth.models import User
from ..clock import local_today, site_zone
from ..extensions import db
from ..records import new_id
from .models import Visit
from .periods import add_months, month_end, shift_month
from .generation import generate_visits
from .schedule import complete_visit, reschedule_visit, save_plan
from .services import current_templates, file_sheet_from_device, install_shipped_templates

PATROL_ANSWERS = {
    "core_network": {"value": "pass"},
    "wireless": {"value": "pass"},
    "video_surveillance": {"value": "pass"},
    "recording_days": {"value": 32},
    "broadcast": {"value": "pass"},
    "classroom_av": {"value": "pass"},
    "access_control": {"na": True},
    "usage_effect": {"value": "good"},
    "room_temperature": {"value": 24.5},
    "ups_charge": {"value": 76, "note": "UPS 电池老化，放电时间不足，已报修更换电池组"},
    "safety_hazards": {"value": "no"},
    "cabinets": {"value": "pass"},
    "findings": {"value": "教学楼A 3F 弱电间 UPS 电池容量偏低，已登记报修。"},
    "customer_satisfaction": {"value": "satisfied"},
}


def _finished_at(day, hour: int = 16) -> datetime:
    """A moment on a local day, as UTC."""
    return datetime.combine(day, time(hour, 30), site_zone()).astimezone(timezone.utc)


def load_demo_maintenance(seed: int = 2026) -> None:
    """Plans for every demo school, visits from three months back, most done, one overdue, one sheet."""
    rng = random.Random(seed)
    today = local_today()
    supervisor = db.session.scalar(select(User).where(User.username == "super"))
    install_shipped_templates(supervisor)
    start_year, start_month = shift_month(today.year, today.month, -3)
    start = today.replace(year=start_year, month=start_month, day=1)
    customers = db.session.scalars(select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)).all()
    for index, customer in enumerate(customers):
        owner = customer.technicians[0] if customer.technicians else supervisor
        save_plan(customer, "monthly_patrol", active=True, responsible_id=owner.id, start_date=start,
                  by=supervisor, today=today)
        last_maintenance = add_months(today, -6) + timedelta(days=7 + 9 * index)
        save_plan(customer, "semi_annual_maintenance", active=True, responsible_id=owner.id,
                  start_date=last_maintenance, by=supervisor, today=today)
        save_plan(customer, "quarterly_inspection", active=True, responsible_id=supervisor.id, start_date=start,
                  by=supervisor, today=today)
    generate_visits(month_end(*shift_month(today.year, today.month, 1)), today=today)

    (patrol_template,) = current_templates("monthly_patrol") or [None]
    last_key = "{:04d}-{:02d}".format(*shift_month(today.year, today.month, -1))
    for index, customer in enumerate(customers):
        visits = db.session.scalars(
            select(Visit).where(Visit.customer_id == customer.id, Visit.due_date < today, Visit.state != "done")
            .order_by(Visit.due_date)
        ).all()
        for visit in visits:
            if visit.period_key == last_key and index == len(customers) - 1:
                continue  # the last school's patrol of last month is still open: overdue
            done_on = visit.due_date - timedelta(days=rng.randint(0, 12))
            if visit.period_key == last_key and index == 0 and patrol_template is not None:
                file_sheet_from_device(visit.assignee, {
                    "template_id": patrol_template.id, "customer_id": customer.id, "visit_id": visit.id,
                    "answers": PATROL_ANSWERS, "started_at": _finished_at(done_on, 14),
                    "finished_at": _finished_at(done_on), "customer_opinion": "巡查认真，问题记录清楚，请尽快更换 UPS 电池。",
                }, new_id())
                continue
            complete_visit(visit, done_on, visit.assignee, today=today)
    upcoming = db.session.scalars(
        select(Visit).where(Visit.activity == "monthly_patrol", Visit.due_date >= today, Visit.state == "due")
        .order_by(Visit.due_date)
    ).first()
    if upcoming is not None and supervisor is not None:
        reschedule_visit(upcoming, upcoming.due_date + timedelta(days=5), "学校期末考试期间机房封闭，顺延巡查",
                         supervisor, today=today)
    db.session.flush()
