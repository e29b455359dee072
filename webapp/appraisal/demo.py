"""Demo data for the appraisal: a scheme in force since last month, last month's work made
computable for tech and tech2 (reasons for the patrols recorded on paper, a spot check, repairs with deadlines
and a follow-up call), a suggestion answered and adopted, one waiting, and an adjustment."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ..archive.models import Customer
from ..auth.models import User
from ..clock import local_today, site_zone
from ..extensions import db
from ..maintenance.models import Visit
from ..maintenance.periods import shift_month
from ..maintenance.schedule import record_no_signature_reason
from ..maintenance.services import current_templates, file_sheet_from_device
from ..records import new_id
from ..repairs.events import record_event
from ..repairs.services import take_call
from .scheme import DEFAULT_WEIGHTS
from .services import add_adjustment, answer_suggestion, file_suggestion, set_scheme

SPOT_ANSWERS = {
    "diary_kept": {"value": "yes"}, "patrol_matches": {"value": "flag", "note": "上月巡查表缺少客户签字"},
    "archive_current": {"value": "pass"}, "devices_sampled": {"value": "pass"},
    "tidiness": {"value": "pass"}, "school_view": {"value": "good"},
}


def _user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalar(select(User).where(User.username == username))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time, as UTC."""
    return datetime.combine(day, time(hour, minute), site_zone()).astimezone(timezone.utc)


def _repairs(last_first: date, office: User, tech: User, tech2: User) -> None:
    """Two of last month's repairs: tech's on time and followed up; tech2 arrived the same day but fixed it the next."""
    schools = {c.name: c for c in db.session.scalars(select(Customer))}
    day = last_first + timedelta(days=9)
    ticket = take_call(office, schools["城南实验小学"], "录播教室话筒无声音。", location="教学楼 2F 录播教室",
                       reporter_name="郑浩", reporter_phone="13905710012", assignee=tech, reported_at=_at(day, 9))
    ticket.created_at = _at(day, 9)
    for when, kind, data in (
        (_at(day, 10), "arrived", {}), (_at(day, 10, 20), "classified", {"classification": "general"}),
        (_at(day, 11), "resolved", {"fault_found": "话筒电池耗尽", "action": "更换电池并测试"}),
        (_at(day, 11, 10), "customer_signed", {"signer_name": "郑浩", "satisfaction": "satisfied"}),
    ):
        record_event(ticket, kind, data, tech, now=when)
    record_event(ticket, "follow_up_recorded", {"result": "satisfied", "quality": 5, "attitude": 4}, office,
                 now=_at(day + timedelta(days=2), 10))
    record_event(ticket, "closed", {}, office, now=_at(day + timedelta(days=2), 10, 5))
    late_day = last_first + timedelta(days=14)
    late = take_call(office, schools["西湖区职业技术学校"], "机房交换机端口指示灯不亮。", location="图书信息楼 1F 弱电间",
                     reporter_name="黄海", reporter_phone="13905710021", assignee=tech2, reported_at=_at(late_day, 16))
    late.created_at = _at(late_day, 16)
    record_event(late, "arrived", {}, tech2, now=_at(late_day, 17, 30))
    record_event(late, "classified", {"classification": "general"}, tech2, now=_at(late_day, 17, 40))
    record_event(late, "resolved", {"fault_found": "端口模块故障", "action": "更换备用端口并调整跳线"}, tech2,
                 now=_at(late_day + timedelta(days=1), 10))


def load_demo_appraisal() -> None:
    """Scheme version 1 from last month; last month's records for tech and tech2; suggestions."""
    today = local_today()
    year, month = shift_month(today.year, today.month, -1)
    last_first = date(year, month, 1)
    head, office, qc = _user("super"), _user("office"), _user("qc")
    tech, tech2 = _user("tech"), _user("tech2")
    set_scheme(DEFAULT_WEIGHTS, last_first, "第一版：巡查保养 30、维修时限 25、返厂 10、质量检查 15、回访 20", head,
               today=last_first)
    last_key = f"{year:04d}-{month:02d}"
    patrols = db.session.scalars(select(Visit).where(
        Visit.period_key == last_key, Visit.activity == "monthly_patrol", Visit.state == "done",
        Visit.inspection_id.is_(None)).order_by(Visit.due_date, Visit.id)).all()
    for visit in patrols:  # recorded on paper; the sheet filed from the field app waits for its signature
        record_no_signature_reason(visit, "纸质巡查表已由校方签字，扫描件已存档", visit.assignee)
    (spot,) = current_templates("spot_check") or [None]
    first_school = tech.customers[0] if tech.customers else None
    if spot is not None and first_school is not None:
        file_sheet_from_device(qc, {"template_id": spot.id, "customer_id": first_school.id, "answers": SPOT_ANSWERS,
                                    "finished_at": _at(last_first + timedelta(days=17), 15)}, new_id())
    _repairs(last_first, office, tech, tech2)
    idea = file_suggestion(tech, "备件按学校分格存放", "常用备件（电源适配器、网线、电池）按学校分格存放，出发前一目了然，减少二次往返。")
    idea.created_at = _at(last_first + timedelta(days=6), 17)
    answer_suggestion(idea, head, "很好的建议，下月起在库房试行，由张伟负责整理。", adopted=True)
    waiting = file_suggestion(tech2, "巡查表增加机房温度照片", "机房温度读数拍照留档，便于质量检查核对。")
    waiting.created_at = _at(last_first + timedelta(days=20), 9)
    add_adjustment(tech2, year, month, 2, "协助市场部完成新校区进场条件审查", head)
    db.session.flush()
