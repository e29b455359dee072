"""A few months of history for the demo district, as a department a few months in would have:
closed repair tickets (one reworked), accepted patrol sheets of past months and old diary
entries. A newcomer's first sync then shows the scope rules at work (closed tickets and old
diary entries stay on the server), and the office's lists and figures have something to show.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from .archive.models import Customer
from .auth.models import User
from .clock import local_today, site_zone
from .extensions import db
from .maintenance.diary import create_diary_entry
from .maintenance.models import Visit
from .maintenance.periods import shift_month
from .maintenance.services import current_templates, file_sheet_from_device, review_inspection
from .records import new_id
from .repairs import events as ev
from .repairs.demo import demo_user, first_device
from .repairs.follow_up import record_follow_up
from .repairs.services import take_call

# (what was reported, what was found, what was done, kind of device)
PAST_REPAIRS = [
    ("教室投影仪无法开机，指示灯不亮。", "电源适配器损坏", "更换电源适配器", "projector"),
    ("走廊摄像机夜间画面全黑。", "红外灯板老化", "更换红外灯板并调整角度", "camera"),
    ("二楼无线信号时有时无，学生平板掉线。", "AP 供电 PoE 端口故障", "改接备用端口并更换跳线", "access_point"),
    ("广播系统三楼无声。", "功放分区线路接触不良", "重新压接分区线路", "broadcast"),
    ("门禁刷卡无反应。", "读卡器通信线松动", "紧固接线并测试刷卡", "access_control"),
    ("一体机触摸偏移，点不准。", "触摸框校准数据丢失", "重新校准触摸框", "interactive_display"),
    ("录像机提示硬盘异常。", "硬盘坏道", "更换硬盘并恢复录像计划", "nvr"),
    ("交换机端口指示灯闪烁，部分教室断网。", "环路导致广播风暴", "拆除私接网线并开启环路检测", "switch"),
]
PATROL_ALL_PASS = {
    "core_network": {"value": "pass"}, "wireless": {"value": "pass"}, "video_surveillance": {"value": "pass"},
    "recording_days": {"value": 31}, "broadcast": {"value": "pass"}, "classroom_av": {"value": "pass"},
    "access_control": {"value": "pass"}, "usage_effect": {"value": "good"}, "room_temperature": {"value": 23.0},
    "ups_charge": {"value": 95}, "safety_hazards": {"value": "no"}, "cabinets": {"value": "pass"},
    "findings": {"value": "各系统运行正常。"}, "customer_satisfaction": {"value": "satisfied"},
}
DIARY_TEXTS = ["例行巡查，机房温湿度正常，清理机柜灰尘。", "协助教务处调试期中考试广播。",
               "检查监控录像保存天数，均满足 30 天要求。", "为新教师讲解班班通一体机使用方法。"]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local moment on a day, as UTC."""
    return datetime.combine(day, time(hour, minute), site_zone()).astimezone(timezone.utc)


def _carry_out(ticket, tech: User, start: datetime, found: str, action: str, signer: str,
               minutes: tuple[int, ...] = (10, 70, 80, 150, 155), lag: timedelta = timedelta(minutes=2)) -> None:
    """The technician's steps from acceptance to the customer's signature, `minutes` after `start`
    (each received by the server `lag` later)."""
    steps = [("accepted", {}), ("arrived", {}), ("classified", {"classification": "general"}),
             ("resolved", {"fault_found": found, "action": action}),
             ("customer_signed", {"signer_name": signer, "satisfaction": "satisfied"})]
    for (step, data), offset in zip(steps, minutes):
        moment = start + timedelta(minutes=offset)
        ev.record_event(ticket, step, data, tech, device_time=moment, now=moment + lag)
    ev.refresh_ticket(ticket)


def _closed_repair(office: User, customer: Customer, tech: User, reported: datetime, story: tuple,
                   *, unhappy: bool = False):
    """A ticket taken on the phone and carried to its end: arrival, repair, signature, follow-up."""
    description, found, action, category = story
    device = first_device(customer, category)
    ticket = take_call(office, customer, description, device=device, assignee=tech, reported_at=reported,
                       location=device.cabinet.location if device and device.cabinet else "")
    _carry_out(ticket, tech, reported, found, action, customer.person_in_charge or "学校联系人")
    if unhappy:
        return record_follow_up(ticket, office, quality=2, attitude=4, result="not_satisfied",
                                reason="故障三天后再次出现", responsible=tech, assignee=tech)
    record_follow_up(ticket, office, quality=5, attitude=5, result="satisfied")
    return None


def _past_repairs(rng: random.Random, today: date) -> None:
    """Two or three closed tickets per school in each of the last three months; one reworked."""
    office = demo_user("office")
    schools = db.session.scalars(select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)).all()
    story = 0
    for back in (3, 2, 1):
        year, month = shift_month(today.year, today.month, -back)
        for school in schools:
            if not school.technicians:
                continue
            tech = school.technicians[0]
            for _ in range(rng.choice([2, 3])):
                day = date(year, month, rng.randint(3, 24))
                rework = _closed_repair(office, school, tech, _at(day, rng.randint(8, 15)), PAST_REPAIRS[story % len(PAST_REPAIRS)],
                                        unhappy=(back == 2 and story % 7 == 0))
                story += 1
                if rework is not None:  # done again two days later, and this time it holds
                    _carry_out(rework, tech, _at(day + timedelta(days=2), 9), "接头氧化", "更换接头并做防水处理",
                               school.person_in_charge or "学校联系人", minutes=(5, 60, 65, 120, 125), lag=timedelta(0))
                    record_follow_up(rework, office, quality=5, attitude=5, result="satisfied")


def _past_sheets(today: date) -> None:
    """The patrol visits of the months before last were done with a sheet the office accepted."""
    office = demo_user("office")
    (template,) = current_templates("monthly_patrol") or [None]
    if template is None:
        return
    last_key = "{:04d}-{:02d}".format(*shift_month(today.year, today.month, -1))
    visits = db.session.scalars(
        select(Visit).where(Visit.activity == "monthly_patrol", Visit.state == "done", Visit.inspection_id.is_(None),
                            Visit.period_key < last_key).order_by(Visit.due_date)
    ).all()
    for visit in visits:
        done = visit.done_on or visit.due_date
        sheet = file_sheet_from_device(visit.assignee, {
            "template_id": template.id, "customer_id": visit.customer_id, "answers": PATROL_ALL_PASS,
            "started_at": _at(done, 14), "finished_at": _at(done, 16), "customer_opinion": "服务及时，记录清楚。",
        }, new_id())
        visit.inspection_id = sheet.id
        review_inspection(sheet, office, "accepted")


def _past_diary(rng: random.Random, today: date) -> None:
    """A few diary entries per school in each of the last three months."""
    schools = db.session.scalars(select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)).all()
    for back in (3, 2, 1):
        year, month = shift_month(today.year, today.month, -back)
        for school in schools:
            if not school.technicians:
                continue
            for n in range(2):
                create_diary_entry(school.technicians[0], {
                    "customer_id": school.id, "date": date(year, month, 5 + 10 * n + rng.randint(0, 4)),
                    "text": DIARY_TEXTS[(back + n) % len(DIARY_TEXTS)],
                }, new_id())


def load_demo_history(seed: int = 7) -> None:
    """Three months of closed tickets, accepted sheets and diary entries (after the rest of the demo)."""
    rng = random.Random(seed)
    today = local_today()
    _past_repairs(rng, today)
    _past_sheets(today)
    _past_diary(rng, today)
    db.session.flush()
