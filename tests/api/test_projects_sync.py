"""Installation projects through the sync API: a technician's device pulls the projects of his
team (and nothing of others'), and pushes the team's site records as submissions through the
projects verbs: entry-review rounds with photos and the reviewer's signature, the site log,
changes (the head is told), training signed by several trainees, internal-acceptance rounds
with their rectification. The verbs' refusals come back as `rejected`, never a 5xx."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.support.factories import make_customer, make_user
from tests.support.field_device import FieldDevice, jpeg_bytes, new_id, png_bytes, sha256, statuses
from tests.support.projects import ProjectPeople, walk
from webapp.auth.models import Role
from webapp.documents.models import Photo, Signature
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.projects import services
from webapp.projects.models import (
    Change, EntryReview, InternalAcceptance, LogEntry, Milestone, Project, Rectification, Training,
)

DAY = "2026-11-21"
PROJECT_KINDS = {"project", "project_member", "project_milestone"}


@pytest.fixture
def people(app):
    """Marketing, a head, a team of two technicians, an acceptance-team member and the office."""
    return ProjectPeople.make()


@pytest.fixture
def project(people):
    """A project whose team is picked and whose plan is filed: the team reviews the entry conditions."""
    project = walk(people, "team_assigned")
    services.file_plan(people.leader, project, {"scheme": "按图施工", "milestones": [
        {"name": "布线", "planned_start": "2026-11-21", "planned_end": "2026-11-25"},
        {"name": "设备安装", "planned_end": "2026-11-30"}]})
    db.session.commit()
    return project


@pytest.fixture
def tablet(app, people):
    """The team leader's tablet, signed in."""
    return FieldDevice(app.test_client(), people.leader)


def mutation(device: FieldDevice, kind: str, data: dict, record_id: str | None = None) -> dict:
    """A create mutation of a project record with the next seq."""
    return {"seq": device.next_seq(), "kind": kind, "op": "create", "id": record_id or new_id(),
            "base_version": None, "data": data, "blobs": {}}


def entry_review(device, project, *oks: bool, record_id: str | None = None) -> dict:
    """An entry-review round as the field app files it."""
    rows = [{"key": f"c{i}", "label": f"进场条件{i + 1}", "ok": ok, "note": "" if ok else "桥架未到位"}
            for i, ok in enumerate(oks)]
    return mutation(device, "project_entry_review", {
        "project_id": project.id, "reviewed_on": DAY, "items": rows, "met": all(oks), "notes": "",
        "reviewer_name": "张工"}, record_id)


def results(response) -> list[dict]:
    """The results of a push."""
    body = response.get_json()
    assert response.status_code == 200, body
    return body["results"]


# --- pull ------------------------------------------------------------------------------------


def test_the_team_pulls_its_project_its_team_and_its_plan(app, people, project, tablet):
    """The leader's device gets the project, both team members and the milestones."""
    changes, _cursor = tablet.pull_all()
    mine = [c for c in changes if c["kind"] in PROJECT_KINDS]
    (pulled,) = [c for c in mine if c["kind"] == "project"]
    assert pulled["id"] == project.id and pulled["data"]["status"] == "team_assigned"
    assert pulled["data"]["leader_id"] == people.leader.id
    members = {(c["data"]["user_id"], c["data"]["duty"]) for c in mine if c["kind"] == "project_member"}
    assert members == {(people.leader.id, "team"), (people.member.id, "team")}
    milestones = sorted(c["data"]["name"] for c in mine if c["kind"] == "project_milestone")
    assert milestones == ["布线", "设备安装"]


def test_a_technician_not_on_the_team_pulls_no_project(app, people, project):
    """Another technician of the same school (assigned to it for patrols) gets none of the project."""
    other = make_user(Role.TECHNICIAN)
    project.customer.technicians.append(other)
    db.session.commit()
    changes, _cursor = FieldDevice(app.test_client(), other).pull_all()
    assert {c["kind"] for c in changes} & PROJECT_KINDS == set()
    assert project.customer_id in {c["id"] for c in changes if c["kind"] == "customer"}


