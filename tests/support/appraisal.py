"""October 2026 of known work for the appraisal tests: two technicians, their schools, patrols and
maintenance, sheets (signed, unsigned with and without a reason, returned, corrected), spot
checks, repair tickets across National Day (1–7 Oct, make-up working day Sat 10 Oct), follow-up
calls, a rework and suggestions. The figures each test expects are computed by hand in its
docstring; `october()` only builds.

Times the verbs stamp themselves (a review, a suggestion, the office's follow-up) are set by
patching the one `utcnow` name the verb's module reads, so every record lands on the day the
story says.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.support.factories import make_checklist, make_customer, make_plan, make_sheet, make_user
from tests.support.repair_builders import make_ticket
from webapp.appraisal import services as appraisal_services
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.maintenance import services as maintenance_services
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.models import Visit
from webapp.maintenance.schedule import record_no_signature_reason
from webapp.repairs import events as repair_events
from webapp.repairs import services as repair_services
from webapp.repairs.events import record_event
from webapp.repairs.follow_up import record_follow_up

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNATURE = "b" * 64
PATROL_ITEMS = [{"key": "works", "label_zh": "系统运行正常", "label_en": "Systems work", "type": "pass_flag_fail",
                 "required": True}]
SECTION = {"section_zh": "现场", "section_en": "On site"}
SPOT_ITEMS = [
    {"key": "a", "label_zh": "设备", "label_en": "Devices", "type": "pass_flag_fail", "points": 60, **SECTION},
    {"key": "b", "label_zh": "记录", "label_en": "Records", "type": "pass_flag_fail", "points": 20, **SECTION},
    {"key": "c", "label_zh": "整洁", "label_en": "Tidiness", "type": "pass_flag_fail", "points": 20, **SECTION},
]
PASS = {"value": "pass"}


def bj(m: int, d: int, hh: int = 9, mm: int = 0, y: int = 2026) -> datetime:
    """A Beijing wall-clock time in 2026, as a UTC instant."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(timezone.utc)


@contextmanager
def stamped(monkeypatch, moment: datetime, *modules):
    """Verbs of these modules see `moment` as now."""
    with monkeypatch.context() as patch:
        for module in modules:
            patch.setattr(module, "utcnow", lambda: moment)
        yield


@dataclass
class October:
    """What `october()` built, by name."""

    tech: User
    tech2: User
    office: User
    head: User
    qc: User
    schools: dict = field(default_factory=dict)
    visits: dict = field(default_factory=dict)
    sheets: dict = field(default_factory=dict)
    tickets: dict = field(default_factory=dict)
    suggestions: dict = field(default_factory=dict)


def _visit(customer, activity: str = "monthly_patrol") -> Visit:
    """The customer's October visit of an activity."""
    return db.session.scalars(select(Visit).where(Visit.customer_id == customer.id, Visit.activity == activity)
                              .order_by(Visit.due_date.desc())).first()


def _step(ticket, user, when: datetime, kind: str, **data):
    """One repair step recorded by the server at `when`."""
    record_event(ticket, kind, data, user, now=when)


def _ticket(school, tech, reported: datetime):
    """A phone report assigned to the technician, received at `reported`."""
    return make_ticket(school, assigned_to=tech, reported_at=reported)


