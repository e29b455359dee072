"""Demo repair tickets: a public QR report, a phone call awaiting arrival, a difficult fault."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..archive.models import Customer, Device
from ..auth.models import User
from ..clock import utcnow
from ..extensions import db
from . import events as ev
from .services import create_ticket, take_call


def demo_user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalar(select(User).where(User.username == username))


def first_device(customer: Customer, category: str) -> Device:
    """The first device of a category at a customer."""
    return db.session.scalars(
        select(Device).where(Device.customer_id == customer.id, Device.category == category).order_by(Device.name)
    ).first()


def load_demo_repairs() -> None:
    """Three tickets in different states so the inbox, the board and the field app have work."""
    schools = {c.name: c for c in db.session.scalars(select(Customer))}
    office, tech, tech2 = demo_user("office"), demo_user("tech"), demo_user("tech2")
    now = utcnow()

    first = schools["滨江第一中学"]
    camera = first_device(first, "camera")
    create_ticket(
        first, "大门口摄像机画面模糊，晚上看不清。", source="public_qr", location=camera.cabinet.location,
        reporter_name="门卫 老王", reporter_phone="13905719999", device=camera, cabinet=camera.cabinet,
    )

    second = schools["城南实验小学"]
    av = first_device(second, "classroom_av")
    take_call(
        office, second, "三年级(2)班一体机开机后黑屏，有声音无图像。", location="教学楼 3F 302 教室",
        reporter_name="郑浩", reporter_phone="13905710012", device=av, assignee=tech,
        agreed_arrival_at=now + timedelta(hours=3),
    )

    third = schools["西湖区职业技术学校"]
    server = first_device(third, "server")
    ticket = take_call(
        office, third, "实训楼服务器频繁自动重启，学生机房无法登录。", location="图书信息楼 1F 弱电间",
        reporter_name="黄海", reporter_phone="13905710021", device=server, assignee=tech2,
        reported_at=now - timedelta(hours=5),
    )
    ev.record_event(ticket, "accepted", {}, tech2, device_time=now - timedelta(hours=4, minutes=50))
    ev.record_event(ticket, "arrived", {}, tech2, device_time=now - timedelta(hours=3, minutes=40))
    ev.record_event(
        ticket, "classified", {"classification": "difficult", "note": "主板告警日志显示内存 ECC 错误，需厂商协助判断。"},
        tech2, device_time=now - timedelta(hours=3),
    )
    db.session.flush()