def test_another_teams_project_stays_on_its_own_devices(app, people, project, tablet):
    """A second project with another team: the leader's device never sees it."""
    others = ProjectPeople.make()
    second = walk(others, "team_assigned", customer=make_customer("城北小学"))
    changes, _cursor = tablet.pull_all()
    ids = {c["id"] for c in changes if c["kind"] == "project"}
    assert ids == {project.id} and second.id not in ids


def test_a_member_taken_off_the_team_loses_the_project_on_the_next_pull(app, people, project):
    """Once the head leaves him out, the member's device gets the project as out of scope."""
    phone = FieldDevice(app.test_client(), people.member)
    _changes, cursor = phone.pull_all()
    services.assign_team(people.head, project, people.leader.id, [])
    db.session.commit()
    changes, _cursor = phone.pull_all(cursor)
    gone = [c for c in changes if c["kind"] == "project" and c["id"] == project.id]
    assert gone and gone[-1]["deleted"] is True


# --- entry review ----------------------------------------------------------------------------


def test_a_failed_round_then_a_met_round_offline_in_one_batch(app, people, project, tablet):
    """Round 1 not met, round 2 met, then a change and a log entry: all applied in order, rounds numbered."""
    first, second = entry_review(tablet, project, True, False), entry_review(tablet, project, True, True)
    change = mutation(tablet, "project_change", {"project_id": project.id, "what": "弱电间改到二楼", "why": "校方调整用房",
                                                 "effect": "布线延后两天"})
    log = mutation(tablet, "project_log", {"project_id": project.id, "date": DAY, "text": "完成一楼布线", "workers": "张工、李工"})
    assert statuses(tablet.push([first, second, change, log])) == ["applied"] * 4
    db.session.expire_all()
    rounds_ = db.session.scalars(select(EntryReview).order_by(EntryReview.round)).all()
    assert [(r.id, r.round, r.met) for r in rounds_] == [(first["id"], 1, False), (second["id"], 2, True)]
    assert db.session.get(Project, project.id).status == "entry_met"
    assert db.session.get(LogEntry, log["id"]).author_id == people.leader.id


def test_the_pulled_round_carries_the_servers_number(app, people, project, tablet):
    """What the device pushed comes back with its round number and author."""
    review = entry_review(tablet, project, False)
    assert statuses(tablet.push([review])) == ["applied"]
    changes, _cursor = tablet.pull_all()
    (pulled,) = [c for c in changes if c["id"] == review["id"]]
    assert pulled["data"]["round"] == 1 and pulled["data"]["author_id"] == people.leader.id
    assert pulled["data"]["met"] is False and pulled["data"]["items"][0]["label"] == "进场条件1"


def test_a_device_cannot_name_a_round_or_the_school(app, people, project, tablet):
    """round, customer_id and author_id are the server's: sent anyway, they are ignored."""
    review = entry_review(tablet, project, True)
    review["data"].update({"round": 7, "customer_id": make_customer("别的学校").id, "author_id": people.head.id})
    assert statuses(tablet.push([review])) == ["applied"]
    stored = db.session.get(EntryReview, review["id"])
    assert (stored.round, stored.customer_id, stored.author_id) == (1, project.customer_id, people.leader.id)


def test_a_met_verdict_that_the_items_contradict_is_rejected(app, people, project, tablet):
    """met: true with an item not met: rejected with the field, nothing stored."""
    review = entry_review(tablet, project, True, False)
    review["data"]["met"] = True
    (result,) = results(tablet.push([review]))
    assert result["status"] == "rejected" and "met" in result["errors"]
    assert db.session.get(EntryReview, review["id"]) is None


def test_the_review_carries_its_photos_and_the_reviewers_signature(app, people, project, tablet):
    """Photos and the reviewer's signature attach to the round (document kind project_entry_review)."""
    photo, ink = jpeg_bytes(seed=31), png_bytes(seed=32)
    for blob in (photo, ink):
        assert tablet.put_blob(blob).status_code in (200, 201)
    review = entry_review(tablet, project, True, True)
    shot = tablet.photo("project_entry_review", review["id"], photo)
    signed = tablet.signature("project_entry_review", review["id"], ink, role="reviewer", content=review["data"])
    assert statuses(tablet.push([review, shot, signed])) == ["applied"] * 3
    assert db.session.get(Photo, shot["id"]).customer_id == project.customer_id
    assert db.session.get(Signature, signed["id"]).signer_role == "reviewer"


