"""The month-end seminar: its agenda drawn from a month of known repairs and patrols, lessons,
the meeting's record of each problem, the minutes issued as a PDF to leadership and R&D, and
unsolved problems carried into the next month until one of the chain is solved."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.support.repairs import Web
from tests.support.training import known_month, make_team, pdf_text
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.reports.services import draft_report
from webapp.training.models import Seminar, SeminarItem
from webapp.training.seminars import draft_agenda, issue_minutes, issued_seminar, minutes_bytes, minutes_for_month, record_item, set_attendance


@pytest.fixture
def team(app):
    """The department's people."""
    return make_team()


@pytest.fixture
def month(team):
    """November 2026's repairs and patrols at one school."""
    return known_month(team)


def by_source(seminar: Seminar) -> dict[str, list[SeminarItem]]:
    """The seminar's items grouped by where they came from."""
    out: dict[str, list[SeminarItem]] = {}
    for item in seminar.items:
        out.setdefault(item.source, []).append(item)
    return out


def hold(team, seminar: Seminar, outcomes: dict[str, tuple[str, str]]) -> None:
    """Record the meeting (items by ticket number or title → status, solution), who came, and issue the minutes."""
    for item in seminar.items:
        for key, (status, solution) in outcomes.items():
            if key in item.title:
                record_item(team.head, item, {"discussion": "大家讨论了原因", "solution": solution, "status": status,
                                              "owner_id": team.tech.id})
    set_attendance(team.head, seminar, date(2026, 11, 30), [team.head.id, team.tech.id, team.tech2.id])
    issue_minutes(team.head, seminar)
    db.session.commit()


def test_the_agenda_is_drawn_from_the_month(app, team, month):
    """Difficult fault, factory return, rework, a model failing twice and the patrol finding; October stays out."""
    seminar, added = draft_agenda(team.head, 2026, 11)
    db.session.commit()
    groups = by_source(seminar)
    assert [i.ticket_id for i in groups["difficult"]] == [month.difficult.id]
    assert [i.ticket_id for i in groups["factory_return"]] == [month.factory.id]
    assert [i.ticket_id for i in groups["rework"]] == [month.rework.id]
    assert [i.title for i in groups["repeated_model"]] == ["海康威视 DS-2CD3T46WDV3-I3 本月报修 2 次"]
    assert "机房空调不制冷" in groups["patrol_finding"][0].facts and "机房温度正常" in groups["patrol_finding"][0].facts
    assert month.october.id not in {i.ticket_id for i in seminar.items}
    assert "carried" not in groups and len(added) == 5
    assert groups["difficult"][0].owner_id == team.tech.id  # the technician on the ticket brings it


def test_drafting_again_adds_only_what_is_new(app, team, month):
    """A second draft the same day adds nothing; the head's notes on an item stay."""
    seminar, _added = draft_agenda(team.head, 2026, 11)
    first = seminar.items[0]
    record_item(team.head, first, {"discussion": "已联系厂家", "status": "in_progress"})
    db.session.commit()
    again, added = draft_agenda(team.head, 2026, 11)
    db.session.commit()
    assert added == [] and again.id == seminar.id and len(again.items) == 5
    assert db.session.get(SeminarItem, first.id).discussion == "已联系厂家"


def test_the_head_drafts_and_records_through_the_pages(app, team, month):
    """Draft button, then one item's discussion, solution, owner and status saved from the meeting page."""
    web = Web(app, team.head)
    assert web.post("/training/seminars/2026/11/draft").status_code == 302
    seminar = db.session.scalars(select(Seminar)).one()
    item = by_source(seminar)["difficult"][0]
    prefix = f"i{item.id[:8]}"
    web.post(f"/training/seminars/{seminar.id}/items/{item.id}", data={
        f"{prefix}-discussion": "夜视红外灯损坏", f"{prefix}-solution": "更换红外灯板", f"{prefix}-owner_id": str(team.tech2.id),
        f"{prefix}-status": "solved"})
    db.session.expire_all()
    item = db.session.get(SeminarItem, item.id)
    assert (item.solution, item.owner_id, item.status) == ("更换红外灯板", team.tech2.id, "solved")
    page = web.html("/training/seminars/2026/11")
    assert "更换红外灯板" in page and "Difficult fault" in page


def test_a_problem_cannot_be_solved_without_saying_how(app, team, month):
    """Status 'solved' with no solution is refused; nothing changes."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    db.session.commit()
    item = seminar.items[0]
    with pytest.raises(Exception) as err:
        record_item(team.head, item, {"status": "solved", "solution": ""})
    assert getattr(err.value, "code", "") == "invalid" and "solution" in err.value.errors
    db.session.rollback()
    assert db.session.get(SeminarItem, item.id).status == "open"


def test_staff_add_lessons_but_only_the_head_records_outcomes(app, team, month):
    """A technician's 心得 joins the agenda; the same technician cannot record an item's outcome."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    db.session.commit()
    tech = Web(app, team.tech)
    tech.post(f"/training/seminars/{seminar.id}/lessons", data={"title": "交换机环路排查心得", "facts": "先看 STP 日志"})
    lesson = db.session.scalars(select(SeminarItem).where(SeminarItem.source == "lesson")).one()
    assert (lesson.author_id, lesson.title) == (team.tech.id, "交换机环路排查心得")
    item = by_source(db.session.get(Seminar, seminar.id))["difficult"][0]
    prefix = f"i{item.id[:8]}"
    response = tech.post(f"/training/seminars/{seminar.id}/items/{item.id}",
                         data={f"{prefix}-solution": "x", f"{prefix}-status": "solved"}, follow_redirects=True)
    assert "Only the department head" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SeminarItem, item.id).status == "open"