def october(monkeypatch) -> October:
    """Build the month (see the module docstring); committed."""
    tech, tech2 = make_user(Role.TECHNICIAN, "zhang"), make_user(Role.TECHNICIAN, "li")
    o = October(tech, tech2, make_user(Role.OFFICE), make_user(Role.SUPERVISOR, "head"), make_user(Role.QUALITY, "qc"))
    names = {"s1": "城南小学", "s3": "东湖中学", "s4": "西山小学", "s5": "北关小学", "s2": "滨江中学"}
    for key, name in names.items():
        o.schools[key] = make_customer(name, technicians=[tech2 if key == "s2" else tech])
    for key in ("s1", "s3", "s4", "s5"):
        make_plan(o.schools[key], "monthly_patrol", tech, start_date=date(2026, 10, 1))
    make_plan(o.schools["s2"], "monthly_patrol", tech2, start_date=date(2026, 10, 1))
    make_plan(o.schools["s2"], "semi_annual_maintenance", tech2, start_date=date(2026, 4, 10))
    generate_visits(date(2026, 10, 31), today=date(2026, 10, 1))
    db.session.commit()
    patrol = make_checklist(PATROL_ITEMS, key="appraisal_patrol")
    for key in names:
        o.visits[key] = _visit(o.schools[key])
    o.visits["s2_semi"] = _visit(o.schools["s2"], "semi_annual_maintenance")

    def sheet(key: str, user: User, finished: datetime):
        return make_sheet(user, patrol, o.schools[key], {"works": PASS}, visit=o.visits[key], finished_at=finished)

    # tech: s1 signed on 20 Oct (on time); s3 unsigned, no reason (not on time), returned on 26 Oct;
    # s4 unsigned with a reason (on time); s5 done on 3 Nov (late).
    o.sheets["s1"] = sheet("s1", tech, bj(10, 20, 10))
    maintenance_services.sign_inspection(o.sheets["s1"], "王校长", SIGNATURE, bj(10, 20, 11))
    o.sheets["s3"] = sheet("s3", tech, bj(10, 25, 10))
    with stamped(monkeypatch, bj(10, 26, 9), maintenance_services):
        maintenance_services.review_inspection(o.sheets["s3"], o.office, "has_issues", "缺少机房照片")
    o.sheets["s4"] = sheet("s4", tech, bj(10, 28, 10))
    record_no_signature_reason(o.visits["s4"], "校长出差，由教务处主任电话确认", tech)
    o.sheets["s5"] = sheet("s5", tech, bj(11, 3, 10))
    # tech2: s2 handed in on 15 Oct, returned on 16 Oct, corrected and signed on 17 Oct (on time);
    # the semi-annual maintenance due 10 Oct is still open.
    o.sheets["s2"] = sheet("s2", tech2, bj(10, 15, 10))
    with stamped(monkeypatch, bj(10, 16, 9), maintenance_services):
        maintenance_services.review_inspection(o.sheets["s2"], o.office, "has_issues", "读数有误")
    o.sheets["s2_fix"] = maintenance_services.file_sheet_from_device(tech2, {
        "template_id": patrol.id, "customer_id": o.schools["s2"].id, "visit_id": o.visits["s2"].id,
        "answers": {"works": PASS}, "finished_at": bj(10, 17, 10), "supersedes_id": o.sheets["s2"].id}, "fix-s2-0001")
    maintenance_services.sign_inspection(o.sheets["s2_fix"], "赵主任", SIGNATURE, bj(10, 17, 11))
    db.session.commit()

    # The quality team's spot checks at s1: 80 on 12 Oct, 90 on 22 Oct (tech answers for s1).
    spot = make_checklist(SPOT_ITEMS, key="appraisal_spot", activity="spot_check")
    o.sheets["spot80"] = make_sheet(o.qc, spot, o.schools["s1"], {
        "a": PASS, "b": PASS, "c": {"value": "fail", "note": "线缆杂乱"}}, finished_at=bj(10, 12, 15))
    o.sheets["spot90"] = make_sheet(o.qc, spot, o.schools["s1"], {
        "a": PASS, "b": PASS, "c": {"value": "flag", "note": "标签缺失"}}, finished_at=bj(10, 22, 15))

    _repairs(o, monkeypatch)
    with stamped(monkeypatch, bj(10, 8, 10), appraisal_services):
        o.suggestions["adopted"] = appraisal_services.file_suggestion(tech, "备件柜按学校分格", "常用备件按学校分格存放，出发前一目了然。")
    with stamped(monkeypatch, bj(10, 19, 10), appraisal_services):
        o.suggestions["open"] = appraisal_services.file_suggestion(tech, "巡查表增加温度照片", "机房温度读数拍照留档。")
        appraisal_services.answer_suggestion(o.suggestions["adopted"], o.head, "很好，十一月起执行。", adopted=True)
    with stamped(monkeypatch, bj(9, 28, 10), appraisal_services):
        o.suggestions["september"] = appraisal_services.file_suggestion(tech2, "九月的建议", "不算十月。")
    db.session.commit()
    return o