def test_a_technician_off_the_team_cannot_review(app, people, project):
    """A technician of the school who is not on the team: rejected (forbidden), nothing stored."""
    other = make_user(Role.TECHNICIAN)
    project.customer.technicians.append(other)
    db.session.commit()
    phone = FieldDevice(app.test_client(), other)
    review = entry_review(phone, project, True)
    (result,) = results(phone.push([review]))
    assert result["status"] == "rejected" and result["code"] == "forbidden"
    assert db.session.get(Project, project.id).status == "team_assigned"


def test_a_resent_round_is_a_duplicate(app, people, project, tablet):
    """The same round sent again under a new seq (the first answer was lost): duplicate, one row."""
    review = entry_review(tablet, project, False)
    assert statuses(tablet.push([review])) == ["applied"]
    again = {**review, "seq": tablet.next_seq()}
    assert statuses(tablet.push([again])) == ["duplicate"]
    assert len(db.session.scalars(select(EntryReview)).all()) == 1


# --- installation: log, changes, training --------------------------------------------------------


def test_no_site_log_before_the_entry_conditions_are_met(app, people, project, tablet):
    """A log entry while the entry review is not met: rejected with the stage code."""
    log = mutation(tablet, "project_log", {"project_id": project.id, "date": DAY, "text": "进场"})
    (result,) = results(tablet.push([log]))
    assert result["status"] == "rejected" and result["code"] == "project_stage"


def test_a_change_reaches_the_head_at_once(app, people, project, tablet):
    """The pushed change is stored and the department head has a notification naming it."""
    review = entry_review(tablet, project, True)
    change = mutation(tablet, "project_change", {"project_id": project.id, "what": "增加两台摄像机", "why": "校方要求"})
    assert statuses(tablet.push([review, change])) == ["applied", "applied"]
    assert db.session.get(Change, change["id"]).reported_at is not None
    notes = db.session.scalars(select(Notification).where(Notification.user_id == people.head.id)).all()
    assert any("增加两台摄像机" in n.message for n in notes)


def training(device, project, trainees: list[str]) -> dict:
    """A training session as the field app files it."""
    return mutation(device, "project_training", {
        "project_id": project.id, "held_on": DAY, "topics": "录播系统操作", "trainer": "张工", "trainees": trainees})


def test_training_signed_by_two_trainees_on_one_paper(app, people, project, tablet):
    """One session, two signatures (trainee-1, trainee-2) over the session's content: all applied."""
    inks = [png_bytes(seed=41), png_bytes(seed=42)]
    for ink in inks:
        tablet.put_blob(ink)
    review = entry_review(tablet, project, True)
    session = training(tablet, project, ["王老师", "赵老师"])
    signed = [tablet.signature("project_training", session["id"], ink, role=f"trainee-{n}", content=session["data"])
              for n, ink in enumerate(inks, start=1)]
    assert statuses(tablet.push([review, session, *signed])) == ["applied"] * 4
    roles = {s.signer_role for s in db.session.scalars(select(Signature).where(Signature.document_id == session["id"]))}
    assert roles == {"trainee-1", "trainee-2"}
    assert db.session.get(Training, session["id"]).trainees == ["王老师", "赵老师"]


def test_a_signature_for_a_trainee_the_paper_does_not_name_is_rejected(app, people, project, tablet):
    """trainee-3 on a session of two trainees: rejected; the session stays."""
    ink = png_bytes(seed=43)
    tablet.put_blob(ink)
    review = entry_review(tablet, project, True)
    session = training(tablet, project, ["王老师", "赵老师"])
    extra = tablet.signature("project_training", session["id"], ink, role="trainee-3", content=session["data"])
    got = results(tablet.push([review, session, extra]))
    assert [r["status"] for r in got] == ["applied", "applied", "rejected"]
    assert "signer_role" in got[2]["errors"]