def test_issuing_files_the_minutes_in_chinese_and_tells_leadership_and_rnd(app, team, month):
    """The minutes PDF has its Chinese headings and the meeting's record; leader and R&D are notified once."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    hold(team, seminar, {month.difficult.number: ("solved", "更换红外灯板后恢复")})
    seminar = db.session.get(Seminar, seminar.id)
    assert seminar.state == "issued" and seminar.minutes_sha256
    text = pdf_text(minutes_bytes(seminar))
    for heading in ("月底研讨会纪要", "2026年11月", "会议日期", "主持人", "参会人员", "讨论议题", "来源", "情况", "讨论",
                    "解决方案", "负责人", "状态", "未解决问题（转入下月研讨会）", "一、"):
        assert heading in text, heading
    assert "更换红外灯板后恢复" in text and "疑难故障" in text and team.tech2.display_name in text
    notes = db.session.scalars(select(Notification).where(Notification.kind == "seminar_minutes")).all()
    assert sorted(n.user_id for n in notes) == sorted([team.leader.id, team.rd.id])
    assert "4 still open" in notes[0].message
    assert issued_seminar(2026, 11).id == seminar.id and issued_seminar(2026, 10) is None
    # the monthly report's link: the minutes' address (also outside a request), none for a month without them
    url = minutes_for_month(2026, 11)
    assert url == f"/training/seminars/{seminar.id}/minutes.pdf" and minutes_for_month(2026, 10) is None
    with app.test_request_context("/reports/"):
        assert minutes_for_month(2026, 11) == url
    response = Web(app, team.leader).get(url)
    assert response.status_code == 200 and response.data == minutes_bytes(seminar)
    draft_report(2026, 11)
    db.session.commit()
    report_page = Web(app, team.head).html("/reports/2026-11")
    assert f'href="{url}" data-seminar-minutes' in report_page


def test_minutes_need_the_day_and_the_attendees(app, team, month):
    """Issuing before recording attendance is refused and nobody is notified."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    db.session.commit()
    page = Web(app, team.head).post(f"/training/seminars/{seminar.id}/issue", follow_redirects=True)
    assert "Record the day and who attended first" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).state == "draft"
    assert db.session.scalars(select(Notification).where(Notification.kind == "seminar_minutes")).all() == []
    assert minutes_for_month(2026, 11) is None  # a drafted seminar has no minutes for the report to link


def test_issued_minutes_no_longer_change(app, team, month):
    """After issue, recording an item is refused with seminar_issued."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    hold(team, seminar, {})
    item = db.session.get(Seminar, seminar.id).items[0]
    with pytest.raises(Exception) as err:
        record_item(team.head, item, {"status": "solved", "solution": "改了"})
    assert err.value.code == "seminar_issued"


def test_unsolved_problems_carry_into_next_month_until_solved(app, team, month, monkeypatch):
    """November solves one problem; the other four open ones open December's agenda, naming November's
    items; December solves one of them, and January carries only the other three."""
    seminar, _ = draft_agenda(team.head, 2026, 11)
    hold(team, seminar, {month.difficult.number: ("solved", "更换红外灯板")})
    december, _ = draft_agenda(team.head, 2026, 12)
    db.session.commit()
    carried = by_source(december)["carried"]
    november = {i.id: i for i in db.session.get(Seminar, seminar.id).items}
    assert len(carried) == 4 and all(november[i.carried_from_id].status != "solved" for i in carried)
    assert month.difficult.id not in {i.ticket_id for i in carried}
    factory = next(i for i in carried if i.ticket_id == month.factory.id)
    assert factory.owner_id == team.tech.id and "2026年11月" in factory.facts
    assert [i.source for i in december.items[:4]] == ["carried"] * 4  # the old problems come first
    hold(team, december, {month.factory.number: ("solved", "厂家更换主板")})
    monkeypatch.setattr("webapp.training.seminars.local_today", lambda: date(2027, 1, 31))
    january, _ = draft_agenda(team.head, 2027, 1)
    db.session.commit()
    assert len(by_source(january)["carried"]) == 3
    assert month.factory.id not in {i.ticket_id for i in by_source(january)["carried"]}
    chain = next(i for i in january.items if i.ticket_id == month.rework.id)
    assert chain.carried_from.carried_from.seminar_id == seminar.id


def test_a_future_month_has_no_seminar(app, team):
    """Drafting a month that has not come is refused."""
    with pytest.raises(Exception) as err:
        draft_agenda(team.head, 2099, 1)
    assert err.value.code == "month_in_future"
