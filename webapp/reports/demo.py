"""Demo data for the monthly report: last month's report written and issued by the head (so the
`leader` and `rd` users find it on their home page and in their notifications), and a
product-quality problem raised from one of last month's repairs, answered by R&D."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today, site_zone
from ..extensions import db
from ..repairs.models import RepairTicket
from .figures import month_span
from .services import answer_issue, draft_report, issue_report, last_month, raise_from_ticket, write_text

ANALYSIS = (
    "本月共受理报修若干起，一般问题均当日修复；返厂维修按 10 个工作日跟踪，无超期。"
    "故障集中在录播教室音频与机房交换机端口，建议研发部关注话筒电池续航与端口模块批次。"
    "月巡查按时完成率较上月提高，个别巡查表缺少客户签字，已要求补签或记录原因。"
)
SUGGESTIONS = (
    "1. 常用备件（电源适配器、网线、电池）按学校分格存放，减少二次往返；\n"
    "2. 巡查表增加机房温度照片，便于质量检查核对；\n"
    "3. 下月研讨会专题讨论交换机端口故障的处理经验。"
)


def _user(username: str) -> User | None:
    """A demo user by name."""
    return db.session.scalar(select(User).where(User.username == username))


def load_demo_reports() -> None:
    """Last month's report issued; a product-quality problem from last month answered by R&D."""
    year, month = last_month()
    head, tech, rd = _user("super"), _user("tech"), _user("rd")
    start, end = month_span(year, month)
    ticket = db.session.scalars(select(RepairTicket).where(
        RepairTicket.reported_at >= start, RepairTicket.reported_at < end, RepairTicket.deleted_at.is_(None))
        .order_by(RepairTicket.device_id.is_(None), RepairTicket.reported_at)).first()
    if ticket is not None and tech is not None:
        issue = raise_from_ticket(ticket, tech, "同型号设备本学期已第二次出现同类故障，怀疑批次质量问题，请研发部评估。")
        issue.raised_at = max(start, min(ticket.reported_at, end))
        if rd is not None:
            answer_issue(issue, rd, "已联系厂家核对批次，下月提供改进方案；在此之前请备好替换件。")
    report, _made = draft_report(year, month, today=local_today())
    write_text(report, head, ANALYSIS, SUGGESTIONS)
    issued_at = datetime.combine(local_today().replace(day=1), time(10), site_zone()).astimezone(timezone.utc)
    issue_report(report, head, now=issued_at)
    db.session.flush()