def _repairs(o: October, monkeypatch) -> None:
    """The tickets of the month (see the module docstring)."""
    s1, s2, tech, tech2 = o.schools["s1"], o.schools["s2"], o.tech, o.tech2
    general = {"classification": "general"}
    fixed = {"fault_found": "电源坏", "action": "换电源"}
    # T1 (12 Oct): arrived and fixed the same day; customer signed; follow-up 5 / 4, satisfied.
    t1 = o.tickets["t1"] = _ticket(s1, tech, bj(10, 12, 9))
    _step(t1, tech, bj(10, 12, 10), "arrived")
    _step(t1, tech, bj(10, 12, 10, 30), "classified", **general)
    _step(t1, tech, bj(10, 12, 15), "resolved", **fixed)
    _step(t1, tech, bj(10, 12, 15, 30), "customer_signed", signer_name="王校长", satisfaction="satisfied")
    with stamped(monkeypatch, bj(10, 15, 10), repair_events):
        record_follow_up(t1, o.office, quality=5, attitude=4, result="satisfied")
    # T2 (reported 13 Oct 16:00): arrived and fixed on 14 Oct (both missed); follow-up 2 / 3, not
    # satisfied, tech held responsible: a rework.
    t2 = o.tickets["t2"] = _ticket(s1, tech, bj(10, 13, 16))
    _step(t2, tech, bj(10, 14, 9), "arrived")
    _step(t2, tech, bj(10, 14, 9, 30), "classified", **general)
    _step(t2, tech, bj(10, 14, 11), "resolved", **fixed)
    _step(t2, tech, bj(10, 14, 11, 30), "customer_signed", signer_name="王校长", satisfaction="satisfied")
    with stamped(monkeypatch, bj(10, 16, 10), repair_events, repair_services):
        o.tickets["t2_rework"] = record_follow_up(t2, o.office, quality=2, attitude=3, result="not_satisfied",
                                                  reason="投影仍然偏暗", responsible=tech)
    # T3: sent to the factory on Wed 30 Sep; 10 working days skip 1–7 Oct and count Sat 10 Oct:
    # due at the end of Tue 20 Oct; back and resolved on 20 Oct 15:00 (met). Its arrival was due
    # on 30 Sep (September's).
    factory = {"classification": "factory_return"}
    t3 = o.tickets["t3"] = _ticket(s1, tech, bj(9, 30, 9))
    _step(t3, tech, bj(9, 30, 10), "arrived")
    _step(t3, tech, bj(9, 30, 10, 30), "classified", **factory)
    _step(t3, tech, bj(9, 30, 11), "sent_to_factory")
    _step(t3, tech, bj(10, 20, 10), "returned_from_factory")
    _step(t3, tech, bj(10, 20, 15), "resolved", **fixed)
    # T4: arrived the day it was reported (Fri 9 Oct); sent the same day: due end of Thu 22 Oct;
    # resolved on 23 Oct (missed, no circumstance noted).
    t4 = o.tickets["t4"] = _ticket(s1, tech, bj(10, 9, 8))
    _step(t4, tech, bj(10, 9, 9), "arrived")
    _step(t4, tech, bj(10, 9, 9, 30), "classified", **factory)
    _step(t4, tech, bj(10, 9, 10), "sent_to_factory")
    _step(t4, tech, bj(10, 23, 9), "returned_from_factory")
    _step(t4, tech, bj(10, 23, 10), "resolved", **fixed)
    # T5 (tech2, 20 Oct): arrived the same day (met); classified difficult, the supervisor told
    # only on 21 Oct (missed); still open.
    t5 = o.tickets["t5"] = _ticket(s2, tech2, bj(10, 20, 9))
    _step(t5, tech2, bj(10, 20, 10), "arrived")
    _step(t5, tech2, bj(10, 20, 11), "classified", classification="difficult")
    _step(t5, tech2, bj(10, 21, 9), "supervisor_informed")
    db.session.commit()