def test_a_training_signature_over_other_content_is_refused(app, people, project, tablet):
    """A trainee's signature whose hash covers other trainees than the session names: content_mismatch."""
    ink = png_bytes(seed=44)
    tablet.put_blob(ink)
    review = entry_review(tablet, project, True)
    session = training(tablet, project, ["王老师"])
    forged = tablet.signature("project_training", session["id"], ink, role="trainee-1",
                              content={**session["data"], "trainees": ["别人"]})
    got = results(tablet.push([review, session, forged]))
    assert [r["status"] for r in got] == ["applied", "applied", "rejected"]
    assert got[2]["code"] == "content_mismatch"


# --- internal acceptance with its loop -------------------------------------------------------------


def acceptance(device, project, *oks: bool) -> dict:
    """An internal-acceptance round as the field app files it."""
    rows = [{"key": f"a{i}", "name": f"验收项{i + 1}", "ok": ok, "note": "", "rectify": "" if ok else "线缆标识缺失"}
            for i, ok in enumerate(oks)]
    return mutation(device, "project_internal_acceptance", {
        "project_id": project.id, "checked_on": DAY, "items": rows, "passed": all(oks), "notes": ""})


def test_internal_acceptance_fails_is_rectified_and_passes(app, people, project, tablet):
    """The acceptance team fails round 1; the team reports it rectified; round 2 passes."""
    assert statuses(tablet.push([entry_review(tablet, project, True)])) == ["applied"]
    services.appoint_acceptance_team(people.head, db.session.get(Project, project.id), [people.acceptor.id])
    db.session.commit()
    checker = FieldDevice(app.test_client(), people.acceptor)
    failed = acceptance(checker, project, True, False)
    early = acceptance(checker, project, True, True)
    got = results(checker.push([failed, early]))
    assert [r["status"] for r in got] == ["applied", "rejected"]
    assert got[1]["code"] == "rectification_pending"
    fixed = mutation(tablet, "project_rectification", {
        "round_kind": "project_internal_acceptance", "round_id": failed["id"], "note": "已补齐线缆标识"})
    assert statuses(tablet.push([fixed])) == ["applied"]
    again = acceptance(checker, project, True, True)
    assert statuses(checker.push([again])) == ["applied"]
    db.session.expire_all()
    assert [r.round for r in db.session.scalars(select(InternalAcceptance).order_by(InternalAcceptance.round))] == [1, 2]
    assert db.session.get(Rectification, fixed["id"]).author_id == people.leader.id
    assert db.session.get(Project, project.id).status == "internal_passed"


def test_the_installation_team_cannot_accept_its_own_work(app, people, project, tablet):
    """An acceptance round from the leader (not on the acceptance team): rejected (forbidden)."""
    review = entry_review(tablet, project, True)
    got = results(tablet.push([review, acceptance(tablet, project, True)]))
    assert [r["status"] for r in got] == ["applied", "rejected"] and got[1]["code"] == "forbidden"


# --- the plan ------------------------------------------------------------------------------------


def test_the_team_notes_a_milestones_actual_end_from_the_device(app, people, project, tablet):
    """An update of a milestone's actual dates goes through record_progress; its plan stays."""
    changes, _cursor = tablet.pull_all()
    wiring = next(c for c in changes if c["kind"] == "project_milestone" and c["data"]["name"] == "布线")
    assert statuses(tablet.push([entry_review(tablet, project, True)])) == ["applied"]
    update = tablet.update("project_milestone", wiring["id"], wiring["version"], actual_end="2026-11-24",
                           planned_end="2027-01-01")
    assert statuses(tablet.push([update])) == ["applied"]
    stored = db.session.get(Milestone, wiring["id"])
    assert (stored.actual_end, stored.planned_end) == (date(2026, 11, 24), date(2026, 11, 25))


def test_a_project_on_hold_takes_no_site_record(app, people, project, tablet):
    """On hold: a round from the device is rejected with the hold's reason, nothing stored."""
    services.hold_project(people.market, db.session.get(Project, project.id), "校方暂停施工")
    db.session.commit()
    (result,) = results(tablet.push([entry_review(tablet, project, True)]))
    assert result["status"] == "rejected" and result["code"] == "project_stage"
    assert "校方暂停施工" in result["message"]
