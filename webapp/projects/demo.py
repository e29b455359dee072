"""Demo data for installation projects: one under way whose team includes `tech` (so his device
pulls it: a failed and a passed site-entry review, the plan with a late milestone, a change, the
site log and a training signed by two teachers), and one completed that became a school in the
archive (its devices, hand-over items and every signed paper). Everything goes through the verbs.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..training.demo import handwriting
from . import handover, rounds, services
from .signatures import sign_paper

PNG_SEED = 700


def _user(username: str) -> User:
    """A demo user by name."""
    return db.session.scalars(select(User).where(User.username == username)).one()


def _checklist(*oks: bool) -> list[dict]:
    """The site-entry conditions, met or not."""
    labels = ["机房装修完成，地面防静电", "强电到位，配电箱有独立空开", "弱电桥架与管线预埋到位", "施工区域可封闭管理"]
    return [{"label": label, "ok": ok, "note": "" if ok else "尚未完成，需学校整改"} for label, ok in zip(labels, oks)]


def _team(head: User, project, leader: User, members: list[User], acceptors: list[User]) -> None:
    """The head picks the team and the acceptance team."""
    services.assign_team(head, project, leader.id, [m.id for m in members])
    services.appoint_acceptance_team(head, project, [a.id for a in acceptors])


def _under_way(market: User, head: User, tech: User, tech2: User, qc: User) -> None:
    """城东实验小学 智慧校园一期: installing, a milestone late, a change reported, a training signed."""
    today = local_today()
    project = services.open_project(market, {
        "new_customer": True, "name": "城东实验小学智慧校园一期", "address": "城东区学府路 66 号",
        "contract_no": "ZB-2026-118", "tendered": True, "standard": "contract",
        "standard_notes": "执行招标文件第五章技术要求", "customer": {"person_in_charge": "吴老师（总务处）",
                                                                  "phone": "0571-86601166"},
    })
    _team(head, project, tech, [tech2], [qc])
    services.file_plan(tech, project, {
        "scheme": "先综合布线，后机柜与设备安装，最后联调", "process": "桥架走线横平竖直，标签两端一致",
        "quality": "按合同技术要求及 GB 50311 验收", "milestones": [
            {"name": "综合布线", "planned_start": (today - timedelta(days=18)).isoformat(),
             "planned_end": (today - timedelta(days=10)).isoformat()},
            {"name": "机柜与设备安装", "planned_start": (today - timedelta(days=9)).isoformat(),
             "planned_end": (today - timedelta(days=2)).isoformat()},
            {"name": "系统联调", "planned_start": (today - timedelta(days=1)).isoformat(),
             "planned_end": (today + timedelta(days=6)).isoformat()},
        ]})
    first = rounds.record_entry_review(tech, {"project_id": project.id, "reviewed_on": today - timedelta(days=20),
                                              "items": _checklist(True, False, True, True), "notes": "配电未到位"})
    sign_paper(tech, "project_entry_review", first, "reviewer", tech.display_name, handwriting(PNG_SEED))
    rounds.report_rectified(market, {"round_kind": "project_entry_review", "round_id": first.id,
                                     "note": "学校已安装机房独立配电箱"})
    second = rounds.record_entry_review(tech, {"project_id": project.id, "reviewed_on": today - timedelta(days=18),
                                               "items": _checklist(True, True, True, True)})
    sign_paper(tech, "project_entry_review", second, "reviewer", tech.display_name, handwriting(PNG_SEED + 1))
    wiring, install, _tuning = services._milestones(project)
    services.record_progress(tech, wiring, {"actual_start": (today - timedelta(days=17)).isoformat(),
                                            "actual_end": (today - timedelta(days=8)).isoformat()})
    services.record_progress(tech, install, {"actual_start": (today - timedelta(days=7)).isoformat()})
    for days, text in ((12, "教学楼 A 二、三层布线完成"), (8, "布线完成，开始机柜安装"), (1, "核心机柜上架，交换机加电")):
        services.add_log_entry(tech, {"project_id": project.id, "date": today - timedelta(days=days), "text": text,
                                      "workers": f"{tech.display_name}、{tech2.display_name}"})
    services.record_change(tech2, {
        "project_id": project.id, "what": "录播教室由 2 间增至 3 间", "why": "学校新增一间录播教室需求",
        "effect": "设备安装推迟 3 天", "milestones": [
            {"milestone_id": install.id, "planned_end": (today + timedelta(days=1)).isoformat()}]})
    training = services.record_training(tech, {
        "project_id": project.id, "held_on": today - timedelta(days=1), "topics": "门禁管理平台日常操作；录播系统开机与录制",
        "trainer": tech.display_name, "trainees": ["吴老师", "郑老师"]})
    for n, name in enumerate(training.trainees, start=1):
        sign_paper(tech, "project_training", training, f"trainee-{n}", name, handwriting(PNG_SEED + 10 + n))
    for n, (site, cabinet, name, category, brand, model) in enumerate((
            ("主校区", "1号机柜", "核心交换机", "switch", "华为", "S5735-S48T4X"),
            ("主校区", "1号机柜", "录像机", "nvr", "海康威视", "DS-9632N-I16"),
            ("主校区", "2号机柜", "录播主机", "classroom_av", "奥威亚", "AVA-8000"))):
        handover.add_device(tech, project, {"site_name": site, "cabinet_name": cabinet, "name": name,
                                            "category": category, "brand": brand, "model": model,
                                            "serial": f"CD26{n:04d}"})


def _completed(market: User, head: User, tech: User, tech2: User, qc: User, office: User) -> None:
    """湖畔小学 校园网改造: completed, its devices and hand-over in the archive, every paper signed."""
    today = local_today()
    project = services.open_project(market, {
        "new_customer": True, "name": "湖畔小学校园网与监控改造", "address": "湖畔区柳岸路 9 号",
        "contract_no": "HT-2026-037", "tendered": False, "standard": "company",
        "customer": {"person_in_charge": "钱主任（信息中心）", "phone": "0571-86603737"},
    })
    _team(head, project, tech2, [tech], [qc])
    services.file_plan(tech2, project, {"scheme": "分楼栋施工，夜间割接", "milestones": [
        {"name": "布线与设备安装", "planned_start": (today - timedelta(days=70)).isoformat(),
         "planned_end": (today - timedelta(days=55)).isoformat()},
        {"name": "联调与试运行", "planned_end": (today - timedelta(days=45)).isoformat()}]})
    review = rounds.record_entry_review(tech2, {"project_id": project.id, "reviewed_on": today - timedelta(days=72),
                                                "items": _checklist(True, True, True, True)})
    sign_paper(tech2, "project_entry_review", review, "reviewer", tech2.display_name, handwriting(PNG_SEED + 20))
    for milestone, (start, end) in zip(services._milestones(project), ((70, 54), (53, 44))):
        services.record_progress(tech2, milestone, {"actual_start": (today - timedelta(days=start)).isoformat(),
                                                    "actual_end": (today - timedelta(days=end)).isoformat()})
    training = services.record_training(tech2, {
        "project_id": project.id, "held_on": today - timedelta(days=46), "topics": "监控客户端回放与导出",
        "trainer": tech2.display_name, "trainees": ["钱主任", "孙老师"]})
    for n, name in enumerate(training.trainees, start=1):
        sign_paper(tech2, "project_training", training, f"trainee-{n}", name, handwriting(PNG_SEED + 30 + n))
    failed = rounds.record_internal_acceptance(qc, {"project_id": project.id, "checked_on": today - timedelta(days=44),
                                                    "items": [{"name": "机柜理线", "ok": False, "note": "跳线凌乱",
                                                               "rectify": "重新理线并贴标签"},
                                                              {"name": "监控画面", "ok": True, "note": ""}]})
    rounds.report_rectified(tech2, {"round_kind": "project_internal_acceptance", "round_id": failed.id,
                                    "note": "已重新理线，标签齐全"})
    rounds.record_internal_acceptance(qc, {"project_id": project.id, "checked_on": today - timedelta(days=43),
                                           "items": [{"name": "机柜理线", "ok": True, "note": ""},
                                                     {"name": "监控画面", "ok": True, "note": ""}]})
    external = rounds.record_external_acceptance(market, {
        "project_id": project.id, "held_on": today - timedelta(days=40), "passed": True,
        "school_representative": "钱主任", "attendees": f"{market.display_name}、{tech2.display_name}、钱主任",
        "remarks": "系统运行正常，同意验收"})
    sign_paper(market, "project_external_acceptance", external, "school", "钱主任", handwriting(PNG_SEED + 40))
    for n, (cabinet, name, category, brand, model) in enumerate((
            ("1号机柜", "核心交换机", "switch", "华为", "S5735-S24T4X"),
            ("1号机柜", "防火墙", "firewall", "深信服", "AF-1000"),
            ("1号机柜", "网络录像机", "nvr", "海康威视", "DS-8864N-R8"),
            ("2号机柜", "接入交换机", "switch", "华为", "S1730S-L24T"))):
        handover.add_device(office, project, {"site_name": "主校区", "cabinet_name": cabinet, "name": name,
                                              "category": category, "brand": brand, "model": model,
                                              "serial": f"HP26{n:04d}",
                                              "install_date": (today - timedelta(days=50)).isoformat()})
    report = rounds.write_report(tech2, {"project_id": project.id,
                                         "summary": "工程按计划完成，内部验收一次整改后通过，外部验收通过。"})
    sign_paper(tech2, "project_report", report, "leader", tech2.display_name, handwriting(PNG_SEED + 50))
    for item in handover.items_of(project):
        handover.check_handover_item(tech, item)
    receipt = handover.record_handover(tech, {"project_id": project.id, "handed_on": today - timedelta(days=39),
                                              "received_by": "钱主任"})
    sign_paper(tech, "project_handover", receipt, "school", "钱主任", handwriting(PNG_SEED + 60))
    db.session.flush()
    handover.archive_project(head, project)


def load_demo_projects() -> None:
    """The two demo projects (called once by `demo.load_demo_data`)."""
    market, head, tech, tech2, qc, office = (_user(n) for n in ("market", "super", "tech", "tech2", "qc", "office"))
    _under_way(market, head, tech, tech2, qc)
    _completed(market, head, tech, tech2, qc, office)
    db.session.flush()
