"""Demo data for training: a signed safety training, a vendor training still collecting
signatures, last month's seminar with its minutes issued, and this month's agenda carrying
what last month left open. Everything goes through the feature's verbs."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from .agenda import previous_month
from .seminars import add_lesson, add_problem, draft_agenda, issue_minutes, record_item, set_attendance
from .sessions import close_session, create_session, sign_attendance


def _user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalars(select(User).where(User.username == username)).one()


def handwriting(seed: int) -> bytes:
    """A signature-like scrawl (a transparent PNG of ink strokes), different for each person."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (480, 192), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    x, y = 40, 110
    for _stroke in range(3):
        points = [(x, y)]
        for _step in range(14):
            x = min(440, x + rng.randint(8, 22))
            y = max(40, min(160, y + rng.randint(-28, 28)))
            points.append((x, y))
        pen.line(points, fill=(11, 37, 64, 255), width=4, joint="curve")
        x, y = x - rng.randint(60, 120), rng.randint(70, 140)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _sessions(head: User, people: list[User]) -> None:
    """A safety training everyone signed (its sheet filed), and a vendor training half signed."""
    today = local_today()
    safety = create_session(head, {
        "kind": "safety", "title": "机房用电与登高作业安全", "held_on": today - timedelta(days=40), "duration_minutes": 90,
        "trainer": head.display_name, "vendor": "", "location": "公司三楼会议室",
        "topics": "配电柜断电挂牌操作规范\n人字梯与登高作业安全带\n施工现场文明作业要求",
        "attendee_ids": [u.id for u in people],
    })
    for n, person in enumerate(people):
        sign_attendance(head, safety, person.id, handwriting(100 + n))
    vendor = create_session(head, {
        "kind": "vendor", "title": "海康威视 NVR 新固件与硬盘 RAID 重建", "held_on": today - timedelta(days=3),
        "duration_minutes": 120, "trainer": "海康工程师 王工", "vendor": "海康威视浙江分公司", "location": "公司三楼会议室",
        "topics": "V4.62 固件升级步骤\nRAID5 降级后的重建\n通道离线的排查顺序", "attendee_ids": [u.id for u in people],
    })
    sign_attendance(head, vendor, people[0].id, handwriting(200))
    ethics = create_session(head, {
        "kind": "ethics", "title": "服务规范与职业道德", "held_on": today - timedelta(days=200), "duration_minutes": 60,
        "trainer": "行政部 李主任", "vendor": "", "location": "公司三楼会议室",
        "topics": "入校服务礼仪；保密要求", "attendee_ids": [u.id for u in people],
    })
    sign_attendance(head, ethics, people[0].id, handwriting(300))
    close_session(head, ethics)  # one absent: the sheet marks them 未签到
    db.session.flush()


def _seminars(head: User, tech: User, tech2: User, attendees: list[User]) -> None:
    """Last month's seminar with two problems and a lesson, issued; this month's agenda drafted."""
    today = local_today()
    year, month = previous_month(today.year, today.month)
    seminar, _items = draft_agenda(head, year, month)
    black = add_problem(head, seminar, {"title": "希沃一体机开机黑屏有声音",
                                        "facts": "城南实验小学 三年级(2)班 F75EC，本月第二次；重启后恢复约一天。"})
    record_item(head, black, {"discussion": "怀疑背光驱动板虚焊；同批次另两台也有类似现象。",
                              "solution": "更换背光驱动板；同批次设备下次巡查时重点检查。", "owner_id": tech.id,
                              "status": "solved"})
    camera = add_problem(head, seminar, {"title": "海康摄像机夜间画面模糊",
                                         "facts": "滨江第一中学 大门口 DS-2CD3T46WDV3-I3，红外开启后画面发白。"})
    record_item(head, camera, {"discussion": "可能是防护罩起雾或红外反光，需要厂家确认固件参数。",
                               "solution": "", "owner_id": tech2.id, "status": "in_progress"})
    add_lesson(tech, seminar, {"title": "交换机环路的快速定位",
                               "facts": "先看核心交换机的 STP 拓扑变化日志，再逐个断开接入端口，十分钟内可以定位。"})
    last_day = date(today.year, today.month, 1) - timedelta(days=1)
    set_attendance(head, seminar, last_day, [u.id for u in attendees])
    issue_minutes(head, seminar)
    draft_agenda(head, today.year, today.month)  # this month: the camera problem carried over, this month's faults
    db.session.flush()


def load_demo_training() -> None:
    """The demo's training sessions and seminars."""
    head, tech, tech2, office = _user("super"), _user("tech"), _user("tech2"), _user("office")
    _sessions(head, [tech, tech2, office])
    _seminars(head, tech, tech2, [head, tech, tech2, office])
